"""What an event says: its type from osTicket's row, and its ``data`` (the ticket, and the entry or the change).

``data.ticket`` is the ticket as the bridge read it when it stored the event (within a poll of the change).
End users get ``public_document``: no notes, no agents' ids, no internal events (never stored as public).
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from ..osticket.catalog.cache import cached_catalog
from ..osticket.threads.entries import ENTRY_HIDDEN

ENTRY_TYPES = {"M": "ticket.message", "R": "ticket.response", "N": "ticket.note"}
EVENT_TYPES = {
    "created": "ticket.created",
    "closed": "ticket.status",
    "reopened": "ticket.status",
    "assigned": "ticket.assigned",
    "transferred": "ticket.transferred",
    "collab": "ticket.collaborator",
    "overdue": "ticket.overdue",
}
TYPES = ("ticket.created", *ENTRY_TYPES.values(), *sorted(set(EVENT_TYPES.values()) - {"ticket.created"}))
PUBLIC_TYPES = {"ticket.created", "ticket.message", "ticket.response", "ticket.status"}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass
class Event:
    source: str
    source_id: int
    type: str
    ticket_id: int
    public: bool
    created: datetime
    data: dict


def build(db, conn, found):
    """Events for ``found`` [(source, id)], in the order they happened (a ticket's creation before its first
    message, a reply before the status change it made). Rows of other threads (tasks) and events of no interest
    (viewed, edited fields...) give none."""
    entries = [row_id for source, row_id in found if source == "E"]
    changes = [row_id for source, row_id in found if source == "V"]
    events = _entry_events(db, conn, entries) + _change_events(db, conn, changes)
    tickets = _tickets(db, conn, {e.ticket_id for e in events})
    for event in events:
        event.data["ticket"] = tickets.get(event.ticket_id)
        if event.type == "ticket.status" and "status" not in event.data:
            event.data["status"] = (event.data["ticket"] or {}).get("status")
    return sorted(events, key=lambda e: (e.created, e.type != "ticket.created", e.source, e.source_id))


def _entry_events(db, conn, ids):
    if not ids:
        return []
    te, th = db.tables.thread_entry, db.tables.thread
    rows = conn.execute(
        select(te, th.c.object_id.label("ticket_id"))
        .select_from(te.join(th, and_(th.c.id == te.c.thread_id, th.c.object_type == "T")))
        .where(te.c.id.in_(ids), te.c.type.in_(list(ENTRY_TYPES)))
    ).mappings()
    events = []
    for row in rows:
        entry = {
            "id": row["id"],
            "type": row["type"],
            "poster": row["poster"],
            "staff_id": row["staff_id"] or None,
            "user_id": row["user_id"] or None,
            "title": row["title"],
            "body": row["body"],
            "format": row["format"],
            "created": _time(row["created"]),
        }
        kind = ENTRY_TYPES[row["type"]]
        public = kind in PUBLIC_TYPES and not row["flags"] & ENTRY_HIDDEN
        events.append(Event("E", row["id"], kind, row["ticket_id"], public, row["created"], {"entry": entry}))
    return events


def _change_events(db, conn, ids):
    if not ids:
        return []
    ev, th = db.tables.thread_event, db.tables.thread
    catalog = cached_catalog(db, conn)
    names = {event_id: name for name, event_id in catalog.events.items()}
    by_id = db.tables.has("thread_event", "event_id")  # 1.11+: ost_event's id; 1.10: the name, in ``state``
    name_column = ev.c.event_id if by_id else ev.c.state
    rows = conn.execute(
        select(ev, name_column.label("name"), th.c.object_id.label("ticket_id"))
        .select_from(ev.join(th, and_(th.c.id == ev.c.thread_id, th.c.object_type == "T")))
        .where(ev.c.id.in_(ids))
    ).mappings()
    events = []
    for row in rows:
        name = names.get(row["name"]) if by_id else row["name"]
        try:
            detail = json.loads(row["data"] or "null")
        except ValueError:
            detail = row["data"]
        kind = EVENT_TYPES.get(name)
        if name == "edited" and isinstance(detail, dict) and "status" in detail:
            kind = "ticket.status"  # a change between two open (or two closed) statuses
        if kind is None:
            continue
        data = {"change": {"event": name, "by": row["username"], "data": detail}}
        if kind == "ticket.status" and isinstance(detail, dict) and detail.get("status"):
            status_id = detail["status"][0] if isinstance(detail["status"], list) else detail["status"]
            data["status"] = _status(catalog, status_id)
        events.append(Event("V", row["id"], kind, row["ticket_id"], kind in PUBLIC_TYPES, row["timestamp"], data))
    return events


def _tickets(db, conn, ticket_ids):
    """{ticket_id: the ticket's summary}: number, subject, status, department, topic, the user's e-mail."""
    if not ticket_ids:
        return {}
    tb = db.tables
    t, u, ue, fe, fv = tb.ticket, tb.user, tb.user_email, tb.form_entry, tb.form_entry_values
    catalog = cached_catalog(db, conn)
    subject = catalog.field(catalog.ticket_form_id, "subject")
    joined = t.outerjoin(u, u.c.id == t.c.user_id).outerjoin(ue, ue.c.id == u.c.default_email_id)
    columns = [t.c.ticket_id, t.c.number, t.c.status_id, t.c.dept_id, t.c.topic_id, t.c.user_id, ue.c.address]
    if subject is not None:
        entry = and_(fe.c.object_type == "T", fe.c.object_id == t.c.ticket_id, fe.c.form_id == catalog.ticket_form_id)
        answer = and_(fv.c.entry_id == fe.c.id, fv.c.field_id == subject["id"])
        joined = joined.outerjoin(fe, entry).outerjoin(fv, answer)
        columns.append(fv.c.value.label("subject"))
    rows = conn.execute(select(*columns).select_from(joined).where(t.c.ticket_id.in_(list(ticket_ids)))).mappings()
    return {
        row["ticket_id"]: {
            "id": row["ticket_id"],
            "number": row["number"],
            "subject": row.get("subject"),
            "status": _status(catalog, row["status_id"]),
            "department": catalog.names["depts"].get(row["dept_id"]),
            "topic": catalog.names["topics"].get(row["topic_id"]),
            "user_id": row["user_id"],
            "user_email": row["address"],
        }
        for row in rows
    }


def _status(catalog, status_id):
    status = catalog.statuses.get(status_id)
    if status is None:
        return None
    return {"id": status["id"], "name": status["name"], "state": status["state"]}


def _time(value):
    return value.strftime(TIME_FORMAT) if hasattr(value, "strftime") else value


def document(row):
    """The event as webhooks and the pull feed send it, from a row of the events table."""
    data = json.loads(row["data"])
    return {"id": event_id(row["id"]), "type": row["type"], "created": _time(row["created"]), "data": data}


def public_document(row):
    """The event as an end user's stream sends it: the ticket's public fields, the entry without agents' ids."""
    data = json.loads(row["data"])
    ticket = data.get("ticket") or {}
    shown = {"ticket": {"number": ticket.get("number"), "subject": ticket.get("subject"), "status": _public(ticket)}}
    if data.get("status"):
        shown["status"] = _public(data)
    entry = data.get("entry")
    if entry:
        shown["entry"] = {k: entry.get(k) for k in ("id", "type", "poster", "title", "body", "format", "created")}
    return {"id": event_id(row["id"]), "type": row["type"], "created": _time(row["created"]), "data": shown}


def _public(holder):
    status = holder.get("status") or {}
    return {"name": status.get("name"), "state": status.get("state")}


def event_id(number):
    return f"evt_{number}"


def parse_event_id(value):
    """The number of an event id ("evt_42"), or None when ``value`` is not one."""
    if not isinstance(value, str) or not value.startswith("evt_") or not value[4:].isdigit() or len(value) > 24:
        return None
    return int(value[4:])


def encode(document):
    """The bytes a webhook POSTs (and signs)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
