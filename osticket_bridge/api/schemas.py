"""Response schemas: the seed's ticket object, thread entries and events, list envelopes, topics.

Field names and JSON types are the seed's (DESIGN.md); extra keys (``editor_type``, ``events``) only add.
"""

from datetime import datetime

from marshmallow import Schema, fields, post_dump, pre_dump

from .attachments import linked_entry


class Timestamp(fields.String):
    """osTicket's "YYYY-MM-DD HH:MM:SS"; a zero date stays "0000-00-00 00:00:00", NULL is null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("metadata", {"example": "2018-11-16 13:21:53"})
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value


class PersonsNameSchema(Schema):
    """osTicket's PersonsName as json_encode prints it."""

    format = fields.String(metadata={"example": "original"})
    parts = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "salutation, first, suffix, last, middle (agents: first, last)"},
    )
    name = fields.String()


class MessageSchema(Schema):
    body = fields.String()
    type = fields.String(metadata={"example": "text"})
    stripped_images = fields.List(fields.Raw())
    embedded_images = fields.List(fields.Raw())
    options = fields.Dict(keys=fields.String(), values=fields.Boolean())


class AttachmentSchema(Schema):
    """An entry's file as osTicket's views list it, with a download link."""

    id = fields.Integer()
    name = fields.String(metadata={"example": "invoice.pdf"})
    size = fields.Integer()
    type = fields.String(metadata={"example": "application/pdf"})
    inline = fields.Boolean(metadata={"description": "an image shown in the HTML body (its src is the url)"})
    url = fields.String(
        metadata={"description": "signed download link, expires after OSTICKET_ATTACHMENT_URL_TTL seconds"}
    )


class ThreadEntrySchema(Schema):
    id = fields.Integer()
    pid = fields.Integer()
    thread_id = fields.Integer()
    staff_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    type = fields.String(metadata={"description": "M message, R response, N internal note (staff views only)"})
    poster = fields.String()
    editor = fields.Integer(allow_none=True)
    editor_type = fields.String(allow_none=True)
    source = fields.String()
    title = fields.String(allow_none=True)
    body = fields.String()
    message = fields.Nested(MessageSchema)
    format = fields.String()
    created = Timestamp()
    updated = Timestamp()
    staff_name = fields.Nested(PersonsNameSchema, allow_none=True)
    user_name = fields.Nested(PersonsNameSchema, allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentSchema))

    @pre_dump
    def links(self, entry, **kwargs):
        return linked_entry(entry)


class ThreadEventSchema(Schema):
    id = fields.Integer()
    event = fields.String(allow_none=True, metadata={"example": "assigned"})
    username = fields.String()
    uid = fields.Integer(allow_none=True)
    uid_type = fields.String(metadata={"description": "S staff, U user"})
    staff_id = fields.Integer(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    dept_id = fields.Integer(allow_none=True)
    topic_id = fields.Integer(allow_none=True)
    data = fields.Raw(allow_none=True, metadata={"example": {"staff": [2, "Alice Agent"]}})
    timestamp = Timestamp()
    annulled = fields.Boolean()


class TicketUserSchema(Schema):
    fullname = fields.String()
    firstname = fields.String()
    lastname = fields.String()
    email = fields.String()
    phone = fields.String(metadata={"example": "(425) 444-1212 x123"})


class AssigneeSchema(Schema):
    type = fields.String(metadata={"description": "staff or team"})
    id = fields.Integer()
    name = fields.String()


class TicketSchema(Schema):
    """The seed's ticket object, as a client (public routes) sees it."""

    ticket_number = fields.String(metadata={"example": "112356"})
    subject = fields.String()
    ticket_status = fields.String(allow_none=True)
    statusId = fields.Integer()
    priority = fields.String()
    department = fields.String(allow_none=True)
    create_timestamp = Timestamp()
    user = fields.Nested(TicketUserSchema)
    source = fields.String()
    due_timestamp = Timestamp()
    close_timestamp = Timestamp()
    topic = fields.String(allow_none=True, metadata={"example": "Report a Problem / Access Issue"})
    topicId = fields.Integer(allow_none=True)
    last_message_timestamp = Timestamp()
    last_response_timestamp = Timestamp()
    assigned_to = fields.List(fields.Nested(AssigneeSchema))
    threads = fields.List(fields.Nested(ThreadEntrySchema))


class StaffTicketSchema(TicketSchema):
    """The ticket object for agents: every entry (internal notes included) and the thread's events."""

    events = fields.List(fields.Nested(ThreadEventSchema))


class TicketInfoSchema(Schema):
    ticket = fields.Nested(StaffTicketSchema)
    status_code = fields.String(metadata={"example": "0"})
    status_msg = fields.String(metadata={"example": "ticket details retrieved successfully"})


class TicketListEnvelopeSchema(Schema):
    tickets = fields.List(fields.Nested(StaffTicketSchema))
    status_code = fields.String(metadata={"example": "0"})
    status_msg = fields.String(metadata={"example": "success"})


class TopicSchema(Schema):
    id = fields.Integer()
    value = fields.String(metadata={"example": "Report a Problem / Access Issue"})


class TicketPairsSchema(Schema):
    """One row of GET /api/scp/tickets.json, printed as the seed's list of [name, value] pairs."""

    number = fields.String()
    created = Timestamp()
    updated = Timestamp()
    closed = Timestamp()
    href = fields.String()

    @post_dump
    def pairs(self, data, **kwargs):
        return [[key, data[key]] for key in ("number", "created", "updated", "closed", "href")]


# OpenAPI description of TicketPairsSchema(many=True)'s output, which no marshmallow schema can describe.
TICKET_PAIRS_DOC = {
    "type": "array",
    "items": {
        "type": "array",
        "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "nullable": True}},
    },
    "example": [
        [
            ["number", "112356"],
            ["created", "2018-11-16 13:21:53"],
            ["updated", "2018-11-16 13:23:25"],
            ["closed", None],
            ["href", "/api/tickets/112356"],
        ]
    ],
}
