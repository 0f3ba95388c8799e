"""What a notice is made of, as osTicket assembles it: the ticket's variables, the sender account, the
Message-ID (Mailer::getMessageId), the hidden reply tag, and the Mail with its text and HTML parts.
"""

import base64
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import and_, select

from ..mail.message import Mail
from . import templates
from .users import display_name, name_parts

AUTO_REPLY = (
    ("Precedence", "auto_reply"),
    ("X-Autoreply", "yes"),
    ("X-Auto-Response-Suppress", "DR, RN, OOF, AutoReply"),
    ("Auto-Submitted", "auto-replied"),
)
ALERT = (("X-Auto-Response-Suppress", "OOF, AutoReply"), ("Auto-Submitted", "auto-generated"))
_RAND_CHARS = "abcdefghiklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_="  # Mailer::getMessageId's
_BASE32 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "abcdefghijklmnopqrstuvwxyz012345")


@dataclass
class TicketFacts:
    """The rows a notice reads: ticket, owner, department, topic; ``salt``: osTicket's SECRET_SALT or ''."""

    ticket: dict
    owner: dict  # id, name, email, org_id
    dept: dict
    topic: dict | None
    subject: str
    salt: str


def load_facts(db, conn, ticket_id):
    t = db.tables
    ticket = dict(conn.execute(select(t.ticket).where(t.ticket.c.ticket_id == ticket_id)).mappings().one())
    thread_id = conn.execute(
        select(t.thread.c.id).where(t.thread.c.object_id == ticket_id, t.thread.c.object_type == "T")
    ).scalar()
    ticket["thread_id"] = thread_id
    u, e = t.user, t.user_email
    owner = (
        conn.execute(
            select(u.c.id, u.c.name, u.c.org_id, e.c.address.label("email"))
            .select_from(u.outerjoin(e, e.c.id == u.c.default_email_id))
            .where(u.c.id == ticket["user_id"])
        )
        .mappings()
        .one()
    )
    dept = conn.execute(select(t.department).where(t.department.c.id == ticket["dept_id"])).mappings().one()
    topic = None
    if ticket["topic_id"]:
        found = select(t.help_topic).where(t.help_topic.c.topic_id == ticket["topic_id"])
        topic = conn.execute(found).mappings().first()
    salt = getattr(db, "secret_salt", "")
    return TicketFacts(ticket, dict(owner), dict(dept), topic, _subject(db, conn, ticket), salt)


def _subject(db, conn, ticket):
    """The ticket's subject: its cdata cache, else the first message's title (as Ticket::getSubject falls back)."""
    t = db.tables
    if t.has("ticket__cdata"):
        cd = t.ticket__cdata
        found = conn.execute(select(cd.c.subject).where(cd.c.ticket_id == ticket["ticket_id"])).scalar()
        if found:
            return found
    te = t.thread_entry
    first = select(te.c.title).where(te.c.thread_id == ticket["thread_id"]).order_by(te.c.id).limit(1)
    return conn.execute(first).scalar() or ""


def email_account(db, conn, catalog, email_id):
    """(name, address) of an ost_email row; a missing one means core.default_email_id (Dept::getEmail)."""
    em = db.tables.email
    for wanted in (email_id, catalog.int_setting("default_email_id")):
        if wanted:
            row = conn.execute(select(em.c.name, em.c.email).where(em.c.email_id == wanted)).first()
            if row is not None:
                return (row.name or "", row.email)
    return None


def agents(db, conn, staff_ids):
    """Agents by id, in the order asked, with what notices need (name, email, availability, signature)."""
    s = db.tables.staff
    wanted = [i for i in dict.fromkeys(staff_ids) if i]
    if not wanted:
        return []
    rows = conn.execute(select(s).where(s.c.staff_id.in_(wanted))).mappings()
    found = {r["staff_id"]: dict(r) for r in rows}
    return [found[i] for i in wanted if i in found]


def agent_name(catalog, agent):
    parts = {"first": agent["firstname"], "last": agent["lastname"]}
    name = f"{agent['firstname']} {agent['lastname']}"
    return display_name(name, catalog.setting("agent_name_format", "full"), parts)


def person(prefix, name, first, short=None):
    """The %{prefix.name...} variables of a person (PersonsName)."""
    return {
        prefix: name,
        f"{prefix}.name": name,
        f"{prefix}.name.first": first,
        f"{prefix}.name.short": short or name,
    }


def agent_person(catalog, prefix, agent):
    short = f"{agent['firstname']} {agent['lastname'][:1]}.".strip()
    return person(prefix, agent_name(catalog, agent), agent["firstname"], short)


def user_person(catalog, prefix, name):
    shown = display_name(name, catalog.setting("client_name_format", "original"))
    return person(prefix, shown, name_parts(name).get("first") or shown)


def ticket_values(db, conn, catalog, facts):
    """The %{ticket.*}, %{company.name} and %{url} variables every ticket notice can use."""
    base = catalog.setting("helpdesk_url").rstrip("/")
    ticket, owner, dept = facts.ticket, facts.owner, facts.dept
    values = {
        "url": base,
        "company.name": _company_name(db, conn) or catalog.setting("helpdesk_title"),
        "ticket.id": ticket["ticket_id"],
        "ticket.number": ticket["number"],
        "ticket.subject": facts.subject,
        "ticket.email": owner["email"] or "",
        "ticket.dept": dept["name"],
        "ticket.dept.name": dept["name"],
        "ticket.topic": facts.topic["topic"] if facts.topic else "",
        "ticket.topic.name": facts.topic["topic"] if facts.topic else "",
        "ticket.staff_link": f"{base}/scp/tickets.php?id={ticket['ticket_id']}",
        "ticket.client_link": f"{base}/view.php?t={ticket['number']}",
    }
    shown = display_name(owner["name"], catalog.setting("client_name_format", "original"))
    values.update({"ticket.name": shown, "ticket.name.first": name_parts(owner["name"]).get("first") or shown})
    return values


def owner_link(catalog, facts, with_token):
    """TicketOwner's %{recipient.ticket_link}: an auth-token link (needs SECRET_SALT), else view.php?id=."""
    base = catalog.setting("helpdesk_url").rstrip("/")
    ticket, user_id = facts.ticket, facts.owner["id"]
    if with_token and facts.salt and catalog.config.get("allow_auth_tokens", "1") not in ("", "0"):
        packed = base64.b32encode(struct.pack("<II", user_id, ticket["ticket_id"])).decode().rstrip("=")
        created = ticket["created"].strftime("%Y-%m-%d %H:%M:%S")
        digest = hashlib.md5(f"{user_id}{created}{ticket['ticket_id']}{facts.salt}".encode()).digest()  # noqa: S324 osTicket's scheme
        token = f"o1x{packed.translate(_BASE32)}{base64.b64encode(digest).decode()[8:]}"
        return f"{base}/view.php?auth={quote(token, safe='')}"
    return f"{base}/view.php?id={ticket['ticket_id']}"


def _company_name(db, conn):
    """The Company Information form's name answer (%{company.name})."""
    t = db.tables
    f, fe, ff, v = t.form, t.form_entry, t.form_field, t.form_entry_values
    query = (
        select(v.c.value)
        .select_from(
            f.join(fe, fe.c.form_id == f.c.id)
            .join(v, v.c.entry_id == fe.c.id)
            .join(ff, and_(ff.c.id == v.c.field_id, ff.c.name == "name"))
        )
        .where(f.c.type == "C")
        .order_by(fe.c.id)
        .limit(1)
    )
    return conn.execute(query).scalar()


def message_id(salt, sender, user_id, entry_id, thread_id, utype, rand=None):
    """Mailer::getMessageId, version B: its signed tag lets osTicket thread a reply to the right ticket.

    Without the install's SECRET_SALT the tag cannot be signed: a plain unique id is used, and the subject's
    [#number] still threads replies.
    """
    rand = rand or "".join(secrets.choice(_RAND_CHARS) for _ in range(5))
    if not salt:
        return f"<bridge-{secrets.token_hex(8)}-{sender}>"
    digest = hashlib.md5(f"mail{salt}".encode()).digest()  # noqa: S324 osTicket's scheme
    sysid = base64.b64encode(digest).decode().replace("+", "=")[:6]
    tag = struct.pack("<III", user_id, entry_id, thread_id) + utype.encode()
    tag += hmac.new(salt.encode(), tag + rand.encode() + sysid.encode(), hashlib.sha1).digest()[-5:]
    return f"<B{sysid}-{rand}-{base64.b64encode(tag).decode().replace('=', '')}-{sender}>"


@dataclass
class Envelope:
    """Who a mail goes to and how Mailer::send marks it."""

    kind: str
    sender: tuple
    to: tuple
    cc: tuple = ()
    utype: str = "?"  # S staff, U owner, C collaborator, M several / other (Mailer::getMessageId)
    user_id: int = 0  # the recipient's id in the Message-ID tag
    entry_id: int = 0  # the thread entry the mail is about: osTicket adds the hidden reply tag then
    threaded: bool = True  # the Message-ID names the ticket's thread (not for an assignment without a note)
    headers: tuple = ()


def compose(catalog, facts, envelope, rendered):
    """The Mail: osTicket's hidden reply separator when the mail is about an entry, the text part with Ref-Mid."""
    subject, body = rendered
    thread_id = facts.ticket["thread_id"] if envelope.threaded else 0
    mid = message_id(facts.salt, envelope.sender[1], envelope.user_id, envelope.entry_id, thread_id, envelope.utype)
    if envelope.entry_id:
        separator = catalog.setting("reply_separator") if catalog.setting("strip_quoted_reply") else ""
        tag = f"{separator}<br/><br/>" if separator else ""
        body = f'<div style="display:none" class="mid-{mid[1:-1]}">{tag}</div>{body}'
    text = templates.html_to_text(body).rstrip() + f"\nRef-Mid: {mid[1:-1]}\n"
    return Mail(
        kind=envelope.kind,
        sender=envelope.sender,
        to=envelope.to,
        cc=envelope.cc,
        subject=subject,
        text=text,
        html=body if catalog.setting("enable_richtext", "1") not in ("", "0") else None,
        headers=(("Message-ID", mid), *envelope.headers),
        ticket_id=facts.ticket["ticket_id"],
    )
