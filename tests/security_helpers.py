"""Credentials and rows of the real reference dump (sample-1.18.1.sql) or the demo fixtures, read from those
files, plus small request helpers for the security tests."""

from world import REAL_REFERENCE

SECRET = "test-token-secret-0123456789abcdef0123456789"  # noqa: S105 (tests only)

# The real sample dump (from ../shared) when given, else the demo fixtures stand in (world.py):
# USER has a portal account (user 1); OTHER_USER (user 2) and THIRD_USER (user 3) have none; NOTES are the bodies
# of the database's internal notes (ost_thread_entry type N).
if REAL_REFERENCE:
    REF_KEY = "42DD112CC04B6FA90CE905B1F6CA959C"
    USER = {"id": 1, "username": "carol", "email": "carol.customer@example.com", "password": "ClientPeer#2024"}
    OTHER_USER = {"id": 2, "email": "dave.newuser@example.com"}
    THIRD_USER = {"id": 3, "email": "erin.extras@example.com"}
    USER_TICKETS = ("386142",)
    OTHER_TICKET, THIRD_TICKET = "869769", "164336"  # Dave's is open, Erin's closed
    NOTES = (
        "Alice handles billing.",
        "Closing: refund processed.",
        "Internal: customer is on the legacy plan",
        "Closed after phone call.",
    )
    TICKET_COUNT = 3
    AGENT = "alice"  # staff 2, with access to Billing (USER_TICKET's department)
else:
    REF_KEY = "0123456789ABCDEF0123456789ABCDEF"
    USER = {"id": 1, "username": "priya", "email": "priya.raman@example.net", "password": "demo-pass-123"}
    OTHER_USER = {"id": 2, "email": "tomas.ibarra@example.org"}
    THIRD_USER = {"id": 3, "email": "lena.fischer@example.com"}
    USER_TICKETS = ("482915", "918273")
    OTHER_TICKET, THIRD_TICKET = "731604", "350628"  # Tomás's is resolved, Lena's open
    NOTES = (
        "Eve is covering billing questions this week.",
        "Facilities updated the reader firmware, closing.",
        "Same timeout reproduced on staging",
    )
    TICKET_COUNT = 5
    AGENT = "dana"
USER_TICKET = USER_TICKETS[0]

# Demo fixtures: Priya (user 1, portal account) owns 482915 and 918273; Lena's 350628 has an internal note.
DEMO_KEY = "0123456789ABCDEF0123456789ABCDEF"
PRIYA = {"id": 1, "username": "priya", "email": "priya.raman@example.net", "password": "demo-pass-123"}
PRIYA_TICKETS = ("482915", "918273")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def mint(client, key=REF_KEY, **params):
    """A token for a user (email= or user_id=) minted with an API key."""
    response = client.post("/api/auth/token", json=params, headers={"X-API-Key": key})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def login(client, username, password):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def guest(client, number, email):
    return client.post("/api/auth/guest", json={"ticket_number": number, "email": email})
