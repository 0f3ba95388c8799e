"""Record what a real osTicket (1.18.1 or 1.10.4 peer kit) writes and mails for a create under the help desk's
rules: ticket filters, the ban list, organizations and the open-ticket limit (tests/rules_scenarios.py).

    bash ../shared/osticket/peer/setup.sh /srv/peer-rules 8121 osticket_peer_rules
    .venv/bin/python tests/recordings/record_rules.py /srv/peer-rules osticket_peer_rules [SCENARIO ...]
    bash ../shared/osticket/peer-1.10.4/setup.sh /srv/peer110-rules 8122 osticket110_rules
    .venv/bin/python tests/recordings/record_rules.py /srv/peer110-rules osticket110_rules [SCENARIO ...]

Each scenario starts from the kit's fresh install (reset.sh). Its set-up (SQL, people added by record_rules.php,
creates through the stock API) is recorded as "setup"; the recorded create through the stock API as "tables",
with the ost_syslog rows it added as "syslog" and its mails in <release>/rules/mail/<scenario>/.
"""

import json
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
from golden import snapshot, table_diff  # noqa: E402
from rules_scenarios import SCENARIOS  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

KEY = {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}


def syslog_after(engine, last_id):
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT log_type, title, log, logger FROM ost_syslog WHERE log_id > :i ORDER BY log_id"),
            {"i": last_id},
        )
        return [dict(r._mapping) for r in rows]


def last_log(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT COALESCE(MAX(log_id), 0) FROM ost_syslog")).scalar()


def record(kit, database, name):
    scenario = SCENARIOS[name]
    subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    engine = create_engine(url)
    with engine.connect() as conn:
        base = conn.execute(text("SELECT value FROM ost_config WHERE `key` = 'helpdesk_url'")).scalar().rstrip("/")
        release = conn.execute(text("SELECT value FROM ost_config WHERE `key` = 'schema_signature'")).scalar()
        # 1.10 names its thread events in ost_thread_event.state (1.11+: event_id)
        v110 = conn.execute(text("SHOW COLUMNS FROM ost_thread_event LIKE 'state'")).first() is not None
    version = "1.10.4" if v110 else "1.18.1"
    start = snapshot(url)
    raw = engine.raw_connection()  # the statements hold % and : as they are
    with raw.cursor() as cursor:
        for sql in scenario.get("schema", []) + scenario.get("sql", []):
            cursor.execute(sql)
    raw.commit()
    raw.close()
    if scenario.get("people"):
        subprocess.run(
            [f"{kit}/bin/ostphp", str(HERE / "record_rules.php"), json.dumps(scenario["people"])],
            check=True, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    for body in scenario.get("before", []):
        answer = requests.post(f"{base}/api/tickets.json", headers=KEY, json=body, timeout=30)
        assert answer.status_code == 201, answer.text
    mail_dir = pathlib.Path(kit, "mail")
    for sent in mail_dir.glob("*.eml"):
        sent.unlink()
    old, logged = snapshot(url), last_log(engine)
    answer = requests.post(f"{base}/api/tickets.json", headers=KEY, json=scenario["request"], timeout=30)
    new = snapshot(url)
    tables = table_diff(old, new)
    tables.pop("ost_session", None)
    setup = table_diff(start, old)
    setup.pop("ost_session", None)
    recording = {
        "operation": name,
        "meta": {
            "osticket": version, "schema_signature": release, "script": "tests/recordings/record_rules.py",
            "request": scenario["request"], "http_status": answer.status_code, "response_body": answer.text,
        },
        "setup": setup,
        "tables": tables,
        "syslog": syslog_after(engine, logged),
    }  # fmt: skip
    engine.dispose()
    target = HERE / version / "rules" / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(recording, indent=1) + "\n")
    mails = target.parent / "mail" / name
    shutil.rmtree(mails, ignore_errors=True)
    for sent in sorted(mail_dir.glob("*.eml")):
        mails.mkdir(parents=True, exist_ok=True)
        shutil.copy(sent, mails / sent.name)
    print(version, name, answer.status_code, {t: {k: len(v) for k, v in d.items()} for t, d in tables.items()},
          len(recording["syslog"]), "log rows", len(list(mails.glob("*.eml"))), "mails")  # fmt: skip


if __name__ == "__main__":
    kit, database = sys.argv[1], sys.argv[2]
    for scenario in sys.argv[3:] or SCENARIOS:
        record(kit, database, scenario)
