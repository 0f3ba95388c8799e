"""Shared test helpers: statement counting and table snapshots."""

import contextlib

from sqlalchemy import event, text


@contextlib.contextmanager
def count_statements(app):
    """Count the SQL statements the app's engine sends inside the block: ``with count_statements(app) as n:``."""
    engine = app.extensions["osticket"].engine
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def rows(app, sql, **params):
    """Rows of a query on the app's database, as dicts."""
    with app.extensions["osticket"].engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]
