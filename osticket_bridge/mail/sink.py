"""A local SMTP server that keeps every mail it gets: `make run`'s demo and the tests deliver to it.

Needs aiosmtpd (requirements.txt; not a runtime dependency of the bridge itself).
"""

import asyncio
import email
import pathlib
import socket
import threading
import time
from dataclasses import dataclass
from email.policy import default
from urllib.parse import quote

HOLD_LIMIT = 60  # seconds a held DATA waits at most: a test that forgets release() fails instead of hanging


@dataclass(frozen=True)
class Caught:
    sender: str
    recipients: tuple[str, ...]
    data: bytes
    login: str | None  # the AUTH user, when the sink requires a login
    connection: int = 0  # which of the sink's SMTP connections brought it (1, 2, ...)

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=default)


def _reserve(host, port=0):
    """A bound socket that does not listen: the port stays ours (connections to it are refused)."""
    reserved = socket.socket()
    reserved.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    reserved.bind((host, port))
    return reserved


class Sink:
    """``with Sink() as sink: ... sink.url``; ``stop()``/``start()`` take it down and bring it back on its port.

    folder: also write each mail there as NNNN.eml. on_mail: called with each Caught (the demo prints a line).
    login: (user, password) the server then requires. hold(): answer DATA only after release() (a slow server).
    refuse: recipient addresses answered 550 (a permanent refusal).
    tls_context: a server ssl.SSLContext; the sink then requires STARTTLS, or speaks TLS at once (implicit_tls).
    """

    def __init__(self, folder=None, on_mail=None, login=None, tls_context=None, implicit_tls=False, host="127.0.0.1"):
        # Until start() and after stop(), the port is held but refuses connections (a mail server that is down);
        # no other program on this shared machine can take it meanwhile.
        self.host = host
        self._reserved = _reserve(host)
        self.port = self._reserved.getsockname()[1]
        self.folder = pathlib.Path(folder) if folder else None
        self.on_mail = on_mail
        self.login = login
        self.tls_context = tls_context
        self.implicit_tls = implicit_tls
        self.caught = []
        self._connections = 0
        self.refuse = set()  # recipient addresses answered with 550
        self.holding = threading.Event()  # set while a held DATA waits for release()
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()
        self._controller = None

    @property
    def url(self):
        scheme = "smtp" if not self.tls_context else "smtps" if self.implicit_tls else "smtp+starttls"
        login = ":".join(quote(part, safe="") for part in self.login) + "@" if self.login else ""
        return f"{scheme}://{login}{self.host}:{self.port}"

    def start(self):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        def authenticate(_server, session, _envelope, _mechanism, auth_data):
            given = (auth_data.login.decode(), auth_data.password.decode())
            return AuthResult(success=given == self.login, auth_data=given[0])

        options = {}
        if self.login:
            # aiosmtpd's "TLS first" rule only knows STARTTLS: with implicit TLS (or none) the login is allowed as is.
            require_tls = bool(self.tls_context) and not self.implicit_tls
            options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": require_tls}
        if self.tls_context and self.implicit_tls:
            options["ssl_context"] = self.tls_context
        elif self.tls_context:
            options.update(tls_context=self.tls_context, require_starttls=True)
        self._reserved.close()
        self._controller = Controller(self, hostname=self.host, port=self.port, **options)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._open.set()  # let a held conversation finish so the server can stop
            self._controller.stop()
            self._controller = None
            self._reserved = _reserve(self.host, self.port)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()
        self._reserved.close()

    def hold(self):
        self._open.clear()

    def release(self):
        self._open.set()

    async def handle_RCPT(self, _server, _session, envelope, address, _options):  # noqa: N802 (aiosmtpd's hook)
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        held_until = time.monotonic() + HOLD_LIMIT
        while not self._open.is_set() and time.monotonic() < held_until:
            self.holding.set()
            await asyncio.sleep(0.02)
        self.holding.clear()
        login = session.auth_data if self.login else None
        with self._lock:
            if not hasattr(session, "bridge_connection"):
                self._connections += 1
                session.bridge_connection = self._connections
            caught = Caught(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content), login,
                            session.bridge_connection)  # fmt: skip
            self.caught.append(caught)
            number = len(self.caught)
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{number:04d}.eml").write_bytes(caught.data)
        if self.on_mail:
            self.on_mail(caught)
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=30):
        """The mails caught once there are at least ``count`` (AssertionError after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.caught) >= count:
                    return list(self.caught)
            time.sleep(0.05)
        raise AssertionError(f"the SMTP sink got {len(self.caught)} mails, expected {count}, in {timeout}s")
