"""Record what a real osTicket 1.10.4 writes for the operations its goldens lack (peer-1.10.4 kit).

    bash ../shared/osticket/peer-1.10.4/setup.sh /srv/ost110 8082 osticket110
    .venv/bin/python tests/recordings/record_110.py /srv/ost110 osticket110

Each operation starts from the 1.10.4 baseline (reset.sh) and writes tests/recordings/1.10.4/<op>.json in the
golden format (tests/golden.py compares it).
"""

import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from golden import snapshot, table_diff  # noqa: E402

OPERATIONS = ("create_user", "create_topic")


def record(kit, database, op):
    subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    old = snapshot(url)
    run = subprocess.run(
        [f"{kit}/bin/ostphp", str(HERE / "record_110.php"), op],
        check=True, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    new = snapshot(url)
    output = json.loads(run.stdout.strip().splitlines()[-1])
    assert output["ok"], output
    tables = table_diff(old, new)
    tables.pop("ost_session", None)
    recording = {"operation": op, "meta": {"osticket": "v1.10.4", "script": "tests/recordings/record_110.py",
                 "output": output}, "tables": tables}  # fmt: skip
    target = HERE / "1.10.4" / f"{op}.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(recording, indent=1) + "\n")
    print(op, output, {t: {k: len(v) for k, v in d.items()} for t, d in tables.items()})


if __name__ == "__main__":
    kit, database = sys.argv[1], sys.argv[2]
    for op in OPERATIONS:
        record(kit, database, op)
