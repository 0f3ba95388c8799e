"""A one-statement read (api/db.py ``one_statement_read``) runs in autocommit, with no ROLLBACK after it.

It must still answer whole tickets while another request writes, see every write committed before it, and leave
no transaction (no snapshot, no metadata lock) open on its pooled connection.
"""

import threading
import time

from helpers import rows
from world import AGENT, KEY, TICKET_REQUEST

REPLIES = 16
READERS = 2


def _statuses(app):
    found = rows(app, "SELECT id, state FROM ost_ticket_status WHERE state IN ('open', 'closed') ORDER BY sort, id")
    return next(s["id"] for s in found if s["state"] == "open"), next(s["id"] for s in found if s["state"] == "closed")


def _reply(client, number, n, status_id):
    """The agent's n-th reply: odd ones close the ticket, even ones reopen it, in the reply's own transaction."""
    body = {"ticketNumber": number, "staffUserName": AGENT, "response": f"Reply {n}", "reply_status_id": status_id}
    response = client.post("/api/scp/tickets/reply.json", headers=KEY, json=body)
    assert response.status_code == 200, response.get_json()


def _replies_and_state(ticket):
    return sum(e["type"] == "R" for e in ticket["threads"]), ticket["statusId"]


def _open_transactions(app):
    """Transactions the server holds for this database's sessions other than the checker's own."""
    time.sleep(0.2)  # INNODB_TRX is a cache refreshed every 0.1 s
    return rows(
        app,
        "SELECT t.trx_mysql_thread_id FROM information_schema.INNODB_TRX t "
        "JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
        "WHERE p.DB = DATABASE() AND p.ID <> CONNECTION_ID()",
    )


def test_a_read_after_each_write_sees_it_and_leaves_no_transaction(fresh_app, fresh_baseline_db):
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    open_id, closed_id = _statuses(app)
    number = client.post("/api/tickets.json", headers=KEY, json=TICKET_REQUEST).get_json()["ticket_number"]
    for n in range(1, 6):
        _reply(client, number, n, closed_id if n % 2 else open_id)
        # The autocommit pool's connection is the one that read before: a snapshot kept from that read would
        # show the ticket without this reply.
        ticket = client.get(f"/api/tickets.json/{number}", headers=KEY).get_json()
        assert _replies_and_state(ticket) == (n, closed_id if n % 2 else open_id)
        assert _open_transactions(app) == []


def test_reads_while_an_agent_replies_answer_whole_tickets(fresh_app, fresh_baseline_db):
    """Each reply adds an entry and changes the status in one transaction; every answer read meanwhile must show
    both or neither: an odd number of replies with the closed status, an even number with the open one."""
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    open_id, closed_id = _statuses(app)
    number = client.post("/api/tickets.json", headers=KEY, json=TICKET_REQUEST).get_json()["ticket_number"]
    done = threading.Event()
    seen, errors = [], []

    def read():
        reader = app.test_client()
        while not done.is_set():
            response = reader.get(f"/api/tickets.json/{number}", headers=KEY)
            if response.status_code != 200:
                errors.append(response.get_json())
                return
            seen.append(_replies_and_state(response.get_json()))

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    for reader in readers:
        reader.start()
    try:
        for n in range(1, REPLIES + 1):
            _reply(client, number, n, closed_id if n % 2 else open_id)
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert errors == []
    torn = [(replies, status) for replies, status in seen if status != (closed_id if replies % 2 else open_id)]
    assert torn == []
    assert len({replies for replies, _status in seen}) > REPLIES // 2  # the reads did overlap the writes
    assert _open_transactions(app) == []
