"""With a real osTicket 1.18.1 running (the peer kit, ../shared/osticket/peer/README.md): an agent's reply, note and
close made through osTicket's own PHP reach a webhook receiver and the customer's live stream within seconds, and
the note never reaches the stream.

Runs when OSTICKET_PEER_DIR names a started kit (its bin/ostphp) and OSTICKET_PEER_DB its database (default
osticket_peer_events25 on the test server); skipped otherwise. It adds the bridge's tables to the kit's database.
"""

import os
import pathlib
import subprocess
import time

import pytest
from events_helpers import FAST, add_webhook, rows, wait_for
from live import serving
from security_helpers import SECRET, bearer
from sqlalchemy import create_engine, text
from test_events_stream import Stream

from osticket_bridge import fixtures

PEER_DIR = pathlib.Path(os.environ.get("OSTICKET_PEER_DIR", "/nonexistent"))
# Loads osTicket, acts as agent alice on a ticket: ``reply TEXT``, ``note TEXT`` or ``close``.
AGENT = r"""
require getenv('OST_ROOT') . '/../bin/bootstrap.php';
global $thisstaff;
$thisstaff = Staff::lookup('alice');
$ticket = Ticket::lookupByNumber($argv[1]);
$errors = array();
switch ($argv[2]) {
case 'reply': $done = $ticket->postReply(array('response' => $argv[3], 'reply-to' => 'all'), $errors, false); break;
case 'note':
    $done = $ticket->postNote(array('note' => $argv[3], 'title' => 'Internal'), $errors, $thisstaff, false);
    break;
case 'close': $done = $ticket->setStatus(TicketStatus::lookup(array('name' => 'Closed')), '', $errors); break;
}
if (!$done) { fwrite(STDERR, json_encode($errors)); exit(1); }
"""


@pytest.fixture
def peer_db(db_server):
    if not (PEER_DIR / "bin" / "ostphp").exists():
        pytest.skip("no osTicket peer kit: OSTICKET_PEER_DIR names none (../shared/osticket/peer/setup.sh starts one)")
    url = fixtures.database_url(db_server, os.environ.get("OSTICKET_PEER_DB", "osticket_peer_events25"))
    fixtures.create_bridge_tables(url)
    engine = create_engine(url)
    with engine.begin() as conn:  # the receivers of earlier runs are gone
        conn.execute(text("DELETE FROM ost_bridge_webhook_delivery"))
        conn.execute(text("DELETE FROM ost_bridge_webhook"))
    engine.dispose()
    return url


def osticket(*args):
    result = subprocess.run(
        [str(PEER_DIR / "bin" / "ostphp"), "-r", AGENT, "--", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_agents_reply_note_and_close_in_osticket_reach_the_receiver_and_the_stream(peer_db, fresh_app, receiver):
    target = receiver()
    add_webhook(peer_db, target.url)
    app = fresh_app(peer_db, OSTICKET_TOKEN_SECRET=SECRET, **FAST)
    with serving(app) as base:
        wait_for(lambda: len(rows(peer_db, "SELECT source FROM ost_bridge_event_position")) == 2)
        client = app.test_client()
        key = {"X-API-Key": rows(peer_db, "SELECT apikey FROM ost_api_key WHERE isactive = 1 LIMIT 1")[0]["apikey"]}
        carol = {"email": "carol.customer@example.com"}
        created = client.post("/api/tickets.json", json={**carol, "subject": "Peer live", "message": "Hi"}, headers=key)
        assert created.status_code == 201, created.get_json()
        number = created.get_json()["ticket_number"]
        token = client.post("/api/auth/token", json=carol, headers=key).get_json()["token"]
        stream = Stream(int(base.rpartition(":")[2]), bearer(token))
        try:
            started = time.monotonic()
            osticket(number, "note", "Internal: check the warranty")
            osticket(number, "reply", "A replacement is on its way.")
            osticket(number, "close")
            wait_for(lambda: {"ticket.response", "ticket.status"} <= {e["type"] for e in stream.events}, 15)
            elapsed = time.monotonic() - started
            hooks = wait_for(lambda: _types(target, number) >= {"ticket.note", "ticket.response", "ticket.status"}, 15)
        finally:
            stream.close()
    print(f"osTicket's note, reply and close reached the customer's stream in {elapsed:.1f} s")
    assert hooks and elapsed < 10
    assert "Internal: check the warranty" not in str(stream.events)
    assert [e["type"] for e in stream.events if e["data"]["ticket"]["number"] == number][-2:] == [
        "ticket.response",
        "ticket.status",
    ]
    status = next(e for e in stream.events if e["type"] == "ticket.status")
    assert status["data"]["status"]["state"] == "closed"


def _types(target, number):
    return {d["type"] for d in target.delivered() if d["data"]["ticket"]["number"] == number}
