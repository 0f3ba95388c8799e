"""Writes under faults, against a private MariaDB server and a real gunicorn (never the shared server).

- Killed connections: 200 creates at concurrency 4 while a loop kills the bridge's connections: every 25 ms it
  picks one of the bridge's 8 connection slots (2 workers x 4 threads) at random and kills that connection if it
  is open, so each open connection dies after 200 ms on average however many are open. Each client retries with
  its own Idempotency-Key, waiting as Retry-After says, until it gets 201. Exactly 200 whole tickets result, with
  unique numbers and no orphan rows.
- The number lock held by another session: reads go on being served, creates get 503 with Retry-After and
  leave nothing behind; once the lock is free, creates work again.
Every loop is bounded in count and time.
"""

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymysql
import pytest
from faults import DRIVERS, with_driver
from sqlalchemy import event
from sqlalchemy.engine import make_url

from osticket_bridge import devdb, fixtures

ROOT = Path(__file__).resolve().parent.parent
KEY = "0123456789ABCDEF0123456789ABCDEF"  # schema_fixtures/demo.sql, bound to 127.0.0.1
TICKETS, CLIENTS = 200, 4
KILL_EVERY = 0.025
# The bridge's connection slots: one per request thread (each request holds one connection, kept by the pool after).
# Killing whichever connection is open every 25 ms would kill a lone connection within 25 ms: with clients waiting
# out their 503s, one create runs at a time, and on a loaded machine (45-200 ms a create) none could ever finish.
SLOTS = 8
DEADLINE = 300  # seconds for the whole burst: a hang fails the test instead of blocking the suite
ATTEMPTS = 200  # per ticket
LOCK = "LEFT(CONCAT(DATABASE(), '.ost_ticket_number'), 64)"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connect(db_url):
    u = make_url(db_url)
    return pymysql.connect(host=u.host, port=u.port, user=u.username, password=u.password or "", database=u.database,
                           autocommit=True)  # fmt: skip


def _query(db_url, sql, *args):
    with contextlib.closing(_connect(db_url)) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


@pytest.fixture(scope="module", params=DRIVERS)
def private_db(request):
    """A throwaway server of this module only, with the demo fixtures, the bridge tables and the number index."""
    try:
        server = contextlib.ExitStack()
        server_url = server.enter_context(devdb.throwaway_server())
    except devdb.NoServer as exc:
        pytest.skip(f"no private MariaDB/MySQL server can be started here: {exc}")
    with server:
        db_url = fixtures.create_database(server_url, "faults")
        fixtures.load_fixtures(db_url, demo=True)
        fixtures.create_bridge_tables(db_url)
        _query(db_url, "ALTER TABLE ost_ticket ADD INDEX bridge_number (number)")
        yield with_driver(db_url, request.param)


@pytest.fixture(scope="module")
def bridge(private_db, tmp_path_factory):
    """A real gunicorn (2 gthread workers x 4 threads) serving the private database; yields its port."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("gunicorn") / "gunicorn.log").open("wb")
    env = {**os.environ, "OSTICKET_DB_URL": private_db, "OSTICKET_LOG_LEVEL": "WARNING",
           "OSTICKET_NUMBER_LOCK_WAIT": "2", "OSTICKET_NUMBER_LOCK_WAITERS": "2"}  # fmt: skip
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        # Ready, not just alive: /readyz loads a worker's tables, and ten answers in a row reach both workers, so no
        # worker is still reflecting the schema when the kills start (a load under them never completes).
        ready = 0
        for _ in range(300):  # up to 60 s
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited; its log: {log.name}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                ready = ready + 1 if _call(port, "GET", "/readyz")[0] == 200 else 0
                if ready == 10:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("gunicorn was not ready within 60 s")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _call(port, method, path, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _kill_loop(db_url, stop):
    """Every 25 ms pick one of SLOTS and kill the open connection in it, until ``stop`` is set; return the kill count.

    The slots are the database's other sessions in id order (the bridge's only: the test opens no other), padded to
    SLOTS with empty ones."""
    kills, pick = 0, random.Random(25)
    with contextlib.closing(_connect(db_url)) as conn, conn.cursor() as cur:
        while not stop.wait(KILL_EVERY):
            cur.execute(
                "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID() "
                "ORDER BY id"
            )
            sessions = [row[0] for row in cur.fetchall()]
            slot = pick.randrange(max(SLOTS, len(sessions)))
            if slot < len(sessions):
                with contextlib.suppress(pymysql.MySQLError):  # already gone
                    cur.execute(f"KILL CONNECTION {int(sessions[slot])}")
                    kills += 1
    return kills


def _create_until_201(port, n, deadline):
    """One ticket: the same body and Idempotency-Key until 201; return (key, number, attempts, statuses)."""
    key = str(uuid.uuid4())
    body = {"email": f"fault{n % CLIENTS}@example.com", "name": f"Fault Client {n % CLIENTS}",
            "subject": f"Fault ticket {n}", "message": f"Created under fire, number {n}."}  # fmt: skip
    statuses = []
    for attempt in range(1, ATTEMPTS + 1):
        if time.monotonic() > deadline:
            break
        try:
            status, headers, raw = _call(
                port, "POST", "/api/tickets.json", body, {"X-API-Key": KEY, "Idempotency-Key": key}
            )
        except (OSError, http.client.HTTPException):
            statuses.append("no answer")
            continue
        if status == 201:
            statuses.append("201 replayed" if headers.get("Idempotent-Replayed") == "true" else "201")
            return key, json.loads(raw)["ticket_number"], attempt, statuses
        statuses.append(f"{status} {raw[:120]!r}")  # the failure message says why
        if status == 503:  # as a client should: wait as told (capped, to keep the test short)
            time.sleep(min(float(headers.get("Retry-After", 1)), 2))
    raise AssertionError(f"ticket {n} got no 201 in {len(statuses)} attempts: {statuses[-10:]}")


ORPHANS = {
    "ticket without a number": "SELECT COUNT(*) FROM ost_ticket WHERE number IS NULL",
    "ticket thread without ticket": "SELECT COUNT(*) FROM ost_thread th WHERE th.object_type = 'T' AND NOT EXISTS "
    "(SELECT 1 FROM ost_ticket t WHERE t.ticket_id = th.object_id)",
    "entry without thread": "SELECT COUNT(*) FROM ost_thread_entry e WHERE NOT EXISTS "
    "(SELECT 1 FROM ost_thread th WHERE th.id = e.thread_id)",
    "event without thread": "SELECT COUNT(*) FROM ost_thread_event v WHERE NOT EXISTS "
    "(SELECT 1 FROM ost_thread th WHERE th.id = v.thread_id)",
    "ticket form entry without ticket": "SELECT COUNT(*) FROM ost_form_entry f WHERE f.object_type = 'T' AND "
    "NOT EXISTS (SELECT 1 FROM ost_ticket t WHERE t.ticket_id = f.object_id)",
    "answer without form entry": "SELECT COUNT(*) FROM ost_form_entry_values a WHERE NOT EXISTS "
    "(SELECT 1 FROM ost_form_entry f WHERE f.id = a.entry_id)",
    "cdata without ticket": "SELECT COUNT(*) FROM ost_ticket__cdata c WHERE NOT EXISTS "
    "(SELECT 1 FROM ost_ticket t WHERE t.ticket_id = c.ticket_id)",
    "search row without ticket": "SELECT COUNT(*) FROM ost__search s WHERE s.object_type = 'T' AND NOT EXISTS "
    "(SELECT 1 FROM ost_ticket t WHERE t.ticket_id = s.object_id)",
    "search row without entry": "SELECT COUNT(*) FROM ost__search s WHERE s.object_type = 'H' AND NOT EXISTS "
    "(SELECT 1 FROM ost_thread_entry e WHERE e.id = s.object_id)",
    "user without address": "SELECT COUNT(*) FROM ost_user u WHERE NOT EXISTS "
    "(SELECT 1 FROM ost_user_email e WHERE e.user_id = u.id)",
    "address without user": "SELECT COUNT(*) FROM ost_user_email e WHERE NOT EXISTS "
    "(SELECT 1 FROM ost_user u WHERE u.id = e.user_id)",
}
INCOMPLETE = """
    SELECT t.number FROM ost_ticket t
    LEFT JOIN ost_thread th ON th.object_id = t.ticket_id AND th.object_type = 'T'
    LEFT JOIN ost_thread_entry e ON e.thread_id = th.id AND e.type = 'M'
    LEFT JOIN ost_thread_event v ON v.thread_id = th.id
    LEFT JOIN ost_form_entry f ON f.object_id = t.ticket_id AND f.object_type = 'T'
    LEFT JOIN ost_ticket__cdata c ON c.ticket_id = t.ticket_id
    LEFT JOIN ost__search s ON s.object_type = 'T' AND s.object_id = t.ticket_id
    WHERE (th.id IS NULL OR e.id IS NULL OR v.id IS NULL OR f.id IS NULL
       OR c.ticket_id IS NULL OR s.object_id IS NULL)
"""


def _orphans(db_url):
    """The kinds of orphan rows there are, with their counts (one connection for all the counts)."""
    counts = {}
    with contextlib.closing(_connect(db_url)) as conn, conn.cursor() as cur:
        for name, sql in ORPHANS.items():
            cur.execute(sql)
            counts[name] = cur.fetchone()[0]
    return {name: count for name, count in counts.items() if count}


def test_a_create_killed_at_any_statement_writes_nothing_leaks_nothing_and_its_retry_makes_it(private_db, fresh_app):
    """The soak's faults one at a time, in process: the create's session killed before each of its statements in
    turn. Each answers 503 with Retry-After and writes nothing; its connection goes back to no one (the pool has
    none checked out), the number lock is free, and the retry with the same key makes the one ticket. One create may
    wait for the number lock: a waiter slot lost to a failure would refuse every later create."""
    app = fresh_app(private_db, OSTICKET_NUMBER_LOCK_WAITERS=1)
    engine = app.extensions["osticket"].engine
    client = app.test_client()
    body = {"email": "killed@example.com", "name": "Killed Client", "subject": "Killed", "message": "Any statement"}
    statements, kill_at = [], [None]

    def count_and_kill(conn, _cursor, statement, *_args):
        statements.append(statement)
        if len(statements) == kill_at[0]:
            _query(private_db, f"KILL CONNECTION {int(conn.connection.dbapi_connection.thread_id())}")

    def create(key):
        statements.clear()
        return client.post("/api/tickets.json", json=body, headers={"X-API-Key": KEY, "Idempotency-Key": key})

    event.listen(engine, "before_cursor_execute", count_and_kill)
    try:
        assert create("warm-up").status_code == 201  # the user exists from here: every later create runs the same path
        assert create("counted").status_code == 201
        count = len(statements)
        tickets, orphans = _query(private_db, "SELECT COUNT(*) FROM ost_ticket")[0][0], _orphans(private_db)
        for n in range(1, count + 1):
            kill_at[0] = n
            killed = create(f"killed-at-{n}")
            kill_at[0] = None
            where = f"killed before statement {n}: {statements[n - 1][:60]!r}"
            assert killed.status_code == 503 and int(killed.headers["Retry-After"]) > 0, (where, killed.get_json())
            assert engine.pool.checkedout() == 0, where
            assert _query(private_db, f"SELECT IS_USED_LOCK({LOCK})")[0][0] is None, where
            assert _query(private_db, "SELECT COUNT(*) FROM ost_ticket")[0][0] == tickets, where
            assert _orphans(private_db) == orphans, where
            assert create(f"killed-at-{n}").status_code == 201, where
            tickets += 1
    finally:
        event.remove(engine, "before_cursor_execute", count_and_kill)
    assert count > 10  # the whole create was walked through, the key check to the idempotency row
    assert _query(private_db, "SELECT COUNT(*) FROM ost_ticket WHERE number IS NULL")[0][0] == 0


def test_creates_under_killed_connections_make_exactly_one_whole_ticket_each(private_db, bridge):
    before = {row[0] for row in _query(private_db, "SELECT number FROM ost_ticket")}
    orphans = _orphans(private_db)
    keys_before = _query(private_db, "SELECT COUNT(*) FROM ost_bridge_idempotency")[0][0]
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + DEADLINE
    with ThreadPoolExecutor(1) as killer, ThreadPoolExecutor(CLIENTS) as clients:
        kills = killer.submit(_kill_loop, private_db, stop)
        try:
            results = list(clients.map(lambda n: _create_until_201(bridge, n, deadline), range(TICKETS)))
        finally:
            stop.set()
        kills = kills.result()
    seconds = time.monotonic() - started
    numbers = [number for _key, number, _attempts, _statuses in results]
    retried = sum(1 for _key, _number, attempts, _statuses in results if attempts > 1)
    answers = [status for _key, _number, _attempts, statuses in results for status in statuses]
    unknown = sum("COMMIT" in status for status in answers)
    replayed = answers.count("201 replayed")
    print(
        f"{seconds:.0f} s: {kills} connections killed; {len(answers)} requests for {TICKETS} tickets, "
        f"{retried} of them retried; {unknown} COMMITs of unknown outcome; {replayed} stored answers replayed"
    )
    assert kills > 0 and retried > 0  # the faults did land
    assert len(set(numbers)) == TICKETS

    created = {row[0] for row in _query(private_db, "SELECT number FROM ost_ticket")} - before
    assert created == set(numbers)
    duplicates = _query(private_db, "SELECT number FROM ost_ticket GROUP BY number HAVING COUNT(*) > 1")
    assert duplicates == ()
    assert {row[0] for row in _query(private_db, INCOMPLETE)} & created == set()
    assert _orphans(private_db) == orphans
    keys = _query(private_db, "SELECT COUNT(*) FROM ost_bridge_idempotency")[0][0]
    assert keys == keys_before + TICKETS


def test_a_number_lock_held_elsewhere_refuses_creates_and_serves_reads(private_db, bridge):
    number = _query(private_db, "SELECT number FROM ost_ticket ORDER BY ticket_id LIMIT 1")[0][0]
    tickets_before = _query(private_db, "SELECT COUNT(*) FROM ost_ticket")[0][0]
    orphans = _orphans(private_db)
    headers = {"X-API-Key": KEY}
    body = {"email": "priya.raman@example.net", "subject": "While locked", "message": "Waiting for a number"}
    with contextlib.closing(_connect(private_db)) as holder, holder.cursor() as cur:
        cur.execute(f"SELECT GET_LOCK({LOCK}, 0)")
        assert cur.fetchone()[0] == 1
        with ThreadPoolExecutor(12) as pool:
            creates = [pool.submit(_call, bridge, "POST", "/api/tickets.json", body, headers) for _ in range(8)]
            reads = [pool.submit(_call, bridge, "GET", f"/api/tickets.json/{number}", None, headers) for _ in range(16)]
            created = [f.result() for f in creates]
            read = [f.result() for f in reads]
        assert [status for status, _h, _b in read] == [200] * 16
        assert [status for status, _h, _b in created] == [503] * 8
        assert all(int(h["Retry-After"]) > 0 and json.loads(b)["code"] == 503 for _s, h, b in created)
        cur.execute(f"DO RELEASE_LOCK({LOCK})")
    assert _query(private_db, "SELECT COUNT(*) FROM ost_ticket")[0][0] == tickets_before
    assert _orphans(private_db) == orphans
    assert _call(bridge, "POST", "/api/tickets.json", body, headers)[0] == 201
