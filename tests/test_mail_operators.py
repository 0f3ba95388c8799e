"""`osticket-bridge mail list|retry|purge` and what `check` says about mail."""

import dataclasses
import shutil
import smtplib

import pytest
from click.testing import CliRunner
from delivery_helpers import MAIL, queue, rows, wait_until
from sqlalchemy import text

from osticket_bridge import mail
from osticket_bridge.cli import demo_mail_sink, main
from osticket_bridge.mail.sink import Sink


def run(*args, **env):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def outbox_of_three(fresh_app, fresh_fixtures_db):
    """An app whose outbox holds #1 sent, #2 failed, #3 queued (its sender loop stopped)."""
    down = Sink()
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=down.url)
    mail.stop(app)
    for n in (1, 2, 3):
        queue(app, [dataclasses.replace(MAIL, subject=f"mail {n}", ticket_id=n)], request_id=f"req-{n}")
    with app.extensions["osticket"].engine.begin() as conn:
        conn.execute(text("UPDATE ost_bridge_outbox SET status='sent', attempts=1, sent=NOW(6) WHERE id=1"))
        conn.execute(text("UPDATE ost_bridge_outbox SET status='failed', attempts=1, last_error='550 no' WHERE id=2"))
    return app, fresh_fixtures_db, down


def test_list_filters_by_status_ticket_and_request(outbox_of_three):
    _, url, _ = outbox_of_three
    everything = run("mail", "list", "--url", url)
    assert everything.exit_code == 0, everything.output
    assert [line.split()[0] for line in everything.output.splitlines() if line.startswith("#")] == ["#3", "#2", "#1"]
    assert "last error: 550 no" in everything.output and everything.output.endswith("3 mail(s)\n")
    failed = run("mail", "list", "--url", url, "--status", "failed").output
    assert failed.startswith("#2 failed attempts=1") and "to carol@example.com: mail 2" in failed
    assert run("mail", "list", "--url", url, "--ticket", "3").output.startswith("#3 queued")
    assert run("mail", "list", "--url", url, "--request", "req-1").output.startswith("#1 sent")
    assert run("mail", "list", "--url", url, "--limit", "1").output.endswith("1 mail(s)\n")


def test_retry_queues_failed_mail_again_and_the_sender_delivers_it(outbox_of_three):
    app, url, down = outbox_of_three
    assert run("mail", "retry", "--url", url).exit_code == 2  # says what to name
    assert run("mail", "retry", "--url", url, "1").output == "queued again: 0 mail(s)\n"  # sent stays sent
    assert run("mail", "retry", "--url", url, "--failed").output == "queued again: 1 mail(s)\n"
    assert [r["status"] for r in rows(app)] == ["sent", "queued", "queued"]
    with down:
        app.extensions["osticket_mail"].ensure_running()
        caught = down.wait_for(2)
        wait_until(lambda: [r["status"] for r in rows(app)] == ["sent"] * 3, "both are sent")
    assert sorted(c.message["Subject"] for c in caught) == ["mail 2", "mail 3"]


def test_purge_removes_sent_or_failed_or_named_mails(outbox_of_three):
    app, url, _ = outbox_of_three
    assert run("mail", "purge", "--url", url).exit_code == 2
    assert run("mail", "purge", "--url", url, "--sent", "--older-than", "1").output == "purged: 0 mail(s)\n"
    assert run("mail", "purge", "--url", url, "--sent").output == "purged: 1 mail(s)\n"
    assert [r["id"] for r in rows(app)] == [2, 3]
    assert run("mail", "purge", "--url", url, "3").output == "purged: 1 mail(s)\n"
    assert [r["id"] for r in rows(app)] == [2]


def test_commands_say_when_the_outbox_table_is_missing(fresh_fixtures_db):
    from sqlalchemy import create_engine

    engine = create_engine(fresh_fixtures_db)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE ost_bridge_outbox"))
    engine.dispose()
    listed = run("mail", "list", "--url", fresh_fixtures_db)
    assert listed.exit_code == 1 and "ost_bridge_outbox is missing" in listed.output
    checked = run("check", "--url", fresh_fixtures_db, OSTICKET_MAIL_URL="smtp://127.0.0.1:25")
    assert "mail: off (the outbox table ost_bridge_outbox is missing" in checked.output


def test_check_says_how_mail_leaves_or_why_it_is_off(fixtures_db):
    on = run("check", "--url", fixtures_db, OSTICKET_MAIL_URL="smtp+starttls://bot:pw@mail.example.com:587")
    assert "mail: delivering through SMTP bot@mail.example.com:587 (starttls)" in on.output
    assert "pw" not in on.output
    off = run("check", "--url", fixtures_db, OSTICKET_MAIL_URL="")
    assert "mail: off (OSTICKET_MAIL_URL is not set and this osTicket has no email account tables)" in off.output


def test_check_names_a_malformed_mail_url(fixtures_db):
    checked = run("check", "--url", fixtures_db, OSTICKET_MAIL_URL="pop3://mail.example.com")
    assert "mail: off (OSTICKET_MAIL_URL: unknown mail URL scheme 'pop3'" in checked.output


def test_the_demo_sink_prints_and_keeps_each_mail(capsys):
    env = {}
    with demo_mail_sink(env) as sink:
        assert env["OSTICKET_MAIL_URL"] == sink.url
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            client.sendmail("support@example.com", ["carol@example.com"], b"Subject: Hello [#1]\r\n\r\nHi\r\n")
        sink.wait_for(1)
    printed = capsys.readouterr().out
    assert f"mail: the demo's SMTP sink on {sink.url} keeps every mail in {sink.folder}/" in printed
    assert "mail caught: support@example.com -> carol@example.com: Hello [#1]" in printed
    assert (sink.folder / "0001.eml").read_bytes().startswith(b"Subject: Hello [#1]")
    shutil.rmtree(sink.folder)
