"""Tickets as osTicket's panel shows them: lookups, the seed's ticket object, and paginated lists.

Every read is batched: a page of tickets costs one query for the tickets (with their thread, owner, subject,
priority, phone, assignee and the total), one for all entries and, for staff views, one for all events; one ticket
with its public entries is one statement. Topic and department names come from the catalog's cache.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, func, or_, select, union

from .. import round_trip
from ..catalog import topics
from ..catalog.cache import cached_catalog
from ..names import format_phone, name_parts, phone_format
from ..people.staff import team_ids_query
from ..threads import entries as threads
from ..threads.entries import printed_time

TICKET_COLUMNS = "number status_id dept_id topic_id staff_id team_id source".split()
TICKET_TIMES = "duedate est_duedate closed created".split()
ORG_SHARE_PRIMARY = 0x8  # ost_organization.status: share tickets with primary contacts
ORG_SHARE_ALL = 0x10
USER_PRIMARY_CONTACT = 0x1  # ost_user.status


@dataclass(frozen=True)
class Page:
    """Which slice of a list: newest first, optionally only one state or tickets updated since a time."""

    limit: int = 50
    offset: int = 0
    status: str | None = None  # "open" or "closed"
    updated_since: datetime | None = None


def find_ticket(db, conn, number, for_update=False):
    """Return the ticket's ost_ticket columns plus ``thread_id`` (its T thread, or C once merged) or None.

    for_update=True locks the ticket row (SELECT ... FOR UPDATE) for the caller's transaction.
    """
    t, th = db.tables.ticket, db.tables.thread
    query = (
        select(t, th.c.id.label("thread_id"))
        .select_from(t.outerjoin(th, thread_of(db)))
        .where(t.c.number == str(number))
        .limit(1)
    )
    if for_update:
        query = query.with_for_update()
    return conn.execute(query).mappings().first()


def ticket_object(db, conn, number, staff_view, viewer=None):
    """The seed's ticket object for one ticket (with ``events`` when staff_view), or None.

    ``viewer`` (a user from find_user) limits it to tickets that user sees in the client portal.
    """
    catalog = cached_catalog(db, conn)
    seen, params = seen_by(catalog, viewer)
    params["number"] = str(number)
    key = ("one_ticket", staff_view, seen, *answer_fields(catalog))
    if staff_view:
        query = db.statement(key, lambda: _one_ticket_query(db, catalog, seen))
        objects = _objects(db, conn, catalog, conn.execute(query, params).mappings().all(), True)
        return objects[0] if objects else None
    reads = db.statement(key, lambda: round_trip.union(one_ticket_reads(db, catalog, seen)))
    return object_of_reads(db, conn, catalog, round_trip.read(conn, reads, params))


def object_of_reads(db, conn, catalog, found, written=None):
    """The ticket object of the rows of ``one_ticket_reads`` in ``found``, or None for a ticket its viewer does not
    see (its entries are dropped unread); ``written``: an entry object this transaction added, shown in its place."""
    if not found["ticket"]:
        return None
    entries = threads.grouped(catalog, sorted(found["entries"], key=threads.display_order))
    if written is not None:
        shown = [*entries[written["thread_id"]], written]
        entries[written["thread_id"]] = sorted(shown, key=lambda entry: (entry["created"], entry["id"]))
    return _objects(db, conn, catalog, found["ticket"], False, entries)[0]


def _one_ticket_query(db, catalog, seen):
    t = db.tables.ticket
    query = _ticket_query(db, catalog).where(t.c.number == bindparam("number"))
    return (query if seen is None else query.where(_visible_to(db, *seen))).limit(1)


def one_ticket_reads(db, catalog, seen):
    """The parts (round_trip.union) that read the ticket numbered ``number`` and its public entries, as the
    viewer ``seen`` (seen_by) sees it."""
    t, th = db.tables.ticket, db.tables.thread
    thread_id = select(th.c.id).select_from(t.join(th, thread_of(db))).where(t.c.number == bindparam("number"))
    return {
        "ticket": _one_ticket_query(db, catalog, seen),
        "entries": threads.entries_query(db, False, thread_id.limit(1).scalar_subquery()),
    }


def sees_ticket(db, conn, ticket_id, viewer, only_number=None):
    """Whether ``viewer`` (a user from find_user) sees this ticket in the client portal (a guest: only_number)."""
    catalog = cached_catalog(db, conn)
    t, u = db.tables.ticket, db.tables.user
    source = t.outerjoin(db.tables.thread, thread_of(db)).outerjoin(u, u.c.id == t.c.user_id)
    seen, params = seen_by(catalog, viewer)
    query = select(t.c.number).select_from(source).where(t.c.ticket_id == ticket_id, _visible_to(db, *seen))
    number = conn.execute(query.limit(1), params).scalar()
    return number is not None and (only_number is None or number == str(only_number))


def user_tickets(db, conn, user, page, only_number=None):
    """(ticket objects, total) the user sees in the client portal: owned, collaborated on, shared by the org.

    ``only_number`` narrows the list to one ticket (a guest token's).
    """
    catalog = cached_catalog(db, conn)
    collaborators, organization = _collaborators_see(catalog), _org_shares_with(user)

    def visible():
        t = db.tables.ticket
        ids = _visible_ids(db, collaborators=collaborators, organization=organization)
        return ids, [] if only_number is None else [t.c.number == bindparam("number")]

    shape = ("user_tickets", collaborators, organization, only_number is not None)
    params = {"user_id": user["id"], "org_id": user.get("org_id"), "number": str(only_number)}
    return _list_objects(db, conn, catalog, page, False, shape, visible, params)


def client_tickets(db, conn, user, page):
    """(staff-view ticket objects, total) of the user, as the panel's user page lists them (owner or Cc)."""
    catalog = cached_catalog(db, conn)

    def visible():
        return _visible_ids(db, collaborators=True, organization=False), []

    return _list_objects(db, conn, catalog, page, True, ("client_tickets",), visible, {"user_id": user["id"]})


def agent_tickets(db, conn, agent, page):
    """(staff-view ticket objects, total) "assigned to me": open, assigned to the agent or one of their teams."""
    if page.status == "closed":
        return [], 0
    catalog = cached_catalog(db, conn)

    def assigned():
        t = db.tables.ticket
        # One branch per index (staff_id, team_id) rather than an OR that would scan ost_ticket.
        ids = union(
            select(t.c.ticket_id).where(t.c.staff_id == bindparam("staff_id")),
            select(t.c.ticket_id).where(t.c.team_id.in_(team_ids_query(db, bindparam("staff_id")))),
        ).subquery("assigned")
        return ids, []

    page = Page(page.limit, page.offset, "open", page.updated_since)
    return _list_objects(db, conn, catalog, page, True, ("agent_tickets",), assigned, {"staff_id": agent["staff_id"]})


def ticket_index(db, conn, page, conditions=()):
    """(rows of number/created/updated/closed, total) of the listable tickets meeting ``conditions``, newest first."""
    catalog = cached_catalog(db, conn)
    t = db.tables.ticket
    query = select(t.c.number, t.c.created, t.c.updated, t.c.closed)
    return _page(db, conn, catalog, query, t, page, list(conditions))


def _list_objects(db, conn, catalog, page, staff_view, shape, visible, params):
    """One page of ticket objects and the total, in one statement built once per shape (``visible()`` gives the
    derived table of visible ids and extra conditions; the values they bind are in ``params``)."""
    statuses = [i for i, s in catalog.statuses.items() if s["state"] in _states(page)] or [-1]
    key = ("list", *shape, page.updated_since is not None, *answer_fields(catalog))
    query, count = db.statement(key, lambda: _list_query(db, catalog, page, *visible()))
    params = {**params, "statuses": statuses, "limit": page.limit, "offset": page.offset}
    params["updated_since"] = page.updated_since
    rows = conn.execute(query, params).mappings().all()
    return _objects(db, conn, catalog, rows, staff_view), _total(conn, rows, count, page, params)


def _list_query(db, catalog, page, visible, conditions):
    """(page query, count subquery) with bind parameters for everything that changes between requests."""
    t = db.tables.ticket
    source = t.join(visible, visible.c.ticket_id == t.c.ticket_id)
    conditions = [*conditions, t.c.status_id.in_(bindparam("statuses", expanding=True))]
    if page.updated_since is not None:
        conditions.append(t.c.updated >= bindparam("updated_since"))
    order = (t.c.created.desc(), t.c.ticket_id.desc())
    # The page's ids first (narrow rows, sorted on index data), then the wide joins for those ids only: joining
    # every visible ticket before sorting costs a temporary table of TEXT columns per ticket the user has.
    ids = select(t.c.ticket_id).select_from(source).where(*conditions).order_by(*order)
    ids = ids.limit(bindparam("limit")).offset(bindparam("offset")).subquery("page")
    count = select(func.count()).select_from(source).where(*conditions).correlate(None).scalar_subquery()
    query = _ticket_query(db, catalog, t.join(ids, ids.c.ticket_id == t.c.ticket_id)).add_columns(count.label("total"))
    return query.order_by(*order), count


def _page(db, conn, catalog, query, source, page, conditions):
    """One page of ``query`` (newest first) with the total of matching tickets, in one statement."""
    t = db.tables.ticket
    conditions = [*conditions, *_filters(t, catalog, page)]
    count = select(func.count()).select_from(source).where(*conditions).correlate(None).scalar_subquery()
    query = query.add_columns(count.label("total")).where(*conditions).limit(page.limit).offset(page.offset)
    rows = conn.execute(query.order_by(t.c.created.desc(), t.c.ticket_id.desc())).mappings().all()
    return rows, _total(conn, rows, count, page)


def _total(conn, rows, count, page, params=None):
    """The page's rows carry the total; only an empty page past the first needs its own count."""
    if rows:
        return rows[0]["total"]
    return conn.execute(select(count), params).scalar() if page.offset else 0


def _states(page):
    # Archived and deleted states never show.
    return ("open", "closed") if page.status is None else (page.status,)


def _filters(t, catalog, page):
    # The state filter is resolved to status ids from the catalog.
    states = _states(page)
    conditions = [t.c.status_id.in_([i for i, s in catalog.statuses.items() if s["state"] in states] or [-1])]
    if page.updated_since is not None:
        conditions.append(t.c.updated >= page.updated_since)
    return conditions


def thread_of(db):
    t, th = db.tables.ticket, db.tables.thread
    # A merged child's thread becomes object_type C (DATA_MODEL pitfall 10).
    return and_(th.c.object_id == t.c.ticket_id, round_trip.in_constants(th.c.object_type, ("T", "C")))


def _collaborators_see(catalog):
    return str(catalog.setting("collaborator_ticket_visibility", "1")) not in ("0", "")


def _org_shares_with(user):
    org_status = user.get("org_status") or 0
    if not user.get("org_id"):
        return False
    return bool(
        org_status & ORG_SHARE_ALL or (org_status & ORG_SHARE_PRIMARY and user["status"] & USER_PRIMARY_CONTACT)
    )


def _visible_ids(db, collaborators, organization):
    """Derived table of the ids of the user's tickets (bound as ``user_id``), plus those they are Cc'd on and their
    organization's (``org_id``).

    One UNION branch per index (ticket.user_id, collaborator user_id, user.org_id), never an OR over ost_ticket.
    """
    t, th, c, u = db.tables.ticket, db.tables.thread, db.tables.thread_collaborator, db.tables.user
    branches = [select(t.c.ticket_id).where(t.c.user_id == bindparam("user_id"))]
    if collaborators:
        branches.append(
            select(th.c.object_id.label("ticket_id"))
            .select_from(th.join(c, c.c.thread_id == th.c.id))
            .where(c.c.user_id == bindparam("user_id"), th.c.object_type == "T")
        )
    if organization:
        branches.append(
            select(t.c.ticket_id).select_from(t.join(u, u.c.id == t.c.user_id)).where(u.c.org_id == bindparam("org_id"))
        )
    return union(*branches).subquery("visible")


def seen_by(catalog, viewer):
    """(shape, parameters) of _visible_to for ``viewer``, or (None, {}) for no viewer."""
    if viewer is None:
        return None, {}
    seen = (_collaborators_see(catalog), _org_shares_with(viewer))
    return seen, {"viewer_id": viewer["id"], "viewer_org_id": viewer.get("org_id")}


def _visible_to(db, collaborators, organization):
    """Condition on one ticket row of _ticket_query: the user ``viewer_id`` (of ``viewer_org_id``, bound) sees it in
    the client portal: owner, Cc'd (``collaborators``), or in an organization that shares (``organization``)."""
    t, th, c = db.tables.ticket, db.tables.thread, db.tables.thread_collaborator
    viewer = bindparam("viewer_id")
    seen = [t.c.user_id == viewer]
    if collaborators:
        seen.append(and_(th.c.object_type == "T", exists().where(c.c.thread_id == th.c.id, c.c.user_id == viewer)))
    if organization:
        seen.append(db.tables.user.c.org_id == bindparam("viewer_org_id"))
    return or_(*seen)


def answer_fields(catalog):
    """What _ticket_query depends on in the catalog: form ids and the ids of the fields it reads."""
    t_form, u_form = catalog.ticket_form_id, catalog.user_form_id
    fields = ((t_form, "subject"), (t_form, "priority"), (u_form, "phone"))
    return (t_form, u_form, *((catalog.field(f, n) or {}).get("id") for f, n in fields))


def phone_answer(db, user_id, form_id, field_id):
    """The phone answer _ticket_query shows (its ``phone_value``) of the user ``user_id`` (a column) as a scalar
    subquery: the contact form ``form_id``'s answer to its phone field ``field_id`` (SQL expressions)."""
    fe, v = db.tables.form_entry, db.tables.form_entry_values
    return (
        select(v.c.value)
        .select_from(fe.join(v, and_(v.c.entry_id == fe.c.id, v.c.field_id == field_id)))
        .where(fe.c.object_type == "U", fe.c.object_id == user_id, fe.c.form_id == form_id)
        .limit(1)
        .scalar_subquery()
    )


def _ticket_query(db, catalog, source=None):
    """Tickets with thread, owner, subject, priority, phone, assignee: one row per ticket, all by index."""
    tb = db.tables
    t, th, u, ue, s, team = tb.ticket, tb.thread, tb.user, tb.user_email, tb.staff, tb.team
    answers = tb.form_entry_values
    tentry, uentry = tb.form_entry.alias("tentry"), tb.form_entry.alias("uentry")
    # Only the columns _ticket reads: every column costs the driver a descriptor to parse on each request.
    columns = [
        *(t.c[name] for name in TICKET_COLUMNS),
        *(printed_time(t.c[name]) for name in TICKET_TIMES),
        th.c.id.label("thread_id"),
        printed_time(th.c.lastmessage),
        printed_time(th.c.lastresponse),
        u.c.name.label("user_name"),
        ue.c.address.label("user_email"),
        s.c.firstname.label("staff_firstname"),
        s.c.lastname.label("staff_lastname"),
        team.c.name.label("team_name"),
    ]
    joined = (
        (source if source is not None else t)
        .outerjoin(th, thread_of(db))
        .outerjoin(u, u.c.id == t.c.user_id)
        .outerjoin(ue, ue.c.id == u.c.default_email_id)
        .outerjoin(s, s.c.staff_id == t.c.staff_id)
        .outerjoin(team, team.c.team_id == t.c.team_id)
        .outerjoin(
            tentry,
            and_(
                tentry.c.object_type == "T",
                tentry.c.object_id == t.c.ticket_id,
                tentry.c.form_id == catalog.ticket_form_id,
            ),
        )
        .outerjoin(
            uentry,
            and_(uentry.c.object_type == "U", uentry.c.object_id == u.c.id, uentry.c.form_id == catalog.user_form_id),
        )
    )
    for label, form_id, entry, name in (
        ("subject", catalog.ticket_form_id, tentry, "subject"),
        ("priority", catalog.ticket_form_id, tentry, "priority"),
        ("phone", catalog.user_form_id, uentry, "phone"),
    ):
        field = catalog.field(form_id, name)
        if field is None:
            continue
        value = answers.alias(f"{label}_answer")
        joined = joined.outerjoin(value, and_(value.c.entry_id == entry.c.id, value.c.field_id == field["id"]))
        columns.append(value.c.value.label(f"{label}_value"))
        if label == "priority":
            columns.append(value.c.value_id.label("priority_value_id"))
    return select(*columns).select_from(joined)


def created_object(db, conn, catalog, row, entry):
    """The ticket object of a ticket this transaction created, built from what it wrote: ``row`` holds the columns
    of _ticket_query, ``entry`` is the first message as threads.entry_object gives it."""
    obj = _ticket(row, catalog, _names(db, conn, catalog, [row]), phone_format(catalog))
    obj["threads"] = [entry]
    return obj


def _names(db, conn, catalog, rows):
    """The full names of topics and departments: the catalog's, or read afresh for one newer than its copy."""
    names = catalog.names
    topic_ids, dept_ids = {r["topic_id"] for r in rows} - {0, None}, {r["dept_id"] for r in rows} - {0, None}
    if not topic_ids <= names["topics"].keys() or not dept_ids <= names["depts"].keys():
        labels = topics.load_labels(db, conn)
        names = {kind: topics.full_names(labelled) for kind, labelled in labels.items()}
    return names


def _objects(db, conn, catalog, rows, staff_view, entries=None):
    """The ticket objects of ``rows`` with their entries (``entries``: read with them, else read here)."""
    if not rows:
        return []
    names = _names(db, conn, catalog, rows)
    thread_ids = [r["thread_id"] for r in rows if r["thread_id"]]
    if entries is None:
        entries = threads.entries_by_thread(db, conn, catalog, thread_ids, staff_view)
    events = threads.events_by_thread(db, conn, catalog, thread_ids) if staff_view else None
    phone_fmt = phone_format(catalog)
    objects = []
    for row in rows:
        obj = _ticket(row, catalog, names, phone_fmt)
        obj["threads"] = entries.get(row["thread_id"], [])
        if events is not None:
            obj["events"] = events.get(row["thread_id"], [])
        objects.append(obj)
    return objects


def _ticket(row, catalog, names, phone_fmt):
    status = catalog.statuses.get(row["status_id"], {})
    return {
        "ticket_number": row["number"],
        "subject": row.get("subject_value") or "",
        "ticket_status": status.get("name"),
        "statusId": row["status_id"],
        "priority": _priority(row, catalog),
        "department": names["depts"].get(row["dept_id"]),
        "create_timestamp": row["created"],
        "user": _owner(row, phone_fmt),
        "source": row["source"],
        "due_timestamp": row["duedate"] or row["est_duedate"],
        "close_timestamp": row["closed"],
        "topic": names["topics"].get(row["topic_id"]),
        "topicId": row["topic_id"] or None,
        "last_message_timestamp": row["lastmessage"],
        "last_response_timestamp": row["lastresponse"],
        "assigned_to": _assignees(row, status),
    }


def _priority(row, catalog):
    priority = catalog.priorities.get(row.get("priority_value_id"))
    return priority["priority_desc"] if priority else row.get("priority_value") or ""


def _owner(row, phone_fmt):
    parts = name_parts(row["user_name"])
    return {
        "fullname": row["user_name"] or "",
        "firstname": parts["first"],
        "lastname": parts["last"],
        "email": row["user_email"] or "",
        "phone": format_phone(row.get("phone_value"), phone_fmt),
    }


def _assignees(row, status):
    # On a closed ticket staff_id is the agent who closed it, not an assignee (Ticket::assignToTeam).
    if status.get("state") != "open":
        return []
    assigned = []
    if row["staff_id"] and row["staff_firstname"] is not None:
        name = f"{row['staff_firstname']} {row['staff_lastname']}"
        assigned.append({"type": "staff", "id": row["staff_id"], "name": name})
    if row["team_id"] and row["team_name"] is not None:
        assigned.append({"type": "team", "id": row["team_id"], "name": row["team_name"]})
    return assigned
