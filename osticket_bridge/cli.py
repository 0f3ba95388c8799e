"""`osticket-bridge` commands: check a live database, load fixtures, serve a throwaway demo."""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import uuid

import click
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import bridge_tables, devdb, fixtures
from .db import diagnose, make_engine, schema_message
from .mail import commands as mail_commands


@click.group()
def main():
    """osticket-bridge: the API osTicket lacks, on osTicket's own database."""


main.add_command(mail_commands.mail)


@main.command()
@click.option("--url", envvar="OSTICKET_DB_URL", required=True, help="SQLAlchemy URL (default: OSTICKET_DB_URL)")
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
def check(url, prefix):
    """Diagnose a database without serving: version, and what the bridge misses (exit 1 if anything)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            problems, version, _ = diagnose(conn, prefix)
    except SQLAlchemyError as exc:
        click.echo(f"error: cannot reach the osTicket database: {getattr(exc, 'orig', None) or exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"detected: {version}")
    if not problems:
        click.echo(number_index_status(url, prefix))
        click.echo(bridge_tables_status(url, prefix))
        click.echo(mail_commands.status_line(url, prefix))
    if problems:
        click.echo("error: " + schema_message(url, problems), err=True)
        sys.exit(1)
    click.echo("ok: every table and column the bridge needs is present")


def bridge_tables_status(url, prefix):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            absent = bridge_tables.missing(conn, prefix)
    finally:
        engine.dispose()
    if not absent:
        return "bridge tables: present"
    return f"bridge tables: missing {', '.join(absent)} (`osticket-bridge create-tables` creates them, see README)"


@main.command("create-tables")
@click.option("--url", envvar="OSTICKET_DB_URL", required=True, help="SQLAlchemy URL (default: OSTICKET_DB_URL)")
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
def create_tables(url, prefix):
    """Create the bridge's own tables (outbox, idempotency keys) beside osTicket's, if missing."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            created = bridge_tables.create_all(conn, prefix)
    finally:
        engine.dispose()
    click.echo("created: " + ", ".join(created) if created else "bridge tables: already present")


@main.command("load-fixtures")
@click.option("--url", envvar="OSTICKET_DB_URL", required=True, help="database to fill (must exist)")
@click.option("--demo/--no-demo", default=False, help="also load the demo users, agents and tickets")
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
def load_fixtures(url, demo, prefix):
    """Create a stock osTicket 1.18 schema (and demo data) from schema_fixtures/."""
    fixtures.load_fixtures(url, demo=demo, prefix=prefix)
    click.echo("loaded schema_fixtures" + (" with demo data" if demo else ""))


@main.command()
@click.option("--bind", default="127.0.0.1:8080", show_default=True)
@click.option("--workers", default=2, show_default=True)
def demo(bind, workers):
    """Start a throwaway MariaDB with the demo data and serve the bridge on it until interrupted."""
    with devdb.throwaway_server() as server_url:
        db_url = fixtures.create_database(server_url, f"osticket_demo_{uuid.uuid4().hex[:8]}")
        fixtures.load_fixtures(db_url, demo=True)
        fixtures.create_bridge_tables(db_url)
        engine = make_engine(db_url)
        with engine.connect() as conn:
            key = conn.execute(text("SELECT apikey FROM ost_api_key WHERE isactive=1 LIMIT 1")).scalar()
        engine.dispose()
        click.echo(f"demo database: {db_url}")
        click.echo(f"demo API key (bound to 127.0.0.1): {key}")
        click.echo(f"try: curl -H 'X-API-Key: {key}' http://{bind}/api/topics.json")
        click.echo(
            f"end-user token (demo portal user priya): curl -H 'Content-Type: application/json' "
            f"""-d '{{"username":"priya","password":"demo-pass-123"}}' http://{bind}/api/auth/login"""
        )
        click.echo(f"docs: http://{bind}/api/docs")
        # One secret for every worker of this throwaway server, unless the caller set one.
        env = {"OSTICKET_TOKEN_SECRET": secrets.token_urlsafe(48), **os.environ, "OSTICKET_DB_URL": db_url}
        with demo_mail_sink(env):
            server = subprocess.Popen(serve_command(bind, workers), env=env)
            # Ctrl-C or SIGTERM: stop gunicorn, then the context manager removes the throwaway database server.
            signal.signal(signal.SIGTERM, lambda *_: server.terminate())
            try:
                server.wait()
            except KeyboardInterrupt:
                server.terminate()
                server.wait()


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


def serve_command(bind, workers):
    """The production server command: gunicorn from this virtualenv (the app logs each request itself)."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return [gunicorn, "--bind", bind, "--workers", str(workers), "wsgi:app"]


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
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            name = number_index(conn, prefix)
    finally:
        engine.dispose()
    if name:
        return f"ticket number index: present ({name})"
    return (
        "ticket number index: absent (every lookup by ticket number scans ost_ticket; "
        "`osticket-bridge add-index` adds one, see README)"
    )


@main.command("add-index")
@click.option("--url", envvar="OSTICKET_DB_URL", required=True, help="SQLAlchemy URL (default: OSTICKET_DB_URL)")
@click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True)
@click.option("--drop", is_flag=True, help=f"remove the {NUMBER_INDEX} index again")
def add_index(url, prefix, drop):
    """Add (or --drop) a secondary index on ost_ticket(number): ticket lookups by number stop scanning the table."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if drop:
                if number_index(conn, prefix) == NUMBER_INDEX:
                    conn.execute(text(f"ALTER TABLE `{prefix}ticket` DROP INDEX `{NUMBER_INDEX}`"))
                click.echo(f"ticket number index {NUMBER_INDEX}: absent")
            else:
                click.echo(f"ticket number index: present ({add_number_index(conn, prefix)})")
    finally:
        engine.dispose()
