"""Record what a real osTicket writes and mails when an agent acts on a ticket in the staff panel (peer kits).

    bash ../shared/osticket/peer/setup.sh /srv/peer-x 8111 osticket_peer_x
    bash ../shared/osticket/peer-1.10.4/setup.sh /srv/peer110-x 8112 osticket110_x
    .venv/bin/python tests/recordings/record_agent.py 1.18 /srv/peer-x osticket_peer_x [OP ...]
    .venv/bin/python tests/recordings/record_agent.py 1.10 /srv/peer110-x osticket110_x [OP ...]

Each operation starts from the release's desk (tests/agent_helpers.py, which the comparison tests run on too): on
1.18 our own install + demo data as record_118.py builds it, on 1.10 the kit's baseline (reset.sh); then the
golden operations of ticket A before it are replayed and the set-up SQL run, and record_agent.php acts as the
staff panel's controller does. The row diff goes to tests/recordings/<release>/agent/<op>.json (golden format,
tests/golden.py), the mails osTicket sent to tests/recordings/<release>/agent/mail/<op>/.
"""

import contextlib
import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from agent_helpers import DESKS, OPERATIONS, RELEASE_DIRS, prepare  # noqa: E402
from golden import snapshot, store_recording, table_diff  # noqa: E402
from record_118 import baseline_dump, own_install_dump, reset  # noqa: E402


def record(release, kit, database, dump, op):
    if dump:
        url = reset(kit, database, dump)[1]
    else:
        subprocess.run(["bash", f"{kit}/reset.sh"], check=True, capture_output=True)
        url = f"mysql+pymysql://root@127.0.0.1:3306/{database}"
    spec = OPERATIONS[op]
    number = prepare(url, release, spec)
    old = snapshot(url)
    done = subprocess.run(
        [f"{kit}/bin/ostphp", str(HERE / "record_agent.php"), spec.kind, number, DESKS[release].agent,
         json.dumps(spec.vars)],
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


def main(release, kit, database, ops):
    # 1.18: the desk of DESK_OWN, schema_fixtures/ with the demo data; 1.10: the kit's own baseline
    own = release == "1.18"
    with own_install_dump(database, baseline_dump()) if own else contextlib.nullcontext() as dump:
        for op in ops or [o for o, s in OPERATIONS.items() if release in s.releases]:
            record(release, kit, database, dump, op)


if __name__ == "__main__":
    main(*sys.argv[1:4], sys.argv[4:])
