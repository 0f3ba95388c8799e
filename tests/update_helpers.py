"""Helpers of the ticket-update tests: golden pre-states, calls through the bridge and row diffs."""

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from golden import (
    DATE,
    GOLDEN_110_DIR,
    NOISE_TABLES,
    RECORDINGS_118_DIR,
    SHARED_GOLDEN_DIR,
    ZERO_DATE,
    load_golden,
    snapshot,
    table_diff,
)
from sqlalchemy import MetaData, insert, text, update
from world import AGENT, KEY, OWNER, REAL_BASELINE

from osticket_bridge.db import make_engine

# The golden run, in order, per ticket: replaying a prefix recreates the exact state osTicket acted on.
HISTORY_A = (
    "create_ticket_api",
    "user_reply",
    "assign_ticket_to_staff",
    "staff_reply_with_status",
    "user_reply_reopens",
)
HISTORY_B = (
    "create_ticket_api_new_user",
    "close_ticket",
    "reopen_ticket",
    "close_ticket_by_staff",
    "reopen_ticket_by_staff",
)


@dataclass(frozen=True)
class Desk:
    """A help desk the golden comparisons run on: its release's recordings, the fixture of its starting database
    and the two tickets its golden run created, with the operations done on each, in order; its API key, ticket
    A's owner, the agent who works it and ticket B's owner (a user the golden run created)."""

    release: str
    golden_dir: object
    baseline: str
    ticket_a: str
    ticket_b: str
    history_a: tuple
    history_b: tuple
    key: dict = field(default_factory=lambda: {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"})
    owner: dict = field(default_factory=lambda: {"email": "carol.customer@example.com"})
    agent: str = "alice"
    other: dict = field(default_factory=lambda: {"user_id": 2})

    def golden(self, op):
        return load_golden(op, self.golden_dir)


def _recorded_number(op):
    path = RECORDINGS_118_DIR / f"{op}.json"
    return json.loads(path.read_text())["meta"]["output"]["response_body"] if path.exists() else None


# osTicket 1.18.1's golden run on its real fresh install (../shared): carol's 386142 and Dave's 869769.
DESK_REAL = Desk("1.18", SHARED_GOLDEN_DIR, "fresh_real_baseline_db", "386142", "869769", HISTORY_A, HISTORY_B)
# The same run recorded on our own install + demo data (tests/recordings/1.18.1, record_118.py): Priya's ticket
# and Dave's (user 4 there), worked by dana.
DESK_OWN = Desk(
    "1.18",
    RECORDINGS_118_DIR,
    "fresh_fixtures_db",
    _recorded_number("create_ticket_api"),
    _recorded_number("create_ticket_api_new_user"),
    HISTORY_A,
    HISTORY_B,
    key={"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"},
    owner={"email": "priya.raman@example.net"},
    agent="dana",
    other={"user_id": 4},
)
# The 1.18.1 desk the tests run on: the real install when ../shared is there, else our own recordings.
DESK_118 = DESK_REAL if REAL_BASELINE else DESK_OWN
# osTicket 1.10.4's golden run (golden-1.10.4/SUMMARY.md): no assignment, and the close and reopen are the system's.
DESK_110 = Desk(
    "1.10",
    GOLDEN_110_DIR,
    "fresh_baseline_110_db",
    "232747",
    "513347",
    ("create_ticket_api", "user_reply", "staff_reply_with_status"),
    ("create_ticket_api_new_user", "close_ticket", "reopen_ticket"),
)
DESKS = {"1.18": DESK_118, "1.10": DESK_110}
# The sample help desk's history (sample-1.18.1.sql): the golden run, then an agent's internal note on ticket A
# and her close of the extras ticket with a comment.
SAMPLE = (
    "create_ticket_api",
    "create_ticket_api_new_user",
    "create_ticket_api_extras",
    *HISTORY_A[1:],
    *HISTORY_B[1:],
    "create_topic",
    "create_user",
    "internal_note",
    "close_ticket_extras_by_staff",
)
# The behaviour tests' tickets. Ticket 1: the owner's (user 1), topic 12 in Billing; ticket 2: user 2's, topic 13.
# On the real install they are carol's 386142 and Dave's 869769 (written by replaying the golden operations); on the
# demo data Priya's 482915 and Tomás's 731604, brought to the same states by DEMO_STEPS.
TICKET_A, TICKET_B = ("386142", "869769") if REAL_BASELINE else ("482915", "731604")
CAROL = OWNER
DAVE = {"user_id": 2}


# The desks our own peer-kit recordings of agent actions and rules were made on, with ../shared or without:
# 1.18.1 our own install + demo data, 1.10.4 its real install.
RECORDED_DESKS = {"1.18": DESK_OWN, "1.10": DESK_110}


@pytest.fixture(params=sorted(DESKS))
def on_desk(request):
    """(Desk, a fresh copy of its starting database): a comparison runs on osTicket 1.18.1's and on 1.10.4's."""
    desk = DESKS[request.param]
    return desk, request.getfixturevalue(desk.baseline)


ASSIGNED_EVENT = (
    "INSERT INTO ost_thread_event (thread_id, event_id, staff_id, team_id, dept_id, topic_id, data, username, uid, "
    "uid_type, annulled, timestamp) VALUES (1, 4, 2, 0, 4, 12, '{\"staff\":[2,\"Dana Whitfield\"]}', 'ostadmin', 1, "
    "'S', 0, NOW())"
)
CLOSED_EVENT = (
    "INSERT INTO ost_thread_event (thread_id, event_id, staff_id, team_id, dept_id, topic_id, data, username, uid, "
    "uid_type, annulled, timestamp) VALUES (1, 2, 2, 0, 4, 12, '{\"status\":[2,\"Resolved\"]}', 'dana', 2, 'S', 0, "
    "NOW())"
)
# The demo data's rows brought to the state each golden operation leaves, as osTicket writes them (the demo's
# tickets 2 and 4 show the same shapes): ticket 1 holds Priya's message (entry 1) and her portal reply (entry 4).
DEMO_STEPS = {
    "create_ticket_api": (
        "DELETE FROM ost_thread_entry WHERE id IN (2, 3)",  # the assignment note and eve's reply
        "DELETE FROM ost__search WHERE object_type = 'H' AND object_id IN (2, 3)",
        "DELETE FROM ost_thread_event WHERE thread_id = 1 AND event_id <> 1",
        "UPDATE ost_ticket SET staff_id = 0, isanswered = 0, est_duedate = NOW() + INTERVAL 2 DAY WHERE ticket_id = 1",
        "UPDATE ost_thread SET lastresponse = NULL WHERE id = 1",
    ),
    "user_reply": (),
    "assign_ticket_to_staff": ("UPDATE ost_ticket SET staff_id = 2 WHERE ticket_id = 1", ASSIGNED_EVENT),
    "staff_reply_with_status": (
        "INSERT INTO ost_thread_entry (pid, thread_id, staff_id, user_id, type, flags, poster, body, format, created) "
        "VALUES (4, 1, 2, 0, 'R', 576, 'Dana Whitfield', '<p>Refunded.</p>', 'html', NOW())",
        "UPDATE ost_ticket SET status_id = 2, isanswered = 1, closed = NOW() WHERE ticket_id = 1",
        "UPDATE ost_thread SET lastresponse = NOW() WHERE id = 1",
        "INSERT INTO ost_thread_referral (thread_id, object_id, object_type, created) VALUES (1, 2, 'S', NOW())",
        CLOSED_EVENT,
    ),
    # User 2 with an open ticket of his own.
    "create_ticket_api_new_user": ("UPDATE ost_ticket SET status_id = 1, closed = NULL WHERE ticket_id = 2",),
}


def replay(db_url, *ops, desk=None, moved=True):
    """Bring the database to the state these golden operations leave: their recorded rows on ``desk``, else on the
    real install (1.18.1's), else DEMO_STEPS on the demo data (the behaviour tests' tickets). Our own recordings
    are moved in time to have ended an hour ago: due dates that lay ahead when osTicket acted still do, and the
    next operation's NOW() differs from the replayed times (``moved=False``: at the times they were recorded)."""
    if desk is None and not REAL_BASELINE:
        for op in ops:
            for sql in DEMO_STEPS[op]:
                execute(db_url, sql)
        return
    recordings = [(desk or DESK_REAL).golden(op) for op in ops]
    recorded_at = [r["meta"]["recorded_at"] for r in recordings if moved and "recorded_at" in r["meta"]]
    write_rows(db_url, *(r["tables"] for r in recordings), recorded_at=max(recorded_at) if recorded_at else None)


def prepare(db_url, *steps):
    """Replay golden operations and run SQL statements (UPDATE, INSERT), in order."""
    for step in steps:
        if step.startswith(("UPDATE", "INSERT")):
            execute(db_url, step)
        else:
            replay(db_url, step)


def write_rows(db_url, *diffs, recorded_at=None):
    """Write the rows of recorded diffs (table -> inserted/updated rows) as they are, or moved in time by as much as
    lies between ``recorded_at`` and an hour ago."""
    engine = make_engine(db_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.begin() as conn:
            shift = _shift(conn, recorded_at) if recorded_at else None
            for tables in diffs:
                for name, diff in tables.items():
                    if name in NOISE_TABLES:
                        continue
                    table = metadata.tables[name]
                    for row in diff["inserted"]:
                        conn.execute(insert(table).values(**_moved(_binary(table, row), shift)))
                    for change in diff["updated"]:
                        where = [table.c[k] == v for k, v in change["pk"].items()]
                        values = _moved({c: v["new"] for c, v in change["changes"].items()}, shift)
                        conn.execute(update(table).where(*where).values(values))
                    assert not diff["deleted"], f"the recording deletes {name} rows: write_rows does not handle it"
    finally:
        engine.dispose()


def _binary(table, row):
    """Binary columns (file chunks) are recorded as text: back to bytes."""
    return {k: v.encode() if isinstance(v, str) and table.c[k].type.python_type is bytes else v for k, v in row.items()}


def _shift(conn, recorded_at):
    now = conn.execute(text("SELECT NOW() - INTERVAL 1 HOUR")).scalar()
    return now - datetime.strptime(recorded_at, "%Y-%m-%d %H:%M:%S")


def _moved(row, shift):
    if not shift:
        return row
    return {
        k: (datetime.strptime(v, "%Y-%m-%d %H:%M:%S") + shift).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(v, str) and DATE.match(v) and v != ZERO_DATE
        else v
        for k, v in row.items()
    }


def history_before(history, op):
    return history[: history.index(op)]


def execute(db_url, sql, **params):
    """Run one statement on the database (test set-up), with osTicket's session settings."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def age(db_url, number, hours=1):
    """Move the ticket's and its thread's times back, so the next operation's NOW() differs from them."""
    execute(
        db_url,
        "UPDATE ost_ticket t JOIN ost_thread th ON th.object_id = t.ticket_id AND th.object_type = 'T' "
        "SET t.created = t.created - INTERVAL :h HOUR, t.updated = t.updated - INTERVAL :h HOUR, "
        "t.lastupdate = t.lastupdate - INTERVAL :h HOUR, t.closed = t.closed - INTERVAL :h HOUR, "
        "t.reopened = t.reopened - INTERVAL :h HOUR, th.lastmessage = th.lastmessage - INTERVAL :h HOUR, "
        "th.lastresponse = th.lastresponse - INTERVAL :h HOUR WHERE t.number = :n",
        h=hours,
        n=number,
    )


@contextlib.contextmanager
def diff_of(db_url):
    """``with diff_of(url) as diff:`` -> after the block, ``diff`` holds the row diff of every ost_* table."""
    result = {}
    before = snapshot(db_url)
    yield result
    result.update(table_diff(before, snapshot(db_url)))


def reply(
    client,
    number,
    staff=AGENT,
    response="<p>We refunded the duplicate charge. Closing this as resolved.</p>",
    key=KEY,
    **extra,
):
    # Markup in the response is meant as html (the staff panel's editor); plain text is sent as text.
    fmt = "html" if response.startswith("<") else "text"
    return client.post(
        "/api/scp/tickets/reply.json",
        headers=key,
        json={"ticketNumber": number, "response": response, "staffUserName": staff, "format": fmt, **extra},
    )


def message(client, number, user, text, fmt="text", key=KEY):
    return client.put(f"/api/tickets.json/{number}", headers=key, json={**user, "message": text, "format": fmt})
