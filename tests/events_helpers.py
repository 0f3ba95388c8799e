"""Helpers of the event tests: a real HTTP receiver that checks every signature on its own, osTicket's golden run
replayed (its statements on the real install, else its recorded rows on the demo data), the event loops driven by
hand or left running, and waiting for a condition."""

import base64
import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import faults
import pytest
from golden import GOLDEN_DIR, HOW_TO_GET, load_golden
from sqlalchemy import create_engine, text
from update_helpers import DESK_118, write_rows
from world import REAL_BASELINE

from osticket_bridge import events

SECRET = "whsec_" + base64.b64encode(b"test-webhook-key-0123456789abcdef").decode()
# The order osTicket 1.18.1 ran the golden operations in (the recordings' connection ids): replayed in this order
# on the real fresh install, each statement finds the rows the earlier ones made.
GOLDEN_ORDER = (
    "create_ticket_api", "create_ticket_api_new_user", "create_ticket_api_extras", "user_reply",
    "assign_ticket_to_staff", "staff_reply_with_status", "user_reply_reopens", "close_ticket", "reopen_ticket",
    "close_ticket_by_staff", "reopen_ticket_by_staff",
)  # fmt: skip
GOLDEN_EVENTS = 18  # what they make (test_events_feed.EXPECTED lists them)
# The desk the event tests run on (the fixture ``fresh_baseline_db``): osTicket 1.18.1's real fresh install, its
# golden run replayed as the statements osTicket issued (../shared/osticket/golden/sql); without ../shared, our own
# install + demo data, the same run replayed as the rows osTicket wrote there (tests/recordings/1.18.1).
DESK = DESK_118
WRITES = re.compile(r"^\[\d+\] ((?:INSERT|UPDATE|DELETE|REPLACE)\b.*)$")
NOISE = re.compile(r"^\w+ (?:INTO )?`?ost_(?:session|syslog)\b")


def verify(secret, headers, body):
    """Standard Webhooks verification written from the spec, not with the bridge's code: True if a v1 signature
    of "id.timestamp.body" with the secret's key is among the header's signatures."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, sig) for sig in headers.get("webhook-signature", "").split())


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST; the first ``fail`` answers are 500s, or ``status``."""

    def __init__(self, secret=SECRET, fail=0, status=None):
        self.secret, self.fail, self.status = secret, fail, status
        self.requests = []  # (path, headers, body bytes, signature valid)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    receiver.requests.append((self.path, headers, body, verify(receiver.secret, headers, body)))
                    failing = len(receiver.requests) <= receiver.fail
                code = 500 if failing else (receiver.status or 204)
                self.send_response(code)
                if code in (301, 302, 307):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self):
        """The event documents answered with 2xx (every request's signature checked)."""
        with self.lock:
            requests = list(self.requests)
        bad = [r for r in requests if not r[3]]
        assert not bad, f"{len(bad)} request(s) with a wrong signature: {bad[0][1]}"
        answered = requests[self.fail :] if (self.status or 204) < 300 else []
        return [json.loads(body) for _, _, body, _ in answered]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def golden_statements(op):
    """The writing statements osTicket issued for a golden operation (its sessions left out)."""
    path = GOLDEN_DIR / "sql" / f"{op}.sql"
    if not path.exists():
        pytest.skip(HOW_TO_GET)
    statements = []
    for line in path.read_text().splitlines():
        match = WRITES.match(line)
        if match and not NOISE.match(match.group(1)):
            statements.append(match.group(1))
    return statements


def recorded(op, table):
    """The rows osTicket inserted into ``table`` in a golden operation, as DESK's recording holds them."""
    return DESK.golden(op)["tables"][table]["inserted"]


def _run_end():
    """When osTicket's golden run ended on the demo data (the last of its recordings)."""
    return max(DESK.golden(op)["meta"]["recorded_at"] for op in GOLDEN_ORDER)


def replay(db_url, *ops):
    """Do what osTicket did in ``ops``: on the real install, run its statements as osTicket ran them (autocommit, one
    statement at a time); on the demo data, write its recorded rows, one transaction per operation, moved in time
    together so that the whole run ended an hour ago (their order kept, today's date never in them)."""
    if not REAL_BASELINE:
        for op in ops:
            write_rows(db_url, DESK.golden(op)["tables"], recorded_at=_run_end())
        return
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET NAMES utf8, SESSION sql_mode = '', SESSION time_zone = SYSTEM")
            for op in ops:
                for statement in golden_statements(op):
                    conn.exec_driver_sql(statement.replace("%", "%%"))
    finally:
        engine.dispose()


def apply_diff(db_url, op, directory):
    """Write the rows osTicket wrote in a recorded operation (its golden diff: inserted rows, updated columns), one
    autocommitted statement per row, where no statement log was recorded (osTicket 1.10.4)."""
    golden = load_golden(op, directory)
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET SESSION sql_mode = ''")
            for table, diff in golden["tables"].items():
                for row in diff["inserted"]:
                    columns = ", ".join(f"`{c}`" for c in row)
                    values = ", ".join(f":{c}" for c in row)
                    conn.execute(text(f"INSERT INTO `{table}` ({columns}) VALUES ({values})"), row)
                for change in diff["updated"]:
                    sets = ", ".join(f"`{c}` = :new_{c}" for c in change["changes"])
                    where = " AND ".join(f"`{c}` = :pk_{c}" for c in change["pk"])
                    params = {f"new_{c}": v["new"] for c, v in change["changes"].items()}
                    params.update({f"pk_{c}": v for c, v in change["pk"].items()})
                    conn.execute(text(f"UPDATE `{table}` SET {sets} WHERE {where}"), params)
    finally:
        engine.dispose()


def loops(app):
    """The app's event machinery, whose threads do not run (OSTICKET_EVENTS=off): the test drives feed.ingest and
    deliveries by hand."""
    app.extensions["osticket"].load()
    made = app.extensions[events.EXTENSION]
    assert not made.looping
    return made


def add_webhook(db_url, url, secret=SECRET, types=None):
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            return conn.execute(
                text(
                    "INSERT INTO ost_bridge_webhook (url, secret, events, active, created) "
                    "VALUES (:url, :secret, :types, 1, NOW(6))"
                ),
                {"url": url, "secret": secret, "types": types},
            ).lastrowid
    finally:
        engine.dispose()


def rows(db_url, sql, **params):
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(text(sql), params).mappings()]
    finally:
        engine.dispose()


def wait_for(condition, seconds=20.0, what="the condition"):
    """faults.wait_for with the event tests' defaults (a loaded machine replays osTicket's statements slowly)."""
    return faults.wait_for(condition, seconds, what)


FAST = {
    "OSTICKET_EVENTS": "on",
    "OSTICKET_EVENTS_POLL_SECONDS": 0.1,
    "OSTICKET_WEBHOOK_FIRST_RETRY_SECONDS": 0.2,
    "OSTICKET_WEBHOOK_ALLOW_PRIVATE": True,  # the receiver listens on 127.0.0.1
    "OSTICKET_EVENTS_HEARTBEAT_SECONDS": 0.5,
}
