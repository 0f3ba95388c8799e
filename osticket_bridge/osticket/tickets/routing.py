"""How a new ticket is routed, as ``Ticket::create`` decides before writing (DATA_MODEL §2a "Decisions").

The help topic (an unknown or inactive one is refused), the department, SLA, priority and initial status, the
ban list, and the auto-assignment to the topic's agent or team or the organization's account manager.
"""

from dataclasses import dataclass

from sqlalchemy import and_, select

from ..catalog import forms
from ..errors import FieldError
from ..people.create_user import organizations_query

TOPIC_ACTIVE, TOPIC_ARCHIVED = 0x2, 0x4  # ost_help_topic.flags
FORM_DELETED = 0x2  # ost_form.flags
DEPT_ACTIVE = 0x4  # ost_department.flags
TEAM_ENABLED = 0x1  # ost_team.flags
ORG_ASSIGN_MANAGER = 0x4  # ost_organization.status
STATUS_ENABLED = 0x1  # ost_ticket_status.mode
BAN_LIST = "SYSTEM BAN LIST"


def wanted_topic_id(catalog, requested):
    """The topic a create asks for, else core.default_help_topic; 0 for none."""
    return requested if requested else catalog.int_setting("default_help_topic")


def reads(db, topic_id, default_dept_id, address=None, domain=None):
    """The routing's lookups by name, for one round trip (round_trip.union): the topic with its forms and assignee
    (none for ``topic_id`` 0), the candidate departments, the SLAs, the live columns of the cdata caches and, for a
    new address, the ban list and the organizations of its domain (``domain``: create_user.domain_pattern's).

    The arguments are SQL expressions (bind parameters: the statement is built once).
    """
    t = db.tables
    d = t.department
    depts = candidate_depts(db, topic_id, default_dept_id)
    found = {
        "topic": _topic_query(db, topic_id),
        "depts": select(d.c.id, d.c.flags, d.c.sla_id).where(d.c.id.in_(depts)),
        "slas": select(t.sla.c.id),
        "cdata": forms.cdata_query(db),
    }
    if address is not None:
        found["ban"] = ban_query(db, address).limit(1)
        found["organizations"] = organizations_query(db, domain)
    return found


def ban_query(db, address):
    """The ban list's active rule for ``address`` (Banlist::isBanned; the column's collation ignores case)."""
    t = db.tables
    f, r = t.filter, t.filter_rule
    return (
        select(r.c.id)
        .select_from(f.join(r, r.c.filter_id == f.c.id))
        .where(f.c.name == BAN_LIST, f.c.isactive != 0, r.c.isactive != 0, r.c.what == "email", r.c.val == address)
    )


def candidate_depts(db, topic_id, default_dept_id):
    """The ids a create's department is chosen from: the topic's and core.default_dept_id (SQL expressions)."""
    ht = db.tables.help_topic
    return [select(ht.c.dept_id).where(ht.c.topic_id == topic_id).scalar_subquery(), default_dept_id]


def _topic_query(db, topic_id):
    """The topic's row once per linked form (with the form's type and flags), with its agent and team."""
    t = db.tables
    ht, link, form, staff, team = t.help_topic, t.help_topic_form, t.form, t.staff, t.team
    return (
        select(
            ht,
            link.c.form_id,
            link.c.sort.label("form_sort"),
            link.c.id.label("form_link_id"),
            link.c.extra.label("form_extra"),
            form.c.type.label("form_type"),
            form.c.flags.label("form_flags"),
            *_agent_columns(staff),
            *_team_columns(team),
        )
        .select_from(
            ht.outerjoin(link, link.c.topic_id == ht.c.topic_id)
            .outerjoin(form, form.c.id == link.c.form_id)
            .outerjoin(staff, staff.c.staff_id == ht.c.staff_id)
            .outerjoin(team, team.c.team_id == ht.c.team_id)
        )
        .where(ht.c.topic_id == topic_id)
    )


def _agent_columns(staff):
    """An assignee agent's availability (active, not on vacation) and name."""
    return (
        and_(staff.c.isactive == 1, staff.c.onvacation == 0).label("staff_available"),
        staff.c.firstname.label("staff_firstname"),
        staff.c.lastname.label("staff_lastname"),
    )


def _team_columns(team):
    """An assignee team's flags (enabled or not) and name."""
    return team.c.flags.label("team_flags"), team.c.name.label("team_name")


@dataclass
class Routing:
    topic: dict | None  # the topic row with "forms": [(form id, form type, disabled field ids)] in topic order
    dept: dict
    sla_id: int
    banned: bool
    organizations: list  # (id, domains) that may match the address's domain
    cdata: dict  # forms.cdata_columns


def route(db, catalog, requested, found, dept_id=None, sla_id=None):
    """The routing of a create from the rows of ``reads`` (``requested``: the topic id the request names).

    A requested topic must exist and take tickets (422 naming topicId); a stale core.default_help_topic is
    ignored, as osTicket does. The department: a filter's (``dept_id``), the topic's if active, else
    core.default_dept_id's. The SLA as Ticket::selectSLAId picks it (a filter's ``sla_id``, topic, department,
    default; 0 when it does not exist).
    """
    topic = topic_of(db, requested, found["topic"])
    wanted = [dept_id or 0, topic["dept_id"] if topic else 0, catalog.int_setting("default_dept_id")]
    depts = {row["id"]: row for row in found["depts"]}
    dept = next((depts[w] for w in wanted if w in depts and depts[w]["flags"] & DEPT_ACTIVE), None)
    if dept is None:
        dept = next((depts[w] for w in wanted if w in depts), None)
    if dept is None:
        raise FieldError("topicId", "neither the topic nor core.default_dept_id names a department")
    slas = {row["id"] for row in found["slas"]}
    default_sla = catalog.int_setting("default_sla_id")
    chosen = (
        sla_id
        if sla_id in slas
        else next((c for c in (topic and topic["sla_id"], dept["sla_id"], default_sla) if c), 0)
    )
    return Routing(
        topic=topic,
        dept={"id": dept["id"], "flags": dept["flags"]},
        sla_id=chosen if chosen in slas else 0,
        banned=bool(found.get("ban")),
        organizations=[(row["id"], row["domain"]) for row in found.get("organizations", [])],
        cdata=forms.cdata_found(db, [(row["TABLE_NAME"], row["COLUMN_NAME"]) for row in found["cdata"]]),
    )


def topic_of(db, requested, rows):
    """The topic row with its forms in topic order; None without one; unknown or inactive -> 422."""
    if not rows or not _takes_tickets(db, rows[0]):
        if not requested:
            return None  # a stale core.default_help_topic: osTicket ignores it
        reason = "no help topic has this id" if not rows else "this help topic is not active"
        raise FieldError("topicId", reason)
    rows = sorted(rows, key=lambda r: (r["form_sort"] or 0, r["form_link_id"] or 0))  # the topic's form order
    topic = dict(rows[0])
    topic["forms"] = [
        (r["form_id"], r["form_type"], forms.disabled_fields(r["form_extra"]))
        for r in rows
        if r["form_id"] is not None and r["form_type"] is not None and not r["form_flags"] & FORM_DELETED
    ]
    return topic


def _takes_tickets(db, topic):
    """Active and not archived (flags, 1.11+); osTicket 1.10's API takes any existing topic, even a disabled one."""
    if db.tables.has("help_topic", "isactive"):
        return True
    return topic["flags"] & TOPIC_ACTIVE and not topic["flags"] & TOPIC_ARCHIVED


def pick_priority(catalog, requested, topic):
    """The request's priority if valid (else 422), the topic's, or core.default_priority_id."""
    if requested is not None:
        if requested not in catalog.priorities:
            raise FieldError("priorityId", f"no priority has the id {requested}")
        return catalog.priorities[requested]
    for candidate in (topic["priority_id"] if topic else 0, catalog.int_setting("default_priority_id")):
        if candidate in catalog.priorities:
            return catalog.priorities[candidate]
    return None


def initial_status(catalog, topic, status_id=None):
    """A filter's status (``status_id``, open or closed), else the topic's initial status when it is an enabled
    open one, else the default status."""
    wanted = catalog.statuses.get(status_id)
    if wanted and wanted["state"] in ("open", "closed"):
        return wanted["id"]
    wanted = catalog.statuses.get(topic["status_id"]) if topic else None
    if wanted and wanted["state"] == "open" and wanted["mode"] & STATUS_ENABLED:
        return wanted["id"]
    return catalog.default_status_id()


@dataclass(frozen=True)
class Assignee:
    """Who a new ticket is assigned to (an agent, a team or both), with the names the ticket object shows."""

    staff_id: int = 0
    team_id: int = 0
    staff_firstname: str | None = None
    staff_lastname: str | None = None
    team_name: str | None = None


def auto_assignee(db, conn, topic, org_id, decided=None, status=None):
    """The Assignee osTicket assigns a new ticket to, or None (Ticket::create).

    A filter's agent and team (``decided``: its staffId, teamId); else the topic's agent or, without one, its
    team; else the organization's account manager when the organization asks for it. Only an open ticket
    (``status``) is assigned, and only to an available agent (active, not on vacation) or an enabled team.
    """
    if status is not None and status["state"] != "open":
        return None
    decided = decided or {}
    staff_id, team_id = decided.get("staffId"), decided.get("teamId")
    if topic and staff_id is None and topic["staff_id"]:
        staff_id = topic["staff_id"]
    elif topic and team_id is None and topic["team_id"]:
        team_id = topic["team_id"]
    if org_id and (staff_id is None or team_id is None):
        o = db.tables.organization
        org = conn.execute(select(o.c.status, o.c.manager).where(o.c.id == org_id)).first()
        if org and org.status & ORG_ASSIGN_MANAGER and org.manager:
            kind, code = org.manager[0], int(org.manager[1:] or 0)
            if staff_id is None and kind == "s":
                staff_id = code
            elif team_id is None and kind == "t":
                team_id = code
    agent = _named(db, conn, topic, "staff", staff_id) if staff_id else None
    team = _named(db, conn, topic, "team", team_id) if team_id else None
    agent = agent if agent and agent["staff_available"] else None
    team = team if team and (team["team_flags"] or 0) & TEAM_ENABLED else None
    if not (agent or team):
        return None
    return Assignee(
        staff_id=staff_id if agent else 0,
        team_id=team_id if team else 0,
        staff_firstname=agent and agent["staff_firstname"],
        staff_lastname=agent and agent["staff_lastname"],
        team_name=team and team["team_name"],
    )


def _named(db, conn, topic, kind, wanted):
    """The agent's or team's columns (_agent_columns, _team_columns): the topic's own when it names them."""
    if topic and topic[f"{kind}_id"] == wanted:
        return topic
    t = db.tables
    if kind == "staff":
        query = select(*_agent_columns(t.staff)).where(t.staff.c.staff_id == wanted)
    else:
        query = select(*_team_columns(t.team)).where(t.team.c.team_id == wanted)
    return conn.execute(query).mappings().first()
