"""A user's ticket list and one ticket stay index lookups however many tickets there are (issue 6).

The statements are captured from the app itself (with their parameters) on a bulk-built database big enough
for the optimizer to choose as it would on a real install, and each SELECT is EXPLAINed: none may scan
ost_ticket or ost_thread_entry fully (type ALL, or a full index scan). Lookups by ticket number need the
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

BIG_TABLES = ("ost_ticket", "ost_thread_entry")
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
    }


def _statements(bench, path):
    """(statement, parameters) of every statement the app runs to answer GET path with 200."""
    engine = bench["app"].extensions["osticket"].engine
    recorded = []

    def record(conn, cursor, statement, parameters, context, executemany):
        recorded.append((statement, parameters))

    client = bench["app"].test_client()
    client.get(path, headers={"X-API-Key": bench["key"]})  # warm the catalog: its queries are not per request
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path, headers={"X-API-Key": bench["key"]})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.get_data(as_text=True)
    return recorded


def _names(statement, table):
    """The names `table` goes by in the statement (itself and its aliases): EXPLAIN reports those."""
    names = {table} if re.search(rf"\b{table}\b", statement) else set()
    names.update(re.findall(rf"\b{table}\s+AS\s+`?(\w+)", statement, flags=re.IGNORECASE))
    return names


def full_scans(bench, path):
    """[(table, access type, statement)] for every full scan of a big table in the plans of GET path."""
    scans = []
    engine = bench["app"].extensions["osticket"].engine
    with engine.connect() as conn:
        for statement, parameters in _statements(bench, path):
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


def test_the_plans_checked_include_both_big_tables(bench):
    statements = [s for s, _ in _statements(bench, f"/api/tickets.json?user_id={bench['user_id']}")]
    for table in BIG_TABLES:
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
