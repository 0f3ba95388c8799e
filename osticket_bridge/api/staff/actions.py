"""An agent's actions through the API, as that agent within osTicket's roles: note, assign/claim, transfer, status,
field edits. Each is one transaction with Idempotency-Key (``@write``); a refusal writes nothing (403 where the
staff panel refuses the agent, 404/409/422 otherwise)."""

import functools

from marshmallow import fields, validate

from ...osticket.tickets import agent_actions, field_edits
from ..attachments import request_uploads
from ..auth.callers import authenticated, client_ip
from ..base import Blueprint, Params
from ..db import connection, database
from ..public.creates import form_values
from ..public.updates import MAX_TEXT, ReplyEnvelopeSchema, TicketNumber, attachments_field, format_field
from ..writes import write

blp = Blueprint("agent_actions", __name__, description="An agent's note, assignment, transfer, status and field edits")

COMMENTS_DOC = "an internal note posted with the change (as the staff panel's dialog comments)"


class AgentParams(Params):
    ticketNumber = TicketNumber(required=True, validate=validate.Length(min=1, max=20))
    staffUserName = fields.String(
        required=True, validate=validate.Length(min=1, max=32), metadata={"description": "the acting agent"}
    )
    comments = fields.String(validate=validate.Length(max=MAX_TEXT), metadata={"description": COMMENTS_DOC})
    format = format_field()


class NoteParams(AgentParams):
    title = fields.String(required=True, validate=validate.Length(min=1, max=255))
    note = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    attachments = attachments_field()


class AssignParams(AgentParams):
    assignee = fields.String(
        required=True,
        validate=validate.Regexp(r"^[st][1-9][0-9]{0,9}$", error="s<staff id> or t<team id>"),
        metadata={"description": "s<staff id> or t<team id>; the acting agent's own id claims the ticket"},
    )


class TransferParams(AgentParams):
    deptId = fields.Integer(required=True, validate=validate.Range(min=1))


class StatusParams(AgentParams):
    statusId = fields.Integer(required=True, validate=validate.Range(min=1))


class UpdateParams(AgentParams):
    """Also any Ticket Details field by its name, e.g. "subject" (text, checkbox, choices)."""

    priorityId = fields.Integer(validate=validate.Range(min=1))
    slaId = fields.Integer(validate=validate.Range(min=1))
    topicId = fields.Integer(validate=validate.Range(min=1))
    duedate = fields.String(
        validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", error="YYYY-MM-DD HH:MM"),
        metadata={"description": "YYYY-MM-DD HH:MM in the agent's time zone (else the help desk's)"},
    )


def _route(path, params, message, *statuses):
    """The decorator stack every action shares (note.json also 413 for a too long note): the action gets the parsed
    arguments, and the route answers ``message`` once it is done."""

    def decorator(action):
        @functools.wraps(action)
        def view(args):
            action(args)
            return {"status_code": "0", "status_msg": message}

        for wrap in (
            blp.refuses(403, 404, 409, 422, *statuses),
            blp.response(200, ReplyEnvelopeSchema, example={"status_code": "0", "status_msg": message}),
            blp.arguments(params, location="json"),
            write(blp),
            authenticated(blp),
            blp.route(path, methods=["POST"]),
        ):
            view = wrap(view)
        return view

    return decorator


def _common(args):
    return dict(message_format=args["format"], ip=client_ip())


@_route("/api/scp/tickets/note.json", NoteParams, "note posted successfully", 413)
def post_note(args):
    """Post an internal note (any agent who may see the ticket, as in the staff panel)."""
    agent_actions.post_note(
        database(), connection(), args["ticketNumber"], args["staffUserName"].strip(), args["title"].strip(),
        args["note"], uploads=request_uploads(args), **_common(args),
    )  # fmt: skip


@_route("/api/scp/tickets/assign.json", AssignParams, "ticket assigned successfully")
def assign_ticket(args):
    """Assign to an agent or a team, or claim (the agent's own id); needs ticket.assign."""
    agent_actions.assign(
        database(), connection(), args["ticketNumber"], args["staffUserName"].strip(), args["assignee"],
        args.get("comments", ""), **_common(args),
    )  # fmt: skip


@_route("/api/scp/tickets/transfer.json", TransferParams, "ticket transferred successfully")
def transfer_ticket(args):
    """Transfer to another department; needs ticket.transfer."""
    agent_actions.transfer(
        database(), connection(), args["ticketNumber"], args["staffUserName"].strip(), args["deptId"],
        args.get("comments", ""), **_common(args),
    )  # fmt: skip


@_route("/api/scp/tickets/status.json", StatusParams, "status changed successfully")
def change_status(args):
    """Change the status: closing needs ticket.close, reopening ticket.close or ticket.create."""
    agent_actions.change_status(
        database(), connection(), args["ticketNumber"], args["staffUserName"].strip(), args["statusId"],
        args.get("comments", ""), **_common(args),
    )  # fmt: skip


@_route("/api/scp/tickets/update.json", UpdateParams, "ticket updated successfully")
def update_ticket(args):
    """Edit the priority, SLA plan, help topic, due date and Ticket Details fields; needs ticket.edit."""
    field_edits.update_fields(
        database(), connection(), args["ticketNumber"], args["staffUserName"].strip(),
        priority_id=args.get("priorityId"), duedate=args.get("duedate"), comments=args.get("comments", ""),
        sla_id=args.get("slaId"), topic_id=args.get("topicId"), answers=form_values(UpdateParams, args),
        **_common(args),
    )  # fmt: skip
