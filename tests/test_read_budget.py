"""The number of SQL statements per read does not grow with the number of tickets or entries.

Counted as the server counts them, after one warm-up request (the catalog and the API key are kept for a while):
the ROLLBACK that ends the request's one transaction counts (a one-statement read has none).
"""

import pytest
from conftest import _name
from helpers import count_statements
from security_helpers import REF_KEY, USER
from sqlalchemy import MetaData, create_engine, event, insert, select
from world import REAL_REFERENCE

from osticket_bridge import fixtures

KEY = {"X-API-Key": REF_KEY}
# Ticket 1 of the database: carol's 386142 (assigned to alice) in the sample dump, else Priya's 482915 (eve's).
NUMBER, AGENT = ("386142", "alice") if REAL_REFERENCE else ("482915", "eve")

COPIES = 60


def clone_ticket(db_url, ticket_id, copies):
    """Insert ``copies`` copies of a ticket with its thread, entries, events and ticket-form answers."""
    engine = create_engine(db_url)
    meta = MetaData()
    names = ("ticket", "thread", "thread_entry", "thread_event", "form_entry", "form_entry_values")
    meta.reflect(engine, only=["ost_" + n for n in names])
    t = {n: meta.tables["ost_" + n] for n in names}
    with engine.begin() as conn:
        ticket = conn.execute(select(t["ticket"]).where(t["ticket"].c.ticket_id == ticket_id)).mappings().one()
        thread = conn.execute(select(t["thread"]).where(t["thread"].c.object_id == ticket_id)).mappings().one()
        entries = conn.execute(select(t["thread_entry"]).where(t["thread_entry"].c.thread_id == thread["id"])).all()
        events = conn.execute(select(t["thread_event"]).where(t["thread_event"].c.thread_id == thread["id"])).all()
        form_entry = (
            conn.execute(
                select(t["form_entry"]).where(
                    t["form_entry"].c.object_id == ticket_id, t["form_entry"].c.object_type == "T"
                )
            )
            .mappings()
            .one()
        )
        answers = conn.execute(
            select(t["form_entry_values"]).where(t["form_entry_values"].c.entry_id == form_entry["id"])
        ).all()
        for n in range(copies):
            new_id = conn.execute(
                insert(t["ticket"]).values({**ticket, "ticket_id": None, "number": f"7{n:05d}"})
            ).inserted_primary_key[0]
            thread_id = conn.execute(
                insert(t["thread"]).values({**thread, "id": None, "object_id": new_id})
            ).inserted_primary_key[0]
            for row in entries:
                conn.execute(insert(t["thread_entry"]).values({**row._mapping, "id": None, "thread_id": thread_id}))
            for row in events:
                conn.execute(insert(t["thread_event"]).values({**row._mapping, "id": None, "thread_id": thread_id}))
            entry_id = conn.execute(
                insert(t["form_entry"]).values({**form_entry, "id": None, "object_id": new_id})
            ).inserted_primary_key[0]
            for row in answers:
                conn.execute(insert(t["form_entry_values"]).values({**row._mapping, "entry_id": entry_id}))
    engine.dispose()


@pytest.fixture(scope="module")
def many_tickets_app(make_app, db_server, _reference_template):
    """The sample dump (or the demo data) plus 60 copies of its ticket 1 (the portal user's, assigned to an agent)."""
    url = fixtures.clone_database(db_server, _reference_template, _name("budget"))
    clone_ticket(url, 1, COPIES)
    return make_app(url)


def statements(app, url, **params):
    client = app.test_client()
    assert client.get(url, headers=KEY, query_string=params).status_code == 200  # warm-up: catalog cached
    with count_statements(app) as sql:
        response = client.get(url, headers=KEY, query_string=params)
    assert response.status_code == 200
    return response, sql


ONE_STATEMENT_READS = [
    (f"/api/tickets.json/{NUMBER}", {}, 1),  # the ticket with its thread in one statement, in autocommit
    (f"/api/tickets.json/{NUMBER}", {"email": USER["email"]}, 2),  # + the user's lookup
    (f"/api/tickets/{NUMBER}", {"user_id": 1}, 2),
    ("/api/topics.json", {}, 1),
]


@pytest.mark.parametrize("url, params, budget", ONE_STATEMENT_READS)
def test_a_one_statement_read_sends_no_rollback(many_tickets_app, url, params, budget):
    _response, sql = statements(many_tickets_app, url, **params)
    assert len(sql) <= budget, sql
    assert "ROLLBACK" not in sql


def test_every_route_marked_one_statement_read_is_counted(many_tickets_app):
    """A route marked ``one_statement_read`` (api/db.py) reads in autocommit: each must be counted above."""
    adapter = many_tickets_app.url_map.bind("localhost")
    counted = {adapter.match(url)[0] for url, _params, _budget in ONE_STATEMENT_READS}
    marked = {
        endpoint
        for endpoint, view in many_tickets_app.view_functions.items()
        if getattr(view, "one_statement_read", False)
    }
    assert marked and marked == counted


def test_staff_ticket_info_reads_in_one_transaction(many_tickets_app):
    _response, sql = statements(many_tickets_app, "/api/scp/tickets/ticketInfo.json", ticketNumber=NUMBER)
    assert len(sql) <= 4, sql  # ticket, entries, events, ROLLBACK
    assert sql[-1] == "ROLLBACK" and sql.count("ROLLBACK") == 1


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/tickets.json", {"user_id": 1}),
        ("/api/scp/tickets/staffTickets.json", {"staffUserName": AGENT}),
        ("/api/scp/tickets/clientTickets.json", {"clientUserMail": USER["email"]}),
        ("/api/scp/tickets.json", {}),
    ],
)
def test_a_page_of_fifty_tickets_with_all_entries_costs_at_most_seven_statements(many_tickets_app, url, params):
    response, sql = statements(many_tickets_app, url, limit=50, offset=5, **params)
    body = response.get_json()
    tickets = body["tickets"] if isinstance(body, dict) else body
    assert len(tickets) == 50
    assert int(response.headers["X-Total-Count"]) > 50
    if isinstance(tickets[0], dict):
        assert all(len(t["threads"]) >= 3 for t in tickets)
    assert len(sql) <= 7, sql


def test_statements_do_not_grow_with_the_page_size(many_tickets_app):
    _small, few = statements(many_tickets_app, "/api/scp/tickets/staffTickets.json", staffUserName=AGENT, limit=2)
    _large, many = statements(many_tickets_app, "/api/scp/tickets/staffTickets.json", staffUserName=AGENT, limit=60)
    assert len(few) == len(many)


def test_ticket_queries_use_indexes_not_per_ticket_lookups(many_tickets_app):
    _response, sql = statements(many_tickets_app, "/api/tickets.json", user_id=1, limit=50)
    entry_queries = [s for s in sql if "ost_thread_entry" in s]
    assert len(entry_queries) == 1 and " IN (" in entry_queries[0]


@pytest.mark.parametrize(
    "method, url, params",
    [
        ("GET", f"/api/tickets.json/{NUMBER}", {"email": USER["email"]}),
        ("GET", "/api/scp/tickets/staffTickets.json", {"staffUserName": AGENT}),
        ("PUT", f"/api/tickets.json/{NUMBER}", {"email": USER["email"], "message": "One connection"}),
    ],
)
def test_a_request_checks_out_one_pooled_connection(many_tickets_app, method, url, params):
    """The key check, the route's reads and its write share the request's one connection (one ping)."""
    db = many_tickets_app.extensions["osticket"]
    checkouts = []
    listener = lambda *args: checkouts.append(args)  # noqa: E731
    for engine in (db.engine, db.autocommit_engine):
        event.listen(engine, "checkout", listener)
    try:
        client = many_tickets_app.test_client()
        response = client.open(url, method=method, headers=KEY, query_string=params)
    finally:
        for engine in (db.engine, db.autocommit_engine):
            event.remove(engine, "checkout", listener)
    assert response.status_code == 200, response.get_json()
    assert len(checkouts) == 1
