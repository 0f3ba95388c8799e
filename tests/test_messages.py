"""One rule for every route that takes a message: the caller states format=text|html (text by default), and
error bodies carry the project's own message only."""

import pytest
from helpers import rows

KEY = {"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"}  # schema_fixtures/demo.sql
PRIYA = {"email": "priya.raman@example.net"}
OPEN_TICKET = "482915"  # Priya's, Billing, assigned to eve


@pytest.fixture
def client(fresh_app, fresh_fixtures_db):
    return fresh_app(fresh_fixtures_db).test_client()


def last_entry(client):
    app = client.application
    return rows(app, "SELECT body, format FROM ost_thread_entry ORDER BY id DESC LIMIT 1")[0]


def create(client, message, **extra):
    body = {**PRIYA, "subject": "Format", "message": message, **extra}
    return client.post("/api/tickets.json", headers=KEY, json=body)


def user_message(client, message, **extra):
    return client.put(f"/api/tickets.json/{OPEN_TICKET}", headers=KEY, json={**PRIYA, "message": message, **extra})


def agent_reply(client, message, **extra):
    body = {"ticketNumber": OPEN_TICKET, "staffUserName": "eve", "response": message, **extra}
    return client.post("/api/scp/tickets/reply.json", headers=KEY, json=body)


SENDS = [create, user_message, agent_reply]


@pytest.mark.parametrize("send", SENDS, ids=lambda f: f.__name__)
def test_text_is_the_default_and_markup_in_it_stays_visible(client, send):
    assert send(client, "a <b>bold</b> claim").status_code in (200, 201)
    entry = last_entry(client)
    shown = entry["body"] if entry["format"] == "text" else entry["body"].removeprefix("<p>").removesuffix("</p>")
    assert shown == "a &lt;b&gt;bold&lt;/b&gt; claim"


@pytest.mark.parametrize("send", SENDS, ids=lambda f: f.__name__)
def test_format_html_is_sanitised_html(client, send):
    response = send(client, '<p>a <b onclick="x()">bold</b> claim</p><script>alert(1)</script>', format="html")
    assert response.status_code in (200, 201), response.get_json()
    assert last_entry(client) == {"body": "<p>a <b>bold</b> claim</p>", "format": "html"}


@pytest.mark.parametrize("send", SENDS, ids=lambda f: f.__name__)
def test_any_other_format_is_refused_naming_the_field(client, send):
    response = send(client, "hello", format="markdown")
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"format": ["Must be one of: text, html."]}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/tickets.json"),
        ("put", f"/api/tickets.json/{OPEN_TICKET}"),
        ("post", "/api/scp/tickets/reply.json"),
    ],
)
def test_malformed_json_gets_only_our_message(client, method, path):
    response = getattr(client, method)(path, headers={**KEY, "Content-Type": "application/json"}, data="{oops")
    assert response.status_code == 400
    assert response.get_json() == {
        "code": 400,
        "status": "Bad Request",
        "message": "the request body is not valid JSON",
    }


def test_invalid_parameters_are_named_in_our_message(client):
    response = client.get("/api/tickets.json", headers=KEY, query_string={**PRIYA, "limit": "many"})
    assert response.status_code == 422
    assert response.get_json() == {
        "code": 422,
        "status": "Unprocessable Entity",
        "message": "invalid parameters: limit: Not a valid integer.",
        "errors": {"query": {"limit": ["Not a valid integer."]}},
    }


def test_unknown_endpoints_and_methods_get_our_sentence(client):
    assert client.get("/api/nothing.json", headers=KEY).get_json()["message"].startswith("no such endpoint")
    assert (
        client.patch("/api/topics.json", headers=KEY).get_json()["message"]
        == "this endpoint does not accept this method"
    )
