"""A Ticket Details date field (DatetimeField) edited by an agent, or answered on a new ticket through the API, as
osTicket 1.18.1 stores, checks and searches it.

The panel's picker text (the API's value) is read as UTC (bootstrap.php sets PHP's zone to UTC and
Format::parseDateTime reads a text without a zone in it), then DatetimePickerWidget::getValue writes it in the field's
zone, else the agent's (the API has none: the desk's), as "Y-m-d H:i:s T". FormField::toString prints it in the
agent's (the desk's) zone with ICU's short forms (the en_US form). osTicket 1.10.4's DatetimePickerWidget::getValue
reads the panel's text in that zone itself (new DateTime($value, $zone)); its API keeps the text sent."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..catalog.forms import Answer, configuration, searchable
from ..catalog.sla import first_zone
from ..errors import FieldError
from ..rules.filter_data import desk_date

SENT = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
STORED = re.compile(r"(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}(?::\d{2})?))?(?: (\S+))?$")


def date_change(field, name, stored, value, agent_zone, v110=False):
    """(old, new, cache key) as DatetimeField's to_php/to_database give them (an answer without a date reads 0).
    ``v110``: the text is read in the field's zone, else the agent's, as osTicket 1.10.4's widget reads it."""
    new = _written(_picked(field, name, value, agent_zone, local=v110))
    old = stored if parsed(stored, agent_zone) else 0
    return old, new, new


def date_answer(field, name, value, desk_zone, v110=False):
    """A date field's answer on a new ticket through the API (Ticket::create; no agent, so the desk's zone): 1.18
    writes the moment as date_change does, 1.10 keeps the text as sent; the cache holds the same and the search row
    the moment (read as UTC on both) as the desk prints it (DatetimeField::toString)."""
    picked = _picked(field, name, value, desk_zone)
    stored = str(value) if v110 else _written(picked)
    printed = desk_date(picked.astimezone(desk_zone), bool(configuration(field).get("time")), v110)
    return Answer(field, stored, None, stored, searchable(printed))


def _picked(field, name, value, zone, local=False):
    """The moment sent, in the field's zone, else ``zone``: read as UTC or (``local``) in that zone; it must lie within
    the field's earliest and latest dates (DatetimeField::validateEntry; its "future" setting limits the picker
    alone)."""
    config = configuration(field)
    field_zone = first_zone(config.get("timezone"), default=zone)
    sent = _sent(name, value, "in the field's zone, else the agent's" if local else "UTC, as osTicket reads it")
    # a time the zone skips moves ahead by the gap, as PHP's DateTime does (the UTC round trip)
    picked = (sent.replace(tzinfo=field_zone) if local else sent.replace(tzinfo=UTC)).astimezone(UTC)
    picked = picked.astimezone(field_zone)
    earliest, latest = parsed(config.get("min"), zone), parsed(config.get("max"), zone)
    if earliest and picked < earliest:
        raise FieldError(name, f"the date is earlier than permitted ({earliest:%Y-%m-%d})")
    if latest and picked > latest:
        raise FieldError(name, f"the date is later than permitted ({latest:%Y-%m-%d})")
    return picked


def _written(picked):
    """DatetimePickerWidget::getValue's "Y-m-d H:i:s T"."""
    return f"{picked:%Y-%m-%d %H:%M:%S} {picked.tzname()}"


def date_searchable(field, stored, agent_zone):
    """DatetimeField::toString of a stored answer: the moment in the agent's zone, with its time if the field has
    one."""
    when = parsed(stored, agent_zone)
    if not when:
        return None
    return searchable(desk_date(when.astimezone(agent_zone), bool(configuration(field).get("time")), False))


def parsed(text, agent_zone):
    """A stored date ("Y-m-d H:i:s T", or a Unix time) as a moment, None if there is none. The zone is read as PHP's
    strtotime does for the names it shares with the tz database and for offsets; an abbreviation only a zone uses
    (EDT) from the agent's zone when it names it so."""
    if text in (None, "", 0, "0"):
        return None
    if str(text).isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    found = STORED.match(str(text).strip())
    if not found:
        return None
    day, time, zone = found.groups()
    local = datetime.fromisoformat(f"{day} {time or '00:00'}")
    return local.replace(tzinfo=_zone(zone, local, agent_zone))


def _zone(name, local, agent_zone):
    if not name:
        return UTC
    if re.fullmatch(r"[+-]\d{2}(:?\d{2})?", name):
        return datetime.strptime(name if len(name) > 3 else f"{name}00", "%z").tzinfo
    if local.replace(tzinfo=agent_zone).tzname() == name:
        return agent_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _sent(name, value, read_as):
    """The date sent, without its zone; ``read_as`` says in the refusal which zone it is read in."""
    for form in SENT:
        try:
            return datetime.strptime(str(value).strip(), form)
        except ValueError:
            continue
    raise FieldError(name, f"a date field takes YYYY-MM-DD HH:MM ({read_as}) or YYYY-MM-DD")
