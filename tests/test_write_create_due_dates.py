"""SLA due dates (est_duedate) as osTicket 1.18 computes them, on the real fresh install's schedules.

The fresh install's SLA 1 has 18 hours; core.schedule_id is "Monday - Friday 8am - 5pm with U.S. Holidays";
2026-11-27 is a Friday, the day after Thanksgiving.
"""

from datetime import UTC, date, datetime

import pytest
from update_helpers import execute

from osticket_bridge.osticket.catalog.cache import cached_catalog
from osticket_bridge.osticket.catalog.schedules import Entry
from osticket_bridge.osticket.catalog.sla import due_date

CREATED = "2026-11-27 18:15:37"  # golden create_ticket_api


def due(app, start, sla_id=1, dept_id=4, timezone=None):
    db = app.extensions["osticket"]
    with db.engine.connect() as conn:
        return due_date(
            db, conn, cached_catalog(db, conn), sla_id=sla_id, dept_id=dept_id, start=start, timezone=timezone
        )


@pytest.fixture
def app(fresh_app, fresh_baseline_db):
    return fresh_app(fresh_baseline_db)


CASES = [
    # Hours running out exactly at Tuesday's closing end at the next opening (golden create_ticket_api).
    (CREATED, None, "2026-12-02 08:00:00"),
    # A client in New York with a schedule without a zone: counted in New York (golden user_reply_reopens).
    ("2026-11-27 18:15:54", "America/New_York", "2026-12-01 18:15:54"),
    # Thanksgiving (fourth Thursday of November) is a holiday.
    ("2026-11-25 12:00:00", None, "2026-11-30 12:00:00"),
    ("2026-11-30 09:00:00", None, "2026-12-02 09:00:00"),
    # Christmas Day and the weekend.
    ("2026-12-24 16:00:00", None, "2026-12-29 16:00:00"),
    # Before opening: the whole day counts (and the quirk again).
    ("2026-11-30 06:00:00", None, "2026-12-02 08:00:00"),
]


@pytest.mark.parametrize(("start", "zone", "expected"), CASES)
def test_grace_hours_count_working_hours_of_the_default_schedule(app, start, zone, expected):
    assert due(app, start, timezone=zone) == expected


def test_a_naive_datetime_start_is_read_as_db_time(app):
    assert due(app, datetime(2026, 11, 27, 18, 15, 37)) == "2026-12-02 08:00:00"


def test_the_departments_schedule_wins_and_a_full_day_counts_86399_seconds(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_department SET schedule_id = 2 WHERE id = 4")  # 24/7
    assert due(fresh_app(fresh_baseline_db), CREATED) == "2026-11-28 12:15:38"


def test_the_schedules_own_zone_is_used(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_schedule SET timezone = 'America/New_York' WHERE id = 1")
    assert due(fresh_app(fresh_baseline_db), CREATED) == "2026-12-01 18:15:37"


def test_without_a_schedule_clock_hours_are_added(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '0' WHERE `key` = 'schedule_id' AND namespace = 'core'")
    assert due(fresh_app(fresh_baseline_db), CREATED) == "2026-11-28 12:15:37"


def test_a_schedule_without_entries_falls_back_to_clock_hours(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "DELETE FROM ost_schedule_entry WHERE schedule_id = 1")
    assert due(fresh_app(fresh_baseline_db), CREATED) == "2026-11-28 12:15:37"


def test_no_due_date_without_an_active_sla(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_sla SET flags = flags & ~1 WHERE id = 1")
    app = fresh_app(fresh_baseline_db)
    assert due(app, CREATED) is None
    assert due(app, CREATED, sla_id=0) is None
    assert due(app, CREATED, sla_id=99) is None


def test_nth_weekday_holidays_follow_phps_relative_dates():
    """ "September 2025 First Monday": PHP counts Mondays strictly after September 1st (itself a Monday)."""
    labor_day = Entry("yearly", _at("2019-09-02 00:00:00"), _at("2019-09-02 23:59:59"), None, day=1, week=1, month=9)
    assert list(labor_day.occurrences(_at("2025-01-01 00:00:00"), date(2026, 12, 31))) == [
        date(2025, 9, 8),
        date(2026, 9, 7),
    ]
    memorial = Entry("yearly", _at("2019-05-27 00:00:00"), _at("2019-05-27 23:59:59"), None, day=1, week=-1, month=5)
    assert list(memorial.occurrences(_at("2026-01-01 00:00:00"), date(2026, 12, 31))) == [date(2026, 5, 25)]


def _at(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
