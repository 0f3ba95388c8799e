"""Agents (ost_staff) and the teams they belong to."""

from sqlalchemy import select


def _agent_query(db):
    s = db.tables.staff
    return select(
        s.c.staff_id,
        s.c.username,
        s.c.firstname,
        s.c.lastname,
        s.c.email,
        s.c.dept_id,
        s.c.isactive,
        s.c.onvacation,
        s.c.assigned_only,
        s.c.timezone,
    )


def find_agent(db, conn, username):
    """Return the agent (staff_id, username, firstname, lastname, email, dept_id, isactive, onvacation,
    assigned_only, timezone) with this username, or None. Usernames compare case-insensitively (column collation).
    """
    if not username:
        return None
    return conn.execute(_agent_query(db).where(db.tables.staff.c.username == username).limit(1)).mappings().first()


def team_ids_query(db, staff_id):
    """Subquery of the ids of the teams the agent is a member of."""
    tm = db.tables.team_member
    return select(tm.c.team_id).where(tm.c.staff_id == staff_id)
