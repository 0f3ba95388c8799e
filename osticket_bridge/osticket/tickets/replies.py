"""A user's message and an agent's reply on an existing ticket, as Ticket::postMessage (client portal) and
Ticket::postReply (staff panel) write them (DATA_MODEL §2b, §2c)."""

import html
import re

from sqlalchemy import delete, func, insert, select, update

from .. import search
from ..catalog import file_rules
from ..catalog.cache import cached_catalog
from ..errors import Conflict, Invalid, NotFound
from ..names import display_name
from ..notices import recipients as notices
from ..people import authority
from ..release import is_110
from ..text import clean_body, php_json, plain_text
from ..threads import files
from ..threads.entries import ENTRY_BALANCED, ENTRY_HIDDEN, ZERO_DATE
from ..threads.events import Actor
from .reads import find_ticket
from .status import (
    delete_drafts,
    dept_and_topic_flags,
    flag,
    is_reopenable,
    portal_session,
    reload,
    reopen_assignee_110,
    reopen_status_id,
    set_status,
    state,
    usable_status,
    users_ticket,
)

ENTRY_COLLABORATOR = 0x20  # ost_thread_entry.flags
REPLY_ALL = 0x100
REPLY_USER = 0x200
COLLAB_ACTIVE = 0x1  # ost_thread_collaborator.flags
DEPT_NO_AUTO_CLAIM = 0x2  # ost_department.flags
TICKET_MERGED = 0x1 | 0x2  # ost_ticket.flags: combined or separate threads moved into the parent
REPLY_TO = ("all", "user", "none")


def post_message(db, conn, number, user, message, ip="", uploads=(), message_format="text"):
    """The ticket's user posts a message (portal style) with ``uploads`` (files.Upload) attached; a closed
    ticket reopens when osTicket would."""
    catalog = cached_catalog(db, conn)
    ticket = users_ticket(db, conn, number, user, collaborator=True)
    if ticket.get("ticket_pid") and ticket["flags"] & TICKET_MERGED:  # merges came with 1.14
        raise Conflict(f"ticket {number} was merged into another ticket: post the message there")
    fmt = entry_format(catalog)
    body, stored = body_and_files(db, conn, message, fmt, message_format, uploads, file_rules.message_limits(catalog))
    recipients = thread_recipients(db, conn, catalog, ticket, "all", poster_id=user["id"])
    flags = _flags(db, fmt, recipients)
    if _collaborator_id(db, conn, ticket["thread_id"], user["id"]):
        flags |= ENTRY_COLLABORATOR
    poster = display_name(user["name"], catalog.setting("client_name_format", "original"))
    entry_id = _add_entry(db, conn, ticket, "M", body, fmt, flags, recipients, ip, user_id=user["id"], poster=poster)
    files.attach(db, conn, entry_id, stored, body, panel_uploads_110=is_110(db))
    _touch_thread(db, conn, ticket, lastmessage=func.now())
    t = db.tables.ticket
    conn.execute(
        update(t)
        .where(t.c.ticket_id == ticket["ticket_id"])
        .values(isanswered=0, lastupdate=func.now(), updated=func.now())
    )
    ticket = reload(db, conn, ticket)
    if state(catalog, ticket["status_id"]) == "closed" and is_reopenable(db, conn, catalog, ticket):
        actor, timezone = portal_session(db, conn, user)
        ticket = set_status(db, conn, catalog, ticket, reopen_status_id(catalog, ticket), actor, timezone=timezone)
        if is_110(db):
            reopen_assignee_110(db, conn, catalog, ticket)
    delete_drafts(db, conn, f"ticket.client.{ticket['ticket_id']}")
    mails = notices.user_message(db, conn, catalog, ticket["ticket_id"], entry_id, user["id"], recipients)
    notices.queue(db, conn, mails)


def post_reply(
    db, conn, number, username, response, status_id=None, reply_to="all", ip="", uploads=(), message_format="text"
):
    """An agent replies with ``uploads`` attached, optionally changing the status; the agent's own lock on the
    ticket is released."""
    catalog = cached_catalog(db, conn)
    ticket = find_ticket(db, conn, number, for_update=True)
    if ticket is None:
        raise NotFound(f"no ticket {number}")
    agent = authority.acting_agent(db, conn, username)
    authority.authorize(db, conn, catalog, agent, ticket, authority.REPLY)
    if status_id is not None:
        usable_status(catalog, status_id, ("open", "closed"))
    own_lock = check_lock(db, conn, ticket, agent)
    if reply_to not in REPLY_TO:
        raise Invalid(f"reply_to must be one of {', '.join(REPLY_TO)}")
    fmt = entry_format(catalog)
    body, stored = body_and_files(db, conn, response, fmt, message_format, uploads, file_rules.reply_limits(catalog))
    recipients = thread_recipients(db, conn, catalog, ticket, reply_to)
    poster = agent_poster(catalog, agent)
    # osTicket 1.10 links no reply to the message it answers (pid 0).
    pid = 0 if is_110(db) else _last_message_id(db, conn, ticket["thread_id"])
    entry_id = _add_entry(
        db, conn, ticket, "R", body, fmt, _flags(db, fmt, recipients), recipients, ip,
        staff_id=agent["staff_id"], poster=poster, pid=pid,
    )  # fmt: skip
    files.attach(db, conn, entry_id, stored, body, panel_uploads_110=is_110(db))
    _touch_thread(db, conn, ticket, lastresponse=func.now())
    if status_id is not None and status_id != ticket["status_id"]:
        actor = Actor.agent(agent["staff_id"], agent["username"])
        ticket = set_status(db, conn, catalog, ticket, status_id, actor, agent, timezone=agent["timezone"])
    values = {"isanswered": 1, "updated": func.now()}
    if (
        flag(catalog, "auto_claim_tickets", True)
        and not dept_and_topic_flags(db, conn, ticket)[0] & DEPT_NO_AUTO_CLAIM
        and state(catalog, ticket["status_id"]) == "open"
        and not ticket["staff_id"]
    ):
        values["staff_id"] = agent["staff_id"]  # claim on response: no event
    if own_lock:
        conn.execute(delete(db.tables.lock).where(db.tables.lock.c.lock_id == own_lock))
        values["lock_id"] = 0
    t = db.tables.ticket
    conn.execute(update(t).where(t.c.ticket_id == ticket["ticket_id"]).values(**values))
    mails = notices.agent_reply(db, conn, catalog, ticket["ticket_id"], entry_id, agent["staff_id"], recipients)
    notices.queue(db, conn, mails)


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


def thread_recipients(db, conn, catalog, ticket, how, poster_id=None):
    """MailingList::getEmailAddresses of Ticket::getRecipients(how), less the poster:
    {"to": {user id: "Name <address>"}, "cc": {collaborator id: ...}}, or None when nobody is left."""
    if how == "none":
        return None
    t = db.tables
    u, e, c = t.user, t.user_email, t.thread_collaborator
    fmt = catalog.setting("client_name_format", "original")
    people = select(u.c.id, u.c.name, e.c.address).select_from(u.outerjoin(e, e.c.id == u.c.default_email_id))
    result = {}
    owner = conn.execute(people.where(u.c.id == ticket["user_id"])).mappings().first()
    if owner and owner["id"] != poster_id:
        result["to"] = {owner["id"]: f"{display_name(owner['name'], fmt)} <{owner['address']}>"}
    if how == "all":
        collaborators = conn.execute(
            people.add_columns(c.c.id.label("collaborator_id"))
            .join(c, c.c.user_id == u.c.id)
            .where(c.c.thread_id == ticket["thread_id"], active_collaborator(c))
            .order_by(u.c.name, c.c.id)
        ).mappings()
        for row in collaborators:
            if row["id"] != poster_id:
                cc = result.setdefault("cc", {})
                cc[row["collaborator_id"]] = f"{display_name(row['name'], fmt)} <{row['address']}>"
    return result or None


def active_collaborator(c):
    """The clause for an active ost_thread_collaborator row: flags 0x1 (1.11+), isactive before."""
    return c.c.flags.op("&")(COLLAB_ACTIVE) != 0 if "flags" in c.c else c.c.isactive != 0


def _flags(db, fmt, recipients):
    """Entry flags: balanced HTML, and who was addressed where entries store their recipients (1.11+)."""
    flags = ENTRY_BALANCED if fmt == "html" else 0
    if recipients and db.tables.has("thread_entry", "recipients"):
        flags |= REPLY_ALL if sum(len(v) for v in recipients.values()) > 1 else REPLY_USER
    return flags


def _add_entry(db, conn, ticket, kind, body, fmt, flags, recipients, ip, user_id=0, staff_id=0, poster="", pid=0):
    """INSERT the thread entry (source '', title NULL as portal and panel posts) and index it for search."""
    if recipients and db.tables.has("thread_entry", "recipients"):
        recipients = {"recipients": php_json(recipients)}
    else:
        recipients = {}
    result = conn.execute(
        insert(db.tables.thread_entry).values(
            pid=pid,
            thread_id=ticket["thread_id"],
            staff_id=staff_id,
            user_id=user_id,
            type=kind,
            flags=flags,
            poster=poster,
            source="",
            title=None,
            body=body,
            format=fmt,
            ip_address=ip or "",
            **recipients,
            created=func.now(),
            updated=ZERO_DATE,
        )
    )
    entry_id = result.inserted_primary_key[0]
    search.index(db, conn, "H", entry_id, "", plain_text(body, fmt))
    return entry_id


def _touch_thread(db, conn, ticket, **values):
    th = db.tables.thread
    conn.execute(update(th).where(th.c.id == ticket["thread_id"]).values(**values))


def _collaborator_id(db, conn, thread_id, user_id):
    c = db.tables.thread_collaborator
    return conn.execute(select(c.c.id).where(c.c.thread_id == thread_id, c.c.user_id == user_id)).scalar()


def _last_message_id(db, conn, thread_id):
    """ObjectThread::addResponse: the reply's pid is the newest visible message, 0 if none."""
    e = db.tables.thread_entry
    query = (
        select(e.c.id)
        .where(e.c.thread_id == thread_id, e.c.type == "M", e.c.flags.op("&")(ENTRY_HIDDEN) == 0)
        .order_by(e.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).scalar() or 0


def check_lock(db, conn, ticket, agent):
    """Refuse when another agent holds an unexpired lock; return the id of the agent's own lock, if any."""
    if not ticket["lock_id"]:
        return None
    lk = db.tables.lock
    query = select(lk.c.lock_id, lk.c.staff_id, lk.c.expire).where(
        lk.c.lock_id == ticket["lock_id"], lk.c.expire > func.now()
    )
    lock = conn.execute(query).mappings().first()
    if lock is None:
        return None
    if lock["staff_id"] != agent["staff_id"]:
        raise Conflict(f"ticket {ticket['number']} is locked by another agent until {lock['expire']}")
    return lock["lock_id"]
