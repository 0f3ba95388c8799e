"""POST /api/auth/token, /login and /guest: end-user tokens for browser calls."""

from flask import g
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from ...osticket.people.accounts import guest_access, sign_in
from ...osticket.people.users import find_user
from ..base import TICKET_NUMBER_MAX, Blueprint, Params, email_field
from ..db import connection, database
from .callers import authenticated, token_signer

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/api/auth",
    description="End-user tokens (Authorization: Bearer ...) for calls made from a browser",
)

BAD_LOGIN = "invalid username or password"
BAD_GUEST = "invalid email or ticket number"


class TokenRequest(Params):
    ANY_OF_REQUIRED = ("email", "user_id")
    email = email_field(metadata={"example": "carol.customer@example.com"})
    user_id = fields.Integer(validate=Range(min=1), metadata={"example": 1})

    @validates_schema
    def one_user(self, data, **kwargs):
        if "email" not in data and "user_id" not in data:
            raise ValidationError("give email or user_id", "email")


class LoginRequest(Params):
    username = fields.String(
        required=True,
        validate=Length(min=1, max=255),
        metadata={"description": "the client-portal email address or username", "example": "carol"},
    )
    password = fields.String(required=True, validate=Length(min=1, max=1024), load_only=True)


class GuestRequest(Params):
    ticket_number = fields.String(
        required=True, validate=Length(min=1, max=TICKET_NUMBER_MAX), metadata={"example": "386142"}
    )
    email = email_field(
        required=True,
        metadata={"description": "the ticket owner's or a collaborator's email", "example": "carol@example.com"},
    )


class TokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "send as Authorization: Bearer <token>"})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds", "example": 900})
    user_id = fields.Integer(required=True)
    ticket_number = fields.String(allow_none=True, metadata={"description": "guest tokens: the only ticket"})


def _signer():
    return token_signer(503)


def _token(user_id, ticket_number=None, can_create_tickets=False):
    signer = _signer()
    token, claims = signer.issue(user_id, ticket_number=ticket_number, can_create_tickets=can_create_tickets)
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_in": signer.ttl,
        "user_id": claims.user_id,
        "ticket_number": claims.ticket_number,
    }


@blp.route("/token", methods=["POST"])
@authenticated(blp)
@blp.arguments(TokenRequest, location="json")
@blp.response(200, TokenSchema)
@blp.refuses(404, 429, 503)
def issue_token(args):
    """Mint a token for one user (the website's backend, with its API key).

    The token may create tickets only when the API key may.
    """
    _signer()
    db = database()
    conn = connection()
    user = find_user(db, conn, user_id=args.get("user_id"), email=args.get("email"))
    if user is None:
        abort(404, message="user not found")
    return _token(user["id"], can_create_tickets=g.caller.can_create_tickets)


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginRequest, location="json")
@blp.response(200, TokenSchema)
@blp.refuses(401, 429, 503)
def log_in(args):
    """Sign in with a client-portal account (email or username, and password); no API key.

    A wrong password and an unknown account answer alike.
    """
    _signer()
    user_id = sign_in(database(), args["username"], args["password"])
    if user_id is None:
        abort(401, message=BAD_LOGIN)
    return _token(user_id, can_create_tickets=True)


@blp.route("/guest", methods=["POST"])
@blp.arguments(GuestRequest, location="json")
@blp.response(200, TokenSchema)
@blp.refuses(401, 429, 503)
def guest_token(args):
    """Guest access to one ticket with its number and the owner's or a collaborator's email; no API key.

    As osTicket's "check ticket status". The token reads and answers that ticket only.
    """
    _signer()
    db = database()
    conn = connection()
    access = guest_access(db, conn, args["ticket_number"], args["email"])
    if access is None:
        abort(401, message=BAD_GUEST)
    return _token(access.user_id, ticket_number=access.number)
