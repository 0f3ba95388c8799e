"""Files on a reply and on a user's message, row by row against what a real osTicket 1.18.1 wrote.

The recordings (tests/recordings/*.json, made by tests/recordings/record.py with the peer kit on osTicket's fresh
install; without it, tests/recordings/1.18.1/, made by record_118.py on our own install + demo data) start from
the same state as these tests: the install plus the golden operations before the one they stand in for.
"""

import base64
import io
import json
import pathlib
import re

import update_helpers
from attachment_files import pdf, png
from golden import RECORDINGS_110_DIR, RECORDINGS_118_DIR, compare
from helpers import rows
from test_write_update_golden import prepared
from update_helpers import DESK_118, HISTORY_A, TICKET_A, diff_of, reply
from world import REAL_BASELINE

from osticket_bridge.osticket.catalog.cache import catalog_cache
from osticket_bridge.osticket.threads.files import CHUNK_SIZE

# The 1.18.1 recordings of the install the tests run on.
RECORDINGS = pathlib.Path(__file__).resolve().parent / "recordings" if REAL_BASELINE else RECORDINGS_118_DIR
on_desk = update_helpers.on_desk  # fixture
SECRET = "test-token-secret-0123456789abcdef0123456789"  # noqa: S105
FILE_KEY = "the first 5 characters of a file key are random (AttachmentFile::_getKeyAndHash); the rest is checked"
INLINE_NAME = "an embedded image is named image<4 random characters>.<type>; checked by pattern"
INLINE_BODY = "the body names the image by its file key (random prefix): compared with the keys replaced"


def recording(op, directory=RECORDINGS):
    return json.loads((directory / f"{op}.json").read_text())


def data_url(mime, data):
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def assert_same_files(diff, want):
    """Same content, key and signature (but the key's random prefix) for each inserted file, in order."""
    got_files = sorted(diff["ost_file"]["inserted"], key=lambda r: r["id"])
    want_files = sorted(want["tables"]["ost_file"]["inserted"], key=lambda r: r["id"])
    assert [f["key"][5:] for f in got_files] == [f["key"][5:] for f in want_files]
    assert [len(f["key"]) for f in got_files] == [32] * len(want_files)


def test_agent_reply_with_a_png_and_a_pdf_writes_the_rows_osticket_writes(fresh_app, on_desk):
    """On osTicket 1.18.1's install and on 1.10.4's (recordings/1.10.4/, made by record_110.py)."""
    desk, db_url = on_desk
    app, client = prepared(fresh_app, db_url, desk.history_a, "staff_reply_with_status", desk)
    files = [{"screenshot.png": data_url("image/png", png())}, {"invoice.pdf": data_url("application/pdf", pdf())}]
    with diff_of(db_url) as diff:
        response = reply(
            client, desk.ticket_a, desk.agent, response="<p>Here is the corrected invoice and a screenshot.</p>",
            key=desk.key, reply_status_id=2, attachments=files,
        )  # fmt: skip
    assert response.status_code == 200, response.get_json()
    want = recording("staff_reply_attachments", RECORDINGS_110_DIR if desk.release == "1.10" else RECORDINGS)
    assert compare(diff, want, numbers=(desk.ticket_a,), accepted={"ost_file.key": FILE_KEY}) == []
    assert_same_files(diff, want)


def test_user_message_from_form_data_with_an_embedded_image_writes_the_rows_osticket_writes(
    fresh_app, fresh_baseline_db
):
    desk = DESK_118
    app, client = prepared(fresh_app, fresh_baseline_db, desk.history_a, "user_reply", desk)
    message = (
        '<p>My statement:</p><p><img src="'
        + data_url("image/png", png(3, 3, (10, 120, 200)))
        + '" alt="statement" /></p>'
    )
    form = {
        **desk.owner,
        "message": message,
        "format": "html",
        "receipt": (io.BytesIO(pdf("Receipt 77")), "receipt.pdf"),
    }
    with diff_of(fresh_baseline_db) as diff:
        response = client.put(
            f"/api/tickets.json/{desk.ticket_a}", headers=desk.key, data=form, content_type="multipart/form-data"
        )
    assert response.status_code == 200, response.get_json()
    want = recording("user_message_attachments")
    accepted = {"ost_file.key": FILE_KEY, "ost_file.name": INLINE_NAME, "ost_thread_entry.body": INLINE_BODY}
    assert compare(diff, want, numbers=(desk.ticket_a,), accepted=accepted) == []
    assert_same_files(diff, want)
    files = sorted(diff["ost_file"]["inserted"], key=lambda r: r["id"])
    assert files[0]["name"] == "receipt.pdf" and re.fullmatch(r"image\w{4}\.png", files[1]["name"])
    [got_entry], [want_entry] = diff["ost_thread_entry"]["inserted"], want["tables"]["ost_thread_entry"]["inserted"]
    # osTicket's sanitiser closes <img ... />, the bridge's writes <img ...>: the same HTML.
    want_body = want_entry["body"].replace(want["tables"]["ost_file"]["inserted"][1]["key"], "KEY").replace(" />", ">")
    assert got_entry["body"].replace(files[1]["key"], "KEY") == want_body


def test_a_file_of_several_chunks_is_stored_in_500_kib_chunks(fresh_app, fresh_baseline_db):
    app, client = prepared(fresh_app, fresh_baseline_db, HISTORY_A, "staff_reply_with_status")
    big = bytes(range(256)) * (1_200_000 // 256)
    rows_before = rows(app, "SELECT COUNT(*) AS n FROM ost_file")[0]["n"]
    app = fresh_app(fresh_baseline_db, OSTICKET_MAX_BODY_BYTES=4_000_000)
    _set_max_file_size(app, 2_097_152)
    response = reply(app.test_client(), TICKET_A, attachments=[{"big.bin": data_url("application/octet-stream", big)}])
    assert response.status_code == 200, response.get_json()
    assert rows(app, "SELECT COUNT(*) AS n FROM ost_file")[0]["n"] == rows_before + 1
    chunks = rows(
        app,
        "SELECT c.chunk_id, LENGTH(c.filedata) AS n FROM ost_file_chunk c JOIN ost_file f ON f.id = c.file_id "
        "WHERE f.name = 'big.bin' ORDER BY c.chunk_id",
    )
    assert [c["n"] for c in chunks] == [CHUNK_SIZE, CHUNK_SIZE, len(big) - 2 * CHUNK_SIZE]


def _set_max_file_size(app, size):
    db = app.extensions["osticket"]
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE ost_config SET value = %s WHERE namespace = 'core' AND `key` = 'max_file_size'", (str(size),)
        )
    catalog_cache(db).invalidate()
