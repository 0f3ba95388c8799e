"""How a queued message leaves: SMTP (plain, implicit TLS or STARTTLS, optional login) or a sendmail binary.

OSTICKET_MAIL_URL forms: smtp://host:port, smtps://user:pass@host:port, smtp+starttls://user:pass@host:port,
sendmail:///usr/sbin/sendmail. A transport raises Permanent when the server refuses the mail for good (5xx), one of
TEMPORARY_ERRORS when the attempt may succeed later.
"""

import base64
import contextlib
import functools
import smtplib
import ssl
import subprocess
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# Bounds every SMTP conversation: the sender holds the outbox row's lock while it talks.
TIMEOUT = 30


class Permanent(Exception):
    """The mail server refused this mail for good; retrying would not help."""


class Temporary(Exception):
    """This attempt failed; a later one may not."""


# What a transport raises when an attempt fails for now (smtplib's errors and ssl's are OSErrors).
TEMPORARY_ERRORS = (OSError, subprocess.SubprocessError, Temporary)


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str = "none"  # "none", "tls" (implicit, smtps) or "starttls"
    username: str = ""
    password: str = ""
    verify: bool = True  # check the server's certificate (osTicket's own accounts do not: novalidatecert)

    def describe(self):
        login = f"{self.username}@" if self.username else ""
        return f"SMTP {login}{self.host}:{self.port} ({self.security})"

    @functools.cached_property
    def _tls(self):
        """Built once: loading the system's CA certificates costs about 25 ms of CPU, per mail if done per send."""
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def send(self, sender, recipients, message):
        kept = getattr(_kept, "clients", None)
        client = kept.pop(self, None) if kept is not None else None
        if client is not None and not _alive(client):
            client = None
        return self._send_on(client or self._connect(), kept, sender, recipients, message)

    def _connect(self):
        if self.security == "tls":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=self._tls)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        try:
            if self.security == "starttls":
                client.starttls(context=self._tls)
            if self.username:
                _login(client, self.username, self.password)
        except BaseException:
            client.close()
            raise
        return client

    def _send_on(self, client, kept, sender, recipients, message):
        """Send on ``client``; then keep it for the next mail (inside ``connections_kept``) or say QUIT."""
        try:
            refused = client.sendmail(sender, recipients, message)
        except smtplib.SMTPRecipientsRefused as exc:
            self._done(client, kept)  # smtplib reset the transaction: the connection serves the next mail
            _raise_if_permanent(exc.recipients.values())
            raise
        except smtplib.SMTPResponseException as exc:
            self._done(client, kept)
            _raise_if_permanent([(exc.smtp_code, exc.smtp_error)])
            raise
        except BaseException:
            client.close()
            raise
        self._done(client, kept)
        # Some recipients refused, the others accepted: the mail went out; say who did not get it.
        return refused

    def _done(self, client, kept):
        if kept is not None:
            kept[self] = client
        else:
            _quit(client)


_kept = threading.local()


@contextlib.contextmanager
def connections_kept():
    """SMTP connections opened in the block serve its later mails to the same server, and say QUIT at its end.

    The sender drains the outbox in one: a connection, greeting, EHLO (and TLS handshake, login) per drain rather
    than per mail. A kept connection is checked with NOOP before its next mail; a dead one is replaced.
    """
    _kept.clients = {}
    try:
        yield
    finally:
        clients, _kept.clients = _kept.clients, None
        for client in clients.values():
            _quit(client)


def _alive(client):
    try:
        if client.noop()[0] == 250:
            return True
    except (smtplib.SMTPException, OSError):
        pass
    client.close()
    return False


def _quit(client):
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _login(client, username, password):
    """AUTH PLAIN in UTF-8 (RFC 4616), which smtplib's login() cannot send; else smtplib's own (ASCII) methods."""
    client.ehlo_or_helo_if_needed()
    if "PLAIN" not in client.esmtp_features.get("auth", "").upper().split():
        client.login(username, password)
        return
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode()
    code, reply = client.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _raise_if_permanent(responses):
    responses = list(responses)
    if responses and all(500 <= code < 600 for code, _ in responses):
        raise Permanent("; ".join(f"{code} {decoded(error)}" for code, error in responses))


def decoded(error):
    return error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)


@dataclass(frozen=True)
class Sendmail:
    path: str

    def describe(self):
        return f"sendmail {self.path}"

    def send(self, sender, recipients, message):
        # -i: a line with a single dot does not end the message; -f: the envelope sender.
        result = subprocess.run(
            [self.path, "-i", "-f", sender, "--", *recipients],
            input=message.replace(b"\r\n", b"\n"),
            capture_output=True,
            timeout=TIMEOUT,
        )
        if result.returncode != 0:
            raise Temporary(f"{self.path} exited {result.returncode}: {decoded(result.stderr).strip()}")
        return {}


_SMTP_SCHEMES = {"smtp": ("none", 25), "smtps": ("tls", 465), "smtp+starttls": ("starttls", 587)}


def from_url(url):
    """The transport an OSTICKET_MAIL_URL names; ValueError saying what is wrong otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "sendmail":
        if not parts.path:
            raise ValueError("sendmail URL needs the binary's path: sendmail:///usr/sbin/sendmail")
        return Sendmail(parts.path)
    if parts.scheme not in _SMTP_SCHEMES:
        raise ValueError(f"unknown mail URL scheme {parts.scheme!r}: use smtp, smtps, smtp+starttls or sendmail")
    if not parts.hostname:
        raise ValueError(f"mail URL {parts.scheme}://... needs a host")
    security, default_port = _SMTP_SCHEMES[parts.scheme]
    return Smtp(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
