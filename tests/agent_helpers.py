"""An agent's actions: the operations recorded on the peer kits (tests/recordings/record_agent.py) and the same
starting states for the bridge's comparison tests.

Every operation acts on ticket A of the desk's golden run (Billing, topic 12) as its agent 2: on 1.18.1 dana on
our own install + demo data (DESK_OWN: Priya's ticket, recorded in both test modes alike), on 1.10.4 alice on
its real install. Agent 2 works in Support with All Access, has extended access to Billing with All Access and
to Sales with Expanded Access. A refusal's set-up gives the agent a poorer role for Billing.
"""

import pathlib
from dataclasses import dataclass, field

from golden import DATE
from update_helpers import RECORDED_DESKS, execute, history_before, replay

RECORDINGS = pathlib.Path(__file__).resolve().parent / "recordings"
RELEASE_DIRS = {"1.18": RECORDINGS / "1.18.1" / "agent", "1.10": RECORDINGS / "1.10.4" / "agent"}
DESKS = RECORDED_DESKS
# The demo's dana in alice's place on the real install: Expanded Access to Sales, and team 1 without members.
DESK_SETUP = {
    "1.18": (
        "INSERT INTO ost_staff_dept_access (staff_id, dept_id, role_id, flags) VALUES (2, 2, 2, 1)",
        "DELETE FROM ost_team_member WHERE team_id = 1",
    ),
    "1.10": (),
}
BOTH = ("1.18", "1.10")
LIMITED = "UPDATE ost_staff_dept_access SET role_id = 3 WHERE staff_id = 2 AND dept_id = 4"  # no ticket.close
# ostadmin may be assigned Billing's tickets (1.18.1's baseline has it; 1.10.4's not)
ADMIN_IN_BILLING = "INSERT IGNORE INTO ost_staff_dept_access (staff_id, dept_id, role_id, flags) VALUES (1, 4, 1, 1)"
TEAM = "INSERT INTO ost_team_member (team_id, staff_id, flags) VALUES (1, 1, 1)"  # ostadmin in Level I, alerts on
TEAM_ALERTS = "UPDATE ost_config SET value = '1' WHERE `key` = 'assigned_alert_team_members'"
ADMIN_HAS_IT = "UPDATE ost_ticket SET staff_id = 1 WHERE number = :number"  # ticket A assigned to ostadmin


def alerts_on(kind):
    """The help desk's alerts of this kind on (note, transfer), to the ticket's assigned agent."""
    return f"UPDATE ost_config SET value = '1' WHERE `key` IN ('{kind}_alert_active', '{kind}_alert_assigned')"


PREMIUM_SLA = (
    "INSERT INTO ost_sla (id, schedule_id, flags, grace_period, name, notes, created, updated) "
    "VALUES (2, 0, 3, 8, 'Premium', '', NOW(), NOW())"
)
PREMIUM_SLA_110 = (  # 1.10's ost_sla has no schedule
    "INSERT INTO ost_sla (id, flags, grace_period, name, notes, created, updated) "
    "VALUES (2, 3, 8, 'Premium', '', NOW(), NOW())"
)
# the help desk's SLA reselected by a topic edit: the Default SLA transient, Refund Request (13) giving Premium
TRANSIENT_SLA = (
    "UPDATE ost_sla SET flags = flags | 8 WHERE id = 1",
    "UPDATE ost_help_topic SET sla_id = 2 WHERE topic_id = 13",
)
OVERDUE = (
    "UPDATE ost_ticket SET isoverdue = 1 WHERE ticket_id = 1",
    "UPDATE ost_sla SET grace_period = 2000 WHERE id = 1",
)
# ticket A overdue on 1.18 (Ticket::checkOverdue's two cases): its due date passed, else its plan's
OVERDUE_BY_DUE_DATE = "UPDATE ost_ticket SET isoverdue = 1, duedate = NOW() - INTERVAL 1 DAY WHERE number = :number"
OVERDUE_BY_PLAN = "UPDATE ost_ticket SET isoverdue = 1, est_duedate = NOW() - INTERVAL 1 HOUR WHERE number = :number"
DUE_SET = "UPDATE ost_ticket SET duedate = '2027-01-15 12:00:37', est_duedate = duedate WHERE ticket_id = 1"
# Ticket Details gains a checkbox, a choice and a multiple choice (agents see and edit them, users too) and the cache
# table the columns osTicket builds for them (DDL: a row diff does not carry it).
_FIELD = "({id}, 2, 13057, '{type}', '{label}', '{name}', '{config}', {sort}, NULL, NOW(), NOW())"
DETAILS_FIELDS = (
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES "
    + ", ".join(
        _FIELD.format(**f)
        for f in (
            {"id": 40, "type": "bool", "label": "Urgent", "name": "urgent", "config": '{"desc":"Today"}', "sort": 4},
            {
                "id": 41,
                "type": "choices",
                "label": "Channel",
                "name": "channel",
                "sort": 5,
                "config": '{"choices":"phone:Phone\\\\nmail:E-mail\\\\nchat:Chat","multiselect": false}',
            },
            {
                "id": 42,
                "type": "choices",
                "label": "Products",
                "name": "products",
                "sort": 6,
                "config": '{"choices":"card:Card\\\\nloan:Loan\\\\nsavings:Savings","multiselect": true}',
            },
        )
    ),  # fmt: skip
)
CDATA_COLUMNS = "ALTER TABLE ost_ticket__cdata ADD urgent mediumtext, ADD channel mediumtext, ADD products mediumtext"
# ticket A answering them: nothing, E-mail, nothing
MORE_FIELDS = (
    *DETAILS_FIELDS,
    "INSERT INTO ost_form_entry_values (entry_id, field_id, value) SELECT e.id, f.field_id, f.value "
    'FROM ost_form_entry e, (SELECT 40 AS field_id, NULL AS value UNION SELECT 41, \'{"mail":"E-mail"}\' '
    "UNION SELECT 42, NULL) f WHERE e.object_type = 'T' AND e.form_id = 2 "
    "AND e.object_id = (SELECT ticket_id FROM ost_ticket WHERE number = :number)",
    CDATA_COLUMNS,
    "UPDATE ost_ticket__cdata c JOIN ost_ticket t USING (ticket_id) SET c.channel = 'mail' WHERE t.number = :number",
)
# ... and a field choosing from a custom list (list 2, SelectionField), its cache column; ticket A leaves it empty
REGION_LIST = (
    "INSERT INTO ost_list (id, name, name_plural, sort_mode, masks, type, configuration, notes, created, updated) "
    "VALUES (2, 'Region', 'Regions', 'SortCol', 0, NULL, '', '', NOW(), NOW())",
    "INSERT INTO ost_list_items (id, list_id, status, value, extra, sort, properties) "
    "VALUES (21, 2, 1, 'North', 'N', 1, '[]'), (22, 2, 1, 'South', 'S', 2, '[]'), (23, 2, 1, 'West', 'W', 3, '[]')",
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (43, 2, 13057, 'list-2', 'Region', 'region', '{\"multiselect\": false, \"widget\": \"dropdown\"}', 7, "
    "NULL, NOW(), NOW())",
    "INSERT INTO ost_form_entry_values (entry_id, field_id, value) SELECT e.id, 43, NULL FROM ost_form_entry e "
    "WHERE e.object_type = 'T' AND e.form_id = 2 "
    "AND e.object_id = (SELECT ticket_id FROM ost_ticket WHERE number = :number)",
    "ALTER TABLE ost_ticket__cdata ADD region mediumtext",
)
# ... and a date field with its time, in the agent's zone (none of its own), its cache column; ticket A leaves it empty
VISIT_FIELD = (
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (44, 2, 13057, 'datetime', 'Visit', 'visit', '{\"time\": true, \"gmt\": false, \"future\": true}', 8, "
    "NULL, NOW(), NOW())",
    "INSERT INTO ost_form_entry_values (entry_id, field_id, value) SELECT e.id, 44, NULL FROM ost_form_entry e "
    "WHERE e.object_type = 'T' AND e.form_id = 2 "
    "AND e.object_id = (SELECT ticket_id FROM ost_ticket WHERE number = :number)",
    "ALTER TABLE ost_ticket__cdata ADD visit mediumtext",
)
# ... and a date field without its time (Deadline), its cache column; ticket A leaves it empty
DEADLINE_FIELD = (
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (45, 2, 13057, 'datetime', 'Deadline', 'deadline', '{\"time\": false, \"gmt\": false, "
    '"future": true}\', 9, NULL, NOW(), NOW())',
    "INSERT INTO ost_form_entry_values (entry_id, field_id, value) SELECT e.id, 45, NULL FROM ost_form_entry e "
    "WHERE e.object_type = 'T' AND e.form_id = 2 "
    "AND e.object_id = (SELECT ticket_id FROM ost_ticket WHERE number = :number)",
    "ALTER TABLE ost_ticket__cdata ADD deadline mediumtext",
)
VISIT_IN_PARIS = (
    "UPDATE ost_form_field SET configuration = JSON_SET(configuration, '$.timezone', 'Europe/Paris') WHERE id = 44"
)
AGENT_IN_NEW_YORK = "UPDATE ost_staff SET timezone = 'America/New_York' WHERE staff_id = 2"
NOT_AGENT_EDITABLE = "UPDATE ost_form_field SET flags = flags & ~0x2000 WHERE id = 40"
VIEW_ONLY = "UPDATE ost_staff_dept_access SET role_id = 4 WHERE staff_id = 2 AND dept_id = 4"  # no permission


@dataclass(frozen=True)
class Operation:
    kind: str  # record_agent.php's operation
    vars: dict
    resolved: bool = False  # ticket A after the agent's resolving reply (else open, unassigned, after the owner's)
    setup: tuple = ()
    refused: bool = False
    releases: tuple = BOTH
    extra: dict = field(default_factory=dict)  # the bridge's fields where they differ from the panel's post


NOW_COLUMNS = ("created", "updated", "timestamp", "lastupdate")  # what osTicket stamps with NOW()
NOTE = "<p>Called her: the second charge is a pre-authorisation.</p>"
OPERATIONS = {
    "note": Operation("note", {"title": "Phone call", "note": NOTE}),
    "assign_agent": Operation(
        "assign",
        {"target": "agents", "assignee": ["s1"], "comments": "<p>Please approve the refund.</p>"},
        setup=(ADMIN_IN_BILLING,),
    ),
    "assign_team": Operation(
        "assign",
        {"target": "teams", "assignee": ["t1"], "comments": "<p>Level I, over to you.</p>"},
        setup=(TEAM, TEAM_ALERTS),
    ),
    "claim": Operation("claim", {}),
    "claim_comments": Operation("claim", {"assignee": ["s2"], "comments": "<p>Mine: I know this customer.</p>"}),
    # the alerts osTicket's defaults leave off, on: the note alert and the transfer alert reach the assignee
    "note_alert": Operation("note", {"title": "Phone call", "note": NOTE}, setup=(ADMIN_HAS_IT, alerts_on("note"))),
    "transfer_alert": Operation(
        "transfer",
        {"dept": ["2"], "comments": "<p>Sales handles plan changes.</p>"},
        setup=(ADMIN_HAS_IT, alerts_on("transfer")),
    ),
    "resolve_alert": Operation(
        "status", {"status_id": 2, "comments": "<p>Refund issued.</p>"}, setup=(ADMIN_HAS_IT, alerts_on("note"))
    ),
    "transfer": Operation("transfer", {"dept": ["2"], "comments": "<p>Sales handles plan changes.</p>"}),
    # a resolved ticket: the transfer reopens it
    "transfer_resolved": Operation("transfer", {"dept": ["2"], "comments": ""}, resolved=True),
    # Maintenance: a department the agent has no access to
    "transfer_unreachable": Operation("transfer", {"dept": ["3"], "comments": ""}),
    "resolve": Operation("status", {"status_id": 2, "comments": "<p>Refund issued.</p>"}),
    "reopen": Operation("status", {"status_id": 1, "comments": "<p>She called back.</p>"}, resolved=True),
    "close_refused": Operation("status", {"status_id": 3, "comments": ""}, setup=(LIMITED,), refused=True),
    "transfer_refused": Operation("transfer", {"dept": ["2"]}, setup=(VIEW_ONLY,), refused=True),
    "assign_refused": Operation("assign", {"target": "agents", "assignee": ["s1"]}, setup=(VIEW_ONLY,), refused=True),
    "reply_refused": Operation("reply", {"response": "<p>No.</p>"}, setup=(VIEW_ONLY,), refused=True),
    "priority": Operation(
        "field", {"fid": "priority", "post": {"priority": 4, "comments": "<p>Card blocked.</p>"}}, releases=("1.18",)
    ),
    "topic": Operation("field", {"fid": "topic", "post": {"topic_id": 13}}, releases=("1.18",)),
    "sla": Operation("field", {"fid": "sla", "post": {"sla_id": 2}}, setup=(PREMIUM_SLA,), releases=("1.18",)),
    "subject": Operation(
        "field",
        {"fid": 20, "post": {"subject": "Duplicate charge on invoice 1001", "comments": "<p>Clearer.</p>"}},
        releases=("1.18",),
    ),
    "edit_110": Operation("edit110", {"fields": {"priority": 4}, "note": "<p>Card blocked.</p>"}, releases=("1.10",)),
    "edit_110_sla": Operation(
        "edit110",
        {"ticket": {"slaId": 2}, "note": "<p>Premium customer.</p>"},
        setup=(PREMIUM_SLA_110,),
        releases=("1.10",),
    ),
    "edit_110_topic": Operation("edit110", {"ticket": {"topicId": 13}}, releases=("1.10",)),
    "edit_110_topic_transient": Operation(
        "edit110", {"ticket": {"topicId": 13}}, setup=(PREMIUM_SLA_110, *TRANSIENT_SLA), releases=("1.10",)
    ),
    # an overdue ticket whose plan's due date now lies ahead loses the flag
    "edit_110_overdue": Operation("edit110", {"ticket": {"topicId": 13}}, setup=OVERDUE, releases=("1.10",)),
    # the form posts the ticket's due date again with any edit (to the minute)
    "edit_110_due_kept": Operation("edit110", {"fields": {"priority": 4}}, setup=(DUE_SET,), releases=("1.10",)),
    "edit_110_duedate": Operation(
        "edit110",
        {"ticket": {"duedate": "2027-03-01", "time": "09:30"}, "note": "<p>Promised by then.</p>"},
        releases=("1.10",),
    ),
    # 1.10's form: a checkbox ticked, a choice changed, two choices made (posted as their keys)
    "edit_110_urgent": Operation(
        "edit110",
        {"fields": {"urgent": True}, "note": "<p>Today.</p>"},
        setup=MORE_FIELDS,
        releases=("1.10",),
    ),
    "edit_110_channel": Operation(
        "edit110", {"fields": {"channel": ["phone"]}}, setup=MORE_FIELDS, releases=("1.10",), extra={"channel": "phone"}
    ),
    "edit_110_products": Operation(
        "edit110", {"fields": {"products": ["card", "savings"]}}, setup=MORE_FIELDS, releases=("1.10",)
    ),
    "edit_110_region": Operation(
        "edit110",
        {"fields": {"region": ["22"]}, "note": "<p>Moved south.</p>"},
        setup=(*MORE_FIELDS, *REGION_LIST),
        releases=("1.10",),
        extra={"region": 22},
    ),
    # 1.10's form: a date and time picked, the agent in the help desk's zone (UTC), in New York, and the field in
    # Paris; a date alone; three fields sent against their form order (visit 8, products 6, urgent 4)
    "edit_110_date": Operation(
        "edit110",
        {"fields": {"visit": "2027-03-01 17:00"}, "note": "<p>Booked.</p>"},
        setup=(*MORE_FIELDS, *VISIT_FIELD),
        releases=("1.10",),
    ),
    "edit_110_date_zone": Operation(
        "edit110",
        {"fields": {"visit": "2027-03-01 17:00"}},
        setup=(*MORE_FIELDS, *VISIT_FIELD, AGENT_IN_NEW_YORK),
        releases=("1.10",),
    ),
    "edit_110_date_field_zone": Operation(
        "edit110",
        {"fields": {"visit": "2027-03-01 17:00"}},
        setup=(*MORE_FIELDS, *VISIT_FIELD, VISIT_IN_PARIS, AGENT_IN_NEW_YORK),
        releases=("1.10",),
    ),
    "edit_110_date_only": Operation(
        "edit110",
        {"fields": {"deadline": "2027-03-01"}},
        setup=(*MORE_FIELDS, *VISIT_FIELD, *DEADLINE_FIELD, AGENT_IN_NEW_YORK),
        releases=("1.10",),
    ),
    "edit_110_fields_order": Operation(
        "edit110",
        {"fields": {"visit": "2027-03-01 17:00", "products": ["loan"], "urgent": True}, "note": "<p>All at once.</p>"},
        setup=(*MORE_FIELDS, *VISIT_FIELD),
        releases=("1.10",),
    ),
    # a checkbox ticked (the panel posts the field's id), a choice changed, two choices made, as Ticket::updateField
    "urgent": Operation(
        "field",
        {"fid": 40, "post": {"40": 1, "comments": "<p>Today.</p>"}},
        setup=MORE_FIELDS,
        releases=("1.18",),
        extra={"urgent": True},
    ),
    "channel": Operation("field", {"fid": 41, "post": {"channel": "phone"}}, setup=MORE_FIELDS, releases=("1.18",)),
    "products": Operation(
        "field", {"fid": 42, "post": {"products": ["card", "savings"]}}, setup=MORE_FIELDS, releases=("1.18",)
    ),
    # a list item chosen (the panel posts its id), by id and by value through the bridge
    "region": Operation(
        "field",
        {"fid": 43, "post": {"region": ["22"], "comments": "<p>Moved south.</p>"}},
        setup=(*MORE_FIELDS, *REGION_LIST),
        releases=("1.18",),
        extra={"region": 22},
    ),
    "region_by_value": Operation(
        "field",
        {"fid": 43, "post": {"region": ["22"]}},
        setup=(*MORE_FIELDS, *REGION_LIST),
        releases=("1.18",),
        extra={"region": "South"},
    ),
    # a date and time picked, the agent in the help desk's zone (UTC) and in New York
    "visit": Operation(
        "field",
        {"fid": 44, "post": {"visit": "2027-03-01 17:00", "comments": "<p>Booked.</p>"}},
        setup=(*MORE_FIELDS, *VISIT_FIELD),
        releases=("1.18",),
    ),
    "visit_agent_zone": Operation(
        "field",
        {"fid": 44, "post": {"visit": "2027-03-01 17:00"}},
        setup=(*MORE_FIELDS, *VISIT_FIELD, AGENT_IN_NEW_YORK),
        releases=("1.18",),
    ),
    # the checkbox no longer editable by agents (FLAG_AGENT_EDIT off): Ticket::updateField refuses it
    "urgent_not_editable": Operation(
        "field",
        {"fid": 40, "post": {"40": 1}},
        setup=(*MORE_FIELDS, NOT_AGENT_EDITABLE),
        refused=True,
        releases=("1.18",),
        extra={"urgent": True},
    ),
    "duedate": Operation("field", {"fid": "duedate", "post": {"duedate": "2027-03-01 17:00"}}, releases=("1.18",)),
    # on an overdue ticket: Ticket::updateEstDueDate clears the flag and a due date that passed (a topic edit does not)
    "sla_overdue": Operation(
        "field", {"fid": "sla", "post": {"sla_id": 2}}, setup=(PREMIUM_SLA, OVERDUE_BY_DUE_DATE), releases=("1.18",)
    ),
    "duedate_overdue": Operation(
        "field",
        {"fid": "duedate", "post": {"duedate": "2027-03-01 17:00"}},
        setup=(OVERDUE_BY_PLAN,),
        releases=("1.18",),
    ),
    "topic_overdue": Operation(
        "field", {"fid": "topic", "post": {"topic_id": 13}}, setup=(OVERDUE_BY_PLAN,), releases=("1.18",)
    ),
}


def prepare(db_url, release, op):
    """Bring a fresh copy of the release's install to the operation's starting state; return ticket A's number."""
    desk = DESKS[release]
    if op.resolved:
        history = desk.history_a if release == "1.10" else history_before(desk.history_a, "user_reply_reopens")
    else:
        history = desk.history_a[:2]  # created, its owner's message
    replay(db_url, *history, desk=desk)
    for sql in (*DESK_SETUP[release], *op.setup):
        execute(db_url, sql, number=desk.ticket_a)
    return desk.ticket_a


def recorded_clock(recording):
    """The time osTicket acted at in a recording: the latest time it stamped a row with (None: it wrote nothing)."""
    stamped = []
    for diff in recording["tables"].values():
        stamped += [row.get(c) for row in diff["inserted"] for c in NOW_COLUMNS]
        stamped += [u["changes"][c]["new"] for u in diff["updated"] for c in NOW_COLUMNS if c in u["changes"]]
    return max((t for t in stamped if t and DATE.match(t) and not t.startswith("0000")), default=None)


def api_call(op, agent):
    """(route, JSON body) of the bridge's call doing what ``op`` recorded, as ``agent``, comments in HTML."""
    v = op.vars
    body = {"staffUserName": agent, "format": "html"}
    if op.kind == "note":
        return "note", {**body, "title": v["title"], "note": v["note"]}
    if op.kind == "reply":
        return "reply", {**body, "response": v["response"]}
    if op.kind == "assign":
        return "assign", {**body, "assignee": v["assignee"][0], "comments": v.get("comments", "")}
    if op.kind == "claim":
        return "assign", {**body, "assignee": "s2", "comments": v.get("comments", "")}
    if op.kind == "transfer":
        return "transfer", {**body, "deptId": int(v["dept"][0]), "comments": v.get("comments", "")}
    if op.kind == "status":
        return "status", {**body, "statusId": v["status_id"], "comments": v["comments"]}
    if op.kind == "edit110":
        ticket = dict(v.get("ticket", {}))
        if "duedate" in ticket:
            ticket["duedate"] = f"{ticket['duedate']} {ticket.pop('time')}"
        names = {"priority": "priorityId"}  # else a field's own name
        fields = {names.get(k, k): value for k, value in v.get("fields", {}).items()}
        return "update", {**body, **fields, **ticket, **op.extra, "comments": v.get("note", "")}
    post = dict(v["post"])
    comments = post.pop("comments", "")
    names = {"priority": "priorityId", "sla_id": "slaId", "topic_id": "topicId"}  # else a field's own name
    fields = {names.get(k, k): value for k, value in post.items() if not k.isdigit()}
    return "update", {**body, **fields, **op.extra, "comments": comments}


def act(client, desk, op):
    route, body = api_call(op, desk.agent)
    return client.post(f"/api/scp/tickets/{route}.json", headers=desk.key, json={"ticketNumber": desk.ticket_a, **body})
