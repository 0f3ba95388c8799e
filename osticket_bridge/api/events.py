"""The event feed over HTTP: pages for servers (API key), a live stream for end users (Bearer token).

docs/events.md describes both. The stream holds one of the worker's threads while it is open, so a process
serves at most OSTICKET_EVENTS_MAX_STREAMS of them at once (the others get a 503 and reconnect later), and
each one ends after OSTICKET_EVENTS_STREAM_SECONDS (the browser reconnects with Last-Event-ID).
"""

import json
import threading
import time

from flask import Response, current_app, g, request
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..events import EXTENSION, payload
from ..osticket.tickets.reads import sees_ticket
from .auth.callers import authenticated
from .base import Blueprint, Params
from .db import close_connection, connection, database

blp = Blueprint("events", __name__, description="Every change to a ticket, wherever it was made")

MAX_LIMIT = 500
STREAM_BATCH = 100
RETRY_MS = 2000


class FeedParams(Params):
    after = fields.String(
        validate=validate.Length(max=24),
        metadata={"description": "an event id (`next` of the previous page); absent: the oldest kept event"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_LIMIT))
    types = fields.String(
        validate=validate.Length(max=400),
        metadata={"description": "comma-separated event types, e.g. ticket.created,ticket.response"},
    )


class EventSchema(Schema):
    id = fields.String(metadata={"example": "evt_42"})
    type = fields.String(metadata={"example": "ticket.response"})
    created = fields.String(metadata={"example": "2026-12-06 09:13:00", "description": "osTicket's time of the change"})
    data = fields.Dict(metadata={"description": "the ticket, and the entry or the change (docs/events.md)"})


class EventPageSchema(Schema):
    events = fields.List(fields.Nested(EventSchema))
    next = fields.String(metadata={"description": "the cursor of the following page (`after=`)"})


def _events():
    """This process's Events (events/__init__.py); 503 when the event tables are missing."""
    events = current_app.extensions.get(EXTENSION)
    if events is None:
        abort(503, message="the event tables are missing (`osticket-bridge create-tables`)")
    return events


def _cursor(value, name):
    number = payload.parse_event_id(value)
    if number is None:
        abort(422, message=f"{name} must be an event id like evt_42", errors={"query": {name: ["not an event id"]}})
    return number


@blp.route("/api/events")
@authenticated(blp)
@blp.arguments(FeedParams, location="query")
@blp.response(200, EventPageSchema)
@blp.refuses(422)
def list_events(params):
    """Events in order after the cursor, with `next` for the following page (an empty page keeps `after`)."""
    after = _cursor(params["after"], "after") if params.get("after") else 0
    types = [t for t in (params.get("types") or "").split(",") if t]
    unknown = sorted(set(types) - set(payload.TYPES))
    if unknown:
        abort(422, message=f"unknown event types: {', '.join(unknown)}", errors={"query": {"types": unknown}})
    e = _events().tables.event
    query = select(e.c.id, e.c.type, e.c.created, e.c.data).where(e.c.id > after)
    if types:
        query = query.where(e.c.type.in_(types))
    rows = connection().execute(query.order_by(e.c.id).limit(params["limit"])).mappings().all()
    events = [payload.document(row) for row in rows]
    last = rows[-1]["id"] if rows else after
    return {"events": events, "next": payload.event_id(last)}


@blp.route("/api/events/stream")
@authenticated(blp, tokens=True)
@blp.response(200, {"type": "string"}, content_type="text/event-stream", description="events as they happen")
@blp.refuses(403, 422)
def stream_events():
    """The token's user's events as text/event-stream: their own, Cc'd and organization-shared tickets' messages,
    replies and status changes (never notes); heartbeats; resumes after Last-Event-ID."""
    caller = g.caller
    if not caller.is_end_user:
        abort(403, message="the stream is for end-user tokens; servers read /api/events or receive webhooks")
    events = _events()
    resume = request.headers.get("Last-Event-ID")
    after = _cursor(resume, "Last-Event-ID") if resume else events.note_newest()
    limit = _limit()
    if not limit.acquire(blocking=False):
        abort(503, message="too many open streams on this server; try again shortly", headers={"Retry-After": "5"})
    reader = _Reader(database(), events, caller)
    heartbeat = current_app.config["OSTICKET_EVENTS_HEARTBEAT_SECONDS"]
    lifetime = current_app.config["OSTICKET_EVENTS_STREAM_SECONDS"]

    def generate():
        yield f"retry: {RETRY_MS}\n\n"
        last, ends = after, time.monotonic() + lifetime
        while time.monotonic() < ends and not events.stopping:
            for row, visible in reader.after(last):
                last = row["id"]
                if visible:
                    document = payload.public_document(row)
                    yield f"id: {document['id']}\nevent: {row['type']}\ndata: {json.dumps(document)}\n\n"
            if events.wait_newer(last, min(heartbeat, max(0.0, ends - time.monotonic()))) <= last:
                yield ": heartbeat\n\n"

    close_connection()  # the stream reads on the events' own pool: it holds none of the requests' connections
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    response = Response(generate(), mimetype="text/event-stream", headers=headers)
    response.call_on_close(limit.release)  # finished, or the client went away (even before the first byte)
    return response


def _limit():
    limit = current_app.extensions.get("osticket_stream_limit")
    if limit is None:
        limit = current_app.extensions.setdefault(
            "osticket_stream_limit", threading.BoundedSemaphore(current_app.config["OSTICKET_EVENTS_MAX_STREAMS"])
        )
    return limit


class _Reader:
    """Events after an id, each with whether this caller may see it: a public event (no note, no internal change)
    of a ticket the caller sees. Read on the events' own pool, so an open stream holds no request connection."""

    def __init__(self, db, events, caller):
        self.db, self.events, self.caller = db, events, caller

    def after(self, last):
        e = self.events.tables.event
        with self.events.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(e.c.id, e.c.type, e.c.created, e.c.data, e.c.ticket_id, e.c.public)
                    .where(e.c.id > last)
                    .order_by(e.c.id)
                    .limit(STREAM_BATCH)
                )
                .mappings()
                .all()
            )
            seen = {}
            for row in rows:
                if row["public"] and row["ticket_id"] not in seen:
                    seen[row["ticket_id"]] = bool(
                        sees_ticket(self.db, conn, row["ticket_id"], self.caller.user, self.caller.ticket_number)
                    )
        return [(row, row["public"] and seen[row["ticket_id"]]) for row in rows]
