"""Test harness: every test talks to a real MySQL/MariaDB server, never a mock.

Server: OSTICKET_TEST_DB_URL, else a throwaway Docker container, else a throwaway local mariadbd/mysqld,
else the run fails saying how to get one. Each run creates uniquely named databases and drops them.

Databases:
- "fixtures": schema_fixtures/ (our stock 1.18 install) with the demo data;
- "reference": the real osTicket dump named by OSTICKET_REFERENCE_DUMP (sample-1.18.1.sql in CI);
- "baseline": the real fresh install named by OSTICKET_BASELINE_DUMP (baseline-1.18.1.sql in CI).
Session-scoped databases are for reading only; tests that write take a fresh_* copy of their own.
"""

import contextlib
import os
import uuid

import pytest

from osticket_bridge import create_app, devdb, fixtures, mail

RUN_ID = uuid.uuid4().hex[:8]
_created = []


def _name(kind):
    name = f"obt_{RUN_ID}_{kind}_{len(_created)}"
    _created.append(name)
    return name


@pytest.fixture(scope="session")
def db_server():
    """URL of the MySQL/MariaDB server the tests use (no database part)."""
    url = os.environ.get("OSTICKET_TEST_DB_URL")
    with contextlib.ExitStack() as stack:
        if not url:
            try:
                url = stack.enter_context(devdb.throwaway_server())
            except devdb.NoServer as exc:
                pytest.exit(str(exc), returncode=1)
        try:
            yield url
        finally:
            for name in _created:
                fixtures.drop_database(url, name)


def _dump_path(variable):
    path = os.environ.get(variable)
    if not path:
        pytest.skip(f"{variable} is not set: tests on a real osTicket database did not run")
    if not os.path.exists(path):
        pytest.fail(f"{variable}={path} does not exist")
    return path


@pytest.fixture(scope="session")
def _fixtures_template(db_server):
    name = _name("fixtures")
    url = fixtures.create_database(db_server, name)
    fixtures.load_fixtures(url, demo=True)
    fixtures.create_bridge_tables(url)
    return name


@pytest.fixture(scope="session")
def _reference_template(db_server):
    path = _dump_path("OSTICKET_REFERENCE_DUMP")
    name = _name("reference")
    url = fixtures.create_database(db_server, name)
    fixtures.load_dump(url, path)
    fixtures.create_bridge_tables(url)
    return name


@pytest.fixture(scope="session")
def _baseline_template(db_server):
    path = _dump_path("OSTICKET_BASELINE_DUMP")
    name = _name("baseline")
    url = fixtures.create_database(db_server, name)
    fixtures.load_dump(url, path)
    fixtures.create_bridge_tables(url)
    return name


@pytest.fixture(scope="session")
def fixtures_db(db_server, _fixtures_template):
    """URL of the shared fixtures database: read only."""
    return fixtures.database_url(db_server, _fixtures_template)


@pytest.fixture(scope="session")
def reference_db(db_server, _reference_template):
    """URL of the shared real-dump database: read only."""
    return fixtures.database_url(db_server, _reference_template)


@pytest.fixture
def fresh_fixtures_db(db_server, _fixtures_template):
    return fixtures.clone_database(db_server, _fixtures_template, _name("fx"))


@pytest.fixture
def fresh_reference_db(db_server, _reference_template):
    return fixtures.clone_database(db_server, _reference_template, _name("ref"))


@pytest.fixture
def fresh_baseline_db(db_server, _baseline_template):
    return fixtures.clone_database(db_server, _baseline_template, _name("base"))


@pytest.fixture
def empty_db(db_server):
    return fixtures.create_database(db_server, _name("empty"))


@pytest.fixture(scope="session")
def make_app():
    """Build an app on a database URL for session- or module-scoped fixtures (tests use fresh_app)."""
    apps = []

    def make(db_url, **config):
        app = create_app({"OSTICKET_DB_URL": db_url, "TESTING": True, **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        mail.stop(app)  # its mail sender thread, when mail is on
        app.extensions["osticket"].dispose()


@pytest.fixture
def fresh_app(make_app):
    """make_app for one test: the apps' connections are closed when the test ends, not held to the session's end."""
    apps = []

    def make(db_url, **config):
        apps.append(make_app(db_url, **config))
        return apps[-1]

    yield make
    for app in apps:
        mail.stop(app)  # its mail sender thread, when mail is on
        app.extensions["osticket"].dispose()


@pytest.fixture(scope="session")
def fixtures_app(make_app, fixtures_db):
    return make_app(fixtures_db)


@pytest.fixture(scope="session")
def reference_app(make_app, reference_db):
    return make_app(reference_db)
