"""One webhook request, as Standard Webhooks (standardwebhooks.com) describes it, and not an SSRF hole.

- Headers ``webhook-id`` (the event id, the same on every retry), ``webhook-timestamp`` (Unix seconds) and
  ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, keyed with the base64 part of the
  ``whsec_...`` secret.
- The host is resolved at delivery time and every address it resolves to must be public (not private, loopback,
  link-local, multicast, reserved) unless ``allow_private``; the connection then goes to the address that was
  checked, so a second DNS answer cannot swap it. Redirects are not followed (http.client never follows them).
"""

import base64
import binascii
import hashlib
import hmac
import http.client
import ipaddress
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT = 10.0
USER_AGENT = "osticket-bridge-webhooks"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix Standard Webhooks gives secrets, not a secret
MAX_ANSWER = 2000  # characters of the receiver's answer kept for `webhooks deliveries`


class Refused(Exception):
    """The target may not be called (its address is private), or the URL is unusable."""


@dataclass(frozen=True)
class Outcome:
    code: int | None  # HTTP status, None when no answer came
    error: str | None  # why it failed, None on a 2xx

    @property
    def ok(self):
        return self.error is None


def new_secret():
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def secret_key(secret):
    """The HMAC key of a ``whsec_<base64>`` secret; ValueError if it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret looks like whsec_<base64> (at least 16 bytes)")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("the part after whsec_ is not base64") from None
    if len(key) < 16:
        raise ValueError("a webhook secret needs at least 16 bytes of key")
    return key


def sign(secret, message_id, timestamp, body):
    """The ``webhook-signature`` header's value for this message."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def check_url(url):
    """(scheme, host, port, path) of an http(s) URL; Refused if it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("the URL must be http:// or https:// with a host")
    if parts.username or parts.password:
        raise Refused("the URL must not carry credentials")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("the URL's port is not a number") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def public_address(host, port, allow_private):
    """An address ``host`` resolves to now, every one of which is public (or allow_private); Refused otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"cannot resolve {host}: {exc.strerror}") from None
    addresses = [info[4][0] for info in infos]
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            ip = getattr(ip, "ipv4_mapped", None) or ip
            if not ip.is_global or ip.is_multicast:
                raise Refused(
                    f"{host} resolves to {ip}, a private, loopback or link-local address "
                    "(OSTICKET_WEBHOOK_ALLOW_PRIVATE=1 allows it)"
                )
    return addresses[0]


def _cut(conn, cut):
    cut.set()
    if conn.sock is not None:
        try:
            conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def post(url, secret, message_id, body, allow_private=False, timeout=TIMEOUT):
    """POST ``body`` (bytes) signed; the Outcome. Never raises for the receiver's faults."""
    timestamp = str(int(time.time()))
    try:
        scheme, host, port, path = check_url(url)
        address = public_address(host, port, allow_private)
    except Refused as exc:
        return Outcome(None, f"refused: {exc}")
    kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = kind(host, port, timeout=timeout)
    # Connect to the address just checked; TLS still verifies the certificate for ``host``.
    conn._create_connection = lambda _addr, *args: socket.create_connection((address, port), *args)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
    # ``timeout`` bounds each connect and read; the deadline bounds the whole delivery, however slowly the
    # receiver drips its answer: it shuts the socket, which ends a read blocked on it.
    cut = threading.Event()
    deadline = threading.Timer(timeout, _cut, args=(conn, cut))
    deadline.start()
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read(MAX_ANSWER).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        if not cut.is_set():
            return Outcome(None, f"{exc.__class__.__name__}: {exc}"[:MAX_ANSWER])
    finally:
        deadline.cancel()
        conn.close()
    if cut.is_set():
        return Outcome(None, f"no whole answer within {timeout:g} s")
    if 200 <= response.status < 300:
        return Outcome(response.status, None)
    return Outcome(response.status, f"HTTP {response.status}: {answer}"[:MAX_ANSWER])
