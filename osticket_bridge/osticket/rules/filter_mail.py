"""What a matched filter sends once the ticket exists: its canned response, posted as Ticket::postCannedReply
posts it ("SYSTEM (Canned Reply)", variables expanded, mailed with the "ticket.autoreply" template in place of
the auto-response), and its "Send an Email" actions (FA_SendEmail)."""

import re
from email.utils import getaddresses

from sqlalchemy import insert, select, update

from ..catalog import sla, templates
from ..notices import compose as nm
from ..notices.compose import Envelope

CANNED_POSTER = "SYSTEM (Canned Reply)"
ENTRY_BALANCED, ENTRY_SYSTEM = 0x40, 0x80  # ost_thread_entry.flags
_NEWLINES = re.compile(r"\s*\n\s*")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_VARIABLE = re.compile(r"%\{(ticket\.[\w.]+)\}", re.IGNORECASE)


def post_canned_reply(db, conn, catalog, facts, canned_id, message_id, ip, now, v110):
    """Insert the canned response as the ticket's first reply; the entry (id, body, format), or None when the
    canned response is gone or disabled (osTicket then sends its auto-response as usual)."""
    c = db.tables.canned_response
    canned = conn.execute(select(c.c.response, c.c.isenabled).where(c.c.canned_id == canned_id)).first()
    if canned is None or not canned.isenabled:
        return None
    values = {**nm.ticket_values(catalog, facts), "ticket.create_date": _create_date(db, conn, catalog, facts, v110)}
    if catalog.setting("enable_richtext", "1") not in ("", "0"):
        # HtmlThreadEntryBody: the sanitizer folds the source's line breaks and closes <br>
        body, fmt = _BREAK.sub("<br />", _NEWLINES.sub(" ", templates.expand(canned.response, values, True))), "html"
    else:
        body, fmt = templates.expand(templates.html_to_text(canned.response).strip(), values, False), "text"
    t = db.tables
    entry = dict(
        pid=message_id, thread_id=facts.ticket["thread_id"], staff_id=0, user_id=0, type="R",
        flags=ENTRY_SYSTEM | (ENTRY_BALANCED if fmt == "html" else 0), poster=CANNED_POSTER, source="",
        title=None, body=body, format=fmt, ip_address=ip or "", created=now,
    )  # fmt: skip
    entry_id = conn.execute(insert(t.thread_entry), entry).inserted_primary_key[0]
    conn.execute(update(t.thread).where(t.thread.c.id == facts.ticket["thread_id"]).values(lastresponse=now))
    return {**entry, "id": entry_id}


def _create_date(db, conn, catalog, facts, v110):
    """%{ticket.create_date} as the stock installs print it for en_US: 1.18's ICU short date and time, 1.10's
    own format."""
    when = sla.desk_time(db, conn, catalog, facts.ticket["created"])
    if v110:
        return when.strftime("%m/%d/%y %H:%M:%S")
    hour = when.hour % 12 or 12
    return f"{when.month}/{when.day}/{when:%y} {hour}:{when:%M}\u202f{'AM' if when.hour < 12 else 'PM'}"


def send_email_actions(db, conn, catalog, facts, configs, owner, v110):
    """The mails of the matched filters' "Send an Email" actions: to each address of its recipients (%{user}: the
    ticket's owner), from its account (else the default one), subject and message with the ticket's variables.
    osTicket 1.10 runs them before the ticket exists: there %{ticket.*} names the request's values, any other
    "Array"."""
    if not configs:
        return []
    values = nm.ticket_values(catalog, facts)
    if v110:
        values = {"ticket.subject": facts.subject, "ticket.name": owner["name"], "ticket.email": owner["email"]}
    em = db.tables.email
    mails = []
    for config in configs:
        wanted = [catalog.int_setting("default_email_id")]
        if str(config.get("from") or "").isdigit():
            wanted.insert(0, int(config["from"]))
        accounts = {
            r.email_id: (r.name or "", r.email) for r in conn.execute(select(em).where(em.c.email_id.in_(wanted)))
        }
        sender = next((accounts[w] for w in wanted if w in accounts), None)
        user = f'"{owner["name"]}" <{owner["email"]}>'
        recipients = [
            (n, a) for n, a in getaddresses([str(config.get("recipients") or "").replace("%{user}", user)]) if "@" in a
        ]
        if sender is None or not recipients:
            continue
        subject, message = (str(config.get(k) or "") for k in ("subject", "message"))
        if v110:
            values = {**{m.lower(): "Array" for m in _VARIABLE.findall(subject + message)}, **values}
        rendered = templates.render((subject, message), values)
        for recipient in recipients:
            envelope = Envelope("filter.email", sender, (recipient,), threaded=False)
            mails.append(nm.compose(catalog, facts, envelope, rendered))
    return mails
