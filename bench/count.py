"""SQL statements per request: one request of each scenario run in-process, every statement the server gets counted.

Counted: each statement SQLAlchemy executes, each COMMIT/ROLLBACK it sends (explicit, or the pool's
rollback when a connection goes back), so the figure matches the server's own ``Questions`` counter; a
ping (COM_PING) is not a statement. The request runs twice first so the per-process catalog is warm.
"""

import json
import random

from sqlalchemy import event

from osticket_bridge import create_app

from .load import HTTP


class StatementCounter:
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


def statements_per_request(db_url, api_key, targets, scenarios):
    """{scenario: (statement count, [statements])} of one warm request each; raises if a request fails."""
    app = create_app({"OSTICKET_DB_URL": db_url, "OSTICKET_LOG_LEVEL": "WARNING"})
    client = app.test_client()
    engine = app.extensions["osticket"].engine
    results = {}
    try:
        for scenario in scenarios:
            build, expected = HTTP[scenario]
            rng = random.Random(7)
            for n in range(3):
                method, path, body = build(rng, targets, 10_000_000 + n)
                with StatementCounter(engine) as statements:
                    response = client.open(
                        path,
                        method=method,
                        data=json.dumps(body) if body is not None else None,
                        headers={"X-API-Key": api_key, "Content-Type": "application/json"},
                        environ_base={"REMOTE_ADDR": "127.0.0.1"},
                    )
                if response.status_code != expected:
                    raise RuntimeError(f"{scenario}: {method} {path} -> {response.status_code} {response.get_data()!r}")
            results[scenario] = (len(statements), statements)
    finally:
        app.extensions["osticket"].dispose()
    return results
