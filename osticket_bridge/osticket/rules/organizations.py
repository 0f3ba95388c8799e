"""An organization's automatic collaborators on a new ticket (Ticket::create, "Add organizational collaborators"):
every member, or its primary contacts, per the organization's flags; each added with its own "collab" event,
then one naming the organization. The first message lists them as its Cc recipients (1.11+)."""

from sqlalchemy import insert, select

from ..release import is_110
from ..text import php_json
from ..threads.events import Actor, log_event

COLLAB_ALL_MEMBERS, COLLAB_PRIMARY_CONTACT = 0x1, 0x2  # ost_organization.status
PRIMARY_ORG_CONTACT = 0x1  # ost_user.status
COLLAB_ACTIVE, COLLAB_CC = 0x1, 0x2  # ost_thread_collaborator.flags (Collaborator::setCc)
REPLY_ALL, REPLY_USER = 0x100, 0x200  # ost_thread_entry.flags of an entry with recipients


def add_collaborators(db, conn, catalog, snapshot, owner_id, org_id, now):
    """Cc the organization's members on the new ticket; returns [(collaborator id, name, address)]."""
    if not org_id:
        return []
    t = db.tables
    o, u, e = t.organization, t.user, t.user_email
    status = conn.execute(select(o.c.status).where(o.c.id == org_id)).scalar() or 0
    if not status & (COLLAB_ALL_MEMBERS | COLLAB_PRIMARY_CONTACT):
        return []
    members = conn.execute(
        select(u.c.id, u.c.name, u.c.status, e.c.address)
        .select_from(u.outerjoin(e, e.c.id == u.c.default_email_id))
        .where(u.c.org_id == org_id, u.c.id != owner_id)
        .order_by(u.c.id)
    ).all()
    v110 = is_110(db)
    added = []
    for member in members:
        if not (status & COLLAB_ALL_MEMBERS or member.status & PRIMARY_ORG_CONTACT):
            continue
        row = {"thread_id": snapshot["thread_id"], "user_id": member.id, "role": "M", "created": now, "updated": now}
        row.update({"isactive": 1} if v110 else {"flags": COLLAB_ACTIVE | COLLAB_CC})
        collaborator_id = conn.execute(insert(t.thread_collaborator), row).inserted_primary_key[0]
        person = {"name": member.name, **({"src": None} if v110 else {})}
        log_event(db, conn, catalog, snapshot, "collab", Actor.system(), {"add": {str(member.id): person}}, now=now)
        added.append((collaborator_id, member.name, member.address))
    if added:
        log_event(db, conn, catalog, snapshot, "collab", Actor.system(), {"org": org_id}, now=now)
    return added


def entry_recipients(db, added):
    """The first message's extra columns for its Cc'd collaborators: recipients (JSON) and flags, 1.11+."""
    if not added or not db.tables.has("thread_entry", "recipients"):
        return {}, 0
    cc = {str(cid): f"{name} <{address}>" for cid, name, address in added}
    return {"recipients": php_json({"cc": cc})}, REPLY_ALL if len(added) > 1 else REPLY_USER
