"""docs/events.md works as written: its curl lines against a live bridge on the demo data, and its Python and PHP
signature checks on a real delivery (and refusing a tampered one)."""

import json
import pathlib
import re
import shutil
import subprocess

import pytest
from events_helpers import FAST, SECRET, add_webhook, loops, wait_for
from security_helpers import DEMO_KEY
from test_docs_pages import curl_lines, run_curl_lines

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "events.md"


def snippet(language):
    [code] = re.findall(rf"^```{language}\n(.*?)^```", PAGE.read_text(), flags=re.MULTILINE | re.DOTALL)
    return code


def test_the_pages_curl_lines_answer(fresh_app, fresh_fixtures_db, tmp_path):
    app = fresh_app(fresh_fixtures_db, **FAST)
    wait_for(lambda: app.extensions["osticket_events"].feed.ingest() is not None, what="the feed's start")
    client = app.test_client()
    created = client.post(
        "/api/tickets.json",
        json={"email": "priya.raman@example.net", "subject": "Live", "message": "Hello", "topicId": 1},
        headers={"X-API-Key": DEMO_KEY},
    )
    assert created.status_code == 201, created.get_json()
    wait_for(lambda: client.get("/api/events", headers={"X-API-Key": DEMO_KEY}).get_json()["events"])
    lines = curl_lines(PAGE)
    assert len(lines) == 2
    output = run_curl_lines(app, lines, tmp_path)
    assert output.count('"type":"ticket.created"') == 2 and '"type":"ticket.message"' in output


@pytest.fixture
def delivery(fresh_app, fresh_fixtures_db, receiver):
    """(headers, body) of a real webhook delivery, as the receiver got it."""
    target = receiver()
    add_webhook(fresh_fixtures_db, target.url, types="ticket.message")
    app = fresh_app(fresh_fixtures_db, OSTICKET_WEBHOOK_ALLOW_PRIVATE=True)
    machinery = loops(app)
    machinery.feed.ingest()
    reply = app.test_client().put(
        "/api/tickets.json/482915",
        json={"email": "priya.raman@example.net", "message": "Any news? ünïcödé"},
        headers={"X-API-Key": DEMO_KEY},
    )
    assert reply.status_code == 200, reply.get_json()
    machinery.feed.ingest()
    machinery.deliveries.deliver_due()
    [(_, headers, body, _)] = target.requests
    return headers, body


def test_the_python_check_accepts_a_delivery_and_refuses_a_tampered_one(delivery):
    headers, body = delivery
    scope = {}
    exec(snippet("python"), scope)  # noqa: S102 - the page's own code
    assert scope["verify"](SECRET, headers, body)
    assert not scope["verify"](SECRET, headers, body.replace(b"Any news", b"Any newz"))
    assert not scope["verify"](SECRET.replace("d", "e"), headers, body)


def test_the_php_check_accepts_a_delivery_and_refuses_a_tampered_one(delivery):
    if not shutil.which("php"):
        pytest.skip("php is not installed (apt-get install php-cli)")
    headers, body = delivery
    program = (
        "<?php\n"
        + snippet("php")
        + (
            "\n$in = json_decode(file_get_contents('php://stdin'), true);"
            "\necho json_encode(array_map(fn($b) => verify_webhook($in['secret'], $in['headers'], $b), $in['bodies']));"
        )
    )
    tampered = body.replace(b"Any news", b"Any newz")
    given = {"secret": SECRET, "headers": headers, "bodies": [body.decode(), tampered.decode()]}
    result = subprocess.run(["php", "-r", program.removeprefix("<?php\n")], input=json.dumps(given),
                            capture_output=True, text=True, timeout=30)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, False]
