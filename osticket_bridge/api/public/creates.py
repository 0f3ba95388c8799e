"""Create a ticket, a user with a client-portal account, a help topic: each one transaction (``@write``) in which
the domain (osticket.create_ticket, create_user, create_topic) writes the rows osTicket 1.18 writes.

Refusals answer with the one JSON error shape: 403 banned address, 409 duplicates and limits, 413 a message too
long for one thread entry, 422 invalid input (``errors`` names the parameter), 503 no ticket number in time.
"""

from functools import cache
from zoneinfo import available_timezones

from flask import g, request
from flask_smorest import abort
from marshmallow import Schema, fields, pre_load, validate

from ...osticket.catalog.create_topic import MIN_NAME, NewTopic
from ...osticket.catalog.create_topic import create_topic as write_topic
from ...osticket.people.create_user import MIN_PASSWORD
from ...osticket.people.create_user import create_user as write_user
from ...osticket.tickets.create import NewTicket
from ...osticket.tickets.create import create_ticket as write_ticket
from ..attachments import attachments_field, request_uploads
from ..auth.callers import authenticated, client_ip
from ..base import Blueprint, Params, email_field, line_field
from ..db import connection, database
from ..schemas import TicketSchema, Timestamp
from ..scope import UserParams, acting_user
from ..writes import folded_lookup, write

blp = Blueprint("creates", __name__, description="Create a ticket, a user with a portal account, a help topic")

# PHP's DateTimeZone::listIdentifiers(), which osTicket's time zone choices come from: UTC and Area/Location names.
ZONE_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
TIME_ZONES = sorted(z for z in available_timezones() if z.split("/", 1)[0] in ZONE_AREAS and "/" in z) + ["UTC"]
MAX_TEXT = 1_000_000  # the request body limit applies first; the domain checks what the columns hold


class TicketCreateParams(UserParams):
    name = fields.String(validate=validate.Length(max=1000), metadata={"description": "creates the user if new"})
    subject = line_field(required=True, max_length=10_000)
    message = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_TEXT),
        metadata={"description": 'plain text, or "data:text/html,<p>...</p>" / "data:text/plain;base64,..."'},
    )
    format = fields.String(
        load_default="text",
        validate=validate.OneOf(("text", "html")),
        metadata={"description": "format of a message that is not a data URL"},
    )
    topicId = fields.Integer(validate=validate.Range(min=0))
    priorityId = fields.Integer(validate=validate.Range(min=1))
    priority = fields.Integer(validate=validate.Range(min=1), metadata={"description": "same as priorityId"})
    phone = fields.String(validate=validate.Length(max=64))
    notes = fields.String(validate=validate.Length(max=MAX_TEXT))
    ip = fields.IP(
        metadata={"description": "default: the caller's address", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
    )
    attachments = attachments_field()
    alert = fields.Raw(metadata={"description": "false: no new-ticket alert to agents (API keys only; default true)"})
    autorespond = fields.Raw(
        metadata={"description": "false: no auto-response to the user (API keys only; default true)"}
    )


class UserCreateParams(Params):
    email = email_field(required=True)
    name = line_field(required=True, max_length=1000)
    password = fields.String(required=True, validate=validate.Length(min=MIN_PASSWORD, max=1000))
    phone = fields.String(validate=validate.Length(max=64), metadata={"example": "4254441212X123"})
    notes = fields.String(validate=validate.Length(max=MAX_TEXT))
    timezone = fields.String(
        validate=validate.OneOf(TIME_ZONES, error="not a time zone name such as Europe/Berlin"),
        metadata={"example": "America/Los_Angeles"},
    )
    username = fields.String(validate=validate.Length(max=64))


class CreatedUserSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    phone = fields.String(metadata={"example": "(425) 444-1212 x123"})


class TopicCreateParams(Params):
    topic = line_field(min_length=MIN_NAME, max_length=10_000, required=True, metadata={"description": "name"})
    topic_pid = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={"description": "parent"})
    dept_id = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={"description": "0: default"})
    priority_id = fields.Integer(load_default=0, validate=validate.Range(min=0))
    sla_id = fields.Integer(load_default=0, validate=validate.Range(min=0))
    status_id = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={"description": "initial"})
    staff_id = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={"description": "auto-assign"})
    team_id = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={"description": "auto-assign"})
    active = fields.Boolean(load_default=True)
    archived = fields.Boolean(load_default=False)
    public = fields.Boolean(load_default=True)
    noautoresp = fields.Boolean(load_default=False)
    notes = fields.String(validate=validate.Length(max=MAX_TEXT), metadata={"description": "HTML, sanitised"})
    custom_numbers = fields.Boolean(load_default=False)
    number_format = fields.String(validate=validate.Length(max=32), metadata={"example": "TX-######"})
    sequence_id = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={"description": "0: random"})

    @pre_load
    def aliases(self, data, **kwargs):
        """osTicket's admin-form names: name, ispublic, isactive, assign ("s<agent id>" / "t<team id>")."""
        data = dict(data)
        for alias, name in (("name", "topic"), ("ispublic", "public"), ("isactive", "active"), ("pid", "topic_pid")):
            if alias in data and name not in data:
                data[name] = data.pop(alias)
        assign = str(data.pop("assign", "") or "")
        if assign[:1] in ("s", "t") and assign[1:].isdigit():
            data["staff_id" if assign[0] == "s" else "team_id"] = int(assign[1:])
        return data


class CreatedTopicSchema(Schema):
    id = fields.Integer()
    value = fields.String(metadata={"example": "Billing Questions / Payment Failed"})
    topic = fields.String()
    topic_pid = fields.Integer()
    dept_id = fields.Integer()
    priority_id = fields.Integer()
    sla_id = fields.Integer()
    status_id = fields.Integer()
    staff_id = fields.Integer()
    team_id = fields.Integer()
    active = fields.Boolean()
    archived = fields.Boolean()
    public = fields.Boolean()
    noautoresp = fields.Boolean()
    custom_numbers = fields.Boolean()
    number_format = fields.String(allow_none=True)
    sequence_id = fields.Integer()
    sort = fields.Integer()
    notes = fields.String(allow_none=True)
    created = Timestamp()
    updated = Timestamp()


def form_values(schema, args):
    """Form answers by field name: phone, notes and every key the schema does not know (custom fields)."""
    raw = {**request.args.to_dict(), **request.form.to_dict()}
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        raw.update(body)
    known = _field_names(schema) - {"phone", "notes"}
    values = {k: v for k, v in raw.items() if k not in known}
    values.update({k: args[k] for k in ("phone", "notes") if k in args})
    return values


@cache
def _field_names(schema):
    return frozenset(schema().fields)


@blp.route("/api/tickets.json", methods=["POST"])
@authenticated(blp, tokens=True, create=True)
@write(blp, folds_lookup=True)
@blp.arguments(TicketCreateParams, location="json")
@blp.response(201, TicketSchema)
@blp.refuses(403, 404, 409, 413, 422, 503)
def create_ticket(args):
    """Create a ticket for ``user_id`` or ``email`` (``name`` creates the user for a new address), as the stock
    API does; an end-user token creates it for its own user. Returns the ticket object."""
    user_id, email = args.get("user_id"), args.get("email")
    if g.caller.is_end_user:
        user_id, email = acting_user(args)["id"], None
    elif user_id is None and not email:
        abort(422, message="user_id or email is required", errors={"json": {"email": ["user_id or email is required"]}})
    priority = args.get("priorityId", args.get("priority"))
    new = NewTicket(
        subject=args["subject"],
        message=args["message"],
        user_id=user_id,
        email=None if user_id is not None else email,
        name=args.get("name"),
        topic_id=args.get("topicId"),
        priority_id=priority,
        message_format=args["format"],
        ip=str(args["ip"]) if "ip" in args else client_ip(),
        attachments=request_uploads(args),
        fields=form_values(TicketCreateParams, args),
        # An end user's token cannot silence the mails the portal would send.
        autorespond=g.caller.is_end_user or _php_bool(args.get("autorespond", True)),
        alert=g.caller.is_end_user or _php_bool(args.get("alert", True)),
        origin="web" if g.caller.is_end_user else "api",  # which ticket filters run (target Web or API)
        piggyback=folded_lookup(),
    )
    return write_ticket(database(), connection(), new)


def _php_bool(value):
    """PHP's (bool) cast, as the stock API applies it to a JSON ``alert`` / ``autorespond``."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


@blp.route("/api/scp/users.json", methods=["POST"])
@authenticated(blp)
@write(blp)
@blp.arguments(UserCreateParams, location="json")
@blp.response(201, CreatedUserSchema)
@blp.refuses(409, 422)
def create_user(args):
    """Create a user with a confirmed client-portal account (bcrypt password, time zone, optional username)."""
    return write_user(
        database(),
        connection(),
        email=args["email"],
        name=args["name"],
        password=args["password"],
        phone=args.get("phone"),
        notes=args.get("notes"),
        timezone=args.get("timezone"),
        username=args.get("username"),
        fields={k: v for k, v in form_values(UserCreateParams, args).items() if k not in ("phone", "notes")},
    )


@blp.route("/api/topics.json", methods=["POST"])
@authenticated(blp)
@write(blp)
@blp.arguments(TopicCreateParams, location="json")
@blp.response(201, CreatedTopicSchema)
@blp.refuses(409, 422)
def create_topic(args):
    """Create a help topic (name of 5+ characters, unique under its parent, an active department)."""
    return write_topic(database(), connection(), NewTopic(**args))
