"""What the OpenAPI document says beyond the routes' decorators, declared here once:

- each operation's ``operationId``: its view's name in camelCase (``list_user_tickets``: ``listUserTickets``);
- links: which values of an answer the other routes take (a created ticket's number, a new user's address), so
  that a client, or a stateful test run, goes from one call to the next;
- a request body's alternatives (``ANY_OF_REQUIRED`` on a Params schema: ``email`` or ``user_id``) as ``anyOf``.
"""

from apispec import BasePlugin

NUMBER = "$response.body#/ticket_number"
OWNER = "$response.body#/user/email"


def _link(operation_id, parameters=None, body=None):
    link = {"operationId": operation_id}
    if parameters:
        link["parameters"] = parameters
    if body:
        link["requestBody"] = body
    return link


# A ticket object's answer (a create, a read, a message, a close, a reopen): the routes about that ticket.
TICKET = {
    "GetTicket": _link("getTicket", {"number": NUMBER, "email": OWNER}),
    "GetTicketHref": _link("getTicketHref", {"number": NUMBER, "email": OWNER}),
    "PostMessage": _link("postMessage", {"number": NUMBER}, {"email": OWNER}),
    "CloseTicket": _link("closeTicket", {"number": NUMBER, "email": OWNER}),
    "ReopenTicket": _link("reopenTicket", {"number": NUMBER}, {"email": OWNER}),
    "GetTicketInfo": _link("getTicketInfo", {"ticketNumber": NUMBER}),
    "PostReply": _link("postReply", body={"ticketNumber": NUMBER}),
    "GuestToken": _link("guestToken", body={"ticket_number": NUMBER, "email": OWNER}),
    "ListUserTickets": _link("listUserTickets", {"email": OWNER}),
    "ListClientTickets": _link("listClientTickets", {"clientUserMail": OWNER}),
}
USER = {
    "ListUserTickets": _link("listUserTickets", {"email": "$response.body#/email"}),
    "ListClientTickets": _link("listClientTickets", {"clientUserMail": "$response.body#/email"}),
    "CreateTicket": _link("createTicket", body={"email": "$response.body#/email"}),
    "IssueToken": _link("issueToken", body={"user_id": "$response.body#/id"}),
    "LogIn": _link("logIn", body={"username": "$response.body#/email", "password": "$request.body#/password"}),
}
TOPIC = {"CreateTicket": _link("createTicket", body={"topicId": "$response.body#/id"})}
LINKS = {
    "createTicket": {
        "201": {
            **TICKET,
            "DownloadAttachment": _link(
                "downloadAttachment",
                {
                    "attachment_id": "$response.body#/threads/0/attachments/0/id",
                    "name": "$response.body#/threads/0/attachments/0/name",
                },
            ),
        }
    },
    "getTicket": {"200": TICKET},
    "postMessage": {"200": TICKET},
    "closeTicket": {"200": TICKET},
    "reopenTicket": {"200": TICKET},
    "createUser": {"201": USER},
    "createTopic": {"201": TOPIC},
    "listTopics": {"200": {"CreateTicket": _link("createTicket", body={"topicId": "$response.body#/0/id"})}},
}


def operation_id(view_name):
    """The operationId of a view: its function's name in camelCase (list_user_tickets: listUserTickets)."""
    first, *rest = view_name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def operation_doc(view_name):
    """What the OpenAPI document says of a view beyond its decorators: its operationId and its links."""
    name = operation_id(view_name)
    links = LINKS.get(name, {})
    # int statuses, as @blp.response keys them: a "201" would stand beside 201 and replace it in the JSON
    return {"operationId": name, **({"responses": {int(s): {"links": v} for s, v in links.items()}} if links else {})}


class RequiredAlternatives(BasePlugin):
    """A schema's ``ANY_OF_REQUIRED`` (names of which one at least is needed) as ``anyOf`` its variants.

    ``TicketCreateParams`` becomes ``anyOf`` ``TicketCreateParamsWithEmail`` and ``...WithUserId``, each the
    fields (``TicketCreateParamsFields``) with one of them required: generators (openapi-python-client) make that
    a union of typed models, where an ``anyOf`` of bare ``required`` lists beside the properties loses the type.
    """

    def init_spec(self, spec):
        super().init_spec(spec)
        self.spec = spec

    def schema_helper(self, name, definition, **kwargs):
        alternatives = getattr(kwargs.get("schema"), "ANY_OF_REQUIRED", ())
        if not alternatives:
            return None
        self.spec.components.schema(f"{name}Fields", component=dict(definition))
        fields = {"$ref": f"#/components/schemas/{name}Fields"}
        variants = []
        for field in alternatives:
            variant = f"{name}With{operation_id(field)[:1].upper()}{operation_id(field)[1:]}"
            self.spec.components.schema(variant, component={"allOf": [fields, {"type": "object", "required": [field]}]})
            variants.append({"$ref": f"#/components/schemas/{variant}"})
        definition.clear()  # the component is the choice between its variants (apispec builds on this dict)
        return {"anyOf": variants}
