"""Live events: the feed read from osTicket's rows, webhook deliveries, and what the end users' streams wait on.

Every serving process runs two daemon threads on a small pool of its own (never the requests' connections):
the feed loop (one process at a time ingests; every process then tells its streams about new events) and the
delivery loop. Nothing here runs on a request's path, so a slow endpoint never slows an API request.
"""

import logging
import os
import threading
import time

from sqlalchemy import MetaData, Table, func, inspect, literal_column, select
from sqlalchemy.exc import SQLAlchemyError

from .. import bridge_tables, metrics
from ..db import make_engine
from .feed import Feed
from .sender import Deliveries, Policy

log = logging.getLogger(__name__)

TABLES = ("event", "event_position", "webhook", "webhook_delivery")
EXTENSION = "osticket_events"
ERROR_PAUSE = 5.0
METRICS_SECONDS = 60.0
PURGE_SECONDS = 3600.0


class Tables:
    def __init__(self, conn, prefix):
        metadata = MetaData()
        for name in TABLES:
            setattr(self, name, Table(bridge_tables.table_name(prefix, name), metadata, autoload_with=conn))


def reflect_tables(conn, prefix):
    """The event tables, or None when `osticket-bridge create-tables` has not created them all."""
    names = [bridge_tables.table_name(prefix, name) for name in TABLES]
    if not all(inspect(conn).has_table(name) for name in names):
        return None
    return Tables(conn, prefix)


def policy_from(config):
    return Policy(
        first_retry=config["OSTICKET_WEBHOOK_FIRST_RETRY_SECONDS"],
        give_up=config["OSTICKET_WEBHOOK_GIVE_UP_SECONDS"],
        disable_after=config["OSTICKET_WEBHOOK_DISABLE_SECONDS"],
        timeout=config["OSTICKET_WEBHOOK_TIMEOUT_SECONDS"],
        allow_private=config["OSTICKET_WEBHOOK_ALLOW_PRIVATE"],
    )


class Events:
    """This process's feed and delivery loops, and the newest event id it knows of (streams wait on it)."""

    def __init__(self, db, tables, config):
        self.db = db
        self.looping = config["OSTICKET_EVENTS"].strip().lower() not in ("off", "0", "false", "no")
        self.engine = make_engine(db.url, pool_size=2)
        self.tables = tables
        self.poll = config["OSTICKET_EVENTS_POLL_SECONDS"]
        self.retention_days = config["OSTICKET_EVENTS_RETENTION_DAYS"]
        self.feed = Feed(db, self.engine, tables, gap_seconds=config["OSTICKET_EVENTS_GAP_SECONDS"])
        self.deliveries = Deliveries(self.engine, tables, policy_from(config))
        self.newest = threading.Condition()
        self.newest_id = 0
        self._threads = []
        self._pid = None
        self._start_lock = threading.Lock()
        self._stopping = threading.Event()
        self._wake_sender = threading.Event()
        self._last_metrics = self._last_purge = time.monotonic()

    def ensure_running(self):
        """Start the loops in this process unless they run already (a forked worker starts its own)."""
        if not self.looping:
            return
        with self._start_lock:
            if self._pid == os.getpid() and all(t.is_alive() for t in self._threads):
                return
            self._stopping.clear()
            self._pid = os.getpid()
            self._threads = [
                threading.Thread(target=self._loop, args=(step, wait), name=name, daemon=True)
                for step, wait, name in (
                    (self.feed_once, self._stopping.wait, "osticket-bridge-feed"),
                    (self.send_once, self._sender_wait, "osticket-bridge-hooks"),
                )
            ]
            for thread in self._threads:
                thread.start()

    def stop(self, timeout=5):
        self._stopping.set()
        self._wake_sender.set()
        with self.newest:
            self.newest.notify_all()
        if self._pid == os.getpid():
            for thread in self._threads:
                thread.join(timeout)
        self.engine.dispose()

    @property
    def stopping(self):
        return self._stopping.is_set()

    def _loop(self, step, wait):
        while not self._stopping.is_set():
            try:
                pause = step()
            except SQLAlchemyError as exc:
                log.warning("events: cannot reach the database (%s); trying again in %ss", exc.__class__.__name__,
                            ERROR_PAUSE)  # fmt: skip
                pause = ERROR_PAUSE
            except Exception:  # a bug must not end the loop for the life of the worker
                log.exception("events: unexpected error; trying again in %ss", ERROR_PAUSE)
                pause = ERROR_PAUSE
            wait(pause)

    def _sender_wait(self, pause):
        self._wake_sender.wait(pause)  # a new event (here or in another process) ends the pause
        self._wake_sender.clear()

    def feed_once(self):
        """One poll: ingest (unless another process does), tell this process's streams what is new; the metrics line
        every minute and the purge every hour."""
        if self.feed.ingest():
            self._wake_sender.set()
        self.note_newest()
        now = time.monotonic()
        if now - self._last_metrics >= METRICS_SECONDS:
            self._last_metrics = now
            self.log_metrics()
        if now - self._last_purge >= PURGE_SECONDS:
            self._last_purge = now
            self.purge()
        return self.poll

    def note_newest(self):
        """Read the newest event id; wake the streams (and the sender) when it moved. Returns it."""
        with self.engine.connect() as conn:
            newest = conn.execute(select(func.coalesce(func.max(self.tables.event.c.id), 0))).scalar()
        if newest != self.newest_id:
            with self.newest:
                self.newest_id = newest
                self.newest.notify_all()
            self._wake_sender.set()  # another process ingested: its deliveries may be ours to send
        return newest

    def send_once(self):
        self.deliveries.deliver_due(lambda: self._stopping.is_set())
        return self.poll

    def wait_newer(self, than, timeout):
        """Block until an event newer than ``than`` is known (or ``timeout`` seconds pass); the newest id."""
        if not self.looping:  # no feed loop in this process (OSTICKET_EVENTS=off): look for ourselves
            deadline = time.monotonic() + timeout
            while True:
                self.note_newest()
                left = deadline - time.monotonic()
                if self.newest_id > than or left <= 0 or self.stopping:
                    return self.newest_id
                self._stopping.wait(min(self.poll, left))
        with self.newest:
            self.newest.wait_for(lambda: self.newest_id > than or self._stopping.is_set(), timeout)
            return self.newest_id

    def log_metrics(self):
        with self.engine.connect() as conn:
            state = lag(conn, self.db, self.tables)
        behind = state["behind"]
        if behind["E"] is not None:
            metrics.events_backlog(behind["E"][0] + behind["V"][0], state["pending"])
        log.info(
            "events: ingested %d, webhooks delivered %d, retried %d, failed %d in this process; %s",
            self.feed.stored, self.deliveries.counts["delivered"], self.deliveries.counts["retried"],
            self.deliveries.counts["failed"], describe(state),
        )  # fmt: skip

    def purge(self):
        with self.engine.begin() as conn:
            deleted = purge(conn, self.tables, self.retention_days)
        if deleted:
            log.info("events: purged %d events older than %d days", deleted, self.retention_days)


def lag(conn, db, tables):
    """What `check` and the metrics line report: rows not yet read, gaps watched, deliveries waiting."""
    pos = tables.event_position
    positions = {row.source: row for row in conn.execute(select(pos))}
    behind = {}
    for source, table in (("E", db.tables.thread_entry), ("V", db.tables.thread_event)):
        top = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()
        position = positions.get(source)
        behind[source] = None if position is None else (top - position.last_id, position.gaps.count(":"))
    d = tables.webhook_delivery
    pending, oldest = conn.execute(
        select(func.count(), func.timestampdiff(literal_column("SECOND"), func.min(d.c.created), func.now()))
        .select_from(d)
        .where(d.c.status == "pending")
    ).one()
    since_poll = func.timestampdiff(literal_column("SECOND"), func.max(pos.c.updated), func.now())
    updated = conn.execute(select(since_poll)).scalar()
    return {"behind": behind, "pending": pending, "oldest_pending": oldest, "since_poll": updated}


def describe(state):
    behind = state["behind"]
    if behind["E"] is None:
        return "feed not started yet (it starts with the first serving process)"
    parts = [
        f"feed {behind['E'][0]} entries and {behind['V'][0]} thread events behind, last poll {state['since_poll']}s "
        f"ago, {behind['E'][1] + behind['V'][1]} uncommitted ids watched",
        f"{state['pending']} webhook deliveries pending"
        + (f" (oldest {state['oldest_pending']}s)" if state["pending"] else ""),
    ]
    return "; ".join(parts)


def purge(conn, tables, days):
    """Delete events older than ``days`` none of whose deliveries is still pending, and their deliveries."""
    e, d = tables.event, tables.webhook_delivery
    cutoff = func.timestampadd(literal_column("DAY"), -days, func.now(6))
    pending = select(d.c.event_id).where(d.c.status == "pending")
    ids = list(conn.execute(select(e.c.id).where(e.c.ingested < cutoff, e.c.id.not_in(pending)).limit(10000)).scalars())
    if not ids:
        return 0
    conn.execute(d.delete().where(d.c.event_id.in_(ids)))
    return conn.execute(e.delete().where(e.c.id.in_(ids))).rowcount


def init_app(app):
    """Attach the events once the database answers (unless the tables are missing) and start the loops (unless
    OSTICKET_EVENTS=off: then the pull feed and the streams still answer, from what other processes store)."""
    db = app.extensions["osticket"]
    db.when_ready(lambda: _attach(app, db))

    @app.before_request
    def keep_running():
        events = app.extensions.get(EXTENSION)
        if events is not None:
            events.ensure_running()


def _attach(app, db):
    with db.engine.connect() as conn:
        tables = reflect_tables(conn, db.prefix)
    if tables is None:
        log.warning("events are off: the event tables are missing (`osticket-bridge create-tables`)")
        return
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = Events(db, tables, app.config)
    app.extensions[EXTENSION].ensure_running()


def stop(app, timeout=5):
    events = app.extensions.get(EXTENSION)
    if events is not None:
        events.stop(timeout)
