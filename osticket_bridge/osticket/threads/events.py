"""Thread events (ost_thread_event) as ThreadEvents::log writes them (DATA_MODEL §1.6, §2).

An event names its kind by ost_event's id (event_id, 1.11+) or, in osTicket 1.10, by name (state); thread_type
exists from 1.14 on. Reflection decides which columns are written.
"""

from dataclasses import dataclass

from sqlalchemy import func, insert, update

from ..release import is_110
from ..text import php_json


@dataclass(frozen=True)
class Actor:
    """Who an event names: username, uid, uid_type exactly as osTicket records them."""

    username: str
    uid: int | None
    uid_type: str

    @classmethod
    def system(cls):
        return cls("SYSTEM", None, "S")

    @classmethod
    def agent(cls, staff_id, username):
        return cls(username, staff_id, "S")

    @classmethod
    def api_user(cls, user_id):
        """A ticket created through the API for this user (golden: create_ticket_api)."""
        return cls("SYSTEM", user_id, "U")

    @classmethod
    def portal_user(cls, name):
        """A signed-in client acting in the portal: osTicket records the name, no uid (golden: user_reply_reopens)."""
        return cls(name, None, "S")


def log_event(db, conn, catalog, ticket, name, actor, data=None, now=None):
    """Insert one event for a ticket snapshot (a mapping with thread_id, staff_id, team_id, dept_id, topic_id) at
    ``now`` (default: NOW() of the statement).

    staff_id is the ticket's assignee, or the acting agent when the ticket is unassigned (ThreadEvent::forTicket;
    osTicket 1.10 records the assignee only).
    """
    staff_id = ticket["staff_id"]
    if not staff_id and actor.uid_type == "S" and actor.uid and not is_110(db):
        staff_id = actor.uid
    row = dict(
        thread_id=ticket["thread_id"],
        **_kind(db, catalog, name),
        staff_id=staff_id,
        team_id=ticket["team_id"],
        dept_id=ticket["dept_id"],
        topic_id=ticket["topic_id"],
        data=None if data is None else php_json(data),
        username=actor.username,
        uid=actor.uid,
        uid_type=actor.uid_type,
        annulled=0,
    )
    stmt = insert(db.tables.thread_event)
    if now is None:
        stmt = stmt.values(timestamp=func.now())
    else:
        row["timestamp"] = now
    conn.execute(stmt, row)


def annul(db, conn, catalog, thread_id, name):
    """Mark earlier events of this kind annulled (closing and reopening annul earlier "closed" events)."""
    t = db.tables.thread_event
    kind = t.c.event_id == catalog.events[name] if "event_id" in t.c else t.c.state == name
    conn.execute(update(t).where(t.c.thread_id == thread_id, kind).values(annulled=1))


def _kind(db, catalog, name):
    """The columns that say what kind of event it is, in the shape of this release."""
    t = db.tables.thread_event
    if "event_id" not in t.c:
        return {"state": name}  # osTicket 1.10
    return {"event_id": catalog.events[name], **({"thread_type": "T"} if "thread_type" in t.c else {})}
