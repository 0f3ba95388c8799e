"""Reads and writes stay index lookups however many tickets there are (issue 6).

The statements are captured from the app itself (with their parameters) on a bulk-built database big enough
for the optimizer to choose as it would on a real install, and each SELECT is EXPLAINed: none may scan a
table that grows with the tickets fully (type ALL, or a full index scan). Lookups by ticket number need the
opt-in index of `osticket-bridge add-index` (stock osTicket has none); the last tests show what happens
without it.
"""

import re
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import event

from bench import dataset
from osticket_bridge import fixtures
from osticket_bridge.cli import NUMBER_INDEX, add_number_index, main

# Tables that grow with every ticket or user.
BIG_TABLES = ("ost_ticket", "ost_thread_entry", "ost_thread", "ost_form_entry", "ost_form_entry_values", "ost_user")
FULL_SCANS = ("ALL", "index")


@pytest.fixture(scope="module")
def bench_db(db_server):
    """5000 complete tickets (1000 users, 5 of them with 100+ tickets), the number index and an API key."""
    name = f"obt_plans_{uuid.uuid4().hex[:8]}"
    db_url = fixtures.create_database(db_server, name)
    try:
        dataset.fill(db_url, tickets=5000, users=1000, log=lambda message: None)
        yield db_url
    finally:
        fixtures.drop_database(db_server, name)


@pytest.fixture(scope="module")
def bench(bench_db, make_app):
    app = make_app(bench_db)
    with app.extensions["osticket"].engine.connect() as conn:
        add_number_index(conn)
    targets = dataset.targets(bench_db, sample=10)
    return {
        "app": app,
        "key": dataset.api_key(bench_db),
        "number": targets["long_tickets"][0],
        "user_id": targets["heavy_users"][0],
        "open_ticket": targets["open_tickets"][0],
        "user": targets["users"][0],
    }


def _statements(bench, path, method="GET", body=None):
    """(statement, parameters) of every statement the app runs to answer the request with 2xx.

    ``body``: a function of the attempt (0: warm-up, 1: recorded) giving the JSON body.
    """
    db = bench["app"].extensions["osticket"]
    recorded = []

    def record(conn, cursor, statement, parameters, context, executemany):
        recorded.append((statement, parameters))

    client = bench["app"].test_client()

    def send(attempt):
        json = body(attempt) if body else None
        return client.open(path, method=method, headers={"X-API-Key": bench["key"]}, json=json)

    send(0)  # warm the catalog: its queries are not per request
    for engine in (db.engine, db.autocommit_engine):  # one-statement reads run on the second
        event.listen(engine, "before_cursor_execute", record)
    try:
        response = send(1)
    finally:
        for engine in (db.engine, db.autocommit_engine):
            event.remove(engine, "before_cursor_execute", record)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    assert recorded, "no statement recorded"
    return recorded


def _names(statement, table):
    """The names `table` goes by in the statement (itself and its aliases): EXPLAIN reports those."""
    names = {table} if re.search(rf"\b{table}\b", statement) else set()
    names.update(re.findall(rf"\b{table}\s+AS\s+`?(\w+)", statement, flags=re.IGNORECASE))
    return names


def full_scans(bench, path, method="GET", body=None):
    """[(table, access type, statement)] for every full scan of a big table in the plans of the request."""
    scans = []
    engine = bench["app"].extensions["osticket"].engine
    with engine.connect() as conn:
        for statement, parameters in _statements(bench, path, method, body):
            if not statement.lstrip().upper().startswith(("SELECT", "(SELECT", "WITH")):
                continue
            names = {name: table for table in BIG_TABLES for name in _names(statement, table)}
            for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters).mappings():
                if row["table"] in names and row["type"] in FULL_SCANS:
                    scans.append((names[row["table"]], row["type"], statement))
    return scans


def test_one_ticket_reads_big_tables_by_index_only(bench):
    assert full_scans(bench, f"/api/tickets.json/{bench['number']}") == []


def test_a_users_ticket_list_reads_big_tables_by_index_only(bench):
    assert full_scans(bench, f"/api/tickets.json?user_id={bench['user_id']}") == []


def test_a_new_ticket_with_its_notices_reads_big_tables_by_index_only(bench):
    """The create reads the owner, the ticket number and the ticket its notices describe (with %{company.name},
    which once joined every form entry of the install)."""
    _, name, email = bench["user"]
    body = lambda attempt: {"email": email, "name": name, "subject": f"Plan {attempt}", "message": "Plans"}  # noqa: E731
    assert full_scans(bench, "/api/tickets.json", "POST", body) == []


def test_a_users_message_reads_big_tables_by_index_only(bench):
    number, owner_id = bench["open_ticket"]
    engine = bench["app"].extensions["osticket"].engine
    with engine.connect() as conn:
        email = conn.exec_driver_sql(
            "SELECT e.address FROM ost_user u JOIN ost_user_email e ON e.id = u.default_email_id WHERE u.id = %s",
            (owner_id,),
        ).scalar()
    body = lambda attempt: {"email": email, "message": f"Still waiting ({attempt})"}  # noqa: E731
    assert full_scans(bench, f"/api/tickets.json/{number}", "PUT", body) == []


def test_the_plans_checked_include_the_big_tables(bench):
    """The checks above see what they check: the list reads tickets and entries, a create's notices form entries."""
    read = [s for s, _ in _statements(bench, f"/api/tickets.json?user_id={bench['user_id']}")]
    _, name, email = bench["user"]
    body = lambda attempt: {"email": email, "name": name, "subject": f"Seen {attempt}", "message": "Seen"}  # noqa: E731
    written = [s for s, _ in _statements(bench, "/api/tickets.json", "POST", body) if s.lstrip().startswith("SELECT")]
    for statements, table in ((read, "ost_ticket"), (read, "ost_thread_entry"), (written, "ost_form_entry")):
        assert any(_names(s, table) for s in statements), f"no statement reads {table}: nothing was checked"


def test_without_the_number_index_one_ticket_scans_ost_ticket(bench):
    engine = bench["app"].extensions["osticket"].engine
    with engine.connect() as conn:
        conn.exec_driver_sql(f"ALTER TABLE ost_ticket DROP INDEX {NUMBER_INDEX}")
    try:
        scans = full_scans(bench, f"/api/tickets.json/{bench['number']}")
    finally:
        with engine.connect() as conn:
            add_number_index(conn)
    assert ("ost_ticket", "ALL") in [(table, kind) for table, kind, _ in scans]


def test_check_reports_the_number_index_and_add_index_adds_it(fresh_fixtures_db):
    runner = CliRunner()
    before = runner.invoke(main, ["check", "--url", fresh_fixtures_db])
    assert "ticket number index: absent" in before.output
    added = runner.invoke(main, ["add-index", "--url", fresh_fixtures_db])
    assert added.exit_code == 0, added.output
    after = runner.invoke(main, ["check", "--url", fresh_fixtures_db])
    assert f"ticket number index: present ({NUMBER_INDEX})" in after.output
    again = runner.invoke(main, ["add-index", "--url", fresh_fixtures_db])
    assert f"present ({NUMBER_INDEX})" in again.output
    dropped = runner.invoke(main, ["add-index", "--drop", "--url", fresh_fixtures_db])
    assert dropped.exit_code == 0, dropped.output
    assert "ticket number index: absent" in runner.invoke(main, ["check", "--url", fresh_fixtures_db]).output
