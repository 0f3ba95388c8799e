"""The app's Database (engine + reflected tables), created once in create_app, and the request's one connection."""

import logging

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

_CONNECTION = "osticket_connection"  # attribute of flask.g


def database():
    return current_app.extensions["osticket"]


def connection():
    """The request's pooled connection: checked out on first use, shared by the key check, the route's reads and
    its write (one transaction; a ping first only after an idle spell, see db.PING_AFTER_IDLE), and closed (its
    open transaction rolled back) when the request ends."""
    conn = g.get(_CONNECTION)
    if conn is None or conn.closed:
        conn = database().engine.connect()
        setattr(g, _CONNECTION, conn)
    return conn


def close_connection(_exc=None):
    conn = g.pop(_CONNECTION, None)
    if conn is None:
        return
    try:
        conn.close()
    except SQLAlchemyError as exc:
        # The session died (its transaction died with it); the answer is already made, and the pool drops it.
        log.warning("the request's database connection failed while closing: %s", exc)
        conn.invalidate()


def init_app(app):
    app.teardown_appcontext(close_connection)
