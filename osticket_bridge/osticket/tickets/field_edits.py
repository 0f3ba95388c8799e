"""An agent's inline field edits on a ticket (osTicket 1.18's ajax editField + Ticket::updateField): the priority,
the SLA plan, the help topic, the due date and the Ticket Details text fields, each its own "edited" event, the
comments an internal note titled "<first field's label> updated"."""

from datetime import datetime

from sqlalchemy import func, insert, select, update

from .. import search
from ..catalog.sla import database_zone, due_date, first_zone
from ..catalog.topics import TOPIC_ACTIVE, TOPIC_ARCHIVED
from ..errors import Conflict, FieldError, Invalid, Unsupported
from ..people import authority
from ..release import is_110
from ..threads.events import Actor, log_event
from .agent_actions import acting_on, comments_body, log_note
from .replies import entry_format
from .status import reload

DUE_FORMAT = "%Y-%m-%d %H:%M"
SLA_ACTIVE = 0x1  # ost_sla.flags


def update_fields(db, conn, number, username, priority_id=None, duedate=None, comments="", message_format="text",
                  ip="", sla_id=None, topic_id=None, answers=None):  # fmt: skip
    """Set the priority, SLA plan, help topic, due date (``duedate``: "YYYY-MM-DD HH:MM" in the agent's time zone)
    and Ticket Details text fields (``answers``: {field name: text}). osTicket 1.10 edits through its whole "Edit
    Ticket" form (Ticket::update): there the priority and the text fields, one event, the note "Ticket Updated"."""
    v110 = is_110(db)
    if v110 and (sla_id, topic_id, duedate) != (None, None, None):
        raise Unsupported("on osTicket 1.10 only priorityId and Ticket Details fields are edited through the API")
    catalog, ticket, agent = acting_on(db, conn, number, username, authority.EDIT)
    actor = Actor.agent(agent["staff_id"], agent["username"])
    edits = []
    if priority_id is not None:
        edits.append(_priority(db, conn, catalog, ticket, priority_id))
    if sla_id is not None:
        edits.append(_sla(db, conn, catalog, ticket, agent, sla_id))
    if topic_id is not None:
        edits.append(_topic(db, conn, ticket, topic_id))
    if duedate is not None:
        edits.append(_duedate(db, conn, catalog, ticket, agent, duedate))
    for name, value in (answers or {}).items():
        edits.append(_answer(db, conn, catalog, ticket, name, value))
    if not edits:
        raise Invalid("send one or more of priorityId, slaId, topicId, duedate and Ticket Details fields by name")
    body = comments_body(catalog, comments, message_format)
    if v110:
        fields = {k: v for _, data in edits for k, v in data["fields"].items()}
        log_event(db, conn, catalog, ticket, "edited", actor, {"fields": fields})
        if body:
            log_note(db, conn, ticket, agent, "Ticket Updated", body, entry_format(catalog), ip)
        return
    t = db.tables.ticket
    ticket = reload(db, conn, ticket)  # the events name the ticket's new help topic
    for _, data in edits:
        log_event(db, conn, catalog, ticket, "edited", actor, data)
    if body:
        log_note(db, conn, ticket, agent, f"{edits[0][0]} updated", body, entry_format(catalog), ip)
    conn.execute(
        update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(lastupdate=func.now(), updated=func.now())
    )


def _priority(db, conn, catalog, ticket, priority_id):
    """The Ticket Details form's priority answer and its cache; (label, event data)."""
    new = catalog.priorities.get(priority_id)
    if new is None:
        raise FieldError("priorityId", f"there is no priority {priority_id}")
    t = db.tables
    f, e, v = t.form_field, t.form_entry, t.form_entry_values
    query = (
        select(f.c.id, f.c.label, v.c.entry_id, v.c.value, v.c.value_id)
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
    """The due date read in the agent's zone (else the help desk's), stored in the database's; in the future."""
    try:
        local = datetime.strptime(text.strip(), DUE_FORMAT)
    except ValueError:
        raise FieldError("duedate", "use YYYY-MM-DD HH:MM") from None
    db_zone = database_zone(db, conn)
    zone = first_zone(agent["timezone"], catalog.setting("default_timezone"), default=db_zone)
    stored = local.replace(tzinfo=zone).astimezone(db_zone).replace(tzinfo=None)
    now = conn.execute(select(func.now())).scalar()
    if stored <= now:
        raise FieldError("duedate", "the due date must be in the future")
    old = ticket["duedate"].strftime("%Y-%m-%d %H:%M:%S") if ticket["duedate"] else None
    new = stored.strftime("%Y-%m-%d %H:%M:%S")
    if old == new:
        raise Conflict(f"the due date is already {new}")
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(duedate=new))
    return "Due Date", {"duedate": [old, new]}


def _sla(db, conn, catalog, ticket, agent, sla_id):
    """The SLA plan, and the due date it gives counted from the (re)opening (Ticket::updateEstDueDate)."""
    s = db.tables.sla
    flags = conn.execute(select(s.c.flags).where(s.c.id == sla_id)).scalar()
    if flags is None or not flags & SLA_ACTIVE:
        raise FieldError("slaId", f"there is no active SLA plan {sla_id}")
    if sla_id == ticket["sla_id"]:
        raise Conflict("the ticket already has that SLA plan")
    start = ticket["reopened"] or ticket["created"]
    due = due_date(
        db, conn, catalog, sla_id=sla_id, dept_id=ticket["dept_id"], start=start, timezone=agent["timezone"]
    )  # fmt: skip
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(sla_id=sla_id, est_duedate=due))
    return "SLA Plan", {"sla_id": [ticket["sla_id"], sla_id]}


def _topic(db, conn, ticket, topic_id):
    """The help topic (an active one); the department stays, as in the panel's inline edit."""
    ht = db.tables.help_topic
    flags = conn.execute(select(ht.c.flags).where(ht.c.topic_id == topic_id)).scalar()
    if flags is None or flags & (TOPIC_ACTIVE | TOPIC_ARCHIVED) != TOPIC_ACTIVE:
        raise FieldError("topicId", f"there is no active help topic {topic_id}")
    if topic_id == ticket["topic_id"]:
        raise Conflict("the ticket already has that help topic")
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(topic_id=topic_id))
    return "Help Topic", {"topic_id": [ticket["topic_id"], topic_id]}


def _answer(db, conn, catalog, ticket, name, value):
    """A Ticket Details text field by name: its answer, its cache column, the ticket's search row for the subject."""
    field = catalog.field(catalog.ticket_form_id, name) if catalog.ticket_form_id else None
    if field is None or name in ("priority", "message"):
        raise FieldError(name, "no Ticket Details field of that name is editable here")
    if field["type"] != "text" or not isinstance(value, str) or not value.strip() or len(value) > 10_000:
        raise FieldError(name, "only short text fields can be edited through the API, with a non-empty text")
    value = value.strip()
    t = db.tables
    e, v = t.form_entry, t.form_entry_values
    entry_id = conn.execute(
        select(e.c.id).where(
            e.c.object_type == "T", e.c.object_id == ticket["ticket_id"], e.c.form_id == field["form_id"]
        )
    ).scalar()
    old = conn.execute(select(v.c.value).where(v.c.entry_id == entry_id, v.c.field_id == field["id"])).scalar()
    if entry_id is None or old == value:
        raise Conflict(f"{name} already has that value" if entry_id else f"ticket {ticket['number']} has no {name}")
    where = (v.c.entry_id == entry_id, v.c.field_id == field["id"])
    if conn.execute(update(v).where(*where).values(value=value)).rowcount == 0:
        conn.execute(insert(v).values(entry_id=entry_id, field_id=field["id"], value=value))
    if t.has("ticket__cdata", name):
        cd = t.ticket__cdata
        conn.execute(update(cd).where(cd.c.ticket_id == ticket["ticket_id"]).values({name: value}))
    if name == "subject":  # the ticket's own search row: number and subject
        search.index(db, conn, "T", ticket["ticket_id"], f"{ticket['number']} {value}", value)
    return field["label"], {"0": old, "1": value, "fields": {str(field["id"]): [old, value]}}
