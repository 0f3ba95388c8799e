"""The lists an integrator fills the agent routes' ids from: departments, agents, teams, priorities, statuses, SLA
plans, as osTicket's admin panel shows them (no secrets: no password, signature or permission data)."""

from sqlalchemy import select

from ..release import is_110

DEPT_ACTIVE, DEPT_ARCHIVED = 0x4, 0x8  # ost_department.flags (1.11+; 1.10 departments are all active)
TEAM_ENABLED = 0x1
SLA_ACTIVE = 0x1
STATUS_ENABLED = 0x1  # ost_ticket_status.mode


def departments(db, conn):
    d = db.tables.department
    rows = conn.execute(select(d.c.id, d.c.pid, d.c.name, d.c.ispublic, d.c.flags, d.c.path).order_by(d.c.name))
    v110 = is_110(db)
    return [
        {
            "id": r.id, "parentId": r.pid or None, "name": r.name, "path": r.path, "public": bool(r.ispublic),
            "active": v110 or bool(r.flags & DEPT_ACTIVE) and not r.flags & DEPT_ARCHIVED,
        }
        for r in rows
    ]  # fmt: skip


def staff(db, conn):
    s = db.tables.staff
    query = select(
        s.c.staff_id, s.c.username, s.c.firstname, s.c.lastname, s.c.email, s.c.dept_id, s.c.isactive, s.c.onvacation
    ).order_by(s.c.lastname, s.c.firstname, s.c.staff_id)
    return [
        {
            "id": r.staff_id, "assignee": f"s{r.staff_id}", "username": r.username,
            "name": f"{r.firstname or ''} {r.lastname or ''}".strip(), "email": r.email, "deptId": r.dept_id,
            "active": bool(r.isactive), "onVacation": bool(r.onvacation),
        }
        for r in conn.execute(query)
    ]  # fmt: skip


def teams(db, conn):
    t, tm = db.tables.team, db.tables.team_member
    members = {}
    for team_id, staff_id in conn.execute(select(tm.c.team_id, tm.c.staff_id).order_by(tm.c.staff_id)):
        members.setdefault(team_id, []).append(staff_id)
    rows = conn.execute(select(t.c.team_id, t.c.name, t.c.flags).order_by(t.c.name))
    return [
        {"id": r.team_id, "assignee": f"t{r.team_id}", "name": r.name, "active": bool(r.flags & TEAM_ENABLED),
         "members": members.get(r.team_id, [])}
        for r in rows
    ]  # fmt: skip


def priorities(catalog):
    ordered = sorted(catalog.priorities.values(), key=lambda p: (p["priority_urgency"], p["priority_id"]))
    return [
        {"id": p["priority_id"], "name": p["priority_desc"], "key": p["priority"], "urgency": p["priority_urgency"],
         "public": bool(p["ispublic"])}
        for p in ordered
    ]  # fmt: skip


def statuses(catalog):
    ordered = sorted(catalog.statuses.values(), key=lambda s: (s["sort"], s["id"]))
    return [
        {"id": s["id"], "name": s["name"], "state": s["state"], "enabled": bool(s["mode"] & STATUS_ENABLED)}
        for s in ordered
    ]


def slas(db, conn):
    s = db.tables.sla
    rows = conn.execute(select(s.c.id, s.c.name, s.c.grace_period, s.c.flags).order_by(s.c.name))
    return [
        {"id": r.id, "name": r.name, "gracePeriodHours": r.grace_period, "active": bool(r.flags & SLA_ACTIVE)}
        for r in rows
    ]
