"""osTicket's rules around updates that the golden runs do not exercise: claims, locks, recipients, reopen
assignment, settings. Each test states the rule and checks the rows the bridge wrote."""

import json
from datetime import datetime, timedelta

import pytest
from agent_helpers import PREMIUM_SLA
from helpers import rows
from update_helpers import (
    CAROL,
    DAVE,
    HISTORY_A,
    HISTORY_B,
    KEY,
    TICKET_A,
    TICKET_B,
    diff_of,
    execute,
    message,
    prepare,
    reply,
)
from world import AGENT, AGENT_LASTFIRST, AGENT_NAME, OTHER_EMAIL, OTHER_NAME, OWNER, OWNER_NAME

OPEN = HISTORY_A[:2]  # created, the owner's portal reply: open, unassigned
RESOLVED = HISTORY_A[:4]  # ... assigned to agent 2, resolved by agent 2's reply
CAROL_TO = f"{OWNER_NAME} <{OWNER['email']}>"
DAVE_CC = f"{OTHER_NAME} <{OTHER_EMAIL}>"


@pytest.fixture
def given(fresh_app, fresh_baseline_db):
    """given(*golden ops, *sql) -> (app, client) on the baseline with that history and those changes."""

    def given(*steps):
        prepare(fresh_baseline_db, *steps)
        app = fresh_app(fresh_baseline_db)
        return app, app.test_client()

    return given


def ticket(app, number):
    return rows(app, "SELECT * FROM ost_ticket WHERE number = :n", n=number)[0]


def last_entry(app):
    return rows(app, "SELECT * FROM ost_thread_entry ORDER BY id DESC LIMIT 1")[0]


def events(app, thread_id):
    sql = "SELECT e.name, t.* FROM ost_thread_event t JOIN ost_event e ON e.id = t.event_id WHERE thread_id = :t"
    return rows(app, sql + " ORDER BY t.id", t=thread_id)


def dave_cc(flags=3):
    """User 2 Cc'd on ticket A's thread as collaborator row 9 (flags 3: active, Cc)."""
    return (
        "INSERT INTO ost_thread_collaborator (id, flags, thread_id, user_id, role, created, updated) "
        f"VALUES (9, {flags}, 1, 2, 'M', NOW(), NOW())"
    )


def test_a_reply_on_an_unassigned_open_ticket_claims_it_without_an_event(given):
    app, client = given(*OPEN)
    assert reply(client, TICKET_A, response="On it.").status_code == 200
    row = ticket(app, TICKET_A)
    assert (row["staff_id"], row["isanswered"], row["status_id"]) == (2, 1, 1)
    assert [e["name"] for e in events(app, 1)] == ["created"]
    entry = last_entry(app)
    assert (entry["type"], entry["staff_id"], entry["pid"], entry["poster"], entry["body"]) == (
        "R",
        2,
        4,
        AGENT_NAME,
        "<p>On it.</p>",
    )


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE ost_department SET flags = flags | 2 WHERE id = 4",
        "UPDATE ost_config SET value = '0' WHERE namespace = 'core' AND `key` = 'auto_claim_tickets'",
    ],
)
def test_no_claim_when_the_department_or_the_settings_forbid_it(given, change):
    app, client = given(*OPEN, change)
    assert reply(client, TICKET_A, response="On it.").status_code == 200
    assert ticket(app, TICKET_A)["staff_id"] == 0


def test_the_agents_own_lock_is_released_and_an_expired_lock_of_another_agent_ignored(given):
    app, client = given(
        *OPEN,
        "INSERT INTO ost_lock (lock_id, staff_id, expire, created) VALUES (7, 2, NOW() + INTERVAL 3 MINUTE, NOW())",
        "UPDATE ost_ticket SET lock_id = 7 WHERE ticket_id = 1",
    )
    assert reply(client, TICKET_A).status_code == 200
    assert ticket(app, TICKET_A)["lock_id"] == 0
    assert rows(app, "SELECT * FROM ost_lock") == []
    execute_sql = (
        "INSERT INTO ost_lock (lock_id, staff_id, expire, created) VALUES (8, 1, NOW() - INTERVAL 1 MINUTE, NOW())"
    )
    execute(app.config["OSTICKET_DB_URL"], execute_sql)
    execute(app.config["OSTICKET_DB_URL"], "UPDATE ost_ticket SET lock_id = 8 WHERE ticket_id = 1")
    assert reply(client, TICKET_A, response="again").status_code == 200
    assert ticket(app, TICKET_A)["lock_id"] == 8  # not ours: left for osTicket's cron


@pytest.mark.parametrize(
    ("reply_to", "recipients", "flags"),
    [
        ("all", {"to": {"1": CAROL_TO}, "cc": {"9": DAVE_CC}}, 0x40 | 0x100),
        ("user", {"to": {"1": CAROL_TO}}, 0x40 | 0x200),
        ("none", None, 0x40),
    ],
)
def test_reply_recipients_follow_reply_to(given, reply_to, recipients, flags):
    app, client = given(*OPEN, "create_ticket_api_new_user", dave_cc())
    assert reply(client, TICKET_A, reply_to=reply_to).status_code == 200
    entry = last_entry(app)
    assert (json.loads(entry["recipients"]) if entry["recipients"] else None, entry["flags"]) == (recipients, flags)


def test_inactive_collaborators_are_not_recipients(given):
    app, client = given(*OPEN, "create_ticket_api_new_user", dave_cc(flags=2))
    assert reply(client, TICKET_A).status_code == 200
    assert json.loads(last_entry(app)["recipients"]) == {"to": {"1": CAROL_TO}}


def test_the_owners_message_goes_to_the_collaborators_and_a_collaborators_to_the_owner(given):
    app, client = given(*OPEN, "create_ticket_api_new_user", dave_cc())
    assert message(client, TICKET_A, CAROL, "from carol").status_code == 200
    entry = last_entry(app)
    assert json.loads(entry["recipients"]) == {"cc": {"9": DAVE_CC}}
    assert entry["flags"] == 0x40 | 0x200
    response = message(client, TICKET_A, DAVE, "from dave")
    assert response.status_code == 200, response.get_json()
    entry = last_entry(app)
    assert (entry["user_id"], entry["poster"], json.loads(entry["recipients"])) == (
        2,
        OTHER_NAME,
        {"to": {"1": CAROL_TO}},
    )
    assert entry["flags"] == 0x40 | 0x20 | 0x200  # balanced, from a collaborator, one recipient


def test_only_the_owner_closes_and_reopens(given):
    app, client = given(*OPEN, "create_ticket_api_new_user", dave_cc())
    response = client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string=DAVE)
    assert response.status_code == 404


def test_a_user_close_refers_the_ticket_to_its_agent_and_keeps_the_assignment(given):
    app, client = given(*HISTORY_A[:3])  # assigned to alice
    response = client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string={**CAROL, "statusId": 2})
    assert response.status_code == 200
    assert response.get_json()["ticket_status"] == "Resolved"
    assert ticket(app, TICKET_A)["staff_id"] == 2
    referrals = rows(app, "SELECT * FROM ost_thread_referral WHERE thread_id = 1")
    assert [(r["object_id"], r["object_type"]) for r in referrals] == [(2, "S")]
    closed = events(app, 1)[-1]
    assert (closed["name"], closed["username"], closed["uid"], closed["staff_id"]) == (
        "closed",
        OWNER_NAME,
        None,
        2,
    )
    assert json.loads(closed["data"]) == {"status": [2, "Resolved"]}


def test_a_user_close_of_an_unassigned_ticket_refers_nobody(given):
    app, client = given(*OPEN)
    assert client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string=CAROL).status_code == 200
    assert rows(app, "SELECT * FROM ost_thread_referral WHERE thread_id = 1") == []
    assert ticket(app, TICKET_A)["status_id"] == 3  # the closed-state status named "Closed"


def test_closing_clears_past_due_dates_and_the_overdue_flag(given):
    app, client = given(
        *OPEN, "UPDATE ost_ticket SET isoverdue = 1, duedate = NOW() - INTERVAL 1 DAY WHERE ticket_id = 1"
    )
    assert client.delete(f"/api/tickets.json/{TICKET_A}", headers=KEY, query_string=CAROL).status_code == 200
    row = ticket(app, TICKET_A)
    assert (row["isoverdue"], row["duedate"], row["est_duedate"] is not None) == (0, None, True)


def test_an_edit_of_the_plan_and_the_due_date_together_counts_the_estimate_from_the_new_plan(given):
    """osTicket edits one field at a time (Ticket::updateField), each followed by updateEstDueDate: a request with
    both leaves the estimate a later due date edit alone would count, the new plan's."""
    app, client = given(*OPEN, PREMIUM_SLA)
    ahead = datetime.now() + timedelta(days=40)

    def update(**change):
        body = {"ticketNumber": TICKET_A, "staffUserName": AGENT, **change}
        return client.post("/api/scp/tickets/update.json", headers=KEY, json=body).status_code

    assert update(slaId=2, duedate=f"{ahead:%Y-%m-%d} 09:30") == 200
    both = ticket(app, TICKET_A)["est_duedate"]
    assert update(duedate=f"{ahead:%Y-%m-%d} 10:30") == 200
    assert ticket(app, TICKET_A)["est_duedate"] == both is not None


@pytest.mark.parametrize(
    ("change", "staff_id"),
    [
        (None, 2),  # the closing agent, available, with access to Billing
        ("UPDATE ost_staff SET onvacation = 1 WHERE staff_id = 2", 0),
        ("UPDATE ost_department SET flags = flags | 32 WHERE id = 4", 0),  # no auto-assignment on reopen
        ("UPDATE ost_staff_dept_access SET dept_id = 3 WHERE staff_id = 2 AND dept_id = 4", 0),
    ],
)
def test_reopen_assigns_the_closing_agent_when_available_with_access(given, change, staff_id):
    app, client = given(*RESOLVED, *([change] if change else []))
    assert client.post(f"/api/tickets.json/{TICKET_A}", headers=KEY, json=CAROL).status_code == 200
    row = ticket(app, TICKET_A)
    assert (row["status_id"], row["staff_id"], row["closed"], row["isanswered"]) == (1, staff_id, None, 0)
    assert [(e["name"], e["annulled"]) for e in events(app, 1)][-2:] == [("closed", 1), ("reopened", 0)]


def test_reopen_goes_to_the_closed_status_reopen_status(given):
    app, client = given(
        *RESOLVED,
        "INSERT INTO ost_ticket_status (id, name, state, mode, flags, sort, properties, created) "
        "VALUES (6, 'Waiting', 'open', 1, 0, 6, '{}', NOW())",
        'UPDATE ost_ticket_status SET properties = \'{"allowreopen": true, "reopenstatus": 6}\' WHERE id = 2',
    )
    assert client.post(f"/api/tickets.json/{TICKET_A}", headers=KEY, json=CAROL).get_json()["statusId"] == 6


def test_an_agent_reply_can_reopen_and_move_between_open_statuses(given):
    app, client = given(
        *RESOLVED,
        "INSERT INTO ost_ticket_status (id, name, state, mode, flags, sort, properties, created) "
        "VALUES (6, 'Waiting', 'open', 1, 0, 6, '{}', NOW())",
    )
    assert reply(client, TICKET_A, response="reopening", reply_status_id=1).status_code == 200
    assert reply(client, TICKET_A, response="waiting", reply_status_id=6).status_code == 200
    reopened, edited = events(app, 1)[-2:]
    assert (reopened["name"], reopened["username"], reopened["uid"]) == ("reopened", AGENT, 2)
    assert (edited["name"], edited["username"], json.loads(edited["data"])) == ("edited", AGENT, {"status": 6})
    row = ticket(app, TICKET_A)
    assert (row["status_id"], row["isanswered"], row["closed"]) == (6, 1, None)


def test_plain_text_bodies_without_rich_text_and_the_agent_name_format(given):
    app, client = given(
        *OPEN,
        "INSERT INTO ost_config (namespace, `key`, value) VALUES ('core', 'enable_richtext', '0')",
        "INSERT INTO ost_config (namespace, `key`, value) VALUES ('core', 'agent_name_format', 'lastfirst')",
    )
    assert reply(client, TICKET_A, response='<p>a < b & "c"</p>\n\n\n\nbye', format="html").status_code == 200
    entry = last_entry(app)
    assert (entry["format"], entry["flags"], entry["poster"]) == ("text", 0x200, AGENT_LASTFIRST)
    assert entry["body"] == "a &lt; b &amp; &quot;c&quot;\n\nbye"


def test_html_is_sanitised_and_plain_text_becomes_paragraphs(given):
    app, client = given(*OPEN)
    message(client, TICKET_A, CAROL, 'Hi <b onclick="x()">there</b><script>alert(1)</script>', fmt="html")
    assert last_entry(app)["body"] == "Hi <b>there</b>"
    message(client, TICKET_A, CAROL, "line 1\nline 2\n\na <tag-less> & done")
    assert last_entry(app)["body"] == "<p>line 1<br>line 2</p><p>a &lt;tag-less&gt; &amp; done</p>"
    assert rows(app, "SELECT content FROM ost__search WHERE object_type = 'H' ORDER BY object_id DESC LIMIT 1")[0] == {
        "content": "line 1\nline 2\na <tag-less> & done"
    }


def test_a_message_to_a_merged_child_ticket_is_refused(given):
    app, client = given(
        *OPEN, "create_ticket_api_new_user", "UPDATE ost_ticket SET ticket_pid = 2, flags = 1 WHERE ticket_id = 1"
    )
    with diff_of(app.config["OSTICKET_DB_URL"]) as diff:
        response = message(client, TICKET_A, CAROL, "hello")
    assert response.status_code == 409 and "merged" in response.get_json()["message"]
    assert diff == {}


def test_the_reply_accepts_the_seeds_parameters(given):
    """The seed's example: ticketNumber as a number, reply_status_id as a string, extra keys ignored."""
    app, client = given(*HISTORY_B[:1])
    seed = {
        "ticketNumber": int(TICKET_B), "msgId": "", "a": "reply", "emailreply": "1", "emailcollab": "1",
        "cannedResp": "0", "draft_id": "", "response": "ticket issue is resolved!", "signature": "none",
        "reply_status_id": "3", "staffUserName": "ostadmin", "ip_address": "::1", "cannedattachments": "",
    }  # fmt: skip
    response = client.post("/api/scp/tickets/reply.json", headers=KEY, data=seed)
    assert response.get_json() == {"status_code": "0", "status_msg": "reply posted successfully"}
    assert ticket(app, TICKET_B)["status_id"] == 3
    response = client.post("/api/scp/tickets/reply.json", headers=KEY, json={**seed, "reply_status_id": ""})
    assert response.status_code == 200
    assert ticket(app, TICKET_B)["status_id"] == 3


RESPONSES = "INSERT INTO ost_thread_entry (thread_id, staff_id, type, flags, poster, body, format, created) VALUES "
SYSTEM_CLOSED = "UPDATE ost_ticket SET status_id = 3, closed = NOW(), staff_id = 0 WHERE ticket_id = 1"


@pytest.mark.parametrize(
    ("responders", "staff_id"),
    [
        ((2, 1, 2), 1),  # osTicket's "last respondent" is the second response's agent (LIMIT 1,1), not the latest
        ((2,), 0),  # a single response: nobody
    ],
)
def test_an_unassigned_reopened_ticket_goes_to_osticket_s_last_respondent(given, responders, staff_id):
    values = ", ".join(f"(1, {s}, 'R', 64, 'Agent', 'r', 'html', NOW())" for s in responders)
    app, client = given(*OPEN, RESPONSES + values, SYSTEM_CLOSED)
    assert client.post(f"/api/tickets.json/{TICKET_A}", headers=KEY, json=CAROL).status_code == 200
    assert ticket(app, TICKET_A)["staff_id"] == staff_id


def test_an_agent_without_the_department_replies_when_assigned(given):
    """Staff::getRole: outside the agent's departments, an assigned agent acts with the primary role."""
    app, client = given(
        *OPEN,
        "UPDATE ost_ticket SET dept_id = 3 WHERE ticket_id = 1",
        "UPDATE ost_ticket SET staff_id = 2 WHERE ticket_id = 1",
    )  # alice: not Maintenance
    response = reply(client, TICKET_A, response="Looking.")
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    "grant",
    [
        "INSERT INTO ost_thread_referral (thread_id, object_id, object_type, created) VALUES (1, 2, 'S', NOW())",
        "INSERT INTO ost_thread_referral (thread_id, object_id, object_type, created) VALUES (1, 4, 'D', NOW())",
    ],
)
def test_an_agent_referred_to_a_ticket_of_another_department_sees_it_but_may_not_reply(given, grant):
    """A referral gives sight of the ticket, not a role: outside the agent's departments and unassigned, osTicket's
    Staff::getRole is "ticket.create only", and the panel offers no reply."""
    app, client = given(*OPEN, "UPDATE ost_ticket SET dept_id = 3 WHERE ticket_id = 1", grant)
    response = reply(client, TICKET_A, response="Looking.")
    assert response.status_code == 403, response.get_json()
    assert "lacks ticket.reply" in response.get_json()["message"]
    info = client.get("/api/scp/tickets/ticketInfo.json", headers=KEY, query_string={"ticketNumber": TICKET_A})
    assert [t["body"] for t in info.get_json()["ticket"]["threads"]].count("<p>Looking.</p>") == 0
