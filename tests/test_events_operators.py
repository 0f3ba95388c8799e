"""What operators get: the feed's lag in `check`, a metrics line, retention of delivered events."""

from click.testing import CliRunner
from events_helpers import GOLDEN_ORDER, SECRET, add_webhook, loops, replay, rows
from test_metrics import scrape, value

from osticket_bridge.cli import main


def test_check_reports_the_lag_metrics_are_logged_and_delivered_events_purged(
    fresh_baseline_db, fresh_app, receiver, bridge_logs
):
    url = ["--url", fresh_baseline_db]
    assert "events: feed not started yet" in CliRunner().invoke(main, ["check", *url]).output
    target = receiver()
    delivered_hook = add_webhook(fresh_baseline_db, target.url, types="ticket.created")
    add_webhook(fresh_baseline_db, "http://127.0.0.1:9/nobody-listens", SECRET, types="ticket.message")
    app = fresh_app(fresh_baseline_db, OSTICKET_WEBHOOK_ALLOW_PRIVATE=True)
    key = {"X-API-Key": rows(fresh_baseline_db, "SELECT apikey FROM ost_api_key LIMIT 1")[0]["apikey"]}
    before = scrape(app.test_client(), **key)
    machinery = loops(app)
    machinery.feed.ingest()
    replay(fresh_baseline_db, *GOLDEN_ORDER[:2])
    check = CliRunner().invoke(main, ["check", *url]).output
    assert "events: feed 2 entries and 2 thread events behind" in check  # two tickets, not read yet

    machinery.feed.ingest()
    machinery.deliveries.deliver_due()
    check = CliRunner().invoke(main, ["check", *url]).output
    assert "events: feed 0 entries and 0 thread events behind" in check and "2 webhook deliveries pending" in check
    logs = bridge_logs()
    machinery.log_metrics()
    # One failure postponed the endpoint's other delivery as well: one retry counted.
    assert "events: ingested 4, webhooks delivered 2, retried 1, failed 0 in this process; feed 0 entries" in logs.text
    after = scrape(app.test_client(), **key)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("events_stored_total", type="ticket.created") == grew("events_stored_total", type="ticket.message") == 2
    assert grew("webhook_attempts_total", outcome="delivered") == 2
    assert grew("webhook_attempts_total", outcome="retried") == 1
    assert value(after, "webhook_deliveries_pending") == 2 and value(after, "events_feed_behind_rows") == 0

    purged = CliRunner().invoke(main, ["events", "purge", "--days", "0", *url])
    assert purged.exit_code == 0 and "events deleted: 2" in purged.output  # the tickets' creations, delivered
    left = rows(fresh_baseline_db, "SELECT type FROM ost_bridge_event ORDER BY id")
    assert [r["type"] for r in left] == ["ticket.message", "ticket.message"]  # their delivery is still pending
    assert rows(fresh_baseline_db, "SELECT COUNT(*) AS n FROM ost_bridge_webhook_delivery WHERE webhook_id = :h",
                h=delivered_hook)[0]["n"] == 0  # fmt: skip
