"""Thread entries and events of ticket threads, read in batches (one query for all the threads asked for)."""

import json
from collections import defaultdict

from sqlalchemy import CHAR, bindparam, cast, select

from ..names import agents_name, persons_name
from ..round_trip import in_constants
from .files import attachment_of, with_attachments

ZERO_DATE = "0000-00-00 00:00:00"  # what a DATETIME NOT NULL without a default holds when nothing was written
ENTRY_HIDDEN = 0x4  # ost_thread_entry.flags
ENTRY_BALANCED = 0x40
PUBLIC_TYPES = ("M", "R")  # what the client portal shows: messages and responses, never notes (N)


def entries_by_thread(db, conn, catalog, thread_ids, staff_view):
    """{thread_id: [entry dict]} in osTicket's display order (created, id), each with its ``attachments``.

    ``staff_view`` False is the client portal's view: messages and responses only, hidden entries left out.
    """
    if not thread_ids:
        return {}
    query = db.statement(("entries", staff_view), lambda: entries_query(db, staff_view))
    return grouped(catalog, conn.execute(query, {"thread_ids": list(set(thread_ids))}).mappings())


def grouped(catalog, rows):
    """{thread_id: [entry dict]} of rows of ``entries_query`` in its order (``display_order`` sorts others)."""
    agent_format = catalog.setting("agent_name_format", "full")
    client_format = catalog.setting("client_name_format", "original")
    entries = defaultdict(list)
    for row in rows:
        thread = entries[row["thread_id"]]
        if not thread or thread[-1]["id"] != row["id"]:  # one row per attachment: the entry comes once
            thread.append(_entry(row, agent_format, client_format))
        attachment = attachment_of(row)
        if attachment is not None:
            thread[-1]["attachments"].append(attachment)
    return entries


def entry_object(catalog, row, attachments):
    """One entry as ``entries_by_thread`` lists it, from a row with the entries query's columns."""
    entry = _entry(row, catalog.setting("agent_name_format", "full"), catalog.setting("client_name_format", "original"))
    entry["attachments"] = attachments
    return entry


def display_order(row):
    """The sort key of a row of ``entries_query`` in osTicket's display order (created, id), attachments in id
    order: for rows that lost the query's ORDER BY (round_trip)."""
    return row["thread_id"], row["created"], row["id"], row["attachment_id"] or 0


def entries_query(db, staff_view, thread_id=None):
    """The entries of the threads bound as ``thread_ids`` (or of the one thread ``thread_id``, an SQL expression),
    one row per attachment, in display order."""
    t = db.tables
    e, staff, user = t.thread_entry, t.staff, t.user
    people = e.outerjoin(staff, staff.c.staff_id == e.c.staff_id).outerjoin(user, user.c.id == e.c.user_id)
    source, attachment_columns, attachment_id = with_attachments(db, people, e)
    query = (
        select(
            e.c.id,
            e.c.pid,
            e.c.thread_id,
            e.c.staff_id,
            e.c.user_id,
            e.c.type,
            e.c.flags,
            e.c.poster,
            e.c.editor,
            e.c.editor_type,
            e.c.source,
            e.c.title,
            e.c.body,
            e.c.format,
            printed_time(e.c.created),
            printed_time(e.c.updated),
            staff.c.firstname.label("staff_firstname"),
            staff.c.lastname.label("staff_lastname"),
            user.c.name.label("user_name"),
            *attachment_columns,
        )
        .select_from(source)
        .where(
            e.c.thread_id.in_(bindparam("thread_ids", expanding=True))
            if thread_id is None
            else e.c.thread_id == thread_id
        )
        .order_by(e.c.thread_id, e.c.created, e.c.id, attachment_id)
    )
    if not staff_view:
        query = query.where(in_constants(e.c.type, PUBLIC_TYPES), e.c.flags.op("&")(ENTRY_HIDDEN) == 0)
    return query


def _entry(row, agent_format, client_format):
    staff_name = None
    if row["staff_id"] and row["staff_firstname"] is not None:
        staff_name = agents_name(row["staff_firstname"], row["staff_lastname"], agent_format)
    user_name = None
    if row["user_id"] and row["user_name"] is not None:
        user_name = persons_name(row["user_name"], client_format)
    return {
        "id": row["id"],
        "pid": row["pid"],
        "thread_id": row["thread_id"],
        "staff_id": row["staff_id"] or None,
        "user_id": row["user_id"] or None,
        "type": row["type"],
        "poster": row["poster"],
        "editor": row["editor"],
        "editor_type": row["editor_type"],
        "source": row["source"],
        "title": row["title"],
        "body": row["body"],
        "message": message_body(row["body"], row["format"], row["flags"]),
        "format": row["format"],
        "created": row["created"],
        "updated": row["updated"],
        "staff_name": staff_name,
        "user_name": user_name,
        "attachments": [],
    }


def message_body(body, fmt, flags):
    """ThreadEntryBody as json_encode prints it: stored html keeps its images; 0x40 marks balanced markup."""
    options = {"strip-embedded": fmt != "html"}
    if flags & ENTRY_BALANCED:
        options["balanced"] = True
    return {"body": body, "type": fmt, "stripped_images": [], "embedded_images": [], "options": options}


def events_by_thread(db, conn, catalog, thread_ids):
    """{thread_id: [event dict]} in the order osTicket logged them (timestamp, id)."""
    if not thread_ids:
        return {}
    ev = db.tables.thread_event
    names = {event_id: name for name, event_id in catalog.events.items()}
    named_by_state = not db.tables.has("thread_event", "event_id")  # 1.10: the state enum is the event's name
    rows = conn.execute(
        select(*(printed_time(c) if c.name == "timestamp" else c for c in ev.c))
        .where(ev.c.thread_id.in_(set(thread_ids)))
        .order_by(ev.c.thread_id, ev.c.timestamp, ev.c.id)
    ).mappings()
    events = defaultdict(list)
    for row in rows:
        events[row["thread_id"]].append(
            {
                "id": row["id"],
                "event": row["state"] if named_by_state else names.get(row["event_id"]),
                "username": row["username"],
                "uid": row["uid"],
                "uid_type": row["uid_type"],
                "staff_id": row["staff_id"] or None,
                "team_id": row["team_id"] or None,
                "dept_id": row["dept_id"] or None,
                "topic_id": row["topic_id"] or None,
                "data": _parse(row["data"]),
                "timestamp": row["timestamp"],
                "annulled": bool(row["annulled"]),
            }
        )
    return events


def printed_time(column):
    """A DATETIME column as osTicket prints it: "YYYY-MM-DD HH:MM:SS", a zero date "0000-00-00 00:00:00", NULL null.

    The server formats it, so the driver does not parse it into a datetime for the answer to format it back.
    """
    return cast(column, CHAR).label(column.name)


def printed(value):
    """A datetime (or None) as ``printed_time`` has the server print it."""
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _parse(data):
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return data
