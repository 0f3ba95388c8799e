"""An agent's field edits on a ticket. osTicket 1.18's inline edits (ajax editField + Ticket::updateField): the
priority, the SLA plan, the help topic, the due date and the Ticket Details fields (answer_edits.py), each its own
"edited" event, the comments an internal note titled "<first field's label> updated". osTicket 1.10's "Edit Ticket"
form (Ticket::update): the same inputs in one "edited" event, the comments as the note "Ticket Updated"."""

from datetime import datetime

from sqlalchemy import func, select, update

from ..catalog.sla import DB_FORMAT, database_zone, due_date, first_zone
from ..catalog.topics import topic_active
from ..errors import Conflict, FieldError, Invalid
from ..people import authority
from ..release import is_110
from ..threads.events import Actor, log_event
from .agent_actions import acting_on, comments_body, log_note
from .answer_edits import check_editable, edit_answer, index_ticket, untick_unanswered_checkboxes
from .replies import entry_format
from .status import cleared_due_dates, reload, state

DUE_FORMAT = "%Y-%m-%d %H:%M"
SLA_ACTIVE, SLA_TRANSIENT = 0x1, 0x8  # ost_sla.flags


def update_fields(db, conn, number, username, priority_id=None, duedate=None, comments="", message_format="text",
                  ip="", sla_id=None, topic_id=None, answers=None):  # fmt: skip
    """Set the priority, SLA plan, help topic, due date (``duedate``: "YYYY-MM-DD HH:MM" in the agent's time zone)
    and Ticket Details fields (``answers``: {field name: value})."""
    catalog, ticket, agent = acting_on(db, conn, number, username, authority.EDIT)
    if (priority_id, sla_id, topic_id, duedate) == (None,) * 4 and not answers:
        raise Invalid("send one or more of priorityId, slaId, topicId, duedate and Ticket Details fields by name")
    body = comments_body(catalog, comments, message_format)
    if is_110(db):
        edit = (priority_id, sla_id, topic_id, duedate, answers)
        return _edit_ticket_110(db, conn, catalog, ticket, agent, edit, body, ip)
    actor = Actor.agent(agent["staff_id"], agent["username"])
    edits = []
    if priority_id is not None:
        edits.append(_priority(db, conn, catalog, ticket, priority_id))
    if sla_id is not None:
        edits.append(_sla(db, conn, ticket, sla_id))
        ticket = _update_est_due_date(db, conn, catalog, ticket, agent)
    if topic_id is not None:
        edits.append(_topic(db, conn, ticket, topic_id))
    if duedate is not None:
        edits.append(_duedate(db, conn, catalog, ticket, agent, duedate))
        ticket = _update_est_due_date(db, conn, catalog, ticket, agent)
    zone = _zones(db, conn, catalog, agent)[0]
    edits += [edit_answer(db, conn, catalog, ticket, name, value, zone) for name, value in (answers or {}).items()]
    t = db.tables.ticket
    ticket = reload(db, conn, ticket)  # the events name the ticket's new help topic
    for _, data in edits:
        log_event(db, conn, catalog, ticket, "edited", actor, data)
    if body:
        log_note(db, conn, ticket, agent, f"{edits[0][0]} updated", body, entry_format(catalog), ip)
    conn.execute(
        update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(lastupdate=func.now(), updated=func.now())
    )


def _edit_ticket_110(db, conn, catalog, ticket, agent, edit, body, ip):
    """osTicket 1.10.4's Ticket::update with the form's other inputs as they are: the help topic, SLA plan and due
    date (a browser posts them as text: the event holds the new values so, the due date as PHP's "Y-m-d G:i"), then
    the Ticket Details answers; the note "Ticket Updated" before one "edited" event. Then, as Ticket::update goes
    on: a kept SLA plan that is missing or transient is chosen again (department, help topic, default), the
    estimated due date is the due date else the plan's, and an overdue ticket no longer due is cleared."""
    priority_id, sla_id, topic_id, duedate, answers = edit
    values, changes = {}, {}
    if topic_id is not None:
        _check_topic(db, conn, ticket, topic_id)
        values["topic_id"], changes["topic_id"] = topic_id, [ticket["topic_id"], str(topic_id)]
    if sla_id is not None:  # the form offers every plan, disabled ones too
        if _sla_flags(db, conn, sla_id) is None:
            raise FieldError("slaId", f"there is no SLA plan {sla_id}")
        if sla_id == ticket["sla_id"]:
            raise Conflict("the ticket already has that SLA plan")
        values["sla_id"], changes["sla_id"] = sla_id, [ticket["sla_id"], str(sla_id)]
    if duedate is None and ticket["duedate"]:  # the form shows the ticket's due date, in the agent's zone
        zone, db_zone = _zones(db, conn, catalog, agent)
        duedate = ticket["duedate"].replace(tzinfo=db_zone).astimezone(zone).strftime(DUE_FORMAT)
        kept = " (osTicket 1.10's Edit Ticket form posts the ticket's due date again with any edit: send a new one)"
    else:
        kept = ""
    if duedate is not None:
        if state(catalog, ticket["status_id"]) != "open":
            raise FieldError("duedate", f"a due date cannot be set on a closed ticket{kept}")
        due = _due_in_db_time(db, conn, catalog, agent, duedate, kept)
        values.update(duedate=due.strftime(DB_FORMAT), isoverdue=0)
        changes["duedate"] = [_db_text(ticket["duedate"]), f"{due:%Y-%m-%d} {due.hour}:{due:%M}"]
    fields = {}
    if priority_id is not None:
        fields.update(_priority(db, conn, catalog, ticket, priority_id)[1]["fields"])
    zone = _zones(db, conn, catalog, agent)[0]
    # the search row is rebuilt from the answers the ticket loaded before its forms were saved
    index_ticket(db, conn, ticket, zone)
    for name, value in (answers or {}).items():
        fields.update(edit_answer(db, conn, catalog, ticket, name, value, zone, v110=True)[1]["fields"])
    untick_unanswered_checkboxes(db, conn, catalog, ticket)
    if fields:  # DynamicFormEntry::getChanges walks the answers in the form's order (field sort), other forms after
        rank = {str(f["id"]): i for i, f in enumerate(catalog.fields[catalog.ticket_form_id])}
        changes["fields"] = {key: fields[key] for key in sorted(fields, key=lambda key: rank.get(key, len(rank)))}
    new = {**ticket, **values}
    if sla_id is None:
        new["sla_id"] = _reselected_sla(db, conn, catalog, new)
    _count_due_dates_110(db, conn, catalog, new)
    columns = ("topic_id", "sla_id", "duedate", "est_duedate", "isoverdue")
    dirty = {c: new[c] for c in columns if _db_text(new[c]) != _db_text(ticket[c])}
    t = db.tables.ticket
    if dirty:
        conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(**dirty, updated=func.now()))
        ticket = reload(db, conn, ticket)  # the event names the ticket's new help topic
    if body:
        log_note(db, conn, ticket, agent, "Ticket Updated", body, entry_format(catalog), ip)
    log_event(db, conn, catalog, ticket, "edited", Actor.agent(agent["staff_id"], agent["username"]), changes)


def _reselected_sla(db, conn, catalog, ticket):
    """Ticket::selectSLAId when the kept plan is missing or transient: the department's, the help topic's, else
    the default plan, if it exists; else the plan stays."""
    flags = _sla_flags(db, conn, ticket["sla_id"])
    if flags is not None and not flags & SLA_TRANSIENT:
        return ticket["sla_id"]
    d, ht = db.tables.department, db.tables.help_topic
    dept_sla = conn.execute(select(d.c.sla_id).where(d.c.id == ticket["dept_id"])).scalar()
    topic_sla = conn.execute(select(ht.c.sla_id).where(ht.c.topic_id == ticket["topic_id"])).scalar()
    chosen = dept_sla or topic_sla or catalog.int_setting("default_sla_id")
    return chosen if chosen and _sla_flags(db, conn, chosen) is not None else ticket["sla_id"]


def _count_due_dates_110(db, conn, catalog, ticket):
    """Ticket::updateEstDueDate and clearOverdue (1.10.4), on the row as it is becoming: the estimated due date is
    the due date, else the plan's (creation + grace hours); an overdue ticket whose estimate is gone or ahead loses
    the flag. (The rest of clearOverdue cannot apply: a ticket still overdue here has no due date, and its plan's
    due date, if any, is ahead.)"""
    sla_due = due_date(db, conn, catalog, sla_id=ticket["sla_id"], dept_id=ticket["dept_id"], start=ticket["created"])
    ticket["est_duedate"] = estimate = _db_text(ticket["duedate"]) or sla_due
    now = conn.execute(select(func.now())).scalar().strftime(DB_FORMAT)
    if ticket["isoverdue"] and (not estimate or estimate > now):
        ticket["isoverdue"] = 0


def _sla_flags(db, conn, sla_id):
    s = db.tables.sla
    return conn.execute(select(s.c.flags).where(s.c.id == sla_id)).scalar() if sla_id else None


def _db_text(value):
    """A DB time as "YYYY-MM-DD HH:MM:SS" (None stays None); other values as they are."""
    return value.strftime(DB_FORMAT) if isinstance(value, datetime) else value


def _priority(db, conn, catalog, ticket, priority_id):
    """The Ticket Details form's priority answer and its cache; (label, event data)."""
    new = catalog.priorities.get(priority_id)
    if new is None:
        raise FieldError("priorityId", f"there is no priority {priority_id}")
    t = db.tables
    f, e, v = t.form_field, t.form_entry, t.form_entry_values
    query = (
        select(f.c.id, f.c.label, f.c.flags, v.c.entry_id, v.c.value, v.c.value_id)
        .select_from(
            e.join(f, f.c.form_id == e.c.form_id).outerjoin(v, (v.c.entry_id == e.c.id) & (v.c.field_id == f.c.id))
        )
        .where(e.c.object_type == "T", e.c.object_id == ticket["ticket_id"], f.c.name == "priority")
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    if row is None or row["entry_id"] is None:
        raise Conflict(f"ticket {ticket['number']} has no priority answer to edit")
    if row["value_id"] == priority_id:
        raise Conflict(f"the priority is already {new['priority_desc']}")
    check_editable(row)
    old = [row["value"], row["value_id"]] if row["value_id"] else None
    value = [new["priority_desc"], priority_id]
    conn.execute(
        update(v)
        .where(v.c.entry_id == row["entry_id"], v.c.field_id == row["id"])
        .values(value=new["priority_desc"], value_id=priority_id)
    )
    if t.has("ticket__cdata", "priority"):
        cd = t.ticket__cdata
        conn.execute(update(cd).where(cd.c.ticket_id == ticket["ticket_id"]).values(priority=str(priority_id)))
    # Ticket::updateField's $changes: the field's [old, new] with the form field's own entry beside them.
    return row["label"], {"0": old, "1": value, "fields": {str(row["id"]): [old, value]}}


def _duedate(db, conn, catalog, ticket, agent, text):
    """The due date (1.18: Ticket::updateField's, stored as "Y-m-d H:i:s")."""
    old = _db_text(ticket["duedate"])
    new = _due_in_db_time(db, conn, catalog, agent, text).strftime(DB_FORMAT)
    if old == new:
        raise Conflict(f"the due date is already {new}")
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(duedate=new))
    return "Due Date", {"duedate": [old, new]}


def _due_in_db_time(db, conn, catalog, agent, text, why=""):
    """A due date read in the agent's zone, in the database's; it must lie ahead."""
    try:
        local = datetime.strptime(text.strip(), DUE_FORMAT)
    except ValueError:
        raise FieldError("duedate", "use YYYY-MM-DD HH:MM") from None
    zone, db_zone = _zones(db, conn, catalog, agent)
    stored = local.replace(tzinfo=zone).astimezone(db_zone).replace(tzinfo=None)
    if stored <= conn.execute(select(func.now())).scalar():
        raise FieldError("duedate", f"the due date must be in the future{why}")
    return stored


def _zones(db, conn, catalog, agent):
    """(the agent's zone, else the help desk's; the database's)."""
    db_zone = database_zone(db, conn)
    return first_zone(agent["timezone"], catalog.setting("default_timezone"), default=db_zone), db_zone


def _sla(db, conn, ticket, sla_id):
    """The SLA plan (an active one, as the panel offers)."""
    s = db.tables.sla
    flags = conn.execute(select(s.c.flags).where(s.c.id == sla_id)).scalar()
    if flags is None or not flags & SLA_ACTIVE:
        raise FieldError("slaId", f"there is no active SLA plan {sla_id}")
    if sla_id == ticket["sla_id"]:
        raise Conflict("the ticket already has that SLA plan")
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(sla_id=sla_id))
    return "SLA Plan", {"sla_id": [ticket["sla_id"], sla_id]}


def _update_est_due_date(db, conn, catalog, ticket, agent):
    """Ticket::updateEstDueDate, which Ticket::updateField runs after an SLA plan or due date edit: an overdue ticket
    is cleared (clearOverdue: the flag, and a due date that has passed; no event), then the estimated due date is
    the plan's counted from the (re)opening (getSLADueDate(true)). Returns the ticket as it now is."""
    ticket = reload(db, conn, ticket)
    t = db.tables.ticket
    values = cleared_due_dates(t, func.now()) if ticket["isoverdue"] else {}
    values["est_duedate"] = due_date(
        db, conn, catalog, sla_id=ticket["sla_id"], dept_id=ticket["dept_id"],
        start=ticket["reopened"] or ticket["created"], timezone=agent["timezone"],
    )  # fmt: skip
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(**values))
    return reload(db, conn, ticket)


def _topic(db, conn, ticket, topic_id):
    """The help topic; the department stays, as in the panel's inline edit."""
    _check_topic(db, conn, ticket, topic_id)
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(topic_id=topic_id))
    return "Help Topic", {"topic_id": [ticket["topic_id"], topic_id]}


def _check_topic(db, conn, ticket, topic_id):
    """An active help topic (the ones the panel offers) other than the ticket's."""
    ht = db.tables.help_topic
    if not conn.execute(select(topic_active(db)).where(ht.c.topic_id == topic_id)).scalar():
        raise FieldError("topicId", f"there is no active help topic {topic_id}")
    if topic_id == ticket["topic_id"]:
        raise Conflict("the ticket already has that help topic")
