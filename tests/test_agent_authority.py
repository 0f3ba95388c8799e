"""Who may do what through the agent routes, as osTicket's staff panel decides it (people/authority.py), on the
1.18.1 desk (world.py: the real install with ../shared, else the demo data): ticket A open and unassigned in Billing;
agent 2, alice or dana (Support, All Access; Billing with All Access), and ostadmin (Support; Billing with All
Access). A refusal answers 403 (or 404/409/422) and writes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from agent_helpers import MORE_FIELDS, REGION_LIST, VISIT_FIELD
from update_helpers import DESK_110, HISTORY_A, TICKET_A, diff_of, execute, replay
from world import AGENT, KEY

A = TICKET_A
NOTE = {"title": "Call", "note": "Spoke to her."}


@pytest.fixture
def desk(fresh_app, fresh_baseline_db):
    """(database URL, test client) with ticket A open, unassigned, its owner's message answered by nobody yet."""
    replay(fresh_baseline_db, *HISTORY_A[:2])
    return fresh_baseline_db, fresh_app(fresh_baseline_db).test_client()


def act(client, route, staff=AGENT, number=A, headers=None, key=KEY, **body):
    return client.post(
        f"/api/scp/tickets/{route}.json",
        headers={**key, **(headers or {})},
        json={"ticketNumber": number, "staffUserName": staff, **body},
    )


EVERY_WRITE = [
    ("note", NOTE),
    ("assign", {"assignee": "s1"}),
    ("assign", {"assignee": "s2"}),
    ("transfer", {"deptId": 2}),
    ("status", {"statusId": 2}),
    ("update", {"priorityId": 4}),
    ("reply", {"response": "Hello"}),
]


def refused_everything(db_url, client, staff=AGENT):
    """Every write as ``staff``: their statuses, and whether any row changed."""
    with diff_of(db_url) as diff:
        statuses = [act(client, route, staff, **body).status_code for route, body in EVERY_WRITE]
    return statuses, diff


def test_a_locked_agent_may_do_nothing(desk):
    db_url, client = desk
    execute(db_url, "UPDATE ost_staff SET isactive = 0 WHERE staff_id = 2")
    assert refused_everything(db_url, client) == ([403] * len(EVERY_WRITE), {})


def test_an_unknown_agent_may_do_nothing(desk):
    db_url, client = desk
    assert refused_everything(db_url, client, staff="mallory") == ([403] * len(EVERY_WRITE), {})


def test_a_view_only_role_may_only_post_notes(desk):
    """osTicket's panel asks no permission for an internal note; every other action needs one."""
    db_url, client = desk
    execute(db_url, "UPDATE ost_staff_dept_access SET role_id = 4 WHERE staff_id = 2 AND dept_id = 4")
    statuses, diff = refused_everything(db_url, client)
    assert statuses == [200] + [403] * (len(EVERY_WRITE) - 1)
    assert [r["title"] for r in diff["ost_thread_entry"]["inserted"]] == ["Call"]
    assert set(diff) == {"ost_thread_entry", "ost__search"}


def test_a_limited_role_assigns_and_transfers_but_may_not_reply_close_or_edit(desk):
    db_url, client = desk
    execute(db_url, "UPDATE ost_staff_dept_access SET role_id = 3 WHERE staff_id = 2 AND dept_id = 4")
    # Expanded Access in Sales, as the real install has it (the demo data gives agent 2 no access there).
    execute(db_url, "REPLACE INTO ost_staff_dept_access (staff_id, dept_id, role_id, flags) VALUES (2, 2, 2, 1)")
    assert act(client, "reply", response="Hello").status_code == 403
    assert act(client, "status", statusId=3).status_code == 403
    assert act(client, "update", priorityId=4).status_code == 403
    assert act(client, "assign", assignee="s1").status_code == 200
    assert act(client, "transfer", deptId=2).status_code == 200
    # Now in Sales, where agent 2 has Expanded Access: she may close it.
    assert act(client, "status", statusId=3).status_code == 200


def test_limited_to_assigned_tickets_the_agent_acts_only_once_assigned(desk):
    db_url, client = desk
    execute(db_url, "UPDATE ost_staff SET assigned_only = 1 WHERE staff_id = 2")
    assert act(client, "note", **NOTE).status_code == 403
    assert act(client, "assign", staff="ostadmin", assignee="s2").status_code == 200
    assert act(client, "note", **NOTE).status_code == 200


def test_outside_its_departments_an_assigned_agent_acts_with_the_primary_role_if_so_set(desk):
    db_url, client = desk
    execute(db_url, "UPDATE ost_ticket SET dept_id = 3, staff_id = 2 WHERE ticket_id = 1")  # agent 2: not Maintenance
    assert act(client, "update", priorityId=4).status_code == 200  # All Access, her primary role
    execute(db_url, "UPDATE ost_staff SET extra = :extra WHERE staff_id = 2", extra='{"def_assn_role":false}')
    assert act(client, "update", priorityId=3).status_code == 403  # "ticket.create" only


def test_an_agent_on_vacation_may_act_but_is_not_assigned(desk):
    db_url, client = desk
    execute(db_url, "UPDATE ost_staff SET onvacation = 1 WHERE staff_id = 2")
    assert act(client, "note", **NOTE).status_code == 200
    assert act(client, "assign", assignee="s2").status_code == 409  # no claim
    assert act(client, "assign", staff="ostadmin", assignee="s2").status_code == 409
    assert act(client, "assign", assignee="s1").status_code == 200


def test_a_closed_ticket_is_neither_assigned_nor_claimed(desk):
    """isOpen() is the ticket page's condition for Assign and Claim, and the claim controller's (1.18.1
    include/staff/ticket-view.inc.php:118, include/ajax.tickets.php:869): a resolved ticket answers 409."""
    db_url, client = desk
    execute(db_url, "INSERT IGNORE INTO ost_staff_dept_access (staff_id, dept_id, role_id, flags) VALUES (1, 4, 1, 1)")
    execute(db_url, "UPDATE ost_ticket SET status_id = 2 WHERE ticket_id = 1")  # Resolved
    with diff_of(db_url) as diff:
        assert [act(client, "assign", assignee=who).status_code for who in ("s1", "s2")] == [409, 409]
    assert diff == {}
    execute(db_url, "UPDATE ost_ticket SET status_id = 1 WHERE ticket_id = 1")
    assert [act(client, "assign", assignee=who).status_code for who in ("s2", "s1")] == [200, 200]


# Ticket Details' subject and priority no longer editable by agents
NOT_EDITABLE = "UPDATE ost_form_field SET flags = flags & ~0x2000 WHERE name IN ('subject', 'priority')"
BAD_REQUESTS = [
    ("assign", {"assignee": "x1"}, 422),
    ("assign", {"assignee": "s99"}, 422),
    ("assign", {"assignee": "t1"}, 422),  # a team without available members is not offered
    ("transfer", {"deptId": 4}, 409),  # already there
    ("transfer", {"deptId": 99}, 422),
    ("status", {"statusId": 1}, 409),  # already Open
    ("status", {"statusId": 99}, 422),
    ("update", {}, 422),
    ("update", {"priorityId": 99}, 422),
    ("update", {"priorityId": 2}, 409),  # already Normal
    ("update", {"topicId": 12}, 409),  # already Billing Questions
    ("update", {"topicId": 99}, 422),
    ("update", {"slaId": 99}, 422),
    ("update", {"nosuchfield": "x"}, 422),  # no Ticket Details field of that name
    ("update", {"message": "x"}, 422),  # the first message is no editable field
    ("update", {"subject": ""}, 422),
    ("update", {"duedate": "2020-01-01 10:00"}, 422),  # in the past
    ("update", {"duedate": "tomorrow"}, 422),
    ("note", {"title": "x"}, 422),
]


def test_a_value_the_field_refuses_is_422_and_writes_nothing(desk):
    """Ticket Details' checkbox, choices and list take what their widgets post (a list item also by its value or
    abbreviation); a date must be one, within the field's latest date."""
    db_url, client = desk
    for sql in (*MORE_FIELDS, *REGION_LIST):
        execute(db_url, sql, number=A)
    latest = '{"time": true, "max": "2029-12-31 00:00:00 UTC"}'
    execute(db_url, "UPDATE ost_form_field SET type = 'datetime', configuration = :c WHERE id = 42", c=latest)
    refused = [
        ({"urgent": "yes"}, 422),
        ({"channel": "fax"}, 422),
        ({"channel": ["phone", "chat"]}, 422),  # one choice only
        ({"channel": []}, 422),
        ({"channel": "mail"}, 409),  # already E-mail
        ({"region": 99}, 422),
        ({"region": "Nowhere"}, 422),
        ({"region": [21, 22]}, 422),  # one item only
        ({"products": "2030-01-01"}, 422),  # now a date field: later than its latest date
        ({"products": "soon"}, 422),
    ]
    with diff_of(db_url) as diff:
        assert [(change, act(client, "update", **change).status_code) for change, _ in refused] == refused
    assert diff == {}
    assert act(client, "update", urgent=False, channel=["chat"]).status_code == 409  # unticked already
    assert act(client, "update", urgent=1, channel=["chat"]).status_code == 200
    assert act(client, "update", region="N", products="2029-06-01 09:00").status_code == 200  # North's abbreviation
    assert act(client, "update", region="North").status_code == 409
    assert act(client, "update", products="2029-06-01 09:00").status_code == 409


def test_a_field_agents_may_not_edit_is_403_and_writes_nothing(desk):
    """Ticket::updateField (1.18) refuses a field that is not FormField::isEditableToStaff (enabled, with
    FLAG_AGENT_EDIT), the priority too, after the value's check (422) and the change's (409)."""
    db_url, client = desk
    execute(db_url, NOT_EDITABLE)
    changes = [({"subject": "Clearer"}, 403), ({"priorityId": 4}, 403), ({"priorityId": 2}, 409)]
    changes.append(({"subject": ""}, 422))
    with diff_of(db_url) as diff:
        assert [(change, act(client, "update", **change).status_code) for change, _ in changes] == changes
    assert diff == {}


def test_on_osticket_110_a_field_agents_may_not_edit_is_403(fresh_app, fresh_baseline_110_db):
    """1.10's Edit Ticket form does not show such a field (staff/templates/dynamic-form.tmpl.php)."""
    replay(fresh_baseline_110_db, *DESK_110.history_a[:2], desk=DESK_110)
    execute(fresh_baseline_110_db, NOT_EDITABLE)
    client = fresh_app(fresh_baseline_110_db).test_client()
    with diff_of(fresh_baseline_110_db) as diff:
        edit = act(client, "update", DESK_110.agent, DESK_110.ticket_a, key=DESK_110.key, subject="Clearer")
    assert (edit.status_code, diff) == (403, {})


def test_bad_requests_write_nothing(desk):
    db_url, client = desk
    execute(db_url, "DELETE FROM ost_team_member WHERE team_id = 1")  # none on the real install; dana on the demo's
    with diff_of(db_url) as diff:
        answers = [(route, body, act(client, route, **body)) for route, body, _ in BAD_REQUESTS]
    assert [(route, body, r.status_code) for route, body, r in answers] == BAD_REQUESTS
    assert all(set(r.get_json()) >= {"code", "status", "message"} for _, _, r in answers)
    assert diff == {}


def test_an_unknown_ticket_is_404(desk):
    _, client = desk
    assert act(client, "note", number="999999", **NOTE).status_code == 404


def test_a_repeated_idempotency_key_writes_once(desk):
    db_url, client = desk
    headers = {"Idempotency-Key": "note-1"}
    with diff_of(db_url) as diff:
        first = act(client, "note", headers=headers, **NOTE)
        again = act(client, "note", headers=headers, **NOTE)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(diff["ost_thread_entry"]["inserted"]) == 1


def test_the_due_date_is_read_in_the_agent_s_zone(desk):
    db_url, client = desk
    execute(db_url, "UPDATE ost_staff SET timezone = 'Europe/Berlin' WHERE staff_id = 2")
    local = (datetime.now() + timedelta(days=40)).replace(hour=9, minute=30, second=0, microsecond=0)
    with diff_of(db_url) as diff:
        assert act(client, "update", duedate=local.strftime("%Y-%m-%d %H:%M")).status_code == 200
    # The install's database runs in UTC.
    stored = local.replace(tzinfo=ZoneInfo("Europe/Berlin")).astimezone(ZoneInfo("UTC"))
    changes = diff["ost_ticket"]["updated"][0]["changes"]
    assert changes["duedate"]["new"] == stored.strftime("%Y-%m-%d %H:%M:%S")


def test_on_osticket_110_the_edit_form_refuses_what_its_validation_refuses(fresh_app, fresh_baseline_110_db):
    """Ticket::update (1.10.4): the form posts the ticket's due date again with any edit, so a past one stops every
    edit until a new due date is sent; no due date on a closed ticket; an SLA plan must exist."""
    replay(fresh_baseline_110_db, *DESK_110.history_a[:2], desk=DESK_110)
    client = fresh_app(fresh_baseline_110_db).test_client()

    def update(**change):
        return act(client, "update", DESK_110.agent, DESK_110.ticket_a, key=DESK_110.key, **change).status_code

    execute(fresh_baseline_110_db, "UPDATE ost_ticket SET duedate = NOW() - INTERVAL 1 DAY WHERE ticket_id = 1")
    ahead = (datetime.now() + timedelta(days=40)).strftime("%Y-%m-%d %H:%M")
    with diff_of(fresh_baseline_110_db) as diff:
        assert [update(**change) for change in ({"priorityId": 4}, {"topicId": 12}, {"slaId": 99})] == [422, 409, 422]
    assert diff == {}
    assert update(priorityId=4, duedate=ahead) == 200
    execute(fresh_baseline_110_db, "UPDATE ost_ticket SET status_id = 3, duedate = NULL WHERE ticket_id = 1")
    with diff_of(fresh_baseline_110_db) as diff:
        assert update(duedate=ahead) == 422
    assert diff == {}
    assert update(topicId=13) == 200


def test_on_osticket_110_a_date_the_field_refuses_writes_nothing_of_the_edit(fresh_app, fresh_baseline_110_db):
    """The 1.10.4 form validates every field before it saves: a date later than the field's latest is 422, and
    nothing of the request is written (the priority and checkbox before it neither)."""
    replay(fresh_baseline_110_db, *DESK_110.history_a[:2], desk=DESK_110)
    for sql in (*MORE_FIELDS, *VISIT_FIELD):
        execute(fresh_baseline_110_db, sql, number=DESK_110.ticket_a)
    latest = '{"time": true, "max": "2029-12-31 00:00:00 UTC"}'
    execute(fresh_baseline_110_db, "UPDATE ost_form_field SET configuration = :c WHERE id = 44", c=latest)
    client = fresh_app(fresh_baseline_110_db).test_client()

    def update(**change):
        return act(client, "update", DESK_110.agent, DESK_110.ticket_a, key=DESK_110.key, **change).status_code

    with diff_of(fresh_baseline_110_db) as diff:
        assert update(priorityId=4, urgent=True, visit="2030-03-01 17:00") == 422
    assert diff == {}
    assert update(priorityId=4, urgent=True, visit="2029-03-01 17:00") == 200


def test_a_ticket_another_agent_has_locked_takes_no_note(desk):
    db_url, client = desk
    execute(
        db_url,
        "INSERT INTO ost_lock (lock_id, staff_id, expire, code, created) "
        "VALUES (7, 1, NOW() + INTERVAL 5 MINUTE, 'x', NOW())",
    )
    execute(db_url, "UPDATE ost_ticket SET lock_id = 7 WHERE ticket_id = 1")
    with diff_of(db_url) as diff:
        assert act(client, "note", **NOTE).status_code == 409
    assert diff == {}
    assert act(client, "note", staff="ostadmin", **NOTE).status_code == 200  # the lock's holder


def test_a_note_carries_its_attachments_as_a_reply_does(desk):
    db_url, client = desk
    files = [{"call.txt": "data:text/plain;base64,Q2FsbGVkIGF0IDk6MDAK"}]
    with diff_of(db_url) as diff:
        assert act(client, "note", attachments=files, **NOTE).status_code == 200
    (note,) = diff["ost_thread_entry"]["inserted"]
    (attached,) = diff["ost_attachment"]["inserted"]
    assert (note["type"], attached["type"], attached["object_id"]) == ("N", "H", note["id"])
    assert [f["name"] for f in diff["ost_file"]["inserted"]] == ["call.txt"]
