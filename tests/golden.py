"""Row-level diffs of every table, compared with the diffs recorded from a real osTicket (1.18.1, and 1.10.4).

The golden files (../shared/osticket/golden/<op>.json, golden-1.10.4/ for 1.10.4; without ../shared, our own
recordings of 1.18.1 in tests/recordings/1.18.1/) hold, per table, the
inserted and deleted rows and the updated rows with old/new values. `table_diff` produces the same structure for a
bridge operation; `compare` lists every difference, ignoring only what must differ between two runs:
generated ids, timestamps, ticket numbers and password salts (compared by shape, not value).
"""

import json
import os
import pathlib
import re
import shutil

import pytest
from sqlalchemy import create_engine, inspect, text
from world import REAL_BASELINE

SHARED_GOLDEN_DIR = pathlib.Path(
    os.environ.get("OSTICKET_GOLDEN_DIR")
    or pathlib.Path(__file__).resolve().parents[2] / "shared" / "osticket" / "golden"
)
# What osTicket 1.18.1 wrote for the same operations on our own install + demo data (tests/recordings/record_118.py).
RECORDINGS_118_DIR = pathlib.Path(__file__).resolve().parent / "recordings" / "1.18.1"
# The 1.18.1 recordings the tests compare with: those of the real fresh install they run on, else our own.
GOLDEN_DIR = SHARED_GOLDEN_DIR if REAL_BASELINE else RECORDINGS_118_DIR
# The same operations recorded on a real osTicket 1.10.4 (fewer of them), beside the 1.18.1 ones.
GOLDEN_110_DIR = pathlib.Path(os.environ.get("OSTICKET_GOLDEN_110_DIR") or SHARED_GOLDEN_DIR.parent / "golden-1.10.4")
# What a real osTicket 1.10.4 wrote for operations its goldens lack, recorded by tests/recordings/record_110.py.
RECORDINGS_110_DIR = pathlib.Path(__file__).resolve().parent / "recordings" / "1.10.4"
# Tables osTicket's PHP sessions touch: harness noise, not part of an operation.
NOISE_TABLES = {"ost_session", "ost_syslog"}
# Ids that auto-increments hand out: compared as zero / non-zero, not by value.
GENERATED_IDS = {"id", "ticket_id", "thread_id", "entry_id", "object_id", "pid", "default_email_id", "uid"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
ZERO_DATE = "0000-00-00 00:00:00"


HOW_TO_GET = (
    "osTicket's recordings are not here: put the reference material in ../shared beside the checkout "
    "(it holds osticket/golden/, golden-1.10.4/ and the dumps; `make test` then finds them) or set "
    "OSTICKET_GOLDEN_DIR"
)


def load_golden(op, directory=GOLDEN_DIR):
    """The recorded diff of one operation; the test is skipped (with how to get them) without the recordings.

    ``directory``: GOLDEN_DIR (osTicket 1.18.1), GOLDEN_110_DIR (1.10.4) or a folder of recordings.
    """
    path = pathlib.Path(directory) / f"{op}.json"
    if not path.exists():
        pytest.skip(HOW_TO_GET)
    golden = json.loads(path.read_text())
    # Our 1.10.4 recordings act on the tickets of 1.10.4's golden run too, our 1.18.1 agent actions (a subfolder)
    # on those of our own 1.18.1 run.
    folders = {path.parent}
    if path.parent == RECORDINGS_110_DIR:
        folders.add(GOLDEN_110_DIR)
    if path.parent.parent == RECORDINGS_118_DIR:
        folders.add(RECORDINGS_118_DIR)
    golden["golden_numbers"] = sorted({n for f in folders for n in _golden_numbers(f)}, key=len, reverse=True)
    return golden


def snapshot(db_url, prefix="ost_"):
    """Every row of every table with the prefix, keyed by primary key."""
    engine = create_engine(db_url)
    tables = {}
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            for name in insp.get_table_names():
                # The bridge's own tables (outbox, idempotency keys) are not osTicket's rows.
                if not name.startswith(prefix) or name in NOISE_TABLES or name.startswith(prefix + "bridge_"):
                    continue
                pk = insp.get_pk_constraint(name)["constrained_columns"]
                result = conn.execute(text(f"SELECT * FROM `{name}`")).mappings()
                rows = {}
                for i, row in enumerate(result):
                    row = {k: _plain(v) for k, v in row.items()}
                    rows[tuple(row[c] for c in pk) if pk else i] = row
                tables[name] = {"pk": pk, "rows": rows}
    finally:
        engine.dispose()
    return tables


def _plain(value):
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def table_diff(before, after):
    """{table: {"inserted": [...], "deleted": [...], "updated": [{"pk", "changes": {col: {old, new}}}]}}."""
    diff = {}
    for name, table in after.items():
        old_rows = before.get(name, {"rows": {}})["rows"]
        new_rows = table["rows"]
        inserted = [r for k, r in new_rows.items() if k not in old_rows]
        deleted = [r for k, r in old_rows.items() if k not in new_rows]
        updated = []
        for key, row in new_rows.items():
            old = old_rows.get(key)
            # a column added meanwhile and still NULL is no change
            changes = {c: {"old": old.get(c), "new": v} for c, v in row.items() if old.get(c) != v} if old else {}
            if changes:
                updated.append({"pk": dict(zip(table["pk"], key, strict=False)), "changes": changes})
        if inserted or deleted or updated:
            diff[name] = {"inserted": inserted, "deleted": deleted, "updated": updated}
    return diff


def _shape(column, value, numbers=()):
    if value is None:
        return None
    if column in GENERATED_IDS:
        return "<zero>" if value in (0, "0") else "<id>"
    if column == "number":
        return "<number>"
    if column == "passwd":
        return value[:7] + "<bcrypt>" if isinstance(value, str) and len(value) == 60 else value
    if isinstance(value, str):
        if DATE.match(value):
            return "<zero date>" if value == ZERO_DATE else "<date>"
        for number in numbers:
            value = value.replace(number, "<number>")
    return value


def normalize(table_diff_entry, numbers=()):
    """Shape a diff so that two runs of the same operation compare equal."""

    def norm_row(row):
        return {column: _shape(column, value, numbers) for column, value in row.items()}

    inserted = sorted((norm_row(r) for r in table_diff_entry.get("inserted", [])), key=repr)
    deleted = sorted((norm_row(r) for r in table_diff_entry.get("deleted", [])), key=repr)
    updated = sorted(
        (
            {c: _shape(c, ch["new"], numbers) for c, ch in u["changes"].items()}
            for u in table_diff_entry.get("updated", [])
        ),
        key=repr,
    )
    return {"inserted": inserted, "deleted": deleted, "updated": updated}


def _numbers(diff):
    """Ticket numbers appearing in a diff (inserted or updated ticket rows)."""
    rows = diff.get("ost_ticket", {})
    found = {r["number"] for r in rows.get("inserted", []) if r.get("number")}
    return sorted(found, key=len, reverse=True)


def _golden_numbers(directory):
    """The numbers of the tickets the golden operations in ``directory`` created (and later act on)."""
    numbers = set()
    for path in directory.glob("create_ticket_*.json"):
        numbers.update(_numbers(json.loads(path.read_text())["tables"]))
    return sorted(numbers, key=len, reverse=True)


def compare(actual, golden, numbers=(), accepted=None):
    """List the differences between a bridge diff and a golden diff (empty list: same writes).

    `numbers`: ticket numbers the bridge operation touched without creating them (shown as <number>).

    `accepted` maps "table" or "table.column" to the reason a known difference is kept on purpose;
    those are left out of the comparison.
    """
    accepted = accepted or {}
    golden_tables = {t: v for t, v in golden["tables"].items() if t not in NOISE_TABLES}
    golden_tables = {
        t: v for t, v in golden_tables.items() if v.get("inserted") or v.get("deleted") or v.get("updated")
    }
    # Recordings of our own (tests/recordings) act on the 1.18.1 golden tickets.
    golden_numbers = golden.get("golden_numbers") or _golden_numbers(GOLDEN_DIR)
    actual_numbers = sorted({*_numbers(actual), *numbers}, key=len, reverse=True)
    problems = []
    for table in sorted(set(golden_tables) | set(actual)):
        if table in accepted:
            continue
        if table not in actual:
            problems.append(f"{table}: osTicket writes it, the bridge does not")
            continue
        if table not in golden_tables:
            problems.append(f"{table}: the bridge writes it, osTicket does not: {actual[table]}")
            continue
        want = normalize(golden_tables[table], golden_numbers)
        got = normalize(actual[table], actual_numbers)
        for kind in ("inserted", "deleted", "updated"):
            w, g = want[kind], got[kind]
            if len(w) != len(g):
                problems.append(f"{table}: {len(g)} rows {kind}, osTicket {len(w)}:\n  bridge {g}\n  golden {w}")
                continue
            for w_row, g_row in zip(w, g, strict=True):
                for column in sorted(set(w_row) | set(g_row)):
                    if f"{table}.{column}" in accepted:
                        continue
                    if w_row.get(column, "<absent>") != g_row.get(column, "<absent>"):
                        problems.append(
                            f"{table}.{column} ({kind}): bridge {g_row.get(column, '<absent>')!r}, "
                            f"osTicket {w_row.get(column, '<absent>')!r}"
                        )
    return problems


def store_recording(folder, op, meta, tables, kit):
    """Write a recording made on a peer kit: ``folder``/<op>.json in the golden format, and the mails osTicket sent
    (the kit's fake sendmail) beside the rows in ``folder``/mail/<op>/*.eml as in the goldens."""
    folder.mkdir(parents=True, exist_ok=True)
    recording = {"operation": op, "meta": meta, "tables": tables}
    (folder / f"{op}.json").write_text(json.dumps(recording, indent=1) + "\n")
    mails = folder / "mail" / op
    shutil.rmtree(mails, ignore_errors=True)
    for sent in sorted(pathlib.Path(kit, "mail").glob("*.eml")):
        mails.mkdir(parents=True, exist_ok=True)
        shutil.copy(sent, mails / sent.name)
