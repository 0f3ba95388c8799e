"""Shared test helpers: statement counting and table snapshots."""

import contextlib

from sqlalchemy import text

from bench.count import StatementCounter


@contextlib.contextmanager
def count_statements(app):
    """The SQL statements the app's two pools send inside the block, COMMIT and ROLLBACK included, as the server's
    ``Questions`` counts them: ``with count_statements(app) as statements:``."""
    db = app.extensions["osticket"]
    with StatementCounter(db.engine, db.autocommit_engine) as statements:
        yield statements


def rows(app, sql, **params):
    """Rows of a query on the app's database, as dicts."""
    with app.extensions["osticket"].engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]
