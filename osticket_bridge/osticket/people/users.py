"""End users (ost_user + default ost_user_email), looked up by id or address (their names and phones: names.py)."""

from sqlalchemy import select


def _user_query(db):
    t = db.tables
    return select(
        t.user.c.id,
        t.user.c.name,
        t.user.c.org_id,
        t.user.c.status,
        t.user.c.default_email_id,
        t.user.c.created,
        t.user.c.updated,
        t.user_email.c.address.label("email"),
        t.organization.c.status.label("org_status"),
    ).select_from(
        t.user.outerjoin(t.user_email, t.user_email.c.id == t.user.c.default_email_id).outerjoin(
            t.organization, t.organization.c.id == t.user.c.org_id
        )
    )


def find_user(db, conn, user_id=None, email=None):
    """Return the user (id, name, email = default address, org_id, org_status, status, default_email_id) or None.

    ``email`` matches any of the user's addresses and, like osTicket's lookup, ignores case (utf8_general_ci).
    """
    if user_id is not None:
        return conn.execute(user_query(db, user_id=user_id)).mappings().first()
    if email:
        return conn.execute(user_query(db, address=email.strip())).mappings().first()
    return None


def user_query(db, user_id=None, address=None):
    """The SELECT of find_user: by ``user_id``, else by ``address`` (values or SQL expressions)."""
    t = db.tables
    query = _user_query(db)
    if user_id is not None:
        query = query.where(t.user.c.id == user_id)
    else:
        matched = t.user_email.alias("matched")
        owner = select(matched.c.user_id).where(matched.c.address == address).scalar_subquery()
        query = query.where(t.user.c.id == owner)
    return query.limit(1)
