"""Read endpoints on a real osTicket 1.10.4 help desk (sample-1.10.4.sql): what osTicket 1.10.4 stored and shows.

1.10's shape: thread events are named by ost_thread_event.state (there is no ost_event), help topics are active by
ost_help_topic.isactive (flags has no active bit), collaborators have isactive instead of flags, entries have no
recipients, there are no referrals. A reopen leaves ``closed`` at the reopen time, and the ticket shows it as its
close time (so did the seed's API, which ran on 1.10.4). Where the sample has nothing to read (a note, a collaborator,
an assignment, a disabled topic), a private copy is changed the way osTicket 1.10.4 stores it.
"""

import pytest
from click.testing import CliRunner
from helpers import count_statements
from security_helpers import SECRET, bearer, guest, login
from sqlalchemy import create_engine

from osticket_bridge import cli

KEY = {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}  # the same key as the 1.18.1 sample's
CAROL, DAVE = "carol.customer@example.com", "dave.newuser@example.com"
RESOLVED, REOPENED = "232747", "513347"  # carol's (resolved by alice) and dave's (closed by the system, reopened)


@pytest.fixture(scope="module")
def client(reference_110_app):
    return reference_110_app.test_client()


@pytest.fixture
def changed(fresh_app, fresh_reference_110_db):
    """Apply SQL to a private copy of the 1.10.4 sample and return a test client on it."""

    def change(*statements):
        engine = create_engine(fresh_reference_110_db)
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
        engine.dispose()
        return fresh_app(fresh_reference_110_db).test_client()

    return change


def get(client, url, **params):
    response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def numbers(client, url="/api/tickets.json", **params):
    body = get(client, url, **params)
    return [t["ticket_number"] for t in (body["tickets"] if isinstance(body, dict) else body)]


def test_check_names_osticket_1_10_and_finds_everything_it_needs(reference_110_db):
    result = CliRunner().invoke(cli.main, ["check", "--url", reference_110_db])
    assert result.exit_code == 0, result.output
    assert "detected: osTicket 1.10 (" in result.output
    assert "supported: osTicket 1.10.4 to 1.18" in result.output


def test_resolved_ticket_shows_what_osticket_1_10_stored(client):
    ticket = get(client, f"/api/tickets.json/{RESOLVED}")
    assert {k: v for k, v in ticket.items() if k != "threads"} == {
        "ticket_number": RESOLVED,
        "subject": "Golden A: question about my invoice",
        "ticket_status": "Resolved",
        "statusId": 2,
        "priority": "Normal",
        "department": "Billing",
        "create_timestamp": "2026-12-01 14:13:25",
        "user": {
            "fullname": "Carol Customer",
            "firstname": "Carol",
            "lastname": "Customer",
            "email": CAROL,
            "phone": "555-0100",  # stored as 5550100
        },
        "source": "API",
        "due_timestamp": "2026-12-03 14:13:25",  # duedate NULL: est_duedate, created + 48 wall-clock hours
        "close_timestamp": "2026-12-01 14:13:32",
        "topic": "Billing Questions",
        "topicId": 12,
        "last_message_timestamp": "2026-12-01 14:13:30",
        "last_response_timestamp": "2026-12-01 14:13:32",
        "assigned_to": [],  # staff_id 2 is alice, who resolved it (1.10 records the closing agent)
    }


def test_reopened_ticket_shows_the_close_time_1_10_leaves_on_it(client):
    ticket = get(client, f"/api/tickets.json/{REOPENED}")
    assert (ticket["ticket_status"], ticket["statusId"]) == ("Open", 1)
    assert ticket["close_timestamp"] == "2026-12-01 14:13:36"  # the reopen's time, as 1.10.4 stored it
    assert (ticket["topic"], ticket["topicId"]) == ("Billing Questions / Refund Request", 13)
    assert ticket["priority"] == "High"
    assert ticket["user"] == {
        "fullname": "Dave Newuser",
        "firstname": "Dave",
        "lastname": "Newuser",
        "email": DAVE,
        "phone": "",
    }
    assert ticket["last_response_timestamp"] is None


def test_thread_shows_messages_and_the_reply_in_order(client):
    entries = get(client, f"/api/tickets.json/{RESOLVED}")["threads"]
    assert [(e["id"], e["type"], e["poster"], e["source"]) for e in entries] == [
        (1, "M", "Carol Customer", "API"),
        (3, "M", "Carol Customer", ""),  # her portal reply
        (4, "R", "Alice Agent", ""),
    ]
    api_message, portal_message, reply = entries
    assert api_message["message"] == {
        "body": "Hello, I was charged twice for invoice 1001. Can you check?",
        "type": "text",
        "stripped_images": [],
        "embedded_images": [],
        "options": {"strip-embedded": True},
    }
    assert (api_message["updated"], api_message["user_id"], api_message["staff_id"]) == (
        "0000-00-00 00:00:00",
        1,
        None,
    )
    assert portal_message["message"]["options"] == {"strip-embedded": False, "balanced": True}  # flags 64
    assert portal_message["title"] is None
    # 1.10's agent reply: pid 0 (1.18 points it at the message it answers), flags 64, no recipients column.
    assert (reply["pid"], reply["staff_id"], reply["user_id"]) == (0, 2, None)
    assert reply["staff_name"]["name"] == "Alice Agent" and reply["user_name"] is None
    assert reply["body"] == "<p>We refunded the duplicate charge. Closing this as resolved.</p>"


def test_events_are_named_by_their_state(client):
    resolved = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber=RESOLVED)["ticket"]["events"]
    assert [(e["event"], e["username"], e["uid"], e["uid_type"], e["annulled"]) for e in resolved] == [
        ("created", "SYSTEM", 1, "U", False),
        ("closed", "alice", 2, "S", False),
    ]
    assert resolved[1]["data"] == {"status": [2, "Resolved"]}
    assert (resolved[1]["staff_id"], resolved[1]["dept_id"], resolved[1]["topic_id"]) == (2, 4, 12)
    reopened = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber=REOPENED)["ticket"]["events"]
    assert [(e["event"], e["username"], e["annulled"], e["timestamp"]) for e in reopened] == [
        ("created", "SYSTEM", False, "2026-12-01 14:13:27"),
        ("closed", "SYSTEM", True, "2026-12-01 14:13:34"),  # annulled by the reopen
        ("reopened", "SYSTEM", False, "2026-12-01 14:13:36"),
    ]


def test_user_tickets_by_id_and_by_email_and_only_their_own(client):
    assert numbers(client, user_id=1) == [RESOLVED]
    assert numbers(client, email="Dave.Newuser@EXAMPLE.com") == [REOPENED]
    assert numbers(client, email=CAROL, status="open") == []
    assert client.get(f"/api/tickets.json/{REOPENED}", headers=KEY, query_string={"user_id": 1}).status_code == 404


def test_topics_are_the_active_public_ones_by_isactive(client):
    # Every flags value is 0 in 1.10: read as 1.18's flags, no topic would be active.
    assert get(client, "/api/topics.json") == [
        {"id": 12, "value": "Billing Questions"},
        {"id": 13, "value": "Billing Questions / Refund Request"},
        {"id": 2, "value": "Feedback"},
        {"id": 1, "value": "General Inquiry"},
        {"id": 10, "value": "Report a Problem"},
        {"id": 11, "value": "Report a Problem / Access Issue"},
    ]


def test_a_disabled_or_private_topic_leaves_the_portal(changed):
    client = changed(
        "UPDATE ost_help_topic SET isactive = 0 WHERE topic_id = 2",
        "UPDATE ost_help_topic SET ispublic = 0 WHERE topic_id = 1",
    )
    assert [t["id"] for t in get(client, "/api/topics.json")] == [12, 13, 10, 11]


def test_a_collaborator_sees_the_ticket(changed):
    # 1.10's ost_thread_collaborator has isactive, not flags; 1.10 has no setting that hides Cc'd tickets.
    client = changed(
        "INSERT INTO ost_thread_collaborator (isactive, thread_id, user_id, role, created, updated) "
        "VALUES (1, 2, 1, 'M', NOW(), NOW())"
    )
    assert numbers(client, user_id=1) == [REOPENED, RESOLVED]
    assert get(client, f"/api/tickets.json/{REOPENED}", email=CAROL)["ticket_number"] == REOPENED
    assert numbers(client, "/api/scp/tickets/clientTickets.json", clientUserMail=CAROL) == [REOPENED, RESOLVED]


def test_internal_note_is_for_agents_only(changed):
    note = "Internal: refund approved by billing."
    client = changed(
        "INSERT INTO ost_thread_entry (pid, thread_id, staff_id, user_id, type, flags, poster, source, title, body,"
        " format, ip_address, created, updated) VALUES (0, 2, 1, 0, 'N', 64, 'Admin Peer', '', 'Refund', "
        f"'{note}', 'html', '127.0.0.1', '2026-12-01 14:13:35', '0000-00-00 00:00:00')"
    )
    public = get(client, f"/api/tickets.json/{REOPENED}")
    assert note not in str(public) and [e["type"] for e in public["threads"]] == ["M"]
    staff = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber=REOPENED)["ticket"]
    assert [(e["type"], e["body"]) for e in staff["threads"]] == [("M", "Please refund order 555."), ("N", note)]
    assert staff["threads"][1]["staff_name"]["name"] == "Admin Peer"


# What osTicket 1.10.4 stored for a file sent with an API ticket (recorded with ../shared/osticket/peer-1.10.4:
# POST /api/tickets.json with attachments [{"receipt.txt": "data:text/plain;base64,..."}]), put on carol's message.
RECEIPT = b"Receipt 1001: 42.00 EUR\n"
RECORDED_ATTACHMENT = (
    "INSERT INTO ost_file (id, ft, bk, type, size, `key`, signature, name, attrs, created) VALUES (3, 'T', 'D', "
    "'text/plain', 24, 'oGcQn55zFfo7K-r6YcOR-rVZtyhFeUuo', '55zFfo7K-r6YcOR-jjkPam_udekJXK-P', 'receipt.txt', NULL, "
    "'2026-12-01 18:40:26')",
    "INSERT INTO ost_file_chunk (file_id, chunk_id, filedata) VALUES (3, 0, 'Receipt 1001: 42.00 EUR\\n')",
    "INSERT INTO ost_attachment (id, object_id, type, file_id, name, inline, lang) "
    "VALUES (13, 1, 'H', 3, NULL, 0, NULL)",
)


def test_an_attachment_as_1_10_stores_it_is_listed_and_downloads(changed):
    client = changed(*RECORDED_ATTACHMENT)
    [listed] = get(client, f"/api/tickets.json/{RESOLVED}")["threads"][0]["attachments"]
    assert {k: v for k, v in listed.items() if k != "url"} == {
        "id": 13, "name": "receipt.txt", "size": 24, "type": "text/plain", "inline": False,
    }  # fmt: skip
    response = client.get("/api/attachments/13/receipt.txt", headers=KEY)
    assert response.status_code == 200 and response.data == RECEIPT
    assert response.headers["ETag"] == '"55zFfo7K-r6YcOR-jjkPam_udekJXK-P"'  # ost_file.signature
    staff = get(client, "/api/scp/tickets/ticketInfo.json", ticketNumber=RESOLVED)["ticket"]
    assert staff["threads"][0]["attachments"][0]["name"] == "receipt.txt"


def test_staff_tickets_are_the_open_ones_assigned_to_the_agent(changed, client):
    assert numbers(client, "/api/scp/tickets/staffTickets.json", staffUserName="alice") == []  # hers is resolved
    assigned = changed(f"UPDATE ost_ticket SET staff_id = 2 WHERE number = '{REOPENED}'")
    body = get(assigned, "/api/scp/tickets/staffTickets.json", staffUserName="alice")
    assert [t["ticket_number"] for t in body["tickets"]] == [REOPENED]
    assert body["tickets"][0]["assigned_to"] == [{"type": "staff", "id": 2, "name": "Alice Agent"}]
    assert body["tickets"][0]["events"][-1]["event"] == "reopened"


def test_client_tickets_by_address_carry_the_events(client):
    body = get(client, "/api/scp/tickets/clientTickets.json", clientUserMail=DAVE)
    assert [t["ticket_number"] for t in body["tickets"]] == [REOPENED]
    assert [e["event"] for e in body["tickets"][0]["events"]] == ["created", "closed", "reopened"]


def test_all_tickets_are_pairs_newest_first(client):
    assert get(client, "/api/scp/tickets.json") == [
        [
            ["number", REOPENED],
            ["created", "2026-12-01 14:13:27"],
            ["updated", "2026-12-01 14:13:36"],
            ["closed", "2026-12-01 14:13:36"],
            ["href", f"/api/tickets/{REOPENED}"],
        ],
        [
            ["number", RESOLVED],
            ["created", "2026-12-01 14:13:25"],
            ["updated", "2026-12-01 14:13:32"],
            ["closed", "2026-12-01 14:13:32"],
            ["href", f"/api/tickets/{RESOLVED}"],
        ],
    ]


def test_portal_account_and_guest_access_read_their_own_tickets(make_app, reference_110_db):
    client = make_app(reference_110_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    signed_in = login(client, "carol", "ClientPeer#2024")  # her 1.10.4 portal account ($2a$08$ bcrypt)
    assert signed_in.status_code == 200, signed_in.get_json()
    assert numbers_with(client, signed_in.get_json()["token"]) == [RESOLVED]
    visitor = guest(client, REOPENED, DAVE.upper())  # "check ticket status": number and the owner's address
    assert visitor.status_code == 200, visitor.get_json()
    assert numbers_with(client, visitor.get_json()["token"]) == [REOPENED]
    assert client.get(f"/api/tickets.json/{RESOLVED}", headers=bearer(visitor.get_json()["token"])).status_code == 404


def numbers_with(client, token):
    response = client.get("/api/tickets.json", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return [t["ticket_number"] for t in response.get_json()]


@pytest.mark.parametrize(
    "url, params, budget",
    [
        (f"/api/tickets.json/{RESOLVED}", {}, 5),
        (f"/api/tickets.json/{RESOLVED}", {"email": CAROL}, 6),
        ("/api/scp/tickets/ticketInfo.json", {"ticketNumber": RESOLVED}, 6),
        ("/api/scp/tickets/clientTickets.json", {"clientUserMail": CAROL}, 7),
        ("/api/topics.json", {}, 3),
    ],
)
def test_reads_cost_what_they_cost_on_1_18(reference_110_app, url, params, budget):
    # The same budgets as tests/test_read_budget.py: the release is decided from cached facts, never per request.
    client = reference_110_app.test_client()
    assert client.get(url, headers=KEY, query_string=params).status_code == 200  # warm-up: catalog cached
    with count_statements(reference_110_app) as sql:
        assert client.get(url, headers=KEY, query_string=params).status_code == 200
    assert len(sql) <= budget, sql
