"""`osticket-bridge` commands: check a live database, load fixtures, serve a throwaway demo."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import click
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import __version__, bridge_tables, devdb, fixtures, idempotency, replicas
from .config import URL_EXAMPLE, database_url_problem
from .db import DEFAULT_TIMEOUTS, make_engine
from .events import commands as event_commands
from .mail import commands as mail_commands
from .schema import SUPPORTED_RANGE, diagnose, schema_message


@click.group()
@click.version_option(__version__, prog_name="osticket-bridge")
def main():
    """osticket-bridge: the API osTicket lacks, on osTicket's own database."""


main.add_command(mail_commands.mail)
main.add_command(event_commands.webhooks_group)
main.add_command(event_commands.events_group)


def fail(message, code=1):
    """One clear line on stderr, no traceback, and a non-zero exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _usable_url(ctx, param, value):
    if not value:
        fail(f"no database: pass --url or set OSTICKET_DB_URL (e.g. {URL_EXAMPLE})", code=2)
    problem = database_url_problem(value)
    if problem:
        fail(problem, code=2)
    return value


def url_option(help_text="SQLAlchemy URL of osTicket's database (default: OSTICKET_DB_URL)"):
    return click.option("--url", envvar="OSTICKET_DB_URL", callback=_usable_url, help=help_text)


@contextlib.contextmanager
def connected(url, transaction=False):
    """One connection for a command (in a transaction that commits when asked), its engine disposed afterwards."""
    engine = make_engine(url)
    try:
        with engine.begin() if transaction else engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@main.command()
@url_option()
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
@click.option("--replica-url", envvar="OSTICKET_DB_REPLICA_URL", default="", help="read replicas to report on")
@click.option("--replica-max-lag", envvar="OSTICKET_DB_REPLICA_MAX_LAG", default=5.0, show_default=True)
def check(url, prefix, replica_url="", replica_max_lag=5.0):
    """Diagnose a database without serving: version, and what the bridge misses (exit 1 if anything); each read
    replica's lag (one out of rotation is reported, not an error: its reads go to the primary)."""
    try:
        with connected(url) as conn:
            problems, version, _ = diagnose(conn, prefix)
    except SQLAlchemyError as exc:
        click.echo(f"error: cannot reach the osTicket database: {getattr(exc, 'orig', None) or exc}", err=True)
        sys.exit(1)
    click.echo(f"detected: {version}")
    click.echo(f"supported: {SUPPORTED_RANGE}")
    if not problems:
        click.echo(number_index_status(url, prefix))
        click.echo(bridge_tables_status(url, prefix))
        click.echo(mail_commands.status_line(url, prefix))
        click.echo(event_commands.status_line(url, prefix))
        for line in replica_lines(replica_url, replica_max_lag):
            click.echo(line)
    if problems:
        click.echo("error: " + schema_message(url, problems, version), err=True)
        sys.exit(1)
    click.echo("ok: every table and column the bridge needs is present")


def replica_lines(raw, max_lag):
    for url in replicas.parse_urls(raw):
        replica = replicas.Replica(url, 1, 3600, DEFAULT_TIMEOUTS)
        try:
            replica.check(max_lag)
        finally:
            replica.dispose()
        state = f"in rotation, lag {replica.lag:g} s" if replica.in_rotation else f"out of rotation: {replica.problem}"
        yield f"replica {replica.name}: {state}"


def bridge_tables_status(url, prefix):
    with connected(url) as conn:
        absent = bridge_tables.missing(conn, prefix)
    if not absent:
        return "bridge tables: present"
    return f"bridge tables: missing {', '.join(absent)} (`osticket-bridge create-tables` creates them, see README)"


@main.command("create-tables")
@url_option()
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
def create_tables(url, prefix):
    """Create the bridge's own tables (outbox, idempotency keys, events, webhooks) beside osTicket's, if missing."""
    with connected(url, transaction=True) as conn:
        created = bridge_tables.create_all(conn, prefix)
    click.echo("created: " + ", ".join(created) if created else "bridge tables: already present")


@main.command("load-fixtures")
@url_option("database to fill, which must exist (default: OSTICKET_DB_URL)")
@click.option("--demo/--no-demo", default=False, help="also load the demo users, agents and tickets")
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
def load_fixtures(url, demo, prefix):
    """Create a stock osTicket 1.18 schema (and demo data) from schema_fixtures/."""
    fixtures.load_fixtures(url, demo=demo, prefix=prefix)
    click.echo("loaded schema_fixtures" + (" with demo data" if demo else ""))


# gunicorn workers: one per core this process may use, 4 threads each (gunicorn.conf.py). `make bench` on 2 cores:
# 2 workers served as much as 3 or 4 and more than 1 (docs/benchmark.md, "Workers and threads").
CORES = len(os.sched_getaffinity(0))


@main.command()
@click.option("--bind", default="127.0.0.1:8080", show_default=True)
@click.option("--workers", default=CORES, show_default="one per core")
def demo(bind, workers):
    """Start a throwaway MariaDB with the demo data and serve the bridge on it until interrupted."""
    host, port = address_is_free(bind)
    with devdb.throwaway_server() as server_url:
        db_url = fixtures.create_database(server_url, f"osticket_demo_{uuid.uuid4().hex[:8]}")
        fixtures.load_fixtures(db_url, demo=True)
        fixtures.create_bridge_tables(db_url)
        with connected(db_url) as conn:
            key = conn.execute(text("SELECT apikey FROM ost_api_key WHERE isactive=1 LIMIT 1")).scalar()
        # One secret for every worker of this throwaway server, unless the caller set one.
        env = {"OSTICKET_TOKEN_SECRET": secrets.token_urlsafe(48), **os.environ, "OSTICKET_DB_URL": db_url}
        site = demo_site(bind, key)
        env["OSTICKET_CORS_ORIGINS"] = ",".join(filter(None, [os.environ.get("OSTICKET_CORS_ORIGINS"), site.url]))

        def ready():
            click.echo(f"demo database: {db_url}")
            click.echo(f"demo API key (bound to 127.0.0.1): {key}")
            click.echo(f"try: curl -H 'X-API-Key: {key}' http://{bind}/api/topics.json")
            click.echo(
                f"end-user token (demo portal user priya): curl -H 'Content-Type: application/json' "
                f"""-d '{{"username":"priya","password":"demo-pass-123"}}' http://{bind}/api/auth/login"""
            )
            click.echo(f"docs: http://{bind}/api/docs  (the demo's users and tickets: README, Quick start)")
            click.echo(f"demo website embedding the widget (another origin): {site.url}/ and {site.url}/account")

        with demo_mail_sink(env):
            serve_until_stopped(bind, host, port, workers, env, ready)


@main.command()
@click.option("--bind", default="127.0.0.1:8080", show_default=True)
@click.option("--workers", default=CORES, show_default="one per core")
@url_option()
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
@click.pass_context
def serve(ctx, bind, workers, url, prefix):
    """Check the database, then serve the bridge on it with gunicorn (`make run` with OSTICKET_DB_URL set)."""
    host, port = address_is_free(bind)
    ctx.invoke(check, url=url, prefix=prefix)
    env = {**os.environ, "OSTICKET_DB_URL": url}
    serve_until_stopped(bind, host, port, workers, env, lambda: click.echo(f"serving on http://{bind}"))


def address_is_free(bind):
    """(host, port) of ``bind`` when nothing listens there yet; else one clear line and exit 1."""
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit():
        fail(f"--bind {bind!r} is not HOST:PORT")
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, int(port)))
    except OSError as exc:
        fail(f"cannot listen on {bind}: {exc.strerror or exc} (another server? choose one with BIND=127.0.0.1:PORT)")
    return host, int(port)


def serve_until_stopped(bind, host, port, workers, env, ready):
    """Run gunicorn; call ``ready`` once it answers /healthz; exit non-zero with one line if it does not start."""
    server = subprocess.Popen(serve_command(bind, workers), env=env)
    # Ctrl-C or SIGTERM: stop gunicorn (the caller's context managers then clean up).
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        if not _answers(server, host, port):
            server.terminate()
            code = server.wait()
            fail(f"the server did not start on {bind} (gunicorn exited with code {code}; its log is above)")
        ready()
        code = server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        return
    if code not in (0, -signal.SIGTERM):
        fail(f"the server stopped with code {code} (its log is above)")


def _answers(server, host, port, seconds=60):
    if host in ("0.0.0.0", "::"):  # noqa: S104 - a wildcard bind answers on loopback too
        host = "127.0.0.1"
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/healthz"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own local server
                return response.status == 200
        except OSError:
            time.sleep(0.2)
    return False


def demo_mail_sink(env):
    """A local SMTP sink the demo's bridge delivers to (unless OSTICKET_MAIL_URL is set): a line per mail caught."""
    from .mail.sink import Sink

    if env.get("OSTICKET_MAIL_URL"):
        click.echo("mail: delivered through OSTICKET_MAIL_URL")
        return contextlib.nullcontext()
    folder = tempfile.mkdtemp(prefix="osticket-demo-mail-")

    def show(caught):
        subject = caught.message["Subject"]
        click.echo(f"mail caught: {caught.sender} -> {', '.join(caught.recipients)}: {subject}")

    sink = Sink(folder=folder, on_mail=show)
    env["OSTICKET_MAIL_URL"] = sink.url
    click.echo(f"mail: the demo's SMTP sink on {sink.url} keeps every mail in {folder}/")
    return sink


def demo_site(bind, api_key):
    """The demo "company website" (widget/demo_site.py) on a free port, calling the bridge at ``bind``."""
    from .widget.demo_site import DemoSite

    host, _, port = bind.rpartition(":")
    bridge = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"  # noqa: S104 - a browser URL
    return DemoSite(bridge, api_key, DEMO_SITE_USER).start()


DEMO_SITE_USER = "priya.raman@example.net"  # schema_fixtures/demo.sql: the portal user the demo site signs in


def serve_command(bind, workers):
    """The production server command: gunicorn from this virtualenv, with gunicorn.conf.py from the working
    directory when there is one (the checkout), on the installed package (works outside the checkout too)."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return [gunicorn, "--bind", bind, "--workers", str(workers), "osticket_bridge:create_app()"]


# Opt-in: osTicket has no index on ost_ticket.number, so every lookup by number scans the table (DATA_MODEL §3).
NUMBER_INDEX = "bridge_number"


def number_index(conn, prefix="ost_"):
    """Name of an index whose first column is ost_ticket.number (ours or the admin's own), or None."""
    return conn.execute(
        text(
            "SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() "
            "AND table_name = :table AND column_name = 'number' AND seq_in_index = 1 LIMIT 1"
        ),
        {"table": prefix + "ticket"},
    ).scalar()


def add_number_index(conn, prefix="ost_"):
    """Add the plain secondary index on ost_ticket(number) unless one exists; return its name."""
    existing = number_index(conn, prefix)
    if existing:
        return existing
    # Online DDL: readers and writers (osTicket's PHP included) go on while the index builds.
    conn.execute(
        text(f"ALTER TABLE `{prefix}ticket` ADD INDEX `{NUMBER_INDEX}` (`number`), ALGORITHM=INPLACE, LOCK=NONE")
    )
    return NUMBER_INDEX


def number_index_status(url, prefix):
    with connected(url) as conn:
        name = number_index(conn, prefix)
    if name:
        return f"ticket number index: present ({name})"
    return (
        "ticket number index: absent (every lookup by ticket number scans ost_ticket; "
        "`osticket-bridge add-index` adds one, see README)"
    )


@main.command("add-index")
@url_option()
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
@click.option("--drop", is_flag=True, help=f"remove the {NUMBER_INDEX} index again")
def add_index(url, prefix, drop):
    """Add (or --drop) a secondary index on ost_ticket(number): ticket lookups by number stop scanning the table."""
    with connected(url) as conn:
        if drop:
            if number_index(conn, prefix) == NUMBER_INDEX:
                conn.execute(text(f"ALTER TABLE `{prefix}ticket` DROP INDEX `{NUMBER_INDEX}`"))
            click.echo(f"ticket number index {NUMBER_INDEX}: absent")
        else:
            click.echo(f"ticket number index: present ({add_number_index(conn, prefix)})")


@main.command("purge-idempotency")
@url_option()
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
@click.option("--hours", envvar="OSTICKET_IDEMPOTENCY_HOURS", default=24, show_default=True, help="keep this long")
def purge_idempotency(url, prefix, hours):
    """Delete Idempotency-Key records older than --hours (at least 24); keyed writes also purge once an hour."""
    with connected(url, transaction=True) as conn:
        deleted = idempotency.purge(conn, prefix, hours)
    click.echo(f"idempotency keys deleted: {deleted}")
