"""osTicket 1.10's own behaviours where its recordings do not reach: the branches of osticket/release.py's callers,
each checked against 1.10.4's source (include/class.ticket.php) on 1.10.4's fresh install."""

from helpers import rows
from update_helpers import DAVE, DESK_110, execute, message, replay

DESK = DESK_110
CAROL_AGAIN = "<p>Sorry, the second charge is still on my statement.</p>"


def ticket(app, number):
    return rows(app, "SELECT * FROM ost_ticket WHERE number = :n", n=number)[0]


def closed_b(fresh_app, db_url):
    """Ticket b's row after Dave closes it through the bridge."""
    app = fresh_app(db_url)
    response = app.test_client().delete(f"/api/tickets.json/{DESK.ticket_b}", headers=DESK.key, query_string=DAVE)
    assert response.status_code == 200, response.get_json()
    return ticket(app, DESK.ticket_b)


def test_a_reopening_message_leaves_the_ticket_unassigned_without_auto_claim(fresh_app, fresh_baseline_110_db):
    # Ticket::onMessage: the closing agent keeps it only when auto-claim is on for the department (flag 0x2 off).
    replay(fresh_baseline_110_db, *DESK.history_a, desk=DESK)
    execute(fresh_baseline_110_db, "UPDATE ost_department SET flags = flags | 2 WHERE id = 4")
    app = fresh_app(fresh_baseline_110_db)
    assert ticket(app, DESK.ticket_a)["staff_id"] == 2
    response = message(app.test_client(), DESK.ticket_a, DESK.owner, CAROL_AGAIN, fmt="html", key=DESK.key)
    assert response.status_code == 200, response.get_json()
    reopened = ticket(app, DESK.ticket_a)
    assert (reopened["status_id"], reopened["staff_id"]) == (1, 0)
    assert reopened["closed"] == reopened["reopened"]  # 1.10 overwrites `closed` with the reopen time


def test_closing_an_overdue_ticket_clears_its_past_sla_and_due_date(fresh_app, fresh_baseline_110_db):
    # Ticket::setStatus(closed) -> clearOverdue(false): not overdue any more; the SLA goes when created + grace hours
    # is past; `duedate` always goes; est_duedate stays as it was.
    replay(fresh_baseline_110_db, *DESK.history_b[:1], desk=DESK)
    execute(
        fresh_baseline_110_db,
        "UPDATE ost_ticket SET isoverdue = 1, created = NOW() - INTERVAL 100 HOUR, duedate = NOW() + INTERVAL 1 DAY, "
        "est_duedate = '2026-01-02 03:04:05' WHERE number = :n",
        n=DESK.ticket_b,
    )
    closed = closed_b(fresh_app, fresh_baseline_110_db)
    assert (closed["isoverdue"], closed["sla_id"], closed["duedate"]) == (0, 0, None)
    assert closed["est_duedate"].strftime("%Y-%m-%d %H:%M:%S") == "2026-01-02 03:04:05"


def test_closing_an_overdue_ticket_within_its_sla_keeps_the_sla(fresh_app, fresh_baseline_110_db):
    replay(fresh_baseline_110_db, *DESK.history_b[:1], desk=DESK)
    execute(fresh_baseline_110_db, "UPDATE ost_ticket SET isoverdue = 1 WHERE number = :n", n=DESK.ticket_b)
    closed = closed_b(fresh_app, fresh_baseline_110_db)
    assert (closed["isoverdue"], closed["sla_id"]) == (0, 1)


def test_no_event_names_an_agent_who_did_not_hold_the_ticket(fresh_app, fresh_baseline_110_db):
    # ThreadEvent::forTicket in 1.10 records the assignee only (1.11+ falls back to the acting agent): alice moves
    # the unassigned ticket to another open status; the `edited` event keeps staff_id 0.
    replay(fresh_baseline_110_db, *DESK.history_b[:1], desk=DESK)
    execute(
        fresh_baseline_110_db,
        "INSERT INTO ost_ticket_status (name, state, mode, flags, sort, properties, created, updated) "
        "VALUES ('Waiting', 'open', 3, 0, 6, '{}', NOW(), NOW())",
    )
    execute(fresh_baseline_110_db, "UPDATE ost_department SET flags = flags | 2 WHERE id = 4")  # no auto-claim
    app = fresh_app(fresh_baseline_110_db)
    waiting = rows(app, "SELECT id FROM ost_ticket_status WHERE name = 'Waiting'")[0]["id"]
    body = {"ticketNumber": DESK.ticket_b, "response": "Waiting.", "staffUserName": "alice", "reply_status_id": waiting}
    response = app.test_client().post("/api/scp/tickets/reply.json", headers=DESK.key, json=body)
    assert response.status_code == 200, response.get_json()
    [event] = rows(app, "SELECT * FROM ost_thread_event WHERE state = 'edited'")
    assert (event["staff_id"], event["username"], event["uid"], event["data"]) == (
        0,
        "alice",
        2,
        f'{{"status":{waiting}}}',
    )
