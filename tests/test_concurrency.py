"""Several OS processes (each its own app and connection pool) create tickets at once on one database.

Random numbers are drawn from only 60 values so that processes keep picking numbers another one is about to
insert: only the shared number lock around osTicket's existence check keeps them unique, with the number index
(the lock held around the number only) and without it (held from the ticket's row to its number).
"""

import multiprocessing

import pytest
from helpers import rows
from update_helpers import execute
from world import KEY

PROCESSES = 6
TICKETS_EACH = 6
CHOICES = 60


def _create(args):
    """One process: wait for the others, then create tickets through its own app; return the numbers."""
    db_url, barrier, index, email, tickets = args
    import secrets

    from osticket_bridge import create_app

    secrets.randbelow = lambda _: secrets.SystemRandom().randrange(CHOICES)
    client = create_app({"OSTICKET_DB_URL": db_url, "TESTING": True, "OSTICKET_EVENTS": "off"}).test_client()
    barrier.wait(timeout=60)
    created = []
    for n in range(tickets):
        body = {"email": email or f"racer{index}@example.com", "name": f"Racer {index}", "subject": f"Race {n}"}
        response = client.post("/api/tickets.json", headers=KEY, json={**body, "message": "go", "topicId": 12})
        assert response.status_code == 201, response.get_json()
        created.append(response.get_json()["ticket_number"])
    return created


@pytest.mark.parametrize("index", [False, True], ids=["stock schema", "number index"])
def test_processes_creating_at_once_get_unique_numbers_and_whole_tickets(fresh_app, fresh_baseline_db, index):
    if index:
        execute(fresh_baseline_db, "ALTER TABLE ost_ticket ADD INDEX bridge_number (number)")
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(PROCESSES)
        with context.Pool(PROCESSES) as pool:
            results = pool.map(_create, [(fresh_baseline_db, barrier, i, None, TICKETS_EACH) for i in range(PROCESSES)])
    created = [number for numbers in results for number in numbers]
    assert len(created) == PROCESSES * TICKETS_EACH
    assert len(set(created)) == len(created)

    app = fresh_app(fresh_baseline_db)
    racers = "SELECT t.number FROM ost_ticket t JOIN ost_user_email e ON e.user_id = t.user_id"
    tickets = rows(app, racers + " WHERE e.address LIKE 'racer%'")
    assert sorted(t["number"] for t in tickets) == sorted(created)
    assert rows(app, "SELECT number FROM ost_ticket GROUP BY number HAVING COUNT(*) > 1") == []
    incomplete = rows(
        app,
        """
        SELECT t.number FROM ost_ticket t
        LEFT JOIN ost_thread th ON th.object_id = t.ticket_id AND th.object_type = 'T'
        LEFT JOIN ost_thread_entry e ON e.thread_id = th.id AND e.type = 'M' AND e.flags = 1
        LEFT JOIN ost_thread_event v ON v.thread_id = th.id AND v.event_id = 1
        LEFT JOIN ost_form_entry f ON f.object_id = t.ticket_id AND f.object_type = 'T'
        LEFT JOIN ost_ticket__cdata c ON c.ticket_id = t.ticket_id
        LEFT JOIN ost__search s ON s.object_type = 'T' AND s.object_id = t.ticket_id
        WHERE t.user_id IN (SELECT r.user_id FROM ost_user_email r WHERE r.address LIKE 'racer%')
          AND (th.id IS NULL OR e.id IS NULL OR v.id IS NULL OR f.id IS NULL OR c.ticket_id IS NULL
               OR s.object_id IS NULL OR t.est_duedate IS NULL
               OR (SELECT COUNT(*) FROM ost_form_entry_values a WHERE a.entry_id = f.id) <> 2)
        """,
    )
    assert incomplete == []
    users = rows(app, "SELECT COUNT(*) AS n FROM ost_user_email WHERE address LIKE 'racer%'")
    assert users == [{"n": PROCESSES}]


def test_first_tickets_of_one_new_address_at_once_make_one_user(fresh_app, fresh_baseline_db):
    """The first create inserts the address; the others wait on it, then run again and find the user (no 409)."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(4)
        with context.Pool(4) as pool:
            jobs = [(fresh_baseline_db, barrier, i, "same.new@example.com", 1) for i in range(4)]
            results = pool.map(_create, jobs)
    app = fresh_app(fresh_baseline_db)
    assert rows(app, "SELECT COUNT(*) AS n FROM ost_user_email WHERE address = 'same.new@example.com'") == [{"n": 1}]
    owners = rows(
        app,
        "SELECT DISTINCT t.user_id FROM ost_ticket t JOIN ost_user_email e ON e.user_id = t.user_id "
        "WHERE e.address = 'same.new@example.com'",
    )
    assert len(owners) == 1 and len({n for numbers in results for n in numbers}) == 4
