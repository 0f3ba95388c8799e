"""Ticket filters as osTicket's TicketFilter runs them on a new ticket (class.filter.php): data in, decisions out.

``load`` reads the filters of a target (kept with the catalog, so an admin's change shows within its 30 s);
``run`` matches them against the ticket's values in execution order and returns what their actions decide.
"""

import functools
import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from .preg import PatternError, preg_match

log = logging.getLogger(__name__)

TARGETS = {"api": "API", "web": "Web"}  # TicketFilter::origin2target for the bridge's two ways in


@dataclass(frozen=True)
class Filter:
    id: int
    name: str
    match_all: bool
    stop: bool
    rules: tuple  # (what, how, val)
    actions: tuple  # (type, configuration dict), by sort


@dataclass
class Decisions:
    """The ticket's values the matching filters set (osTicket's $vars keys), and the filters that matched."""

    values: dict = field(default_factory=dict)  # deptId, topicId, priorityId, slaId, staffId, teamId, statusId...
    matched: list = field(default_factory=list)  # Filter, up to the first that stops on a match
    rejected_by: Filter | None = None
    emails: list = field(default_factory=list)  # "Send an Email" configurations met before any reject, in order
    filters: tuple = ()  # the filters that ran, and the values their rules read: for 1.18's second match
    read: dict = field(default_factory=dict)

    @functools.cached_property
    def matched_once_created(self):
        """1.18's second match, once the ticket exists (filterTicketData with $postCreate): the values read
        before, but topicId names the topic a filter set (a rule on the priority still reads the priority asked
        for: the form keeps it). 1.18 writes the events and sends the e-mails of these filters."""
        topic = self.values.get("topicId")
        return matching(self.filters, {**self.read, "topicId": str(topic)} if topic else self.read)


def load(db, conn, catalog, target):
    """The active filters for ``target`` ("API" or "Web") in execorder, with their rules and actions."""
    return catalog.kept(("filters", target), lambda: _read(db, conn, target))


def _read(db, conn, target):
    t = db.tables
    f, r, a = t.filter, t.filter_rule, t.filter_action
    found = conn.execute(
        select(f.c.id, f.c.name, f.c.match_all_rules, f.c.stop_onmatch)
        .where(f.c.isactive == 1, f.c.target.in_(("Any", target)))
        .order_by(f.c.execorder, f.c.id)
    ).all()
    ids = [row.id for row in found]
    rules, actions = {}, {}
    if ids:
        for row in conn.execute(select(r.c.filter_id, r.c.what, r.c.how, r.c.val).where(r.c.filter_id.in_(ids))):
            rules.setdefault(row.filter_id, []).append((row.what, row.how, row.val))
        query = select(a.c.filter_id, a.c.type, a.c.configuration).where(a.c.filter_id.in_(ids))
        for row in conn.execute(query.order_by(a.c.sort, a.c.id)):
            actions.setdefault(row.filter_id, []).append((row.type, json_object(row.configuration)))
    return tuple(
        Filter(row.id, row.name, bool(row.match_all_rules), bool(row.stop_onmatch),
               tuple(rules.get(row.id, ())), tuple(actions.get(row.id, ())))
        for row in found
    )  # fmt: skip


def json_object(text):
    """A JSON object's dict; {} for anything else (an admin-edited column is never trusted)."""
    try:
        config = json.loads(text or "{}")
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def run(filters, values, v110=False, active=None):
    """Decisions of the filters for the ticket's ``values`` (name, email, field.<id>, topicId, body).

    A reject stops everything (osTicket throws RejectedException from the action). ``active``: the ids of the
    active departments and topics ({"dept": set, "topic": set}); a filter's disabled department or topic is
    skipped, as its action checks Dept/Topic::isActive.
    """
    decisions = Decisions(filters=tuple(filters), read=values)
    for candidate in matching(filters, values, v110):
        decisions.matched.append(candidate)
        for kind, config in candidate.actions:
            if kind == "reject":
                decisions.rejected_by = candidate
                return decisions
            if kind == "email":
                decisions.emails.append(config)
            else:
                _apply(decisions.values, kind, config, active or {})
    return decisions


def matching(filters, values, v110=False):
    """TicketFilter::getMatchingFilterList as apply walks it: the filters whose rules hold, in execution order, up
    to the first that stops on a match."""
    found = []
    for candidate in filters:
        if matches(candidate, values, v110):
            found.append(candidate)
            if candidate.stop:
                break
    return found


# how -> the PHP test of Filter::matches
def _equal(value, wanted):
    return _fold(value) == _fold(wanted)


HOW = {
    "equal": _equal,
    "not_equal": lambda value, wanted: not _equal(value, wanted),
    "contains": lambda value, wanted: _fold(wanted) in _fold(value),
    "dn_contain": lambda value, wanted: _fold(wanted) not in _fold(value),
    "starts": lambda value, wanted: _fold(value).startswith(_fold(wanted)),
    "ends": lambda value, wanted: not wanted or _fold(value[-len(wanted) :]) == _fold(wanted),
}


def matches(candidate, values, v110=False):
    """Filter::matches: any rule (or every rule, match_all_rules) holds; no rules, no match."""
    matched = False
    for what, how, wanted in candidate.rules:
        if how not in HOW and how not in ("match", "not_match"):
            continue  # osTicket skips a comparison it does not know
        holds = _holds(candidate, how, str(values.get(what) or ""), wanted or "", v110)
        if holds:
            matched = True
            if not candidate.match_all:
                break
        elif candidate.match_all:
            return False
    return matched


def _holds(candidate, how, value, wanted, v110):
    if how in HOW:
        return HOW[how](value, wanted)
    try:
        result = preg_match(wanted, value)
    except PatternError as exc:
        log.warning("ticket filter %r (id %s): bad regular expression skipped: %s", candidate.name, candidate.id, exc)
        result = False  # preg_match returned false
    if how == "match":
        return result == 1
    # not_match: 1.18 holds when preg_match !== 1, 1.10 when it !== 0 (1.10's own inverted test)
    return result != (0 if v110 else 1)


def _fold(text):
    """strcasecmp/stripos fold ASCII letters only (PHP 8)."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}

# action type -> (configuration key, $vars key, the kind of row it names if it must be active)
ACTIONS = {
    "dept": ("dept_id", "deptId", "dept"),
    "topic": ("topic_id", "topicId", "topic"),
    "pri": ("priority", "priorityId", None),
    "sla": ("sla_id", "slaId", None),
    "team": ("team_id", "teamId", None),
    "agent": ("staff_id", "staffId", None),
    "status": ("status_id", "statusId", None),
    "canned": ("canned_id", "cannedResponseId", None),
}


def _apply(values, kind, config, active):
    if kind == "noresp":
        values["autorespond"] = False
        return
    if kind not in ACTIONS:
        return  # e-mail only actions (reply-to...)
    key, name, must_be_active = ACTIONS[kind]
    wanted = configured_id(config, key)
    if not wanted:
        return
    if must_be_active and wanted not in active.get(must_be_active, ()):
        return
    values[name] = wanted


def configured_id(config, key):
    """The id an action's configuration names, 0 for none or a value that is not one."""
    try:
        return int(config.get(key))
    except (TypeError, ValueError):
        return 0


def email_actions(matched):
    """The "Send an Email" configurations of the ``matched`` filters, in order."""
    return [config for f in matched for kind, config in f.actions if kind == "email"]
