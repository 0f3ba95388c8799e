"""Signed, short-lived end-user tokens: which user the bearer acts for, on which ticket, until when.

A token is an itsdangerous URL-safe payload signed with HMAC-SHA256 under ``OSTICKET_TOKEN_SECRET``. Every
worker process signs and checks with the same secret, so a token minted by one worker is valid in all of them.
"""

import hashlib
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

MIN_SECRET_LENGTH = 32
_SALT = "osticket-bridge end-user token"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Claims:
    user_id: int
    ticket_number: str | None  # guest token: this ticket only
    can_create_tickets: bool
    expires: int  # Unix time


class TokenSigner:
    def __init__(self, secret, ttl):
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"OSTICKET_TOKEN_SECRET must be at least {MIN_SECRET_LENGTH} characters long")
        self.ttl = ttl
        self._serializer = URLSafeSerializer(secret, salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256})

    def issue(self, user_id, ticket_number=None, can_create_tickets=False, ttl=None):
        """Return (token, claims) for this user, valid for ``ttl`` seconds (default: the configured TTL)."""
        claims = Claims(
            user_id=int(user_id),
            ticket_number=ticket_number,
            can_create_tickets=bool(can_create_tickets),
            expires=int(time.time()) + (self.ttl if ttl is None else ttl),
        )
        payload = {"u": claims.user_id, "c": int(claims.can_create_tickets), "e": claims.expires}
        if ticket_number is not None:
            payload["t"] = ticket_number
        return self._serializer.dumps(payload), claims

    def verify(self, token):
        """Return the token's Claims; raise InvalidToken when it is malformed, forged or expired."""
        try:
            payload = self._serializer.loads(token)
            claims = Claims(
                user_id=int(payload["u"]),
                ticket_number=payload.get("t"),
                can_create_tickets=bool(payload["c"]),
                expires=int(payload["e"]),
            )
        except (BadSignature, AttributeError, KeyError, TypeError, ValueError):
            raise InvalidToken("invalid token") from None
        if claims.expires <= time.time():
            raise InvalidToken("the token has expired")
        return claims


def signer_from_settings(secret, ttl):
    """The app's TokenSigner, or None when no secret is configured (tokens disabled)."""
    return TokenSigner(secret, ttl) if secret else None
