"""Engine, session settings, bounded waits and reflection of the osTicket tables the bridge uses."""

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import NullPool

from .drivers import CLOSED_CONNECTION_ERRORS, DRIVER_ERRORS, driver_args, ping, with_driver

log = logging.getLogger(__name__)

# Table (without prefix) -> columns the bridge reads or writes that every release from 1.10.4 on has; "a|b": one of
# them, by release. A missing one stops start-up.
REQUIRED_COLUMNS = {
    "ticket": "ticket_id number user_id user_email_id status_id dept_id sla_id topic_id staff_id "
    "team_id email_id lock_id flags ip_address source isoverdue isanswered duedate est_duedate "
    "reopened closed lastupdate created updated",
    "ticket_status": "id name state mode flags sort properties",
    "ticket_priority": "priority_id priority priority_desc priority_urgency ispublic",
    "thread": "id object_id object_type extra lastresponse lastmessage created",
    "thread_entry": "id pid thread_id staff_id user_id type flags poster editor editor_type source title "
    "body format ip_address created updated",
    "thread_event": "id thread_id event_id|state staff_id team_id dept_id topic_id data username uid "
    "uid_type annulled timestamp",
    "thread_collaborator": "id flags|isactive thread_id user_id role created updated",
    "user": "id org_id default_email_id status name created updated",
    "user_email": "id user_id flags address",
    "user_account": "id user_id status timezone username passwd backend registered",
    "form": "id type flags title",
    "form_field": "id form_id flags type label name configuration sort",
    "form_entry": "id form_id object_id object_type sort extra created updated",
    "form_entry_values": "entry_id field_id value value_id",
    "help_topic": "topic_id topic_pid ispublic noautoresp flags status_id priority_id dept_id staff_id "
    "team_id sla_id page_id sequence_id sort topic number_format notes created updated",
    "help_topic_form": "id topic_id form_id sort extra",
    "department": "id pid sla_id manager_id flags name ispublic path",
    "sla": "id flags grace_period name",
    "staff": "staff_id dept_id role_id username firstname lastname email isactive onvacation assigned_only timezone "
    "extra",
    "staff_dept_access": "staff_id dept_id role_id",
    "role": "id permissions",
    "team": "team_id flags name",
    "team_member": "team_id staff_id",
    "organization": "id name status domain",
    "config": "id namespace key value",
    "sequence": "id name flags next increment padding updated",
    "api_key": "id isactive ipaddr apikey can_create_tickets",
    "lock": "lock_id staff_id expire",
    "draft": "id staff_id namespace",
    "attachment": "id object_id type file_id inline",
    "file": "id ft bk type size key signature name created",
    "file_chunk": "file_id chunk_id filedata",
    "filter": "id name isactive execorder target match_all_rules stop_onmatch",
    "filter_rule": "id filter_id what how val isactive",
    "filter_action": "id filter_id sort type configuration",  # ticket filters (osticket/rules)
    "syslog": "log_id log_type title log logger ip_address created updated",
    "canned_response": "canned_id isenabled title response",
    "list_items": "id list_id status value extra sort properties",  # a list field's items (filters read properties)
    # E-mail notices (osticket/notices/recipients.py): templates, sender accounts
    "email_template_group": "tpl_id isactive",
    "email_template": "id tpl_id code_name subject body",
    "email": "email_id name email",
}
# Tables of later releases only: when present they must have these columns.
RELEASE_TABLES = {
    "event": "id name",
    "thread_referral": "id thread_id object_id object_type created",
    "schedule": "id flags name timezone",
    "schedule_entry": "id schedule_id flags sort name repeats starts_on starts_at ends_on ends_at stops_on day week "
    "month",
}
# Tables and table.columns a release brought: a database whose signature names that release or a later one must have
# them. Code asks db.tables.has(table, column) before using them (reflection, no query); where the schema cannot tell
# a behaviour apart, it branches on db.release.name. Older shapes: thread_event.state (1.10, before event_id),
# thread_collaborator.isactive and help_topic.isactive (1.10, before the flags bits), email.smtp_* (to 1.16).
SINCE = {
    "1.11/1.12": "event thread_referral thread_entry.recipients thread_event.event_id thread_collaborator.flags",
    "1.14": "schedule schedule_entry ticket.ticket_pid ticket.sort thread_entry.extra thread_event.thread_type "
    "department.schedule_id sla.schedule_id",
}

# ost_event rows the bridge's thread events name (osticket/threads/events.py), where the table exists.
REQUIRED_EVENTS = ("created", "closed", "reopened", "assigned", "edited", "collab")
# Created at run time by osTicket; it copes when they are missing, and so does the bridge.
OPTIONAL_TABLES = ("ticket__cdata", "user__cdata", "_search")

# core.schema_signature (include/upgrader/streams/core.sig at each release's tag) -> release.
# 1.11 and 1.12 share one schema; there is no 1.13.
RELEASES = {
    "98ad7d550c26ac44340350912296e673": "1.10",
    "00c949a623b82848baaf3480b51307e3": "1.11/1.12",
    "4bd47d94b10bd8a6bab35c119dadf41f": "1.14",
    "add628927ee030469f5d3272ebda1e16": "1.15",
    "c37e165651dc289240fee7d244990ac1": "1.16",
    "83a22ba22b1a6a624fcb1da03882ac1b": "1.17",
    "5fb92bef17f3b603659e024c01cc7a59": "1.18",
}
# What works on each release today, and how it was verified (docs/releases.md).
SUPPORT = {
    "1.18": "reads and writes, compared row by row with recordings of a real osTicket 1.18.1",
    **{
        name: "reads and writes, smoke-tested on its install schema (writes not compared with recordings)"
        for name in ("1.14", "1.15", "1.16", "1.17")
    },
    "1.11/1.12": "reads and writes, smoke-tested on its install schema (writes not compared with recordings)",
    "1.10": "reads and writes, compared with a real osTicket 1.10.4 (its help desk and its recorded writes)",
}
SUPPORTED_RANGE = (
    "osTicket 1.10.4 to 1.18 (1.18 compared with recordings of a real osTicket 1.18.1, 1.10 with a real osTicket "
    "1.10.4's help desk, 1.11 to 1.17 smoke-tested on their install schemas)"
)


@dataclass(frozen=True)
class Release:
    """The osTicket release a database is at, from its schema signature (name None: signature unknown)."""

    name: str | None
    signature: str | None

    def __str__(self):
        if self.name:
            return f"osTicket {self.name} ({SUPPORT[self.name]})"
        if self.signature is None:
            return "unknown (no schema signature in ost_config)"
        return f"an osTicket with the unknown schema signature {self.signature!r}"


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
        """Whether this database has the table (and the column): releases differ (see SINCE)."""
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
            raise SchemaError(f"cannot use the osTicket database at {_safe(self.url)}: {cause}") from exc
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


def _safe(url):
    return make_url(url).render_as_string(hide_password=True)


def diagnose(conn, prefix):
    """Return (problems, release, table names): what the bridge misses here, and the osTicket release."""
    insp = inspect(conn)
    present = set(insp.get_table_names())
    release = _release(conn, prefix, present)
    tables, columns = _wanted(release)
    problems = []
    missing_tables = [prefix + n for n in tables if prefix + n not in present]
    if missing_tables:
        problems.append("missing tables: " + ", ".join(missing_tables))
    for name, wanted in columns.items():
        if prefix + name not in present:
            continue
        have = {c["name"] for c in insp.get_columns(prefix + name)}
        missing = [c.replace("|", " or ") for c in wanted if not have.intersection(c.split("|"))]
        if missing:
            problems.append(f"table {prefix}{name} lacks columns: " + ", ".join(missing))
    if not problems and prefix + "event" in present:  # ost_event is whole: check its rows
        names = set(conn.execute(text(f"SELECT name FROM `{prefix}event`")).scalars())
        missing = [name for name in REQUIRED_EVENTS if name not in names]
        if missing:
            problems.append(f"table {prefix}event lacks the events: " + ", ".join(missing))
    return problems, release, present


def _wanted(release):
    """(tables, {table: columns}) this database must have: every release's, plus what its own release brought."""
    tables = list(REQUIRED_COLUMNS)
    columns = {name: wanted.split() for name, wanted in {**REQUIRED_COLUMNS, **RELEASE_TABLES}.items()}
    names = list(RELEASES.values())
    for since, brought in SINCE.items():
        if release.name is None or names.index(release.name) < names.index(since):
            continue
        for item in brought.split():
            table, _, column = item.partition(".")
            if column:
                columns[table].append(column)
            else:
                tables.append(table)
    return tables, columns


def _release(conn, prefix, present):
    if prefix + "config" not in present:
        return Release(None, None)
    signature = conn.execute(
        text(f"SELECT value FROM `{prefix}config` WHERE namespace='core' AND `key`='schema_signature'")
    ).scalar()
    return Release(RELEASES.get(signature), signature)


def schema_message(url, problems, release):
    lacks = "; ".join(problems)
    at = f"{_safe(url)} ({release})"
    return f"the database at {at} lacks what the bridge needs: {lacks}. Supported: {SUPPORTED_RANGE}"
