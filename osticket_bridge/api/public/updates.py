"""Changes to existing tickets: a user's message, close and reopen, an agent's reply with a status.

Each call is one transaction (``@write``): the domain (osticket.replies, osticket.ticket_status) writes and the
answer is built (a message's, from what it wrote) or read on the same connection before COMMIT; a refused call
writes nothing and answers 403/404/409/413/422 with the one JSON error shape.
"""

from flask_smorest import abort
from marshmallow import Schema, fields, pre_load, validate

from ...osticket.tickets import replies
from ...osticket.tickets import status as ticket_status
from ..attachments import attachments_field, request_uploads
from ..auth.callers import authenticated, client_ip
from ..base import Blueprint, Params
from ..db import connection, database
from ..schemas import TicketSchema
from ..scope import TICKET_NOT_FOUND, UserParams, acting_user, ticket_or_404
from ..writes import folded_lookup, write

blp = Blueprint(
    "ticket_updates",
    __name__,
    description="A user's message, close and reopen; an agent's reply with a status change",
)

MAX_TEXT = 1_000_000  # the request body limit applies first; BodyTooLong catches what one entry cannot hold


class TicketNumber(fields.String):
    """A ticket number sent as a string or, as in the seed's examples, a JSON number."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs).strip()


def format_field():
    """The one rule for every route that takes a message: the caller states its format; plain text by default."""
    return fields.String(
        load_default="text",
        validate=validate.OneOf(("text", "html")),
        metadata={"description": "text (default: markup characters stay visible) or html (sanitised)"},
    )


class MessageParams(UserParams):
    message = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    format = format_field()
    attachments = attachments_field()


class CloseParams(UserParams):
    statusId = fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "a closed-state status; default: the one named Closed, else the first by sort"},
    )


class ReplyParams(Params):
    ticketNumber = TicketNumber(required=True, validate=validate.Length(min=1, max=20))
    response = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    format = format_field()
    staffUserName = fields.String(required=True, validate=validate.Length(min=1, max=32))
    reply_status_id = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "an open- or closed-state status to set"}
    )
    reply_to = fields.String(
        load_default="all",
        validate=validate.OneOf(replies.REPLY_TO),
        metadata={"description": "who the reply is addressed to: owner and Cc's, owner only, nobody"},
    )
    attachments = attachments_field()

    @pre_load
    def no_status(self, data, **kwargs):
        # The staff form sends reply_status_id "" (or 0) for "keep the status".
        if data.get("reply_status_id") in ("", "0", 0, None):
            data = {k: v for k, v in data.items() if k != "reply_status_id"}
        return data


class ReplyEnvelopeSchema(Schema):
    status_code = fields.String(metadata={"example": "0"})
    status_msg = fields.String(metadata={"example": "reply posted successfully"})


@blp.route("/api/tickets.json/<string:number>", methods=["PUT"])
@authenticated(blp, tokens=True)
@write(blp, folds_lookup=True)
@blp.arguments(MessageParams, location="json")
@blp.response(200, TicketSchema)
@blp.refuses(404, 409, 413, 422)
def post_message(args, number):
    """The user posts a message (as in the client portal); a closed ticket reopens when osTicket would."""
    user = acting_user(args, number=number)
    uploads = request_uploads(args)
    ticket = replies.post_message(
        database(),
        connection(),
        number,
        user,
        args["message"],
        ip=client_ip(),
        uploads=uploads,
        message_format=args["format"],
        piggyback=folded_lookup(),
    )
    if ticket is None:  # a collaborator where collaborators do not see tickets: as ticket_or_404 answers
        abort(404, message=TICKET_NOT_FOUND)
    return ticket


@blp.route("/api/tickets.json/<string:number>", methods=["DELETE"])
@authenticated(blp, tokens=True)
@write(blp)
@blp.arguments(CloseParams, location="query")
@blp.response(200, TicketSchema)
@blp.refuses(404, 409, 422)
def close_ticket(args, number):
    """The user closes the ticket (409 when it is not open); the event names the user."""
    user = acting_user(args, number=number)
    ticket_status.close_for_user(database(), connection(), number, user, args.get("statusId"))
    return ticket_or_404(number, viewer=user)


@blp.route("/api/tickets.json/<string:number>", methods=["POST"])
@authenticated(blp, tokens=True)
@write(blp)
@blp.arguments(UserParams, location="json")
@blp.response(200, TicketSchema)
@blp.refuses(404, 409)
def reopen_ticket(args, number):
    """The user reopens a closed ticket (409 when it is not closed or its status, department or topic forbid it)."""
    user = acting_user(args, number=number)
    ticket_status.reopen_for_user(database(), connection(), number, user)
    return ticket_or_404(number, viewer=user)


@blp.route("/api/scp/tickets/reply.json", methods=["POST"])
@authenticated(blp)
@write(blp, folds_lookup=True)
@blp.arguments(ReplyParams, location="json")
@blp.response(200, ReplyEnvelopeSchema)
@blp.refuses(403, 404, 409, 413, 422)
def post_reply(args):
    """An agent replies, optionally setting an open- or closed-state status, as the staff panel does."""
    uploads = request_uploads(args)
    replies.post_reply(
        database(),
        connection(),
        args["ticketNumber"],
        args["staffUserName"].strip(),
        args["response"],
        status_id=args.get("reply_status_id"),
        reply_to=args["reply_to"],
        ip=client_ip(),
        uploads=uploads,
        message_format=args["format"],
        piggyback=folded_lookup(),
    )
    return {"status_code": "0", "status_msg": "reply posted successfully"}
