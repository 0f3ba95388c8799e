"""Attachments on the sample help desk: listed in every read, downloaded by signed link or with credentials, streamed
byte for byte with Range and ETag, and refused where osTicket's rules or the viewer's rights say so."""

import base64
import io
import time
from urllib.parse import urlsplit

import pytest
from attachment_files import pdf, png
from helpers import rows
from security_helpers import AGENT, OTHER_TICKET, OTHER_USER, REF_KEY, SECRET, USER, USER_TICKET, bearer, mint
from update_helpers import DESK_OWN, diff_of
from world import REAL_REFERENCE

from osticket_bridge.osticket.catalog.cache import catalog_cache
from osticket_bridge.osticket.threads import files

KEY = {"X-API-Key": REF_KEY}
FIRE = b"Smoke everywhere\n"  # fire.txt, attached to Erin's first message (the golden extras create)
# The sample help desk's entries these tests read (conftest.py's sample): the real sample dump's, else our own
# recordings' on the demo data. NOTE_ID: an internal note on USER_TICKET; USER_ENTRY, OTHER_ENTRY: the first messages
# of USER_TICKET and OTHER_TICKET; Erin's ticket, her first entry and its attachment (fire.txt).
if REAL_REFERENCE:
    NOTE_ID, USER_ENTRY, OTHER_ENTRY = 9, 1, 2
    EXTRAS_TICKET, FIRE_ENTRY, FIRE_ID = "164336", 3, 13
else:
    NOTE_ID, USER_ENTRY, OTHER_ENTRY = 2, 1, 5  # schema_fixtures/demo.sql
    _extras = DESK_OWN.golden("create_ticket_api_extras")
    EXTRAS_TICKET = _extras["meta"]["output"]["response_body"]
    [_fire] = _extras["tables"]["ost_attachment"]["inserted"]
    FIRE_ENTRY, FIRE_ID = _fire["object_id"], _fire["id"]


@pytest.fixture
def app(fresh_app, fresh_sample_db):
    return fresh_app(fresh_sample_db, OSTICKET_TOKEN_SECRET=SECRET, OSTICKET_MAX_BODY_BYTES=4_000_000)


def data_url(mime, data):
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def entry_attachments(client, number, **params):
    ticket = client.get(f"/api/tickets.json/{number}", headers=KEY, query_string=params).get_json()
    return {e["id"]: e["attachments"] for e in ticket["threads"]}


def set_config(app, key, value):
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE ost_config SET value = %s WHERE namespace = 'core' AND `key` = %s", (value, key))
    catalog_cache(db).invalidate()


def attach_to_entry(app, entry_id, name, data, mime):
    """Store a file on an existing entry as osTicket would (test set-up for entries no route writes)."""
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:
        stored = files.store(db, conn, [files.Upload(name, mime, data)])
        files.attach(db, conn, entry_id, stored)
    return rows(app, "SELECT MAX(id) AS id FROM ost_attachment")[0]["id"]


def test_reads_list_attachments_with_a_link_that_downloads_without_credentials(app):
    client = app.test_client()
    [listed] = entry_attachments(client, EXTRAS_TICKET)[FIRE_ENTRY]
    assert {k: v for k, v in listed.items() if k != "url"} == {
        "id": FIRE_ID, "name": "fire.txt", "size": 17, "type": "text/plain", "inline": False,
    }  # fmt: skip
    assert f"/api/attachments/{FIRE_ID}/fire.txt?expires=" in listed["url"]
    response = client.get(path_of(listed["url"]))
    assert response.status_code == 200 and response.data == FIRE
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="fire.txt"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["ETag"] == '"c-45gQE5FcVoy8Tc_k6YxHgraVexRtv4"'  # ost_file.signature
    assert client.get(path_of(listed["url"]), headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    # The staff views and the lists carry the same attachments.
    info = client.get("/api/scp/tickets/ticketInfo.json", headers=KEY, query_string={"ticketNumber": EXTRAS_TICKET})
    assert info.get_json()["ticket"]["threads"][0]["attachments"][0]["id"] == FIRE_ID
    listing = client.get(
        "/api/scp/tickets/clientTickets.json", headers=KEY, query_string={"clientUserMail": "erin.extras@example.com"}
    )
    assert listing.get_json()["tickets"][0]["threads"][0]["attachments"][0]["name"] == "fire.txt"


def test_uploaded_files_download_byte_for_byte_including_several_chunks_and_ranges(app):
    set_config(app, "max_file_size", "2097152")
    client = app.test_client()
    big = bytes(range(251)) * (1_200_000 // 251)  # 1.2 MB: three chunks
    sent = {
        "shot.png": (png(), "image/png"),
        "invoice.pdf": (pdf(), "application/pdf"),
        "big.bin": (big, "application/octet-stream"),
    }
    response = client.post(
        "/api/scp/tickets/reply.json", headers=KEY,
        json={"ticketNumber": USER_TICKET, "staffUserName": AGENT, "response": "Files attached.",
              "attachments": [{n: data_url(m, d)} for n, (d, m) in sent.items()]},
    )  # fmt: skip
    assert response.status_code == 200, response.get_json()
    token = mint(client, email=USER["email"])
    ticket = client.get(f"/api/tickets.json/{USER_TICKET}", headers=bearer(token)).get_json()
    listed = {a["name"]: a for a in ticket["threads"][-1]["attachments"]}
    assert sorted(listed) == sorted(sent)
    for name, (data, mime) in sent.items():
        got = client.get(path_of(listed[name]["url"]))
        assert got.status_code == 200 and got.data == data, name
        assert (got.headers["Content-Type"], int(got.headers["Content-Length"])) == (mime, len(data))
    assert client.get(path_of(listed["shot.png"]["url"])).headers["Content-Disposition"].startswith("inline;")
    assert client.get(path_of(listed["invoice.pdf"]["url"])).headers["Content-Disposition"].startswith("attachment;")
    # The same bytes with the token instead of a signature.
    bare = urlsplit(listed["big.bin"]["url"]).path
    assert client.get(bare, headers=bearer(token)).data == big
    # A range across the first chunk boundary, a suffix range, and one past the end.
    part = client.get(bare, headers={**bearer(token), "Range": "bytes=511900-512200"})
    assert part.status_code == 206 and part.data == big[511900:512201]
    assert part.headers["Content-Range"] == f"bytes 511900-512200/{len(big)}"
    tail = client.get(bare, headers={**bearer(token), "Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.data == big[-100:]
    beyond = client.get(bare, headers={**bearer(token), "Range": f"bytes={len(big)}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(big)}"


def test_a_note_attachment_never_reaches_an_end_user(app):
    client = app.test_client()
    note_attachment = attach_to_entry(app, NOTE_ID, "internal.pdf", pdf("internal"), "application/pdf")
    assert NOTE_ID not in entry_attachments(client, USER_TICKET, email=USER["email"])
    carol = mint(client, email=USER["email"])
    public = client.get(f"/api/tickets.json/{USER_TICKET}", headers=bearer(carol)).get_json()
    assert all(a["id"] != note_attachment for e in public["threads"] for a in e["attachments"])
    bare = f"/api/attachments/{note_attachment}/internal.pdf"
    assert client.get(bare, headers=bearer(carol)).status_code == 404
    assert client.get(bare, headers=KEY).status_code == 200
    # Agents see it, with a link that works on its own.
    info = client.get("/api/scp/tickets/ticketInfo.json", headers=KEY, query_string={"ticketNumber": USER_TICKET})
    [staff_link] = [
        a["url"] for e in info.get_json()["ticket"]["threads"] if e["id"] == NOTE_ID for a in e["attachments"]
    ]
    assert client.get(path_of(staff_link)).data == pdf("internal")


def test_another_users_token_and_links_do_not_open_a_file(app):
    client = app.test_client()
    carol_file = attach_to_entry(app, USER_ENTRY, "statement.pdf", pdf("carol"), "application/pdf")
    dave_file = attach_to_entry(app, OTHER_ENTRY, "order.pdf", pdf("dave"), "application/pdf")
    dave = mint(client, user_id=OTHER_USER["id"])
    ticket = client.get(f"/api/tickets.json/{OTHER_TICKET}", headers=bearer(dave)).get_json()
    [dave_link] = [a["url"] for e in ticket["threads"] for a in e["attachments"] if a["id"] == dave_file]
    assert client.get(path_of(dave_link)).status_code == 200
    # Dave's own signed link, pointed at Carol's attachment: the signature is bound to the id.
    forged = path_of(dave_link).replace(
        f"/api/attachments/{dave_file}/order.pdf", f"/api/attachments/{carol_file}/x.pdf"
    )
    assert client.get(forged).status_code == 403
    assert client.get(f"/api/attachments/{carol_file}/x.pdf", headers=bearer(dave)).status_code == 404
    guest = client.post(
        "/api/auth/guest", json={"ticket_number": OTHER_TICKET, "email": OTHER_USER["email"]}
    ).get_json()
    assert client.get(f"/api/attachments/{carol_file}/x.pdf", headers=bearer(guest["token"])).status_code == 404
    assert client.get(f"/api/attachments/{dave_file}/x.pdf", headers=bearer(guest["token"])).status_code == 200
    assert client.get(f"/api/attachments/{carol_file}/x.pdf").status_code == 401


def test_expired_and_tampered_links_are_refused(app):
    client = app.test_client()
    [listed] = entry_attachments(client, EXTRAS_TICKET)[FIRE_ENTRY]
    url = path_of(listed["url"])
    signature = url.split("signature=")[1]
    tampered = url.replace(signature, ("A" if signature[0] != "A" else "B") + signature[1:])
    assert client.get(tampered).status_code == 403
    longer = url.replace("expires=", "expires=9")
    assert client.get(longer).status_code == 403
    with app.test_request_context():
        from osticket_bridge.api.attachments import link_signer

        expires, old = link_signer().sign(FIRE_ID, now=time.time() - 2 * 3600 - 60)
    expired = client.get(f"/api/attachments/{FIRE_ID}/fire.txt?expires={expires}&signature={old}")
    assert expired.status_code == 403 and expired.get_json()["message"] == "the link has expired"


def test_inline_images_of_a_message_are_shown_through_their_links(app):
    client = app.test_client()
    image = png(4, 4)
    body = f'<p>See:</p><p><img src="{data_url("image/png", image)}" alt="shot"></p>'
    response = client.put(
        f"/api/tickets.json/{USER_TICKET}",
        headers=KEY,
        json={**{"email": USER["email"]}, "message": body, "format": "html"},
    )
    assert response.status_code == 200, response.get_json()
    entry = response.get_json()["threads"][-1]
    [attachment] = entry["attachments"]
    assert attachment["inline"] is True and attachment["type"] == "image/png"
    assert "cid:" not in entry["body"] and attachment["url"].replace("&", "&amp;") in entry["body"]
    assert entry["message"]["body"] == entry["body"]
    assert client.get(path_of(attachment["url"])).data == image


@pytest.mark.parametrize(
    "name, mime, data, status, rule",
    [
        ("fake.png", "image/png", b"<svg onload=alert(1)>", 422, "fake.png: the content is not a image/png image"),
        ("logo.svg", "image/svg+xml", b"<svg></svg>", 422, "logo.svg: the content is not a image/svg+xml image"),
        ("notes.txt", "text/plain", b"hello", 422, "notes.txt: this file type is not allowed"),
        (
            "huge.pdf",
            "application/pdf",
            b"%PDF" + b"0" * 300_000,
            413,
            "huge.pdf is larger than the 262144 bytes allowed",
        ),
    ],
)
def test_files_the_message_field_refuses_write_nothing(app, fresh_sample_db, name, mime, data, status, rule):
    # The Ticket Details message field: PDFs and images only, 256 KiB each.
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE ost_form_field SET configuration = %s WHERE name = 'message'",
            ('{"attachments":true,"size":"262144","mimetypes":{"image":"Images"},"extensions":".pdf"}',),
        )
    catalog_cache(db).invalidate()
    client = app.test_client()
    with diff_of(fresh_sample_db) as diff:
        response = client.put(
            f"/api/tickets.json/{USER_TICKET}", headers=KEY,
            json={"email": USER["email"], "message": "See attached.", "attachments": [{name: data_url(mime, data)}]},
        )  # fmt: skip
    assert response.status_code == status, response.get_json()
    assert rule in response.get_json()["message"]
    assert diff == {}
    ok = client.put(
        f"/api/tickets.json/{USER_TICKET}", headers=KEY,
        json={"email": USER["email"], "message": "See attached.",
              "attachments": [{"a.pdf": data_url("application/pdf", pdf())}, {"b.png": data_url("image/png", png())}]},
    )  # fmt: skip
    assert ok.status_code == 200, ok.get_json()


def test_attachment_count_and_disabled_attachments_are_refused(app, fresh_sample_db):
    db = app.extensions["osticket"]
    client = app.test_client()
    two = [{"a.pdf": data_url("application/pdf", pdf("a"))}, {"b.pdf": data_url("application/pdf", pdf("b"))}]
    for config, message in (
        ('{"attachments":true,"max":"1"}', "attachments: at most 1 files may be attached"),
        ('{"attachments":false}', "attachments: attachments are disabled on this help desk's message field"),
    ):
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE ost_form_field SET configuration = %s WHERE name = 'message'", (config,))
        catalog_cache(db).invalidate()
        with diff_of(fresh_sample_db) as diff:
            response = client.put(
                f"/api/tickets.json/{USER_TICKET}",
                headers=KEY,
                json={"email": USER["email"], "message": "x", "attachments": two},
            )
        assert (response.status_code, response.get_json()["message"]) == (422, message)
        assert diff == {}


def test_names_lose_folders_and_control_characters(app):
    client = app.test_client()
    form = {
        "email": USER["email"],
        "message": "Two files.",
        "a": (io.BytesIO(pdf("a")), "../../evil\x07.pdf"),
        "b": (io.BytesIO(pdf("b")), "/etc/passwd"),
    }
    response = client.put(
        f"/api/tickets.json/{USER_TICKET}", headers=KEY, data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 200, response.get_json()
    assert [a["name"] for a in response.get_json()["threads"][-1]["attachments"]] == ["evil.pdf", "passwd"]
    as_json = {
        "email": USER["email"],
        "message": "One more.",
        "attachments": [{"C:\\Users\\me\\report\n.pdf": data_url("application/pdf", pdf("c"))}],
    }
    response = client.put(f"/api/tickets.json/{USER_TICKET}", headers=KEY, json=as_json)
    assert [a["name"] for a in response.get_json()["threads"][-1]["attachments"]] == ["report.pdf"]


def test_files_outside_the_database_need_their_folder(app, fresh_sample_db, fresh_app, tmp_path):
    client = app.test_client()
    [listed] = entry_attachments(client, EXTRAS_TICKET)[FIRE_ENTRY]
    [file] = rows(app, "SELECT f.id, f.`key` FROM ost_file f JOIN ost_attachment a ON a.file_id = f.id WHERE a.id = :a",
                  a=FIRE_ID)  # fmt: skip
    key = file["key"]
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE ost_file SET bk = 'F' WHERE id = %s", (file["id"],))
    response = client.get(path_of(listed["url"]))
    assert response.status_code == 501
    assert "Filesystem storage plugin" in response.get_json()["message"]
    (tmp_path / key[0]).mkdir()
    (tmp_path / key[0] / key).write_bytes(FIRE)
    with_root = fresh_app(fresh_sample_db, OSTICKET_TOKEN_SECRET=SECRET, OSTICKET_ATTACHMENT_ROOT=str(tmp_path))
    got = with_root.test_client().get(path_of(listed["url"]), headers={"Range": "bytes=6-"})
    assert (got.status_code, got.data) == (206, FIRE[6:])
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE ost_file SET bk = 'S' WHERE id = %s", (file["id"],))
    s3 = client.get(path_of(listed["url"]))
    assert s3.status_code == 501 and "Amazon S3" in s3.get_json()["message"]


def test_without_a_token_secret_links_are_plain_and_need_credentials(fresh_app, fresh_sample_db):
    app = fresh_app(fresh_sample_db)
    client = app.test_client()
    [listed] = entry_attachments(client, EXTRAS_TICKET)[FIRE_ENTRY]
    assert "?" not in listed["url"]
    assert client.get(path_of(listed["url"])).status_code == 401
    assert client.get(path_of(listed["url"]), headers=KEY).data == FIRE
    refused = client.get(path_of(listed["url"]) + "?expires=1&signature=x")
    assert refused.status_code == 403 and "OSTICKET_TOKEN_SECRET" in refused.get_json()["message"]


def test_a_new_ticket_takes_files_from_form_data(app):
    client = app.test_client()
    form = {
        "email": USER["email"], "subject": "Broken screen", "message": "Photo attached.",
        "photo": (io.BytesIO(png()), "screen.png", "image/png"),
    }  # fmt: skip
    response = client.post("/api/tickets.json", headers=KEY, data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    [attachment] = response.get_json()["threads"][0]["attachments"]
    assert (attachment["name"], attachment["type"], attachment["size"]) == ("screen.png", "image/png", len(png()))
    assert client.get(path_of(attachment["url"])).data == png()


def test_a_file_already_on_record_is_reused_not_stored_again(app):
    client = app.test_client()
    files_before = rows(app, "SELECT COUNT(*) AS n FROM ost_file")[0]["n"]
    for name in ("invoice.pdf", "INVOICE.pdf", "copy.pdf"):
        response = client.post(
            "/api/scp/tickets/reply.json", headers=KEY,
            json={"ticketNumber": USER_TICKET, "staffUserName": AGENT, "response": f"Sending {name}",
                  "attachments": [{name: data_url("application/pdf", pdf())}]},
        )  # fmt: skip
        assert response.status_code == 200, response.get_json()
    assert rows(app, "SELECT COUNT(*) AS n FROM ost_file")[0]["n"] == files_before + 1
    attached = rows(
        app,
        "SELECT a.name FROM ost_attachment a JOIN ost_file f ON f.id = a.file_id "
        "WHERE f.name = 'invoice.pdf' ORDER BY a.id",
    )
    # The name is recorded on the attachment only when it differs from the file's, case aside (strcasecmp).
    assert [a["name"] for a in attached] == [None, None, "copy.pdf"]
