"""How a new ticket is routed, as ``Ticket::create`` decides before writing (DATA_MODEL §2a "Decisions").

The help topic (an unknown or inactive one is refused), the department, SLA, priority and initial status, the
ban list, and the auto-assignment to the topic's agent or team or the organization's account manager.
"""

from dataclasses import dataclass

from sqlalchemy import Integer, and_, cast, func, literal, null, select, union_all

from . import forms
from .create_user import organizations_query
from .errors import FieldError

TOPIC_ACTIVE, TOPIC_ARCHIVED = 0x2, 0x4  # ost_help_topic.flags
FORM_DELETED = 0x2  # ost_form.flags
DEPT_ACTIVE = 0x4  # ost_department.flags
TEAM_ENABLED = 0x1  # ost_team.flags
ORG_ASSIGN_MANAGER = 0x4  # ost_organization.status
STATUS_ENABLED = 0x1  # ost_ticket_status.mode
BAN_LIST = "SYSTEM BAN LIST"


def find_topic(db, conn, catalog, topic_id):
    """The topic row with its forms and assignee availability; None without one; unknown or inactive -> 422."""
    requested = topic_id is not None and topic_id != 0
    topic_id = topic_id if requested else catalog.int_setting("default_help_topic")
    if not topic_id:
        return None
    t = db.tables
    ht, link, form, staff, team = t.help_topic, t.help_topic_form, t.form, t.staff, t.team
    rows = (
        conn.execute(
            select(
                ht,
                link.c.form_id,
                link.c.extra.label("form_extra"),
                form.c.type.label("form_type"),
                form.c.flags.label("form_flags"),
                and_(staff.c.isactive == 1, staff.c.onvacation == 0).label("staff_available"),
                team.c.flags.label("team_flags"),
            )
            .select_from(
                ht.outerjoin(link, link.c.topic_id == ht.c.topic_id)
                .outerjoin(form, form.c.id == link.c.form_id)
                .outerjoin(staff, staff.c.staff_id == ht.c.staff_id)
                .outerjoin(team, team.c.team_id == ht.c.team_id)
            )
            .where(ht.c.topic_id == topic_id)
            .order_by(link.c.sort, link.c.id)
        )
        .mappings()
        .all()
    )
    if not rows or not _takes_tickets(db, rows[0]):
        if not requested:
            return None  # a stale core.default_help_topic: osTicket ignores it
        reason = "no help topic has this id" if not rows else "this help topic is not active"
        raise FieldError("topicId", reason)
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


@dataclass
class Lookups:
    dept: dict
    sla_id: int
    banned: bool
    organizations: list  # (id, domains) that may match the address's domain
    cdata: dict  # forms.cdata_columns


def lookups(db, conn, catalog, topic, email):
    """Everything the routing needs, in one round trip (UNION ALL of small lookups).

    The department: the topic's if active, else core.default_dept_id's. The SLA as Ticket::selectSLAId picks
    it (topic, department, default; 0 when it does not exist). The ban list and the organizations for a
    new address's domain. The live columns of the cdata caches.
    """
    t = db.tables
    d, s = t.department, t.sla
    wanted = [topic["dept_id"] if topic else 0, catalog.int_setting("default_dept_id")]
    zero, blank = literal(0), (literal(0), null(), null())
    cdata = forms.cdata_query(db)
    parts = [
        select(literal("D").label("kind"), d.c.id, d.c.flags, d.c.sla_id, null().label("a"), null().label("b")).where(
            d.c.id.in_([w for w in wanted if w])
        ),
        select(literal("S"), s.c.id, s.c.flags, *blank),
        cdata.with_only_columns(literal("C"), zero, zero, zero, *cdata.selected_columns),
    ]
    if email is not None:
        f, r = t.filter, t.filter_rule
        banned = (
            select(literal("B"), func.count(), zero, *blank)
            .select_from(f.join(r, r.c.filter_id == f.c.id))
            .where(f.c.name == BAN_LIST, f.c.isactive != 0, r.c.isactive != 0, r.c.what == "email", r.c.val == email)
        )
        orgs = organizations_query(db, email)
        org_id, domains = orgs.selected_columns
        parts += [banned, orgs.with_only_columns(literal("O"), org_id, zero, zero, domains, null())]
    rows = conn.execute(union_all(*parts)).all()
    depts = {int(r[1]): r for r in rows if r[0] == "D"}
    slas = {int(r[1]) for r in rows if r[0] == "S"}
    dept = next((depts[w] for w in wanted if w in depts and int(depts[w][2]) & DEPT_ACTIVE), None)
    if dept is None:
        dept = next((depts[w] for w in wanted if w in depts), None)
    if dept is None:
        raise FieldError("topicId", "neither the topic nor core.default_dept_id names a department")
    chosen = next((c for c in (topic and topic["sla_id"], int(dept[3]), catalog.int_setting("default_sla_id")) if c), 0)
    return Lookups(
        dept={"id": int(dept[1]), "flags": int(dept[2])},
        sla_id=chosen if chosen in slas else 0,
        banned=any(r[0] == "B" and int(r[1]) for r in rows),  # COUNT() in a UNION comes back as a decimal
        organizations=[(int(r[1]), r[4]) for r in rows if r[0] == "O"],
        cdata=forms.cdata_found(db, [(r[4], r[5]) for r in rows if r[0] == "C"]),
    )


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


def initial_status(catalog, topic):
    """The topic's initial status when it is an enabled open one, else the default status."""
    wanted = catalog.statuses.get(topic["status_id"]) if topic else None
    if wanted and wanted["state"] == "open" and wanted["mode"] & STATUS_ENABLED:
        return wanted["id"]
    return catalog.default_status_id()


def auto_assignee(db, conn, topic, org_id):
    """("staff"|"team", id) osTicket assigns a new ticket to, or None.

    The topic's agent if available (active, not on vacation), else the topic's enabled team; without either,
    the organization's account manager when the organization asks for it.
    """
    if topic and topic["staff_id"]:
        return ("staff", topic["staff_id"]) if topic["staff_available"] else None
    if topic and topic["team_id"]:
        return ("team", topic["team_id"]) if (topic["team_flags"] or 0) & TEAM_ENABLED else None
    if not org_id:
        return None
    t = db.tables
    o, staff, team = t.organization, t.staff, t.team
    manager_id = cast(func.substring(o.c.manager, 2), Integer)
    row = conn.execute(
        select(o.c.status, o.c.manager, and_(staff.c.isactive == 1, staff.c.onvacation == 0), team.c.flags)
        .select_from(
            o.outerjoin(staff, and_(func.left(o.c.manager, 1) == "s", staff.c.staff_id == manager_id)).outerjoin(
                team, and_(func.left(o.c.manager, 1) == "t", team.c.team_id == manager_id)
            )
        )
        .where(o.c.id == org_id)
    ).first()
    if row is None or not row[0] & ORG_ASSIGN_MANAGER or not row[1]:
        return None
    if row[1][0] == "s" and row[2]:
        return "staff", int(row[1][1:])
    if row[1][0] == "t" and (row[3] or 0) & TEAM_ENABLED:
        return "team", int(row[1][1:])
    return None
