"""Which help desk the behaviour tests run on, and its names.

With the real fresh install (OSTICKET_BASELINE_DUMP, from ../shared) they run there, as osTicket's own rows;
without it, on our own schema_fixtures/ with the demo data, whose setup matches the real install where these
tests look (department 4 Billing with topics 12 and 13, agent 2 in Support with access to Billing, user 1 with a
portal account, an API key bound to 127.0.0.1).
"""

import os

REAL_BASELINE = bool(os.environ.get("OSTICKET_BASELINE_DUMP"))
# The real sample dump (a help desk with three tickets); without it, the demo data stands in for it too.
REAL_REFERENCE = bool(os.environ.get("OSTICKET_REFERENCE_DUMP"))

if REAL_BASELINE:
    KEY = {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}
    OWNER = {"email": "carol.customer@example.com"}  # user 1, portal account
    OWNER_NAME = "Carol Customer"
    AGENT, AGENT_NAME, AGENT_EMAIL = "alice", "Alice Agent", "alice.agent@example.com"  # staff 2
    OWNER_LOGIN = {"username": "carol", "password": "ClientPeer#2024"}
    OWNER_TIMEZONE = "America/New_York"  # her portal account's
    TOPIC_12, TOPIC_13 = "Billing Questions", "Refund Request"  # 13 under 12
    AGENT_LASTFIRST = "Agent, Alice"
    OTHER_NAME, OTHER_EMAIL = "Dave Newuser", "dave.newuser@example.com"  # user 2 (created by a golden operation)
else:
    KEY = {"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"}
    OWNER = {"email": "priya.raman@example.net"}
    OWNER_NAME = "Priya Raman"
    AGENT, AGENT_NAME, AGENT_EMAIL = "dana", "Dana Whitfield", "dana.whitfield@example.com"
    OWNER_LOGIN = {"username": "priya", "password": "demo-pass-123"}
    OWNER_TIMEZONE = "Europe/London"
    TOPIC_12, TOPIC_13 = "Billing", "Refunds"
    AGENT_LASTFIRST = "Whitfield, Dana"
    OTHER_NAME, OTHER_EMAIL = "Tomás Ibarra", "tomas.ibarra@example.org"

# A plain ticket of the owner under topic 12, for tests that need "a ticket created through the API".
TICKET_SUBJECT = "Question about my invoice"
TICKET_REQUEST = {
    **OWNER,
    "name": OWNER_NAME,
    "subject": TICKET_SUBJECT,
    "message": "Hello, I was charged twice for invoice 1001. Can you check?",
    "topicId": 12,
}
# A new address, for tests that need the create to add a user.
NEW_USER_REQUEST = {
    "email": "new.customer@example.com",
    "name": "New Customer",
    "subject": "Refund for a cancelled order",
    "message": "Please refund order 5521.",
    "topicId": 13,
}
# A new address with a phone, an HTML message and an attachment.
EXTRAS_REQUEST = {
    "email": "extra.person@example.com",
    "name": "Extra Person",
    "phone": "555-0199",
    "subject": "Smoke alarm in the server room",
    "message": "data:text/html,<p>Smoke <b>everywhere</b></p>",
    "priorityId": 4,
    "attachments": [{"smoke.txt": "data:text/plain;base64,U21va2UgZXZlcnl3aGVyZQo="}],
}
