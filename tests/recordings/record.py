"""Record what a real osTicket 1.18.1 writes for a reply and a message with attachments (peer kit).

    bash ../shared/osticket/peer/setup.sh /srv/peer-att 8091 osticket_peer_att
    .venv/bin/python tests/recordings/record.py /srv/peer-att osticket_peer_att

Each operation starts from the baseline plus the golden operations before it (as the tests replay them),
and writes tests/recordings/<op>.json in the golden format (tests/golden.py compares it).
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
from update_helpers import HISTORY_A, TICKET_A, history_before, replay  # noqa: E402

OPERATIONS = {
    # op: (osTicket golden operation it stands in for, files as name -> (bytes, type))
    "staff_reply_attachments": ("staff_reply_with_status", "staff_reply"),
    "user_message_attachments": ("user_reply", "user_message"),
}
FILES = {
    "staff_reply": {"screenshot.png": (png(), "image/png"), "invoice.pdf": (pdf(), "application/pdf")},
    "user_message": {"receipt.pdf": (pdf("Receipt 77"), "application/pdf")},
}


def record(kit, database, op, before, kind):
    subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    replay(url, *history_before(HISTORY_A, before))
    with tempfile.TemporaryDirectory() as tmp:
        specs = []
        for name, (data, mime) in FILES[kind].items():
            (pathlib.Path(tmp) / name).write_bytes(data)
            specs.append(f"{tmp}/{name}:{mime}")
        inline = pathlib.Path(tmp) / "inline.png"
        inline.write_bytes(png(3, 3, (10, 120, 200)))
        subprocess.run(["chmod", "-R", "a+rX", tmp], check=True)
        old = snapshot(url)
        run = subprocess.run(
            [f"{kit}/bin/ostphp", str(HERE / "record_attachments.php"), kind, TICKET_A, *specs],
            check=True, capture_output=True, text=True, env={"INLINE_PNG": str(inline), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        new = snapshot(url)
    output = json.loads(run.stdout.strip().splitlines()[-1])
    tables = table_diff(old, new)
    tables.pop("ost_session", None)
    recording = {"operation": op, "meta": {"stands_in_for": before, "script": "tests/recordings/record.py",
                 "output": output}, "tables": tables}  # fmt: skip
    (HERE / f"{op}.json").write_text(json.dumps(recording, indent=1) + "\n")
    print(op, output, {t: {k: len(v) for k, v in d.items()} for t, d in tables.items()})


if __name__ == "__main__":
    kit, database = sys.argv[1], sys.argv[2]
    for op, (before, kind) in OPERATIONS.items():
        record(kit, database, op, before, kind)
