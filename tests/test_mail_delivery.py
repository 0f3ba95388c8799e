"""Delivery through a real SMTP server (aiosmtpd): sent once, retried until the server is back, never in the way
of an HTTP answer."""

import dataclasses
import os
import pathlib
import subprocess
import sys
import time
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from delivery_helpers import MAIL, numbered, queue, rows, wait_until
from flask import jsonify
from sqlalchemy import text

from osticket_bridge import mail
from osticket_bridge.mail.outbox import enqueue
from osticket_bridge.mail.sink import Sink

pytest.importorskip("aiosmtpd", reason="aiosmtpd (requirements.txt) runs the tests' SMTP server")


@pytest.fixture
def sink():
    with Sink() as server:
        yield server


def test_a_queued_mail_is_delivered_and_each_attempt_logged_with_the_request_id(
    fresh_app, fresh_fixtures_db, sink, bridge_logs
):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
    logs = bridge_logs()
    queue(app, [MAIL], request_id="req-deliver-1")
    [caught] = sink.wait_for(1)
    assert (caught.sender, caught.recipients) == ("support@example.com", ("carol@example.com",))
    message = caught.message
    assert message["Subject"] == MAIL.subject
    assert message["From"].addresses[0].display_name == "Support"
    assert message.get_body(("plain",)).get_content().rstrip() == MAIL.text
    assert message.get_body(("html",)).get_content().rstrip() == MAIL.html
    wait_until(lambda: rows(app)[0]["status"] == "sent", "the row is marked sent")
    [row] = rows(app)
    assert (row["attempts"], row["message_id"]) == (1, message["Message-ID"])
    sent_logs = [r for r in logs.records if "attempt 1 sent" in r.getMessage()]
    assert [r.request_id for r in sent_logs] == ["req-deliver-1"]


def test_smtp_down_then_back_delivers_and_keeps_the_message_id(fresh_app, fresh_fixtures_db, bridge_logs):
    down = Sink()  # its port is reserved but nothing listens yet
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=down.url)
    logs = bridge_logs()
    queue(app, [MAIL], request_id="req-down")
    wait_until(lambda: rows(app)[0]["attempts"] >= 1, "a first attempt failed")
    [row] = rows(app)
    assert row["status"] == "queued" and "Connection refused" in row["last_error"]
    failed = [r for r in logs.records if "attempt 1 failed" in r.getMessage()]
    assert failed and failed[0].request_id == "req-down"
    with down:  # the server comes back
        [caught] = down.wait_for(1, timeout=60)
        wait_until(lambda: rows(app)[0]["status"] == "sent", "the row is marked sent")
    assert caught.message["Message-ID"] == rows(app)[0]["message_id"]
    assert rows(app)[0]["attempts"] >= 2


def test_writes_do_not_cut_the_backoff_from_a_down_server_short(fresh_app, fresh_fixtures_db):
    """Each write wakes the sender; while it backs off from a down server, those wakes must not try it again."""
    down = Sink()  # reserved port, nothing listening
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=down.url)
    queue(app, numbered(1))
    wait_until(lambda: rows(app)[0]["attempts"] >= 1, "a first attempt failed")
    for _ in range(5):
        queue(app, numbered(1))
        time.sleep(0.1)
    time.sleep(0.5)
    assert sum(row["attempts"] for row in rows(app)) == 1


def test_a_refused_mail_is_failed_not_retried(fresh_app, fresh_fixtures_db, sink):
    sink.refuse.add("carol@example.com")
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
    queue(app, [MAIL])
    wait_until(lambda: rows(app)[0]["status"] == "failed", "the row is marked failed")
    [row] = rows(app)
    assert row["attempts"] == 1 and "550 5.1.1 No such user" in row["last_error"]
    assert sink.caught == []


def test_a_blocked_smtp_server_does_not_hold_up_a_write_that_queues_mail(fresh_app, fresh_fixtures_db, sink):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
    db = app.extensions["osticket"]

    # A write route as the API's are: its own transaction, mails queued in it.
    @app.post("/test/write-and-mail")
    def write_and_mail():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE ost_ticket SET updated = NOW() WHERE ticket_id = 1"))
            enqueue(db, conn, [dataclasses.replace(MAIL, subject="during the outage")])
        return jsonify(ok=True)

    sink.hold()
    queue(app, [MAIL])
    assert sink.holding.wait(30), "the sender reached DATA"  # it now holds its claimed row's lock, waiting
    response = app.test_client().post("/test/write-and-mail")
    assert response.status_code == 200
    assert sink.caught == []  # the answer came while the server still held the first mail
    assert [r["status"] for r in rows(app)] == ["queued", "queued"]
    sink.release()
    assert {c.message["Subject"] for c in sink.wait_for(2)} == {MAIL.subject, "during the outage"}


def test_two_workers_send_each_mail_exactly_once(fresh_app, fresh_fixtures_db, sink):
    first = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
    mail.stop(first)  # queue everything before either sender looks
    queue(first, numbered(40))
    second = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)  # its own engine: another worker or host
    first.extensions["osticket_mail"].ensure_running()
    wait_until(lambda: all(r["status"] == "sent" for r in rows(first)), "every mail is sent")
    sink.wait_for(40)
    mail.stop(first)  # joins both loops: no conversation is still going on when the mails are counted
    mail.stop(second)
    caught = sink.caught
    ids = [c.message["Message-ID"] for c in caught]
    assert len(caught) == 40 and sorted(ids) == sorted(f"<m{n}@example.com>" for n in range(40))
    assert {r["attempts"] for r in rows(second)} == {1}


def test_plain_gunicorn_workers_deliver_each_mail_once(fresh_app, fresh_fixtures_db, sink, tmp_path):
    """`gunicorn wsgi:app` with two worker processes: each drains the outbox, no extra process, no duplicate."""
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
    mail.stop(app)  # this test process only queues
    queue(app, numbered(30))
    root = pathlib.Path(__file__).resolve().parent.parent
    bind = f"unix:{tmp_path / 'bridge.sock'}"  # no request is made: no TCP port needed
    env = {**os.environ, "OSTICKET_DB_URL": fresh_fixtures_db, "OSTICKET_MAIL_URL": sink.url}
    gunicorn = pathlib.Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "--bind", bind, "--workers", "2", "--worker-class", "sync", "wsgi:app"]
    log_file = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: all(r["status"] == "sent" for r in rows(app)), "the workers sent every mail")
    finally:
        server.terminate()
        server.wait(30)
        log_file.close()
    ids = sorted(c.message["Message-ID"] for c in sink.caught)
    assert ids == sorted(f"<m{n}@example.com>" for n in range(30))


def _queued_as(app, message):
    """One mail queued, its row's message then replaced by ``message``, then the sender started."""
    mail.stop(app)
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:  # outside a request: nothing starts the sender again meanwhile
        enqueue(db, conn, [MAIL])
        conn.execute(text("UPDATE ost_bridge_outbox SET message = :message"), {"message": message})
    app.extensions["osticket_mail"].ensure_running()


def test_a_mail_an_earlier_version_queued_whole_is_sent_as_it_was_queued(fresh_app, fresh_fixtures_db, sink):
    """Before the sender built the messages, a row held the MIME message itself: after an upgrade it still goes."""
    earlier = EmailMessage()
    earlier["From"], earlier["To"], earlier["Subject"] = "Support <support@example.com>", "carol@example.com", "old"
    earlier.set_content("queued before the upgrade", charset="utf-8", cte="base64")
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
    _queued_as(app, earlier.as_bytes(policy=SMTP))
    [caught] = sink.wait_for(1)
    assert caught.data == earlier.as_bytes(policy=SMTP)
    wait_until(lambda: rows(app)[0]["status"] == "sent", "the row is marked sent")


def test_a_mail_that_cannot_be_built_is_failed_not_retried(fresh_app, fresh_fixtures_db, sink):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
    _queued_as(app, b'{"from": ["Support", ')  # cut short
    wait_until(lambda: rows(app)[0]["status"] == "failed", "the row is marked failed")
    [row] = rows(app)
    assert row["attempts"] == 1 and row["last_error"].startswith("cannot build the message: JSONDecodeError")
    assert sink.caught == []
