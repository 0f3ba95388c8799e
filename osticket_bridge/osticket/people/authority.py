"""May this agent do this to this ticket? osTicket's answer: the role for the ticket's department and its permission
names, department access, "limit access to assigned tickets only", referrals, and the agent being active.

One question for every write done as an agent (``authorize``); a refusal is raised before anything is written.
"""

import json
from dataclasses import dataclass

from sqlalchemy import or_, select

from ..errors import Forbidden
from ..release import is_110
from .agent_access import agent_depts_query, can_access_ticket
from .staff import find_agent, team_ids_query

REPLY, ASSIGN, TRANSFER, CLOSE, EDIT, CREATE = (
    "ticket.reply", "ticket.assign", "ticket.transfer", "ticket.close", "ticket.edit", "ticket.create",
)  # fmt: skip


@dataclass(frozen=True)
class Grants:
    """What ``authorize`` reads of an agent, read with a write's first read instead (``grants_reads``)."""

    depts: frozenset  # Staff::getDepts
    primary_role: int
    access: dict  # extended access: {department id: role id}
    roles: dict  # {role id: permissions JSON} of the agent's roles


def grants_reads(db, username):
    """The round_trip.union parts that read the Grants of the agent with this ``username`` (an SQL expression):
    give their rows and the agent's ost_staff row to ``grants_of``."""
    s, a, r = db.tables.staff, db.tables.staff_dept_access, db.tables.role
    named = s.c.username == username
    access = a.join(s, s.c.staff_id == a.c.staff_id)
    own_roles = or_(
        r.c.id.in_(select(s.c.role_id).where(named)), r.c.id.in_(select(a.c.role_id).select_from(access).where(named))
    )
    return {
        "agent_depts": agent_depts_query(db, named),
        "agent_access": select(a.c.dept_id, a.c.role_id).select_from(access).where(named),
        "agent_roles": select(r.c.id, r.c.permissions).where(own_roles),
    }


def grants_of(found, agent):
    """The Grants of ``agent`` (its ost_staff row) from the rows of ``grants_reads``' parts in ``found``."""
    return Grants(
        frozenset(row["id"] for row in found["agent_depts"]),
        agent["role_id"],
        {row["dept_id"]: row["role_id"] for row in found["agent_access"]},
        {row["id"]: row["permissions"] for row in found["agent_roles"]},
    )


def acting_agent(db, conn, username):
    """The agent acting by this username, or Forbidden: unknown and locked (inactive) agents cannot sign in to the
    staff panel. An agent on vacation still can; only assignments to them are refused."""
    return usable_agent(find_agent(db, conn, username), username)


def usable_agent(agent, username):
    """acting_agent's answer for the agent found by this username (or None)."""
    if agent is None:
        raise Forbidden(f"no agent has the username {username!r}")
    if not agent["isactive"]:
        raise Forbidden(f"agent {agent['username']} is not active")
    return agent


def authorize(db, conn, catalog, agent, ticket, permission=None, grants=None):
    """Refuse (Forbidden) unless the agent may see the ticket and, with ``permission``, holds it in the role that
    applies to the ticket (Ticket::checkStaffPerm). ``grants``: the agent's Grants, when read already."""
    is_open = catalog.statuses.get(ticket["status_id"], {}).get("state") == "open"
    if not can_access_ticket(db, conn, agent, ticket, is_open, grants and grants.depts):
        raise Forbidden(f"agent {agent['username']} has no access to ticket {ticket['number']}")
    if permission is not None and permission not in permissions(db, conn, agent, ticket, is_open, grants):
        raise Forbidden(f"agent {agent['username']}'s role in this ticket's department lacks {permission}")


def may_change_status(db, conn, catalog, agent, ticket, state):
    """The status dialog's rule (ajax setTicketStatus): closing needs ticket.close; reopening ticket.close or
    ticket.create."""
    authorize(db, conn, catalog, agent, ticket)
    held = permissions(db, conn, agent, ticket, catalog.statuses[ticket["status_id"]]["state"] == "open")
    if state == "closed" and CLOSE not in held:
        raise Forbidden(f"agent {agent['username']} has no permission to resolve/close tickets ({CLOSE})")
    if state == "open" and not held & {CLOSE, CREATE}:
        raise Forbidden(f"agent {agent['username']} has no permission to reopen tickets ({CLOSE} or {CREATE})")


def permissions(db, conn, agent, ticket, is_open, grants=None):
    """The permission names of the agent's role for the ticket's department (Staff::getRole).

    The primary department's role, else the extended-access role for that department; failing both, the primary
    role when the agent is assigned the ticket and "use primary role on assignment" is on (1.10: for any other
    department), else nothing but ticket.create (1.10: nothing).
    """
    t = db.tables
    dept_id = ticket["dept_id"]
    role_id = agent_role_id = grants.primary_role if grants else _primary_role(db, conn, agent["staff_id"])
    if dept_id != agent["dept_id"]:
        a = t.staff_dept_access
        if grants:
            role_id = grants.access.get(dept_id)
        else:
            query = select(a.c.role_id).where(a.c.staff_id == agent["staff_id"], a.c.dept_id == dept_id)
            role_id = conn.execute(query).scalar()
        if role_id is None:
            if is_110(db):
                if not _primary_on_assignment(db, conn, agent):
                    return set()
                return _role_permissions(db, conn, agent_role_id, grants)
            if _is_assigned(db, conn, agent, ticket, is_open) and _primary_on_assignment(db, conn, agent):
                return _role_permissions(db, conn, agent_role_id, grants)
            return {CREATE}
    return _role_permissions(db, conn, role_id, grants)


def _primary_role(db, conn, staff_id):
    s = db.tables.staff
    return conn.execute(select(s.c.role_id).where(s.c.staff_id == staff_id)).scalar()


def _role_permissions(db, conn, role_id, grants=None):
    r = db.tables.role
    if grants:
        raw = grants.roles.get(role_id)
    else:
        raw = conn.execute(select(r.c.permissions).where(r.c.id == role_id)).scalar()
    try:
        granted = json.loads(raw or "{}")
    except ValueError:
        return set()
    return {name for name, on in (granted.items() if isinstance(granted, dict) else ()) if on}


def _primary_on_assignment(db, conn, agent):
    """Staff::usePrimaryRoleOnAssignment: the agent's extra def_assn_role, on unless set false."""
    s = db.tables.staff
    raw = conn.execute(select(s.c.extra).where(s.c.staff_id == agent["staff_id"])).scalar()
    try:
        extra = json.loads(raw or "{}")
    except ValueError:
        extra = {}
    return bool(extra.get("def_assn_role", True)) if isinstance(extra, dict) else True


def _is_assigned(db, conn, agent, ticket, is_open):
    """Ticket::isAssigned(staff): an open ticket assigned to the agent or to one of the agent's teams."""
    if not is_open:
        return False
    if ticket["staff_id"] == agent["staff_id"]:
        return True
    teams = {i for (i,) in conn.execute(team_ids_query(db, agent["staff_id"]))}
    return bool(ticket["team_id"]) and ticket["team_id"] in teams
