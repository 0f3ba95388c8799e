"""The staff panel's ticket search: words over ost__search (subjects and every thread entry, internal notes
included, as MysqlSearchBackend::find matches them) or a ticket number prefix, with the panel's filters."""

import re
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.mysql import match

from ..round_trip import in_constants
from .reads import ticket_index

# MysqlSearchBackend::find: with an operator at a word's start and the boolean-mode grammar, BOOLEAN MODE
_TERM = r'(?:[<>~+-]?[\w][\w-]*[*]?|"[^"]+")'
_EXPR = rf"(?:[<>~+-]?\((?:{_TERM}(?:\s+{_TERM})+)\)|{_TERM})"
BOOLEAN = re.compile(rf"^{_EXPR}(?:\s+{_EXPR})*$")
OPERATOR = re.compile(r'(^|\s)["()<>~+-]')
MIN_WORDS = 3  # shorter queries are no fulltext search in osTicket (MySQL's minimum token size)


@dataclass(frozen=True)
class Criteria:
    q: str | None = None
    status_id: int | None = None
    dept_id: int | None = None
    topic_id: int | None = None
    staff_id: int | None = None
    team_id: int | None = None
    user_id: int | None = None


def search(db, conn, criteria, page):
    """(rows of number/created/updated/closed, total) of the matching tickets, newest first."""
    t = db.tables.ticket
    conditions = []
    for column, value in (
        (t.c.status_id, criteria.status_id), (t.c.dept_id, criteria.dept_id), (t.c.topic_id, criteria.topic_id),
        (t.c.staff_id, criteria.staff_id), (t.c.team_id, criteria.team_id), (t.c.user_id, criteria.user_id),
    ):  # fmt: skip
        if value is not None:
            conditions.append(column == value)
    if criteria.q:
        conditions.append(_matches(db, criteria.q))
    return ticket_index(db, conn, page, conditions)


def _matches(db, q):
    """A number starting with the query, or a fulltext match in the ticket's row or one of its thread entries."""
    t = db.tables.ticket
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    by_number = t.c.number.like(f"{escaped}%", escape="\\")
    if len(q) < MIN_WORDS or not db.tables.has("_search"):
        return by_number
    s, e, th = db.tables._search, db.tables.thread_entry, db.tables.thread
    found = match(s.c.title, s.c.content, against=re.sub(r":(\d+)", r"\1", q))
    found = found.in_boolean_mode() if OPERATOR.search(q) and BOOLEAN.match(q) else found.in_natural_language_mode()
    in_ticket = select(s.c.object_id).where(s.c.object_type == "T", found)
    in_thread = (
        select(th.c.object_id)
        .select_from(
            s.join(e, and_(s.c.object_type == "H", e.c.id == s.c.object_id)).join(th, th.c.id == e.c.thread_id)
        )
        .where(in_constants(th.c.object_type, ("T", "C")), found)
    )
    return or_(by_number, t.c.ticket_id.in_(in_ticket), t.c.ticket_id.in_(in_thread))
