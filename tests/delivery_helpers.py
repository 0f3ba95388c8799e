"""Queue mails and watch the outbox in the mail tests."""

import dataclasses
import time

from sqlalchemy import text

from osticket_bridge.mail.message import Mail
from osticket_bridge.mail.outbox import enqueue

MAIL = Mail(
    kind="response",
    sender=("Support", "support@example.com"),
    to=(("Carol Customer", "carol@example.com"),),
    subject="Re: my invoice [#123456]",
    text="Hello Carol,\nThe answer.",
    html="<p>Hello Carol,<br/>The answer.</p>",
    ticket_id=1,
)


def numbered(count, **changes):
    return [
        dataclasses.replace(MAIL, subject=f"mail {n}", headers=(("Message-ID", f"<m{n}@example.com>"),), **changes)
        for n in range(count)
    ]


def queue(app, mails, request_id="req-test"):
    db = app.extensions["osticket"]
    with app.test_request_context(headers={"X-Request-ID": request_id}):
        app.preprocess_request()
        with db.engine.begin() as conn:
            enqueue(db, conn, mails)
        app.do_teardown_request()  # wakes the sender, as the end of a real request does


def rows(app):
    with app.extensions["osticket"].engine.connect() as conn:
        return conn.execute(text("SELECT * FROM ost_bridge_outbox ORDER BY id")).mappings().all()


def wait_until(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")
