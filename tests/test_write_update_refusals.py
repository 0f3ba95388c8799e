"""Refused updates: a clear 4xx JSON error and not one row changed (every ost_* table compared)."""

import pytest
from update_helpers import (
    CAROL,
    DAVE,
    HISTORY_A,
    KEY,
    TICKET_A,
    diff_of,
    execute,
    message,
    replay,
    reply,
)
from world import AGENT

OPEN = HISTORY_A[:2]  # created, the owner's portal reply: open, unassigned
RESOLVED = HISTORY_A[:4]  # ... assigned to agent 2, resolved by agent 2's reply


@pytest.fixture
def open_ticket(fresh_app, fresh_baseline_db):
    replay(fresh_baseline_db, *OPEN)
    return fresh_baseline_db, fresh_app(fresh_baseline_db).test_client()


@pytest.fixture
def resolved_ticket(fresh_app, fresh_baseline_db):
    replay(fresh_baseline_db, *RESOLVED)
    return fresh_baseline_db, fresh_app(fresh_baseline_db).test_client()


def refused(db_url, call, status, words):
    with diff_of(db_url) as diff:
        response = call()
    body = response.get_json()
    assert response.status_code == status, body
    assert body["code"] == status and words in str(body), body
    assert diff == {}, diff
    return body


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({**CAROL}, 422, "message"),
        ({**CAROL, "message": "   "}, 422, "empty"),
        ({**CAROL, "message": "<p> </p><script>alert(1)</script>", "format": "html"}, 422, "empty"),
        ({"message": "hello"}, 422, "user_id or email"),
        ({"email": "nobody@example.com", "message": "hello"}, 404, "user not found"),
        ({**DAVE, "message": "hello"}, 404, "ticket not found"),  # a ticket that is not Dave's
        ({**CAROL, "message": "x" * 70_000}, 413, "longer than"),
    ],
)
def test_message_refusals_write_nothing(open_ticket, payload, status, words):
    db_url, client = open_ticket
    if payload.get("user_id") == 2:
        replay(db_url, "create_ticket_api_new_user")  # Dave exists, with a ticket of his own
    refused(db_url, lambda: client.put(f"/api/tickets.json/{TICKET_A}", headers=KEY, json=payload), status, words)


def test_message_on_an_unknown_ticket_is_a_404(open_ticket):
    db_url, client = open_ticket
    refused(db_url, lambda: message(client, "999999", CAROL, "hello"), 404, "ticket not found")


def test_closing_a_closed_ticket_is_a_conflict(resolved_ticket):
    db_url, client = resolved_ticket
    refused(
        db_url, lambda: client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string=CAROL), 409, "not open"
    )


@pytest.mark.parametrize(
    ("status_id", "words"), [(1, "state open"), (4, "state archived"), (5, "state deleted"), (99, "no enabled")]
)
def test_closing_with_a_status_that_is_not_closed_state_is_refused(open_ticket, status_id, words):
    db_url, client = open_ticket
    query = {**CAROL, "statusId": status_id}
    refused(db_url, lambda: client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string=query), 422, words)


def test_reopening_an_open_ticket_is_a_conflict(open_ticket):
    db_url, client = open_ticket
    refused(db_url, lambda: client.post(f"/api/tickets.json/{TICKET_A}", headers=KEY, json=CAROL), 409, "not closed")


REOPEN_PROPS = "UPDATE ost_ticket_status SET properties = :props WHERE id = 2"


@pytest.mark.parametrize(
    ("setup", "params"),
    [
        (REOPEN_PROPS, {"props": '{"allowreopen":false,"reopenstatus":0}'}),
        (REOPEN_PROPS, {"props": '{"allowreopen":true}'}),  # no reopenstatus key
        ("UPDATE ost_department SET flags = flags | 8 WHERE id = 4", {}),  # archived department
        ("UPDATE ost_help_topic SET flags = flags | 4 WHERE topic_id = 12", {}),  # archived help topic
    ],
)
def test_reopening_what_osticket_would_not_reopen_is_a_conflict(resolved_ticket, setup, params):
    db_url, client = resolved_ticket
    execute(db_url, setup, **params)
    refused(
        db_url, lambda: client.post(f"/api/tickets.json/{TICKET_A}", headers=KEY, json=CAROL), 409, "cannot be reopened"
    )


def test_a_message_on_a_ticket_that_cannot_reopen_is_posted_without_reopening(resolved_ticket):
    db_url, client = resolved_ticket
    execute(db_url, "UPDATE ost_department SET flags = flags | 8 WHERE id = 4")
    with diff_of(db_url) as diff:
        response = message(client, TICKET_A, CAROL, "still there?")
    assert response.status_code == 200
    assert response.get_json()["ticket_status"] == "Resolved"
    assert "ost_thread_event" not in diff
    assert len(diff["ost_thread_entry"]["inserted"]) == 1


@pytest.mark.parametrize(
    ("setup", "extra", "status", "words"),
    [
        (None, {"staff": "nobody"}, 403, "no agent"),
        ("UPDATE ost_staff SET isactive = 0 WHERE staff_id = 2", {}, 403, "not active"),
        ("UPDATE ost_ticket SET dept_id = 3 WHERE ticket_id = 1", {}, 403, "no access"),  # alice: not Maintenance
        ("UPDATE ost_staff SET assigned_only = 1 WHERE staff_id = 2", {}, 403, "no access"),
        (None, {"reply_status_id": 4}, 422, "state archived"),
        (None, {"reply_status_id": 5}, 422, "state deleted"),  # osTicket would hard-delete the ticket
        (None, {"reply_status_id": 99}, 422, "no enabled"),
        (None, {"reply_to": "everyone"}, 422, "reply_to"),
        (None, {"response": ""}, 422, "response"),
        (None, {"response": "<p></p>"}, 422, "empty"),
        (None, {"ticket": "999999"}, 404, "no ticket"),
    ],
)
def test_reply_refusals_write_nothing(open_ticket, setup, extra, status, words):
    db_url, client = open_ticket
    if setup:
        execute(db_url, setup)
    staff, number = extra.pop("staff", AGENT), extra.pop("ticket", TICKET_A)
    refused(db_url, lambda: reply(client, number, staff=staff, **extra), status, words)


def test_reply_while_another_agent_holds_the_lock_is_a_conflict(open_ticket):
    db_url, client = open_ticket
    execute(
        db_url,
        "INSERT INTO ost_lock (lock_id, staff_id, expire, created) VALUES (7, 1, NOW() + INTERVAL 3 MINUTE, NOW())",
    )
    execute(db_url, "UPDATE ost_ticket SET lock_id = 7 WHERE ticket_id = 1")
    refused(db_url, lambda: reply(client, TICKET_A), 409, "locked by another agent")


def test_a_close_that_fails_midway_leaves_no_row_behind(open_ticket):
    """The reply's entry is written before the status change finds an empty required-to-close field: all rolls back."""
    db_url, client = open_ticket
    execute(db_url, "UPDATE ost_form_field SET flags = flags | 4 WHERE name = 'subject' AND form_id = 2")
    execute(
        db_url,
        "UPDATE ost_form_entry_values v JOIN ost_form_field f ON f.id = v.field_id SET v.value = NULL "
        "WHERE f.name = 'subject'",
    )
    refused(db_url, lambda: reply(client, TICKET_A, reply_status_id=3), 409, "required to close")
    refused(
        db_url,
        lambda: client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string=CAROL),
        409,
        "required to close",
    )


def test_a_help_topic_is_required_to_close_when_osticket_requires_it(open_ticket):
    db_url, client = open_ticket
    execute(db_url, "UPDATE ost_config SET value = '1' WHERE namespace = 'core' AND `key` = 'require_topic_to_close'")
    execute(db_url, "UPDATE ost_ticket SET topic_id = 0 WHERE ticket_id = 1")
    refused(
        db_url,
        lambda: client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string=CAROL),
        409,
        "help topic",
    )
