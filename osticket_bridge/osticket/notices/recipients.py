"""Who osTicket 1.18 notifies for an event, and with which template, decided from its settings in the database.

Each function reads the ticket as the write left it (same transaction; a create passes what it wrote) and queues
the mails osTicket's Ticket::onNewTicket / onAssign / postMessage+onMessage / postReply would send. Queued in the
write's transaction, a write that rolls back mails nobody.
"""

from sqlalchemy import or_, select

from ...mail import outbox
from ...mail.message import Mail
from ..catalog import templates
from ..release import is_110
from . import compose as nm
from .compose import ALERT, AUTO_REPLY, Envelope

ALERTS_DEPT_AND_EXTENDED, ALERTS_DISABLED = 1, 2  # ost_department.group_membership
ACCESS_ALERTS = 0x1  # ost_staff_dept_access.flags
TEAM_ALERTS_DISABLED = 0x2  # ost_team.flags
TEAM_MEMBER_ALERTS = 0x1  # ost_team_member.flags
AUTO_ASSIGNER = "SYSTEM (Auto Assignment)"


def _on(catalog, key, default=False):
    """An osTicket on/off setting; ``default``: osTicket's own when the install has no row for it."""
    value = catalog.config.get(key)
    return default if value is None else value not in ("", "0")


def queue(db, conn, mails):
    """Hand the mails to the outbox, in the caller's transaction."""
    if mails:
        outbox.enqueue(db, conn, mails)


def new_ticket(db, conn, catalog, facts, autorespond=True, alert=True):
    """Ticket::create's mails: the assignment alert of an auto-assigning topic, then onNewTicket's.

    ``facts``: the new ticket's (notice_mail.facts), as the create knows them.
    """
    mails = []
    if facts.ticket["staff_id"] or facts.ticket["team_id"]:
        mails += _assignment_alert(db, conn, catalog, facts)
    if autorespond and facts.topic is not None and facts.topic["noautoresp"]:
        autorespond = False  # the topic disables the auto-response (Ticket::create)
    if autorespond and facts.owner["is_system"]:
        autorespond = False  # loop control: never auto-respond to one of the help desk's own addresses
    values = _values(db, conn, catalog, facts, message=_entry_markup(facts.entry))
    dept = facts.dept
    if autorespond and _on(catalog, "ticket_autoresponder") and dept["ticket_auto_response"]:
        mails += _to_owner(db, conn, catalog, facts, "ticket.autoresp", values)
    if alert and _on(catalog, "ticket_alert_active"):
        mails += _new_ticket_alerts(db, conn, catalog, facts, values)
    return mails


def _new_ticket_alerts(db, conn, catalog, facts, values):
    template = templates.load_template(db, conn, catalog, facts.dept["tpl_id"], "ticket.alert")
    sender = facts.accounts["dept"]
    if template is None or sender is None:
        return []
    dept, recipients = facts.dept, []
    members = _alert_members(db, conn, catalog, dept)
    if members:
        manager = dept["manager_id"]
        if _on(catalog, "ticket_alert_dept_members") and not (facts.ticket["staff_id"] or facts.ticket["team_id"]):
            recipients += [m for m in members if m != manager]
        if _on(catalog, "ticket_alert_dept_manager") and manager:
            recipients.append(manager)
        if _on(catalog, "ticket_alert_acct_manager"):
            recipients += _account_manager(db, conn, facts.owner["org_id"])
    mails, sent = _staff_alerts(db, conn, catalog, facts, "ticket.alert", template, values, sender, recipients)
    admin = catalog.setting("admin_email")
    admin_alerted = dept["group_membership"] != ALERTS_DISABLED
    if _on(catalog, "ticket_alert_admin") and admin and admin not in sent and admin_alerted:
        rendered = templates.render(template, {**values, **nm.person("recipient", "Admin", "Admin")})
        envelope = Envelope("ticket.alert", sender, (("", admin),), utype="M", headers=ALERT)
        mails.append(nm.compose(catalog, facts, envelope, rendered))
    return mails


def _assignment_alert(db, conn, catalog, facts, assigner=None, note_id=0):
    """Ticket::onAssign: an assignment by ``assigner`` (an agent's row; None: a topic's auto-assignment, "SYSTEM")
    to the ticket's agent or team, with the comments of the note ``note_id`` (threaded on it)."""
    if not _on(catalog, "assigned_alert_active") or not _alert_members(db, conn, catalog, facts.dept):
        return []
    recipients = []
    if facts.ticket["staff_id"]:
        if _on(catalog, "assigned_alert_staff"):
            recipients = [facts.ticket["staff_id"]]
    else:
        recipients = _team_alert_recipients(db, conn, catalog, facts.ticket["team_id"])
    template = templates.load_template(db, conn, catalog, facts.dept["tpl_id"], "assigned.alert")
    sender = facts.accounts["dept"]
    if not recipients or template is None or sender is None:
        return []
    # Without a note of its own, 1.10's onAssign fills in its own comments
    comments = _entry_markup(facts.entry) if note_id else "Ticket Assignment" if is_110(db) else ""
    values = _values(db, conn, catalog, facts, comments=comments)
    if assigner is None:
        values.update(nm.person("assigner", AUTO_ASSIGNER, AUTO_ASSIGNER))
    else:
        values.update(nm.agent_person(catalog, "assigner", assigner))
    assignee = nm.agents(db, conn, [facts.ticket["staff_id"]])
    if assignee:
        values.update(nm.agent_person(catalog, "assignee", assignee[0]))
    else:
        values.update(nm.person("assignee", _team_name(db, conn, facts.ticket["team_id"]), ""))
    alerts = _staff_alerts(
        db, conn, catalog, facts, "assigned.alert", template, values, sender, recipients, entry_id=note_id,
        threaded=bool(note_id),
    )  # fmt: skip
    return alerts[0]


def user_message(db, conn, catalog, facts, entry_id, poster_id, recipients):
    """Ticket::postMessage from the portal: the message auto-response to the poster, the activity notice to the
    other participants (``recipients``: the entry's, the poster left out), then the new-message alert.

    ``facts``: the ticket's as the write left it, about the message ``entry_id`` (compose.facts_of).
    """
    entry = facts.entry
    values = _values(db, conn, catalog, facts, message=_entry_markup(entry))
    values.update(nm.user_person(catalog, "poster", entry["poster"] or facts.owner["name"]))
    mails = []
    dept = facts.dept
    if (
        poster_id == facts.owner["id"]
        and _on(catalog, "message_autoresponder")
        and dept["message_auto_response"]
        and not facts.owner["is_system"]
    ):
        mails += _to_owner(db, conn, catalog, facts, "message.autoresp", values, entry_id)
    if recipients and _on(catalog, "message_autoresponder_collabs", default=True):
        if is_110(db):  # a mail to each participant but the poster
            people = [*recipients.get("to", {}).values(), *recipients.get("cc", {}).values()]
            mails += _activity_notices_110(db, conn, catalog, facts, values, entry_id, people)
        else:
            mails += _activity_notice(db, conn, catalog, facts, values, entry_id, poster_id, recipients)
    if _on(catalog, "message_alert_active"):
        template = templates.load_template(db, conn, catalog, dept["tpl_id"], "message.alert")
        sender = facts.accounts["dept"]
        recipients = []
        if _on(catalog, "message_alert_laststaff"):
            recipients.append(_last_respondent(db, conn, facts))
        if _on(catalog, "message_alert_assigned"):
            if facts.ticket["staff_id"]:
                recipients.append(facts.ticket["staff_id"])
            elif facts.ticket["team_id"]:
                recipients += _team_members_for_alerts(db, conn, facts.ticket["team_id"])
        if _on(catalog, "message_alert_dept_manager"):
            recipients.append(dept["manager_id"])
        if _on(catalog, "message_alert_acct_manager"):
            recipients += _account_manager(db, conn, facts.owner["org_id"])
        if template is not None and sender is not None:
            found = _staff_alerts(
                db, conn, catalog, facts, "message.alert", template, values, sender, recipients, entry_id
            )  # fmt: skip
            mails += found[0]
    return mails


def agent_reply(db, conn, catalog, facts, entry_id, staff_id, recipients):
    """Ticket::postReply: one mail to the reply's recipients (owner in To, Cc'd collaborators), none for reply_to=none.

    ``facts``: as for user_message; ``recipients``: the thread entry's {"to": {id: "Name <address>"}, "cc": {...}}
    as the write stored them.
    """
    if not recipients:
        return []
    dept = facts.dept
    notices = []
    if is_110(db) and recipients.get("cc"):
        # osTicket 1.10 mails the reply to the owner alone, and each collaborator an activity notice of its own.
        cc, recipients = recipients["cc"], {k: v for k, v in recipients.items() if k == "to"}
        values = _values(db, conn, catalog, facts, message=_entry_markup(facts.entry))
        values.update(nm.agent_person(catalog, "poster", nm.agents(db, conn, [staff_id], facts.known_agents)[0]))
        notices = _activity_notices_110(db, conn, catalog, facts, values, entry_id, cc.values())
        if not recipients:
            return notices
    template = templates.load_template(db, conn, catalog, dept["tpl_id"], "ticket.reply")
    sender = facts.accounts["dept"]
    if template is None or sender is None:
        return []
    entry = facts.entry
    agent = nm.agents(db, conn, [staff_id], facts.known_agents)[0]
    values = _values(db, conn, catalog, facts, response=_entry_markup(entry), signature=_signature(agent, dept))
    values.update(nm.agent_person(catalog, "staff", agent))
    values.update(nm.agent_person(catalog, "poster", agent))
    values.update(nm.user_person(catalog, "recipient", facts.owner["name"]))
    # The owner alone on a ticket with collaborators gets an auth-token link (postReply's special case).
    alone = len(recipients.get("to", {})) + len(recipients.get("cc", {})) == 1 and "to" in recipients
    with_token = not facts.has_collaborators or alone
    values["recipient.ticket_link"] = nm.owner_link(catalog, facts, with_token)
    rendered = templates.render(template, values)
    to = tuple(_address(a) for a in recipients.get("to", {}).values())
    cc = tuple(_address(a) for a in recipients.get("cc", {}).values())
    envelope = Envelope("ticket.reply", sender, to or cc[:1], cc if to else cc[1:], utype="M", entry_id=entry_id)
    return [nm.compose(catalog, facts, envelope, rendered), *notices]


def _activity_notices_110(db, conn, catalog, facts, values, entry_id, people):
    """osTicket 1.10's Ticket::notifyCollaborators: the activity notice to each of ``people`` ("Name <address>") in
    a mail of its own, greeted by name. Its link is the plain view link: 1.10.4 builds a collaborator's auth token
    from the collaborator row's id as if it were a user id, which can sign the reader in as someone else."""
    template = templates.load_template(db, conn, catalog, facts.dept["tpl_id"], "ticket.activity.notice")
    sender = facts.accounts["dept"]
    if template is None or sender is None:
        return []
    values = {**values, "recipient.ticket_link": nm.owner_link(catalog, facts, False)}
    mails = []
    for address in people:
        name, email = _address(address)
        rendered = templates.render(template, {**values, **nm.user_person(catalog, "recipient", name)})
        envelope = Envelope("ticket.activity.notice", sender, ((name, email),), utype="C", entry_id=entry_id)
        mails.append(nm.compose(catalog, facts, envelope, rendered))
    return mails


def _activity_notice(db, conn, catalog, facts, values, entry_id, poster_id, recipients):
    """Ticket::notifyCollaborators: one mail to the owner (To) and the collaborators (Cc) other than the poster,
    greeting the owner, or "Collaborator" when the owner posted."""
    template = templates.load_template(db, conn, catalog, facts.dept["tpl_id"], "ticket.activity.notice")
    sender = facts.accounts["dept"]
    if template is None or sender is None:
        return []
    if poster_id != facts.owner["id"]:
        greeting = nm.user_person(catalog, "recipient", facts.owner["name"])
    else:
        greeting = nm.person("recipient", "Collaborator", "Collaborator")
    link = nm.owner_link(catalog, facts, not facts.has_collaborators)
    rendered = templates.render(template, {**values, **greeting, "recipient.ticket_link": link})
    to = tuple(_address(a) for a in recipients.get("to", {}).values())
    cc = tuple(_address(a) for a in recipients.get("cc", {}).values())
    envelope = Envelope("ticket.activity.notice", sender, to, cc, utype="M", entry_id=entry_id)
    return [nm.compose(catalog, facts, envelope, rendered)]


def _to_owner(db, conn, catalog, facts, code, values, entry_id=0, account="autoresp"):
    """An auto-response to the ticket's owner, from the department's auto-response address (``account``)."""
    template = templates.load_template(db, conn, catalog, facts.dept["tpl_id"], code)
    sender = facts.accounts[account]
    if template is None or sender is None or not facts.owner["email"]:
        return []
    values = {
        **values,
        **nm.user_person(catalog, "recipient", facts.owner["name"]),
        "recipient.ticket_link": nm.owner_link(catalog, facts, not facts.has_collaborators),
        "signature": templates.Markup(facts.dept["signature"] or "") if facts.dept["ispublic"] else "",
    }
    rendered = templates.render(template, values)
    recipient = (values["recipient.name"], facts.owner["email"])
    envelope = Envelope(
        code, sender, (recipient,), utype="U", user_id=facts.owner["id"], entry_id=entry_id, headers=AUTO_REPLY
    )
    return [nm.compose(catalog, facts, envelope, rendered)]


def _staff_alerts(db, conn, catalog, facts, kind, template, values, sender, staff_ids, entry_id=0, threaded=True):
    """One alert per available agent, each address once (osTicket's $sentlist); returns (mails, addresses)."""
    mails, sent = [], []
    for agent in nm.agents(db, conn, staff_ids, facts.known_agents):
        if not agent["isactive"] or agent["onvacation"] or not agent["email"] or agent["email"] in sent:
            continue
        rendered = templates.render(template, {**values, **nm.agent_person(catalog, "recipient", agent)})
        to = ((nm.agent_name(catalog, agent), agent["email"]),)
        envelope = Envelope(
            kind, sender, to, utype="S", user_id=agent["staff_id"], entry_id=entry_id, threaded=threaded, headers=ALERT
        )
        mails.append(nm.compose(catalog, facts, envelope, rendered))
        sent.append(agent["email"])
    return mails, sent


def _values(db, conn, catalog, facts, **extra):
    values = nm.ticket_values(catalog, facts)
    values.update(extra)
    return values


def _alert_members(db, conn, catalog, dept):
    """Dept::getMembersForAlerts: available primary members, and extended-access members with alerts on when
    the department extends alerts to them; none when the department disables alerts. Kept with the catalog: an
    admin's edit of the agents or the department shows within its CACHE_SECONDS."""
    if dept["group_membership"] == ALERTS_DISABLED:
        return ()

    def load():
        s, a = db.tables.staff, db.tables.staff_dept_access
        member = s.c.dept_id == dept["id"]
        if dept["group_membership"] == ALERTS_DEPT_AND_EXTENDED:
            extended = select(a.c.staff_id).where(a.c.dept_id == dept["id"], a.c.flags.op("&")(ACCESS_ALERTS) != 0)
            member = or_(member, s.c.staff_id.in_(extended))
        query = select(s.c.staff_id).where(member, s.c.isactive == 1, s.c.onvacation == 0)
        query = query.order_by(s.c.firstname, s.c.lastname)  # Staff::nsort, by name
        return tuple(r for (r,) in conn.execute(query))

    return catalog.kept(("alert members", dept["id"], dept["group_membership"]), load)


def _team_members_for_alerts(db, conn, team_id):
    """Team::getMembersForAlerts: the members whose membership has alerts on."""
    tm = db.tables.team_member
    query = select(tm.c.staff_id).where(tm.c.team_id == team_id, tm.c.flags.op("&")(TEAM_MEMBER_ALERTS) != 0)
    return [r for (r,) in conn.execute(query)]


def _team_alert_recipients(db, conn, catalog, team_id):
    """Ticket::onAssign for a team: its members with alerts on, else its lead (when the team's alerts are on)."""
    t = db.tables.team
    team = conn.execute(select(t.c.flags, t.c.lead_id).where(t.c.team_id == team_id)).first()
    if team is None or team.flags & TEAM_ALERTS_DISABLED:
        return []
    members = _team_members_for_alerts(db, conn, team_id)
    if _on(catalog, "assigned_alert_team_members") and members:
        return members
    if _on(catalog, "assigned_alert_team_lead") and team.lead_id:
        return [team.lead_id]
    return []


def _team_name(db, conn, team_id):
    return conn.execute(select(db.tables.team.c.name).where(db.tables.team.c.team_id == team_id)).scalar() or ""


def _account_manager(db, conn, org_id):
    """Organization::getAccountManager: "s<id>" an agent, "t<id>" a team's members for alerts."""
    if not org_id:
        return []
    o = db.tables.organization
    manager = conn.execute(select(o.c.manager).where(o.c.id == org_id)).scalar() or ""
    if manager[:1] == "s" and manager[1:].isdigit():
        return [int(manager[1:])]
    if manager[:1] == "t" and manager[1:].isdigit():
        return _team_members_for_alerts(db, conn, int(manager[1:]))
    return []


def _last_respondent(db, conn, facts):
    """Ticket::getLastRespondent: the agent of the newest response."""
    if facts.known_last_respondent:
        return facts.known_last_respondent[0]
    te = db.tables.thread_entry
    query = (
        select(te.c.staff_id)
        .where(te.c.thread_id == facts.ticket["thread_id"], te.c.type == "R", te.c.staff_id != 0)
        .order_by(te.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).scalar()


def _entry_markup(entry):
    """A thread entry's body as osTicket puts it in a mail: HTML as stored, plain text escaped in a pre-wrap div."""
    if entry["format"] == "html":
        return templates.Markup(entry["body"])
    return templates.text_body(entry["body"])


def _signature(agent, dept):
    """The reply's signature as the staff panel preselects it: the agent's default_signature_type."""
    kind = agent.get("default_signature_type") or "none"
    if kind == "mine":
        return templates.Markup(agent.get("signature") or "")
    if kind == "dept" and dept["ispublic"]:
        return templates.Markup(dept["signature"] or "")
    return ""


def _address(formatted):
    """("Name", "address") of the "Name <address>" the thread entry's recipients store."""
    name, _, address = formatted.rpartition(" <")
    return (name, address.rstrip(">"))


def open_limit(db, conn, catalog, facts, limit, open_tickets, notify):
    """Ticket::onOpenLimit's mails when a create reaches core.max_open_tickets: the admin's alert for the logged
    warning, then, with ``notify`` (the create still auto-responds) and core.overlimit_notice_active, the
    "ticket.overlimit" notice to the owner and the admin's "Overlimit Notice"."""
    address = facts.owner["email"]
    mails = admin_alert(db, conn, catalog, f"Maximum Open Tickets Limit ({address})",
                        f"Maximum open tickets ({limit}) reached for {address}")  # fmt: skip
    if not notify or not _on(catalog, "overlimit_notice_active"):
        return mails
    mails += _to_owner(db, conn, catalog, facts, "ticket.overlimit", _values(db, conn, catalog, facts))
    text = (
        f"Maximum open tickets reached for {address}.\nOpen tickets: {open_tickets}\nMax allowed: {limit}"
        "\n\nNotice sent to the user."
    )
    return mails + admin_alert(db, conn, catalog, "Overlimit Notice", text)


def admin_alert(db, conn, catalog, subject, text):
    """osTicket::alertAdmin: plain text to core.admin_email from the alert account (else the default one), the
    help desk's address appended."""
    admin = catalog.setting("admin_email")
    em = db.tables.email
    ids = [catalog.int_setting("alert_email_id"), catalog.int_setting("default_email_id")]
    accounts = {r.email_id: (r.name or "", r.email) for r in conn.execute(select(em).where(em.c.email_id.in_(ids)))}
    sender = accounts.get(ids[0]) or accounts.get(ids[1])
    if not admin or sender is None:
        return []
    body = f"{text}\n\n{catalog.setting('helpdesk_url').rstrip('/')}"
    return [Mail(kind="admin.alert", sender=sender, to=(("", admin),), subject=subject, text=body)]


def canned_reply(db, conn, catalog, facts, response, entry_id):
    """Ticket::postCannedReply's mail: the "ticket.autoreply" template with %{response}, from the department's
    address, to the owner."""
    values = _values(db, conn, catalog, facts, response=response)
    return _to_owner(db, conn, catalog, facts, "ticket.autoreply", values, entry_id, account="dept")
