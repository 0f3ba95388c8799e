"""Help topics and departments as osTicket names them ("Parent / Child") and offers them in the portal."""

from sqlalchemy import literal, select, union_all

TOPIC_ACTIVE = 0x2  # ost_help_topic.flags (1.11 on; 1.10 has the column isactive)
TOPIC_ARCHIVED = 0x4


def load_labels(db, conn):
    """Every help topic and department in one query: {"topics": {id: row}, "depts": {id: row}}.

    Both tables are small, and full names need every ancestor (Topic::getHelpTopics, Dept::getDepartments).
    """
    labels = {"T": {}, "D": {}}
    for row in conn.execute(db.statement("labels", lambda: _labels_query(db))).mappings():
        labels[row["kind"]][row["id"]] = dict(row)
    return {"topics": labels["T"], "depts": labels["D"]}


def _labels_query(db):
    t = db.tables
    topics = select(
        literal("T").label("kind"),
        t.help_topic.c.topic_id.label("id"),
        t.help_topic.c.topic_pid.label("pid"),
        t.help_topic.c.topic.label("name"),
        t.help_topic.c.flags,
        t.help_topic.c.ispublic,
        t.help_topic.c.sort,
        topic_active(db).label("active"),
    )
    depts = select(
        literal("D"),
        t.department.c.id,
        t.department.c.pid,
        t.department.c.name,
        t.department.c.flags,
        t.department.c.ispublic,
        literal(0),
        literal(None),
    )
    return union_all(topics, depts)


def topic_active(db):
    """Whether the topic itself is active and not archived: 1.10's isactive, the flags of 1.11 on."""
    ht = db.tables.help_topic
    if db.tables.has("help_topic", "isactive"):
        return ht.c.isactive != 0
    return ht.c.flags.op("&")(TOPIC_ACTIVE | TOPIC_ARCHIVED) == TOPIC_ACTIVE


def full_names(rows):
    """{id: "Grandparent / Parent / Name"} following pid links (a loop stops the walk, as in osTicket)."""
    names = {}
    for row_id, row in rows.items():
        name, seen, pid = row["name"], {row_id}, row["pid"]
        while pid and pid in rows and pid not in seen:
            seen.add(pid)
            name = f"{rows[pid]['name']} / {name}"
            pid = rows[pid]["pid"]
        names[row_id] = name
    return names


def _enabled(rows, topic_id):
    """As Topic::getHelpTopics decides: the topic must be active, and so must each ancestor but the topmost.

    osTicket's cascade tests an ancestor only once its walk has gone past it, so a disabled top-level topic still
    offers its children (seen on the real 1.10.4 and 1.18.1 portals); a disabled middle one hides those below.
    """
    if not rows[topic_id]["active"]:
        return False
    row, parent, seen = rows[topic_id], None, {topic_id}
    while row["pid"] in rows and row["pid"] not in seen:
        seen.add(row["pid"])
        row = rows[row["pid"]]
        if parent is not None and not parent["active"]:
            return False
        parent = row
    return True


def public_topics(db, conn, catalog):
    """The topics the client portal offers: [{"id", "value"}], sorted by core.help_topic_sort_mode.

    "a" (the default): alphabetically by full name; "m": by the admin's manual sort order.
    """
    rows = load_labels(db, conn)["topics"]
    names = full_names(rows)
    offered = [i for i, row in rows.items() if row["ispublic"] and _enabled(rows, i)]
    if catalog.setting("help_topic_sort_mode", "a") == "m":
        offered.sort(key=lambda i: (rows[i]["sort"], i))
    else:
        offered.sort(key=lambda i: (names[i].casefold(), i))
    return [{"id": i, "value": names[i]} for i in offered]
