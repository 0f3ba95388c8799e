"""Read replicas (OSTICKET_DB_REPLICA_URL): which one takes a read, and whether it may.

A thread in each process checks every replica each CHECK_EVERY seconds: one that does not answer, does not
replicate, or lags more than OSTICKET_DB_REPLICA_MAX_LAG leaves the rotation until a check finds it well again,
and reads go to the others or to the primary.

Read-your-writes across hosts: a write's response carries the primary's GTID position after it (header and
cookie, GTID_HEADER / GTID_COOKIE). A read that sends it back is served by a replica only once that replica has
applied it, waiting at most OSTICKET_DB_REPLICA_WAIT seconds (MariaDB MASTER_GTID_WAIT, MySQL
WAIT_FOR_EXECUTED_GTID_SET); otherwise by the primary. Any bridge host can honour it: the position is the
primary's, not the host's.
"""

import itertools
import logging
import os
import re
import threading

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from . import metrics
from .db import PROBE_TIMEOUTS, make_engine

log = logging.getLogger(__name__)

CHECK_EVERY = 1.0
GTID_HEADER = "X-Bridge-GTID"
GTID_COOKIE = "bridge_gtid"
# MariaDB "0-1-42,1-2-7"; MySQL "uuid:1-42,uuid:tag:1-7". Anything else is not a position this bridge gave out.
_GTID = re.compile(r"^[0-9A-Za-z_:,\-]{1,4000}$")


def parse_urls(raw):
    return [url for url in re.split(r"[\s,]+", raw) if url]


def valid_gtid(value):
    return bool(value) and bool(_GTID.match(value))


def primary_position(conn):
    """The primary's GTID position now: every transaction committed so far, this request's write included."""
    sql = "SELECT @@GLOBAL.gtid_binlog_pos" if conn.dialect.is_mariadb else "SELECT @@GLOBAL.gtid_executed"
    return conn.exec_driver_sql(sql).scalar() or None


def wait_for_position(conn, gtid, seconds):
    """Whether the replica on ``conn`` applied ``gtid`` within ``seconds``."""
    if conn.dialect.is_mariadb:
        return (
            conn.execute(text("SELECT MASTER_GTID_WAIT(:gtid, :seconds)"), dict(gtid=gtid, seconds=seconds)).scalar()
            == 0
        )
    waited = conn.execute(text("SELECT WAIT_FOR_EXECUTED_GTID_SET(:gtid, :seconds)"), dict(gtid=gtid, seconds=seconds))
    return waited.scalar() == 0


def replication_status(conn):
    """(lag in seconds, None) of the server on ``conn``, or (None, why it does not replicate)."""
    try:
        row = conn.exec_driver_sql("SHOW REPLICA STATUS").mappings().first()
    except SQLAlchemyError:  # before MariaDB 10.5.1 / MySQL 8.0.22
        row = conn.exec_driver_sql("SHOW SLAVE STATUS").mappings().first()
    if row is None:
        return None, "is not a replica (no replication configured)"

    def column(*names):
        return next((row[name] for name in names if name in row), None)

    io = column("Replica_IO_Running", "Slave_IO_Running")
    sql = column("Replica_SQL_Running", "Slave_SQL_Running")
    if io != "Yes" or sql != "Yes":
        error = column("Last_IO_Error", "Last_SQL_Error") or ""
        return None, f"replication is stopped (IO thread {io}, SQL thread {sql}) {error}".strip()
    lag = column("Seconds_Behind_Source", "Seconds_Behind_Master")
    return (None, "reports no lag (Seconds_Behind_Master is NULL)") if lag is None else (float(lag), None)


class Replica:
    def __init__(self, url, pool_size, pool_recycle, timeouts):
        url = make_url(url)
        self.name = f"{url.host}:{url.port or 3306}"
        self.engine = make_engine(url, pool_size, pool_recycle, timeouts)
        metrics.watch(self.engine, self.name, pool_size)
        self._probe = make_engine(url, timeouts=PROBE_TIMEOUTS, poolclass=NullPool)
        self.lag = None
        self.problem = "not checked yet"

    @property
    def in_rotation(self):
        return self.problem is None

    def check(self, max_lag):
        try:
            with self._probe.connect() as conn:
                lag, problem = replication_status(conn)
        except SQLAlchemyError as exc:
            lag, problem = None, f"does not answer: {getattr(exc, 'orig', None) or exc}"
        if problem is None and lag > max_lag:
            problem = f"lags {lag:.0f} s (more than OSTICKET_DB_REPLICA_MAX_LAG, {max_lag:g} s)"
        self.set_state(lag, problem)

    def set_state(self, lag, problem):
        if problem != self.problem:
            log.log(logging.INFO if problem is None else logging.WARNING, "replica %s: %s", self.name,
                    "in rotation" if problem is None else f"out of rotation: {problem}")  # fmt: skip
        self.lag, self.problem = lag, problem
        metrics.replica_state(self.name, lag, problem is None)

    def status(self):
        return {"name": self.name, "lag": self.lag, "in_rotation": self.in_rotation, "problem": self.problem}

    def dispose(self):
        self.engine.dispose()
        self._probe.dispose()


class Replicas:
    """The replicas of one primary, checked by a thread of this process, taken in turn by reads."""

    def __init__(self, urls, max_lag, wait, pool_size, pool_recycle, timeouts):
        self.replicas = [Replica(url, pool_size, pool_recycle, timeouts) for url in urls]
        self.max_lag, self.wait = max_lag, wait
        self._turn = itertools.count()
        self._pid = None
        self._start_lock = threading.Lock()
        self._stopping = threading.Event()

    def pick(self):
        """The next replica in rotation, or None (reads then go to the primary)."""
        self.ensure_checking()
        rotating = [replica for replica in self.replicas if replica.in_rotation]
        return rotating[next(self._turn) % len(rotating)] if rotating else None

    def status(self):
        self.ensure_checking()
        return [replica.status() for replica in self.replicas]

    def ensure_checking(self):
        """Start this process's checking thread unless it runs (a forked worker starts its own)."""
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="osticket-bridge-replicas", daemon=True).start()

    def _run(self):
        while not self._stopping.is_set():
            for replica in self.replicas:
                replica.check(self.max_lag)
            self._stopping.wait(CHECK_EVERY)

    def dispose(self):
        self._stopping.set()
        for replica in self.replicas:
            replica.dispose()
