"""The outbox: mails are queued in the caller's transaction, with the request id of the write."""

import dataclasses
import email
import json
import logging
from email.policy import default

from sqlalchemy import text

from osticket_bridge.mail import mime
from osticket_bridge.mail.message import Mail
from osticket_bridge.mail.outbox import enqueue

MAIL = Mail(
    kind="ticket.alert",
    sender=("Support", "support@example.com"),
    to=(("Ädmin Ünïcode", "admin@example.com"),),
    cc=(("Carol", "carol@example.com"),),
    subject="New Ticket Alert [#123456]",
    text="Hello Admin,\nA new ticket.",
    html="<p>Hello Admin,<br/>A new ticket.</p>",
    headers=(("Auto-Submitted", "auto-generated"), ("Message-ID", "<abc-123@example.com>")),
    ticket_id=7,
)


def outbox_rows(app):
    with app.extensions["osticket"].engine.connect() as conn:
        return conn.execute(text("SELECT * FROM ost_bridge_outbox ORDER BY id")).mappings().all()


def test_enqueue_stores_the_mails_parts_with_the_request_id_and_no_mime(fresh_app, fresh_fixtures_db):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL="smtp://127.0.0.1:9")
    db = app.extensions["osticket"]
    with app.test_request_context(headers={"X-Request-ID": "req-42"}):
        app.preprocess_request()
        with db.engine.begin() as conn:
            assert enqueue(db, conn, [MAIL]) == 1
    [row] = outbox_rows(app)
    assert (row["kind"], row["ticket_id"], row["request_id"], row["status"]) == ("ticket.alert", 7, "req-42", "queued")
    assert row["recipients"] == "admin@example.com, carol@example.com"
    assert row["message_id"] == "<abc-123@example.com>"
    # The request stored the parts; the MIME message (headers, base64 bodies) is the sender thread's to build.
    parts = json.loads(row["message"])
    assert (parts["subject"], parts["text"], parts["html"]) == (MAIL.subject, MAIL.text, MAIL.html)
    assert b"MIME-Version" not in row["message"] and b"base64" not in row["message"]
    message = email.message_from_bytes(mime.wire(row["message"]), policy=default)
    assert message["Subject"] == MAIL.subject and message["Date"] == parts["date"]
    assert message["To"].addresses[0].display_name == "Ädmin Ünïcode"
    assert message["Auto-Submitted"] == "auto-generated" and message["Message-ID"] == row["message_id"]
    assert message.get_body(("plain",)).get_content().rstrip() == MAIL.text
    assert message.get_body(("html",)).get_content().rstrip() == MAIL.html


def test_a_mail_without_a_message_id_gets_one_when_queued(fresh_app, fresh_fixtures_db):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL="smtp://127.0.0.1:9")
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:
        enqueue(db, conn, [dataclasses.replace(MAIL, headers=()), dataclasses.replace(MAIL, headers=())])
    rows = outbox_rows(app)
    ids = [row["message_id"] for row in rows]
    assert len(set(ids)) == 2 and all(i.startswith("<") and i.endswith("@example.com>") for i in ids)
    # built twice (two attempts), a mail keeps the Message-ID and Date it was queued with
    for row in rows:
        first, again = (email.message_from_bytes(mime.wire(row["message"]), policy=default) for _ in range(2))
        assert first["Message-ID"] == again["Message-ID"] == row["message_id"]
        assert first["Date"] == again["Date"]


def test_the_mails_of_a_write_are_queued_in_one_statement(fresh_app, fresh_fixtures_db):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL="smtp://127.0.0.1:9")
    db = app.extensions["osticket"]
    questions = "SHOW SESSION STATUS LIKE 'Questions'"  # the server's count of this session's statements
    with db.engine.begin() as conn:
        before = int(conn.execute(text(questions)).one()[1])
        assert enqueue(db, conn, [MAIL, MAIL, MAIL]) == 3
        sent = int(conn.execute(text(questions)).one()[1]) - before - 1  # the second SHOW counts itself
    assert sent == 1
    rows = outbox_rows(app)
    assert len(rows) == 3 and len({(r["created"], r["next_attempt"]) for r in rows}) == 1


def test_a_rolled_back_write_queues_nothing(fresh_app, fresh_fixtures_db):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL="smtp://127.0.0.1:9")
    db = app.extensions["osticket"]
    with db.engine.connect() as conn:
        with conn.begin() as transaction:
            enqueue(db, conn, [MAIL])
            transaction.rollback()
    assert outbox_rows(app) == []


def test_mail_off_stores_nothing(fresh_app, fresh_fixtures_db, caplog):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL="")
    db = app.extensions["osticket"]
    logger = logging.getLogger("osticket_bridge")  # does not propagate to caplog's root handler
    logger.addHandler(caplog.handler)
    try:
        with db.engine.begin() as conn:
            assert enqueue(db, conn, [MAIL, MAIL]) == 0
            assert enqueue(db, conn, [MAIL]) == 0
    finally:
        logger.removeHandler(caplog.handler)
    assert outbox_rows(app) == []
    assert len([r for r in caplog.records if "mail is off" in r.getMessage() and "not queued" in r.getMessage()]) == 1
