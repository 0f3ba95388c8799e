"""Who sees what: portal visibility, hidden entries, states, merged threads, teams, topics, end-user tokens.

Each test changes a private copy of the demo help desk (schema_fixtures/demo.sql) the way osTicket's panel would,
then reads it back. Priya (user 1) owns 482915 (ticket 1, eve's) and 918273 (ticket 4, dana's); Tomás (user 2)
owns 731604 (ticket 2, resolved); Lena (user 3) owns 265378 (ticket 3, closed) and 350628 (ticket 5, open,
unassigned).
"""

import pytest
from sqlalchemy import create_engine

KEY = {"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"}
SECRET = "read-tests-token-secret-0123456789abcdef"  # noqa: S105 (test-only signing secret)


def run(db_url, *statements):
    engine = create_engine(db_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture
def changed(fresh_app, fresh_fixtures_db):
    """Apply SQL to a fresh copy of the demo data and return a test client on it."""

    def change(*statements, **config):
        run(fresh_fixtures_db, *statements)
        return fresh_app(fresh_fixtures_db, **config).test_client()

    return change


def numbers(client, url="/api/tickets.json", **params):
    response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return [t["ticket_number"] for t in (body["tickets"] if isinstance(body, dict) else body)]


def status(client, url, **params):
    return client.get(url, headers=KEY, query_string=params).status_code


TOMAS_ON_PRIYAS = (
    "INSERT INTO ost_thread_collaborator (flags, thread_id, user_id, role, created, updated) "
    "VALUES (3, 1, 2, 'M', NOW(), NOW())"
)


def test_collaborator_sees_the_ticket_when_the_setting_is_on(changed):
    client = changed(TOMAS_ON_PRIYAS)
    assert numbers(client, user_id=2) == ["731604", "482915"]
    assert status(client, "/api/tickets.json/482915", user_id=2) == 200
    assert numbers(client, "/api/scp/tickets/clientTickets.json", clientUserMail="tomas.ibarra@example.org") == [
        "731604",
        "482915",
    ]


def test_collaborator_does_not_see_the_ticket_when_the_setting_is_off(changed):
    client = changed(
        TOMAS_ON_PRIYAS,
        "UPDATE ost_config SET value='0' WHERE namespace='core' AND `key`='collaborator_ticket_visibility'",
    )
    assert numbers(client, user_id=2) == ["731604"]
    assert status(client, "/api/tickets.json/482915", user_id=2) == 404


def test_organization_sharing_with_primary_contacts_only(changed):
    client = changed(
        "UPDATE ost_user SET org_id = 1 WHERE id IN (1, 2)",
        "UPDATE ost_user SET status = 1 WHERE id = 2",  # Tomás is a primary contact; org 1 has status 8
    )
    assert numbers(client, user_id=2) == ["918273", "731604", "482915"]
    assert status(client, "/api/tickets.json/482915", email="tomas.ibarra@example.org") == 200
    assert numbers(client, user_id=1) == ["918273", "482915"]
    assert status(client, "/api/tickets.json/731604", user_id=1) == 404


def test_organization_sharing_with_everybody(changed):
    client = changed("UPDATE ost_user SET org_id = 1 WHERE id IN (1, 2)", "UPDATE ost_organization SET status = 16")
    assert numbers(client, user_id=1) == ["918273", "731604", "482915"]
    assert numbers(client, user_id=3) == ["350628", "265378"]  # not a member


def test_hidden_entry_is_left_out_of_the_public_thread_only(changed):
    client = changed("UPDATE ost_thread_entry SET flags = flags | 4 WHERE id = 3")  # eve's reply
    public = client.get("/api/tickets.json/482915", headers=KEY).get_json()
    staff = client.get("/api/scp/tickets/ticketInfo.json?ticketNumber=482915", headers=KEY).get_json()["ticket"]
    assert [e["id"] for e in public["threads"]] == [1, 4]  # the internal note 2 is never public either
    assert 3 in [e["id"] for e in staff["threads"]]


def test_archived_and_deleted_tickets_never_appear_in_lists(changed):
    client = changed(
        "UPDATE ost_ticket SET status_id = 4 WHERE ticket_id = 3",
        "UPDATE ost_ticket SET status_id = 5 WHERE ticket_id = 5",
    )
    assert numbers(client, user_id=3) == []
    assert numbers(client, user_id=3, status="closed") == []
    assert numbers(client, "/api/scp/tickets/clientTickets.json", clientUserMail="lena.fischer@example.com") == []
    rows = client.get("/api/scp/tickets.json", headers=KEY).get_json()
    assert [dict(r)["number"] for r in rows] == ["918273", "731604", "482915"]


def test_merged_child_keeps_its_thread(changed):
    client = changed(
        """UPDATE ost_thread SET object_type = 'C', extra = '{"ticket_id":1,"number":"265378"}' WHERE id = 3""",
        "UPDATE ost_ticket SET ticket_pid = 1, flags = 1 WHERE ticket_id = 3",
    )
    ticket = client.get("/api/tickets.json/265378", headers=KEY).get_json()
    assert [e["id"] for e in ticket["threads"]] == [7]
    assert ticket["last_message_timestamp"] == "2026-02-17 08:40:00"


def test_team_assignment_shows_in_assigned_to_and_in_the_members_tickets(changed):
    client = changed("UPDATE ost_ticket SET staff_id = 0, team_id = 1 WHERE ticket_id = 5")  # dana is a member
    ticket = client.get("/api/tickets.json/350628", headers=KEY).get_json()
    assert ticket["assigned_to"] == [{"type": "team", "id": 1, "name": "Level I Support"}]
    assert numbers(client, "/api/scp/tickets/staffTickets.json", staffUserName="dana") == ["350628", "918273"]


def test_agent_due_date_wins_over_the_sla_due_date(changed):
    client = changed("UPDATE ost_ticket SET duedate = '2026-12-24 17:00:00' WHERE ticket_id = 1")
    assert client.get("/api/tickets.json/482915", headers=KEY).get_json()["due_timestamp"] == "2026-12-24 17:00:00"


def test_phone_extension_is_displayed_like_osticket(changed):
    client = changed("UPDATE ost_form_entry_values SET value = '4254441212X123' WHERE entry_id = 3 AND field_id = 3")
    user = client.get("/api/tickets.json/482915", headers=KEY).get_json()["user"]
    assert user["phone"] == "(425) 444-1212 x123"


def test_a_disabled_top_level_topic_still_offers_its_children_and_archived_or_private_ones_are_left_out(changed):
    """Topic::getHelpTopics never cascades the topmost ancestor's disabled flag: the real 1.10.4 and 1.18.1 portals
    still offer "Billing Questions / Refund Request" with Billing Questions disabled (here: Billing / Refunds)."""
    client = changed(
        "UPDATE ost_help_topic SET flags = flags & ~2 WHERE topic_id = 12",
        "UPDATE ost_help_topic SET flags = flags | 4 WHERE topic_id = 11",
        "UPDATE ost_help_topic SET ispublic = 0 WHERE topic_id = 1",
    )
    topics = client.get("/api/topics.json", headers=KEY).get_json()
    assert topics == [
        {"id": 13, "value": "Billing / Refunds"},
        {"id": 2, "value": "Feedback"},
        {"id": 10, "value": "Report a Problem"},
    ]


def test_a_disabled_middle_topic_hides_the_topics_below_it(changed):
    client = changed(
        "UPDATE ost_help_topic SET topic_pid = 13 WHERE topic_id = 11",  # Billing / Refunds / Access Issue
        "UPDATE ost_help_topic SET flags = flags & ~2 WHERE topic_id = 13",
    )
    offered = [t["id"] for t in client.get("/api/topics.json", headers=KEY).get_json()]
    assert 12 in offered and 13 not in offered and 11 not in offered


def test_manual_topic_sort_mode_follows_the_sort_column(changed):
    client = changed(
        "INSERT INTO ost_config (namespace, `key`, value) VALUES ('core', 'help_topic_sort_mode', 'm')",
        "UPDATE ost_help_topic SET sort = 20 - topic_id",
    )
    topics = client.get("/api/topics.json", headers=KEY).get_json()
    assert [t["id"] for t in topics] == [13, 12, 11, 10, 2, 1]


def test_end_user_token_reads_its_own_tickets_only(changed):
    client = changed(OSTICKET_TOKEN_SECRET=SECRET)
    token = client.post("/api/auth/token", headers=KEY, json={"user_id": 1}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    mine = client.get("/api/tickets.json", headers=bearer)
    assert [t["ticket_number"] for t in mine.get_json()] == ["918273", "482915"]
    assert client.get("/api/tickets.json", headers=bearer, query_string={"user_id": 2}).status_code == 404
    assert (
        client.get("/api/tickets.json", headers=bearer, query_string={"email": "tomas.ibarra@example.org"}).status_code
        == 404
    )
    assert client.get("/api/tickets.json/731604", headers=bearer).status_code == 404
    assert client.get("/api/tickets.json/482915", headers=bearer).status_code == 200
    assert client.get("/api/scp/tickets/ticketInfo.json?ticketNumber=482915", headers=bearer).status_code == 401
