"""Helpers of the ticket-update tests: golden pre-states, calls through the bridge and row diffs."""

import contextlib

from golden import NOISE_TABLES, load_golden, snapshot, table_diff
from sqlalchemy import MetaData, insert, text, update
from world import KEY

from osticket_bridge.db import make_engine

TICKET_A = "386142"  # carol, Billing Questions (golden operations on ticket 1)
TICKET_B = "869769"  # Dave Newuser, Refund Request (golden operations on ticket 2)
CAROL = {"email": "carol.customer@example.com"}
DAVE = {"user_id": 2}
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


def replay(db_url, *ops):
    """Write the rows of these golden operations into the database, exactly as osTicket left them."""
    engine = make_engine(db_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.begin() as conn:
            for op in ops:
                for name, diff in load_golden(op)["tables"].items():
                    if name in NOISE_TABLES:
                        continue
                    table = metadata.tables[name]
                    for row in diff["inserted"]:
                        conn.execute(insert(table).values(**row))
                    for change in diff["updated"]:
                        where = [table.c[k] == v for k, v in change["pk"].items()]
                        conn.execute(
                            update(table).where(*where).values({c: v["new"] for c, v in change["changes"].items()})
                        )
                    assert not diff["deleted"], f"{op} deletes {name} rows: replay does not handle it"
    finally:
        engine.dispose()


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
    staff="alice",
    response="<p>We refunded the duplicate charge. Closing this as resolved.</p>",
    **extra,
):
    # Markup in the response is meant as html (the staff panel's editor); plain text is sent as text.
    fmt = "html" if response.startswith("<") else "text"
    return client.post(
        "/api/scp/tickets/reply.json",
        headers=KEY,
        json={"ticketNumber": number, "response": response, "staffUserName": staff, "format": fmt, **extra},
    )


def message(client, number, user, text, fmt="text"):
    return client.put(f"/api/tickets.json/{number}", headers=KEY, json={**user, "message": text, "format": fmt})
