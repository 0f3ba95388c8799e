"""What an agent may do on a ticket, as osTicket's Staff and Ticket classes decide it (no role permissions:
the bridge reads no ost_role)."""

from sqlalchemy import func, or_, select

from .staff import team_ids_query


def is_available(agent):
    """Staff::isAvailable: active and not on vacation."""
    return bool(agent["isactive"]) and not agent["onvacation"]


def agent_depts(db, conn, staff_id):
    """Staff::getDepts: primary and extended departments, their sub-departments, and managed ones."""
    return {i for (i,) in conn.execute(agent_depts_query(db, db.tables.staff.c.staff_id == staff_id))}


def agent_depts_query(db, which):
    """The SELECT of agent_depts for the agent ``which`` (a clause on ost_staff) picks."""
    t = db.tables
    s, g, d = t.staff, t.staff_dept_access, t.department

    def within(dept_id):
        return func.locate(func.concat("/", dept_id, "/"), d.c.path) > 0

    query = (
        select(d.c.id)
        .distinct()
        .select_from(
            s.outerjoin(g, g.c.staff_id == s.c.staff_id).join(
                d, or_(within(s.c.dept_id), d.c.manager_id == s.c.staff_id, within(g.c.dept_id))
            )
        )
        .where(which)
    )
    return query


def agent_can_access_dept(db, conn, agent, dept_id, depts=None):
    """Staff::canAccessDept: not limited to assigned tickets and the department is one of theirs (``depts``: the
    agent's, when read already)."""
    if agent["assigned_only"]:
        return False
    return dept_id in (agent_depts(db, conn, agent["staff_id"]) if depts is None else depts)


def agent_by_id(db, conn, staff_id):
    """The agent's availability and access columns by id, or None."""
    s = db.tables.staff
    if not staff_id:
        return None
    query = select(s.c.staff_id, s.c.isactive, s.c.onvacation, s.c.assigned_only).where(s.c.staff_id == staff_id)
    return conn.execute(query).mappings().first()


def last_respondent(db, conn, thread_id):
    """Ticket::getLastRespondent exactly as 1.18.1 runs it: LIMIT 1,1 without ORDER BY, i.e. the second
    response's agent in index order (golden:user_reply_reopens), not the latest one."""
    e = db.tables.thread_entry
    return conn.execute(
        select(e.c.staff_id)
        .where(e.c.thread_id == thread_id, e.c.type == "R", e.c.staff_id > 0)
        .order_by(e.c.id)
        .limit(1)
        .offset(1)
    ).scalar()


def can_access_ticket(db, conn, agent, ticket, is_open, depts=None):
    """Ticket::checkStaffPerm without role permissions: department access, assignment (open tickets) or referral
    (1.11 on; in 1.10 any agent may act on a closed ticket). ``depts``: the agent's (agent_depts), if read."""
    if agent_can_access_dept(db, conn, agent, ticket["dept_id"], depts):
        return True
    teams = [i for (i,) in conn.execute(team_ids_query(db, agent["staff_id"]))]
    if is_open and (ticket["staff_id"] == agent["staff_id"] or ticket["team_id"] in teams):
        return True
    if not db.tables.has("thread_referral"):
        # 1.10 (its Ticket::checkStaffPerm): no referrals, and only open tickets are kept from other departments.
        return not is_open
    if depts is None:
        depts = agent_depts(db, conn, agent["staff_id"])
    r = db.tables.thread_referral
    referred = select(r.c.id).where(
        r.c.thread_id == ticket["thread_id"],
        or_(
            (r.c.object_type == "S") & (r.c.object_id == agent["staff_id"]),
            (r.c.object_type == "E") & r.c.object_id.in_(teams or [0]),
            (r.c.object_type == "D") & r.c.object_id.in_(depts or [0]),
        ),
    )
    return conn.execute(referred).first() is not None
