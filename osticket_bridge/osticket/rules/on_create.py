"""The rules Ticket::create applies before it writes (the ban list, the ticket filters, the open-ticket limit)
and the thread events osTicket 1.18 writes for a filter's edits.

A refusal leaves osTicket's "Ticket denied" warning in ost_syslog (in a transaction of its own: the create's
is rolled back) and raises Forbidden or Conflict.
"""

from dataclasses import replace

from sqlalchemy import select

from ..catalog import templates
from ..errors import Conflict, Forbidden
from ..notices import compose as nm
from ..notices import recipients as notices
from ..release import is_110
from ..threads.events import Actor, log_event
from . import filter_data, filter_mail, filters, syslog

FILTER_ACTOR = Actor("Ticket Filter", None, "S")
DENIED = "This help desk is for use by authorized users only"
# action type -> the "type" an 1.18 "edited" event names
EVENT_TYPES = {"dept": "Department", "pri": "Priority", "sla": "SLA", "team": "Team", "agent": "Agent",
               "topic": "Topic", "status": "Ticket Status"}  # fmt: skip


def screen(db, conn, catalog, request, owner, email, banned, values, org_id, subject):
    """The filters' Decisions for this create, after the ban list; a ban or a reject action refuses it (403).

    ``org_id``: the owner's organization, or the one a new address joins: its fields (and an existing owner's
    stored user fields) are read when a rule names them. On osTicket 1.10 the filters' e-mails leave here, as its
    filters send them: before the ticket exists, kept when the create is refused after all.
    """
    address = owner["email"] if owner else email
    if banned:
        _deny(db, catalog, request, f'Ticket rejected ({address}) by filter "SYSTEM BAN LIST"')
    active = {"dept": _active_depts(db, conn, catalog), "topic": _active_topics(db, conn, catalog)}
    loaded = filters.load(db, conn, catalog, filters.TARGETS[request.origin])
    wanted = {what for f in loaded for what, _, _ in f.rules if what.startswith("field.") and what not in values}
    if wanted:
        values = {**filter_data.stored_fields(db, conn, catalog, owner, org_id, wanted), **values}
    decisions = filters.run(loaded, values, is_110(db), active)
    if is_110(db) and decisions.emails:
        person = {"name": values["name"], "email": values["email"]}
        mails = filter_mail.send_email_actions(
            db, conn, catalog, decisions.emails, person, filter_mail.filter_request_values(subject, person), {}, True
        )
        with db.engine.begin() as apart:
            notices.queue(db, apart, mails)
    if decisions.rejected_by is not None:
        _deny(db, catalog, request, f'Ticket rejected ({address}) by filter "{decisions.rejected_by.name}"')
    return decisions


def _deny(db, catalog, request, message):
    syslog.warn_apart(db, catalog, "Ticket denied", message, request.ip)
    raise Forbidden(f"ticket denied: {DENIED.lower()}")


def check_open_limit(db, catalog, request, owner):
    """core.max_open_tickets: an owner at the limit is refused (409), with osTicket's warning."""
    limit = catalog.int_setting("max_open_tickets")
    if owner is None or limit <= 0 or owner["open_tickets"] < limit:
        return
    address = owner["email"]
    syslog.warn_apart(db, catalog, f"Ticket denied - {address}", f"Max open tickets ({limit}) reached for {address}",
                      request.ip)  # fmt: skip
    raise Conflict("you've reached the maximum open tickets allowed")


def _active_depts(db, conn, catalog):
    d = db.tables.department
    if "flags" not in d.c or db.tables.has("help_topic", "isactive"):  # 1.10: every department is active
        return catalog.kept("all_depts", lambda: {r.id for r in conn.execute(select(d.c.id))})
    return catalog.kept("active_depts", lambda: {r.id for r in conn.execute(select(d.c.id, d.c.flags)) if r.flags & 4})


def _active_topics(db, conn, catalog):
    ht = db.tables.help_topic
    if "isactive" in ht.c:  # 1.10
        query = select(ht.c.topic_id).where(ht.c.isactive == 1)
        return catalog.kept("active_topics", lambda: {r.topic_id for r in conn.execute(query)})
    rows = select(ht.c.topic_id, ht.c.flags)
    return catalog.kept(
        "active_topics", lambda: {r.topic_id for r in conn.execute(rows) if r.flags & 0x2 and not r.flags & 0x4}
    )


def log_filter_events(db, conn, catalog, snapshot, decisions, now):
    """1.18's "edited" event per action of each matched filter that describes one (FilterAction's
    getEventDescription), by "Ticket Filter", for the filters of its second match; osTicket 1.10 writes none."""
    for matched in decisions.matched_once_created:
        for kind, config in matched.actions:
            if kind not in EVENT_TYPES:
                continue
            key = filters.ACTIONS[kind][0]
            wanted = filters.configured_id(config, key)
            if not wanted:
                continue
            data = {"value": _described(db, conn, catalog, kind, wanted), "filter": matched.name,
                    "type": EVENT_TYPES[kind]}  # fmt: skip
            log_event(db, conn, catalog, snapshot, "edited", FILTER_ACTOR, data, now=now)


def _described(db, conn, catalog, kind, wanted):
    """The name the event shows, false when the row is gone (kept with the catalog, as other admin-edited names).
    A status is looked up as a team, as 1.18's FA_SetStatus does (Team::lookup)."""
    t = db.tables
    if kind == "pri":
        priority = catalog.priorities.get(wanted)
        return priority["priority_desc"] if priority else False
    table, key, columns = {
        "dept": (t.department, "id", ("name",)),
        "sla": (t.sla, "id", ("name",)),
        "team": (t.team, "team_id", ("name",)),
        "status": (t.team, "team_id", ("name",)),
        "topic": (t.help_topic, "topic_id", ("topic",)),
        "agent": (t.staff, "staff_id", ("firstname", "lastname")),
    }[kind]
    query = select(*(table.c[c] for c in columns)).where(table.c[key] == wanted)
    row = catalog.kept(("filter event", kind, wanted), lambda: conn.execute(query).first())
    if row is None:
        return False
    return f"{row[0]} {row[1]}" if kind == "agent" else row[0]  # Staff::getName()->name


def after_create(db, conn, catalog, request, facts, decisions, owner, status, message_id, now):
    """The end of Ticket::create once the rows are written: the filters' e-mails, their canned response (which
    takes the auto-response's place), the new-ticket notices, and the open-ticket limit's warning and notices."""
    v110 = is_110(db)
    decided = decisions.values
    person = {"name": facts.owner["name"], "email": facts.owner["email"]}
    # 1.18 sends the e-mails of its second match now; 1.10 sent its own as the filters ran (screen)
    configs = [] if v110 else filters.email_actions(decisions.matched_once_created)
    values = nm.ticket_values(catalog, facts)
    mails = filter_mail.send_email_actions(db, conn, catalog, configs, person, values, facts.ticket, False)
    autorespond = request.autorespond and decided.get("autorespond", True)
    canned = decided.get("cannedResponseId")
    response = canned and filter_mail.post_canned_reply(
        db, conn, catalog, facts, canned, message_id, request.ip, now, v110
    )
    if response:
        # Ticket::create's own checks before the canned response (the department's setting comes after it)
        if autorespond and not (facts.topic and facts.topic["noautoresp"]) and not facts.owner["is_system"]:
            replied = notices.canned_reply(db, conn, catalog, facts, templates.Markup(response["body"]), response["id"])
            mails += [replace(mail, attachments=response["mail_files"]) for mail in replied]
        autorespond = False
    notices.queue(db, conn, mails + notices.new_ticket(db, conn, catalog, facts, autorespond, request.alert))
    open_before = owner["open_tickets"] if owner and "open_tickets" in owner else 0
    _reached_open_limit(db, conn, catalog, request, facts, open_before, status, autorespond)
    return response


def _reached_open_limit(db, conn, catalog, request, facts, open_before, status, autorespond):
    """When this create brings its owner to core.max_open_tickets: osTicket's warning (Ticket::onOpenLimit) and
    its mails (notices.open_limit)."""
    limit = catalog.int_setting("max_open_tickets")
    open_now = (open_before or 0) + (status["state"] == "open")
    if limit <= 0 or open_now != limit:
        return
    address = facts.owner["email"]
    title, message = f"Maximum Open Tickets Limit ({address})", f"Maximum open tickets ({limit}) reached for {address}"
    syslog.warn(db, conn, catalog, title, message, request.ip)
    notify = autorespond and not facts.owner["is_system"] and bool(facts.dept["ticket_auto_response"])
    if facts.topic is not None and facts.topic["noautoresp"]:
        notify = False
    mails = notices.open_limit(db, conn, catalog, facts, limit, open_now, notify)
    if catalog.int_setting("log_level", syslog.WARNING) < syslog.WARNING:
        mails = mails[1:]  # osTicket alerts the admin about a warning only when it logs it
    notices.queue(db, conn, mails)
