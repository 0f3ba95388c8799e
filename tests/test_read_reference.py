"""Read endpoints on a help desk after osTicket 1.18.1's golden run: values checked against what osTicket stored.

The help desk is the real sample dump (sample-1.18.1.sql, from ../shared) or, without it, our own install + demo data
with our own recordings of the same run replayed on it (tests/recordings/1.18.1): there the demo's Priya owns ticket
A, agent dana works it, and the expected values are osTicket's rows in those recordings.
"""

from types import SimpleNamespace

import pytest
from update_helpers import DESK_OWN, SAMPLE
from world import AGENT, AGENT_NAME, OWNER, OWNER_NAME, REAL_REFERENCE, TOPIC_12, TOPIC_13

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


def _recorded_rows():
    """Every row our recordings of the sample's history leave, as osTicket wrote them: {table: {pk: row}}."""
    tables = {}
    for op in SAMPLE:
        for name, diff in DESK_OWN.golden(op)["tables"].items():
            rows = tables.setdefault(name, {})
            for row in diff["inserted"]:
                rows[row.get("id", row.get("ticket_id"))] = dict(row)
            for change in diff["updated"]:
                row = rows.get(next(iter(change["pk"].values())))
                if row is not None:
                    row.update({c: v["new"] for c, v in change["changes"].items()})
    return tables


def _own_sample():
    rows = _recorded_rows()
    a, b, x = (rows["ost_ticket"][i] for i in sorted(rows["ost_ticket"]))
    thread = {t["object_id"]: t for t in rows["ost_thread"].values()}
    entries = {t: [e for e in rows["ost_thread_entry"].values() if e["thread_id"] == thread[t]["id"]] for t in thread}
    events = [e for e in rows["ost_thread_event"].values() if e["thread_id"] == thread[a["ticket_id"]]["id"]]
    return SimpleNamespace(
        key={"X-API-Key": DESK_OWN.key["X-API-Key"]},
        a=a["number"], b=b["number"], x=x["number"],
        a_created=a["created"], a_due=a["est_duedate"], a_updated=a["updated"],
        a_last_message=thread[a["ticket_id"]]["lastmessage"], a_last_response=thread[a["ticket_id"]]["lastresponse"],
        b_created=b["created"], b_updated=b["updated"], x_created=x["created"], x_closed=x["closed"],
        x_updated=x["updated"], phone="555-0142",
        entries_a=[(e["id"], e["type"]) for e in entries[a["ticket_id"]]],
        entries_x=[e["id"] for e in entries[x["ticket_id"]]],
        a_thread=thread[a["ticket_id"]]["id"], assigned_at=events[1]["timestamp"],
        # the demo's own tickets beside the golden run's (schema_fixtures/demo.sql)
        user_tickets=[a["number"], "918273", "482915"], agent_tickets=[a["number"], "918273"],
        admin_tickets=[b["number"]],
        topics=[(12, "Billing"), (14, "Billing / Payment Failed"), (13, "Billing / Refunds"), (2, "Feedback"),
                (1, "General Inquiry"), (10, "Report a Problem"), (11, "Report a Problem / Access Issue")],
        all_tickets=[x["number"], b["number"], a["number"], "350628", "918273", "265378", "731604", "482915"],
    )  # fmt: skip


if REAL_REFERENCE:
    S = SimpleNamespace(
        key={"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}, a="386142", b="869769", x="164336",
        a_created="2026-11-27 18:15:37", a_due="2026-12-01 18:15:54", a_updated="2026-11-27 18:15:54",
        a_last_message="2026-11-27 18:15:54", a_last_response="2026-11-27 18:15:51",
        b_created="2026-11-27 18:15:40", b_updated="2026-11-27 18:16:05", x_created="2026-11-27 18:15:42",
        x_closed="2026-11-27 18:16:16", x_updated="2026-11-27 18:16:16", phone="555-0100",
        entries_a=[(1, "M"), (4, "M"), (5, "N"), (6, "R"), (7, "M"), (9, "N")], entries_x=[3, 8], a_thread=1,
        assigned_at="2026-11-27 18:15:48", user_tickets=["386142"], agent_tickets=["386142"], admin_tickets=["869769"],
        topics=[(12, "Billing Questions"), (14, "Billing Questions / Payment Failed"),
                (13, "Billing Questions / Refund Request"), (2, "Feedback"), (1, "General Inquiry"),
                (10, "Report a Problem"), (11, "Report a Problem / Access Issue")],
        all_tickets=["164336", "869769", "386142"],
    )  # fmt: skip
else:
    S = _own_sample()
KEY = S.key


@pytest.fixture(scope="module")
def client(sample_app):
    return sample_app.test_client()


def get(client, url, **params):
    response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_ticket_object_has_every_seed_field_in_order_with_the_seed_types(client):
    ticket = get(client, f"/api/tickets.json/{S.a}")
    assert list(ticket)[: len(TICKET_FIELDS)] == TICKET_FIELDS
    assert list(ticket["user"]) == ["fullname", "firstname", "lastname", "email", "phone"]
    entry = ticket["threads"][0]
    assert [k for k in entry if k in ENTRY_FIELDS] == ENTRY_FIELDS
    assert list(entry["message"]) == ["body", "type", "stripped_images", "embedded_images", "options"]
    assert list(entry["user_name"]) == ["format", "parts", "name"]
    assert list(entry["user_name"]["parts"]) == ["salutation", "first", "suffix", "last", "middle"]
    assert isinstance(ticket["statusId"], int) and isinstance(ticket["topicId"], int)
    assert isinstance(ticket["ticket_number"], str)


def test_ticket_shows_the_values_osticket_stored_for_the_owners_ticket(client):
    ticket = get(client, f"/api/tickets.json/{S.a}")
    assert ticket["ticket_number"] == S.a
    assert ticket["subject"] == "Golden A: question about my invoice"
    assert (ticket["ticket_status"], ticket["statusId"]) == ("Open", 1)
    assert ticket["priority"] == "Normal"
    assert ticket["department"] == "Billing"
    assert (ticket["topic"], ticket["topicId"]) == (TOPIC_12, 12)
    assert ticket["source"] == "API"
    assert ticket["create_timestamp"] == S.a_created
    assert ticket["due_timestamp"] == S.a_due  # duedate NULL: est_duedate
    assert ticket["close_timestamp"] is None
    assert ticket["last_message_timestamp"] == S.a_last_message
    assert ticket["last_response_timestamp"] == S.a_last_response
    assert ticket["assigned_to"] == [{"type": "staff", "id": 2, "name": AGENT_NAME}]
    first, last = OWNER_NAME.split()
    assert ticket["user"] == {
        "fullname": OWNER_NAME,
        "firstname": first,
        "lastname": last,
        "email": OWNER["email"],
        "phone": S.phone,  # stored as digits
    }


def test_child_topic_is_named_parent_slash_child(client):
    ticket = get(client, f"/api/tickets.json/{S.b}")
    assert (ticket["topic"], ticket["topicId"]) == (f"{TOPIC_12} / {TOPIC_13}", 13)
    assert ticket["subject"] == "Golden B: refund please"
    assert ticket["priority"] == "High"
    assert ticket["user"]["fullname"] == "Dave Newuser"
    assert ticket["user"]["phone"] == ""


def test_closed_ticket_has_close_time_and_no_assignee(client):
    ticket = get(client, f"/api/tickets.json/{S.x}")
    assert (ticket["ticket_status"], ticket["statusId"]) == ("Closed", 3)
    assert ticket["close_timestamp"] == S.x_closed
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
    ticket = get(client, f"/api/tickets.json/{S.a}")
    entries = [(e["id"], e["type"], e["poster"]) for e in ticket["threads"]]
    public = [(i, t) for i, t in S.entries_a if t != "N"]
    posters = [OWNER_NAME, OWNER_NAME, AGENT_NAME, OWNER_NAME]
    assert entries == [(i, t, p) for (i, t), p in zip(public, posters, strict=True)]
    assert [t for _, t in public] == ["M", "M", "R", "M"]
    assert INTERNAL_NOTE not in str(ticket)
    assert all(e["type"] != "N" for e in ticket["threads"])


def test_first_message_entry_matches_the_seed_shape(client):
    first = get(client, f"/api/tickets.json/{S.a}")["threads"][0]
    first_name, last_name = OWNER_NAME.split()
    assert first == {
        "id": S.entries_a[0][0],
        "pid": 0,
        "thread_id": S.a_thread,
        "staff_id": None,
        "user_id": 1,
        "type": "M",
        "poster": OWNER_NAME,
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
        "created": S.a_created,
        "updated": "0000-00-00 00:00:00",
        "staff_name": None,
        "user_name": {
            "format": "original",
            "parts": {"salutation": "", "first": first_name, "suffix": "", "last": last_name, "middle": ""},
            "name": OWNER_NAME,
        },
        "attachments": [],
    }


def test_agent_reply_names_the_agent(client):
    reply = next(e for e in get(client, f"/api/tickets.json/{S.a}")["threads"] if e["type"] == "R")
    assert reply["staff_id"] == 2 and reply["user_id"] is None and reply["pid"] == S.entries_a[1][0]
    assert reply["staff_name"]["name"] == AGENT_NAME
    assert reply["user_name"] is None


def test_ticket_info_shows_the_internal_note_and_every_entry_in_order(client):
    body = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber=S.a)
    assert (body["status_code"], body["status_msg"]) == ("0", "ticket details retrieved successfully")
    entries = [(e["id"], e["type"]) for e in body["ticket"]["threads"]]
    assert entries == S.entries_a
    note = body["ticket"]["threads"][-1]
    assert note["body"] == INTERNAL_NOTE
    assert (note["title"], note["poster"], note["staff_id"]) == ("Billing check", AGENT_NAME, 2)


def test_ticket_info_lists_the_threads_events(client):
    events = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber=S.a)["ticket"]["events"]
    assert [(e["event"], e["username"], e["uid"], e["uid_type"], e["annulled"]) for e in events] == [
        ("created", "SYSTEM", 1, "U", False),
        ("assigned", "ostadmin", 1, "S", False),
        ("closed", AGENT, 2, "S", True),
        ("reopened", OWNER_NAME, None, "S", False),
    ]
    assert events[1]["data"] == {"staff": [2, AGENT_NAME]}
    assert events[2]["data"] == {"status": [2, "Resolved"]}
    assert events[1]["timestamp"] == S.assigned_at
    assert (events[0]["dept_id"], events[0]["topic_id"]) == (4, 12)


def test_closing_note_of_the_extras_ticket_is_staff_only(client):
    public = get(client, f"/api/tickets.json/{S.x}")
    staff = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber=S.x)["ticket"]
    assert [e["id"] for e in public["threads"]] == S.entries_x[:1]
    assert [e["body"] for e in staff["threads"]][-1] == "Closed after phone call."
    assert [(e["event"], e["username"]) for e in staff["events"]] == [("created", "SYSTEM"), ("closed", AGENT)]


def test_user_tickets_by_id_and_by_email_in_any_case(client):
    by_id = get(client, "/api/tickets.json", user_id=1)
    by_email = get(client, "/api/tickets.json", email=OWNER["email"].upper())
    assert [t["ticket_number"] for t in by_id] == S.user_tickets
    assert by_email == by_id
    assert INTERNAL_NOTE not in str(by_id)


def test_another_users_ticket_is_a_404(client):
    response = client.get(f"/api/tickets.json/{S.b}", headers=KEY, query_string={"user_id": 1})
    assert response.status_code == 404
    assert response.get_json()["message"] == "ticket not found"
    assert client.get(f"/api/tickets.json/{S.a}", headers=KEY, query_string={"user_id": 1}).status_code == 200


def test_topics_are_the_active_public_ones_alphabetically(client):
    assert get(client, "/api/topics.json") == [{"id": i, "value": v} for i, v in S.topics]


def test_staff_tickets_are_the_open_ones_assigned_to_the_agent(client):
    agent = get(client, "/api/scp/tickets/staffTickets.json", staffUserName=AGENT)
    assert (agent["status_code"], agent["status_msg"]) == ("0", "success")
    assert [t["ticket_number"] for t in agent["tickets"]] == S.agent_tickets  # the extras ticket is closed
    assert INTERNAL_NOTE in str(agent)
    admin = get(client, "/api/scp/tickets/staffTickets.json", staffUserName="ostadmin")
    assert [t["ticket_number"] for t in admin["tickets"]] == S.admin_tickets


def test_client_tickets_by_address(client):
    body = get(client, "/api/scp/tickets/clientTickets.json", clientUserMail="erin.extras@example.com")
    assert [t["ticket_number"] for t in body["tickets"]] == [S.x]
    assert body["tickets"][0]["events"][-1]["event"] == "closed"


def test_all_tickets_are_pairs_newest_first_with_resolvable_hrefs(client):
    rows = get(client, "/api/scp/tickets.json")
    assert [dict(r)["number"] for r in rows] == S.all_tickets
    assert rows[:3] == [
        [
            ["number", S.x],
            ["created", S.x_created],
            ["updated", S.x_updated],
            ["closed", S.x_closed],
            ["href", f"/api/tickets/{S.x}"],
        ],
        [
            ["number", S.b],
            ["created", S.b_created],
            ["updated", S.b_updated],
            ["closed", None],
            ["href", f"/api/tickets/{S.b}"],
        ],
        [
            ["number", S.a],
            ["created", S.a_created],
            ["updated", S.a_updated],
            ["closed", None],
            ["href", f"/api/tickets/{S.a}"],
        ],
    ]
    href = dict(rows[2])["href"]
    assert get(client, href) == get(client, f"/api/tickets.json/{S.a}")


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
        f"/api/tickets.json/{S.a}",
        f"/api/scp/tickets/ticketInfo.json?ticketNumber={S.a}",
        "/api/scp/tickets.json",
    ],
)
def test_wrong_api_key_is_osticket_401(client, url):
    response = client.get(url, headers={"X-API-Key": "00000000000000000000000000000000"})
    assert response.status_code == 401
    assert response.get_json()["message"] == "Valid API key required"
