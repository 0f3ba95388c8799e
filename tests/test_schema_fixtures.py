"""schema_fixtures/ describes the real osTicket 1.18.1 schema exactly, for every table it creates."""

import pytest
from sqlalchemy import create_engine, text
from world import REAL_BASELINE

from osticket_bridge.schema import OPTIONAL_TABLES, RELEASE_TABLES, REQUIRED_COLUMNS

COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
       CHARACTER_SET_NAME, COLLATION_NAME
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
INDEXES = """
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""


def _catalog(url, sql):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(sql)).all()
    finally:
        engine.dispose()
    by_table = {}
    for row in rows:
        by_table.setdefault(row[0], []).append(tuple(row[1:]))
    return by_table


@pytest.fixture(scope="module")
def both(fixtures_db, db_server, _baseline_template):
    from conftest import _dump_path

    from osticket_bridge.fixtures import database_url

    if not REAL_BASELINE:  # the fixtures stand in for the real install: nothing to compare them with
        _dump_path("OSTICKET_BASELINE_DUMP")
    return fixtures_db, database_url(db_server, _baseline_template)


@pytest.mark.parametrize("sql", [COLUMNS, INDEXES], ids=["columns", "indexes"])
def test_every_fixture_table_equals_the_real_install(both, sql):
    mine, real = (_catalog(url, sql) for url in both)
    assert mine, "schema_fixtures created no tables"
    for table, definition in mine.items():
        assert table in real, f"{table} is not an osTicket 1.18.1 table"
        assert definition == real[table], f"{table} differs from osTicket 1.18.1"


def test_fixtures_hold_every_table_the_bridge_uses(fixtures_db):
    tables = _catalog(fixtures_db, COLUMNS)
    for name in (*REQUIRED_COLUMNS, *RELEASE_TABLES, *OPTIONAL_TABLES):
        assert f"ost_{name}" in tables
