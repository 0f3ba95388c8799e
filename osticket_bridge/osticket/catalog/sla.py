"""SLA due dates (ost_ticket.est_duedate) exactly as osTicket 1.18 computes them (DATA_MODEL §2a, §6).

``Ticket::getSLADueDate`` -> ``SLA::addGracePeriod``: the grace period added in working hours of the department's
schedule, else the SLA's, else core.schedule_id (osticket.schedules), in the schedule's zone; clock hours without
one, and before 1.14, which has no schedules. The SLA and its schedule are kept as long as the catalog keeps settings.
"""

import json
from datetime import datetime, timedelta
from datetime import timezone as fixed_offset
from time import monotonic
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select, text

from ..release import is_110
from .cache import CACHE_SECONDS
from .schedules import Entry, Schedule

SLA_ACTIVE = 0x1  # ost_sla.flags
BUSINESS_HOURS = 0x1  # ost_schedule.flags (else a holidays schedule)
DB_FORMAT = "%Y-%m-%d %H:%M:%S"

_db_zones = {}
_plans = {}  # SLA + schedule per (database, sla, dept, default schedule, zone): (loaded at, plan)


def due_date(db, conn, catalog, *, sla_id, dept_id, start, timezone=None):
    """Return est_duedate ("YYYY-MM-DD HH:MM:SS", DB time) for an SLA counted from ``start``, or None.

    ``start``: the ticket's ``reopened`` or ``created`` (DB time, string or naive datetime).
    ``timezone``: the acting session user's zone (agent or client account) for schedules that have none;
    the API has no session user, so osTicket falls back to core.default_timezone, then the DB's zone.
    """
    if not sla_id or start is None:
        return None
    db_zone = database_zone(db, conn)
    plan = _plan(
        db, conn, catalog, sla_id, dept_id, first_zone(timezone, catalog.setting("default_timezone"), default=db_zone)
    )
    if plan is None:
        return None
    hours, schedule = plan
    if isinstance(start, str):
        start = datetime.strptime(start, DB_FORMAT)
    start = start.replace(tzinfo=db_zone)
    due = schedule.add_working_hours(start, hours) if schedule else None
    if due is None:
        due = start + timedelta(seconds=round(hours * 3600))  # no usable schedule: clock hours
    return due.astimezone(db_zone).strftime(DB_FORMAT)


def desk_time(db, conn, catalog, value):
    """A DB time (string or naive datetime) in the help desk's zone (core.default_timezone, else the DB's)."""
    if isinstance(value, str):
        value = datetime.strptime(value, DB_FORMAT)
    db_zone = database_zone(db, conn)
    return value.replace(tzinfo=db_zone).astimezone(first_zone(catalog.setting("default_timezone"), default=db_zone))


def _plan(db, conn, catalog, sla_id, dept_id, fallback_zone):
    """(grace hours, Schedule or None) of an active SLA, else None; kept as long as the catalog keeps settings."""
    key = (str(db.engine.url), sla_id, dept_id, catalog.int_setting("schedule_id"), str(fallback_zone))
    cached = _plans.get(key)
    if cached is not None and monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    t = db.tables
    plan = None
    if not t.has("schedule"):
        # Before 1.14 there are no business hours: clock hours. osTicket 1.10 counts them for any SLA, active or not.
        query = select(t.sla.c.flags, t.sla.c.grace_period).where(t.sla.c.id == sla_id)
        sla = conn.execute(query).mappings().first()
        if sla is not None and (sla["flags"] & SLA_ACTIVE or is_110(db)):
            plan = sla["grace_period"], None
    else:
        dept_schedule = select(t.department.c.schedule_id).where(t.department.c.id == dept_id).scalar_subquery()
        query = select(t.sla.c.flags, t.sla.c.grace_period, t.sla.c.schedule_id, dept_schedule.label("dept_schedule"))
        sla = conn.execute(query.where(t.sla.c.id == sla_id)).mappings().first()
        if sla is not None and sla["flags"] & SLA_ACTIVE:
            candidates = [sla["dept_schedule"], sla["schedule_id"], catalog.int_setting("schedule_id")]
            plan = sla["grace_period"], _load_schedule(db, conn, [c for c in candidates if c], fallback_zone)
    if len(_plans) > 1000:
        _plans.clear()
    _plans[key] = (monotonic(), plan)
    return plan


def first_zone(*names, default):
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return default


def database_zone(db, conn):
    """The DB server's zone (OsticketConfig::getDbTimezone), looked up once per process and server."""
    key = str(db.engine.url)
    if key not in _db_zones:
        name, system, offset = conn.execute(
            text("SELECT @@global.time_zone, @@global.system_time_zone, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())")
        ).one()
        name = system if name == "SYSTEM" else name
        fixed = fixed_offset(timedelta(seconds=round(offset / 60) * 60))
        if name and name[0] in "+-":
            hours, _, minutes = name[1:].partition(":")
            sign = -1 if name[0] == "-" else 1
            fixed = fixed_offset(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))
            name = None
        _db_zones[key] = first_zone(name, default=fixed)
    return _db_zones[key]


def _load_schedule(db, conn, candidates, fallback_zone):
    """The first business-hours schedule among ``candidates`` with its entries and holiday schedules, or None."""
    if not candidates:
        return None
    t = db.tables
    s, e = t.schedule, t.schedule_entry
    holidays = (
        select(t.config.c.value)
        .where(t.config.c.namespace == func.concat("schedule.", s.c.id), t.config.c.key == "configuration")
        .scalar_subquery()
    )
    rows = conn.execute(
        select(s.c.id, s.c.timezone, holidays.label("configuration")).where(
            s.c.id.in_(candidates), s.c.flags.op("&")(BUSINESS_HOURS) != 0
        )
    ).mappings()
    found = {row["id"]: row for row in rows}
    chosen = next((found[c] for c in candidates if c in found), None)
    if chosen is None:
        return None
    try:
        holiday_ids = [int(i) for i in json.loads(chosen["configuration"] or "{}").get("holidays") or []]
    except (ValueError, TypeError, AttributeError):
        holiday_ids = []
    entries = {}
    query = (
        select(e, s.c.timezone.label("zone"))
        .join(s, s.c.id == e.c.schedule_id)
        .where(e.c.schedule_id.in_([chosen["id"], *holiday_ids]))
        .order_by(e.c.id)
    )
    for row in conn.execute(query).mappings():
        entry = Entry.from_row(row, first_zone(row["zone"], default=fallback_zone))
        entries.setdefault(row["schedule_id"], []).append(entry)
    return Schedule(
        first_zone(chosen["timezone"], default=fallback_zone),
        entries.get(chosen["id"], []),
        [entries.get(i, []) for i in holiday_ids],
    )
