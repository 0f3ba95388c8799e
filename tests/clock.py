"""The database clock the tests run at.

osTicket's recordings hold absolute times (a ticket due on 2 December, say), and what osTicket did depended on the
clock then: a close clears a due date that lies behind. Replaying a recording and acting on it today compares the
bridge at today's clock with osTicket at the recording's, a test that fails on the day the due date passes. So a
database made from a recorded install runs at its recording's clock: ``pin`` it, and every connection to it (the
app's, the test's own) gets that time, moving on from the pin as real time does, through MariaDB's and MySQL's
session ``timestamp`` (NOW() and friends follow it; SYSDATE() does not, which is how the real time is read).

OSTICKET_TEST_CLOCK_SHIFT_DAYS runs every other database of the test server that many days from today (negative: in
the past), to show that no test depends on the calendar: ``OSTICKET_TEST_CLOCK_SHIFT_DAYS=400 make test``. Servers a
test starts itself (a replica pair, other hosts) keep the real clock: replication measures its lag by it. A test that
counts a request's statements on a dying connection marks itself ``real_clock``: the shift's own statement at
checkout would meet the dead connection first.
"""

import os

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

from osticket_bridge.drivers import DRIVER_ERRORS

_offsets = {}  # database name -> seconds the database's clock runs behind the real one
_SHIFT = int(float(os.environ.get("OSTICKET_TEST_CLOCK_SHIFT_DAYS") or 0) * 86400)
_shifted = set()  # (host, port) of the test server, whose other databases run _SHIFT seconds away
paused = False  # a real_clock test is running


def shift(server_url):
    """The other databases of this server run OSTICKET_TEST_CLOCK_SHIFT_DAYS away from today."""
    url = make_url(server_url)
    _shifted.add((url.host or "localhost", url.port or 3306))


def pin(db_url, at):
    """From now on, ``db_url``'s database reads the time as if it were ``at`` ("YYYY-MM-DD HH:MM:SS", the server's
    time zone) now."""
    url = make_url(db_url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            lag = conn.execute(text("SELECT UNIX_TIMESTAMP(SYSDATE(6)) - UNIX_TIMESTAMP(:at)"), {"at": at}).scalar()
    finally:
        engine.dispose()
    _offsets[url.database] = float(lag)


def _database(dbapi_connection):
    name = getattr(dbapi_connection, "db", None)
    return name.decode() if isinstance(name, bytes) else name


@event.listens_for(Pool, "checkout")
def _set_clock(dbapi_connection, _record, _proxy):
    offset = _offsets.get(_database(dbapi_connection))
    if offset is None and not paused and (dbapi_connection.host, dbapi_connection.port) in _shifted:
        offset = -_SHIFT
    if not offset:
        return
    try:
        with dbapi_connection.cursor() as cur:
            cur.execute("SET timestamp = UNIX_TIMESTAMP(SYSDATE(6)) - %s", (offset,))
    except DRIVER_ERRORS as exc:  # a connection killed at rest: the pool replaces it, as it would
        raise DisconnectionError(str(exc)) from exc
