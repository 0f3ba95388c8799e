"""Ticket numbers: osTicket's format language, random and sequential numbers, and the shared number lock."""

import pytest
from sqlalchemy import create_engine, text
from update_helpers import execute

from osticket_bridge.osticket import numbers

LOCK = "SELECT IS_FREE_LOCK(LEFT(CONCAT(DATABASE(), '.ost_ticket_number'), 64))"


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


def _next(app, topic=None):
    db = app.extensions["osticket"]
    with numbers.ticket_transaction(db) as conn:
        return numbers.next_number(db, conn, db.catalog.get(conn), topic)


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


def test_the_number_lock_is_held_until_the_transaction_ends(fresh_app, fresh_baseline_db):
    db = fresh_app(fresh_baseline_db).extensions["osticket"]
    other = create_engine(fresh_baseline_db)
    with other.connect() as watcher:
        with numbers.ticket_transaction(db) as conn:
            assert watcher.execute(text(LOCK)).scalar() == 0
            numbers.next_number(db, conn, db.catalog.get(conn))
        assert watcher.execute(text(LOCK)).scalar() == 1
        with pytest.raises(RuntimeError), numbers.ticket_transaction(db) as conn:
            numbers.next_number(db, conn, db.catalog.get(conn))
            raise RuntimeError("a later step fails")
        assert watcher.execute(text(LOCK)).scalar() == 1
    other.dispose()


def test_numbers_are_handed_out_under_the_lock_only(fresh_app, fresh_baseline_db):
    db = fresh_app(fresh_baseline_db).extensions["osticket"]
    with pytest.raises(RuntimeError), db.engine.begin() as conn:
        numbers.next_number(db, conn, db.catalog.get(conn))


def test_a_held_lock_makes_the_number_unavailable(fresh_app, fresh_baseline_db, monkeypatch):
    db = fresh_app(fresh_baseline_db).extensions["osticket"]
    monkeypatch.setattr(numbers, "LOCK_SECONDS", 0)
    other = create_engine(fresh_baseline_db)
    with other.connect() as holder:
        holder.execute(text("SELECT GET_LOCK(LEFT(CONCAT(DATABASE(), '.ost_ticket_number'), 64), 0)"))
        with pytest.raises(numbers.NumberUnavailable), numbers.ticket_transaction(db):
            pass
    other.dispose()
