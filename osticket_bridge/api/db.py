"""The app's Database (engine + reflected tables), created once in create_app, and the request's one connection."""

import logging

from flask import current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from .. import metrics
from ..replicas import GTID_COOKIE, GTID_HEADER, primary_position, valid_gtid, wait_for_position

log = logging.getLogger(__name__)

_CONNECTION = "osticket_connection"  # attribute of flask.g
READS = ("GET", "HEAD")  # requests that write nothing: a replica may serve them
GTID_COOKIE_SECONDS = 300  # a position older than this is applied by any replica in rotation anyway


def database():
    return current_app.extensions["osticket"]


def connection():
    """The request's pooled connection: checked out on first use, shared by the key check, the route's reads and
    its write (one transaction; a ping first only after an idle spell, see db.PING_AFTER_IDLE), and closed (its
    open transaction rolled back) when the request ends. A route marked ``one_statement_read`` reads in
    autocommit instead."""
    conn = g.get(_CONNECTION)
    if conn is None or conn.closed:
        conn = (request.method in READS and _replica_connection()) or _primary_connection()
        setattr(g, _CONNECTION, conn)
    return conn


def one_statement_read(view):
    """Mark a GET whose answer one statement reads (the route's other statements, a key check or a user lookup,
    only decide whether it may): it runs in autocommit, where a statement is consistent on its own, and its
    connection goes back to the pool with no transaction to roll back: one round trip less.

    Put it right under ``blp.route``; tests/test_read_budget.py counts the statements of every marked route.
    """
    view.one_statement_read = True
    return view


def _primary_connection():
    view = current_app.view_functions.get(request.endpoint)
    if request.method in READS and getattr(view, "one_statement_read", False):
        return database().autocommit_engine.connect()
    return database().engine.connect()


def _replica_connection():
    """A connection to a replica in rotation that has applied the caller's last write, or None (the primary)."""
    replicas = database().replicas
    if replicas is None:
        return None
    replica = replicas.pick()
    if replica is None:
        metrics.read_served("primary", "no_replica_in_rotation")
        return None
    gtid = request.headers.get(GTID_HEADER) or request.cookies.get(GTID_COOKIE)
    if gtid and not valid_gtid(gtid):
        metrics.read_served("primary", "invalid_gtid")
        return None
    try:
        conn = replica.engine.connect()
    except SQLAlchemyError as exc:
        replica.set_state(None, f"does not answer: {getattr(exc, 'orig', None) or exc}")
        metrics.read_served("primary", "replica_failed")
        return None
    if gtid and not _caught_up(conn, gtid, replicas.wait):
        conn.close()
        metrics.read_served("primary", "replica_behind_the_write")
        return None
    metrics.read_served("replica", "caught_up" if gtid else "any")
    return conn


def _caught_up(conn, gtid, seconds):
    try:
        return wait_for_position(conn, gtid, seconds)
    except SQLAlchemyError as exc:
        # A position the server cannot parse (not one this bridge gave out) must not take the replica out of
        # rotation; a replica that failed is found by the next check.
        log.info("a replica could not wait for the GTID position %r: %s", gtid, getattr(exc, "orig", None) or exc)
        return False


def remember_write(response):
    """After a write, give the caller the primary's GTID position so that its next reads, on any host, see it."""
    if database().replicas is None or request.method in READS or response.status_code >= 400:
        return response
    try:
        conn = g.get(_CONNECTION)
        if conn is not None and not conn.closed:  # the write's own connection: no second checkout
            gtid = primary_position(conn)
        else:
            with database().engine.connect() as conn:
                gtid = primary_position(conn)
    except SQLAlchemyError as exc:
        log.warning("cannot read the primary's GTID position after a write: %s", exc)
        return response
    if gtid:
        response.headers[GTID_HEADER] = gtid
        response.set_cookie(GTID_COOKIE, gtid, max_age=GTID_COOKIE_SECONDS, httponly=True, samesite="Lax")
    return response


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
    app.after_request(remember_write)
    app.teardown_appcontext(close_connection)
