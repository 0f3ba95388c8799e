"""An agent's actions on a ticket as the staff panel's controllers do them: an internal note, assign and claim,
transfer, a status change with comments (scp/tickets.php a=postnote; ajax.tickets.php assign, claim, transfer,
setTicketStatus). Each runs in the caller's transaction, with the ticket row read FOR UPDATE, after
authority.authorize; the rows are recorded in tests/recordings/<release>/agent/.
"""

from sqlalchemy import delete, func, insert, select, update

from .. import search
from ..catalog import file_rules
from ..catalog.cache import cached_catalog
from ..errors import Conflict, Invalid, NotFound
from ..notices import agent_alerts
from ..notices.recipients import queue
from ..people import authority
from ..release import is_110
from ..text import plain_text
from ..threads import files
from ..threads.entries import ENTRY_BALANCED, ZERO_DATE
from ..threads.events import Actor, log_event
from .reads import find_ticket
from .replies import agent_poster, body_and_files, check_lock, entry_body, entry_format
from .status import reload, reopen_status_id, set_status, state, usable_status

TEAM_ENABLED = 0x1  # ost_team.flags
DEPT_ASSIGN_MEMBERS_ONLY, DEPT_ASSIGN_PRIMARY_ONLY = 0x1, 0x10  # ost_department.flags
DEPT_ARCHIVED = 0x8


def acting_on(db, conn, number, username, permission=None):
    """(catalog, ticket row FOR UPDATE, agent) once the agent may act on the ticket with ``permission``."""
    catalog = cached_catalog(db, conn)
    ticket = find_ticket(db, conn, number, for_update=True)
    if ticket is None:
        raise NotFound(f"no ticket {number}")
    agent = authority.acting_agent(db, conn, username)
    authority.authorize(db, conn, catalog, agent, ticket, permission)
    return catalog, ticket, agent


def post_note(db, conn, number, username, title, note, message_format="text", ip="", uploads=()):
    """Post Internal Note: any agent who may see the ticket (the panel asks no role permission for it)."""
    catalog, ticket, agent = acting_on(db, conn, number, username)
    check_lock(db, conn, ticket, agent)  # the panel's note form needs the lock: another agent's refuses it
    fmt = entry_format(catalog)
    body, stored = body_and_files(db, conn, note, fmt, message_format, uploads, file_rules.reply_limits(catalog))
    entry_id = log_note(db, conn, ticket, agent, title, body, fmt, ip)
    files.attach(db, conn, entry_id, stored, body, panel_uploads_110=is_110(db))
    is_open = state(catalog, ticket["status_id"]) == "open"
    mails = agent_alerts.note(db, conn, catalog, ticket["ticket_id"], entry_id, title, ticket["staff_id"], is_open)
    queue(db, conn, mails)


def log_note(db, conn, ticket, agent, title, body, fmt, ip=""):
    """Ticket::logNote as the agent: an internal note (type N, no alert), indexed for search; its id."""
    catalog = cached_catalog(db, conn)
    result = conn.execute(
        insert(db.tables.thread_entry).values(
            pid=0, thread_id=ticket["thread_id"], staff_id=agent["staff_id"], user_id=0, type="N",
            flags=ENTRY_BALANCED if fmt == "html" else 0, poster=agent_poster(catalog, agent), source="",
            title=title, body=body, format=fmt, ip_address=ip or "", created=func.now(), updated=ZERO_DATE,
        )
    )  # fmt: skip
    entry_id = result.inserted_primary_key[0]
    search.index(db, conn, "H", entry_id, title, plain_text(body, fmt))
    return entry_id


def comments_body(catalog, comments, message_format):
    """The comments of a dialog as the note's body, or None when there are none."""
    if not (comments or "").strip():
        return None
    return entry_body(comments, entry_format(catalog), message_format)


def assign(db, conn, number, username, assignee, comments="", message_format="text", ip=""):
    """Assign to ``s<staff id>`` or ``t<team id>``; the acting agent's own id is a claim (the Claim dialog)."""
    catalog, ticket, agent = acting_on(db, conn, number, username, authority.ASSIGN)
    # osTicket has no Ticket::isAssignable: the ticket's page offers Assign and Claim on an open ticket only
    # (1.18.1 include/staff/ticket-view.inc.php:118, 1.10.4 :100), and its claim controller refuses the rest
    # (include/ajax.tickets.php:869, 1.10.4 :486). Ticket::assign itself, and so the queue's mass Assign, do not ask.
    if state(catalog, ticket["status_id"]) != "open":
        raise Conflict(f"ticket {number} is not open: only open tickets can be assigned")
    kind, target = _parse_assignee(assignee)
    body = comments_body(catalog, comments, message_format)
    fmt = entry_format(catalog)
    if kind == "s" and target == agent["staff_id"]:
        return _claim(db, conn, catalog, ticket, agent, body, fmt, ip)
    if kind == "s":
        staff = _assignable_agent(db, conn, ticket, target)
        if ticket["staff_id"] == target:
            raise Conflict(f"ticket {number} is already assigned to that agent")
        values, data, name = {"staff_id": target}, {"staff": [target, _name(staff)]}, agent_poster(catalog, staff)
    else:
        team = _assignable_team(db, conn, target)
        if ticket["team_id"] == target:
            raise Conflict(f"ticket {number} is already assigned to that team")
        values, data, name = {"team_id": target}, {"team": target}, team["name"]
    ticket = _save(db, conn, ticket, values)
    log_event(db, conn, catalog, ticket, "assigned", Actor.agent(agent["staff_id"], agent["username"]), data)
    _drop_referral(db, conn, ticket, "S" if kind == "s" else "E", target)
    note_id = log_note(db, conn, ticket, agent, f"Ticket Assigned to {name}", body, fmt, ip) if body else 0
    queue(db, conn, agent_alerts.assignment(db, conn, catalog, ticket["ticket_id"], agent["staff_id"], note_id))


def _claim(db, conn, catalog, ticket, agent, body, fmt, ip):
    """Ticket::claim: an unassigned-to-agent open ticket becomes the agent's; no alert."""
    if ticket["staff_id"]:
        raise Conflict(f"ticket {ticket['number']} is already assigned to an agent: it cannot be claimed")
    if agent["onvacation"]:
        raise Conflict(f"agent {agent['username']} is on vacation: unavailable for assignment")
    _assignable_agent(db, conn, ticket, agent["staff_id"])
    ticket = _save(db, conn, ticket, {"staff_id": agent["staff_id"]})
    if body:  # onAssign's note comes before assignToStaff's event
        log_note(db, conn, ticket, agent, f"Ticket claimed by {agent_poster(catalog, agent)}", body, fmt, ip)
    log_event(db, conn, catalog, ticket, "assigned", Actor.agent(agent["staff_id"], agent["username"]), {"claim": True})
    _drop_referral(db, conn, ticket, "S", agent["staff_id"])


def transfer(db, conn, number, username, dept_id, comments="", message_format="text", ip=""):
    """Transfer to another department (any active one: the agent may lose access to the ticket by it)."""
    catalog, ticket, agent = acting_on(db, conn, number, username, authority.TRANSFER)
    d = db.tables.department
    dept = conn.execute(select(d.c.id, d.c.name, d.c.flags).where(d.c.id == dept_id)).mappings().first()
    if dept is None or dept["flags"] & DEPT_ARCHIVED:
        raise Invalid(f"there is no active department {dept_id}")
    if dept_id == ticket["dept_id"]:
        raise Conflict(f"ticket {number} is already in the department {dept['name']}")
    old_name = conn.execute(select(d.c.name).where(d.c.id == ticket["dept_id"])).scalar()
    values = {"dept_id": dept_id}
    if ticket["staff_id"] and dept["flags"] & DEPT_ASSIGN_MEMBERS_ONLY and not _is_member(db, conn, dept_id, ticket):
        values["staff_id"] = 0  # the new department does not allow its current agent
    ticket = _save(db, conn, ticket, values)
    actor = Actor.agent(agent["staff_id"], agent["username"])
    if state(catalog, ticket["status_id"]) == "closed":  # Ticket::transfer reopens a closed ticket
        reopened = reopen_status_id(catalog, ticket)
        ticket = set_status(db, conn, catalog, ticket, reopened, actor, timezone=agent["timezone"])
    data = None if is_110(db) else {"dept": dept["name"]}
    log_event(db, conn, catalog, ticket, "transferred", actor, data)
    _drop_referral(db, conn, ticket, "D", dept_id)
    body = comments_body(catalog, comments, message_format)
    note_id = 0
    if body:
        title = f"Ticket transferred from {old_name} to {dept['name']}"
        note_id = log_note(db, conn, ticket, agent, title, body, entry_format(catalog), ip)
    queue(db, conn, agent_alerts.transfer(db, conn, catalog, ticket["ticket_id"], agent["staff_id"], note_id))


def change_status(db, conn, number, username, status_id, comments="", message_format="text", ip=""):
    """Change Status: an open- or closed-state status, the comments as a "Status Changed" note."""
    catalog = cached_catalog(db, conn)
    status = usable_status(catalog, status_id, ("open", "closed"))
    catalog, ticket, agent = acting_on(db, conn, number, username)
    authority.may_change_status(db, conn, catalog, agent, ticket, status["state"])
    if status_id == ticket["status_id"]:
        raise Conflict(f"ticket {number} already has the status {status['name']}")
    actor = Actor.agent(agent["staff_id"], agent["username"])
    ticket = set_status(db, conn, catalog, ticket, status_id, actor, agent, timezone=agent["timezone"])
    body = comments_body(catalog, comments, message_format)
    if body:  # Ticket::setStatus logs the comments with alerts, as the ticket now is
        title = "Status Changed"
        note_id = log_note(db, conn, ticket, agent, title, body, entry_format(catalog), ip)
        is_open = status["state"] == "open"
        ids = (ticket["ticket_id"], note_id, title, ticket["staff_id"], is_open)
        queue(db, conn, agent_alerts.note(db, conn, catalog, *ids))


def _parse_assignee(assignee):
    kind, number = (assignee or "")[:1], (assignee or "")[1:]
    if kind not in ("s", "t") or not number.isdigit() or int(number) == 0:
        raise Invalid("assignee must be s<staff id> or t<team id>")
    return kind, int(number)


def _assignable_agent(db, conn, ticket, staff_id):
    """The agent if available and, in a department restricting assignment, a member of it (Dept::canAssign)."""
    s = db.tables.staff
    staff = conn.execute(select(s).where(s.c.staff_id == staff_id)).mappings().first()
    if staff is None:
        raise Invalid(f"there is no agent {staff_id}")
    if not staff["isactive"] or staff["onvacation"]:
        raise Conflict(f"agent {staff['username']} is unavailable for assignment (inactive or on vacation)")
    d = db.tables.department
    flags = conn.execute(select(d.c.flags).where(d.c.id == ticket["dept_id"])).scalar() or 0
    primary_only = flags & DEPT_ASSIGN_PRIMARY_ONLY or (is_110(db) and flags & DEPT_ASSIGN_MEMBERS_ONLY)
    if primary_only and staff["dept_id"] != ticket["dept_id"]:
        raise Conflict(f"agent {staff['username']} is not a primary member of the ticket's department")
    # osTicket 1.10 offers the department's members only; later releases any agent unless restricted.
    members_only = flags & DEPT_ASSIGN_MEMBERS_ONLY or is_110(db)
    if members_only and not _is_member(db, conn, ticket["dept_id"], {"staff_id": staff_id}):
        raise Conflict(f"agent {staff['username']} is not a member of the ticket's department")
    return staff


def _is_member(db, conn, dept_id, who):
    """Dept::isMember: primary department, extended access, or its manager."""
    s, a, d = db.tables.staff, db.tables.staff_dept_access, db.tables.department
    staff_id = who["staff_id"]
    primary = select(s.c.staff_id).where(s.c.staff_id == staff_id, s.c.dept_id == dept_id)
    extended = select(a.c.staff_id).where(a.c.staff_id == staff_id, a.c.dept_id == dept_id)
    manager = select(d.c.id).where(d.c.id == dept_id, d.c.manager_id == staff_id)
    return any(conn.execute(q).first() for q in (primary, extended, manager))


def _assignable_team(db, conn, team_id):
    """Team::getActiveTeams: enabled, with at least one active agent not on vacation."""
    t, tm, s = db.tables.team, db.tables.team_member, db.tables.staff
    team = conn.execute(select(t.c.team_id, t.c.name, t.c.flags).where(t.c.team_id == team_id)).mappings().first()
    available = select(tm.c.staff_id).join(s, s.c.staff_id == tm.c.staff_id)
    available = available.where(tm.c.team_id == team_id, s.c.isactive == 1, s.c.onvacation == 0)
    if team is None or not team["flags"] & TEAM_ENABLED or conn.execute(available.limit(1)).first() is None:
        raise Invalid(f"there is no active team {team_id} with available members")
    return team


def _name(staff):
    """PersonsName::getOriginal of an agent: "First Last"."""
    return f"{staff['firstname']} {staff['lastname']}".strip()


def _save(db, conn, ticket, values):
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(**values, updated=func.now()))
    return reload(db, conn, ticket)


def _drop_referral(db, conn, ticket, object_type, object_id):
    """Ticket::hasReferral(...)->delete(): the ticket is now theirs, no longer referred to them (1.11+)."""
    if not db.tables.has("thread_referral"):
        return
    r = db.tables.thread_referral
    where = (r.c.thread_id == ticket["thread_id"], r.c.object_type == object_type, r.c.object_id == object_id)
    conn.execute(delete(r).where(*where))
