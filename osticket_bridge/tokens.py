"""Signed, short-lived end-user tokens: which user the bearer acts for, on which ticket, until when.

A token is an itsdangerous URL-safe payload signed with HMAC-SHA256 under ``OSTICKET_TOKEN_SECRET``. Every
worker process signs and checks with the same secret, so a token minted by one worker is valid in all of them.
"""

import base64
import hashlib
import hmac
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


class InvalidLink(Exception):
    pass


class LinkSigner:
    """Signed download links: an attachment id and an expiry, HMAC-SHA256 under the token secret.

    Expiries are rounded up to a quarter of the lifetime, so one file keeps one URL for a while and a browser
    can cache it; a link lives between ``ttl`` and 1.25 ``ttl`` seconds.
    """

    def __init__(self, secret, ttl):
        self.ttl = ttl
        self._key = hmac.new(secret.encode(), b"osticket-bridge attachment link", hashlib.sha256).digest()

    def sign(self, attachment_id, now=None):
        """Return (expires, signature) for this attachment."""
        step = max(self.ttl // 4, 1)
        expires = -(-(int(now or time.time()) + self.ttl) // step) * step
        return expires, self._signature(attachment_id, expires)

    def verify(self, attachment_id, expires, signature):
        """Raise InvalidLink unless ``signature`` signs this attachment until ``expires`` (still in the future)."""
        try:
            expires = int(expires)
        except (TypeError, ValueError):
            raise InvalidLink("the link is not valid") from None
        given = str(signature or "").encode("utf-8", "replace")  # bytes: compare_digest refuses non-ASCII str
        if not hmac.compare_digest(self._signature(attachment_id, expires).encode(), given):
            raise InvalidLink("the link is not valid")
        if expires <= time.time():
            raise InvalidLink("the link has expired")

    def _signature(self, attachment_id, expires):
        digest = hmac.new(self._key, f"{int(attachment_id)}:{int(expires)}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
