"""Files sent the way browsers send them (multipart/form-data), on every write that takes files: several parts under
one field name (``<input type="file" multiple name="attachments">``), parts under mixed names, the widget's own form;
the field's rules apply to each file and the count to all of them; a route that takes no files refuses them."""

import io

import pytest
from attachment_files import pdf, png
from helpers import rows
from security_helpers import DEMO_KEY, PRIYA, PRIYA_TICKETS, SECRET
from update_helpers import diff_of

from osticket_bridge.api.attachments import MAX_FILES
from osticket_bridge.osticket.catalog.cache import catalog_cache

KEY = {"X-API-Key": DEMO_KEY}
TICKET = PRIYA_TICKETS[0]


@pytest.fixture
def app(fresh_app, fresh_fixtures_db):
    return fresh_app(fresh_fixtures_db, OSTICKET_TOKEN_SECRET=SECRET)


def part(data, name, mime="application/octet-stream"):
    return (io.BytesIO(data), name, mime)


def sent(client, method, path, fields, parts):
    """``parts``: (field name, file) pairs, a field name repeated as often as a browser repeats it."""
    data = {**fields}
    for field, file in parts:
        data.setdefault(field, []).append(file)
    return client.open(path, method=method, headers=KEY, data=data, content_type="multipart/form-data")


def stored(app, names):
    """(name, size, type) of the newest files with these names, as ost_file holds them."""
    found = rows(app, "SELECT name, size, type FROM ost_file ORDER BY id")
    return [(r["name"], r["size"], r["type"]) for r in found if r["name"] in names]


def listed(ticket, entry=-1):
    return [(a["name"], a["size"], a["type"]) for a in ticket["threads"][entry]["attachments"]]


def test_two_files_in_one_field_are_both_attached_to_a_message(app):
    client = app.test_client()
    one, two = pdf("first"), png()
    parts = [
        ("attachments", part(one, "first.pdf", "application/pdf")),
        ("attachments", part(two, "shot.png", "image/png")),
    ]
    fields = {"email": PRIYA["email"], "message": "Two files."}
    response = sent(client, "PUT", f"/api/tickets.json/{TICKET}", fields, parts)
    assert response.status_code == 200, response.get_json()
    expected = [("first.pdf", len(one), "application/pdf"), ("shot.png", len(two), "image/png")]
    assert listed(response.get_json()) == expected
    assert stored(app, {"first.pdf", "shot.png"}) == expected
    urls = [a["url"] for a in response.get_json()["threads"][-1]["attachments"]]
    assert [client.get(url.split("localhost", 1)[1]).data for url in urls] == [one, two]


def test_a_new_ticket_and_an_agent_reply_keep_every_part_whatever_its_field_name(app):
    client = app.test_client()
    parts = [
        ("attachments", part(b"one\n", "a.txt", "text/plain")),
        ("photo", part(png(), "b.png", "image/png")),
        ("attachments", part(b"three\n", "c.txt", "text/plain")),
        ("attachments[]", part(pdf("d"), "d.pdf", "application/pdf")),
    ]
    created = sent(
        client,
        "POST",
        "/api/tickets.json",
        {"email": PRIYA["email"], "subject": "Four files", "message": "See."},
        parts,
    )
    assert created.status_code == 201, created.get_json()
    # werkzeug groups the parts by field name, in the order each name first appears
    assert [name for name, *_ in listed(created.get_json(), 0)] == ["a.txt", "c.txt", "b.png", "d.pdf"]
    reply = sent(
        client, "POST", "/api/scp/tickets/reply.json",
        {"ticketNumber": created.get_json()["ticket_number"], "staffUserName": "dana", "response": "Thanks."},
        [("files", part(b"x\n", "x.txt", "text/plain")), ("files", part(b"y\n", "y.txt", "text/plain"))],
    )  # fmt: skip
    assert reply.status_code == 200, reply.get_json()
    ticket = client.get(f"/api/tickets.json/{created.get_json()['ticket_number']}", headers=KEY).get_json()
    assert [name for name, *_ in listed(ticket)] == ["x.txt", "y.txt"]


def test_an_empty_file_input_is_no_file_and_a_nameless_file_is_refused(app, fresh_fixtures_db):
    client = app.test_client()
    fields = {"email": PRIYA["email"], "message": "Nothing picked."}
    response = sent(client, "PUT", f"/api/tickets.json/{TICKET}", fields, [("attachments", part(b"", ""))])
    assert response.status_code == 200, response.get_json()
    assert listed(response.get_json()) == []
    with diff_of(fresh_fixtures_db) as diff:
        response = sent(client, "PUT", f"/api/tickets.json/{TICKET}", fields, [("attachments", part(b"data", ""))])
    assert response.status_code == 422
    assert response.get_json()["message"] == "attachments: each attachment needs a file name"
    assert diff == {}


def set_message_field(app, configuration):
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE ost_form_field SET configuration = %s WHERE name = 'message'", (configuration,))
    catalog_cache(db).invalidate()


@pytest.mark.parametrize(
    "configuration, second, status, message",
    [
        # each file meets the field's size and type rules, the second as much as the first
        ('{"size":"1000"}', part(b"%PDF" + b"0" * 2000, "big.pdf", "application/pdf"), 413, "big.pdf is larger"),
        ('{"extensions":".pdf"}', part(b"hello", "notes.txt", "text/plain"), 422, "notes.txt: this file type"),
        ('{"extensions":".*"}', part(b"<svg/>", "fake.png", "image/png"), 422, "fake.png: the content is not"),
        # the field's count is of all the parts together
        ('{"max":"1"}', part(pdf("b"), "b.pdf", "application/pdf"), 422, "at most 1 files may be attached"),
    ],
)
def test_the_fields_rules_apply_to_each_part_and_its_count_to_all(
    app, fresh_fixtures_db, configuration, second, status, message
):
    set_message_field(app, configuration)
    client = app.test_client()
    parts = [("attachments", part(pdf("a"), "a.pdf", "application/pdf")), ("attachments", second)]
    with diff_of(fresh_fixtures_db) as diff:
        response = sent(
            client, "PUT", f"/api/tickets.json/{TICKET}", {"email": PRIYA["email"], "message": "Two files."}, parts
        )
    assert response.status_code == status, response.get_json()
    assert message in response.get_json()["message"]
    assert diff == {}


def test_more_than_the_bridges_maximum_of_files_in_all_is_refused(app, fresh_fixtures_db):
    client = app.test_client()
    parts = [(f"f{n % 3}", part(b"x", f"{n}.txt", "text/plain")) for n in range(MAX_FILES + 1)]
    with diff_of(fresh_fixtures_db) as diff:
        response = sent(
            client, "PUT", f"/api/tickets.json/{TICKET}", {"email": PRIYA["email"], "message": "Many."}, parts
        )
    assert response.status_code == 422
    assert response.get_json()["message"] == f"attachments: at most {MAX_FILES} files may be sent with one request"
    assert diff == {}


@pytest.mark.parametrize(
    "method, path, fields",
    [
        ("DELETE", f"/api/tickets.json/{TICKET}", {"email": PRIYA["email"]}),
        ("POST", f"/api/tickets.json/{PRIYA_TICKETS[1]}", {"email": PRIYA["email"]}),
        ("POST", "/api/topics.json", {"topic": "Files refused"}),
        ("POST", "/api/scp/users.json", {"email": "new@example.com", "name": "New", "password": "secret-123"}),
    ],
)
def test_a_route_that_takes_no_files_refuses_them(app, fresh_fixtures_db, method, path, fields):
    client = app.test_client()
    with diff_of(fresh_fixtures_db) as diff:
        response = sent(client, method, path, fields, [("attachments", part(b"x", "x.txt")), ("doc", part(b"y", "y"))])
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["message"] == "this route takes no files (file parts: attachments, doc)"
    assert body["errors"] == {
        "files": {"attachments": ["this route takes no files"], "doc": ["this route takes no files"]}
    }
    assert diff == {}


def test_a_file_whose_declared_type_is_not_a_media_type_downloads_as_octet_stream(app):
    # Found by schemathesis: the download sent the declared type back as it was stored, a malformed Content-Type.
    client = app.test_client()
    odd = {"email": PRIYA["email"], "message": "Odd type.", "attachments": [{"odd.bin": "data:?????%,abc"}]}
    response = client.put(f"/api/tickets.json/{TICKET}", headers=KEY, json=odd)
    assert response.status_code == 200, response.get_json()
    [attachment] = response.get_json()["threads"][-1]["attachments"]
    download = client.get(attachment["url"].split("localhost", 1)[1])
    assert (download.status_code, download.content_type, download.data) == (200, "application/octet-stream", b"abc")
