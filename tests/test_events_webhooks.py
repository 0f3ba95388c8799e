"""Webhooks: a real receiver checks every signature; retries until 2xx; one delivery per subscription with two
bridge instances; private addresses refused; redirects not followed; endpoints disabled after failing; the CLI."""

import time

import pytest
from click.testing import CliRunner
from events_helpers import FAST, GOLDEN_EVENTS, GOLDEN_ORDER, SECRET, add_webhook, loops, replay, rows, wait_for

from osticket_bridge.cli import main
from osticket_bridge.events import webhooks
from osticket_bridge.events.sender import Policy


def _started(db_url):
    return len(rows(db_url, "SELECT source FROM ost_bridge_event_position")) == 2


def _deliveries(db_url):
    return rows(db_url, "SELECT * FROM ost_bridge_webhook_delivery ORDER BY id")


def test_every_change_reaches_the_receiver_signed_once(fresh_baseline_db, fresh_app, receiver):
    target = receiver()
    add_webhook(fresh_baseline_db, target.url)
    fresh_app(fresh_baseline_db, **FAST)
    wait_for(lambda: _started(fresh_baseline_db), what="the feed's start")
    replay(fresh_baseline_db, *GOLDEN_ORDER)
    got = wait_for(lambda: len(target.delivered()) >= GOLDEN_EVENTS and target.delivered(), what="every delivery")
    events = rows(fresh_baseline_db, "SELECT id, type FROM ost_bridge_event ORDER BY id")
    assert sorted(d["id"] for d in got) == sorted(f"evt_{e['id']}" for e in events)
    for _path, headers, body, valid in target.requests:
        assert valid and headers["webhook-id"] in body.decode() and headers["content-type"] == "application/json"
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert {d["status"] for d in _deliveries(fresh_baseline_db)} == {"delivered"}


def test_a_failing_receiver_gets_the_same_event_until_it_answers_2xx(fresh_baseline_db, fresh_app, receiver):
    target = receiver(fail=2)
    add_webhook(fresh_baseline_db, target.url, types="ticket.created")
    fresh_app(fresh_baseline_db, **FAST)
    wait_for(lambda: _started(fresh_baseline_db), what="the feed's start")
    replay(fresh_baseline_db, "create_ticket_api")
    wait_for(lambda: target.delivered(), seconds=30, what="the delivery after two 500s")
    assert len(target.requests) == 3
    assert len({headers["webhook-id"] for _, headers, _, _ in target.requests}) == 1  # the same event each time
    (delivery,) = _deliveries(fresh_baseline_db)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3 and delivery["last_error"] is None
    assert rows(fresh_baseline_db, "SELECT failing_since FROM ost_bridge_webhook")[0]["failing_since"] is None


def test_backoff_starts_within_30_seconds_and_stays_under_three_days():
    policy = Policy()
    delays = [policy.backoff(n) for n in range(1, 30)]
    assert delays[0] <= 30 and delays == sorted(delays) and max(delays) <= 6 * 3600
    assert sum(delays[:12]) >= 24 * 3600  # retries keep going for days, not minutes


def test_two_bridge_instances_deliver_each_event_once(fresh_baseline_db, fresh_app, receiver):
    target = receiver()
    add_webhook(fresh_baseline_db, target.url)
    apps = [fresh_app(fresh_baseline_db, **FAST) for _ in range(2)]
    wait_for(lambda: _started(fresh_baseline_db), what="the feed's start")
    replay(fresh_baseline_db, *GOLDEN_ORDER)
    wait_for(lambda: len(target.delivered()) >= GOLDEN_EVENTS, what="every delivery")
    time.sleep(0.5)  # both instances keep polling: a second copy would arrive now
    ids = [d["id"] for d in target.delivered()]
    stored = rows(fresh_baseline_db, "SELECT id FROM ost_bridge_event")
    assert len(ids) == len(set(ids)) == len(stored) == GOLDEN_EVENTS
    assert all(app.extensions["osticket_events"]._threads for app in apps)


def test_a_private_address_is_refused_at_delivery_time(fresh_baseline_db, fresh_app, receiver):
    target = receiver()
    add_webhook(fresh_baseline_db, target.url, types="ticket.created")
    machinery = loops(fresh_app(fresh_baseline_db))  # OSTICKET_WEBHOOK_ALLOW_PRIVATE unset
    machinery.feed.ingest()
    replay(fresh_baseline_db, "create_ticket_api")
    machinery.feed.ingest()
    assert machinery.deliveries.deliver_one()
    (delivery,) = _deliveries(fresh_baseline_db)
    assert delivery["status"] == "pending" and delivery["last_error"].startswith("refused: 127.0.0.1 resolves to")
    assert target.requests == []


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fd00::1"],
)
def test_private_loopback_and_link_local_targets_are_refused(host):
    with pytest.raises(webhooks.Refused):
        webhooks.public_address(host, 80, allow_private=False)
    assert webhooks.public_address(host, 80, allow_private=True)


def test_a_public_address_is_allowed_and_urls_are_checked():
    assert webhooks.public_address("93.184.216.34", 443, allow_private=False) == "93.184.216.34"
    for bad in ("ftp://example.com/", "http:///nohost", "https://user:pw@example.com/", "javascript:alert(1)"):
        with pytest.raises(webhooks.Refused):
            webhooks.check_url(bad)


def test_redirects_are_not_followed(fresh_baseline_db, fresh_app, receiver):
    target = receiver(status=302)
    add_webhook(fresh_baseline_db, target.url, types="ticket.created")
    machinery = loops(fresh_app(fresh_baseline_db, OSTICKET_WEBHOOK_ALLOW_PRIVATE=True))
    machinery.feed.ingest()
    replay(fresh_baseline_db, "create_ticket_api")
    machinery.feed.ingest()
    machinery.deliveries.deliver_one()
    assert [path for path, *_ in target.requests] == ["/hook"]
    (delivery,) = _deliveries(fresh_baseline_db)
    assert delivery["status"] == "pending" and delivery["last_code"] == 302


DISABLE_AFTER = 3.0


def test_an_endpoint_failing_for_days_is_given_up_then_disabled(fresh_baseline_db, fresh_app, receiver, bridge_logs):
    target = receiver(fail=1000)
    add_webhook(fresh_baseline_db, target.url, types="ticket.created")
    # "Three days" of retries, shortened; the endpoint is disabled only once it failed for longer than "five days",
    # far enough apart that a slow machine gives the first delivery up long before that.
    app = fresh_app(
        fresh_baseline_db,
        OSTICKET_WEBHOOK_ALLOW_PRIVATE=True,
        OSTICKET_WEBHOOK_FIRST_RETRY_SECONDS=0.05,
        OSTICKET_WEBHOOK_GIVE_UP_SECONDS=0.3,
        OSTICKET_WEBHOOK_DISABLE_SECONDS=DISABLE_AFTER,
    )
    machinery = loops(app)
    machinery.feed.ingest()
    replay(fresh_baseline_db, "create_ticket_api")
    machinery.feed.ingest()
    logs = bridge_logs()

    def given_up():
        machinery.deliveries.deliver_due()
        return [d["status"] for d in _deliveries(fresh_baseline_db)] == ["failed"]

    wait_for(given_up, what="giving the delivery up")
    assert rows(fresh_baseline_db, "SELECT active FROM ost_bridge_webhook")[0]["active"] == 1
    failing = "SELECT TIMESTAMPDIFF(MICROSECOND, failing_since, NOW(6)) / 1e6 AS s FROM ost_bridge_webhook"
    wait_for(lambda: rows(fresh_baseline_db, failing)[0]["s"] > DISABLE_AFTER, what="failing for 'five days'")
    replay(fresh_baseline_db, "create_ticket_api_new_user")  # a later event fails too: days of failure
    machinery.feed.ingest()
    machinery.deliveries.deliver_due()
    hook = rows(fresh_baseline_db, "SELECT * FROM ost_bridge_webhook")[0]
    assert not hook["active"] and hook["disabled_reason"].startswith("disabled: no successful delivery since")
    assert "webhook disabled" in logs.text and "given up after" in logs.text
    tried = len(target.requests)
    replay(fresh_baseline_db, "create_ticket_api_extras")
    machinery.feed.ingest()
    machinery.deliveries.deliver_due()
    assert len(target.requests) == tried  # a disabled endpoint is not called (nor given new deliveries)


def _cli(*args, env=None):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result


def test_the_cli_adds_lists_tests_redelivers_and_removes(fresh_baseline_db, fresh_app, receiver):
    target = receiver()
    url = ["--url", fresh_baseline_db]
    refused = _cli("webhooks", "add", target.url, "--secret", "not-a-secret", *url)
    assert refused.exit_code == 2 and "whsec_" in refused.output
    assert _cli("webhooks", "add", target.url, "--events", "ticket.nope", *url).exit_code == 2
    added = _cli("webhooks", "add", target.url, "--secret", SECRET, "--events", "ticket.created,ticket.response", *url)
    assert added.exit_code == 0 and "webhook #1" in added.output
    generated = _cli("webhooks", "add", "https://hooks.example.com/x", *url)
    assert generated.exit_code == 0 and "secret: whsec_" in generated.output
    listed = _cli("webhooks", "list", *url).output
    assert "#1 active" in listed and "events=ticket.created,ticket.response" in listed and "2 webhook(s)" in listed

    private = _cli("webhooks", "test", "1", *url, env={"OSTICKET_WEBHOOK_ALLOW_PRIVATE": ""})
    assert private.exit_code == 1 and "refused" in private.output and target.requests == []
    tested = _cli("webhooks", "test", "1", *url, env={"OSTICKET_WEBHOOK_ALLOW_PRIVATE": "1"})
    assert tested.exit_code == 0 and "204" in tested.output
    assert target.requests[-1][3] and b'"type":"webhook.test"' in target.requests[-1][2]

    _cli("webhooks", "remove", "2", *url)
    machinery = loops(fresh_app(fresh_baseline_db, OSTICKET_WEBHOOK_ALLOW_PRIVATE=True))
    machinery.feed.ingest()
    replay(fresh_baseline_db, "create_ticket_api")
    machinery.feed.ingest()
    machinery.deliveries.deliver_due()
    first = target.delivered()[-1]
    assert first["type"] == "ticket.created"
    shown = _cli("webhooks", "deliveries", *url).output
    assert f"{first['id']} ticket.created delivered attempts=1" in shown
    again = _cli("webhooks", "redeliver", "1", first["id"], *url)
    assert again.exit_code == 0 and "queued again: 1 delivery" in again.output
    machinery.deliveries.deliver_due()
    assert [d["id"] for d in target.delivered()[-2:]] == [first["id"]] * 2
    assert "events:" in _cli("check", *url).output
    removed = _cli("webhooks", "remove", "1", *url)
    assert removed.exit_code == 0 and _cli("webhooks", "remove", "1", *url).exit_code == 1
    assert "0 webhook(s)" in _cli("webhooks", "list", *url).output
