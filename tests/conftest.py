"""Test harness: every test talks to a real MySQL/MariaDB server, never a mock.

Server: OSTICKET_TEST_DB_URL, else a throwaway Docker container, else a throwaway local mariadbd/mysqld,
else the run fails saying how to get one. Each run creates uniquely named databases and drops them.

Databases:
- "fixtures": schema_fixtures/ (our stock 1.18 install) with the demo data;
- "reference": the real osTicket dump named by OSTICKET_REFERENCE_DUMP (sample-1.18.1.sql in CI);
- "sample": that dump, else the fixtures with our own recordings of osTicket's golden run replayed on them;
- "baseline": the real fresh install named by OSTICKET_BASELINE_DUMP (baseline-1.18.1.sql in CI);
- "reference_110" / "baseline_110": the same from a real osTicket 1.10.4 (OSTICKET_REFERENCE_110_DUMP,
  OSTICKET_BASELINE_110_DUMP: sample-1.10.4.sql, baseline-1.10.4.sql), for the tests of that release only.
Session-scoped databases are for reading only; tests that write take a fresh_* copy of their own.
"""

import contextlib
import logging
import os
import uuid

import clock
import pytest
from events_helpers import Receiver
from sqlalchemy import create_engine, text
from update_helpers import DESK_OWN, SAMPLE, replay
from world import REAL_BASELINE, REAL_REFERENCE

from osticket_bridge import create_app, devdb, drivers, events, fixtures, mail

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
        url = drivers.with_driver(url).render_as_string(hide_password=False)  # `mysql://`: the bridge's driver
        clock.shift(url)
        try:
            yield url
        finally:
            for name in _created:
                fixtures.drop_database(url, name)


def pytest_configure(config):
    config.addinivalue_line("markers", "real_clock: runs at the real clock under OSTICKET_TEST_CLOCK_SHIFT_DAYS")


@pytest.fixture(autouse=True)
def _real_clock(request):
    """A ``real_clock`` test's connections keep the real clock (clock.py)."""
    clock.paused = request.node.get_closest_marker("real_clock") is not None
    yield
    clock.paused = False


def _dump_path(variable):
    path = os.environ.get(variable)
    if not path:
        pytest.skip(
            f"{variable} is not set: this test reads a real osTicket database. Put the reference material in "
            "../shared beside the checkout (`make test` then finds osticket/*-1.18.1.sql and *-1.10.4.sql) or set the "
            "variable"
        )
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
def _reference_template(db_server, request):
    """The real sample dump; without it, our own fixtures (demo data) stand in for it (security_helpers.py)."""
    if not REAL_REFERENCE:
        return request.getfixturevalue("_fixtures_template")
    return _dump_template(db_server, "OSTICKET_REFERENCE_DUMP", "reference")


@pytest.fixture(scope="session")
def _baseline_template(db_server, request):
    """The real fresh install; without it, our own fixtures (install and demo data) stand in for it."""
    if not REAL_BASELINE:
        return request.getfixturevalue("_fixtures_template")
    return _dump_template(db_server, "OSTICKET_BASELINE_DUMP", "baseline")


# When osTicket recorded each release's dumps and row diffs (the end of its golden run, and for 1.10.4 of the
# project's own recordings too): databases made from them run at that clock (clock.py).
RECORDED_AT = {"1.18": "2026-11-27 18:17:00", "1.10": "2026-12-01 19:30:00"}
_recorded_at = {}  # template database -> its recording's time


def _dump_template(db_server, variable, kind):
    """A database loaded from the dump the variable names, with the bridge's tables (skipped without it), at the
    clock of its recording."""
    path = _dump_path(variable)
    name = _name(kind)
    url = fixtures.create_database(db_server, name)
    fixtures.load_dump(url, path)
    fixtures.create_bridge_tables(url)
    _recorded_at[name] = RECORDED_AT["1.10" if kind.endswith("110") else "1.18"]
    clock.pin(url, _recorded_at[name])
    return name


def _clone(db_server, template, kind):
    """A fresh copy of a template database, at the template's clock, with no event feed of its own yet: a stand-in
    template (the demo fixtures serve as the bare clone's sample and baseline) may have fed events to a session app."""
    url = fixtures.clone_database(db_server, template, _name(kind))
    if template in _recorded_at:
        clock.pin(url, _recorded_at[template])
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for table in ("ost_bridge_webhook_delivery", "ost_bridge_event", "ost_bridge_event_position"):
                conn.execute(text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def _reference_110_template(db_server):
    """osTicket 1.10.4's help desk after its golden operations (sample-1.10.4.sql); no stand-in."""
    return _dump_template(db_server, "OSTICKET_REFERENCE_110_DUMP", "reference110")


@pytest.fixture(scope="session")
def _baseline_110_template(db_server):
    """osTicket 1.10.4's fresh install with the same people and setup (baseline-1.10.4.sql); no stand-in."""
    return _dump_template(db_server, "OSTICKET_BASELINE_110_DUMP", "baseline110")


@pytest.fixture(scope="session")
def fixtures_db(db_server, _fixtures_template):
    """URL of the shared fixtures database: read only."""
    return fixtures.database_url(db_server, _fixtures_template)


@pytest.fixture(scope="session")
def reference_db(db_server, _reference_template):
    """URL of the shared real-dump database: read only."""
    return fixtures.database_url(db_server, _reference_template)


@pytest.fixture(scope="session")
def reference_110_db(db_server, _reference_110_template):
    """URL of the shared osTicket 1.10.4 sample database: read only."""
    return fixtures.database_url(db_server, _reference_110_template)


@pytest.fixture
def fresh_reference_110_db(db_server, _reference_110_template):
    return _clone(db_server, _reference_110_template, "ref110")


@pytest.fixture
def fresh_baseline_110_db(db_server, _baseline_110_template):
    return _clone(db_server, _baseline_110_template, "base110")


@pytest.fixture
def fresh_fixtures_db(db_server, _fixtures_template):
    return _clone(db_server, _fixtures_template, "fx")


@pytest.fixture
def fresh_reference_db(db_server, _reference_template):
    return _clone(db_server, _reference_template, "ref")


@pytest.fixture
def fresh_baseline_db(db_server, _baseline_template):
    return _clone(db_server, _baseline_template, "base")


@pytest.fixture
def fresh_real_baseline_db(db_server, request):
    """The real fresh install only (what schema_fixtures/ leaves out, such as SMTP accounts): skipped without it."""
    if not REAL_BASELINE:
        _dump_path("OSTICKET_BASELINE_DUMP")
    return request.getfixturevalue("fresh_baseline_db")


@pytest.fixture
def empty_db(db_server):
    return fixtures.create_database(db_server, _name("empty"))


@pytest.fixture(scope="session")
def make_app():
    """Build an app on a database URL for session- or module-scoped fixtures (tests use fresh_app)."""
    apps = []

    def make(db_url, **config):
        # The event loops only where a test asks for them: they would poll every test's database.
        app = create_app({"OSTICKET_DB_URL": db_url, "TESTING": True, "OSTICKET_EVENTS": "off", **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        mail.stop(app)  # its mail sender thread, when mail is on
        events.stop(app)
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
        events.stop(app)
        app.extensions["osticket"].dispose()


@pytest.fixture(scope="session")
def fixtures_app(make_app, fixtures_db):
    return make_app(fixtures_db)


@pytest.fixture(scope="session")
def reference_app(make_app, reference_db):
    return make_app(reference_db)


@pytest.fixture(scope="session")
def reference_110_app(make_app, reference_110_db):
    """The app on osTicket 1.10.4's sample help desk (skipped without sample-1.10.4.sql)."""
    return make_app(reference_110_db)


@pytest.fixture(scope="session")
def _sample_template(db_server, request):
    """A help desk after osTicket 1.18.1's golden run: the real sample dump, else our own install + demo data with
    our own recordings of that run replayed on it (tests/recordings/1.18.1, at the times they were recorded)."""
    if REAL_REFERENCE:
        return request.getfixturevalue("_reference_template")
    name = _name("sample")
    url = fixtures.clone_database(db_server, request.getfixturevalue("_fixtures_template"), name)
    replay(url, *SAMPLE, desk=DESK_OWN, moved=False)
    return name


@pytest.fixture
def fresh_sample_db(db_server, _sample_template):
    return _clone(db_server, _sample_template, "sample")


@pytest.fixture(scope="session")
def sample_app(make_app, db_server, _sample_template):
    """The app on the sample help desk (read only)."""
    return make_app(fixtures.database_url(db_server, _sample_template))


@pytest.fixture
def bridge_logs(caplog):
    """Call after create_app (which sets the bridge's log handlers): the bridge's records from then on."""
    logger = logging.getLogger("osticket_bridge")  # does not propagate to caplog's root handler

    def watch():
        logger.addHandler(caplog.handler)
        return caplog

    yield watch
    logger.removeHandler(caplog.handler)


@pytest.fixture
def receiver():
    """Make webhook receivers (events_helpers.Receiver), closed when the test ends."""
    made = []

    def make(**options):
        made.append(Receiver(**options))
        return made[-1]

    yield make
    for r in made:
        r.close()
