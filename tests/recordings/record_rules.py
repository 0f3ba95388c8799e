"""Record what a real osTicket (1.18.1 or 1.10.4 peer kit) writes and mails for a create under the help desk's
rules: ticket filters, the ban list, organizations and the open-ticket limit (tests/rules_scenarios.py).

    bash ../shared/osticket/peer/setup.sh /srv/peer-rules 8121 osticket_peer_rules
    .venv/bin/python tests/recordings/record_rules.py 1.18 /srv/peer-rules osticket_peer_rules [SCENARIO ...]
    bash ../shared/osticket/peer-1.10.4/setup.sh /srv/peer110-rules 8122 osticket110_rules
    .venv/bin/python tests/recordings/record_rules.py 1.10 /srv/peer110-rules osticket110_rules [SCENARIO ...]

Each scenario starts from the release's desk: on 1.18 our own install + demo data as record_118.py builds it, on
1.10 the kit's fresh install (reset.sh). Its set-up (SQL, people added by record_rules.php, creates through the
stock API) is recorded as "setup"; the recorded create through the stock API as "tables", with the ost_syslog
rows it added as "syslog" and its mails in <release>/rules/mail/<scenario>/.
"""

import contextlib
import json
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
from golden import snapshot, table_diff  # noqa: E402
from record_118 import baseline_dump, own_install_dump, reset  # noqa: E402
from rules_scenarios import SCENARIOS  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from update_helpers import RECORDED_DESKS  # noqa: E402


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


def starting_database(kit, database, dump):
    """The kit's database at the desk's start (``dump``, else the kit's baseline): (the kit's address, its URL)."""
    if dump:
        desk, url = reset(kit, database, dump)
        return desk.url, url
    subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    engine = create_engine(url)
    with engine.connect() as conn:
        base = conn.execute(text("SELECT value FROM ost_config WHERE `key` = 'helpdesk_url'")).scalar().rstrip("/")
    engine.dispose()
    return base, url


def record(release, kit, database, dump, name):
    scenario, key = SCENARIOS[release][name], RECORDED_DESKS[release].key
    base, url = starting_database(kit, database, dump)
    engine = create_engine(url)
    with engine.connect() as conn:
        signature = conn.execute(text("SELECT value FROM ost_config WHERE `key` = 'schema_signature'")).scalar()
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
        answer = requests.post(f"{base}/api/tickets.json", headers=key, json=body, timeout=30)
        assert answer.status_code == 201, answer.text
    mail_dir = pathlib.Path(kit, "mail")
    for sent in mail_dir.glob("*.eml"):
        sent.unlink()
    old, logged = snapshot(url), last_log(engine)
    answer = requests.post(f"{base}/api/tickets.json", headers=key, json=scenario["request"], timeout=30)
    new = snapshot(url)
    tables = table_diff(old, new)
    tables.pop("ost_session", None)
    setup = table_diff(start, old)
    setup.pop("ost_session", None)
    recording = {
        "operation": name,
        "meta": {
            "osticket": version, "schema_signature": signature, "script": "tests/recordings/record_rules.py",
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


def main(release, kit, database, names):
    # 1.18: the desk of DESK_OWN, schema_fixtures/ with the demo data; 1.10: the kit's own baseline
    own = release == "1.18"
    with own_install_dump(database, baseline_dump()) if own else contextlib.nullcontext() as dump:
        for name in names or SCENARIOS[release]:
            record(release, kit, database, dump, name)


if __name__ == "__main__":
    main(*sys.argv[1:4], sys.argv[4:])
