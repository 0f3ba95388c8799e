"""An agent's inline field edits on a ticket (osTicket 1.18's ajax editField + Ticket::updateField): the priority
and the due date, each its own "edited" event, the comments an internal note titled "<field label> updated"."""

from datetime import datetime

from sqlalchemy import func, select, update

from ..catalog.sla import database_zone, first_zone
from ..errors import Conflict, FieldError, Invalid, Unsupported
from ..people import authority
from ..release import is_110
from ..threads.events import Actor, log_event
from .agent_actions import acting_on, comments_body, log_note
from .replies import entry_format

DUE_FORMAT = "%Y-%m-%d %H:%M"


def update_fields(db, conn, number, username, priority_id=None, duedate=None, comments="", message_format="text",
                  ip=""):  # fmt: skip
    """Set the priority and/or the due date (``duedate``: "YYYY-MM-DD HH:MM" in the agent's time zone)."""
    if is_110(db):
        raise Unsupported("field edits follow osTicket 1.10's whole-ticket edit form, which the bridge does not do yet")
    catalog, ticket, agent = acting_on(db, conn, number, username, authority.EDIT)
    actor = Actor.agent(agent["staff_id"], agent["username"])
    edits = []
    if priority_id is not None:
        edits.append(_priority(db, conn, catalog, ticket, priority_id))
    if duedate is not None:
        edits.append(_duedate(db, conn, catalog, ticket, agent, duedate))
    if not edits:
        raise Invalid("send priorityId and/or duedate")
    t = db.tables.ticket
    for _, data in edits:
        log_event(db, conn, catalog, ticket, "edited", actor, data)
    body = comments_body(catalog, comments, message_format)
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
