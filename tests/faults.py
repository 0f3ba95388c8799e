"""Fault injection: a private MariaDB server the tests may stop, pause and lock (never the shared one), and the
bridge under a real gunicorn (the repository's gunicorn.conf.py) on a free loopback port."""

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import pymysql
import pytest
from sqlalchemy.engine import make_url

from bench.server import child_pids
from osticket_bridge import devdb, drivers, fixtures

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The drivers the bridge can run on here: the fault tests run on each (mysqlclient only where it is installed).
DRIVERS = ["mysql+mysqldb", "mysql+pymysql"] if drivers.MySQLdb else ["mysql+pymysql"]
DEMO_KEY = {"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"}  # schema_fixtures/demo.sql, bound to 127.0.0.1
WHOLE_TICKET = """
    SELECT DISTINCT t.number FROM ost_ticket t
    LEFT JOIN ost_thread th ON th.object_id = t.ticket_id AND th.object_type = 'T'
    LEFT JOIN ost_thread_entry e ON e.thread_id = th.id AND e.type = 'M'
    LEFT JOIN ost_form_entry f ON f.object_id = t.ticket_id AND f.object_type = 'T'
    LEFT JOIN ost_ticket__cdata c ON c.ticket_id = t.ticket_id
    WHERE t.number IN %s AND th.id IS NOT NULL AND e.id IS NOT NULL AND f.id IS NOT NULL AND c.ticket_id IS NOT NULL
"""


def with_driver(db_url, driver):
    return make_url(db_url).set(drivername=driver).render_as_string(hide_password=False)


@contextlib.contextmanager
def private_database(driver):
    """(LocalServer, database URL for the driver): a started private server holding the demo data and the bridge's
    tables."""
    try:
        server = devdb.LocalServer()
    except devdb.NoServer as exc:
        pytest.skip(f"fault tests need local mariadbd binaries for a private server: {exc}")
    try:
        server.start()
        db_url = fixtures.create_database(server.url, "osticket_faults")
        fixtures.load_fixtures(db_url, demo=True)
        fixtures.create_bridge_tables(db_url)
        yield server, with_driver(db_url, driver)
    finally:
        server.remove()


def query(db_url, sql, args=None):
    """Rows of one statement on its own connection (the test's view, not the bridge's)."""
    url = make_url(db_url)
    conn = pymysql.connect(host=url.host, port=url.port, user=url.username, database=url.database, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()
    finally:
        conn.close()


def call(port, method, path, body=None, headers=None, timeout=90):
    """(status, headers, JSON or None) over a new connection; the timeout only guards against a hang."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        try:
            parsed = json.loads(data)
        except ValueError:
            parsed = None
        return response.status, dict(response.getheaders()), parsed
    finally:
        conn.close()


def new_ticket(tag):
    return {"email": "priya@example.com", "name": "Priya", "subject": f"Fault {tag}", "message": "hello"}


def wait_for(check, seconds, what):
    """Poll ``check`` until it returns a true value; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {seconds} s")


class Gunicorn:
    """``gunicorn wsgi:app`` from the repository (so gunicorn.conf.py applies) with 2 workers."""

    def __init__(self, db_url, workers=2, **env):
        self.port = devdb.free_port()
        with tempfile.NamedTemporaryFile(prefix="osticket-bridge-gunicorn-", suffix=".log", delete=False) as log:
            self.log_path = log.name
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        environment = {**os.environ, "OSTICKET_DB_URL": db_url, "OSTICKET_TOKEN_SECRET": "x" * 48, **env}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "wsgi:app"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers = workers

    def wait_serving(self, seconds=60):
        """Wait until every worker is up and /healthz answers."""

        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()}")
            if len(self.worker_pids()) != self.workers:
                return False
            try:
                return call(self.port, "GET", "/healthz", timeout=2)[0] == 200
            except OSError:
                return False

        wait_for(up, seconds, "gunicorn serving /healthz")
        return self

    def worker_pids(self):
        return child_pids(self.proc.pid)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        with contextlib.suppress(OSError):
            os.unlink(self.log_path)
