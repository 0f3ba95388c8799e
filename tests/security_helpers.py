"""Credentials and rows of the real reference dump (sample-1.18.1.sql) and the demo fixtures, read from those
files, plus small request helpers for the security tests."""

SECRET = "test-token-secret-0123456789abcdef0123456789"  # noqa: S105 (tests only)

# Reference dump: API key bound to 127.0.0.1; Carol has a portal account (user 1) and ticket 386142.
REF_KEY = "42DD112CC04B6FA90CE905B1F6CA959C"
CAROL = {"id": 1, "username": "carol", "email": "carol.customer@example.com", "password": "ClientPeer#2024"}
DAVE = {"id": 2, "email": "dave.newuser@example.com"}
ERIN = {"id": 3, "email": "erin.extras@example.com"}
CAROL_TICKET, DAVE_TICKET, ERIN_TICKET = "386142", "869769", "164336"
# Bodies of the dump's internal notes (ost_thread_entry type N).
REF_NOTES = (
    "Alice handles billing.",
    "Closing: refund processed.",
    "Internal: customer is on the legacy plan",
    "Closed after phone call.",
)

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
