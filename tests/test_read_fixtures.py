"""Read endpoints on schema_fixtures/ with the demo data (values from schema_fixtures/demo.sql)."""

import pytest

KEY = {"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"}


@pytest.fixture(scope="module")
def client(fixtures_app):
    return fixtures_app.test_client()


def get(client, url, **params):
    response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response


def numbers(tickets):
    return [t["ticket_number"] for t in tickets]


def test_open_ticket_assigned_to_eve(client):
    ticket = get(client, "/api/tickets.json/482915").get_json()
    assert ticket["subject"] == "Invoice 2026-0117 charged twice"
    assert (ticket["ticket_status"], ticket["statusId"], ticket["priority"]) == ("Open", 1, "Normal")
    assert (ticket["department"], ticket["topic"], ticket["topicId"]) == ("Billing", "Billing", 12)
    assert ticket["assigned_to"] == [{"type": "staff", "id": 3, "name": "Eve Okafor"}]
    assert ticket["due_timestamp"] == "2026-02-04 09:15:00"
    assert ticket["last_message_timestamp"] == "2026-02-03 08:47:00"
    assert ticket["last_response_timestamp"] == "2026-02-02 11:30:00"
    assert ticket["user"] == {
        "fullname": "Priya Raman",
        "firstname": "Priya",
        "lastname": "Raman",
        "email": "priya.raman@example.net",
        "phone": "555-0142",
    }
    assert [(e["id"], e["type"]) for e in ticket["threads"]] == [(1, "M"), (3, "R"), (4, "M")]


def test_resolved_ticket_shows_closed_state_and_ten_digit_phone(client):
    ticket = get(client, "/api/tickets.json/731604").get_json()
    assert (ticket["ticket_status"], ticket["statusId"]) == ("Resolved", 2)
    assert ticket["close_timestamp"] == "2026-02-10 16:05:00"
    assert ticket["assigned_to"] == []
    assert (ticket["topic"], ticket["topicId"]) == ("Billing / Refunds", 13)
    assert ticket["user"]["phone"] == "(617) 555-0199"
    assert (ticket["user"]["firstname"], ticket["user"]["lastname"]) == ("Tomás", "Ibarra")


def test_unassigned_ticket_without_topic_hides_the_internal_note(client):
    public = get(client, "/api/tickets.json/350628").get_json()
    assert public["assigned_to"] == [] and public["topic"] is None and public["department"] == "Support"
    assert [e["id"] for e in public["threads"]] == [12]
    staff = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber="350628").get_json()["ticket"]
    assert [e["type"] for e in staff["threads"]] == ["M", "N"]
    assert staff["threads"][1]["staff_name"]["name"] == "Dana Whitfield"


def test_reopened_ticket_events_show_the_annulled_close(client):
    events = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber="918273").get_json()["ticket"]["events"]
    assert [(e["event"], e["username"], e["annulled"]) for e in events] == [
        ("created", "SYSTEM", False),
        ("closed", "dana", True),
        ("reopened", "Priya Raman", False),
    ]


def test_user_tickets_newest_first_with_total(client):
    response = get(client, "/api/tickets.json", email="priya.raman@example.net")
    assert numbers(response.get_json()) == ["918273", "482915"]
    assert response.headers["X-Total-Count"] == "2"
    assert "Link" not in response.headers


def test_status_filter_uses_the_status_state(client):
    assert numbers(get(client, "/api/tickets.json", user_id=3, status="closed").get_json()) == ["265378"]
    assert numbers(get(client, "/api/tickets.json", user_id=3, status="open").get_json()) == ["350628"]
    assert get(client, "/api/tickets.json", user_id=1, status="closed").get_json() == []


def test_staff_tickets_for_each_agent(client):
    def assigned(username):
        return numbers(get(client, "/api/scp/tickets/staffTickets.json", staffUserName=username).get_json()["tickets"])

    assert assigned("eve") == ["482915"]
    assert assigned("dana") == ["918273"]
    assert assigned("ostadmin") == []  # 265378 is closed: its staff_id is the closing agent


def test_client_tickets_by_address(client):
    body = get(client, "/api/scp/tickets/clientTickets.json", clientUserMail="lena.fischer@example.com").get_json()
    assert numbers(body["tickets"]) == ["350628", "265378"]
    assert body["tickets"][0]["threads"][1]["type"] == "N"


def test_topics_alphabetical_with_child_names(client):
    assert get(client, "/api/topics.json").get_json() == [
        {"id": 12, "value": "Billing"},
        {"id": 13, "value": "Billing / Refunds"},
        {"id": 2, "value": "Feedback"},
        {"id": 1, "value": "General Inquiry"},
        {"id": 10, "value": "Report a Problem"},
        {"id": 11, "value": "Report a Problem / Access Issue"},
    ]


def test_all_tickets_paginate_with_total_and_link_header(client):
    first = get(client, "/api/scp/tickets.json", limit=2)
    assert [dict(r)["number"] for r in first.get_json()] == ["350628", "918273"]
    assert first.headers["X-Total-Count"] == "5"
    assert first.headers["Link"] == '<http://localhost/api/scp/tickets.json?limit=2&offset=2>; rel="next"'
    last = get(client, "/api/scp/tickets.json", limit=2, offset=4)
    assert [dict(r)["number"] for r in last.get_json()] == ["482915"]
    assert last.headers["X-Total-Count"] == "5"
    assert last.headers["Link"] == '<http://localhost/api/scp/tickets.json?limit=2&offset=2>; rel="prev"'
    past_the_end = get(client, "/api/scp/tickets.json", limit=2, offset=10)
    assert past_the_end.get_json() == [] and past_the_end.headers["X-Total-Count"] == "5"


def test_updated_since_accepts_a_time_or_a_date(client):
    since_time = get(client, "/api/scp/tickets.json", updated_since="2026-02-24 09:12:00").get_json()
    since_date = get(client, "/api/scp/tickets.json", updated_since="2026-02-20").get_json()
    assert [dict(r)["number"] for r in since_time] == ["350628", "918273"]
    assert since_date == since_time


def test_parameters_may_come_in_a_json_body(client):
    response = client.get("/api/tickets.json", headers=KEY, json={"user_id": 2})
    assert numbers(response.get_json()) == ["731604"]


@pytest.mark.parametrize(
    "url, params, field",
    [
        ("/api/tickets.json", {"user_id": "abc"}, "user_id"),
        ("/api/tickets.json", {"user_id": 1, "limit": 501}, "limit"),
        ("/api/tickets.json", {"user_id": 1, "offset": -1}, "offset"),
        ("/api/scp/tickets.json", {"offset": 2**77}, "offset"),  # found by schemathesis: an SQL error, a 500
        ("/api/tickets.json", {"user_id": 1, "status": "pending"}, "status"),
        ("/api/tickets.json", {"user_id": 1, "updated_since": "yesterday"}, "updated_since"),
        ("/api/tickets.json", {}, "user_id"),
        ("/api/scp/tickets/ticketInfo.json", {}, "ticketNumber"),
        ("/api/scp/tickets/staffTickets.json", {}, "staffUserName"),
        ("/api/scp/tickets/clientTickets.json", {}, "clientUserMail"),
        ("/api/scp/tickets.json", {"limit": 0}, "limit"),
    ],
)
def test_malformed_parameter_is_a_422_naming_the_field(client, url, params, field):
    response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_wrong_api_key_is_a_401(client):
    response = client.get("/api/topics.json", headers={"X-API-Key": "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"})
    assert response.status_code == 401
