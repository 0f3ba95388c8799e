"""Read endpoints on the real osTicket 1.18.1 sample dump: values checked against what osTicket stored there."""

import pytest

KEY = {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}
INTERNAL_NOTE = "Internal: customer is on the legacy plan, check billing system B."

TICKET_FIELDS = [
    "ticket_number", "subject", "ticket_status", "statusId", "priority", "department", "create_timestamp", "user",
    "source", "due_timestamp", "close_timestamp", "topic", "topicId", "last_message_timestamp",
    "last_response_timestamp", "assigned_to", "threads",
]  # fmt: skip
ENTRY_FIELDS = [
    "id", "pid", "thread_id", "staff_id", "user_id", "type", "poster", "editor", "source", "title", "body",
    "message", "format", "created", "updated", "staff_name", "user_name",
]  # fmt: skip


@pytest.fixture(scope="module")
def client(reference_app):
    return reference_app.test_client()


def get(client, url, **params):
    response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_ticket_object_has_every_seed_field_in_order_with_the_seed_types(client):
    ticket = get(client, "/api/tickets.json/386142")
    assert list(ticket)[: len(TICKET_FIELDS)] == TICKET_FIELDS
    assert list(ticket["user"]) == ["fullname", "firstname", "lastname", "email", "phone"]
    entry = ticket["threads"][0]
    assert [k for k in entry if k in ENTRY_FIELDS] == ENTRY_FIELDS
    assert list(entry["message"]) == ["body", "type", "stripped_images", "embedded_images", "options"]
    assert list(entry["user_name"]) == ["format", "parts", "name"]
    assert list(entry["user_name"]["parts"]) == ["salutation", "first", "suffix", "last", "middle"]
    assert isinstance(ticket["statusId"], int) and isinstance(ticket["topicId"], int)
    assert isinstance(ticket["ticket_number"], str)


def test_ticket_shows_the_values_osticket_stored_for_386142(client):
    ticket = get(client, "/api/tickets.json/386142")
    assert ticket["ticket_number"] == "386142"
    assert ticket["subject"] == "Golden A: question about my invoice"
    assert (ticket["ticket_status"], ticket["statusId"]) == ("Open", 1)
    assert ticket["priority"] == "Normal"
    assert ticket["department"] == "Billing"
    assert (ticket["topic"], ticket["topicId"]) == ("Billing Questions", 12)
    assert ticket["source"] == "API"
    assert ticket["create_timestamp"] == "2026-11-27 18:15:37"
    assert ticket["due_timestamp"] == "2026-12-01 18:15:54"  # duedate NULL: est_duedate
    assert ticket["close_timestamp"] is None
    assert ticket["last_message_timestamp"] == "2026-11-27 18:15:54"
    assert ticket["last_response_timestamp"] == "2026-11-27 18:15:51"
    assert ticket["assigned_to"] == [{"type": "staff", "id": 2, "name": "Alice Agent"}]
    assert ticket["user"] == {
        "fullname": "Carol Customer",
        "firstname": "Carol",
        "lastname": "Customer",
        "email": "carol.customer@example.com",
        "phone": "555-0100",  # stored as 5550100
    }


def test_child_topic_is_named_parent_slash_child(client):
    ticket = get(client, "/api/tickets.json/869769")
    assert (ticket["topic"], ticket["topicId"]) == ("Billing Questions / Refund Request", 13)
    assert ticket["subject"] == "Golden B: refund please"
    assert ticket["priority"] == "High"
    assert ticket["user"]["fullname"] == "Dave Newuser"
    assert ticket["user"]["phone"] == ""


def test_closed_ticket_has_close_time_and_no_assignee(client):
    ticket = get(client, "/api/tickets.json/164336")
    assert (ticket["ticket_status"], ticket["statusId"]) == ("Closed", 3)
    assert ticket["close_timestamp"] == "2026-11-27 18:16:16"
    assert ticket["assigned_to"] == []  # staff_id 2 is the agent who closed it
    assert ticket["department"] == "Support"
    assert ticket["topic"] is None and ticket["topicId"] is None
    assert ticket["priority"] == "Emergency"
    assert ticket["user"]["phone"] == "555-0199"
    message = ticket["threads"][0]
    assert message["format"] == "html"
    assert message["body"] == "<p>The <b>printer</b> is on fire.</p>"
    assert message["message"]["options"] == {"strip-embedded": False, "balanced": True}


def test_public_thread_hides_internal_notes_and_keeps_messages_and_replies(client):
    ticket = get(client, "/api/tickets.json/386142")
    entries = [(e["id"], e["type"], e["poster"]) for e in ticket["threads"]]
    assert entries == [
        (1, "M", "Carol Customer"),
        (4, "M", "Carol Customer"),
        (6, "R", "Alice Agent"),
        (7, "M", "Carol Customer"),
    ]
    assert INTERNAL_NOTE not in str(ticket)
    assert all(e["type"] != "N" for e in ticket["threads"])


def test_first_message_entry_matches_the_seed_shape(client):
    first = get(client, "/api/tickets.json/386142")["threads"][0]
    assert first == {
        "id": 1,
        "pid": 0,
        "thread_id": 1,
        "staff_id": None,
        "user_id": 1,
        "type": "M",
        "poster": "Carol Customer",
        "editor": None,
        "editor_type": None,
        "source": "API",
        "title": "Golden A: question about my invoice",
        "body": "Hello, I was charged twice for invoice 1001. Can you check?",
        "message": {
            "body": "Hello, I was charged twice for invoice 1001. Can you check?",
            "type": "text",
            "stripped_images": [],
            "embedded_images": [],
            "options": {"strip-embedded": True},
        },
        "format": "text",
        "created": "2026-11-27 18:15:37",
        "updated": "0000-00-00 00:00:00",
        "staff_name": None,
        "user_name": {
            "format": "original",
            "parts": {"salutation": "", "first": "Carol", "suffix": "", "last": "Customer", "middle": ""},
            "name": "Carol Customer",
        },
        "attachments": [],
    }


def test_agent_reply_names_the_agent(client):
    reply = next(e for e in get(client, "/api/tickets.json/386142")["threads"] if e["type"] == "R")
    assert reply["staff_id"] == 2 and reply["user_id"] is None and reply["pid"] == 4
    assert reply["staff_name"]["name"] == "Alice Agent"
    assert reply["user_name"] is None


def test_ticket_info_shows_the_internal_note_and_every_entry_in_order(client):
    body = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber="386142")
    assert (body["status_code"], body["status_msg"]) == ("0", "ticket details retrieved successfully")
    entries = [(e["id"], e["type"]) for e in body["ticket"]["threads"]]
    assert entries == [(1, "M"), (4, "M"), (5, "N"), (6, "R"), (7, "M"), (9, "N")]
    note = body["ticket"]["threads"][-1]
    assert note["body"] == INTERNAL_NOTE
    assert (note["title"], note["poster"], note["staff_id"]) == ("Billing check", "Alice Agent", 2)


def test_ticket_info_lists_the_threads_events(client):
    events = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber="386142")["ticket"]["events"]
    assert [(e["event"], e["username"], e["uid"], e["uid_type"], e["annulled"]) for e in events] == [
        ("created", "SYSTEM", 1, "U", False),
        ("assigned", "ostadmin", 1, "S", False),
        ("closed", "alice", 2, "S", True),
        ("reopened", "Carol Customer", None, "S", False),
    ]
    assert events[1]["data"] == {"staff": [2, "Alice Agent"]}
    assert events[2]["data"] == {"status": [2, "Resolved"]}
    assert events[1]["timestamp"] == "2026-11-27 18:15:48"
    assert (events[0]["dept_id"], events[0]["topic_id"]) == (4, 12)


def test_closing_note_of_164336_is_staff_only(client):
    public = get(client, "/api/tickets.json/164336")
    staff = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber="164336")["ticket"]
    assert [e["id"] for e in public["threads"]] == [3]
    assert [e["body"] for e in staff["threads"]][-1] == "Closed after phone call."
    assert [(e["event"], e["username"]) for e in staff["events"]] == [("created", "SYSTEM"), ("closed", "alice")]


def test_user_tickets_by_id_and_by_email_in_any_case(client):
    by_id = get(client, "/api/tickets.json", user_id=1)
    by_email = get(client, "/api/tickets.json", email="Carol.Customer@EXAMPLE.com")
    assert [t["ticket_number"] for t in by_id] == ["386142"]
    assert by_email == by_id
    assert INTERNAL_NOTE not in str(by_id)


def test_another_users_ticket_is_a_404(client):
    response = client.get("/api/tickets.json/869769", headers=KEY, query_string={"user_id": 1})
    assert response.status_code == 404
    assert response.get_json()["message"] == "ticket not found"
    assert client.get("/api/tickets.json/386142", headers=KEY, query_string={"user_id": 1}).status_code == 200


def test_topics_are_the_active_public_ones_alphabetically(client):
    assert get(client, "/api/topics.json") == [
        {"id": 12, "value": "Billing Questions"},
        {"id": 14, "value": "Billing Questions / Payment Failed"},
        {"id": 13, "value": "Billing Questions / Refund Request"},
        {"id": 2, "value": "Feedback"},
        {"id": 1, "value": "General Inquiry"},
        {"id": 10, "value": "Report a Problem"},
        {"id": 11, "value": "Report a Problem / Access Issue"},
    ]


def test_staff_tickets_are_the_open_ones_assigned_to_the_agent(client):
    alice = get(client, "/api/scp/tickets/staffTickets.json", staffUserName="alice")
    assert (alice["status_code"], alice["status_msg"]) == ("0", "success")
    assert [t["ticket_number"] for t in alice["tickets"]] == ["386142"]  # 164336 is closed
    assert INTERNAL_NOTE in str(alice)
    admin = get(client, "/api/scp/tickets/staffTickets.json", staffUserName="ostadmin")
    assert [t["ticket_number"] for t in admin["tickets"]] == ["869769"]


def test_client_tickets_by_address(client):
    body = get(client, "/api/scp/tickets/clientTickets.json", clientUserMail="erin.extras@example.com")
    assert [t["ticket_number"] for t in body["tickets"]] == ["164336"]
    assert body["tickets"][0]["events"][-1]["event"] == "closed"


def test_all_tickets_are_pairs_newest_first_with_resolvable_hrefs(client):
    rows = get(client, "/api/scp/tickets.json")
    assert rows == [
        [
            ["number", "164336"],
            ["created", "2026-11-27 18:15:42"],
            ["updated", "2026-11-27 18:16:16"],
            ["closed", "2026-11-27 18:16:16"],
            ["href", "/api/tickets/164336"],
        ],
        [
            ["number", "869769"],
            ["created", "2026-11-27 18:15:40"],
            ["updated", "2026-11-27 18:16:05"],
            ["closed", None],
            ["href", "/api/tickets/869769"],
        ],
        [
            ["number", "386142"],
            ["created", "2026-11-27 18:15:37"],
            ["updated", "2026-11-27 18:15:54"],
            ["closed", None],
            ["href", "/api/tickets/386142"],
        ],
    ]
    href = dict(rows[2])["href"]
    assert get(client, href) == get(client, "/api/tickets.json/386142")


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/tickets.json", {"user_id": 999}),
        ("/api/tickets.json", {"email": "nobody@example.com"}),
        ("/api/tickets.json/999999", {}),
        ("/api/tickets/999999", {}),
        ("/api/scp/tickets/ticketInfo.json", {"ticketNumber": "999999"}),
        ("/api/scp/tickets/staffTickets.json", {"staffUserName": "nobody"}),
        ("/api/scp/tickets/clientTickets.json", {"clientUserMail": "nobody@example.com"}),
    ],
)
def test_unknown_user_agent_or_ticket_is_a_json_404(client, url, params):
    response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/topics.json",
        "/api/tickets.json?user_id=1",
        "/api/tickets.json/386142",
        "/api/scp/tickets/ticketInfo.json?ticketNumber=386142",
        "/api/scp/tickets.json",
    ],
)
def test_wrong_api_key_is_osticket_401(client, url):
    response = client.get(url, headers={"X-API-Key": "00000000000000000000000000000000"})
    assert response.status_code == 401
    assert response.get_json()["message"] == "Valid API key required"
