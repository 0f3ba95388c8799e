"""Issue 10's hostile input: deep JSON, bodies over the limit however sent, over-long URLs, and e-mail addresses
as osTicket's Validator::is_email (PEAR Mail_RFC822) judges them. Nothing is written for any of them."""

import json
import socket

import pytest
from faults import DEMO_KEY, Gunicorn, call, query
from world import KEY, OWNER, OWNER_NAME

from osticket_bridge.osticket.people.emails import is_email

LIMIT = 2048


def test_json_nested_10000_deep_is_a_400(fixtures_app):
    body = "[" * 10_000 + "]" * 10_000
    for method, path in (("POST", "/api/tickets.json"), ("GET", "/api/tickets.json"), ("POST", "/api/scp/users.json")):
        response = fixtures_app.test_client().open(
            path, method=method, data=body, headers={**DEMO_KEY, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["message"] == "the JSON body is nested too deeply"


@pytest.mark.parametrize(
    "address",
    [
        "carol@example.com",
        "o'brien+tag@mail.example.co.uk",
        "a@b",  # PEAR asks no dot in the host
        '"john doe"@example.com',
        '"a\\"b"@example.com',
        "x@[127.0.0.1]",
        "carol@EXAMPLE.com",
    ],
)
def test_addresses_osticket_accepts(address):
    assert is_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "😀x@example.com",  # 4-byte emoji
        "саrol@example.com",  # Cyrillic с and а
        "carol@exаmple.com",  # Cyrillic а in the host
        "josé@example.com",  # any non-ASCII byte: PEAR's atoms are ASCII
        "carol",  # PEAR adds the host "localhost"...
        "carol@localhost",  # ...which is_email refuses
        "a..b@example.com",
        ".a@example.com",
        "a.@example.com",
        "a b@example.com",
        "a@example..com",
        "a@",
        "@example.com",
        "a@b@example.com",
        "a,b@example.com",  # two addresses
        '"unclosed@example.com',
        "a\x00b@example.com",
        "a\x1fb@example.com",
        "a@[1.2.3.4",
        "Carol <carol@example.com>",  # PEAR takes a display name; the bridge stores a bare address only
        "x" * 250 + "@example.com",  # longer than ost_user_email.address
    ],
)
def test_addresses_osticket_refuses(address):
    assert not is_email(address)


@pytest.mark.parametrize("address", ["😀x@example.com", "саrol@example.com"])
def test_a_create_with_such_an_address_is_a_422_and_writes_nothing(fresh_app, fresh_fixtures_db, address):
    client = fresh_app(fresh_fixtures_db).test_client()
    before = query(fresh_fixtures_db, "SELECT COUNT(*) FROM ost_ticket")[0][0]
    body = {"email": address, "name": "Emoji", "subject": "Hi", "message": "hello"}
    response = client.post("/api/tickets.json", headers=DEMO_KEY, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]["json"]["email"] == ["a valid e-mail address is required"]
    response = client.post("/api/scp/users.json", headers=DEMO_KEY, json={**body, "password": "secret-123"})
    assert response.status_code == 422, response.get_json()
    assert query(fresh_fixtures_db, "SELECT COUNT(*) FROM ost_ticket")[0][0] == before
    assert query(fresh_fixtures_db, "SELECT COUNT(*) FROM ost_user_email WHERE address LIKE '%%?%%'")[0][0] == 0


@pytest.fixture(scope="module")
def gunicorn_bridge(db_server):
    """A real gunicorn (gunicorn.conf.py) with a 2 KB body limit, on its own copy of the fixtures."""
    from osticket_bridge import fixtures

    db_url = fixtures.create_database(db_server, f"hostile_{socket.gethostname()[:8]}_{id(db_server) % 10000}")
    try:
        fixtures.load_fixtures(db_url, demo=True)
        fixtures.create_bridge_tables(db_url)
        bridge = Gunicorn(db_url, OSTICKET_MAX_BODY_BYTES=str(LIMIT)).wait_serving()
        yield bridge, db_url
        bridge.stop()
    finally:
        fixtures.drop_database(db_server, db_url.rsplit("/", 1)[1])


def send_chunked(port, path, body, chunk=500):
    """POST ``body`` with Transfer-Encoding: chunked (no Content-Length); (status, JSON)."""
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + chunk]), body[i : i + chunk]) for i in range(0, len(body), chunk)
    )
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {DEMO_KEY['X-API-Key']}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode() + chunks + b"0\r\n\r\n")
        answer = b""
        while data := sock.recv(65536):
            answer += data
    head, _, payload = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


def test_an_over_limit_body_is_a_413_however_sent(gunicorn_bridge):
    bridge, db_url = gunicorn_bridge
    before = query(db_url, "SELECT COUNT(*) FROM ost_ticket")[0][0]
    big = {"email": "priya.raman@example.net", "subject": "Big", "message": "x" * (LIMIT + 100)}
    status, _, body = call(bridge.port, "POST", "/api/tickets.json", big, DEMO_KEY)
    assert (status, body["message"]) == (413, f"the request body is larger than {LIMIT} bytes")
    status, body = send_chunked(bridge.port, "/api/tickets.json", json.dumps(big).encode())
    assert (status, body["message"]) == (413, f"the request body is larger than {LIMIT} bytes")
    assert query(db_url, "SELECT COUNT(*) FROM ost_ticket")[0][0] == before
    # A chunked body within the limit is read whole and served.
    small = {**big, "subject": "Chunked", "message": "hello"}
    status, body = send_chunked(bridge.port, "/api/tickets.json", json.dumps(small).encode(), chunk=7)
    assert status == 201, body
    assert body["subject"] == "Chunked"


def test_an_over_long_url_is_a_json_414(gunicorn_bridge):
    bridge, _ = gunicorn_bridge
    status, headers, body = call(bridge.port, "GET", "/api/topics.json?x=" + "a" * 5000, headers=DEMO_KEY)
    assert status == 414
    assert headers["Content-Type"] == "application/json"
    assert body == {"code": 414, "status": "Request URI Too Long", "message": "the URL is longer than 4094 characters"}
    assert call(bridge.port, "GET", "/api/topics.json?x=" + "a" * 4000, headers=DEMO_KEY)[0] == 200
    # Past gunicorn's own request-line limit (8190) gunicorn answers, in the API's shape too.
    status, headers, body = call(bridge.port, "GET", "/api/topics.json?x=" + "a" * 9000, headers=DEMO_KEY)
    assert (status, headers["Content-Type"], body["code"]) == (414, "application/json", 414)
    assert body["message"].startswith("Request Line is too large")


# What osTicket 1.18.1 stored for these subjects and messages (stock API, JSON, text message; recorded on the peer
# kit): (thread-entry title, body). Emoticons are dropped, other 4-byte characters become "????" (MariaDB, utf8),
# C0 controls but tab/newline/CR are dropped, and a NUL becomes a space.
CONTROLS = "A\x00B\x01C\x08D\tE\x0bF\x0cG\rH\x1fI\x7fJ\x85K"
ASTRAL = "a\U0001d400b\U0001f600c\U0001fae0d\U0001f1ebe\U0001f980f"
BMP = "g\u2600h\u00a9i\u00abj\u00aek\u2702l\u231am\u00a8n"
OSTICKET_STORED = {
    CONTROLS: ("SA BCD EFG HI\x7fJ\x85K", "A BCD\tEFG\rHI\x7fJ\x85K"),
    ASTRAL: ("Sa????bc????d????ef", "a????bc????d????ef"),
    BMP: ("Sg\u2600hijklm\u00a8n", "g\u2600hijklm\u00a8n"),
}


@pytest.mark.parametrize("text", list(OSTICKET_STORED), ids=["controls", "astral", "bmp"])
def test_4_byte_nul_and_control_characters_are_stored_as_osticket_stores_them(fresh_app, fresh_baseline_db, text):
    client = fresh_app(fresh_baseline_db).test_client()
    body = {"name": OWNER_NAME, **OWNER, "subject": "S" + text, "message": text}
    response = client.post("/api/tickets.json", headers=KEY, json=body)
    assert response.status_code == 201, response.get_json()
    stored = query(
        fresh_baseline_db,
        "SELECT e.title, e.body FROM ost_thread_entry e JOIN ost_thread th ON th.id = e.thread_id "
        "JOIN ost_ticket t ON t.ticket_id = th.object_id AND th.object_type = 'T' WHERE t.number = %s",
        (response.get_json()["ticket_number"],),
    )
    assert stored == (OSTICKET_STORED[text],)


def test_a_name_loses_its_emoticons_and_nul(fresh_app, fresh_fixtures_db):
    client = fresh_app(fresh_fixtures_db).test_client()
    body = {"email": "emoji.name@example.com", "name": "Ann \U0001f600 Lee\x00", "subject": "Hi", "message": "hello"}
    assert client.post("/api/tickets.json", headers=DEMO_KEY, json=body).status_code == 201
    assert query(fresh_fixtures_db, "SELECT name FROM ost_user WHERE name LIKE 'Ann%%'") == (("Ann  Lee",),)
