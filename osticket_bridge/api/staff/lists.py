"""The staff search and the reference lists the agent routes take ids from (/api/scp/...)."""

from flask import jsonify
from flask_smorest import abort
from marshmallow import fields, validate

from ...osticket.catalog.cache import cached_catalog
from ...osticket.people import references
from ...osticket.people.staff import find_agent
from ...osticket.people.users import find_user
from ...osticket.tickets.reads import Page
from ...osticket.tickets.search import Criteria, search
from ..auth.callers import authenticated
from ..base import Blueprint, Params
from ..db import connection, database
from ..public.tickets import LocalTime, list_headers
from ..schemas import TICKET_PAIRS_DOC, TicketPairsSchema
from ..scope import USER_NOT_FOUND

blp = Blueprint("agent_lists", __name__, description="The staff ticket search and the lists of ids for agent actions")

TOTAL_HEADER = {"X-Total-Count": {"schema": {"type": "integer"}}, "Link": {"schema": {"type": "string"}}}
STATUS = r"^(open|closed|[1-9][0-9]{0,9})$"


class SearchParams(Params):
    q = fields.String(
        validate=validate.Length(min=1, max=255),
        metadata={"description": "words over subjects and every thread entry (notes included), or a number prefix"},
    )
    status = fields.String(
        validate=validate.Regexp(STATUS, error="open, closed or a status id"),
        metadata={"description": "open, closed or a status id"},
    )
    deptId = fields.Integer(validate=validate.Range(min=1))
    topicId = fields.Integer(validate=validate.Range(min=1))
    staffUserName = fields.String(
        validate=validate.Length(min=1, max=32), metadata={"description": "tickets assigned to this agent"}
    )
    teamId = fields.Integer(validate=validate.Range(min=1))
    email = fields.String(validate=validate.Length(min=1, max=255), metadata={"description": "the ticket's user"})
    updatedSince = LocalTime(metadata={"example": "2026-01-31 00:00:00"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


@blp.route("/api/scp/tickets/search.json")
@authenticated(blp)
@blp.arguments(SearchParams, location="query")
@blp.response(200, TICKET_PAIRS_DOC, headers=TOTAL_HEADER)
@blp.refuses(404)
def search_tickets(args):
    """The staff panel's ticket search, newest first, as [name, value] pairs like /api/scp/tickets.json."""
    db, conn = database(), connection()
    status = args.get("status")
    state = status if status in ("open", "closed") else None
    staff_id = user_id = None
    if "staffUserName" in args:
        agent = find_agent(db, conn, args["staffUserName"].strip())
        if agent is None:
            abort(404, message="agent not found")
        staff_id = agent["staff_id"]
    if "email" in args:
        user = find_user(db, conn, email=args["email"])
        if user is None:
            abort(404, message=USER_NOT_FOUND)
        user_id = user["id"]
    criteria = Criteria(
        q=(args.get("q") or "").strip() or None, status_id=int(status) if status and not state else None,
        dept_id=args.get("deptId"), topic_id=args.get("topicId"), staff_id=staff_id, team_id=args.get("teamId"),
        user_id=user_id,
    )  # fmt: skip
    page = Page(args["limit"], (args["page"] - 1) * args["limit"], state, args.get("updatedSince"))
    rows, total = search(db, conn, criteria, page)
    tickets = [{**row, "href": f"/api/tickets/{row['number']}"} for row in rows]
    return jsonify(TicketPairsSchema(many=True).dump(tickets)), 200, list_headers(page, total, paged=True)


def _list_route(path, summary):
    def decorator(load):
        def view():
            return jsonify(load(database(), connection()))

        view.__name__ = load.__name__
        view.__doc__ = summary
        blp.route(path)(authenticated(blp)(blp.response(200)(view)))
        return load

    return decorator


@_list_route("/api/scp/departments.json", "Departments: id, parentId, name, path, public, active.")
def list_departments(db, conn):
    return references.departments(db, conn)


@_list_route(
    "/api/scp/staff.json", 'Agents: id, assignee ("s<id>"), username, name, email, deptId, active, onVacation.'
)
def list_staff(db, conn):
    return references.staff(db, conn)


@_list_route("/api/scp/teams.json", 'Teams: id, assignee ("t<id>"), name, active, members (agent ids).')
def list_teams(db, conn):
    return references.teams(db, conn)


@_list_route("/api/scp/priorities.json", "Priorities: id, name, key, urgency (1 most urgent), public.")
def list_priorities(db, conn):
    return references.priorities(cached_catalog(db, conn))


@_list_route("/api/scp/statuses.json", "Ticket statuses: id, name, state (open, closed, ...), enabled.")
def list_statuses(db, conn):
    return references.statuses(cached_catalog(db, conn))


@_list_route("/api/scp/slas.json", "SLA plans: id, name, gracePeriodHours, active.")
def list_slas(db, conn):
    return references.slas(db, conn)
