"""Record what a real osTicket 1.10.4 writes for the operations its goldens lack (peer-1.10.4 kit).

    bash ../shared/osticket/peer-1.10.4/setup.sh /srv/ost110 8082 osticket110
    .venv/bin/python tests/recordings/record_110.py /srv/ost110 osticket110

Each operation starts from the 1.10.4 baseline (reset.sh), plus the golden-1.10.4 operations before the one it
stands in for, and writes tests/recordings/1.10.4/<op>.json in the golden format (tests/golden.py compares it),
with the mails osTicket sent in tests/recordings/1.10.4/mail/<op>/.
"""

import json
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
from attachment_files import pdf, png  # noqa: E402
from golden import SHARED_GOLDEN_DIR, snapshot, store_recording, table_diff  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from update_helpers import DESK_110, history_before, replay  # noqa: E402

CSRF = re.compile(r'name="__CSRFToken__" value="([0-9a-f]+)"')


def in_kit(*command):
    """An operation run by a PHP script in the kit (bin/ostphp), with the files it is given; it prints JSON."""

    def prepare(kit, url, tmp):
        files = []
        if command[0] == "record_attachments.php":
            for name, (data, mime) in (
                ("screenshot.png", (png(), "image/png")),
                ("invoice.pdf", (pdf(), "application/pdf")),
            ):
                (pathlib.Path(tmp) / name).write_bytes(data)
                files.append(f"{tmp}/{name}:{mime}")
            subprocess.run(["chmod", "-R", "a+rX", tmp], check=True)

        def run():
            done = subprocess.run(
                [f"{kit}/bin/ostphp", str(HERE / command[0]), *command[1:], *files],
                check=True, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
            )  # fmt: skip
            return json.loads(done.stdout.strip().splitlines()[-1])

        return run

    return prepare


def portal_reply(kit, url, tmp):
    """carol, signed in to the client portal (before the recording starts), replies on her resolved ticket
    (tickets.php a=reply), which reopens it: the same form fields as golden-1.10.4's user_reply."""
    engine = create_engine(url)
    with engine.connect() as conn:
        base = conn.execute(text("SELECT value FROM ost_config WHERE `key` = 'helpdesk_url'")).scalar().rstrip("/")
    engine.dispose()
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/login.php", timeout=10).text).group(1)
    session.post(f"{base}/login.php", data={"__CSRFToken__": token, "luser": "carol", "lpasswd": "ClientPeer#2024"})
    page = session.get(f"{base}/tickets.php", params={"id": 1}, timeout=10)
    token = CSRF.search(page.text).group(1)
    form = {"__CSRFToken__": token, "a": "reply", "id": "1", "message": REOPENING_MESSAGE}

    def run():
        answer = session.post(f"{base}/tickets.php", params={"id": 1}, data=form, timeout=10)
        return {"ok": answer.status_code == 200, "errors": [], "http_status": answer.status_code, "form": sorted(form)}

    return run


def stock_api_create(kit, url, tmp):
    """The 1.18 golden create_ticket_api_extras request (new user, phone, HTML message, attachment, priority) to
    1.10.4's own API, after the two golden creates (as in the 1.18 golden run)."""
    request = json.loads((SHARED_GOLDEN_DIR / "create_ticket_api_extras.json").read_text())["meta"]["output"]["request"]
    engine = create_engine(url)
    with engine.connect() as conn:
        base = conn.execute(text("SELECT value FROM ost_config WHERE `key` = 'helpdesk_url'")).scalar().rstrip("/")
    engine.dispose()

    def run():
        answer = requests.post(f"{base}/api/tickets.json", headers=DESK_110.key, json=request, timeout=30)
        return {"ok": answer.status_code == 201, "errors": [], "http_status": answer.status_code,
                "response_body": answer.text, "request": request}  # fmt: skip

    return run


REOPENING_MESSAGE = "<p>Sorry, the second charge is still on my statement.</p>"
# op: (how it is done, the golden-1.10.4 operations replayed on the baseline first)
OPERATIONS = {
    "create_user": (in_kit("record_110.php", "create_user"), ()),
    "create_topic": (in_kit("record_110.php", "create_topic"), ()),
    # record.py's staff reply with a PNG and a PDF (its script runs on 1.10.4 unchanged), in place of the golden one
    "staff_reply_attachments": (
        in_kit("record_attachments.php", "staff_reply", DESK_110.ticket_a),
        history_before(DESK_110.history_a, "staff_reply_with_status"),
    ),
    # alice replies on carol's open ticket with Dave Cc'd (added before the recording starts)
    "staff_reply_collab": (
        in_kit("record_110.php", "staff_reply_collab", DESK_110.ticket_a),
        (*history_before(DESK_110.history_a, "staff_reply_with_status"), DESK_110.history_b[0]),
    ),
    "create_ticket_api_extras": (stock_api_create, DESK_110.history_a[:1] + DESK_110.history_b[:1]),
    # alice closes Dave's reopened ticket, and reopens it once the system closed it (golden close_ticket)
    "close_ticket_by_staff": (in_kit("record_110.php", "set_status", DESK_110.ticket_b, "3"), DESK_110.history_b),
    "reopen_ticket_by_staff": (in_kit("record_110.php", "set_status", DESK_110.ticket_b, "1"), DESK_110.history_b[:2]),
    # carol's portal message on her open ticket with Dave Cc'd (added before the recording starts)
    "user_reply_collab": (
        portal_reply,
        (*history_before(DESK_110.history_a, "staff_reply_with_status"), DESK_110.history_b[0]),
    ),
    # 1.18's golden user_reply_reopens: after 1.10.4's golden run, ticket A is resolved by alice's reply
    "user_reply_reopens": (portal_reply, DESK_110.history_a),
}


def record(kit, database, op):
    subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    action, history = OPERATIONS[op]
    replay(url, *history, desk=DESK_110)
    if op in ("staff_reply_collab", "user_reply_collab"):
        in_kit("record_110.php", "add_collaborator", DESK_110.ticket_a)(kit, url, None)()
        (pathlib.Path(kit) / "mail").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        run = action(kit, url, tmp)
        old = snapshot(url)
        output = run()
        new = snapshot(url)
    assert output["ok"], output
    tables = table_diff(old, new)
    tables.pop("ost_session", None)
    meta = {"osticket": "v1.10.4", "script": "tests/recordings/record_110.py", "output": output}
    store_recording(HERE / "1.10.4", op, meta, tables, kit)
    print(op, output, {t: {k: len(v) for k, v in d.items()} for t, d in tables.items()})


if __name__ == "__main__":
    kit, database = sys.argv[1], sys.argv[2]
    for op in sys.argv[3:] or OPERATIONS:
        record(kit, database, op)
