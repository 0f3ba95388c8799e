"""What a user's message and an agent's reply read before they write, in two statements (round_trip.union).

First the ticket numbered ``number``, locked FOR UPDATE, with the caller's lookup (an Idempotency-Key): ost_ticket
has no index on ``number`` in osTicket's schema, so it is looked up by number once. Then, by the locked row's ids,
everything else: the recipients (owner, collaborators), what the notices need (compose.facts_query, the last
respondent, the agents a message alerts) and the time every row is written with (NOW(), as the create reads it); for
a message, its drafts and the ticket object it answers (reads.one_ticket_reads); for a reply, the agent with its
grants and the ticket's lock.
"""

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.mysql import DATETIME

from .. import round_trip
from ..notices import compose as nm
from ..people import authority
from ..threads.entries import ENTRY_HIDDEN
from . import reads

COLLAB_ACTIVE = 0x1  # ost_thread_collaborator.flags


def locked(db, conn, number, extra):
    """{"locked": [the ticket's row with thread_id, locked FOR UPDATE], extra's name: its rows}; ``extra``: a
    round_trip.Piggyback or None, checked here."""
    t, th = db.tables.ticket, db.tables.thread

    def build():
        ticket = select(t, th.c.id.label("thread_id")).select_from(t.outerjoin(th, reads.thread_of(db)))
        ticket = ticket.where(t.c.number == bindparam("number")).limit(1).with_for_update()
        return round_trip.union({"locked": ticket, **({extra.name: extra.build(db)} if extra else {})})

    statement = db.statement(("reply_locked", extra and extra.name), build)
    found = round_trip.read(conn, statement, {"number": str(number), **(extra.params if extra else {})})
    if extra:
        extra.check(found[extra.name])
    return found


def message_reads(db, conn, catalog, ticket, seen, viewer):
    """The rest of a user's message's reads, by the ``ticket`` locked; ``seen``, ``viewer``: the poster's view and
    its parameters (reads.seen_by)."""
    s, d = db.tables.staff, db.tables.draft

    def build():
        shared, alerted = _ticket_reads(db)
        namespace = bindparam("draft_namespace")
        parts = {
            **shared,
            "agents": select(s).where(s.c.staff_id.in_(alerted)),
            # Equal to the namespace (its index) and LIKE it, as Draft::deleteForNamespace matches it.
            "drafts": select(d.c.id).where(d.c.namespace == namespace, d.c.namespace.like(namespace)),
            **reads.one_ticket_reads(db, catalog, seen),
        }
        return round_trip.union(parts)

    statement = db.statement(("message_reads", seen, *reads.answer_fields(catalog)), build)
    params = {**_params(catalog, ticket), **viewer, "draft_namespace": f"ticket.client.{ticket['ticket_id']}"}
    return round_trip.read(conn, statement, params)


def reply_reads(db, conn, catalog, ticket, username):
    """The rest of an agent's reply's reads, by the ``ticket`` locked: the agent with this ``username``, its grants
    (authority.grants_reads) and the ticket's lock."""
    s, lk = db.tables.staff, db.tables.lock

    def build():
        named = bindparam("username")
        lock = select(lk.c.lock_id, lk.c.staff_id, lk.c.expire, (lk.c.expire > func.now()).label("held"))
        parts = {
            **_ticket_reads(db)[0],
            "agent": select(s).where(s.c.username == named).limit(1),
            **authority.grants_reads(db, named),
            "lock": lock.where(lk.c.lock_id == bindparam("lock_id")),
        }
        return round_trip.union(parts)

    statement = db.statement(("reply_reads",), build)
    return round_trip.read(conn, statement, {**_params(catalog, ticket), "username": username})


def collaborators(found):
    """The active collaborators read, in Ticket::getRecipients' order (name, id)."""
    rows = (row for row in found["collaborators"] if row["active"] and row["id"] is not None)
    return sorted(rows, key=lambda row: row["position"])


def is_collaborator(found, user_id):
    """Whether the user has a collaborator row on the ticket's thread, active or not."""
    return any(row["user_id"] == user_id for row in found["collaborators"])


def known_agents(found, ticket):
    """The agents read, by id, for nm.agents: the ones looked up, None for those that are not agents."""
    context = found["context"][0]
    asked = {ticket["staff_id"], context["manager_id"], context["last_respondent"]}
    known = dict.fromkeys(asked - {0, None}) if "agents" in found else {}
    known.update((row["staff_id"], row) for row in found.get("agents", ()))
    known.update((row["staff_id"], row) for row in found.get("agent", ()))
    return known


def facts_of(db, catalog, found, ticket, entry):
    """The notices' TicketFacts of the ticket as the write left it (``ticket``: its row with what was written)."""
    facts = nm.facts_of(db, catalog, found["facts"][0], ticket, entry)
    facts.known_agents = known_agents(found, ticket)
    facts.known_last_respondent = (found["context"][0]["last_respondent"],)
    return facts


def _params(catalog, ticket):
    names = ("ticket_id", "thread_id", "user_id", "dept_id", "topic_id", "staff_id", "lock_id", "number")
    return {**{name: ticket[name] for name in names}, "default_email_id": catalog.int_setting("default_email_id")}


def _ticket_reads(db):
    """(the parts both read, the ids of the agents a message may alert): the owner and collaborators, the notices'
    facts, the thread's last respondent and newest visible message, the department's and topic's flags, the time."""
    t, u, e, c = db.tables.ticket, db.tables.user, db.tables.user_email, db.tables.thread_collaborator
    d, ht, te = db.tables.department, db.tables.help_topic, db.tables.thread_entry
    thread_id, dept_id = bindparam("thread_id"), bindparam("dept_id")
    people = u.outerjoin(e, e.c.id == u.c.default_email_id)
    active = c.c.flags.op("&")(COLLAB_ACTIVE) != 0 if "flags" in c.c else c.c.isactive != 0  # 1.11+, before
    newest = select(te.c.id).where(te.c.thread_id == thread_id).order_by(te.c.id.desc()).limit(1)
    last_respondent = newest.with_only_columns(te.c.staff_id).where(te.c.type == "R", te.c.staff_id != 0)
    last_message = newest.where(te.c.type == "M", te.c.flags.op("&")(ENTRY_HIDDEN) == 0)
    manager = select(d.c.manager_id).where(d.c.id == dept_id).scalar_subquery()
    context = select(
        last_respondent.scalar_subquery().label("last_respondent"),
        last_message.scalar_subquery().label("last_message_id"),
        manager.label("manager_id"),
        select(d.c.flags).where(d.c.id == dept_id).scalar_subquery().label("dept_flags"),
        select(ht.c.flags).where(ht.c.topic_id == bindparam("topic_id")).scalar_subquery().label("topic_flags"),
        func.now(type_=DATETIME()).label("now"),
    )
    parts = {
        "owner": select(u.c.id, u.c.name, e.c.address).select_from(people).where(u.c.id == bindparam("user_id")),
        "collaborators": select(
            c.c.id.label("collaborator_id"),
            c.c.user_id,
            active.label("active"),
            u.c.id,
            u.c.name,
            e.c.address,
            func.row_number().over(order_by=(u.c.name, c.c.id)).label("position"),
        )
        .select_from(c.outerjoin(people, u.c.id == c.c.user_id))
        .where(c.c.thread_id == thread_id),
        "facts": nm.facts_query(db, t.c.ticket_id == bindparam("ticket_id"), bindparam("default_email_id")),
        "context": context,
    }
    return parts, (bindparam("staff_id"), manager, last_respondent.scalar_subquery())
