"""Business-hours schedules as osTicket 1.18 walks them (``BusinessHours``, ``ScheduleEntry``; DATA_MODEL §2a).

Entries are expanded with PHP's relative-date rules (``DateTime::modify``) and osTicket's quirks: hours that run
out exactly at a closing time end at the next opening, a 24-hour day counts 86399 seconds, and "the Nth weekday
of a month" counts weekdays strictly after the 1st.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

OCCURRENCES = 5  # ScheduleEntry::getOccurrences' $num
LOOKAHEAD = timedelta(hours=72)  # BusinessHours::initOccurrences' grace period
MAX_ROUNDS = 1000  # osTicket would loop for ever on a schedule that never opens


@dataclass
class Entry:
    """One ost_schedule_entry row: a (repeating) span of time on a day."""

    repeats: str
    starts: datetime
    ends: datetime
    stops: datetime | None
    day: int | None
    week: int | None
    month: int | None

    @classmethod
    def from_row(cls, row, zone):
        starts = _at(row["starts_on"], row["starts_at"], zone)
        ends = _at(row["ends_on"], row["ends_at"], zone)
        stops = row["stops_on"].replace(tzinfo=zone) if row["stops_on"] else None
        if stops is None and row["repeats"] == "never":
            stops = ends
        return cls(row["repeats"], starts, ends, stops, row["day"], row["week"], row["month"])

    @property
    def starts_time(self):
        return self.starts.time()

    @property
    def ends_time(self):
        return self.ends.time()

    def diff(self):
        return int((self.ends - self.starts).total_seconds())

    def diff_time(self, moment):
        """Seconds from ``moment``'s time of day to the end of the span (on the entry's own reference day)."""
        same_time = datetime.combine(self.starts.date(), moment.time(), self.starts.tzinfo)
        return int((self.ends - same_time).total_seconds())

    def is_full_day(self):
        return (self.diff() + 1) / 3600 >= 24

    def occurrences(self, start, end):
        """{date: self} for up to five occurrences from ``start``'s day until ``end`` (a date, or None)."""
        found = {}
        current = self._first(start)
        while current is not None and len(found) < OCCURRENCES:
            if end is not None and current.date() > end:
                break
            if current.date() >= start.date():
                found[current.date()] = self
            current = self._next(current)
        return found

    def _first(self, moment):
        moment = max(moment, self.starts, key=lambda m: m.timestamp())
        if self.stops is not None and self.stops < moment:
            return None
        return self._apply(moment)

    def _next(self, current):
        step = {
            "daily": lambda d: d + timedelta(days=1),
            "weekends": lambda d: d + timedelta(days=1),
            "weekly": lambda d: d + timedelta(weeks=1),
            "weekdays": _next_weekday,
            "monthly": lambda d: _add_months(d, 1),
            "yearly": lambda d: _add_months(d, 12),
        }.get(self.repeats)
        if step is None:
            return None
        current = self._apply(datetime.combine(step(current.date()), current.time(), current.tzinfo))
        if self.stops is not None and self.stops < current:
            return None
        return current

    def _apply(self, moment):
        """ScheduleEntry::getIntervalSpec + DateTime::modify: the occurrence on or after ``moment``'s day."""
        day, keep_time = self._spec_day(moment.date())
        clock = moment.time() if keep_time else time(0)
        return datetime.combine(day, clock, moment.tzinfo)

    def _spec_day(self, d):
        repeats, weekday = self.repeats, self.day or 0
        if repeats == "never":
            return self.starts.date(), True
        if repeats == "daily":
            return d, False
        if repeats == "weekdays":
            return (_next_weekday(d) if d.isoweekday() > 5 else d), False
        if repeats == "weekends":
            return (d if d.isoweekday() > 5 else _weekday_after(d, 6)), False
        if repeats == "weekly":
            return _weekday_on_or_after(d, weekday), False
        if repeats == "monthly":
            if not self.week and weekday > 0:
                return _day_of_month(d.year, d.month, weekday), True
            return _weekday_of_month(d.year, d.month, weekday, self.week), False
        if repeats == "yearly":
            if self.week and self.week > 0:
                # "November 2026 Fourth Thursday": PHP counts Thursdays strictly after the 1st.
                return _weekday_after(date(d.year, self.month, 1), weekday) + timedelta(weeks=self.week - 1), False
            if self.week == -1:
                return _weekday_of_month(d.year, self.month, weekday, -1), False
            return _day_of_month(d.year, self.month, weekday), True
        return d, True


class Schedule:
    """A business-hours schedule: its zone, its entries and the entries of its holiday schedules."""

    def __init__(self, zone, entries, holiday_entries):
        self.zone = zone
        self.entries = entries
        self.holiday_entries = holiday_entries

    def add_working_hours(self, start, hours):
        """BusinessHours::addWorkingHours; None when the schedule has no entries (osTicket then adds clock hours)."""
        if not hours:
            return start
        if not self.entries:
            return None
        moment = start.astimezone(self.zone)
        wanted, counted = hours * 3600, 0
        workhours = {}
        for _ in range(MAX_ROUNDS):
            if counted >= wanted:
                return moment
            workhours, holidays = self._occurrences(moment, workhours)
            if not workhours:
                return moment
            for day, entry in sorted(workhours.items()):
                partial = False
                if day == moment.date():
                    if moment.time() > entry.ends_time:
                        continue
                    partial = moment.time() >= entry.starts_time
                elif _utc_epoch(day, entry.ends_time) < moment.timestamp():
                    continue
                lead = 0
                holiday = holidays.get(day)
                if holiday is not None:
                    moment = datetime.combine(day, holiday.ends_time, moment.tzinfo)
                    if holiday.is_full_day():
                        continue
                    partial = True
                    lead = max(0, _seconds(holiday.starts_time) - _seconds(entry.starts_time))
                counted += entry.diff_time(moment) + lead if partial else entry.diff()
                moment = datetime.combine(day, entry.ends_time, moment.tzinfo)
                if counted > wanted:
                    return moment - timedelta(seconds=round(counted - wanted))
        return None

    def _occurrences(self, moment, previous):
        """BusinessHours::initOccurrences: work days (and their holidays) from ``moment`` for about 72 hours."""
        if moment.date() in previous:
            moment = moment + timedelta(days=1)
        until = (moment + LOOKAHEAD).date()
        workhours = {}
        for entry in self.entries:
            for day, found in entry.occurrences(moment, until).items():
                workhours.setdefault(day, found)
        last = max(workhours) if workhours else None
        holidays = {}
        for entries in self.holiday_entries:
            for entry in entries:
                for day, found in entry.occurrences(moment, last).items():
                    holidays.setdefault(day, found)
        return workhours, holidays


def _at(day, clock, zone):
    clock = clock if isinstance(clock, time) else (datetime.min + clock).time()
    return datetime.combine(day, clock, zone)


def _seconds(clock):
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _utc_epoch(day, clock):
    # strtotime("<day> <time>") runs in PHP's default zone, which osTicket's bootstrap sets to UTC.
    return datetime.combine(day, clock, UTC).timestamp()


def _weekday_on_or_after(d, iso_day):
    return d + timedelta(days=(iso_day - d.isoweekday()) % 7)


def _weekday_after(d, iso_day):
    return d + timedelta(days=(iso_day - d.isoweekday()) % 7 or 7)


def _next_weekday(d):
    return d + timedelta(days={5: 3, 6: 2}.get(d.isoweekday(), 1))


def _day_of_month(year, month, day):
    # PHP accepts day numbers past the month's end and rolls them over ("2026-02-30" -> 2026-03-02).
    return date(year, month, 1) + timedelta(days=day - 1)


def _add_months(d, months):
    index = d.year * 12 + d.month - 1 + months
    return _day_of_month(index // 12, index % 12 + 1, d.day)


def _weekday_of_month(year, month, iso_day, week):
    """ "Second Monday of May 2026" (week 1..5) or "last Monday of May 2026" (week -1)."""
    if week == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.isoweekday() - iso_day) % 7)
    return _weekday_on_or_after(date(year, month, 1), iso_day) + timedelta(weeks=(week or 1) - 1)
