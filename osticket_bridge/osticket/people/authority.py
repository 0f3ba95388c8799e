"""May this agent do this to this ticket? osTicket's answer: the role for the ticket's department and its permission
names, department access, "limit access to assigned tickets only", referrals, and the agent being active.

One question for every write done as an agent (``authorize``); a refusal is raised before anything is written.
"""

import json

from sqlalchemy import select

from ..errors import Forbidden
from ..release import is_110
from .agent_access import can_access_ticket
from .staff import find_agent, team_ids_query

REPLY, ASSIGN, TRANSFER, CLOSE, EDIT, CREATE = (
    "ticket.reply", "ticket.assign", "ticket.transfer", "ticket.close", "ticket.edit", "ticket.create",
)  # fmt: skip


def acting_agent(db, conn, username):
    """The agent acting by this username, or Forbidden: unknown and locked (inactive) agents cannot sign in to the
    staff panel. An agent on vacation still can; only assignments to them are refused."""
    agent = find_agent(db, conn, username)
    if agent is None:
        raise Forbidden(f"no agent has the username {username!r}")
    if not agent["isactive"]:
        raise Forbidden(f"agent {agent['username']} is not active")
    return agent


def authorize(db, conn, catalog, agent, ticket, permission=None):
    """Refuse (Forbidden) unless the agent may see the ticket and, with ``permission``, holds it in the role that
    applies to the ticket (Ticket::checkStaffPerm)."""
    is_open = catalog.statuses.get(ticket["status_id"], {}).get("state") == "open"
    if not can_access_ticket(db, conn, agent, ticket, is_open):
        raise Forbidden(f"agent {agent['username']} has no access to ticket {ticket['number']}")
    if permission is not None and permission not in permissions(db, conn, agent, ticket, is_open):
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


def permissions(db, conn, agent, ticket, is_open):
    """The permission names of the agent's role for the ticket's department (Staff::getRole).

    The primary department's role, else the extended-access role for that department; failing both, the primary
    role when the agent is assigned the ticket and "use primary role on assignment" is on (1.10: for any other
    department), else nothing but ticket.create (1.10: nothing).
    """
    t = db.tables
    dept_id = ticket["dept_id"]
    role_id = agent_role_id = _primary_role(db, conn, agent["staff_id"])
    if dept_id != agent["dept_id"]:
        a = t.staff_dept_access
        role_id = conn.execute(
            select(a.c.role_id).where(a.c.staff_id == agent["staff_id"], a.c.dept_id == dept_id)
        ).scalar()
        if role_id is None:
            if is_110(db):
                return _role_permissions(db, conn, agent_role_id) if _primary_on_assignment(db, conn, agent) else set()
            if _is_assigned(db, conn, agent, ticket, is_open) and _primary_on_assignment(db, conn, agent):
                return _role_permissions(db, conn, agent_role_id)
            return {CREATE}
    return _role_permissions(db, conn, role_id)


def _primary_role(db, conn, staff_id):
    s = db.tables.staff
    return conn.execute(select(s.c.role_id).where(s.c.staff_id == staff_id)).scalar()


def _role_permissions(db, conn, role_id):
    r = db.tables.role
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
