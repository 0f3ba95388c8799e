"""The event feed: osTicket's own changes (its golden run replayed: statements on the real install, recorded rows on
the demo data) become events, in order, once each; a row committed after a later one is still delivered; a restart
loses and duplicates nothing; GET /api/events."""

import json
import time

import pytest
from events_helpers import DESK, GOLDEN_EVENTS, GOLDEN_ORDER, apply_diff, loops, recorded, replay, rows
from golden import GOLDEN_110_DIR
from security_helpers import SECRET, bearer
from sqlalchemy import text
from world import AGENT_NAME, OWNER_NAME

from osticket_bridge.db import make_engine

# What osTicket 1.18.1's golden operations mean, in the order it ran them (GOLDEN_ORDER), read from their rows:
EXPECTED = [
    ("create_ticket_api", ["ticket.created", "ticket.message"]),
    ("create_ticket_api_new_user", ["ticket.created", "ticket.message"]),
    ("create_ticket_api_extras", ["ticket.created", "ticket.message"]),
    ("user_reply", ["ticket.message"]),
    ("assign_ticket_to_staff", ["ticket.assigned", "ticket.note"]),  # the assignment's comment is a note
    ("staff_reply_with_status", ["ticket.response", "ticket.status"]),  # Resolved
    ("user_reply_reopens", ["ticket.message", "ticket.status"]),  # reopened by the reply
    ("close_ticket", ["ticket.status"]),
    ("reopen_ticket", ["ticket.status"]),
    ("close_ticket_by_staff", ["ticket.note", "ticket.status"]),  # "Status Changed" note, then Closed
    ("reopen_ticket_by_staff", ["ticket.status"]),
]


# osTicket 1.10.4 (its thread events name themselves in ost_thread_event.state): its recorded operations, in order.
EXPECTED_110 = [
    ("create_ticket_api", ["ticket.created", "ticket.message"]),
    ("create_ticket_api_new_user", ["ticket.created", "ticket.message"]),
    ("user_reply", ["ticket.message"]),
    ("staff_reply_with_status", ["ticket.response", "ticket.status"]),
    ("close_ticket", ["ticket.status"]),
    ("reopen_ticket", ["ticket.status"]),
]


def test_osticket_110s_rows_become_the_same_events(fresh_baseline_110_db, fresh_app):
    app = fresh_app(fresh_baseline_110_db)
    feed = loops(app).feed
    feed.ingest()
    for op, types in EXPECTED_110:
        apply_diff(fresh_baseline_110_db, op, GOLDEN_110_DIR)
        before = len(rows(fresh_baseline_110_db, "SELECT id FROM ost_bridge_event"))
        assert feed.ingest() == len(types), op
        got = rows(fresh_baseline_110_db, "SELECT type, data FROM ost_bridge_event WHERE id > :n", n=before)
        assert sorted(r["type"] for r in got) == sorted(types), op
        if op == "staff_reply_with_status":
            [status] = [json.loads(r["data"]) for r in got if r["type"] == "ticket.status"]
            assert status["status"]["name"] == "Resolved" and status["change"]["by"] == "alice"
            assert status["ticket"]["subject"] == "Golden A: question about my invoice"


def api_key(db_url):
    return rows(db_url, "SELECT apikey FROM ost_api_key WHERE isactive = 1 ORDER BY id LIMIT 1")[0]["apikey"]


def test_each_golden_operation_of_osticket_becomes_its_events(fresh_baseline_db, fresh_app):
    app = fresh_app(fresh_baseline_db)
    feed = loops(app).feed
    assert feed.ingest() == 0  # the first poll only takes the position: history is not replayed
    for op, types in EXPECTED:
        replay(fresh_baseline_db, op)
        before = len(rows(fresh_baseline_db, "SELECT id FROM ost_bridge_event"))
        assert feed.ingest() == len(types), op
        got = rows(fresh_baseline_db, "SELECT type FROM ost_bridge_event WHERE id > :n ORDER BY id", n=before)
        # Within one second the feed cannot tell which table osTicket wrote first: compared as sets per operation.
        assert sorted(r["type"] for r in got) == sorted(types), op
    assert feed.ingest() == 0  # nothing twice


def test_events_carry_the_ticket_and_the_entry(fresh_baseline_db, fresh_app):
    app = fresh_app(fresh_baseline_db)
    feed = loops(app).feed
    feed.ingest()
    replay(fresh_baseline_db, *GOLDEN_ORDER[:6])
    feed.ingest()
    key = api_key(fresh_baseline_db)
    page = app.test_client().get("/api/events", headers={"X-API-Key": key}).get_json()
    by_type = {}
    for event in page["events"]:
        assert set(event) == {"id", "type", "created", "data"}
        by_type.setdefault(event["type"], []).append(event)
    # What osTicket wrote: its reply, its status change and its assignment (thread events), on the owner's ticket.
    [written] = recorded("staff_reply_with_status", "ost_thread_entry")
    [changed] = recorded("staff_reply_with_status", "ost_thread_event")
    [assigned_row] = recorded("assign_ticket_to_staff", "ost_thread_event")
    [cdata] = recorded("create_ticket_api", "ost_ticket__cdata")
    reply = by_type["ticket.response"][0]["data"]
    assert reply["entry"]["body"] == written["body"] and "We refunded the duplicate charge" in written["body"]
    assert (
        reply["entry"]["poster"] == written["poster"] == AGENT_NAME and reply["entry"]["type"] == written["type"] == "R"
    )
    ticket = reply["ticket"]
    assert ticket["number"] == DESK.ticket_a and ticket["subject"] == cdata["subject"]
    assert ticket["user_email"] == DESK.owner["email"] and ticket["department"]
    status = by_type["ticket.status"][0]["data"]
    assert json.loads(changed["data"]) == {"status": [2, "Resolved"]}
    assert status["status"]["name"] == "Resolved" and status["change"]["by"] == changed["username"] == DESK.agent
    assigned = by_type["ticket.assigned"][0]["data"]["change"]
    assert assigned["data"] == json.loads(assigned_row["data"]) == {"staff": [2, AGENT_NAME]}


def test_the_pull_feed_pages_in_order_filters_by_type_and_refuses_end_users(fresh_baseline_db, fresh_app):
    app = fresh_app(fresh_baseline_db, OSTICKET_TOKEN_SECRET=SECRET)
    feed = loops(app).feed
    feed.ingest()
    replay(fresh_baseline_db, *GOLDEN_ORDER)
    feed.ingest()
    client, key = app.test_client(), {"X-API-Key": api_key(fresh_baseline_db)}
    seen, after = [], None
    while True:
        page = client.get("/api/events", query_string={"limit": 4, **({"after": after} if after else {})}, headers=key)
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        if not body["events"]:
            assert body["next"] == after  # an empty page keeps the cursor
            break
        seen += body["events"]
        after = body["next"]
    stored = rows(fresh_baseline_db, "SELECT id, type FROM ost_bridge_event ORDER BY id")
    assert [e["id"] for e in seen] == [f"evt_{r['id']}" for r in stored]
    assert len(stored) == sum(len(types) for _, types in EXPECTED) == GOLDEN_EVENTS
    notes = client.get("/api/events", query_string={"types": "ticket.note"}, headers=key).get_json()["events"]
    assert [e["type"] for e in notes] == ["ticket.note", "ticket.note"]

    token = client.post("/api/auth/token", json={"user_id": 1}, headers=key).get_json()["token"]
    assert client.get("/api/events", headers=bearer(token)).status_code == 401
    assert client.get("/api/events").status_code == 401
    for bad in ({"after": "42; DROP"}, {"types": "ticket.nope"}, {"limit": 0}):
        answer = client.get("/api/events", query_string=bad, headers=key)
        assert answer.status_code == 422 and answer.get_json()["code"] == 422


def _entry_insert(thread_id, body):
    return text(
        "INSERT INTO ost_thread_entry SET created = NOW(), type = 'M', thread_id = :thread, format = 'text', "
        "user_id = 1, poster = :poster, source = 'Web', ip_address = '127.0.0.1', body = :body"
    ).bindparams(thread=thread_id, poster=OWNER_NAME, body=body)


def test_an_entry_committed_after_a_later_one_is_still_delivered(fresh_baseline_db, fresh_app):
    app = fresh_app(fresh_baseline_db)
    feed = loops(app).feed
    replay(fresh_baseline_db, "create_ticket_api")
    feed.ingest()
    engine = make_engine(fresh_baseline_db)  # osTicket's session: sql_mode ''
    try:
        with engine.connect() as slow, engine.connect() as fast:
            slow.begin()
            slow.execute(_entry_insert(1, "taken first, committed last"))  # its id is lower
            with fast.begin():
                fast.execute(_entry_insert(1, "taken second, committed first"))
            assert feed.ingest() == 1  # the later id; the lower one is watched as a gap
            slow.commit()
        assert feed.ingest() == 1
        assert feed.ingest() == 0
    finally:
        engine.dispose()
    bodies = [r["data"] for r in rows(fresh_baseline_db, "SELECT data FROM ost_bridge_event ORDER BY id")]
    assert "committed first" in bodies[0] and "committed last" in bodies[1]


def test_a_rolled_back_id_stops_being_watched(fresh_baseline_db, fresh_app):
    app = fresh_app(fresh_baseline_db, OSTICKET_EVENTS_GAP_SECONDS=0.3)
    feed = loops(app).feed
    replay(fresh_baseline_db, "create_ticket_api")
    feed.ingest()
    engine = make_engine(fresh_baseline_db)  # osTicket's session: sql_mode ''
    try:
        with engine.connect() as conn:
            conn.begin()
            conn.execute(_entry_insert(1, "never committed"))
            conn.rollback()
        with engine.begin() as conn:
            conn.execute(_entry_insert(1, "committed"))
    finally:
        engine.dispose()
    assert feed.ingest() == 1
    assert _gaps(fresh_baseline_db) != "{}"
    time.sleep(0.4)
    feed.ingest()
    assert _gaps(fresh_baseline_db) == "{}"


def _gaps(db_url):
    return rows(db_url, "SELECT gaps FROM ost_bridge_event_position WHERE source = 'E'")[0]["gaps"]


@pytest.mark.parametrize("stop_after", [3, 7])
def test_a_restart_loses_and_duplicates_nothing(fresh_baseline_db, fresh_app, stop_after):
    first = loops(fresh_app(fresh_baseline_db)).feed
    first.ingest()
    replay(fresh_baseline_db, *GOLDEN_ORDER[:stop_after])
    first.ingest()
    replay(fresh_baseline_db, *GOLDEN_ORDER[stop_after:])  # while no bridge runs
    second = loops(fresh_app(fresh_baseline_db)).feed  # a new process: the position comes from the table
    second.ingest()
    stored = rows(fresh_baseline_db, "SELECT type, source, source_id FROM ost_bridge_event ORDER BY id")
    assert sorted(r["type"] for r in stored) == sorted(t for _, types in EXPECTED for t in types)
    assert len({(r["source"], r["source_id"]) for r in stored}) == len(stored)
