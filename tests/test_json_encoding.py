"""Every JSON answer is encoded by orjson (api/encoding.py) to the very bytes Flask's own provider wrote before:
compact, ASCII only (``ensure_ascii``), keys in the answer's order, one newline at the end."""

import json
from datetime import datetime
from decimal import Decimal

import pytest
from security_helpers import REF_KEY
from sqlalchemy import select

from osticket_bridge.api.encoding import OrjsonProvider

DEMO_KEY = "0123456789ABCDEF0123456789ABCDEF"  # the demo data's API key (schema_fixtures)


def stdlib(document):
    """What Flask's provider wrote: json.dumps with ensure_ascii, no sorting, compact, and a newline."""
    return (json.dumps(document, ensure_ascii=True, separators=(",", ":")) + "\n").encode()


TRICKY = [
    {"b": 1, "a": [True, None, 0, -7, 2**63 - 1, "plain"]},  # key order kept, not sorted
    {"text": "café, 1 €, 😀 (astral: a surrogate pair), \u2028 \u2029, DEL \x7f, <b>&'\"\\/"},
    {"controls": "".join(map(chr, range(32)))},
    {"big": 2**70},  # beyond 64 bits: orjson refuses, the standard library writes it
    {1: "an int key"},  # orjson refuses non-string keys
    {"lone surrogate": "\ud800"},
    {"decimal": Decimal("12.50"), "time": datetime(2026, 12, 6, 9, 30)},  # Flask's own conversions
    [],
    "",
]


@pytest.mark.parametrize("document", TRICKY)
def test_tricky_documents_encode_as_flasks_provider_encoded_them(fixtures_app, document):
    provider = fixtures_app.json
    assert isinstance(provider, OrjsonProvider)
    with fixtures_app.app_context():
        expected = stdlib(json.loads(json.dumps(document, default=provider.default)))
        assert provider.encode(document) == expected


def answers(app, key):
    """(path, body) of every read's answer on the app's database: each ticket in both views, each user's lists,
    the topics, the agents' lists, and some refusals."""
    db = app.extensions["osticket"]
    with db.engine.connect() as conn:
        numbers = conn.execute(select(db.tables.ticket.c.number)).scalars().all()
        users = conn.execute(select(db.tables.user.c.id)).scalars().all()
        agents = conn.execute(select(db.tables.staff.c.username)).scalars().all()
    paths = ["/api/topics.json", "/api/scp/tickets.json", "/api/tickets.json/0", "/api/tickets.json?user_id=x"]
    paths += [f"/api/tickets.json/{n}" for n in numbers]
    paths += [f"/api/scp/tickets/ticketInfo.json?ticketNumber={n}" for n in numbers]
    paths += [f"/api/tickets.json?user_id={u}" for u in users]
    paths += [f"/api/scp/tickets/staffTickets.json?staffUserName={a}" for a in agents]
    client = app.test_client()
    for path in paths:
        response = client.get(path, headers={"X-API-Key": key}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert response.mimetype == "application/json", path
        yield path, response.get_data()


@pytest.mark.parametrize("name", ["fixtures", "reference"])
def test_every_answer_on_the_demo_and_sample_data_is_what_flasks_provider_wrote(request, name):
    app = request.getfixturevalue(f"{name}_app")
    key = DEMO_KEY if name == "fixtures" else REF_KEY
    seen = 0
    for path, body in answers(app, key):
        assert body == stdlib(json.loads(body)), path
        seen += 1
    assert seen > 10
