"""Status changes as Ticket::setStatus writes them (DATA_MODEL §2d close, §2e reopen).

One code path serves the user's close and reopen, a message reopening a closed ticket and an agent's reply
with a status; the caller runs it inside its own transaction, with the ticket row read FOR UPDATE.
"""

import json

from sqlalchemy import case, delete, func, insert, literal_column, select, update

from ..catalog.cache import cached_catalog
from ..catalog.sla import due_date
from ..errors import Conflict, Invalid, NotFound
from ..people.agent_access import agent_by_id, agent_can_access_dept, is_available, last_respondent
from ..release import is_110
from ..threads.events import Actor, annul, log_event
from .reads import find_ticket

DEPT_ARCHIVED = 0x8  # ost_department.flags
DEPT_NO_REOPEN_ASSIGN = 0x20
DEPT_NO_AUTO_CLAIM = 0x2
TOPIC_ARCHIVED = 0x4  # ost_help_topic.flags
FIELD_CLOSE_REQUIRED = 0x4  # ost_form_field.flags
STATUS_ENABLED = 0x1  # ost_ticket_status.mode


def close_for_user(db, conn, number, user, status_id=None):
    """The ticket's user closes it: with ``status_id`` (a closed-state status) or the default closed status."""
    catalog = cached_catalog(db, conn)
    ticket = users_ticket(db, conn, number, user)
    if state(catalog, ticket["status_id"]) != "open":
        raise Conflict(f"ticket {number} is not open")
    if status_id is None:
        status_id = default_close_status_id(catalog)
    else:
        usable_status(catalog, status_id, ("closed",))
    actor, timezone = portal_session(db, conn, user)
    set_status(db, conn, catalog, ticket, status_id, actor, timezone=timezone)


def reopen_for_user(db, conn, number, user):
    """The ticket's user reopens it, to the status osTicket's Ticket::reopen picks."""
    catalog = cached_catalog(db, conn)
    ticket = users_ticket(db, conn, number, user)
    current = catalog.statuses[ticket["status_id"]]
    if current["state"] != "closed":
        raise Conflict(f"ticket {number} is not closed")
    if not is_reopenable(db, conn, catalog, ticket):
        raise Conflict(
            f"ticket {number} cannot be reopened: its status ({current['name']}), department or help topic "
            "does not allow reopening"
        )
    actor, timezone = portal_session(db, conn, user)
    set_status(db, conn, catalog, ticket, reopen_status_id(catalog, ticket), actor, timezone=timezone)


def users_ticket(db, conn, number, user, collaborator=False):
    """The ticket row, locked FOR UPDATE, if the user owns it (or, with ``collaborator``, is Cc'd on it)."""
    ticket = find_ticket(db, conn, number, for_update=True)
    if ticket is not None and ticket["user_id"] != user["id"] and collaborator:
        c = db.tables.thread_collaborator
        cc = select(c.c.id).where(c.c.thread_id == ticket["thread_id"], c.c.user_id == user["id"])
        if conn.execute(cc).first() is not None:
            return ticket
    if ticket is None or ticket["user_id"] != user["id"]:
        raise NotFound("ticket not found")
    return ticket


def portal_session(db, conn, user):
    """(actor, time zone) of a client in the portal: ThreadEvents::log names them by name with a portal
    account, else by e-mail address; SLA schedules without a zone run in the account's zone."""
    a = db.tables.user_account
    account = conn.execute(select(a.c.timezone).where(a.c.user_id == user["id"])).first()
    name = user["name"] if account is not None and user["name"] else user["email"]
    return Actor.portal_user(name), account.timezone if account is not None else None


def state(catalog, status_id):
    status = catalog.statuses.get(status_id)
    return status["state"] if status else ""


def status_allows_reopen(status):
    """TicketStatus::isReopenable: any non-closed state; a closed one with allowreopen and a reopenstatus key."""
    props = status["props"] if isinstance(status["props"], dict) else {}
    return status["state"] != "closed" or (bool(props.get("allowreopen")) and "reopenstatus" in props)


def usable_status(catalog, status_id, states):
    """The enabled status with this id if its state is one of ``states``; Invalid otherwise."""
    status = catalog.statuses.get(status_id)
    if not status or not status["mode"] & STATUS_ENABLED:
        raise Invalid(f"there is no enabled ticket status {status_id}")
    if status["state"] not in states:
        raise Invalid(f"status {status_id} ({status['name']}) is in state {status['state']}, not {' or '.join(states)}")
    return status


def default_close_status_id(catalog):
    """The enabled closed-state status named "Closed", else the first closed-state one by sort."""
    closed = sorted(
        (s for s in catalog.statuses.values() if s["state"] == "closed" and s["mode"] & STATUS_ENABLED),
        key=lambda s: (s["sort"], s["id"]),
    )
    if not closed:
        raise Invalid("this help desk has no enabled closed-state status")
    return next((s["id"] for s in closed if s["name"].lower() == "closed"), closed[0]["id"])


def reopen_status_id(catalog, ticket):
    """Ticket::reopen's target: the closed status's reopenstatus (0 = default) if open, else the default status."""
    status = catalog.statuses[ticket["status_id"]]
    if status_allows_reopen(status) and "reopenstatus" in status["props"]:
        try:
            wanted = int(status["props"]["reopenstatus"] or 0) or catalog.default_status_id()
        except (TypeError, ValueError):
            wanted = 0
        if state(catalog, wanted) == "open":
            return wanted
    return catalog.default_status_id()


def dept_and_topic_flags(db, conn, ticket):
    """(department flags, help topic flags or None when the ticket has no topic), in one query."""
    d, topic = db.tables.department, db.tables.help_topic
    dept_flags = select(d.c.flags).where(d.c.id == ticket["dept_id"]).scalar_subquery()
    topic_flags = select(topic.c.flags).where(topic.c.topic_id == ticket["topic_id"]).scalar_subquery()
    dept, topic = conn.execute(select(dept_flags, topic_flags)).one()
    return dept or 0, topic if ticket["topic_id"] else None


def is_reopenable(db, conn, catalog, ticket, flags=None):
    """Ticket::isReopenable: the status allows it, the department and the help topic are not archived."""
    dept_flags, topic_flags = flags or dept_and_topic_flags(db, conn, ticket)
    return (
        status_allows_reopen(catalog.statuses[ticket["status_id"]])
        and not dept_flags & DEPT_ARCHIVED
        and not (topic_flags or 0) & TOPIC_ARCHIVED
    )


def set_status(db, conn, catalog, ticket, status_id, actor, agent=None, timezone=None):
    """Move the ticket to an open- or closed-state status; return the ticket row as it now is.

    ``agent``: the acting agent's row (find_agent), who becomes the closing agent; None for users and the system.
    ``timezone``: the acting session's zone, for the SLA due date of a reopened ticket.
    """
    if status_id == ticket["status_id"]:
        return ticket
    status = catalog.statuses[status_id]
    was = state(catalog, ticket["status_id"])
    t = db.tables.ticket
    now = func.now()
    values = {"status_id": status_id, "updated": now}
    v110 = is_110(db)
    if status["state"] == "closed":
        _check_closeable(db, conn, catalog, ticket)
        refer = ticket["staff_id"] or (agent["staff_id"] if agent else 0)
        values.update(closed=now, lastupdate=now)
        values.update(_cleared_overdue(db, ticket) if v110 else cleared_due_dates(t, now))
        if agent:
            values["staff_id"] = agent["staff_id"]
    elif status["state"] == "open":
        if was == "closed":
            flags = dept_and_topic_flags(db, conn, ticket)
            # osTicket 1.10 assigns again on a user's message only (reopen_assignee_110), after the reopen.
            if not v110 and is_reopenable(db, conn, catalog, ticket, flags):
                values["staff_id"] = _reopen_assignee(db, conn, ticket, flags[0])
            # osTicket 1.10 overwrites `closed` with the reopen time; later releases clear it.
            values.update(closed=now if v110 else None, lastupdate=now, reopened=now)
        if was != "open":
            values["isanswered"] = 0
    else:
        raise Invalid(f"a ticket cannot be moved to a {status['state']}-state status")
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(**values))
    ticket = reload(db, conn, ticket)

    if status["state"] == "closed":
        # Referrals came with 1.11 (ost_thread_referral); so did annulling earlier closes when closing again.
        if refer and db.tables.has("thread_referral") and flag(catalog, "auto_refer_closed", True):
            refer_to_agent(db, conn, ticket["thread_id"], refer)
        if not v110:
            annul(db, conn, catalog, ticket["thread_id"], "closed")
        log_event(db, conn, catalog, ticket, "closed", actor, {"status": [status_id, status["name"]]})
        delete_drafts(db, conn, f"ticket.%.{ticket['ticket_id']}")
    elif was == "closed":
        annul(db, conn, catalog, ticket["thread_id"], "closed")
        log_event(db, conn, catalog, ticket, "reopened", actor)
        if not v110:  # osTicket 1.10 keeps the due date counted from the creation
            ticket = _update_due_date(db, conn, catalog, ticket, timezone)
    else:
        log_event(db, conn, catalog, ticket, "edited", actor, {"status": status_id})
    return ticket


def cleared_due_dates(t, now):
    """Ticket::clearOverdue (1.11+), on a close and on an overdue ticket's SLA plan or due date edit: not overdue,
    and due dates already past are cleared."""
    return dict(
        isoverdue=0,
        duedate=case((t.c.duedate <= now, None), else_=t.c.duedate),
        est_duedate=case((t.c.est_duedate <= now, None), else_=t.c.est_duedate),
    )


def _cleared_overdue(db, ticket):
    """osTicket 1.10's close: the due date always goes; an overdue ticket loses the flag, and its SLA when the
    SLA's due date (creation + grace hours) is past. The estimated due date stays."""
    values = {"duedate": None}
    if ticket["isoverdue"]:
        t, s = db.tables.ticket, db.tables.sla
        grace = select(s.c.grace_period).where(s.c.id == t.c.sla_id).scalar_subquery()
        past = func.timestampadd(literal_column("HOUR"), grace, t.c.created)
        values.update(isoverdue=0, sla_id=case((past <= func.now(), 0), else_=t.c.sla_id))
    return values


def reopen_assignee_110(db, conn, catalog, ticket):
    """osTicket 1.10's Ticket::onMessage after a user's message reopened the ticket: the current agent or the last
    respondent keeps it when auto-claim is on for the department and they are available with access; else nobody."""
    dept_flags = dept_and_topic_flags(db, conn, ticket)[0]
    agent = agent_by_id(db, conn, ticket["staff_id"])
    if agent is None:  # 1.10's Ticket::getLastRespondent: the newest response's agent
        e = db.tables.thread_entry
        newest = select(e.c.staff_id).where(e.c.thread_id == ticket["thread_id"], e.c.type == "R", e.c.staff_id > 0)
        agent = agent_by_id(db, conn, conn.execute(newest.order_by(e.c.id.desc()).limit(1)).scalar())
    keep = (
        flag(catalog, "auto_claim_tickets", True)
        and not dept_flags & DEPT_NO_AUTO_CLAIM
        and agent
        and is_available(agent)
        and agent_can_access_dept(db, conn, agent, ticket["dept_id"])
    )
    staff_id = agent["staff_id"] if keep else 0
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(staff_id=staff_id))
    return reload(db, conn, ticket)


def reload(db, conn, ticket):
    """The ticket row re-read after an UPDATE, keeping the thread id of the snapshot."""
    t = db.tables.ticket
    row = conn.execute(select(t).where(t.c.ticket_id == ticket["ticket_id"])).mappings().one()
    return {**ticket, **row}


def refer_to_agent(db, conn, thread_id, staff_id):
    """Thread::refer: one referral row per agent and thread."""
    r = db.tables.thread_referral
    exists = conn.execute(
        select(r.c.id).where(r.c.thread_id == thread_id, r.c.object_type == "S", r.c.object_id == staff_id)
    ).first()
    if not exists:
        conn.execute(insert(r).values(thread_id=thread_id, object_id=staff_id, object_type="S", created=func.now()))


def delete_drafts(db, conn, namespace, ids=None):
    """Draft::deleteForNamespace: the drafts matching the LIKE pattern (``ids``, when read already) and their
    inline images."""
    d, a = db.tables.draft, db.tables.attachment
    if ids is None:
        ids = [i for (i,) in conn.execute(select(d.c.id).where(d.c.namespace.like(namespace)))]
    if ids:
        conn.execute(delete(a).where(a.c.type == "D", a.c.object_id.in_(ids)))
        conn.execute(delete(d).where(d.c.id.in_(ids)))


def flag(catalog, key, default):
    """A boolean core setting: osTicket's default when unset, PHP truthiness otherwise."""
    value = catalog.config.get(key)
    return default if value is None else value not in ("", "0")


def _check_closeable(db, conn, catalog, ticket):
    """Ticket::isCloseable, less open tasks (the bridge does not read ost_task)."""
    if _missing_close_fields(db, conn, ticket):
        raise Conflict("the ticket has empty fields that are required to close it")
    if flag(catalog, "require_topic_to_close", False) and not ticket["topic_id"]:
        raise Conflict("a help topic is required to close a ticket")


def _missing_close_fields(db, conn, ticket):
    """Ticket::getMissingRequiredFields: empty answers of required-to-close fields the topic does not disable."""
    t = db.tables
    entry, value, field = t.form_entry, t.form_entry_values, t.form_field
    if ticket["topic_id"]:
        extras = select(t.help_topic_form.c.extra).where(t.help_topic_form.c.topic_id == ticket["topic_id"])
    else:
        extras = select(entry.c.extra).where(entry.c.object_type == "T", entry.c.object_id == ticket["ticket_id"])
    disabled = set()
    for (extra,) in conn.execute(extras):
        try:
            disabled.update(json.loads(extra or "{}").get("disable") or ())
        except (ValueError, AttributeError):
            continue
    query = (
        select(value.c.field_id)
        .select_from(entry.join(value, value.c.entry_id == entry.c.id).join(field, field.c.id == value.c.field_id))
        .where(
            entry.c.object_type == "T",
            entry.c.object_id == ticket["ticket_id"],
            field.c.flags.op("&")(FIELD_CLOSE_REQUIRED) != 0,
            value.c.value.is_(None),
        )
    )
    return [f for (f,) in conn.execute(query) if f not in disabled]


def _reopen_assignee(db, conn, ticket, dept_flags):
    """The closing agent, else the "last respondent", if available with access to the department; else 0."""
    if dept_flags & DEPT_NO_REOPEN_ASSIGN:
        return 0
    agent = agent_by_id(db, conn, ticket["staff_id"])
    if agent is None:
        agent = agent_by_id(db, conn, last_respondent(db, conn, ticket["thread_id"]))
    if agent and is_available(agent) and agent_can_access_dept(db, conn, agent, ticket["dept_id"]):
        return agent["staff_id"]
    return 0


def _update_due_date(db, conn, catalog, ticket, timezone):
    """Ticket::updateEstDueDate after a reopen: the SLA due date counted from `reopened`, written if it changed."""
    due = due_date(
        db, conn, catalog, sla_id=ticket["sla_id"], dept_id=ticket["dept_id"], start=ticket["reopened"],
        timezone=timezone,
    )  # fmt: skip
    current = ticket["est_duedate"]
    if due == (current.strftime("%Y-%m-%d %H:%M:%S") if current else None):
        return ticket
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(est_duedate=due, updated=func.now()))
    return reload(db, conn, ticket)
