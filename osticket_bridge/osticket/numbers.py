"""Ticket numbers as osTicket 1.18 makes them (DATA_MODEL §3), unique across bridge processes.

osTicket picks a number, checks that no ticket has it (``Ticket::isTicketNumberUnique``) and inserts: there is
no unique index. A ticket is created in ``ticket_transaction``, which takes a MySQL named lock shared by every
bridge process as its first statement and releases it once the transaction has ended. Taken first, before any
read, the lock also makes the transaction's snapshot (REPEATABLE READ) include every ticket an earlier holder
committed, so the existence check sees them. osTicket itself takes no lock: against osTicket the remaining
race is the one osTicket has against itself.
"""

import contextlib
import re
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

TOPIC_CUSTOM_NUMBERS = 0x1  # ost_help_topic.flags
DEFAULT_FORMAT = "######"
LOCK_SECONDS = 10
MAX_ATTEMPTS = 100
_SLOTS = re.compile(r"(?<!\\)#+")
_LOCK_HELD = "osticket_bridge.ticket_number_lock"  # key in the DBAPI connection's info


class NumberUnavailable(RuntimeError):
    """The number lock could not be taken in time, or no free number was found."""


@contextlib.contextmanager
def ticket_transaction(db):
    """One connection in one transaction holding the ticket-number lock from its first statement to its end."""
    with db.engine.connect() as conn:
        try:
            with conn.begin():
                _lock(db, conn)
                yield conn
        finally:
            if conn.info.pop(_LOCK_HELD, False):
                _release(db, conn)


def next_number(db, conn, catalog, topic=None):
    """A free number for a new ticket (topic: its ost_help_topic row or None), inside ``ticket_transaction``.

    The topic's own format and sequence apply when it has custom numbers (flag 0x1), else the global settings.
    """
    if not conn.info.get(_LOCK_HELD):
        raise RuntimeError("ticket numbers are handed out inside numbers.ticket_transaction only")
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


def slot_count(fmt):
    """Sequence::getDigitCount: the number of unescaped '#'."""
    return sum(len(m) for m in _SLOTS.findall(fmt))


def format_number(fmt, number, padding="0"):
    """Sequence::format: fill the unescaped '#' slots left to right; surplus digits follow the last slot."""
    digits = str(number).rjust(slot_count(fmt), padding)
    out, start, used = [], 0, 0
    for match in _SLOTS.finditer(fmt):
        size = match.end() - match.start()
        out.append(fmt[start : match.start()].replace("\\#", "#"))
        out.append(digits[used : used + size])
        start, used = match.end(), used + size
    out.append(digits[used:])
    out.append(fmt[start:].replace("\\#", "#"))
    return "".join(out)


def _sequence(db, conn, sequence_id):
    """The ost_sequence row, locked for this transaction (SELECT ... FOR UPDATE), or None (osTicket: random)."""
    seq = db.tables.sequence
    query = select(seq.c.id, seq.c.next, seq.c.increment, seq.c.padding).where(seq.c.id == sequence_id)
    return conn.execute(query.with_for_update()).mappings().first()


def _free(db, conn, number):
    t = db.tables.ticket
    return conn.execute(select(1).where(t.c.number == number).limit(1)).first() is None


def _lock_name(db):
    # Per database and table prefix: every bridge process serving this help desk shares it.
    return func.left(func.concat(func.database(), ".", db.prefix, "ticket_number"), 64)


def _lock(db, conn):
    got = conn.execute(select(func.get_lock(_lock_name(db), LOCK_SECONDS))).scalar()
    if got != 1:
        raise NumberUnavailable("another request holds the ticket-number lock; try again")
    conn.info[_LOCK_HELD] = True


def _release(db, conn):
    try:
        conn.execute(select(func.release_lock(_lock_name(db))))
        conn.rollback()
    except SQLAlchemyError:
        # A connection that cannot release the lock must not go back to the pool still holding it.
        conn.invalidate()
