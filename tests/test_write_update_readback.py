"""A ticket's life through the bridge alone, read back through the read endpoints as users and agents see it."""

from create_helpers import post_ticket
from update_helpers import (
    CAROL,
    KEY,
    message,
    reply,
)
from world import AGENT, AGENT_NAME, OWNER_NAME, TICKET_REQUEST


def get_ticket(client, number):
    response = client.get(f"/api/tickets.json/{number}", headers=KEY, query_string=CAROL)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ticket_info(client, number):
    response = client.get("/api/scp/tickets/ticketInfo.json", headers=KEY, query_string={"ticketNumber": number})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ticket"]


def test_created_answered_closed_and_reopened_ticket_reads_back(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    created = post_ticket(client, dict(TICKET_REQUEST))
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["ticket_number"]

    after_message = message(client, number, CAROL, "Any update on this?").get_json()
    assert [e["type"] for e in after_message["threads"]] == ["M", "M"]
    assert reply(client, number, response="Refunded.", reply_status_id=2).status_code == 200

    resolved = get_ticket(client, number)
    assert (resolved["ticket_status"], resolved["statusId"]) == ("Resolved", 2)
    assert resolved["close_timestamp"] is not None and resolved["last_response_timestamp"] is not None
    response = resolved["threads"][-1]
    assert (response["type"], response["poster"], response["body"], response["staff_id"]) == (
        "R", AGENT_NAME, "<p>Refunded.</p>", 2,
    )  # fmt: skip
    assert response["staff_name"]["name"] == AGENT_NAME
    assert response["pid"] == after_message["threads"][-1]["id"]

    reopened = client.post(f"/api/tickets.json/{number}", headers=KEY, json=CAROL).get_json()
    assert (reopened["ticket_status"], reopened["close_timestamp"]) == ("Open", None)
    assert [a["name"] for a in reopened["assigned_to"]] == [AGENT_NAME]  # the closing agent, auto-assigned

    closed = client.delete(f"/api/tickets.json/{number}", headers=KEY, query_string=CAROL).get_json()
    assert (closed["ticket_status"], closed["statusId"]) == ("Closed", 3)
    assert closed["close_timestamp"] is not None

    final = client.post(f"/api/tickets.json/{number}", headers=KEY, json=CAROL).get_json()
    assert final == get_ticket(client, number)
    assert (final["ticket_status"], final["close_timestamp"]) == ("Open", None)
    assert [(e["type"], e["poster"]) for e in final["threads"]] == [
        ("M", OWNER_NAME), ("M", OWNER_NAME), ("R", AGENT_NAME),
    ]  # fmt: skip

    info = ticket_info(client, number)
    assert [(e["event"], e["username"], e["annulled"]) for e in info["events"]] == [
        ("created", "SYSTEM", False),
        ("closed", AGENT, True),
        ("reopened", OWNER_NAME, False),
        ("closed", OWNER_NAME, True),
        ("reopened", OWNER_NAME, False),
    ]
    assert info["events"][1]["data"] == {"status": [2, "Resolved"]}
    assert info["events"][3]["data"] == {"status": [3, "Closed"]}
    assert [t["type"] for t in info["threads"]] == ["M", "M", "R"]
    assert info["last_response_timestamp"] == resolved["last_response_timestamp"]
