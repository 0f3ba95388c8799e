"""What a notice is made of, as osTicket assembles it: the ticket's variables, the sender account, the
Message-ID (Mailer::getMessageId), the hidden reply tag, and the Mail with its text and HTML parts.
"""

import base64
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import and_, exists, func, select

from ...mail.message import Mail
from ..catalog import templates
from ..names import display_name, name_parts

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
    """What notices read about a ticket, in one statement; ``salt``: osTicket's SECRET_SALT or ''."""

    ticket: dict  # the ost_ticket row, and thread_id
    owner: dict  # id, name, email, org_id, is_system (one of the help desk's own addresses)
    dept: dict  # id, name, tpl_id, manager_id, ispublic, signature, group_membership, *_auto_response
    topic: dict | None  # topic, noautoresp
    subject: str
    company: str
    has_collaborators: bool
    accounts: dict  # "dept" / "autoresp": (name, address) of the sender osTicket picks, or None
    entry: dict  # body, format, poster of the thread entry the notice is about
    salt: str
    # Read with the write's first read: agents by id (None: no such agent), and (the last respondent's id,)
    known_agents: dict = field(default_factory=dict)
    known_last_respondent: tuple = ()


_DEPT = "id name tpl_id manager_id ispublic signature group_membership ticket_auto_response message_auto_response"


_ENTRY = ("body", "format", "poster")


def load_facts(db, conn, catalog, ticket_id, entry_id):
    t = db.tables
    tk, te = t.ticket, t.thread_entry
    entry_columns = (
        select(te.c[name]).where(te.c.id == entry_id).scalar_subquery().label(f"e_{name}") for name in _ENTRY
    )
    query = facts_query(db, tk.c.ticket_id == ticket_id, catalog.int_setting("default_email_id"), tk, *entry_columns)
    row = conn.execute(query).mappings().one()
    ticket = {col.name: row[col.name] for col in tk.columns} | {"thread_id": row["thread_id"]}
    return facts_of(db, catalog, row, ticket, {name: row[f"e_{name}"] for name in _ENTRY})


def facts_query(db, which, default_email_id, *columns):
    """What notices read about the ticket ``which`` (a clause on ost_ticket) in one SELECT: its thread, owner,
    subject, topic, department with its accounts, and the context (``default_email_id``: a value or an SQL
    expression); ``columns``: more of the same row."""
    t = db.tables
    tk, th, u, ue, d, ht = t.ticket, t.thread, t.user, t.user_email, t.department, t.help_topic
    c = t.thread_collaborator
    te = t.thread_entry
    first_title = select(te.c.title).where(te.c.thread_id == th.c.id).order_by(te.c.id).limit(1).scalar_subquery()
    subject = first_title
    if t.has("ticket__cdata"):
        cd = t.ticket__cdata
        cached = select(cd.c.subject).where(cd.c.ticket_id == tk.c.ticket_id).scalar_subquery()
        subject = func.coalesce(func.nullif(cached, ""), first_title)
    own = [
        th.c.id.label("thread_id"),
        u.c.name.label("owner_name"),
        u.c.org_id.label("owner_org_id"),
        ue.c.address.label("owner_email"),
        exists().where(t.email.c.email == ue.c.address).label("owner_is_system"),
        exists().where(c.c.thread_id == th.c.id).label("has_collaborators"),
        subject.label("subject"),
        ht.c.topic.label("topic_name"),
        ht.c.noautoresp.label("topic_noautoresp"),
        *_context_columns(db, default_email_id),
    ]
    source, dept_columns = _with_dept(
        db,
        tk.join(th, and_(th.c.object_id == tk.c.ticket_id, th.c.object_type == "T"))
        .join(u, u.c.id == tk.c.user_id)
        .outerjoin(ue, ue.c.id == u.c.default_email_id)
        .join(d, d.c.id == tk.c.dept_id)
        .outerjoin(ht, ht.c.topic_id == tk.c.topic_id),
    )
    return select(*columns, *own, *dept_columns).select_from(source).where(which)


def facts_of(db, catalog, row, ticket, entry):
    """TicketFacts of a ``facts_query`` row, the ticket row ``ticket`` (with thread_id) and the ``entry`` (body,
    format, poster) the notice is about."""
    owner = {"id": ticket["user_id"], "name": row["owner_name"], "email": row["owner_email"]}
    owner.update(org_id=row["owner_org_id"], is_system=bool(row["owner_is_system"]))
    topic = {"topic": row["topic_name"], "noautoresp": row["topic_noautoresp"]}
    return facts(db, catalog, row, ticket, owner, topic, row["subject"], entry, row["has_collaborators"])


def dept_query(db, dept_ids):
    """What notices read of the departments ``dept_ids`` (SQL expressions): their columns and sender accounts."""
    d = db.tables.department
    source, columns = _with_dept(db, d)
    return select(d.c.id, *columns).select_from(source).where(d.c.id.in_(dept_ids))


def context_query(db, default_email_id, address=None):
    """The company name and the default account (core.default_email_id); with ``address``, whether it is one of the
    help desk's own. The arguments are values or SQL expressions."""
    columns = _context_columns(db, default_email_id)
    if address is not None:
        columns.append(exists().where(db.tables.email.c.email == address).label("address_is_system"))
    return select(*columns)


def facts(db, catalog, row, ticket, owner, topic, subject, entry, has_collaborators=False):
    """TicketFacts from the columns of ``dept_query`` and ``context_query`` in ``row``; ``topic``: {"topic",
    "noautoresp"} (a nameless one is none)."""
    dept = {name: row[f"d_{name}"] for name in _DEPT.split()}
    # Dept::getEmail: its own account, else the default one; getAutoRespEmail: its auto-response account first.
    sender = _account(row, "dept_mail") or _account(row, "default_mail")
    accounts = {"dept": sender, "autoresp": _account(row, "reply_mail") or sender}
    company = row["company"] or catalog.setting("helpdesk_title")
    topic = topic if topic and topic["topic"] else None
    return TicketFacts(
        ticket, owner, dept, topic, subject or "", company, bool(has_collaborators), accounts, entry,
        getattr(db, "secret_salt", ""),
    )  # fmt: skip


def _with_dept(db, source):
    """(``source``, which holds ost_department, joined to the department's account and auto-response account;
    the columns notices read of the department)."""
    d = db.tables.department
    mail, reply = db.tables.email.alias("dept_mail"), db.tables.email.alias("reply_mail")
    joined = source.outerjoin(mail, mail.c.email_id == d.c.email_id).outerjoin(
        reply, reply.c.email_id == d.c.autoresp_email_id
    )
    columns = [d.c[name].label(f"d_{name}") for name in _DEPT.split()]
    for alias in (mail, reply):
        columns += [alias.c.name.label(f"{alias.name}_name"), alias.c.email.label(f"{alias.name}_address")]
    return joined, columns


def _context_columns(db, default_id):
    em = db.tables.email
    columns = [_company_name(db).label("company")]
    for name, column in (("name", em.c.name), ("address", em.c.email)):
        default = select(column).where(em.c.email_id == default_id).scalar_subquery()
        columns.append(default.label(f"default_mail_{name}"))
    return columns


def _account(row, alias):
    address = row[f"{alias}_address"]
    return (row[f"{alias}_name"] or "", address) if address else None


def agents(db, conn, staff_ids, known=None):
    """Agents by id, in the order asked, with what notices need (name, email, availability, signature).

    ``known``: agents read already, by id (None: no such agent); only the others are looked up.
    """
    s = db.tables.staff
    wanted = [i for i in dict.fromkeys(staff_ids) if i]
    found = {i: known[i] for i in wanted if i in (known or {})}
    missing = [i for i in wanted if i not in found]
    if missing:
        rows = conn.execute(select(s).where(s.c.staff_id.in_(missing))).mappings()
        found.update((r["staff_id"], dict(r)) for r in rows)
    return [found[i] for i in wanted if found.get(i)]


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


def ticket_values(catalog, facts):
    """The %{ticket.*}, %{company.name} and %{url} variables every ticket notice can use."""
    base = catalog.setting("helpdesk_url").rstrip("/")
    ticket, owner, dept = facts.ticket, facts.owner, facts.dept
    values = {
        "url": base,
        "company.name": facts.company,
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


def _company_name(db):
    """The Company Information form's name answer (%{company.name}), as a scalar subquery.

    Like osTicket's Company, it looks the entry up by ``object_type='C'``: that key is indexed, while a join from
    the form's type read every form entry of the install (25 ms a write at 100k tickets).
    """
    t = db.tables
    fe, ff, v = t.form_entry, t.form_field, t.form_entry_values
    return (
        select(v.c.value)
        .select_from(fe.join(v, v.c.entry_id == fe.c.id).join(ff, and_(ff.c.id == v.c.field_id, ff.c.name == "name")))
        .where(fe.c.object_type == "C")
        .order_by(fe.c.id)
        .limit(1)
        .scalar_subquery()
    )


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
    return compose_for(catalog, facts.salt, facts.ticket, envelope, rendered)


def compose_for(catalog, salt, ticket, envelope, rendered):
    """``compose`` for a ``ticket`` ({"ticket_id", "thread_id"}; {} for a mail osTicket 1.10 sends before the
    ticket exists: a filter's e-mail)."""
    subject, body = rendered
    thread_id = ticket.get("thread_id", 0) if envelope.threaded else 0
    mid = message_id(salt, envelope.sender[1], envelope.user_id, envelope.entry_id, thread_id, envelope.utype)
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
        ticket_id=ticket.get("ticket_id"),
    )
