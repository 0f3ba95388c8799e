"""New help topics as the admin panel's ``Topic::create`` + ``Topic::update`` write them (DATA_MODEL §2f)."""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, FieldError
from ..release import is_110
from ..text import clean_html, clean_title
from . import forms, topics
from .cache import cached_catalog
from .sequences import slot_count

TOPIC_CUSTOM_NUMBERS, TOPIC_ACTIVE, TOPIC_ARCHIVED = 0x1, 0x2, 0x4  # ost_help_topic.flags
DEPT_ACTIVE = 0x4  # ost_department.flags
STATUS_ENABLED = 0x1  # ost_ticket_status.mode
MIN_NAME = 5


@dataclass
class NewTopic:
    topic: str
    topic_pid: int = 0
    dept_id: int = 0
    priority_id: int = 0
    sla_id: int = 0
    status_id: int = 0
    staff_id: int = 0
    team_id: int = 0
    active: bool = True
    archived: bool = False
    public: bool = True
    noautoresp: bool = False
    notes: str | None = None
    custom_numbers: bool = False
    number_format: str | None = None
    sequence_id: int = 0


def create_topic(db, conn, request):
    """Create the topic (and its Ticket Details form link) in the caller's transaction on ``conn``; return it as a dict.

    With core.help_topic_sort_mode "a" (the default) every other topic's sort is renumbered alphabetically by
    full name. As in osTicket 1.11+, that list is read before the insert, so the new topic keeps parent.sort + 1;
    osTicket 1.10 reads it after, so the new topic takes its place too (tests/recordings/1.10.4/create_topic.json).
    """
    name = forms.check_line("topic", clean_title(request.topic or "", limit=10_000))
    if len(name) < MIN_NAME:
        raise FieldError("topic", f"at least {MIN_NAME} characters")
    catalog = cached_catalog(db, conn)
    t = db.tables
    ht = t.help_topic
    if len(name) > (ht.c.topic.type.length or 128):
        raise FieldError("topic", f"at most {ht.c.topic.type.length} characters")
    labels = topics.load_labels(db, conn)
    existing = labels["topics"]
    _check_references(db, conn, catalog, request, existing, labels["depts"])
    if any(r["pid"] == request.topic_pid and r["name"].casefold() == name.casefold() for r in existing.values()):
        raise Conflict(f"a help topic named {name!r} already exists under this parent")
    parent = existing.get(request.topic_pid)
    v110 = is_110(db)
    values = dict(
        **_state(db, request),
        topic=name,
        topic_pid=request.topic_pid or 0,
        dept_id=request.dept_id or 0,
        priority_id=request.priority_id or 0,
        sla_id=request.sla_id or 0,
        status_id=request.status_id or 0,
        staff_id=request.staff_id or 0,
        team_id=0 if request.staff_id else request.team_id or 0,
        ispublic=1 if request.public else 0,
        noautoresp=1 if request.noautoresp else 0,
        sort=parent["sort"] + 1 if parent else 0,
    )
    values["flags"] = values.get("flags", 0) | (TOPIC_CUSTOM_NUMBERS if request.custom_numbers else 0)
    if request.custom_numbers:
        values.update(_custom_numbers(db, conn, request))
    notes = clean_html(request.notes) if request.notes else ""
    if notes:
        values["notes"] = notes
    try:
        topic_id = conn.execute(
            insert(ht).values(**values, created=func.now(), updated=func.now())
        ).inserted_primary_key[0]
    except IntegrityError as exc:
        raise Conflict(f"a help topic named {name!r} already exists under this parent") from exc
    if catalog.setting("help_topic_sort_mode", "a") == "a":
        new = {topic_id: {"name": name, "pid": values["topic_pid"], "sort": values["sort"]}} if v110 else {}
        _sort_alphabetically(db, conn, {**existing, **new})
    link = t.help_topic_form
    conn.execute(
        insert(link).values(topic_id=topic_id, form_id=catalog.ticket_form_id, sort=1, extra=forms.disable_json(()))
    )
    row = conn.execute(select(ht).where(ht.c.topic_id == topic_id)).mappings().one()
    full_name = topics.full_names({**existing, topic_id: {"name": name, "pid": values["topic_pid"]}})[topic_id]
    return _topic(row, full_name)


def _state(db, request):
    """Active and archived: the isactive column in osTicket 1.10 (which cannot archive), flags 0x2/0x4 from 1.11."""
    if db.tables.has("help_topic", "isactive"):
        if request.archived:
            raise FieldError("archived", "this osTicket (1.10) cannot archive help topics")
        return {"isactive": 1 if request.active else 0}
    return {
        "flags": (TOPIC_ACTIVE if request.active and not request.archived else 0)
        | (TOPIC_ARCHIVED if request.archived else 0)
    }


def _check_references(db, conn, catalog, request, existing, depts):
    """Every id the topic names must exist (and the department be active), as the admin form's lists offer them."""
    if request.topic_pid and request.topic_pid not in existing:
        raise FieldError("topic_pid", f"no help topic has the id {request.topic_pid}")
    if request.dept_id:
        dept = depts.get(request.dept_id)
        if dept is None:
            raise FieldError("dept_id", f"no department has the id {request.dept_id}")
        if not dept["flags"] & DEPT_ACTIVE and not is_110(db):  # active departments came with 1.11
            raise FieldError("dept_id", "the department must be active")
    if request.priority_id and request.priority_id not in catalog.priorities:
        raise FieldError("priority_id", f"no priority has the id {request.priority_id}")
    status = catalog.statuses.get(request.status_id)
    if request.status_id and not (status and status["state"] == "open" and status["mode"] & STATUS_ENABLED):
        raise FieldError("status_id", "an enabled open-state ticket status is required")
    if request.staff_id and request.team_id:
        raise FieldError("staff_id", "auto-assign to an agent or a team, not both")
    t = db.tables
    checks = [
        ("sla_id", request.sla_id, select(t.sla.c.id).where(t.sla.c.id == request.sla_id)),
        (
            "staff_id",
            request.staff_id,
            select(t.staff.c.staff_id).where(t.staff.c.staff_id == request.staff_id, t.staff.c.isactive == 1),
        ),
        ("team_id", request.team_id, select(t.team.c.team_id).where(t.team.c.team_id == request.team_id)),
    ]
    for name, wanted, query in checks:
        if wanted and conn.execute(query).first() is None:
            raise FieldError(name, f"no usable {name[:-3]} has the id {wanted}")


def _custom_numbers(db, conn, request):
    fmt = (request.number_format or "").strip()
    if not slot_count(fmt) or len(fmt) > 32:
        raise FieldError("number_format", "a ticket number format needs at least one # (32 characters at most)")
    seq = db.tables.sequence
    if request.sequence_id and conn.execute(select(seq.c.id).where(seq.c.id == request.sequence_id)).first() is None:
        raise FieldError("sequence_id", f"no sequence has the id {request.sequence_id}")
    return {"number_format": fmt, "sequence_id": request.sequence_id or 0}


def _collation_key(name):
    # Near enough to ICU's en_US collation with numeric ordering: accents and case ignored, numbers by value.
    base = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", base) if part]


def _sort_alphabetically(db, conn, rows):
    """Topic::updateSortOrder: sort 1..N by full name, for the topics in ``rows``."""
    names = topics.full_names(rows)
    ordered = sorted(names, key=lambda i: (_collation_key(names[i]), names[i]))
    changes = {i: n for n, i in enumerate(ordered, start=1) if rows[i]["sort"] != n}
    if not changes:
        return
    ht = db.tables.help_topic
    conn.execute(update(ht).where(ht.c.topic_id.in_(list(changes))).values(sort=case(changes, value=ht.c.topic_id)))


def _topic(row, full_name):
    """The topic as the API returns it: GET /api/topics.json's {"id", "value"} plus its settings."""
    return {
        "id": row["topic_id"],
        "value": full_name,
        "topic": row["topic"],
        "topic_pid": row["topic_pid"],
        "dept_id": row["dept_id"],
        "priority_id": row["priority_id"],
        "sla_id": row["sla_id"],
        "status_id": row["status_id"],
        "staff_id": row["staff_id"],
        "team_id": row["team_id"],
        "active": bool(row["isactive"] if "isactive" in row else row["flags"] & TOPIC_ACTIVE),
        "archived": bool(row["flags"] & TOPIC_ARCHIVED),
        "public": bool(row["ispublic"]),
        "noautoresp": bool(row["noautoresp"]),
        "custom_numbers": bool(row["flags"] & TOPIC_CUSTOM_NUMBERS),
        "number_format": row["number_format"],
        "sequence_id": row["sequence_id"],
        "sort": row["sort"],
        "notes": row["notes"],
        "created": row["created"],
        "updated": row["updated"],
    }
