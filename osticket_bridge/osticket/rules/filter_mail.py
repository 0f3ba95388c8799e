"""What a matched filter sends once the ticket exists: its canned response, posted as Ticket::postCannedReply
posts it ("SYSTEM (Canned Reply)", variables expanded, the canned response's files attached, mailed with the
"ticket.autoreply" template in place of the auto-response), and its "Send an Email" actions (FA_SendEmail)."""

import logging
import re
from email.utils import getaddresses

from sqlalchemy import insert, select, update

from ..catalog import sla, templates
from ..notices import compose as nm
from ..notices.compose import Envelope
from ..threads import files
from .filter_data import desk_date

log = logging.getLogger(__name__)

CANNED_POSTER = "SYSTEM (Canned Reply)"
ENTRY_BALANCED, ENTRY_SYSTEM = 0x40, 0x80  # ost_thread_entry.flags
_NEWLINES = re.compile(r"\s*\n\s*")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_VARIABLE = re.compile(r"%\{(ticket\.[\w.]+)\}", re.IGNORECASE)


def post_canned_reply(db, conn, catalog, facts, canned_id, message_id, ip, now, v110):
    """Insert the canned response as the ticket's first reply, its files attached; the entry (id, body, format,
    ``attachments`` as reads list them, ``mail_files`` for its mail), or None when the canned response is gone or
    disabled (osTicket then sends its auto-response as usual)."""
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
    canned_files = _canned_files(db, conn, canned_id, body, v110)
    attachments = files.attach(db, conn, entry_id, [stored for stored, _ in canned_files], body)
    mailed = _mail_files(db, canned_files) if catalog.setting("email_attachments", "1") not in ("", "0") else ()
    return {**entry, "id": entry_id, "attachments": attachments, "mail_files": mailed}


def _canned_files(db, conn, canned_id, body, v110):
    """The canned response's files as postCannedReply hands them to its reply (files.Stored), inline ones included,
    in their order: 1.18 passes each attachment's own name along (1.10 the file id only: no name); a file the body
    shows (cid:<key>) is attached inline under its file's name, as Draft::getAttachmentIds finds it again."""
    a, f = db.tables.attachment, db.tables.file
    rows = conn.execute(
        select(a.c.name, f.c.id, f.c.key, f.c.name.label("file_name"), f.c.size, f.c.type, f.c.bk)
        .select_from(a.join(f, f.c.id == a.c.file_id))
        .where(a.c.type == "C", a.c.object_id == canned_id)
        .order_by(a.c.id)
    ).all()
    found = []
    for row in rows:
        shown = f'"cid:{row.key}"' in body
        name = row.file_name if v110 or shown else row.name or row.file_name
        stored = files.Stored(row.id, row.key, name, row.key if shown else None, row.file_name, row.size, row.type)
        found.append((stored, row.bk))
    return found


def _mail_files(db, canned_files):
    """The reply's files as its mail carries them (core.email_attachments): (name, type, data) of each one not
    shown inline; a file osTicket keeps outside its database is left out and logged, as Mailer logs a file it
    cannot read."""
    by_file = {}
    for stored, backend in canned_files:
        by_file[stored.file_id] = (stored, backend)  # once per file, as the reply has it
    mailed = []
    for stored, backend in by_file.values():
        if stored.cid:
            continue  # shown in the body: the bridge sends no inline images
        if backend != "D":
            log.warning("canned reply: %s is kept by %s, not attached to the mail", stored.name,
                        files.BACKENDS.get(backend, f"backend {backend!r}"))  # fmt: skip
            continue
        # the reply's attachment name (Attachment::getFilename): its own when it differs from the file's
        name = stored.name if stored.name.casefold() != stored.file_name.casefold() else stored.file_name
        data = b"".join(files.read_chunks(db, stored.file_id, stored.size))
        mailed.append((name, stored.type or "application/octet-stream", data))
    return tuple(mailed)


def _create_date(db, conn, catalog, facts, v110):
    """%{ticket.create_date} as the stock installs print it for en_US: 1.18's ICU short date and time, 1.10's
    own format."""
    return desk_date(sla.desk_time(db, conn, catalog, facts.ticket["created"]), True, v110)


def send_email_actions(db, conn, catalog, configs, owner, values, ticket, v110):
    """The mails of the matched filters' "Send an Email" actions: to each address of its recipients (%{user}: the
    ticket's ``owner``), from its account (else the default one), subject and message with the ticket's
    variables (``values``; ``ticket`` as compose_for takes it). osTicket 1.10 runs them before the ticket exists:
    there ``values`` are the request's (filter_request_values) and any other %{ticket.*} prints "Array"."""
    if not configs:
        return []
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
            mails.append(nm.compose_for(catalog, getattr(db, "secret_salt", ""), ticket, envelope, rendered))
    return mails


def filter_request_values(subject, owner):
    """The ticket's variables osTicket 1.10's filter e-mail knows before the ticket exists."""
    return {"ticket.subject": subject, "ticket.name": owner["name"], "ticket.email": owner["email"]}
