"""Two bridge hosts behind HAProxy (bench/cluster.py: network namespaces, a private MariaDB and Redis on the
bridge's address), driven through the balancer: shared rate limits, a host killed mid-run with nothing lost,
duplicated or half written, and a rolling restart with no failed request.

Needs root for the namespaces, and haproxy, redis-server and mariadbd: it skips naming what is missing.
"""

import http.client
import json
import subprocess
import threading
import time
import uuid

import pytest
from faults import WHOLE_TICKET, query

from bench import cluster as cluster_kit
from osticket_bridge import fixtures
from osticket_bridge.mail.sink import Sink

DEMO_KEY = "0123456789ABCDEF0123456789ABCDEF"  # schema_fixtures/demo.sql, bound to 127.0.0.1
EMAIL = "priya@example.com"
RETRIED = (409, 502, 503, 504)  # what a client retries with the same Idempotency-Key
WORKERS = 4


@pytest.fixture(scope="module")
def cluster():
    reason = cluster_kit.why_not()
    if reason:
        pytest.skip(f"the multi-host test cannot run here: {reason}")
    kit = cluster_kit.Cluster(2)
    try:
        try:
            server_url = kit.start_network()
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"cannot create network namespaces here: {exc.stderr.strip()}")
        db_url = fixtures.create_database(server_url, "osticket_cluster")
        fixtures.load_fixtures(db_url, demo=True)
        fixtures.create_bridge_tables(db_url)
        with Sink(host=kit.network.host) as sink:  # every host delivers the notices to it
            kit.env["OSTICKET_MAIL_URL"] = sink.url
            kit.serve(db_url)
            kit.db_url, kit.sink = db_url, sink
            yield kit
    finally:
        kit.stop()


def call(kit, method, path, body=None, headers=None, host=None):
    """(status, JSON) through the balancer (or straight to ``host``, an instance's address)."""
    address, port = (host, cluster_kit.INSTANCE_PORT) if host else ("127.0.0.1", kit.balancer.port)
    conn = http.client.HTTPConnection(address, port, timeout=30)
    try:
        sent = {"Content-Type": "application/json", "X-API-Key": DEMO_KEY, **(headers or {})}
        if host:
            sent["X-Forwarded-For"] = "127.0.0.1"  # as HAProxy says: the API key is bound to 127.0.0.1
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data.startswith((b"{", b"[")) else data.decode(errors="replace")
    finally:
        conn.close()


class Load:
    """Threads each repeating: create a ticket, reply to it, read it back; every write with an Idempotency-Key.

    retry=True: a failure (connection error, 409, 5xx) is retried with the same key, as a careful client does;
    retry=False: every failure is recorded (a rolling restart must cause none).
    """

    def __init__(self, kit, retry, cycles=None):
        self.kit, self.retry, self.cycles = kit, retry, cycles
        self.stop = threading.Event()
        self.created, self.replies, self.failures, self.retries = {}, [], [], 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run) for _ in range(WORKERS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        for thread in self.threads:
            thread.join(120)

    def _request(self, expected, method, path, body=None):
        key = {"Idempotency-Key": uuid.uuid4().hex} if method != "GET" else {}
        for _ in range(30):
            try:
                status, answer = call(self.kit, method, path, body, key)
            except OSError as exc:
                status, answer = None, repr(exc)
            if status == expected:
                return answer
            if not self.retry or status not in (None, *RETRIED):
                with self.lock:
                    self.failures.append((method, path, status, answer))
                return None
            with self.lock:
                self.retries += 1
            time.sleep(0.2)
        with self.lock:
            self.failures.append((method, path, "gave up", answer))
        return None

    def _run(self):
        done = 0
        while not self.stop.is_set() and (self.cycles is None or done < self.cycles):
            done += 1
            tag = uuid.uuid4().hex[:12]
            body = {"email": EMAIL, "name": "Priya", "subject": f"Cluster {tag}", "message": "hello"}
            ticket = self._request(201, "POST", "/api/tickets.json", body)
            if ticket is None:
                continue
            number = ticket["ticket_number"]
            with self.lock:
                self.created[tag] = number
            reply = f"Reply {tag}"
            if self._request(200, "PUT", f"/api/tickets.json/{number}", {"email": EMAIL, "message": reply}) is None:
                continue
            with self.lock:
                self.replies.append(reply)
            read = self._request(200, "GET", f"/api/tickets.json/{number}?email={EMAIL}")
            if read is not None and reply not in json.dumps(read):
                with self.lock:
                    self.failures.append(("GET", number, "the reply is missing from the read", None))

    def created_count(self):
        with self.lock:
            return len(self.created)


def check_database(kit, load):
    """Every create once and whole, every reply once, unique numbers, no half-written ticket anywhere."""
    subjects = dict(query(kit.db_url, "SELECT subject, COUNT(*) FROM ost_ticket__cdata GROUP BY subject"))
    for tag in load.created:
        assert subjects.get(f"Cluster {tag}") == 1, f"ticket {tag} stored {subjects.get(f'Cluster {tag}', 0)} times"
    numbers = list(load.created.values())
    assert len(set(numbers)) == len(numbers)
    assert len(query(kit.db_url, WHOLE_TICKET, (numbers,))) == len(numbers)
    for reply in load.replies:
        stored = query(kit.db_url, "SELECT COUNT(*) FROM ost_thread_entry WHERE body LIKE %s", (f"%{reply}%",))
        assert stored[0][0] == 1, f"{reply!r} stored {stored[0][0]} times"
    assert (
        query(kit.db_url, "SELECT COUNT(*), COUNT(DISTINCT number) FROM ost_ticket")[0]
        == (query(kit.db_url, "SELECT COUNT(*), COUNT(*) FROM ost_ticket")[0])
    )
    orphans = """SELECT COUNT(*) FROM ost_thread th LEFT JOIN ost_ticket t ON t.ticket_id = th.object_id
                 WHERE th.object_type = 'T' AND t.ticket_id IS NULL"""
    assert query(kit.db_url, orphans)[0][0] == 0
    whole = query(kit.db_url, WHOLE_TICKET.replace("t.number IN %s", "t.number IS NOT NULL"))
    assert len(whole) == query(kit.db_url, "SELECT COUNT(*) FROM ost_ticket")[0][0]


def last_mail(kit):
    return query(kit.db_url, "SELECT COALESCE(MAX(id), 0) FROM ost_bridge_outbox")[0][0]


def check_mail(kit, after, exactly_once):
    """Every mail queued since outbox row ``after`` went out; with ``exactly_once``, none twice (a host killed
    mid-send may send its mail again: at least once, never lost)."""
    pending = "SELECT COUNT(*) FROM ost_bridge_outbox WHERE status <> 'sent'"
    cluster_kit.wait_for(lambda: query(kit.db_url, pending)[0][0] == 0, 60, "the outbox drained")
    queued = {row[0] for row in query(kit.db_url, "SELECT message_id FROM ost_bridge_outbox WHERE id > %s", (after,))}
    caught = [mail.message["Message-ID"] for mail in kit.sink.caught if mail.message["Message-ID"] in queued]
    assert queued and set(caught) == queued
    if exactly_once:
        assert len(caught) == len(queued), f"{len(caught) - len(queued)} mails sent twice"


def test_rate_limits_are_shared_by_the_hosts(cluster):
    attempt = {"username": "nobody@example.com", "password": "wrong"}
    statuses = [call(cluster, "POST", "/api/auth/login", attempt)[0] for _ in range(11)]
    assert statuses == [401] * 10 + [429]  # 10 a minute per address, counted in Redis, whichever host answered
    for instance in cluster.instances:  # both hosts took some of them (round robin), as their metrics say
        status, text = call(cluster, "GET", "/metrics", host=instance.address)
        assert status == 200
        assert 'osticket_bridge_requests_total{method="POST",route="/api/auth/login",status="401"}' in text


def test_a_host_killed_mid_run_loses_duplicates_and_half_writes_nothing(cluster):
    mail_before = last_mail(cluster)
    with Load(cluster, retry=True, cycles=12) as load:
        cluster_kit.wait_for(lambda: load.created_count() >= 8, 60, "the first tickets")
        cluster.instances[0].kill()
        started = time.monotonic()
        for thread in load.threads:
            thread.join(90)
    assert not load.failures, load.failures
    assert load.created_count() == WORKERS * 12 and len(load.replies) == WORKERS * 12
    assert time.monotonic() - started < 60
    check_database(cluster, load)
    check_mail(cluster, mail_before, exactly_once=False)
    cluster.balancer.wait_status(0, "DOWN")
    cluster.instances[0].start()
    cluster.balancer.wait_status(0, "UP")


def test_a_rolling_restart_fails_no_request(cluster):
    mail_before = last_mail(cluster)
    with Load(cluster, retry=False) as load:
        cluster_kit.wait_for(lambda: load.created_count() >= 4, 60, "the first tickets")
        for index in range(len(cluster.instances)):
            during = load.created_count()
            cluster.restart(index)
            assert load.created_count() > during  # the clients kept working while this host restarted
        before_end = load.created_count()
        cluster_kit.wait_for(lambda: load.created_count() >= before_end + 4, 60, "tickets after the restart")
    assert not load.failures, load.failures
    assert load.retries == 0
    check_database(cluster, load)
    check_mail(cluster, mail_before, exactly_once=True)
