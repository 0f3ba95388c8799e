"""Engines, session settings, bounded waits and reflection of the osTicket tables the bridge uses."""

import logging
import threading
import time
from contextlib import contextmanager
from typing import NamedTuple

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import NullPool

from .drivers import CLOSED_CONNECTION_ERRORS, DRIVER_ERRORS, driver_args, ping, with_driver
from .schema import OPTIONAL_TABLES, RELEASE_TABLES, REQUIRED_COLUMNS, diagnose, safe_url, schema_message

log = logging.getLogger(__name__)


class Unavailable(Exception):
    """The database cannot serve this now (down, stalled, busy); the client should retry after ``retry_after`` s.

    Not a refusal: the outcome may be unknown, so the client retries (with the same Idempotency-Key for a write).
    """

    def __init__(self, message, retry_after=5):
        super().__init__(message)
        self.retry_after = retry_after


class SchemaError(RuntimeError):
    """The database answers but is not a usable osTicket database (wrong credentials, tables, columns, prefix)."""


UNREACHABLE = "osTicket's database does not answer"
# Driver error numbers that mean "the database cannot serve now, retry later" -> the message the client sees.
UNAVAILABLE_ERRORS = {
    **dict.fromkeys((2002, 2003, 2006, 2013, 2055, 1040, 1053, 1152, 1153, 1158, 1159, 1160, 1161), UNREACHABLE),
    **dict.fromkeys((1927, 1317), UNREACHABLE),  # the connection or query was killed
    **dict.fromkeys((1969, 3024), "osTicket's database did not answer within the statement time limit"),
    **dict.fromkeys((1205, 1213), "osTicket's database is busy (a lock wait timed out or a deadlock)"),
    **dict.fromkeys((1290, 1836, 1223), "osTicket's database is read-only for now"),
}


def unavailable_message(exc):
    """The client's message when a SQLAlchemy/driver error means the database is unavailable, else None."""
    if isinstance(exc, (PoolTimeoutError, DisconnectionError)) or getattr(exc, "connection_invalidated", False):
        return UNREACHABLE
    orig = getattr(exc, "orig", None)
    if isinstance(orig, CLOSED_CONNECTION_ERRORS):  # the connection was already closed
        return UNREACHABLE
    code = orig.args[0] if isinstance(orig, DRIVER_ERRORS) and orig.args else None
    return UNAVAILABLE_ERRORS.get(code)


class Timeouts(NamedTuple):
    """Bounded waits, in seconds (statement: the server's per-statement limit, 0 = none)."""

    connect: float = 5
    read: float = 10
    write: float = 10
    statement: float = 8


DEFAULT_TIMEOUTS = Timeouts()
# /readyz must answer within 2 s, even when the server accepts connections but never answers.
PROBE_TIMEOUTS = Timeouts(connect=1, read=1, write=1, statement=0)
# A pooled connection used this recently is handed out without a ping (HikariCP's aliveBypassWindowMs): under load
# that saves a round trip per request; one idle for longer is pinged first, and replaced if dead.
PING_AFTER_IDLE = 0.5


class Tables:
    """Reflected tables by their osTicket name without prefix: ``tables.ticket``, ``tables._search``."""

    def __init__(self, metadata, prefix):
        self._by_name = {name[len(prefix) :]: table for name, table in metadata.tables.items()}

    def __getattr__(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise AttributeError(f"table {name!r} is not reflected") from None

    def has(self, name, column=None):
        """Whether this database has the table (and the column): releases differ (see schema.SINCE)."""
        table = self._by_name.get(name)
        return table is not None and (column is None or column in table.c)


def _session_settings(statement_seconds):
    def set_session(dbapi_connection, _record):
        # The session osTicket's db_connect() opens (DATA_MODEL §0): non-strict mode, 3-byte utf8, server time
        # zone; plus the bridge's per-statement limit (MariaDB and MySQL name it differently).
        sql = "SET NAMES utf8 COLLATE utf8_general_ci, SESSION sql_mode='', SESSION time_zone='SYSTEM'"
        if statement_seconds:
            if "MariaDB" in dbapi_connection.get_server_info():
                sql += f", SESSION max_statement_time={float(statement_seconds)}"
            else:
                sql += f", SESSION max_execution_time={int(statement_seconds * 1000)}"
        with dbapi_connection.cursor() as cur:
            cur.execute(sql)

    return set_session


def make_engine(url, pool_size=5, pool_recycle=3600, timeouts=DEFAULT_TIMEOUTS, autocommit=False, **options):
    """An engine whose sessions are osTicket's; with ``autocommit``, every statement is its own transaction and
    closing a connection sends nothing (no transaction is left to roll back)."""
    url = with_driver(url)
    if "poolclass" not in options:
        options.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=timeouts.connect)
    if autocommit:
        options.update(isolation_level="AUTOCOMMIT", skip_autocommit_rollback=True)
    engine = create_engine(
        url.update_query_dict({"charset": "utf8"}),
        connect_args=driver_args(url.get_driver_name(), timeouts),
        pool_recycle=pool_recycle,
        # Every connection is used in a context manager whose close already rolls back an open transaction;
        # the pool's own reset would send a second ROLLBACK per request.
        pool_reset_on_return=None,
        **options,
    )
    event.listen(engine, "connect", _session_settings(timeouts.statement))
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_when_idle)
    return engine


def _note_checkin(_dbapi_connection, record):
    record.info["checked_in"] = time.monotonic()


def _ping_when_idle(dbapi_connection, record, _proxy):
    checked_in = record.info.get("checked_in")  # None: connected just now (the pool clears info on reconnecting)
    if checked_in is None or time.monotonic() - checked_in <= PING_AFTER_IDLE:
        return
    try:
        ping(dbapi_connection)
    except DRIVER_ERRORS as exc:
        # As SQLAlchemy's pre-ping: one dead connection means the server went away, so every older one is dropped;
        # the pool then connects anew.
        idle = time.monotonic() - checked_in
        raise InvalidatePoolError(f"a pooled connection idle for {idle:.1f} s is dead") from exc


@contextmanager
def snapshot(conn):
    """Reads in the block that must agree: on an autocommit connection (``Database.autocommit_engine``) they share
    one consistent snapshot; a transactional connection already has one."""
    if not conn.connection.dbapi_connection.get_autocommit():  # the driver's own flag: no round trip
        yield
        return
    conn.exec_driver_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
    try:
        yield
    finally:
        conn.exec_driver_sql("COMMIT")


def _drop_on_disconnect(sibling):
    def handle_error(context):
        # A dead connection means the server went away: the pool that saw it drops all its connections, and the
        # other pool's died too (PING_AFTER_IDLE would let it hand one out unpinged).
        if context.is_disconnect:
            sibling.dispose(close=False)

    return handle_error


class Database:
    """One engine, the reflected tables and what the schema says about the install.

    The tables are reflected (and the schema checked) at start-up when the database answers, else on first use:
    until then every use raises Unavailable, and a later use tries again. A database that answers but is not
    usable raises SchemaError.
    """

    def __init__(self, url, prefix="ost_", pool_size=5, pool_recycle=3600, timeouts=DEFAULT_TIMEOUTS, watch=None):
        """``watch(engine, target)``: called with each engine made for the requests (metrics listen to it)."""
        self.url = make_url(url)
        self.prefix = prefix
        self._pool = (pool_size, pool_recycle, timeouts)
        self._watch = watch or (lambda _engine, _target: None)
        self.engine = self.autocommit_engine = None
        self._make_engines(pool_recycle)
        self._probe = make_engine(url, timeouts=PROBE_TIMEOUTS, poolclass=NullPool)
        self._tables = None
        self._ready = False
        self._on_ready = []
        self.release = None  # Release: the detected osTicket release
        self._load_lock = threading.RLock()  # re-entered by when_ready callbacks that read the tables
        self._failed = False
        self.caches = {}  # what the domain keeps per database (osticket/catalog/cache.py), by name
        self._statements = {}
        self.replicas = None  # replicas.Replicas when OSTICKET_DB_REPLICA_URL names any
        try:
            self.load()
        except Unavailable as exc:
            cause = exc.__cause__
            log.warning("%s (%s): serving 503 until it does", exc, getattr(cause, "orig", None) or cause)

    @property
    def tables(self):
        if not self._ready:
            self.load()
        return self._tables

    def when_ready(self, callback):
        """Call ``callback()`` once the tables are loaded (now if they are), before any request may use them.

        It may raise Unavailable (the load is then retried later, callbacks included), so it must be repeatable.
        """
        self._on_ready.append(callback)
        if self._ready:
            callback()

    def load(self):
        """Reflect the tables and check the schema, once; raise Unavailable or SchemaError when it cannot."""
        with self._load_lock:
            if self._ready or self._tables is not None:  # ready, or a callback of this very load
                return
            if self._failed:
                self._ping()  # after a failure, a quick check first: threads queued here fail fast while it hangs
            try:
                self._reflect()
                for callback in self._on_ready:
                    callback()
            except Exception:
                self._tables = None
                self._failed = True
                raise
            self._ready = True
            log.info("osTicket database ready: %s", self.release)

    def _reflect(self):
        try:
            with self.engine.connect() as conn:
                wait_timeout = conn.execute(text("SELECT @@wait_timeout")).scalar()
                problems, release, present = diagnose(conn, self.prefix)
                if problems:
                    raise SchemaError(schema_message(self.url, problems, release))
                metadata = MetaData()
                wanted = [self.prefix + n for n in (*REQUIRED_COLUMNS, *RELEASE_TABLES, *OPTIONAL_TABLES)]
                metadata.reflect(conn, only=[name for name in wanted if name in present])
        except SQLAlchemyError as exc:
            if unavailable_message(exc):
                raise Unavailable(UNREACHABLE) from exc
            cause = getattr(exc, "orig", None) or exc
            raise SchemaError(f"cannot use the osTicket database at {safe_url(self.url)}: {cause}") from exc
        if self._pool[1] >= wait_timeout:
            # Connections must be recycled before the server drops them; ones in use finish on the old pools.
            self._make_engines(max(wait_timeout - 30, 30))
        self.release = release
        self._tables = Tables(metadata, self.prefix)

    def _make_engines(self, pool_recycle):
        """The requests' two pools: ``engine`` (transactions) and ``autocommit_engine`` (one-statement reads)."""
        pool_size, _, timeouts = self._pool
        old = (self.engine, self.autocommit_engine)
        self.engine = make_engine(self.url, pool_size, pool_recycle, timeouts)
        self.autocommit_engine = make_engine(self.url, pool_size, pool_recycle, timeouts, autocommit=True)
        self._watch(self.engine, "primary")
        self._watch(self.autocommit_engine, "primary_autocommit")
        for engine, sibling in ((self.engine, self.autocommit_engine), (self.autocommit_engine, self.engine)):
            event.listen(engine, "handle_error", _drop_on_disconnect(sibling))
        for engine in old:
            if engine is not None:
                engine.dispose(close=False)

    def probe(self):
        """Raise Unavailable unless the database answers within PROBE_TIMEOUTS; then make sure the tables are loaded."""
        self._ping()
        self.load()

    def _ping(self):
        try:
            with self._probe.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise Unavailable(unavailable_message(exc) or UNREACHABLE) from exc

    def statement(self, key, build):
        """The statement ``build()`` returns, built once per key: SQLAlchemy then neither rebuilds nor re-hashes it.

        Only for statements whose variable parts are bind parameters (``bindparam``) or part of ``key``.
        """
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = build()
        return statement

    def dispose(self):
        self.engine.dispose()
        self.autocommit_engine.dispose()
        self._probe.dispose()
        if self.replicas is not None:
            self.replicas.dispose()
