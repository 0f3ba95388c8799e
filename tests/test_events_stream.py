"""The end user's live stream: over a real HTTP server, only their own tickets' public events (never notes nor
agents' private data), heartbeats, Last-Event-ID resumption; servers and strangers refused."""

import http.client
import json
import threading

import pytest
from events_helpers import DESK, FAST, GOLDEN_ORDER, recorded, replay, rows, wait_for
from live import serving
from security_helpers import SECRET, bearer
from sqlalchemy import text
from world import AGENT_NAME

from osticket_bridge.db import make_engine

# The owner's ticket (user 1: Carol on the real install, Priya on the demo data), opened in create_ticket_api; the
# user create_ticket_api_new_user adds (Dave) opens the second: their ids and the first's thread as osTicket wrote them.
CAROL_TICKET = DESK.ticket_a
[_OPENED] = recorded("create_ticket_api", "ost_ticket")
CAROL, DAVE = _OPENED["user_id"], recorded("create_ticket_api_new_user", "ost_ticket")[0]["user_id"]
[_THREAD] = recorded("create_ticket_api", "ost_thread")


@pytest.fixture
def served(fresh_baseline_db, fresh_app):
    """(app, port, API key header) of a bridge served live, its feed started."""
    app = fresh_app(fresh_baseline_db, OSTICKET_TOKEN_SECRET=SECRET, **FAST)
    with serving(app) as base:
        wait_for(lambda: len(rows(fresh_baseline_db, "SELECT source FROM ost_bridge_event_position")) == 2)
        key = rows(fresh_baseline_db, "SELECT apikey FROM ost_api_key WHERE isactive = 1 LIMIT 1")[0]["apikey"]
        yield app, int(base.rpartition(":")[2]), {"X-API-Key": key}


class Stream:
    """An open text/event-stream, read on a thread into ``events`` and ``comments``."""

    def __init__(self, port, headers):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.conn.request("GET", "/api/events/stream", headers=headers)
        self.response = self.conn.getresponse()
        self.events, self.comments = [], []
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        fields = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith(":"):
                    self.comments.append(line)
                elif line:
                    name, _, value = line.partition(": ")
                    fields[name] = value
                elif "data" in fields:
                    self.events.append({"id": fields["id"], "event": fields["event"], **json.loads(fields["data"])})
                    fields = {}
        except (OSError, ValueError):
            pass

    def close(self):
        self.conn.close()


def test_the_stream_carries_the_users_public_events_only(served, fresh_baseline_db):
    app, port, key = served
    client = app.test_client()
    token = client.post("/api/auth/token", json={"user_id": CAROL}, headers=key).get_json()["token"]
    stream = Stream(port, bearer(token))
    assert stream.response.status == 200 and stream.response.getheader("Content-Type").startswith("text/event-stream")
    try:
        replay(fresh_baseline_db, *GOLDEN_ORDER[:6])  # three tickets; a note and a reply on Carol's
        wait_for(lambda: any(e["type"] == "ticket.status" for e in stream.events), what="the Resolved status")
        wait_for(lambda: stream.comments, seconds=3, what="a heartbeat")
    finally:
        stream.close()
    types = [e["type"] for e in stream.events]
    assert types.count("ticket.created") == 1 and "ticket.response" in types and "ticket.message" in types
    assert "ticket.note" not in types and "ticket.assigned" not in types
    assert {e["data"]["ticket"]["number"] for e in stream.events} == {CAROL_TICKET}
    text = json.dumps(stream.events)
    [note] = recorded("assign_ticket_to_staff", "ost_thread_entry")
    assert note["type"] == "N" and note["body"] not in text  # the assignment's note
    assert "staff_id" not in text and "user_email" not in text and '"by"' not in text
    reply = next(e for e in stream.events if e["type"] == "ticket.response")
    assert reply["data"]["entry"]["poster"] == AGENT_NAME and reply["event"] == "ticket.response"
    status = next(e for e in stream.events if e["type"] == "ticket.status")
    assert status["data"]["status"] == {"name": "Resolved", "state": "closed"}

    # Reconnecting with Last-Event-ID resumes after it: the same events again from there, nothing else.
    first = stream.events[0]["id"]
    again = Stream(port, {**bearer(token), "Last-Event-ID": first})
    try:
        wait_for(lambda: len(again.events) == len(stream.events) - 1, what="the resumed events")
    finally:
        again.close()
    assert [e["id"] for e in again.events] == [e["id"] for e in stream.events[1:]]


def test_servers_strangers_and_bad_resumption_are_refused(served):
    app, port, key = served
    client = app.test_client()
    assert client.get("/api/events/stream", headers=key).status_code == 403
    assert client.get("/api/events/stream").status_code == 401
    assert client.get("/api/events/stream", headers=bearer("forged.token")).status_code == 401
    token = client.post("/api/auth/token", json={"user_id": CAROL}, headers=key).get_json()["token"]
    bad = client.get("/api/events/stream", headers={**bearer(token), "Last-Event-ID": "1 OR 1=1"})
    assert bad.status_code == 422 and bad.get_json()["code"] == 422


def test_another_users_stream_sees_only_their_own_ticket(served, fresh_baseline_db):
    app, port, key = served
    client = app.test_client()
    token = client.post("/api/auth/token", json={"user_id": CAROL}, headers=key).get_json()["token"]
    carol = Stream(port, bearer(token))
    replay(fresh_baseline_db, "create_ticket_api", "create_ticket_api_new_user")  # Carol's, then Dave's
    other = client.post("/api/auth/token", json={"user_id": DAVE}, headers=key).get_json()["token"]
    stranger = Stream(port, {**bearer(other), "Last-Event-ID": "evt_0"})  # from the very first event
    try:
        wait_for(lambda: len(carol.events) == 2 and len(stranger.events) == 2, what="each user's two events")
        # OSTICKET_EVENTS_MAX_STREAMS (2 here): a third stream in this process waits its turn.
        third = client.get("/api/events/stream", headers=bearer(token))
        assert third.status_code == 503 and third.headers["Retry-After"]
    finally:
        stranger.close()
        carol.close()
    assert {e["data"]["ticket"]["number"] for e in carol.events} == {CAROL_TICKET}
    assert CAROL_TICKET not in {e["data"]["ticket"]["number"] for e in stranger.events}


def test_a_collaborator_sees_the_tickets_events_once_added(served, fresh_baseline_db):
    app, port, key = served
    client = app.test_client()
    replay(fresh_baseline_db, "create_ticket_api", "create_ticket_api_new_user")  # Carol's, then Dave's
    token = client.post("/api/auth/token", json={"user_id": DAVE}, headers=key).get_json()["token"]
    before = Stream(port, {**bearer(token), "Last-Event-ID": "evt_0"})
    try:
        wait_for(lambda: len(before.events) == 2, what="Dave's own two events")
    finally:
        before.close()
    assert CAROL_TICKET not in {e["data"]["ticket"]["number"] for e in before.events}
    # osTicket adds Dave as a collaborator (Cc) of Carol's ticket: its thread now shows him that ticket.
    engine = make_engine(fresh_baseline_db)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ost_thread_collaborator SET flags = 3, thread_id = :t, user_id = :u, role = 'M', "
                    "created = NOW(), updated = NOW()"
                ),
                {"t": _THREAD["id"], "u": DAVE},
            )
    finally:
        engine.dispose()
    after = Stream(port, {**bearer(token), "Last-Event-ID": "evt_0"})
    try:
        wait_for(lambda: len(after.events) == 4, what="Carol's ticket's events too")
    finally:
        after.close()
    assert CAROL_TICKET in {e["data"]["ticket"]["number"] for e in after.events}
