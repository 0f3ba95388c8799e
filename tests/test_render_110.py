"""osTicket 1.10.4's own staff panel and client portal show a ticket the bridge wrote, with its whole thread.

Needs the peer-1.10.4 kit running (../shared/osticket/peer-1.10.4/README.md: `bash setup.sh /srv/ost110 8082
osticket110`); skipped, with that reason, when its pages do not answer. OSTICKET_PEER_110_URL and
OSTICKET_PEER_110_DB_URL name another kit. The test writes into the kit's database (a new ticket, as any caller would);
the kit's reset.sh puts it back to the baseline.
"""

import html
import os
import re
import uuid

import pytest
import requests
from helpers import rows

PEER_URL = os.environ.get("OSTICKET_PEER_110_URL", "http://127.0.0.1:8082").rstrip("/")
PEER_DB_URL = os.environ.get("OSTICKET_PEER_110_DB_URL", "mysql+pymysql://root@127.0.0.1:3306/osticket110")
KEY = {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}
CSRF = re.compile(r'name="__CSRFToken__" value="([0-9a-f]+)"')


@pytest.fixture(scope="module")
def peer():
    try:
        page = requests.get(f"{PEER_URL}/scp/login.php", timeout=3)
    except requests.RequestException as exc:
        pytest.skip(f"the osTicket 1.10.4 peer kit does not answer at {PEER_URL} ({exc.__class__.__name__}): not run")
    if 'name="userid"' not in page.text:  # (1.10.4 answers its login page with a 422)
        pytest.skip(f"{PEER_URL} is not an osTicket 1.10.4 peer kit's staff panel: not run")
    return PEER_URL


def signed_in(base, form_page, fields):
    """A session signed in through osTicket's own login form (with its CSRF token)."""
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/{form_page}", timeout=10).text).group(1)
    session.post(f"{base}/{form_page}", data={"__CSRFToken__": token, **fields}, timeout=10)
    return session


def page_text(response):
    assert response.status_code == 200, response.status_code
    return html.unescape(re.sub(r"\s+", " ", response.text))


def test_osticket_110_panel_and_portal_show_a_ticket_the_bridge_wrote(peer, fresh_app):
    app = fresh_app(PEER_DB_URL)
    client = app.test_client()
    mark = uuid.uuid4().hex[:8]
    subject, message, response = f"Render {mark}: invoice", f"Message {mark} from the bridge.", f"Reply {mark}."
    body = {"email": "carol.customer@example.com", "name": "Carol Customer", "subject": subject, "topicId": 12,
            "message": f"data:text/plain,{message}"}  # fmt: skip
    created = client.post("/api/tickets.json", headers=KEY, json=body)
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["ticket_number"]
    reply = {"ticketNumber": number, "response": response, "staffUserName": "alice"}
    assert client.post("/api/scp/tickets/reply.json", headers=KEY, json=reply).status_code == 200
    more = client.put(f"/api/tickets.json/{number}", headers=KEY,
                      json={"email": "carol.customer@example.com", "message": f"Thanks {mark}."})  # fmt: skip
    assert more.status_code == 200, more.get_json()
    [ticket_id] = [r["ticket_id"] for r in rows(app, "SELECT ticket_id FROM ost_ticket WHERE number = :n", n=number)]

    # Staff panel, as alice (Billing): the queue lists it, the ticket page shows its thread.
    staff = signed_in(peer, "scp/login.php", {"do": "scplogin", "userid": "alice", "passwd": "AgentPeer#2024"})
    queue = page_text(staff.get(f"{peer}/scp/tickets.php", timeout=10))
    assert number in queue and subject in queue
    shown = page_text(staff.get(f"{peer}/scp/tickets.php", params={"id": ticket_id}, timeout=10))
    assert "Access denied" not in shown
    for text in (f"#{number}", subject, message, response, f"Thanks {mark}.", "Alice Agent", "Billing"):
        assert text in shown, text

    # Client portal, as carol: her list and the ticket with the agent's reply.
    portal = signed_in(peer, "login.php", {"luser": "carol", "lpasswd": "ClientPeer#2024"})
    mine = page_text(portal.get(f"{peer}/tickets.php", timeout=10))
    assert number in mine and subject in mine
    seen = page_text(portal.get(f"{peer}/tickets.php", params={"id": ticket_id}, timeout=10))
    for text in (f"#{number}", subject, message, response, f"Thanks {mark}."):
        assert text in seen, text
