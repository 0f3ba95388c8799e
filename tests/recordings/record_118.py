"""Record what a real osTicket 1.18.1 writes, starting from the project's own install + demo data (peer kit).

    bash ../shared/osticket/peer/setup.sh /srv/peer 8081 osticket_peer
    .venv/bin/python tests/recordings/record_118.py /srv/peer osticket_peer

The kit's database becomes schema_fixtures/ (schema, install rows, demo data) plus the tables of osTicket's that
the bridge never uses (roles, queues, plugins, pages...), copied with their rows from osTicket's own fresh install
(the kit's default dump, ../shared/osticket/baseline-1.18.1.sql; OSTICKET_BASELINE_DUMP overrides it). On it the
golden run's operations happen in order, as in osTicket's golden run, each through osTicket's own code (the stock
API, the client portal, its PHP classes); the attachment operations start from that database plus the operations
before the one they stand in for (replayed from these recordings, as the tests replay them). Each is written to
tests/recordings/1.18.1/<op>.json in the golden format (tests/golden.py), the mails osTicket sent to mail/<op>/.
The demo's people act: Priya (user 1, portal account) owns ticket A, agent dana (staff 2) works it.
"""

import collections
import contextlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
from attachment_files import pdf, png  # noqa: E402
from golden import RECORDINGS_118_DIR, snapshot, table_diff  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from update_helpers import DESK_OWN, replay  # noqa: E402

KEY = {"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"}  # schema_fixtures/demo.sql
PORTAL = {"luser": "priya", "lpasswd": "demo-pass-123"}
CSRF = re.compile(r'name="__CSRFToken__" value="([0-9a-f]+)"')
MESSAGE_FIELD = re.compile(r'<textarea name="([0-9a-f]+)" id="message"')
# The requests of osTicket's golden run, by the demo's owner (Priya) where it was carol.
CREATES = {
    "create_ticket_api": {
        "email": "priya.raman@example.net", "name": "Priya Raman", "subject": "Golden A: question about my invoice",
        "message": "data:text/plain,Hello, I was charged twice for invoice 1001. Can you check?", "topicId": 12,
        "ip": "127.0.0.1",
    },
    "create_ticket_api_new_user": {
        "email": "dave.newuser@example.com", "name": "Dave Newuser", "subject": "Golden B: refund please",
        "message": "data:text/plain,Please refund order 555.", "topicId": 13, "ip": "127.0.0.1",
    },
    "create_ticket_api_extras": {
        "email": "erin.extras@example.com", "name": "Erin Extras", "phone": "555-0199",
        "subject": "Golden X: printer on fire", "message": "data:text/html,<p>The <b>printer</b> is on fire.</p>",
        "priorityId": 4, "ip": "127.0.0.1",
        "attachments": [{"fire.txt": "data:text/plain;base64,U21va2UgZXZlcnl3aGVyZQo="}],
    },
}  # fmt: skip
USER_MESSAGE = "<p>Any update on this? I still see two charges.</p>"
REOPENING_MESSAGE = "<p>Sorry, the second charge is still on my statement.</p>"
RESPONSE = "<p>We refunded the duplicate charge. Closing this as resolved.</p>"
INTERNAL_NOTE = "Internal: customer is on the legacy plan, check billing system B."
A, B, X = "ticket_a", "ticket_b", "ticket_x"  # replaced by the numbers the creates recorded
HELPDESK_URL = "http://127.0.0.1:8081/"  # schema_fixtures/install.sql
Kit = collections.namedtuple("Kit", "dir url")


def api(op):
    def run(kit, url, tmp, numbers):
        answer = requests.post(f"{kit.url}/api/tickets.json", headers=KEY, json=CREATES[op], timeout=30)
        return {"ok": answer.status_code == 201, "errors": [], "http_status": answer.status_code,
                "response_body": answer.text, "request": CREATES[op]}  # fmt: skip

    return run


def portal(message):
    """Priya, signed in to the client portal, replies on ticket A (tickets.php a=reply), as the golden user_reply."""

    def run(kit, url, tmp, numbers):
        base, session = kit.url, requests.Session()
        token = CSRF.search(session.get(f"{base}/login.php", timeout=10).text).group(1)
        session.post(f"{base}/login.php", data={"__CSRFToken__": token, **PORTAL}, timeout=10)
        ticket_id = query(url, "SELECT ticket_id FROM ost_ticket WHERE number = :n", n=numbers[A])
        page = session.get(f"{base}/tickets.php", params={"id": ticket_id}, timeout=10).text
        # The message field's name is the form's hash of it; the editor's autosave adds an empty draft_id.
        field = MESSAGE_FIELD.search(page).group(1)
        form = {"__CSRFToken__": CSRF.search(page).group(1), "a": "reply", "id": str(ticket_id), "draft_id": "",
                field: message}  # fmt: skip
        answer = session.post(f"{base}/tickets.php", params={"id": ticket_id}, data=form, timeout=10)
        posted = "Message Posted Successfully" in answer.text
        return {"ok": answer.status_code == 200 and posted, "errors": [], "http_status": answer.status_code,
                "form_fields_posted": sorted(form)}  # fmt: skip

    return run


def php(script, *args, files=()):
    """A PHP script of this folder run in the kit (bin/ostphp); A/B/X stand for the tickets' numbers."""

    def run(kit, url, tmp, numbers):
        specs = []
        for name, (data, mime) in files:
            (pathlib.Path(tmp) / name).write_bytes(data)
            specs.append(f"{tmp}/{name}:{mime}")
        inline = pathlib.Path(tmp) / "inline.png"
        inline.write_bytes(png(3, 3, (10, 120, 200)))
        subprocess.run(["chmod", "-R", "a+rX", tmp], check=True)
        done = subprocess.run(
            [f"{kit.dir}/bin/ostphp", str(HERE / script), *(numbers.get(a, a) for a in args), *specs],
            check=True, capture_output=True, text=True,
            env={"PATH": "/usr/bin:/bin", "INLINE_PNG": str(inline), "AGENT": "dana"},
        )  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


HISTORY_A = ("create_ticket_api", "user_reply", "assign_ticket_to_staff", "staff_reply_with_status")
# The golden run, in osTicket's order, on one database (ids follow on from one operation to the next), then what
# the sample help desk adds (tests/test_read_reference.py): dana's internal note on A and her close of X.
SEQUENCE = {
    "create_ticket_api": api("create_ticket_api"),
    "create_ticket_api_new_user": api("create_ticket_api_new_user"),
    "create_ticket_api_extras": api("create_ticket_api_extras"),
    "user_reply": portal(USER_MESSAGE),
    "assign_ticket_to_staff": php("record_118.php", "assign", A, "dana", "Dana handles billing."),
    "staff_reply_with_status": php("record_118.php", "reply", A, "dana", "2", RESPONSE),
    "user_reply_reopens": portal(REOPENING_MESSAGE),
    # the system closes and reopens Dave's ticket (cron, a portal close), then ostadmin does, with a comment
    "close_ticket": php("record_118.php", "set_status", B, "3"),
    "reopen_ticket": php("record_118.php", "set_status", B, "1"),
    "close_ticket_by_staff": php("record_118.php", "set_status", B, "3", "ostadmin", "Closing: refund processed."),
    "reopen_ticket_by_staff": php("record_118.php", "set_status", B, "1", "ostadmin"),
    "create_topic": php("record_118.php", "create_topic"),
    "create_user": php("record_110.php", "create_user"),  # the same classes and form in both releases
    "internal_note": php("record_118.php", "note", A, "dana", "Billing check", INTERNAL_NOTE),
    "close_ticket_extras_by_staff": php("record_118.php", "set_status", X, "3", "dana", "Closed after phone call."),
}
# record.py's attachment operations, each on the state of the golden operation it stands in for (replayed):
# dana's reply with a PNG and a PDF, Priya's portal message with a PDF and an inline image.
ATTACHMENTS = {
    "staff_reply_attachments": (
        HISTORY_A[:3],
        php("record_attachments.php", "staff_reply", A,
            files=(("screenshot.png", (png(), "image/png")), ("invoice.pdf", (pdf(), "application/pdf")))),
    ),
    "user_message_attachments": (
        HISTORY_A[:1],
        php("record_attachments.php", "user_message", A,
            files=(("receipt.pdf", (pdf("Receipt 77"), "application/pdf")),)),
    ),
}  # fmt: skip


def query(url, sql, **params):
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def mysql(*args, **kw):
    return subprocess.run(["mysql", "-h127.0.0.1", "-uroot", *args], check=True, capture_output=True, **kw)


def kit_dump(database, baseline, target):
    """schema_fixtures/ with the demo data, plus osTicket's tables the fixtures leave out (from its fresh install)."""
    scratch = f"obt_record118_{os.getpid()}"
    mysql("-e", f"CREATE DATABASE `{scratch}` CHARACTER SET utf8 COLLATE utf8_general_ci")
    try:
        mysql(scratch, input=pathlib.Path(baseline).read_bytes())
        files = ("schema.sql", "install.sql", "demo.sql")
        fixtures = b"".join((ROOT / "schema_fixtures" / f).read_bytes() for f in files)
        mysql("-e", f"DROP DATABASE IF EXISTS `{database}`")
        mysql("-e", f"CREATE DATABASE `{database}` CHARACTER SET utf8 COLLATE utf8_general_ci")
        mysql(database, input=fixtures)
        ours = set(mysql("-N", "-e", "SHOW TABLES", database).stdout.decode().split())
        theirs = set(mysql("-N", "-e", "SHOW TABLES", scratch).stdout.decode().split())
        copy = []
        for table in sorted(theirs - ours):
            copy.append(f"CREATE TABLE `{database}`.`{table}` LIKE `{scratch}`.`{table}`")
            if table not in ("ost_session", "ost_syslog"):
                copy.append(f"INSERT INTO `{database}`.`{table}` SELECT * FROM `{scratch}`.`{table}`")
        mysql("-e", ";".join(copy))
        with open(target, "wb") as out:
            subprocess.run(["mysqldump", "-h127.0.0.1", "-uroot", database], check=True, stdout=out)
    finally:
        mysql("-e", f"DROP DATABASE IF EXISTS `{scratch}`")


def numbers_of():
    """The ticket numbers the recorded creates gave A, B and X."""
    found = {}
    for name, op in ((A, "create_ticket_api"), (B, "create_ticket_api_new_user"), (X, "create_ticket_api_extras")):
        path = RECORDINGS_118_DIR / f"{op}.json"
        if path.exists():
            found[name] = json.loads(path.read_text())["meta"]["output"]["response_body"]
    return found


def reset(kit, database, dump):
    """The kit's database as the dump holds it; reset.sh points helpdesk_url at the kit, osTicket's mails name the
    fixtures' own address."""
    subprocess.run(["bash", f"{kit}/reset.sh", dump], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    kit = Kit(kit, query(url, "SELECT value FROM ost_config WHERE `key` = 'helpdesk_url'").rstrip("/"))
    query(url, "UPDATE ost_config SET value = :v WHERE `key` = 'helpdesk_url'", v=HELPDESK_URL)
    return kit, url


def record(kit, url, op, action, after):
    time.sleep(2)  # apart from the operation before, as in osTicket's golden run: its NOW() differs
    with tempfile.TemporaryDirectory() as tmp:
        old = snapshot(url)
        at = query(url, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')")
        output = action(kit, url, tmp, numbers_of())
        new = snapshot(url)
    assert output["ok"], (op, output)
    tables = table_diff(old, new)
    recording = {"operation": op, "meta": {"osticket": "v1.18.1", "script": "tests/recordings/record_118.py",
                 "recorded_at": at, "after": list(after), "output": output}, "tables": tables}  # fmt: skip
    RECORDINGS_118_DIR.mkdir(exist_ok=True)
    (RECORDINGS_118_DIR / f"{op}.json").write_text(json.dumps(recording, indent=1, ensure_ascii=False) + "\n")
    mails = RECORDINGS_118_DIR / "mail" / op
    shutil.rmtree(mails, ignore_errors=True)
    for sent in sorted(pathlib.Path(kit.dir, "mail").glob("*.eml")):
        mails.mkdir(parents=True, exist_ok=True)
        shutil.move(sent, mails / sent.name)
    print(op, {t: {k: len(v) for k, v in d.items() if v} for t, d in tables.items()})


@contextlib.contextmanager
def own_install_dump(database, baseline):
    """kit_dump's dump, in a folder the kit's reset.sh can read, for as long as the block runs."""
    with tempfile.TemporaryDirectory() as work:
        dump = f"{work}/kit.sql"
        kit_dump(database, baseline, dump)
        subprocess.run(["chmod", "a+rx", work], check=True)
        yield dump


def main(kit, database, baseline):
    with own_install_dump(database, baseline) as dump:
        desk, url = reset(kit, database, dump)
        for n, (op, action) in enumerate(SEQUENCE.items()):
            record(desk, url, op, action, list(SEQUENCE)[:n])
        for op, (history, action) in ATTACHMENTS.items():
            desk, url = reset(kit, database, dump)
            replay(url, *history, desk=DESK_OWN)
            record(desk, url, op, action, history)


def baseline_dump():
    return os.environ.get("OSTICKET_BASELINE_DUMP") or ROOT.parent / "shared" / "osticket" / "baseline-1.18.1.sql"


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], baseline_dump())
