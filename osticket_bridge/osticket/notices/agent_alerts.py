"""The alerts of an agent's actions (tickets/agent_actions.py): an assignment (Ticket::onAssign), an internal note
(Ticket::onActivity) and a transfer (Ticket::transfer), each per the help desk's alert settings; recorded in
tests/recordings/<release>/agent/mail/."""

from sqlalchemy import select

from ..catalog import templates
from ..people.agent_access import agent_by_id, can_access_ticket
from . import compose as nm
from .recipients import (
    _alert_members,
    _assignment_alert,
    _entry_markup,
    _last_respondent,
    _on,
    _staff_alerts,
    _team_members_for_alerts,
    _values,
)

NEW_NOTE = "New Internal Note"  # Ticket::postNote's activity


def assignment(db, conn, catalog, ticket_id, staff_id, note_id):
    """An agent's assignment: the assignment alert, by the agent, with the comments' note."""
    facts = nm.load_facts(db, conn, catalog, ticket_id, note_id)
    return _assignment_alert(db, conn, catalog, facts, nm.agents(db, conn, [staff_id])[0], note_id)


def note(db, conn, catalog, ticket_id, note_id, title, assignee_id, is_open):
    """Ticket::onActivity for an internal note: the last respondent, the assignee (``assignee_id``: the ticket's
    agent when the note was posted) and the team's members, the department's manager; never the poster, and on a
    closed ticket only those who may still see it."""
    if not _on(catalog, "note_alert_active"):
        return []
    facts = nm.load_facts(db, conn, catalog, ticket_id, note_id)
    template = templates.load_template(db, conn, catalog, facts.dept["tpl_id"], "note.alert")
    sender = _alert_account(db, conn, catalog)
    if not _alert_members(db, conn, catalog, facts.dept) or template is None or sender is None:
        return []
    ticket = facts.ticket
    recipients = []
    if _on(catalog, "note_alert_laststaff"):
        recipients.append(_last_respondent(db, conn, facts))
    if _on(catalog, "note_alert_assigned"):
        recipients.append(assignee_id)
        if ticket["team_id"]:
            recipients += _team_members_for_alerts(db, conn, ticket["team_id"])
    if _on(catalog, "note_alert_dept_manager"):
        recipients.append(facts.dept["manager_id"])
    poster_id = conn.execute(
        select(db.tables.thread_entry.c.staff_id).where(db.tables.thread_entry.c.id == note_id)
    ).scalar()
    recipients = [r for r in recipients if r and r != poster_id]
    if not is_open:
        recipients = [r for r in recipients if _sees(db, conn, r, ticket)]
    markup = _entry_markup(facts.entry)
    values = _values(db, conn, catalog, facts, comments=markup, activity=NEW_NOTE)
    values.update({"note": markup, "note.title": title, "note.message": markup, "note.poster": facts.entry["poster"]})
    return _staff_alerts(db, conn, catalog, facts, "note.alert", template, values, sender, recipients, note_id)[0]


def transfer(db, conn, catalog, ticket_id, staff_id, note_id):
    """Ticket::transfer's alert: the assigned agent or team, else the new department's members (when unassigned),
    and its manager; with the comments' note."""
    if not _on(catalog, "transfer_alert_active"):
        return []
    facts = nm.load_facts(db, conn, catalog, ticket_id, note_id)
    members = _alert_members(db, conn, catalog, facts.dept)
    template = templates.load_template(db, conn, catalog, facts.dept["tpl_id"], "transfer.alert")
    sender = facts.accounts["dept"]
    if not members or template is None or sender is None:
        return []
    ticket, recipients = facts.ticket, []
    if ticket["staff_id"] or ticket["team_id"]:
        if _on(catalog, "transfer_alert_assigned"):
            if ticket["staff_id"]:
                recipients.append(ticket["staff_id"])
            else:
                recipients += _team_members_for_alerts(db, conn, ticket["team_id"])
    elif _on(catalog, "transfer_alert_dept_members"):
        recipients += members
    if _on(catalog, "transfer_alert_dept_manager"):
        recipients.append(facts.dept["manager_id"])
    values = _values(db, conn, catalog, facts, comments=_entry_markup(facts.entry) if note_id else "")
    values.update(nm.agent_person(catalog, "staff", nm.agents(db, conn, [staff_id])[0]))
    alerts = _staff_alerts(
        db, conn, catalog, facts, "transfer.alert", template, values, sender, recipients, entry_id=note_id,
        threaded=bool(note_id),
    )  # fmt: skip
    return alerts[0]


def _alert_account(db, conn, catalog):
    """OsticketConfig::getAlertEmail: the alert account, else the default one, as (name, address)."""
    e = db.tables.email
    for email_id in (catalog.int_setting("alert_email_id"), catalog.int_setting("default_email_id")):
        row = conn.execute(select(e.c.name, e.c.email).where(e.c.email_id == email_id)).first() if email_id else None
        if row is not None:
            return (row.name or "", row.email)
    return None


def _sees(db, conn, staff_id, ticket):
    agent = agent_by_id(db, conn, staff_id)
    return agent is not None and can_access_ticket(db, conn, agent, ticket, False)
