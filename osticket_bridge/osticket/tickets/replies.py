"""A user's message and an agent's reply on an existing ticket, as Ticket::postMessage (client portal) and
Ticket::postReply (staff panel) write them (DATA_MODEL §2b, §2c).

Everything they read comes first, in two statements (reply_reads): the ticket locked, with the caller's lookup (an
Idempotency-Key), then the rest; the rows are written with the time read there, as execute() parameters, and a
message's answer is built from what was written. A status change (a reopen, an agent's status) moves more of the
ticket: its notices and answer read it.
"""

import html
import re

from sqlalchemy import bindparam, delete, func, insert, select, update

from .. import search
from ..catalog import file_rules
from ..catalog.cache import cached_catalog
from ..errors import Conflict, Invalid, NotFound
from ..names import display_name
from ..notices import compose as nm
from ..notices import recipients as notices
from ..people import authority
from ..release import is_110
from ..text import clean_body, php_json, plain_text
from ..threads import files
from ..threads.entries import ENTRY_BALANCED, ZERO_DATE, entry_object, printed
from ..threads.events import Actor
from . import reads, reply_reads
from .status import (
    delete_drafts,
    flag,
    is_reopenable,
    portal_session,
    reopen_assignee_110,
    reopen_status_id,
    set_status,
    state,
    usable_status,
)

ENTRY_COLLABORATOR = 0x20  # ost_thread_entry.flags
REPLY_ALL = 0x100
REPLY_USER = 0x200
DEPT_NO_AUTO_CLAIM = 0x2  # ost_department.flags
TICKET_MERGED = 0x1 | 0x2  # ost_ticket.flags: combined or separate threads moved into the parent
REPLY_TO = ("all", "user", "none")


def post_message(db, conn, number, user, message, ip="", uploads=(), message_format="text", piggyback=None):
    """The ticket's user (or a collaborator) posts a message (portal style) with ``uploads`` (files.Upload) attached;
    a closed ticket reopens when osTicket would. ``piggyback``: the caller's round_trip.Piggyback. Returns the
    ticket object as the poster's GET shows it, or None when the poster does not see the ticket there."""
    catalog = cached_catalog(db, conn)
    ticket = next(iter(reply_reads.locked(db, conn, number, piggyback)["locked"]), None)
    if ticket is None:
        raise NotFound("ticket not found")
    seen, viewer = reads.seen_by(catalog, user)
    found = reply_reads.message_reads(db, conn, catalog, ticket, seen, viewer)
    collaborator = reply_reads.is_collaborator(found, user["id"])
    if ticket["user_id"] != user["id"] and not collaborator:
        raise NotFound("ticket not found")
    if ticket.get("ticket_pid") and ticket["flags"] & TICKET_MERGED:  # merges came with 1.14
        raise Conflict(f"ticket {number} was merged into another ticket: post the message there")
    fmt, now = entry_format(catalog), found["context"][0]["now"]
    body, stored = body_and_files(db, conn, message, fmt, message_format, uploads, file_rules.message_limits(catalog))
    recipients = thread_recipients(catalog, "all", found, poster_id=user["id"])
    flags = _flags(db, fmt, recipients) | (ENTRY_COLLABORATOR if collaborator else 0)
    poster = display_name(user["name"], catalog.setting("client_name_format", "original"))
    entry = _add_entry(db, conn, ticket, "M", body, fmt, flags, recipients, ip, now, user_id=user["id"], poster=poster)
    attachments = files.attach(db, conn, entry["id"], stored, body, panel_uploads_110=is_110(db))
    _touch_thread(db, conn, ticket, lastmessage=now)
    ticket = _update_ticket(db, conn, ticket, isanswered=0, lastupdate=now, updated=now)
    reopens = state(catalog, ticket["status_id"]) == "closed"
    if reopens and is_reopenable(db, conn, catalog, ticket, _flags_of(found, ticket)):
        actor, timezone = portal_session(db, conn, user)
        ticket = set_status(db, conn, catalog, ticket, reopen_status_id(catalog, ticket), actor, timezone=timezone)
        if is_110(db):
            reopen_assignee_110(db, conn, catalog, ticket)
    delete_drafts(db, conn, f"ticket.client.{ticket['ticket_id']}", [row["id"] for row in found["drafts"]])
    facts = _facts(db, conn, catalog, found, ticket, entry, reopens)
    notices.queue(db, conn, notices.user_message(db, conn, catalog, facts, entry["id"], user["id"], recipients))
    if reopens:
        return reads.ticket_object(db, conn, number, staff_view=False, viewer=user)
    if found["ticket"]:
        found["ticket"][0]["lastmessage"] = entry["created"]
    written = {**entry, "editor": None, "editor_type": None, "staff_firstname": None, "staff_lastname": None}
    written["user_name"] = user["name"]
    return reads.object_of_reads(db, conn, catalog, found, entry_object(catalog, written, attachments))


def post_reply(
    db, conn, number, username, response, status_id=None, reply_to="all", ip="", uploads=(), message_format="text",
    piggyback=None,
):  # fmt: skip
    """An agent replies with ``uploads`` attached, optionally changing the status; the agent's own lock on the
    ticket is released. Reads as post_message does, with the agent, its grants and the ticket's lock."""
    catalog = cached_catalog(db, conn)
    ticket = next(iter(reply_reads.locked(db, conn, number, piggyback)["locked"]), None)
    if ticket is None:
        raise NotFound(f"no ticket {number}")
    found = reply_reads.reply_reads(db, conn, catalog, ticket, username)
    agent = authority.usable_agent(found["agent"][0] if found["agent"] and username else None, username)
    authority.authorize(db, conn, catalog, agent, ticket, authority.REPLY, authority.grants_of(found, agent))
    if status_id is not None:
        usable_status(catalog, status_id, ("open", "closed"))
    own_lock = ticket["lock_id"] and held_lock(ticket, agent, next((r for r in found["lock"] if r["held"]), None))
    if reply_to not in REPLY_TO:
        raise Invalid(f"reply_to must be one of {', '.join(REPLY_TO)}")
    fmt, now = entry_format(catalog), found["context"][0]["now"]
    body, stored = body_and_files(db, conn, response, fmt, message_format, uploads, file_rules.reply_limits(catalog))
    recipients = thread_recipients(catalog, reply_to, found)
    # osTicket 1.10 links no reply to the message it answers (pid 0).
    pid = 0 if is_110(db) else found["context"][0]["last_message_id"] or 0
    entry = _add_entry(
        db, conn, ticket, "R", body, fmt, _flags(db, fmt, recipients), recipients, ip, now,
        staff_id=agent["staff_id"], poster=agent_poster(catalog, agent), pid=pid,
    )  # fmt: skip
    files.attach(db, conn, entry["id"], stored, body, panel_uploads_110=is_110(db))
    _touch_thread(db, conn, ticket, lastresponse=now)
    moved = status_id is not None and status_id != ticket["status_id"]
    if moved:
        actor = Actor.agent(agent["staff_id"], agent["username"])
        ticket = set_status(db, conn, catalog, ticket, status_id, actor, agent, timezone=agent["timezone"])
    values = {"isanswered": 1, "updated": now}
    if (
        flag(catalog, "auto_claim_tickets", True)
        and not _flags_of(found, ticket)[0] & DEPT_NO_AUTO_CLAIM
        and state(catalog, ticket["status_id"]) == "open"
        and not ticket["staff_id"]
    ):
        values["staff_id"] = agent["staff_id"]  # claim on response: no event
    if own_lock:
        conn.execute(delete(db.tables.lock).where(db.tables.lock.c.lock_id == own_lock))
        values["lock_id"] = 0
    ticket = _update_ticket(db, conn, ticket, **values)
    facts = _facts(db, conn, catalog, found, ticket, entry, moved) if recipients else None
    notices.queue(db, conn, notices.agent_reply(db, conn, catalog, facts, entry["id"], agent["staff_id"], recipients))


def entry_format(catalog):
    """ThreadEntry::create for portal and panel posts: html with core.enable_richtext (the default), else text."""
    return "html" if flag(catalog, "enable_richtext", True) else "text"


def entry_body(value, fmt, given="text"):
    """The body stored in format ``fmt`` for a message sent as ``given`` ("text" or "html", as the caller says).

    Text becomes the rich-text editor's paragraphs when osTicket stores html (a "<b>" in it stays visible
    characters); html is sanitised, or reduced to its text when osTicket stores text.
    """
    value = (value or "").replace("\r\n", "\n")
    if fmt == "html" and given == "text":
        paragraphs = (p.strip() for p in re.split(r"\n\s*\n", value.strip()))
        value = "".join(f"<p>{html.escape(p, quote=False).replace(chr(10), '<br />')}</p>" for p in paragraphs if p)
    elif fmt == "text" and given == "html":
        value = plain_text(clean_body(value, "html"), "html")
    body = clean_body(value, fmt)
    if body == "-" and value.strip() != "-":
        raise Invalid("the message is empty")
    return body


def body_and_files(db, conn, value, fmt, given, uploads, limits):
    """The stored body and its files: uploads checked against the field's rules, images embedded in an HTML
    body taken out as inline files, all stored, and the body's cid: references pointed at the files' keys."""
    html_in = fmt == "html" and given == "html"
    value, embedded = files.extract_embedded_images(value or "") if html_in else (value, [])
    limits.check(list(uploads), embedded)
    body = entry_body(value, fmt, given)
    stored = files.store(db, conn, [*uploads, *embedded])
    return files.reference_stored(body, stored), stored


def agent_poster(catalog, agent):
    """The poster of an agent's entry: AgentsName in core.agent_name_format ("First Last" by default)."""
    parts = {"first": agent["firstname"], "last": agent["lastname"]}
    name = f"{agent['firstname']} {agent['lastname']}"
    return display_name(name, catalog.setting("agent_name_format", "full"), parts)


def thread_recipients(catalog, how, found, poster_id=None):
    """MailingList::getEmailAddresses of Ticket::getRecipients(how), less the poster, from the owner and the
    collaborators the first read found (reply_reads): {"to": {user id: "Name <address>"}, "cc": {collaborator id:
    ...}}, or None when nobody is left."""
    if how == "none":
        return None
    fmt = catalog.setting("client_name_format", "original")
    result = {}
    owner = found["owner"][0] if found["owner"] else None
    if owner and owner["id"] != poster_id:
        result["to"] = {owner["id"]: f"{display_name(owner['name'], fmt)} <{owner['address']}>"}
    if how == "all":
        for row in reply_reads.collaborators(found):
            if row["id"] != poster_id:
                cc = result.setdefault("cc", {})
                cc[row["collaborator_id"]] = f"{display_name(row['name'], fmt)} <{row['address']}>"
    return result or None


def _flags_of(found, ticket):
    """status.dept_and_topic_flags of the ticket, as reply_reads read them."""
    context = found["context"][0]
    return context["dept_flags"] or 0, context["topic_flags"] if ticket["topic_id"] else None


def _facts(db, conn, catalog, found, ticket, entry, moved):
    """The notices' facts about ``entry`` on the ticket as the write left it: from the first read, or read again
    once a status change (``moved``) changed more of it."""
    if moved or not found["facts"]:
        facts = nm.load_facts(db, conn, catalog, ticket["ticket_id"], entry["id"])
        facts.known_agents = reply_reads.known_agents(found, ticket)
        return facts
    written = {"body": entry["body"], "format": entry["format"], "poster": entry["poster"]}
    return reply_reads.facts_of(db, catalog, found, ticket, written)


def _flags(db, fmt, recipients):
    """Entry flags: balanced HTML, and who was addressed where entries store their recipients (1.11+)."""
    flags = ENTRY_BALANCED if fmt == "html" else 0
    if recipients and db.tables.has("thread_entry", "recipients"):
        flags |= REPLY_ALL if sum(len(v) for v in recipients.values()) > 1 else REPLY_USER
    return flags


def _add_entry(db, conn, ticket, kind, body, fmt, flags, recipients, ip, now, user_id=0, staff_id=0, poster="", pid=0):
    """INSERT the thread entry (source '', title NULL as portal and panel posts) and index it for search; returns
    the row written, with its id and its ``created`` as the server prints it."""
    entry = dict(
        pid=pid, thread_id=ticket["thread_id"], staff_id=staff_id, user_id=user_id, type=kind, flags=flags,
        poster=poster, source="", title=None, body=body, format=fmt, ip_address=ip or "", created=now,
        updated=ZERO_DATE,
    )  # fmt: skip
    if recipients and db.tables.has("thread_entry", "recipients"):
        entry["recipients"] = php_json(recipients)
    # The row as execute() parameters, not .values(): SQLAlchemy then reuses its compiled INSERT.
    entry_id = conn.execute(insert(db.tables.thread_entry), entry).inserted_primary_key[0]
    search.index(db, conn, "H", entry_id, "", plain_text(body, fmt))
    return {**entry, "id": entry_id, "created": printed(now)}


def _touch_thread(db, conn, ticket, **values):
    th = db.tables.thread
    conn.execute(update(th).where(th.c.id == bindparam("thread")), {**values, "thread": ticket["thread_id"]})


def _update_ticket(db, conn, ticket, **values):
    """UPDATE the ticket with ``values`` (execute() parameters); returns its row as it now is."""
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == bindparam("ticket")), {**values, "ticket": ticket["ticket_id"]})
    return {**ticket, **values}


def check_lock(db, conn, ticket, agent):
    """Refuse when another agent holds an unexpired lock; return the id of the agent's own lock, if any."""
    if not ticket["lock_id"]:
        return None
    lk = db.tables.lock
    query = select(lk.c.lock_id, lk.c.staff_id, lk.c.expire).where(
        lk.c.lock_id == ticket["lock_id"], lk.c.expire > func.now()
    )
    return held_lock(ticket, agent, conn.execute(query).mappings().first())


def held_lock(ticket, agent, lock):
    """check_lock's answer for the ticket's unexpired ``lock`` (lock_id, staff_id, expire), or None."""
    if lock is None:
        return None
    if lock["staff_id"] != agent["staff_id"]:
        raise Conflict(f"ticket {ticket['number']} is locked by another agent until {lock['expire']}")
    return lock["lock_id"]
