"""Who is calling: an osTicket API key (server to server) or, later, an end-user token.

Views declare what they accept with ``@authenticated(blp, ...)`` and read ``g.caller``; they never look
at headers themselves, so new credential kinds plug in here without touching the views.
"""

import functools
import ipaddress
from dataclasses import dataclass

from flask import current_app, g, request
from flask_smorest import abort

from ..osticket.apikeys import KEY_CANNOT_CREATE, ApiKeyRejected, check_api_key
from .db import database

API_KEY_SCHEME = "ApiKey"


@dataclass(frozen=True)
class Caller:
    api_key_id: int | None = None
    can_create_tickets: bool = False
    user_id: int | None = None  # end-user token: acts for this user only
    ticket_number: str | None = None  # guest token: this ticket only

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
    raw = current_app.config["OSTICKET_TRUSTED_PROXIES"]
    return [ipaddress.ip_network(p.strip(), strict=False) for p in raw.split(",") if p.strip()]


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


def _api_key_caller():
    db = database()
    with db.engine.connect() as conn:
        try:
            row = check_api_key(db, conn, request.headers.get("X-API-Key", ""), client_ip())
        except ApiKeyRejected as exc:
            abort(401, message=str(exc))
    return Caller(api_key_id=row.id, can_create_tickets=bool(row.can_create_tickets))


def authenticated(blp, tokens=False, create=False):
    """Require an API key (or, with tokens=True, an end-user token); create=True needs can_create_tickets."""
    security = [{API_KEY_SCHEME: []}]

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.headers.get("Authorization", "").startswith("Bearer "):
                if not tokens:
                    abort(401, message="this route accepts osTicket API keys only")
                abort(401, message="end-user tokens are not enabled on this server")
            g.caller = _api_key_caller()
            if create and not g.caller.can_create_tickets:
                abort(401, message=KEY_CANNOT_CREATE)
            return view(*args, **kwargs)

        return blp.doc(security=security)(blp.alt_response(401, response="UNAUTHORIZED")(wrapper))

    return decorator
