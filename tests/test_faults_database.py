"""Issue 10: a database that goes away, stalls or turns read-only gives 503 with Retry-After (never a 500 or a
hang), and the bridge recovers by itself; SIGTERM lets accepted requests finish. Private MariaDB, real gunicorn."""

import http.client
import json
import os
import signal
import threading
import time

import pymysql
import pytest
from faults import DEMO_KEY, DRIVERS, WHOLE_TICKET, Gunicorn, call, new_ticket, private_database, query, wait_for
from sqlalchemy import event
from sqlalchemy.engine import make_url

from osticket_bridge.db import DEFAULT_TIMEOUTS, PING_AFTER_IDLE

READ_TIMEOUT = DEFAULT_TIMEOUTS.read  # the bridge under gunicorn runs with the default timeouts


@pytest.fixture(scope="module", params=DRIVERS)
def private_db(request):
    with private_database(request.param) as (server, db_url):
        yield server, db_url


@pytest.fixture(scope="module")
def bridge(private_db):
    bridge = Gunicorn(private_db[1]).wait_serving()
    yield bridge
    bridge.stop()


def tickets(db_url):
    return query(db_url, "SELECT COUNT(*) FROM ost_ticket")[0][0]


def assert_503(answer):
    status, headers, body = answer
    assert status == 503, body
    assert int(headers["Retry-After"]) > 0
    assert body["code"] == 503 and body["message"].startswith("osTicket's database")
    return body["message"]


def serves(bridge, tag):
    status, _, body = call(bridge.port, "GET", "/api/topics.json", headers=DEMO_KEY)
    assert status == 200, (body, bridge.log()[-4000:])
    status, _, body = call(bridge.port, "POST", "/api/tickets.json", new_ticket(tag), DEMO_KEY)
    assert status == 201, (body, bridge.log()[-4000:])


def test_server_stopped_and_restarted_while_serving(private_db, bridge):
    server, db_url = private_db
    serves(bridge, "before restart")
    server.stop()
    for _ in range(4):  # both workers, with their pooled connections now dead
        assert_503(call(bridge.port, "GET", "/api/topics.json", headers=DEMO_KEY))
        assert_503(call(bridge.port, "POST", "/api/tickets.json", new_ticket("down"), DEMO_KEY))
    assert_503(call(bridge.port, "GET", "/readyz"))
    server.start()
    back = time.monotonic()
    # A worker that got none of the requests above still trusts a connection it used within PING_AFTER_IDLE (the
    # stop and start take less here): its next request may fail with a truthful 503, which drops both its pools
    # (as test_a_pooled_connection_killed_at_rest_... shows for one connection). At most one per worker, then none.
    refused = []
    for n in range(4):
        for method, path, body in (("GET", "/api/topics.json", None), ("POST", "/api/tickets.json", new_ticket(n))):
            answer = call(bridge.port, method, path, body, DEMO_KEY)
            if answer[0] == 503:
                refused.append(assert_503(answer))
            else:
                assert answer[0] in (200, 201), (answer, bridge.log()[-4000:])
    assert len(refused) <= 2, (refused, bridge.log()[-4000:])
    for n in range(4):
        serves(bridge, f"after restart {n}")
    print(f"restart: serving again {time.monotonic() - back:.2f} s after the server answered; refused {refused}")


@pytest.mark.real_clock
def test_a_pooled_connection_killed_at_rest_is_replaced_unseen_and_one_killed_just_after_use_answers_503(
    private_db, fresh_app
):
    """A pooled connection is pinged before use only after PING_AFTER_IDLE at rest (under load, never). One killed
    while resting longer is replaced before the request uses it; one killed within that window fails its request
    truthfully (503, Retry-After), and the next request is served on a new connection."""
    db_url = private_db[1]
    app = fresh_app(db_url)
    sessions = []
    # /api/topics.json is a one-statement read: its connections come from the autocommit pool.
    pool = app.extensions["osticket"].autocommit_engine
    event.listen(pool, "checkout", lambda conn, *_: sessions.append(conn.thread_id()))
    client = app.test_client()

    def topics():
        return client.get("/api/topics.json", headers=DEMO_KEY)

    assert topics().status_code == 200
    query(db_url, f"KILL CONNECTION {sessions[-1]}")
    time.sleep(PING_AFTER_IDLE + 0.2)
    assert topics().status_code == 200
    assert sessions[-1] != sessions[-2]
    query(db_url, f"KILL CONNECTION {sessions[-1]}")
    refused = topics()
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0, refused.get_json()
    assert topics().status_code == 200


def test_a_dead_connection_found_by_one_pool_drops_the_other_pools_connections(private_db, fresh_app, monkeypatch):
    """Each worker has two pools (transactions, one-statement reads): when one finds its connection dead, as after
    a server restart, the other's connections are dropped too, so its next request connects anew instead of failing
    on a connection used within PING_AFTER_IDLE."""
    monkeypatch.setattr("osticket_bridge.db.PING_AFTER_IDLE", 600)  # no ping however slow this machine is
    db_url = private_db[1]
    app = fresh_app(db_url)
    db = app.extensions["osticket"]
    sessions = {}
    for name in ("engine", "autocommit_engine"):
        event.listen(
            getattr(db, name), "checkout", lambda conn, *_, name=name: sessions.update({name: conn.thread_id()})
        )
    client = app.test_client()
    assert client.post("/api/tickets.json", headers=DEMO_KEY, json=new_ticket("both pools")).status_code == 201
    assert client.get("/api/topics.json", headers=DEMO_KEY).status_code == 200
    for session in sessions.values():  # what a restart does to both pools
        query(db_url, f"KILL CONNECTION {session}")
    assert client.get("/api/topics.json", headers=DEMO_KEY).status_code == 503  # used within the window: not pinged
    assert client.post("/api/tickets.json", headers=DEMO_KEY, json=new_ticket("after")).status_code == 201


def test_stalled_server_fails_within_the_bound_then_recovers(private_db, bridge):
    server, db_url = private_db
    serves(bridge, "before stall")
    before = tickets(db_url)
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert_503(call(bridge.port, "GET", "/readyz"))
        readyz = time.monotonic() - started
        started = time.monotonic()
        assert_503(call(bridge.port, "GET", "/api/topics.json", headers=DEMO_KEY))
        read = time.monotonic() - started
        started = time.monotonic()
        assert_503(call(bridge.port, "POST", "/api/tickets.json", new_ticket("stalled"), DEMO_KEY))
        create = time.monotonic() - started
        print(f"stalled server: /readyz 503 in {readyz:.2f} s, GET 503 in {read:.2f} s, create 503 in {create:.2f} s")
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    # The bounds (docs/reliability.md, "Bounded waits"): /readyz its own 1 s timeouts (the issue asks for 2 s); a
    # request the pooled connection's check, then a new connection's greeting, each one read timeout (10 s by default).
    assert readyz < 2
    assert read < 2 * READ_TIMEOUT + 2 and create < 2 * READ_TIMEOUT + 2
    back = time.monotonic()
    wait_for(lambda: call(bridge.port, "GET", "/readyz")[0] == 200, 30, "/readyz 200 after SIGCONT")
    for n in range(4):
        serves(bridge, f"after stall {n}")
    print(f"stall: serving again {time.monotonic() - back:.2f} s after SIGCONT")
    # The stalled create either committed whole or not at all; the four later ones did.
    assert tickets(db_url) in (before + 4, before + 5)
    numbers = tuple(n for (n,) in query(db_url, "SELECT number FROM ost_ticket"))
    assert len(query(db_url, WHOLE_TICKET, (numbers,))) == len(numbers)


def test_global_read_lock_refuses_writes_and_serves_reads(private_db, bridge):
    server, db_url = private_db
    serves(bridge, "before lock")
    before = tickets(db_url)
    url = make_url(db_url)
    locker = pymysql.connect(host=url.host, port=url.port, user=url.username)
    try:
        with locker.cursor() as cur:
            cur.execute("FLUSH TABLES WITH READ LOCK")
        for _ in range(2):
            status, _, body = call(bridge.port, "GET", "/api/topics.json", headers=DEMO_KEY)
            assert status == 200, body
            status, _, body = call(bridge.port, "GET", "/api/tickets.json?email=priya@example.com", headers=DEMO_KEY)
            assert status == 200, body
        started = time.monotonic()
        message = assert_503(call(bridge.port, "POST", "/api/tickets.json", new_ticket("locked"), DEMO_KEY))
        print(f"read lock: create 503 ({message}) in {time.monotonic() - started:.2f} s")
    finally:
        locker.close()  # releases the lock
    assert tickets(db_url) == before
    serves(bridge, "after lock")


def _create_until_refused(port, tag, answers):
    """Create tickets over one keep-alive connection (a new one when the server closes it) until refused."""
    conn, n = None, 0
    while True:
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
                conn.connect()
        except OSError:
            return  # the server no longer accepts connections
        body = json.dumps(new_ticket(f"{tag}-{n}"))
        try:
            conn.request("POST", "/api/tickets.json", body, {"Content-Type": "application/json", **DEMO_KEY})
            response = conn.getresponse()
            data = json.loads(response.read())
        except (OSError, http.client.HTTPException):
            conn.close()  # not answered: the request was not accepted
            conn = None
            continue
        answers.append((response.status, data, response.getheader("Connection")))
        if response.getheader("Connection") == "close":
            conn.close()
            conn = None
        n += 1


def test_sigterm_during_a_burst_of_creates_answers_every_accepted_create(private_db):
    server, db_url = private_db
    bridge = Gunicorn(db_url).wait_serving()
    before = {n for (n,) in query(db_url, "SELECT number FROM ost_ticket")}
    answers = []
    clients = [
        threading.Thread(target=_create_until_refused, args=(bridge.port, f"burst{i}", answers)) for i in range(4)
    ]
    try:
        for client in clients:
            client.start()
        wait_for(lambda: len(answers) >= 8, 60, "eight creates answered")
        bridge.proc.send_signal(signal.SIGTERM)
        assert bridge.proc.wait(timeout=60) == 0
    finally:
        for client in clients:
            client.join(timeout=120)
        bridge.stop()
    created = {data["ticket_number"] for status, data, _ in answers if status == 201}
    # 503: more creates waited for the ticket-number lock than a worker lets wait (written nothing, retry later).
    assert all(status in (201, 503) for status, _, _ in answers), [a for a in answers if a[0] not in (201, 503)]
    saved = {n for (n,) in query(db_url, "SELECT number FROM ost_ticket")} - before
    assert saved == created  # no create was saved without its 201 reaching the client
    assert len(query(db_url, WHOLE_TICKET, (tuple(saved),))) == len(saved)
    print(f"SIGTERM: {len(created)} creates answered 201, all saved whole; none saved unanswered")
