"""Public ticket reads: a user's tickets and one ticket, as the user sees them in osTicket's client portal."""

import re
from datetime import datetime
from urllib.parse import urlencode

from flask import jsonify, request
from marshmallow import ValidationError, fields, validate

from ...osticket.tickets.reads import Page, user_tickets
from ..attachments import linked_entry
from ..auth.callers import authenticated
from ..base import Blueprint, Params
from ..db import connection, database, one_statement_read
from ..schemas import TicketSchema
from ..scope import UserParams, acting_user, guest_ticket, ticket_or_404

# The read routes send the domain's ticket objects as they are (jsonify): osticket/tickets/reads.py builds them
# JSON-ready in TicketSchema's field order, so the schema only documents them; marshmallow dumping a page of
# threads cost more than the queries. tests/test_read_serialisation.py checks that both give the same bytes.
blp = Blueprint(
    "ticket_reads",
    __name__,
    description="A user's tickets and one ticket with its thread (internal notes never shown)",
)


MAX_OFFSET = 2**31 - 1  # a bigger number is no row and no longer an SQL LIMIT the server takes


class LocalTime(fields.String):
    """A DB-local time: "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS" or a date "YYYY-MM-DD" (midnight)."""

    PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3])(:[0-5][0-9]){2})?$"

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": self.PATTERN, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            if not re.match(self.PATTERN, text.strip()):
                raise ValueError
            return datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError("expected YYYY-MM-DD HH:MM:SS or YYYY-MM-DD") from None


class ListParams(Params):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))
    status = fields.String(validate=validate.OneOf(("open", "closed")))
    updated_since = LocalTime(metadata={"example": "2026-01-31 00:00:00"})


class UserListParams(UserParams, ListParams):
    pass


def as_dumped(tickets):
    """Ticket objects as TicketSchema dumps them: attachments get their download links and lose the file's key
    (ThreadEntrySchema's pre_dump and fields); everything else is already JSON-ready."""
    return [_linked(ticket) for ticket in tickets]


def _linked(ticket):
    if not any(entry.get("attachments") for entry in ticket["threads"]):
        return ticket
    return {**ticket, "threads": [_linked_entry(entry) for entry in ticket["threads"]]}


def _linked_entry(entry):
    if not entry.get("attachments"):
        return entry
    entry = linked_entry(entry)
    entry["attachments"] = [{k: v for k, v in a.items() if k != "key"} for a in entry["attachments"]]
    return entry


def page_of(args):
    return Page(args["limit"], args["offset"], args.get("status"), args.get("updated_since"))


def list_headers(page, total, paged=False):
    """X-Total-Count and a Link header with the next/prev pages of the same request (by offset, or with ``paged``
    by page number)."""
    links = []
    query = request.args.to_dict()
    for rel, offset in (("prev", page.offset - page.limit), ("next", page.offset + page.limit)):
        if (rel == "prev" and page.offset > 0) or (rel == "next" and offset < total):
            where = {"page": offset // page.limit + 1} if paged else {"offset": max(offset, 0)}
            query.update(limit=page.limit, **where)
            links.append(f'<{request.base_url}?{urlencode(query)}>; rel="{rel}"')
    headers = {"X-Total-Count": str(total)}
    if links:
        headers["Link"] = ", ".join(links)
    return headers


@blp.route("/api/tickets.json")
@authenticated(blp, tokens=True)
@blp.arguments(UserListParams, location="query")
@blp.response(200, TicketSchema(many=True), headers={"X-Total-Count": {"schema": {"type": "integer"}}})
@blp.refuses(404)
def list_user_tickets(args):
    """The user's tickets (owned, Cc'd, shared by the organization), newest first, without internal notes."""
    user = acting_user(args)
    page = page_of(args)
    db = database()
    conn = connection()
    tickets, total = user_tickets(db, conn, user, page, only_number=guest_ticket())
    return jsonify(as_dumped(tickets)), 200, list_headers(page, total)


@blp.route("/api/tickets.json/<string:number>")
@one_statement_read
@authenticated(blp, tokens=True)
@blp.arguments(UserParams, location="query")
@blp.response(200, TicketSchema)
@blp.refuses(404)
def get_ticket(args, number):
    """One ticket with the thread its owner sees; naming a user limits it to that user's tickets."""
    return _public_ticket(args, number)


@blp.route("/api/tickets/<string:number>")
@one_statement_read
@authenticated(blp, tokens=True)
@blp.arguments(UserParams, location="query")
@blp.response(200, TicketSchema)
@blp.refuses(404)
def get_ticket_href(args, number):
    """Same as GET /api/tickets.json/<number> (the "href" of GET /api/scp/tickets.json)."""
    return _public_ticket(args, number)


def _public_ticket(args, number):
    return jsonify(_linked(ticket_or_404(number, viewer=acting_user(args, required=False, number=number))))
