"""SQL statements per request, as the server counts them: one request of each scenario run in-process.

For each connection the request checks out of the pool, the server's own ``Questions`` counter of that session is
read when the pool hands it out and again when it comes back: the difference is what the server received (each
statement, COMMIT/ROLLBACK, several statements sent in one round trip counted one by one; a ping is not a
statement), less the reading itself. The statements SQLAlchemy sent are listed too (for the report), and the
pool checkouts counted. The request runs three times first so the per-process catalog is warm.
"""

import json
import random

from sqlalchemy import event

from osticket_bridge import create_app, mail

from .load import HTTP


class StatementCounter:
    """The statements SQLAlchemy sends (and its COMMIT/ROLLBACKs), as a list."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = []

    def _statement(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def _commit(self, conn):
        self.statements.append("COMMIT")

    def _rollback(self, conn):
        self.statements.append("ROLLBACK")

    def _reset(self, dbapi_connection, record, state):
        if not state.transaction_was_reset and not state.terminate_only:
            self.statements.append("ROLLBACK (pool reset)")

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "rollback", self._rollback)
        event.listen(self.engine.pool, "reset", self._reset)
        return self.statements

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)
        event.remove(self.engine.pool, "reset", self._reset)


def _questions(dbapi_connection):
    with dbapi_connection.cursor() as cur:
        cur.execute("SHOW SESSION STATUS LIKE 'Questions'")
        return int(cur.fetchone()[1])


class ServerCounter:
    """The server's Questions of every connection checked out meanwhile, and the number of checkouts."""

    def __init__(self, engine):
        self.pool = engine.pool
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
        event.listen(self.pool, "checkout", self._checkout)
        event.listen(self.pool, "checkin", self._checkin)
        return self

    def __exit__(self, *exc):
        event.remove(self.pool, "checkout", self._checkout)
        event.remove(self.pool, "checkin", self._checkin)


def requests_only_app(db_url, mail_url):
    """The app as deployed (mail queued) without its sender loop nor the event loops, so that what is measured is
    the requests alone: the loops would add their CPU time (and the mail loop its statements to the pool's)."""
    settings = {"OSTICKET_LOG_LEVEL": "WARNING", "OSTICKET_MAIL_URL": mail_url, "OSTICKET_EVENTS": "off"}
    app = create_app({"OSTICKET_DB_URL": db_url, **settings})
    mail.stop(app)
    app.extensions["osticket_mail"] = None
    return app


def statements_per_request(db_url, api_key, targets, scenarios, mail_url):
    """{scenario: {"statements", "checkouts", "sent"}} of one warm request each; raises if a request fails.

    statements: what the server counted (Questions); checkouts: pooled connections the request took;
    sent: the statements SQLAlchemy sent, for the report.
    """
    app = requests_only_app(db_url, mail_url)
    client = app.test_client()
    engine = app.extensions["osticket"].engine
    results = {}
    try:
        for scenario in scenarios:
            build, expected = HTTP[scenario]
            rng = random.Random(7)
            for n in range(4):
                method, path, body = build(rng, targets, 10_000_000 + n)
                with StatementCounter(engine) as sent, ServerCounter(engine) as server:
                    response = client.open(
                        path,
                        method=method,
                        data=json.dumps(body) if body is not None else None,
                        headers={"X-API-Key": api_key, "Content-Type": "application/json"},
                        environ_base={"REMOTE_ADDR": "127.0.0.1"},
                    )
                if response.status_code != expected:
                    raise RuntimeError(f"{scenario}: {method} {path} -> {response.status_code} {response.get_data()!r}")
            results[scenario] = {"statements": server.questions, "checkouts": server.checkouts, "sent": sent}
    finally:
        app.extensions["osticket"].dispose()
    return results
