"""Shared test helpers: statement counting and table snapshots."""

import contextlib

from sqlalchemy import event, text


@contextlib.contextmanager
def count_statements(app):
    """The SQL statements the app's two pools send inside the block, COMMIT and ROLLBACK included, as the server's
    ``Questions`` counts them: ``with count_statements(app) as statements:``."""
    db = app.extensions["osticket"]
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    def rollback(conn):  # SQLAlchemy's own test (DefaultDialect.do_rollback)
        if not (conn.dialect.skip_autocommit_rollback and conn.connection.dbapi_connection.get_autocommit()):
            statements.append("ROLLBACK")

    listeners = (
        ("before_cursor_execute", record),
        ("commit", lambda conn: statements.append("COMMIT")),
        ("rollback", rollback),
    )
    for engine in (db.engine, db.autocommit_engine):
        for name, listener in listeners:
            event.listen(engine, name, listener)
    try:
        yield statements
    finally:
        for engine in (db.engine, db.autocommit_engine):
            for name, listener in listeners:
                event.remove(engine, name, listener)


def rows(app, sql, **params):
    """Rows of a query on the app's database, as dicts."""
    with app.extensions["osticket"].engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]
