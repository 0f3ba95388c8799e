"""A create under the help desk's rules writes, logs and mails what osTicket itself does: each scenario of
tests/rules_scenarios.py, recorded on osTicket 1.18.1 (our own install + demo data: it runs without ../shared) and
1.10.4 (its real install) by tests/recordings/record_rules.py, replayed through the bridge on a fresh copy of the
same install and compared row for row and mail for mail.
"""

import json
import pathlib
from email import message_from_bytes, policy

import clock
import mail_helpers
import pytest
from create_helpers import post_ticket
from golden import compare
from mail_helpers import TEXT_110, as_dict, parsed, same_mail
from rules_scenarios import SCENARIOS
from sqlalchemy import text
from update_helpers import RECORDED_DESKS, diff_of, execute, write_rows

from osticket_bridge.db import make_engine
from osticket_bridge.mail import mime

queued = mail_helpers.queued  # fixture
RECORDINGS = pathlib.Path(__file__).resolve().parent / "recordings"
FOLDERS = {"1.18": RECORDINGS / "1.18.1" / "rules", "1.10": RECORDINGS / "1.10.4" / "rules"}
# The stock API's status for a refusal, and the bridge's (a clear 4xx: 1.18's API answers 500 at the limit).
STATUSES = {201: 201, 403: 403, 400: 409, 500: 409}
API_ERROR = "API Error ("  # the stock API's own warning about its answer: the bridge's answer is not osTicket's
# The stock API's warning that a field was sent a list (it takes it all the same); the bridge takes a list for a field
# that chooses several and logs nothing.
UNEXPECTED_LIST = ": Unexpected data received in API request"


def recording(release, name):
    found = json.loads((FOLDERS[release] / f"{name}.json").read_text())
    tickets = [r for d in (found["setup"], found["tables"]) for r in d.get("ost_ticket", {}).get("inserted", [])]
    found["golden_numbers"] = sorted({r["number"] for r in tickets}, key=len, reverse=True)
    # the recorded create's time: its ticket's, else the latest row the set-up wrote
    times = [r["created"] for r in found["tables"].get("ost_ticket", {}).get("inserted", [])]
    times = times or [r["created"] for d in found["setup"].values() for r in d["inserted"] if r.get("created")]
    found["meta"]["recorded_at"] = max(times)
    return found


def recorded_mails(release, name):
    folder = FOLDERS[release] / "mail" / name
    return [parsed(message_from_bytes(p.read_bytes(), policy=policy.default)) for p in sorted(folder.glob("*.eml"))]


def syslog_rows(db_url, after=0):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT log_id, log_type, title, log, logger FROM ost_syslog WHERE log_id > :i ORDER BY log_id"),
                {"i": after},
            )
            return [dict(r._mapping) for r in rows]
    finally:
        engine.dispose()


@pytest.mark.parametrize(("release", "name"), [(r, n) for r in SCENARIOS for n in SCENARIOS[r]])
def test_a_create_under_the_rules_writes_logs_and_mails_what_osticket_does(request, fresh_app, queued, release, name):
    desk = RECORDED_DESKS[release]
    db_url = request.getfixturevalue(desk.baseline)
    recorded = recording(desk.release, name)
    for sql in SCENARIOS[release][name].get("schema", []):
        execute(db_url, sql)
    write_rows(db_url, recorded["setup"])
    client = fresh_app(db_url).test_client()
    logged = max([0, *(r["log_id"] for r in syslog_rows(db_url))])
    assert client.get("/api/topics.json", headers=desk.key).status_code == 200  # the app is warm: the create is quick
    with diff_of(db_url) as diff:
        # The create at osTicket's clock then, to the second (its canned reply prints the time).
        clock.pin(db_url, recorded["meta"]["recorded_at"])
        response = post_ticket(client, recorded["meta"]["request"], desk.key)
    assert response.status_code == STATUSES[recorded["meta"]["http_status"]], response.get_json()
    assert compare(diff, recorded) == []
    if response.status_code == 201:  # the answer shows what the create wrote: the message, a canned reply, files
        entries = recorded["tables"]["ost_thread_entry"]["inserted"]
        threads = response.get_json()["threads"]
        assert [e["poster"] for e in threads] == [e["poster"] for e in entries]
        files = recorded["tables"].get("ost_attachment", {}).get("inserted", [])
        attached = [sum(f["object_id"] == e["id"] and f["type"] == "H" for f in files) for e in entries]
        assert [len(e["attachments"]) for e in threads] == attached
    ours = [{k: r[k] for k in ("log_type", "title", "log")} for r in syslog_rows(db_url, logged)]
    theirs = [{k: r[k] for k in ("log_type", "title", "log")} for r in recorded["syslog"]]
    assert ours == [r for r in theirs if not r["title"].startswith(API_ERROR) and UNEXPECTED_LIST not in r["log"]]
    golden = recorded_mails(desk.release, name)
    part = TEXT_110 if desk.release == "1.10" else "text"
    mails = sorted((as_dict(m) for m in queued), key=lambda m: (m["subject"], m["to"]))
    golden = sorted(golden, key=lambda m: (m["subject"], m["to"]))
    assert [m["to"] for m in mails] == [m["to"] for m in golden]
    assert [same_mail(m, g, part) for m, g in zip(mails, golden, strict=True)] == [[] for _ in golden]
    # The files as the wire form carries them (name, type, content), the body's parts first.
    wire = [parsed(message_from_bytes(mime.wire(mime.stored(m)[1]), policy=policy.default)) for m in queued]
    wire = sorted(wire, key=lambda m: (m["subject"], m["to"]))
    assert [m["attachments"] for m in wire] == [g["attachments"] for g in golden]
