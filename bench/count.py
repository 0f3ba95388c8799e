"""SQL statements per request, as the server counts them: one request of each scenario run in-process.

For each connection the request checks out of the pool, the server's own ``Questions`` counter of that session is
read when the pool hands it out and again when it comes back: the difference is what the server received (each
statement, COMMIT/ROLLBACK, several statements sent in one round trip counted one by one; a ping is not a
statement), less the reading itself. The statements SQLAlchemy sent are listed too (for the report), and the
pool checkouts counted. The request runs three times first so the per-process catalog is warm.
"""

import json
import random
import time

from sqlalchemy import event

from osticket_bridge import create_app, mail

from .load import HTTP, headers
from .rawdb import connect


class StatementCounter:
    """The statements SQLAlchemy sends on the engines (and their COMMIT/ROLLBACKs), as a list."""

    def __init__(self, *engines):
        self.engines = engines
        self.statements = []

    def _statement(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def _commit(self, conn):
        self.statements.append("COMMIT")

    def _rollback(self, conn):
        if not (conn.dialect.skip_autocommit_rollback and conn.connection.dbapi_connection.get_autocommit()):
            self.statements.append("ROLLBACK")  # else not sent (db.make_engine's autocommit)

    def _listeners(self):
        # No pool "reset" listener: the pools send no ROLLBACK of their own (db.make_engine).
        return (("before_cursor_execute", self._statement), ("commit", self._commit), ("rollback", self._rollback))

    def __enter__(self):
        for engine in self.engines:
            for name, listener in self._listeners():
                event.listen(engine, name, listener)
        return self.statements

    def __exit__(self, *exc):
        for engine in self.engines:
            for name, listener in self._listeners():
                event.remove(engine, name, listener)


def _questions(dbapi_connection):
    with dbapi_connection.cursor() as cur:
        cur.execute("SHOW SESSION STATUS LIKE 'Questions'")
        return int(cur.fetchone()[1])


class ServerCounter:
    """The server's Questions of every connection the engines' pools hand out meanwhile, and the checkouts."""

    def __init__(self, *engines):
        self.pools = [engine.pool for engine in engines]
        self.questions = 0
        self.checkouts = 0
        self._at_checkout = {}

    def _checkout(self, dbapi_connection, record, proxy):
        self.checkouts += 1
        self._at_checkout[id(dbapi_connection)] = _questions(dbapi_connection)

    def _checkin(self, dbapi_connection, record):
        began = self._at_checkout.pop(id(dbapi_connection), None)
        if began is not None and dbapi_connection is not None:
            self.questions += _questions(dbapi_connection) - began - 1  # the second reading counts itself

    def __enter__(self):
        for pool in self.pools:
            event.listen(pool, "checkout", self._checkout)
            event.listen(pool, "checkin", self._checkin)
        return self

    def __exit__(self, *exc):
        for pool in self.pools:
            event.remove(pool, "checkout", self._checkout)
            event.remove(pool, "checkin", self._checkin)


def requests_only_app(db_url, mail_url):
    """The app as deployed (mail queued) without its sender loop nor the event loops, so that what is measured is
    the requests alone: the loops would add their CPU time (and the mail loop its statements to the pool's)."""
    settings = {"OSTICKET_LOG_LEVEL": "WARNING", "OSTICKET_MAIL_URL": mail_url, "OSTICKET_EVENTS": "off"}
    app = create_app({"OSTICKET_DB_URL": db_url, **settings})
    mail.stop(app)
    app.extensions["osticket_mail"] = None
    return app


def send(client, api_key, scenario, rng, targets, n):
    """One request of ``scenario`` through the app (WSGI, no socket); raise if it fails."""
    build, expected = HTTP[scenario]
    method, path, body = build(rng, targets, n)
    response = client.open(
        path,
        method=method,
        data=json.dumps(body) if body is not None else None,
        headers=headers(api_key, method),
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    if response.status_code != expected:
        raise RuntimeError(f"{scenario}: {method} {path} -> {response.status_code} {response.get_data()!r}")


def statements_per_request(db_url, api_key, targets, scenarios, mail_url):
    """{scenario: {"statements", "checkouts", "sent"}} of one warm request each; raises if a request fails.

    statements: what the server counted (Questions); checkouts: pooled connections the request took;
    sent: the statements SQLAlchemy sent, for the report.
    """
    app = requests_only_app(db_url, mail_url)
    client = app.test_client()
    db = app.extensions["osticket"]
    engines = (db.engine, db.autocommit_engine)
    results = {}
    try:
        for scenario in scenarios:
            rng = random.Random(7)
            for n in range(4):
                with StatementCounter(*engines) as sent, ServerCounter(*engines) as server:
                    send(client, api_key, scenario, rng, targets, 10_000_000 + n)
            results[scenario] = {"statements": server.questions, "checkouts": server.checkouts, "sent": sent}
    finally:
        app.extensions["osticket"].dispose()
    return results


def with_delivery(db_url, api_key, targets, scenario, mail_url, requests=20, wait=30):
    """Statements per request of ``scenario`` with the sending of the mails it queues: ``requests`` requests in a
    row on the app as deployed (its sender loop running), counted until the outbox has nothing due, every pooled
    connection's (the server's Questions), over the number of requests. The loop's idle polls meanwhile (a claim
    that finds nothing, once a second) count too."""
    app = create_app({"OSTICKET_DB_URL": db_url, "OSTICKET_LOG_LEVEL": "WARNING", "OSTICKET_MAIL_URL": mail_url})
    client, db, rng = app.test_client(), app.extensions["osticket"], random.Random(9)
    watch = connect(db_url)
    try:
        send(client, api_key, scenario, rng, targets, 11_000_000)  # warm: catalog, statements, the table known
        _drained(watch, wait)
        with ServerCounter(db.engine, db.autocommit_engine) as server:
            for n in range(requests):
                send(client, api_key, scenario, rng, targets, 11_000_001 + n)
            _drained(watch, wait)
            time.sleep(0.5)  # the loop's last claim, which finds nothing, and its connection back in the pool
    finally:
        watch.close()
        mail.stop(app)
        app.extensions["osticket"].dispose()
    return round(server.questions / requests, 1)


def _drained(conn, wait):
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM ost_bridge_outbox WHERE status = 'queued' AND next_attempt <= NOW(6)")
            if not cur.fetchone()[0]:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the outbox still held due mail after {wait} s")
