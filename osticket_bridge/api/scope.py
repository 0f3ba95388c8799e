"""Who a public route (/api/tickets.json...) acts for, decided in one place for every method.

- API key (server to server): the ``user_id`` or ``email`` parameter names the user; ``user_id`` wins when
  both are given; an unknown user is a 404.
- End-user token (``g.caller.user_id``): always the token's user. ``user_id``/``email`` may repeat that user
  but never name another one (404, as for an unknown user). A guest token (``g.caller.ticket_number``)
  reaches that one ticket only.
Another user's ticket is answered with the same 404 as a missing one, so its existence is never revealed.
"""

from flask import g
from flask_smorest import abort
from marshmallow import fields, validate

from ..osticket.people.users import find_user
from ..osticket.tickets.reads import ticket_object
from .base import Params, email_field
from .db import connection, database

USER_NOT_FOUND = "user not found"
TICKET_NOT_FOUND = "ticket not found"


class UserParams(Params):
    """The user a public call acts for: an API key names it by ``user_id`` or ``email`` (a JSON body's schema says
    so with anyOf; a query string cannot); an end-user token needs neither."""

    ANY_OF_REQUIRED = ("user_id", "email")
    user_id = fields.Integer(validate=validate.Range(min=1), metadata={"description": "the user's id"})
    email = email_field(metadata={"description": "one of the user's addresses"})


def acting_user(params, required=True, number=None):
    """Return the user (find_user mapping) this call acts for, or None for an API key naming nobody.

    ``required``: an API key call must name a user (422 naming user_id otherwise).
    ``number``: the ticket the call is about; a guest token for another ticket gets a 404.
    """
    caller = g.caller
    user_id, email = params.get("user_id"), params.get("email")
    db = database()
    if caller.is_end_user:
        if caller.ticket_number is not None and number is not None and str(number) != caller.ticket_number:
            abort(404, message=TICKET_NOT_FOUND)
        if user_id is not None and user_id != caller.user_id:
            abort(404, message=USER_NOT_FOUND)
        user = caller.user
        if email and email.strip().casefold() != (user["email"] or "").casefold():
            abort(404, message=USER_NOT_FOUND)
        return user
    if user_id is None and not email:
        if required:
            abort(
                422,
                message="user_id or email is required",
                errors={"query": {"user_id": ["user_id or email is required"]}},
            )
        return None
    conn = connection()
    user = find_user(db, conn, user_id=user_id, email=email)
    if user is None:
        abort(404, message=USER_NOT_FOUND)
    return user


def guest_ticket():
    """The one ticket number a guest token is limited to, else None."""
    return g.caller.ticket_number if g.caller.is_end_user else None


def ticket_or_404(number, *, staff_view=False, viewer=None):
    """The ticket object as ``viewer`` (None: any ticket) may see it, or a 404."""
    db = database()
    conn = connection()
    ticket = ticket_object(db, conn, number, staff_view=staff_view, viewer=viewer)
    if ticket is None:
        abort(404, message=TICKET_NOT_FOUND)
    return ticket
