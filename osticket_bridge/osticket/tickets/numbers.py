"""Ticket numbers as osTicket 1.18 makes them (DATA_MODEL §3), unique across bridge processes.

osTicket picks a number, checks that no ticket has it (``Ticket::isTicketNumberUnique``) and inserts: there is
no unique index. The bridge writes the new ticket with no number, and only at the end of the create, in
``assign``, takes a MySQL named lock shared by every bridge process, checks the candidate with a locking read
(``FOR SHARE``: it reads the newest committed rows and waits for uncommitted ones, where a plain read would
see the transaction's older snapshot), sets the number and releases the lock. A create holding the lock has no
further lock to wait for, so the lock is held for a few statements only. Releasing it before COMMIT is safe:
the next holder's locking read waits for this ticket's uncommitted number.

With the ``bridge_number`` index the check reads one index entry. Without it, the check scans and locks every
ticket row until COMMIT, and must never wait for another create's new row while that create waits for the
lock: so the lock is taken before the ticket row is written (``before_insert``) and creates run one at a time
from there to the number. osTicket itself takes no lock: against osTicket the remaining race is the one
osTicket has against itself.

Waits are bounded per process (``NumberLock``): a create waits at most ``wait`` seconds for the lock and at
most ``waiters`` creates wait at once, so a lock stuck elsewhere never holds every worker thread; the others
get ``NumberUnavailable`` (503 with Retry-After) at once.
"""

import contextlib
import secrets
import threading
import time

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from ... import metrics
from ...db import Unavailable
from ..catalog.sequences import format_number, slot_count

TOPIC_CUSTOM_NUMBERS = 0x1  # ost_help_topic.flags
DEFAULT_FORMAT = "######"
MAX_ATTEMPTS = 100
RETRY_AFTER = 2  # seconds a client waits before trying a create again
_HELD = "osticket_bridge_number_lock"  # attribute of the DBAPI connection holding the lock


class NumberUnavailable(Unavailable):
    """The number lock could not be taken in time, or no free number was found."""

    def __init__(self, message):
        super().__init__(message, RETRY_AFTER)


class NumberLock:
    """One per process: how long a create waits for the named lock, and how many creates may wait at once."""

    def __init__(self, wait, waiters):
        self.wait = wait
        self._waiting = threading.BoundedSemaphore(max(waiters, 1))

    def take(self, db, conn):
        if getattr(_holder(conn), _HELD, False):
            return  # taken by before_insert (or by an attempt of this request that was retried)
        if not self._waiting.acquire(blocking=False):
            metrics.number_lock_refused("too_many_waiting")
            raise NumberUnavailable("too many new tickets are waiting for a ticket number; try again")
        started = time.perf_counter()
        try:
            get_lock = db.statement("number_lock", lambda: select(func.get_lock(_lock_name(db), bindparam("wait"))))
            got = conn.execute(get_lock, {"wait": self.wait}).scalar()
        finally:
            self._waiting.release()
            metrics.number_lock_waited(time.perf_counter() - started)
        if got != 1:
            metrics.number_lock_refused("timed_out")
            raise NumberUnavailable("another request holds the ticket-number lock; try again")
        setattr(_holder(conn), _HELD, True)


def install(db, wait, waiters):
    """Give ``db`` its per-process NumberLock."""
    db.number_lock = NumberLock(wait, waiters)


@contextlib.contextmanager
def numbering(db, conn):
    """The span of a create: the lock taken by ``before_insert`` is released if the create fails before ``assign``."""
    try:
        yield
    finally:
        with contextlib.suppress(SQLAlchemyError):  # the create's own error is the one to report
            release(db, conn)


def has_index(db):
    """Whether an index starts with ost_ticket.number (``osticket-bridge add-index``), as reflected at start-up."""
    return any(next(iter(index.columns)).name == "number" for index in db.tables.ticket.indexes)


def before_insert(db, conn):
    """Call before writing the ticket row: without the number index, the lock must be held from here."""
    if not has_index(db):
        db.number_lock.take(db, conn)


def assign(db, conn, catalog, ticket_id, topic=None, **values):
    """Give the ticket ``ticket_id`` a free number (and ``values``) under the number lock; return the number.

    The topic's own format and sequence apply when it has custom numbers (flag 0x1), else the global settings.
    """
    db.number_lock.take(db, conn)
    try:
        number = _free_number(db, conn, catalog, topic)
        t = db.tables.ticket
        conn.execute(update(t).where(t.c.ticket_id == ticket_id).values(number=number, **values))
    finally:
        release(db, conn)
    return number


def release(db, conn):
    """Release the lock if this connection holds it. A connection that cannot is discarded: its session ends, and
    the server releases the lock with it."""
    holder = _holder(conn)
    if not getattr(holder, _HELD, False):
        return
    setattr(holder, _HELD, False)
    try:
        conn.execute(db.statement("number_unlock", lambda: select(func.release_lock(_lock_name(db)))))
    except SQLAlchemyError:
        conn.invalidate()
        raise


def _free_number(db, conn, catalog, topic):
    if topic is not None and topic["flags"] & TOPIC_CUSTOM_NUMBERS:
        fmt, sequence_id = topic["number_format"] or DEFAULT_FORMAT, topic["sequence_id"]
    else:
        fmt = catalog.setting("ticket_number_format") or DEFAULT_FORMAT
        sequence_id = catalog.int_setting("ticket_sequence_id")
    sequence = _sequence(db, conn, sequence_id) if sequence_id else None
    if sequence is None:
        digits = max(6, slot_count(fmt))  # RandomSequence / Misc::randNumber: the first digit is never 0
        for _ in range(MAX_ATTEMPTS):
            number = format_number(fmt, secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))
            if _free(db, conn, number):
                return number
        raise NumberUnavailable(f"no free ticket number found in {MAX_ATTEMPTS} attempts")
    value = sequence["next"]
    for _ in range(MAX_ATTEMPTS):
        number = format_number(fmt, value, sequence["padding"] or "0")
        value += sequence["increment"]
        if _free(db, conn, number):
            # osTicket writes the absolute value (next + increment for every number it skipped).
            seq = db.tables.sequence
            conn.execute(update(seq).where(seq.c.id == sequence["id"]).values(next=value, updated=func.now()))
            return number
    raise NumberUnavailable(f"no free ticket number found in {MAX_ATTEMPTS} attempts")


def _sequence(db, conn, sequence_id):
    """The ost_sequence row, locked for this transaction (SELECT ... FOR UPDATE), or None (osTicket: random)."""
    seq = db.tables.sequence
    query = select(seq.c.id, seq.c.next, seq.c.increment, seq.c.padding).where(seq.c.id == sequence_id)
    return conn.execute(query.with_for_update()).mappings().first()


def _free(db, conn, number):
    return conn.execute(db.statement("number_free", lambda: _free_query(db)), {"number": number}).first() is None


def _free_query(db):
    t = db.tables.ticket
    return select(1).where(t.c.number == bindparam("number")).limit(1).with_for_update(read=True)


def _lock_name(db):
    # Per database and table prefix: every bridge process serving this help desk shares it.
    return func.left(func.concat(func.database(), ".", db.prefix, "ticket_number"), 64)


def _holder(conn):
    """The DBAPI connection under ``conn``: the lock belongs to its session, and dies with it."""
    try:
        return conn.connection.dbapi_connection
    except SQLAlchemyError:
        return None
