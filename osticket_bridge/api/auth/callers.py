"""Who is calling: an osTicket API key (server to server) or an end-user token (a browser).

Views declare what they accept with ``@authenticated(blp, ...)`` and read ``g.caller``; they never look
at headers themselves.
"""

import functools
import ipaddress
from dataclasses import dataclass

from flask import current_app, g, request
from flask_smorest import abort

from ...osticket.people.apikeys import KEY_CANNOT_CREATE, ApiKeyRejected, check_api_key
from ...osticket.people.users import find_user
from ...tokens import InvalidToken
from ..db import connection, database

API_KEY_SCHEME = "ApiKey"
BEARER_SCHEME = "Bearer"
TOKENS_EXTENSION = "osticket_tokens"  # app.extensions key of the TokenSigner (None: tokens disabled)
TOKENS_DISABLED = "end-user tokens are disabled on this server (OSTICKET_TOKEN_SECRET is not set)"


@dataclass(frozen=True)
class Caller:
    api_key_id: int | None = None
    can_create_tickets: bool = False
    user_id: int | None = None  # end-user token: acts for this user only
    ticket_number: str | None = None  # guest token: this ticket only
    user: dict | None = None  # end-user token: the token's user (find_user), looked up once per request

    @property
    def is_end_user(self):
        return self.user_id is not None


def _trusted(address, proxies):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def trusted_proxies():
    return _networks(current_app.config["OSTICKET_TRUSTED_PROXIES"])


@functools.lru_cache(maxsize=8)
def _networks(raw):
    """The setting's networks, parsed once per value rather than on every request."""
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in raw.split(",") if p.strip())


def client_ip():
    """The socket peer, or the first untrusted address in X-Forwarded-For when the peer is a trusted proxy."""
    peer = request.remote_addr or ""
    proxies = trusted_proxies()
    if not proxies or not _trusted(peer, proxies):
        return peer
    for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            continue
        if not _trusted(hop, proxies):
            return hop
    return peer


def token_signer(status):
    """The app's TokenSigner; abort with ``status`` and a message naming the setting when tokens are disabled."""
    signer = current_app.extensions.get(TOKENS_EXTENSION)
    if signer is None:
        abort(status, message=TOKENS_DISABLED)
    return signer


def bearer_token():
    """The token of an ``Authorization: Bearer ...`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _api_key_caller():
    db = database()
    conn = connection()
    try:
        row = check_api_key(db, conn, request.headers.get("X-API-Key", ""), client_ip())
    except ApiKeyRejected as exc:
        abort(401, message=str(exc))
    return Caller(api_key_id=row.id, can_create_tickets=bool(row.can_create_tickets))


def _token_caller(token):
    try:
        claims = token_signer(401).verify(token)
    except InvalidToken as exc:
        abort(401, message=str(exc))
    db = database()
    conn = connection()
    user = find_user(db, conn, user_id=claims.user_id)
    if user is None:
        abort(401, message="the token's user no longer exists")
    return Caller(
        user_id=claims.user_id,
        ticket_number=claims.ticket_number,
        can_create_tickets=claims.can_create_tickets,
        user=user,
    )


def identify_caller(tokens):
    """The caller of this request (API key, or with tokens=True an end-user token); 401 otherwise."""
    token = bearer_token()
    if token is None:
        return _api_key_caller()
    if tokens:
        return _token_caller(token)
    abort(401, message="this route accepts osTicket API keys only")


def authenticated(blp, tokens=False, create=False):
    """Require an API key (or, with tokens=True, an end-user token); create=True needs can_create_tickets.

    A token acts for its user only (and a guest token for its ticket only); routes without tokens=True
    refuse it.
    """
    security = [{API_KEY_SCHEME: []}] + ([{BEARER_SCHEME: []}] if tokens else [])

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.caller = identify_caller(tokens)
            if create and not g.caller.can_create_tickets:
                if g.caller.is_end_user:
                    abort(403, message="this token cannot create tickets")
                abort(401, message=KEY_CANNOT_CREATE)
            return view(*args, **kwargs)

        # Every authenticated route reads the database: 503 with Retry-After while it cannot serve.
        refusals = (403, 401, 503) if tokens and create else (401, 503)
        return blp.doc(security=security)(blp.refuses(*refusals)(wrapper))

    return decorator
