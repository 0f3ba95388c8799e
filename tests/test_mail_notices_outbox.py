"""Notices through the real outbox: queued in the write's transaction, sent as osTicket sent them, and never for a
write that was refused or rolled back."""

import pytest
from mail_helpers import golden_mails, parsed, same_mail
from sqlalchemy import text
from update_helpers import DESK_118, HISTORY_A, TICKET_A, history_before, replay, reply

from osticket_bridge.osticket.notices import recipients as notices

MAIL_ON = {"OSTICKET_MAIL_URL": "smtp://127.0.0.1:9"}  # nothing listens: the mails stay queued


def outbox(app):
    with app.extensions["osticket"].engine.connect() as conn:
        return conn.execute(text("SELECT * FROM ost_bridge_outbox ORDER BY id")).mappings().all()


def entries(app):
    with app.extensions["osticket"].engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM ost_thread_entry")).scalar()


def test_the_agent_reply_is_stored_as_its_parts_and_sent_as_the_mail_osticket_sent(fresh_app, fresh_baseline_db):
    pytest.importorskip("aiosmtpd", reason="aiosmtpd (requirements.txt) runs the tests' SMTP server")
    from osticket_bridge.mail.sink import Sink

    desk = DESK_118
    replay(fresh_baseline_db, *history_before(desk.history_a, "staff_reply_with_status"), desk=desk)
    with Sink() as sink:
        app = fresh_app(fresh_baseline_db, OSTICKET_MAIL_URL=sink.url)
        assert reply(app.test_client(), desk.ticket_a, desk.agent, key=desk.key, reply_status_id=2).status_code == 200
        [caught] = sink.wait_for(1)
    [row] = outbox(app)
    assert (row["kind"], row["recipients"]) == ("ticket.reply", desk.owner["email"])
    assert row["sender"] == "support@example.com"
    assert not row["message"].startswith(b"From:")  # the request stored the parts, the sender built the MIME
    sent = parsed(caught.message)
    assert same_mail(sent, golden_mails("staff_reply_with_status", desk.golden_dir)[0]) == []
    assert sent["headers"]["Message-ID"] == row["message_id"]


def test_a_write_that_rolls_back_after_queueing_leaves_no_mail(fresh_app, fresh_baseline_db, monkeypatch):
    replay(fresh_baseline_db, *history_before(HISTORY_A, "staff_reply_with_status"))
    app = fresh_app(fresh_baseline_db, **MAIL_ON)
    before = entries(app)
    real = notices.queue

    def queue_then_fail(db, conn, mails):
        real(db, conn, mails)
        assert conn.execute(text("SELECT COUNT(*) FROM ost_bridge_outbox")).scalar() == 1  # queued...
        raise RuntimeError("the write fails after its mail was queued")

    monkeypatch.setattr(notices, "queue", queue_then_fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert reply(app.test_client(), TICKET_A).status_code == 500
    assert outbox(app) == [] and entries(app) == before  # ...and rolled back with the write


@pytest.mark.parametrize(("number", "staff"), [(TICKET_A, "nobody"), ("000000", "alice")])
def test_a_refused_reply_queues_nothing(fresh_app, fresh_baseline_db, number, staff):
    replay(fresh_baseline_db, *history_before(HISTORY_A, "staff_reply_with_status"))
    app = fresh_app(fresh_baseline_db, **MAIL_ON)
    assert reply(app.test_client(), number, staff=staff).status_code in (403, 404)
    assert outbox(app) == []
