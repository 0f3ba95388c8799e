"""GET /metrics: who may read it, what it counts, and its sum over gunicorn's workers (multiprocess mode)."""

import http.client
import json
import logging
import os
import re
import socket

import pytest
from delivery_helpers import MAIL, queue, rows, wait_until
from faults import DEMO_KEY, Gunicorn, call, new_ticket
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from osticket_bridge import devdb, logs
from osticket_bridge.mail import sender
from osticket_bridge.mail.sink import Sink

P = "osticket_bridge_"


def samples(text):
    """{(name, frozenset(labels)): value} of a scrape."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scrape, name, **labels):
    return scrape.get((P + name, frozenset(labels.items())), 0.0)


def scrape(client, **headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain")
    return samples(response.get_data(as_text=True))


def test_metrics_need_an_api_key_or_an_allowed_address(fresh_app, fresh_fixtures_db):
    client = fresh_app(fresh_fixtures_db).test_client()
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.json["message"]
    assert client.get("/metrics", headers={"X-API-Key": "0" * 32}).status_code == 401
    assert client.get("/metrics", headers=DEMO_KEY).status_code == 200
    allowed = fresh_app(fresh_fixtures_db, OSTICKET_METRICS_ALLOW="10.0.0.0/8, 127.0.0.1").test_client()
    assert allowed.get("/metrics").status_code == 200
    assert allowed.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 401
    with pytest.raises(ValueError, match="OSTICKET_METRICS_ALLOW: 'prometheus'"):
        fresh_app(fresh_fixtures_db, OSTICKET_METRICS_ALLOW="prometheus")


def test_requests_round_trips_and_number_lock_are_counted(fresh_app, fresh_fixtures_db):
    client = fresh_app(fresh_fixtures_db).test_client()
    before = scrape(client, **DEMO_KEY)
    assert client.get("/api/topics.json", headers=DEMO_KEY).status_code == 200
    assert client.get("/api/tickets.json/nosuch", headers=DEMO_KEY).status_code == 404
    created = client.post("/api/tickets.json", json=new_ticket("metrics"), headers=DEMO_KEY)
    assert created.status_code == 201, created.json
    after = scrape(client, **DEMO_KEY)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("requests_total", route="/api/topics.json", method="GET", status="200") == 1
    assert grew("requests_total", route="/api/tickets.json/<string:number>", method="GET", status="404") == 1
    assert grew("requests_total", route="/api/tickets.json", method="POST", status="201") == 1
    assert grew("request_seconds_count", route="/api/tickets.json", method="POST") == 1
    assert grew("db_round_trips_total", target="primary") >= 10  # a create alone is 16 statements
    assert grew("number_lock_wait_seconds_count") == 1
    assert value(after, "db_pool_size", target="primary") == 5


def test_a_503_is_counted_by_its_cause(fresh_app):
    app = fresh_app("mysql+pymysql://root@127.0.0.1:1/none", OSTICKET_METRICS_ALLOW="127.0.0.1")
    client = app.test_client()
    before = value(scrape(client), "unavailable_total", cause="unreachable")
    assert client.get("/api/topics.json", headers=DEMO_KEY).status_code == 503
    assert value(scrape(client), "unavailable_total", cause="unreachable") == before + 1


def test_the_outbox_and_failed_deliveries_are_reported(monkeypatch, fresh_app, fresh_fixtures_db):
    monkeypatch.setattr(sender, "BACKLOG_EVERY", 0)  # at every turn of the sender loop, not every 15 s
    down = Sink()  # its port is reserved, nothing listens: every attempt fails for now
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=down.url, OSTICKET_METRICS_ALLOW="127.0.0.1")
    client = app.test_client()
    before = value(scrape(client), "mail_attempts_total", outcome="failed_for_now")
    queue(app, [MAIL])
    wait_until(lambda: rows(app)[0]["attempts"] >= 1, "a first attempt failed")
    after = scrape(client)
    assert value(after, "mail_attempts_total", outcome="failed_for_now") == before + 1
    assert value(after, "mail_outbox_queued") == 1 and value(after, "mail_outbox_failed") == 0


def test_logs_as_json_lines_carry_the_request_id(capsys):
    logs.configure_logging("INFO", "json")
    try:
        logging.getLogger("osticket_bridge.test").info("hello %s", "there", extra={"request_id": "abc123"})
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    finally:
        logs.configure_logging("INFO")
    assert line["message"] == "hello there" and line["request_id"] == "abc123" and line["level"] == "INFO"
    with pytest.raises(ValueError, match="OSTICKET_LOG_FORMAT"):
        logs.configure_logging("INFO", "xml")


def test_gunicorn_workers_add_up_in_one_scrape_also_on_a_port_of_its_own(fresh_fixtures_db):
    with socket.socket() as reserved:  # held until gunicorn has taken its own port, then free for the master's
        reserved.bind(("127.0.0.1", devdb.free_port()))
        metrics_port = reserved.getsockname()[1]
        server = Gunicorn(fresh_fixtures_db, workers=2, OSTICKET_METRICS_BIND=f"127.0.0.1:{metrics_port}")
    server.wait_serving()
    try:
        for _ in range(20):  # new connections: gunicorn spreads them over both workers
            assert call(server.port, "GET", "/api/topics.json", headers=DEMO_KEY)[0] == 200
        scrapes = [_raw_scrape(server.port, DEMO_KEY) for _ in range(4)]
        scrapes.append(_raw_scrape(metrics_port, {}))  # gunicorn's master: no key asked
    finally:
        server.stop()
    for text in scrapes:  # whichever process answers, it reports both workers' requests and pools
        assert value(samples(text), "requests_total", route="/api/topics.json", method="GET", status="200") == 20
        assert value(samples(text), "db_pool_size", target="primary") == 10


def _raw_scrape(port, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/metrics", headers=headers)
        response = conn.getresponse()
        assert response.status == 200
        return response.read().decode()
    finally:
        conn.close()


def test_the_grafana_dashboard_names_only_metrics_the_bridge_exports():
    with open(os.path.join(os.path.dirname(__file__), "..", "docs", "grafana-dashboard.json")) as f:
        dashboard = json.load(f)
    exported = {
        sample
        for family in REGISTRY.collect()
        if family.name.startswith(P)
        for sample in (family.name, family.name + "_total", family.name + "_bucket")
    }
    named = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bosticket_bridge_\w+", target["expr"])
    }
    assert len(dashboard["panels"]) >= 10 and named
    assert named <= exported, named - exported
