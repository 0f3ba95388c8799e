"""Issue 15: the bridge starts, and keeps starting, while osTicket's database is away; a database that answers
but is wrong still stops it. On a private MariaDB server, under a real gunicorn with 2 workers."""

import os
import signal
import time

import pytest
from click.testing import CliRunner
from faults import DEMO_KEY, DRIVERS, Gunicorn, call, new_ticket, private_database, wait_for

from osticket_bridge import fixtures
from osticket_bridge.cli import main

UNREACHABLE = "osTicket's database does not answer"


@pytest.fixture(scope="module", params=DRIVERS)
def private_db(request):
    with private_database(request.param) as (server, db_url):
        yield server, db_url


def assert_unavailable(answer):
    status, headers, body = answer
    assert status == 503, body
    assert int(headers["Retry-After"]) > 0
    assert body["message"] == UNREACHABLE


def test_starts_while_the_database_is_down_and_serves_once_it_is_back(private_db):
    server, db_url = private_db
    server.stop()
    bridge = Gunicorn(db_url, OSTICKET_MAIL_URL="smtp://127.0.0.1:9")  # mail set-up waits for the database too
    try:
        bridge.wait_serving()
        master = bridge.proc.pid
        assert call(bridge.port, "GET", "/healthz")[0] == 200
        assert_unavailable(call(bridge.port, "GET", "/readyz"))
        assert_unavailable(call(bridge.port, "GET", "/api/topics.json", headers=DEMO_KEY))
        assert_unavailable(call(bridge.port, "POST", "/api/tickets.json", new_ticket("outage"), DEMO_KEY))

        # A worker that dies during the outage is replaced, and the master stays up.
        killed = bridge.worker_pids()[0]
        os.kill(killed, signal.SIGKILL)
        wait_for(lambda: killed not in bridge.worker_pids() and len(bridge.worker_pids()) == 2, 30, "a new worker")
        assert bridge.proc.poll() is None
        assert call(bridge.port, "GET", "/healthz")[0] == 200
        assert_unavailable(call(bridge.port, "GET", "/api/topics.json", headers=DEMO_KEY))
        workers = set(bridge.worker_pids())

        server.start()
        back = time.monotonic()
        wait_for(lambda: call(bridge.port, "GET", "/readyz")[0] == 200, 30, "/readyz 200")
        # Every worker (a GET goes to either) reads and creates, with no restart.
        for n in range(6):
            status, _, body = call(bridge.port, "GET", "/api/topics.json", headers=DEMO_KEY)
            assert status == 200, body
            status, _, body = call(bridge.port, "POST", "/api/tickets.json", new_ticket(f"back {n}"), DEMO_KEY)
            assert status == 201, body
        print(f"recovered: reads and creates served {time.monotonic() - back:.2f} s after the server answered")
        assert bridge.proc.pid == master and set(bridge.worker_pids()) == workers
        assert "Worker failed to boot" not in bridge.log()
        assert "mail: delivering through" in bridge.log()
    finally:
        bridge.stop()
        if server.process is None:
            server.start()


@pytest.mark.parametrize("setting", ["no osTicket tables", "wrong table prefix"])
def test_a_database_that_answers_but_is_not_osticket_stops_start_up(private_db, setting):
    server, db_url = private_db
    if setting == "no osTicket tables":
        url, env, missing = fixtures.create_database(server.url, "not_osticket"), {}, "ost_ticket"
    else:
        url, env, missing = db_url, {"OSTICKET_TABLE_PREFIX": "hd_"}, "hd_ticket"
    bridge = Gunicorn(url, **env)
    try:
        bridge.proc.wait(timeout=60)
        assert bridge.proc.returncode != 0
        assert "lacks what the bridge needs: missing tables: " in bridge.log()
        assert missing in bridge.log()
    finally:
        bridge.stop()


def test_check_exits_1_when_the_database_does_not_answer(private_db):
    server, db_url = private_db
    server.stop()
    try:
        result = CliRunner().invoke(main, ["check", "--url", db_url])
    finally:
        server.start()
    assert result.exit_code == 1
    assert "cannot reach the osTicket database" in result.output
