"""Record what a real osTicket 1.10.4 writes for the operations its goldens lack (peer-1.10.4 kit).

    bash ../shared/osticket/peer-1.10.4/setup.sh /srv/ost110 8082 osticket110
    .venv/bin/python tests/recordings/record_110.py /srv/ost110 osticket110

Each operation starts from the 1.10.4 baseline (reset.sh), plus the golden-1.10.4 operations before the one it
stands in for, and writes tests/recordings/1.10.4/<op>.json in the golden format (tests/golden.py compares it).
"""

import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from attachment_files import pdf, png  # noqa: E402
from golden import snapshot, table_diff  # noqa: E402
from update_helpers import DESK_110, history_before, replay  # noqa: E402

# op: the command run in the kit (after bin/ostphp), the golden operation it stands in for (None: from the baseline)
OPERATIONS = {
    "create_user": (["record_110.php", "create_user"], None),
    "create_topic": (["record_110.php", "create_topic"], None),
    # record.py's staff reply with a PNG and a PDF (its script runs on 1.10.4 unchanged)
    "staff_reply_attachments": (
        ["record_attachments.php", "staff_reply", DESK_110.ticket_a],
        "staff_reply_with_status",
    ),
}


def record(kit, database, op):
    subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    command, before = OPERATIONS[op]
    if before:
        replay(url, *history_before(DESK_110.history_a, before), desk=DESK_110)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        if command[0] == "record_attachments.php":
            for name, (data, mime) in (
                ("screenshot.png", (png(), "image/png")),
                ("invoice.pdf", (pdf(), "application/pdf")),
            ):
                (pathlib.Path(tmp) / name).write_bytes(data)
                files.append(f"{tmp}/{name}:{mime}")
            subprocess.run(["chmod", "-R", "a+rX", tmp], check=True)
        old = snapshot(url)
        run = subprocess.run(
            [f"{kit}/bin/ostphp", str(HERE / command[0]), *command[1:], *files],
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
    for op in sys.argv[3:] or OPERATIONS:
        record(kit, database, op)
