"""Ticket numbers: osTicket's format language, random and sequential numbers, and the shared number lock."""

import threading
import time

import pytest
from sqlalchemy import create_engine, text
from update_helpers import execute

from osticket_bridge.osticket.catalog.cache import cached_catalog
from osticket_bridge.osticket.tickets import numbers

LOCK = "SELECT IS_FREE_LOCK(LEFT(CONCAT(DATABASE(), '.ost_ticket_number'), 64))"
HOLD = "DO GET_LOCK(LEFT(CONCAT(DATABASE(), '.ost_ticket_number'), 64), 0)"
WAITING = (
    "SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND info LIKE 'SELECT get_lock%%' "
    "AND id <> CONNECTION_ID()"
)


@pytest.mark.parametrize(
    ("fmt", "number", "expected"),
    [
        ("TX-######-US", 123, "TX-000123-US"),
        ("TX-###-##", 42, "TX-000-42"),
        ("A-##-B", 12345, "A-12345-B"),
        ("###", 123456, "123456"),
        ("\\#-####", 7, "#-0007"),
        ("######", 386142, "386142"),
    ],
)
def test_numbers_fill_the_format_as_osticket_does(fmt, number, expected):
    assert numbers.format_number(fmt, number) == expected


def test_a_sequence_pads_with_its_own_character():
    assert numbers.format_number("T-####", 42, "x") == "T-xx42"


def _new_ticket(conn):
    return conn.execute(text("INSERT INTO ost_ticket (created, updated) VALUES (NOW(), NOW())")).lastrowid


def _next(app, topic=None):
    db = app.extensions["osticket"]
    with db.engine.connect() as conn:
        number = numbers.assign(db, conn, cached_catalog(db, conn), _new_ticket(conn), topic)
        conn.commit()
    return number


def test_random_numbers_have_at_least_six_digits_and_no_leading_zero(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_config SET value = 'R##' WHERE `key` = 'ticket_number_format'")
    app = fresh_app(fresh_baseline_db)
    for _ in range(20):
        number = _next(app)
        assert number[0] == "R" and len(number) == 7 and number[1:].isdigit() and number[1] != "0"


def test_a_sequence_skips_numbers_already_taken(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE `key` = 'ticket_sequence_id'")
    execute(fresh_baseline_db, "UPDATE ost_sequence SET next = 7 WHERE id = 1")
    execute(fresh_baseline_db, "INSERT INTO ost_ticket (number, created, updated) VALUES ('000007', NOW(), NOW())")
    app = fresh_app(fresh_baseline_db)
    assert _next(app) == "000008"
    engine = create_engine(fresh_baseline_db)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT next FROM ost_sequence WHERE id = 1")).scalar() == 9
    engine.dispose()


@pytest.mark.parametrize("index", [False, True])
def test_the_number_lock_is_held_around_the_number_only(fresh_app, fresh_baseline_db, index):
    """With the number index the lock is taken and released inside ``assign``; without it ``before_insert``
    takes it. Either way it is free once the number is set, and free again when a create fails midway."""
    if index:
        execute(fresh_baseline_db, "ALTER TABLE ost_ticket ADD INDEX bridge_number (number)")
    db = fresh_app(fresh_baseline_db).extensions["osticket"]
    assert numbers.has_index(db) is index
    other = create_engine(fresh_baseline_db)
    with other.connect() as watcher, db.engine.connect() as conn:
        with numbers.numbering(db, conn):
            numbers.before_insert(db, conn)
            assert watcher.execute(text(LOCK)).scalar() == (1 if index else 0)
            ticket_id = _new_ticket(conn)
            numbers.assign(db, conn, cached_catalog(db, conn), ticket_id)
            assert watcher.execute(text(LOCK)).scalar() == 1
        conn.rollback()
        with pytest.raises(RuntimeError), numbers.numbering(db, conn):
            numbers.before_insert(db, conn)
            raise RuntimeError("a later step fails")
        assert watcher.execute(text(LOCK)).scalar() == 1
        conn.rollback()
    other.dispose()


def test_a_held_lock_makes_the_number_unavailable(fresh_app, fresh_baseline_db):
    db = fresh_app(fresh_baseline_db).extensions["osticket"]
    db.number_lock = numbers.NumberLock(wait=0, waiters=1)
    other = create_engine(fresh_baseline_db)
    with other.connect() as holder, db.engine.connect() as conn:
        holder.execute(text(HOLD))
        with pytest.raises(numbers.NumberUnavailable) as refused:
            numbers.assign(db, conn, cached_catalog(db, conn), _new_ticket(conn))
        assert refused.value.retry_after > 0
        conn.rollback()
    other.dispose()


def test_creates_beyond_the_waiters_of_a_process_are_refused_at_once(fresh_app, fresh_baseline_db):
    """One create waits for the held lock; with waiters=1 the next one is refused without waiting."""
    db = fresh_app(fresh_baseline_db).extensions["osticket"]
    db.number_lock = numbers.NumberLock(wait=20, waiters=1)
    other = create_engine(fresh_baseline_db)
    outcome = []

    def waiting_create():
        with db.engine.connect() as conn:
            try:
                db.number_lock.take(db, conn)
            except numbers.NumberUnavailable as exc:
                outcome.append(exc)
            numbers.release(db, conn)

    with other.connect() as holder:
        holder.execute(text(HOLD))
        waiter = threading.Thread(target=waiting_create)
        waiter.start()
        for _ in range(200):  # until the waiter's GET_LOCK is running (at most 20 s)
            waiting = holder.execute(text(WAITING)).scalar()
            if waiting:
                break
            time.sleep(0.1)
        assert waiting
        with db.engine.connect() as conn, pytest.raises(numbers.NumberUnavailable, match="too many"):
            db.number_lock.take(db, conn)
        holder.execute(text("DO RELEASE_LOCK(LEFT(CONCAT(DATABASE(), '.ost_ticket_number'), 64))"))
        waiter.join(30)
    other.dispose()
    assert outcome == []  # the waiter got the lock once it was free
