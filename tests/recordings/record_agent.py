"""Record what a real osTicket writes and mails when an agent acts on a ticket in the staff panel (peer kits).

    bash ../shared/osticket/peer/setup.sh /srv/peer-x 8111 osticket_peer_x
    bash ../shared/osticket/peer-1.10.4/setup.sh /srv/peer110-x 8112 osticket110_x
    .venv/bin/python tests/recordings/record_agent.py 1.18 /srv/peer-x osticket_peer_x [OP ...]
    .venv/bin/python tests/recordings/record_agent.py 1.10 /srv/peer110-x osticket110_x [OP ...]

Each operation starts from the kit's baseline (reset.sh) plus the golden operations of ticket A before it and the
set-up SQL of AGENT_SETUP (tests/agent_helpers.py, which the comparison tests run too), then record_agent.php acts
as the staff panel's controller does. The row diff goes to tests/recordings/<release>/agent/<op>.json (golden
format, tests/golden.py), the mails osTicket sent to tests/recordings/<release>/agent/mail/<op>/.
"""

import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from agent_helpers import OPERATIONS, RELEASE_DIRS, prepare  # noqa: E402
from golden import snapshot, store_recording, table_diff  # noqa: E402


def record(release, kit, database, op):
    subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
    url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    spec = OPERATIONS[op]
    number = prepare(url, release, spec)
    old = snapshot(url)
    done = subprocess.run(
        [f"{kit}/bin/ostphp", str(HERE / "record_agent.php"), spec.kind, number, spec.agent, json.dumps(spec.vars)],
        check=True, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    new = snapshot(url)
    output = json.loads(done.stdout.strip().splitlines()[-1])
    assert output["ok"] == (not spec.refused), output
    tables = table_diff(old, new)
    tables.pop("ost_session", None)
    meta = {"osticket": release, "script": "tests/recordings/record_agent.py", "output": output}
    store_recording(RELEASE_DIRS[release], op, meta, tables, kit)
    print(op, output, {t: {k: len(v) for k, v in d.items()} for t, d in tables.items()})


if __name__ == "__main__":
    release, kit, database = sys.argv[1:4]
    for op in sys.argv[4:] or [o for o, s in OPERATIONS.items() if release in s.releases]:
        record(release, kit, database, op)
