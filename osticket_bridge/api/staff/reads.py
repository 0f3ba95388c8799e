"""Staff-side reads (/api/scp/...): every entry, internal notes included, and the thread's events.

Ticket objects are sent as the domain builds them, JSON-ready (see api/public/tickets.py); the schemas document them.
"""

from flask import jsonify
from flask_smorest import abort
from marshmallow import fields, validate

from ...osticket.people.staff import find_agent
from ...osticket.people.users import find_user
from ...osticket.tickets.reads import agent_tickets, client_tickets, ticket_index
from ..auth.callers import authenticated
from ..base import TICKET_NUMBER_MAX, Blueprint, Params, email_field
from ..db import connection, database
from ..public.tickets import ListParams, as_dumped, list_headers, page_of
from ..schemas import TICKET_PAIRS_DOC, TicketInfoSchema, TicketListEnvelopeSchema, TicketPairsSchema
from ..scope import USER_NOT_FOUND, ticket_or_404

blp = Blueprint("scp_reads", __name__, description="Staff views of tickets: details, an agent's, a client's, all")

TOTAL_HEADER = {"X-Total-Count": {"schema": {"type": "integer"}}}


class TicketInfoParams(Params):
    ticketNumber = fields.String(required=True, validate=validate.Length(min=1, max=TICKET_NUMBER_MAX))


class StaffTicketsParams(ListParams):
    staffUserName = fields.String(required=True, validate=validate.Length(min=1, max=32))


class ClientTicketsParams(ListParams):
    clientUserMail = email_field(required=True)


@blp.route("/api/scp/tickets/ticketInfo.json")
@authenticated(blp)
@blp.arguments(TicketInfoParams, location="query")
@blp.response(200, TicketInfoSchema)
@blp.refuses(404)
def get_ticket_info(args):
    """One ticket as agents see it: every entry, internal notes included, and its events."""
    ticket = ticket_or_404(args["ticketNumber"].strip(), staff_view=True)
    (ticket,) = as_dumped([ticket])
    return jsonify({"ticket": ticket, "status_code": "0", "status_msg": "ticket details retrieved successfully"})


@blp.route("/api/scp/tickets/staffTickets.json")
@authenticated(blp)
@blp.arguments(StaffTicketsParams, location="query")
@blp.response(200, TicketListEnvelopeSchema, headers=TOTAL_HEADER)
@blp.refuses(404)
def list_staff_tickets(args):
    """Open tickets assigned to the agent or to one of the agent's teams ("Assigned to me")."""
    page = page_of(args)
    db = database()
    conn = connection()
    agent = find_agent(db, conn, args["staffUserName"].strip())
    if agent is None:
        abort(404, message="agent not found")
    tickets, total = agent_tickets(db, conn, agent, page)
    envelope = {"tickets": as_dumped(tickets), "status_code": "0", "status_msg": "success"}
    return jsonify(envelope), 200, list_headers(page, total)


@blp.route("/api/scp/tickets/clientTickets.json")
@authenticated(blp)
@blp.arguments(ClientTicketsParams, location="query")
@blp.response(200, TicketListEnvelopeSchema, headers=TOTAL_HEADER)
@blp.refuses(404)
def list_client_tickets(args):
    """Tickets of the user with this address (owner or Cc), as the staff panel's user page lists them."""
    page = page_of(args)
    db = database()
    conn = connection()
    user = find_user(db, conn, email=args["clientUserMail"])
    if user is None:
        abort(404, message=USER_NOT_FOUND)
    tickets, total = client_tickets(db, conn, user, page)
    envelope = {"tickets": as_dumped(tickets), "status_code": "0", "status_msg": "success"}
    return jsonify(envelope), 200, list_headers(page, total)


@blp.route("/api/scp/tickets.json")
@authenticated(blp)
@blp.arguments(ListParams, location="query")
@blp.response(200, TICKET_PAIRS_DOC, headers=TOTAL_HEADER)
def list_all_tickets(args):
    """Every ticket, newest first, as [name, value] pairs; "href" is the ticket's URL."""
    page = page_of(args)
    db = database()
    conn = connection()
    rows, total = ticket_index(db, conn, page)
    tickets = [{**row, "href": f"/api/tickets/{row['number']}"} for row in rows]
    return jsonify(TicketPairsSchema(many=True).dump(tickets)), 200, list_headers(page, total)
