"""`osticket-bridge mail list|retry|purge`: what the outbox holds, queue mails again, remove old ones."""

import sys

import click
from sqlalchemy import delete, func, literal_column, select, update

from ..config import load_settings
from ..db import Database
from . import outbox, resolve_transport


def status_line(url, prefix):
    """One line for `osticket-bridge check`: how mail leaves, or why it is off."""
    db = Database(url, prefix=prefix, pool_size=1)
    try:
        with db.engine.connect() as conn:
            table = outbox.reflect_table(conn, prefix)
        if table is None:
            return f"mail: off (the outbox table {prefix}bridge_outbox is missing: `osticket-bridge create-tables`)"
        try:
            transport, why = resolve_transport(load_settings(), db)
        except ValueError as exc:  # a malformed OSTICKET_MAIL_URL: the server would refuse to start
            return f"mail: off (OSTICKET_MAIL_URL: {exc})"
        return f"mail: delivering through {transport.describe()}" if transport else f"mail: off ({why})"
    finally:
        db.dispose()


def _outbox(url, prefix):
    db = Database(url, prefix=prefix, pool_size=1)
    with db.engine.connect() as conn:
        table = outbox.reflect_table(conn, prefix)
    if table is None:
        db.dispose()
        click.echo(
            f"error: the outbox table {prefix}bridge_outbox is missing (`osticket-bridge create-tables`)", err=True
        )
        sys.exit(1)
    return db, table


_db_options = [
    click.option("--url", envvar="OSTICKET_DB_URL", required=True, help="SQLAlchemy URL (default: OSTICKET_DB_URL)"),
    click.option("--prefix", envvar="OSTICKET_TABLE_PREFIX", default="ost_", show_default=True),
]


def db_options(command):
    for option in reversed(_db_options):
        command = option(command)
    return command


@click.group()
def mail():
    """The outbox of mails the bridge sends (see README, "Mail delivery")."""


@mail.command("list")
@db_options
@click.option("--status", type=click.Choice(["queued", "sent", "failed"]), help="only mails in this state")
@click.option("--ticket", type=int, help="only mails about this ticket id")
@click.option("--request", "request_id", help="only mails queued by this request id (X-Request-ID)")
@click.option("--limit", default=50, show_default=True, help="newest first, at most this many")
def list_(url, prefix, status, ticket, request_id, limit):
    """List queued, sent and failed mails, newest first."""
    db, t = _outbox(url, prefix)
    query = select(
        t.c.id, t.c.status, t.c.attempts, t.c.created, t.c.next_attempt, t.c.sent, t.c.kind, t.c.ticket_id,
        t.c.request_id, t.c.recipients, t.c.subject, t.c.last_error,
    )  # fmt: skip
    for column, wanted in ((t.c.status, status), (t.c.ticket_id, ticket), (t.c.request_id, request_id)):
        if wanted is not None:
            query = query.where(column == wanted)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.c.id.desc()).limit(limit)).mappings().all()
    finally:
        db.dispose()
    for row in rows:
        when = f"sent {row['sent']:%Y-%m-%d %H:%M:%S}" if row["sent"] else f"next {row['next_attempt']:%H:%M:%S}"
        if row["status"] == "failed":
            when = "given up"
        click.echo(
            f"#{row['id']} {row['status']} attempts={row['attempts']} queued {row['created']:%Y-%m-%d %H:%M:%S} "
            f"{when} {row['kind']} ticket={row['ticket_id'] or '-'} request={row['request_id']}"
        )
        click.echo(f"    to {row['recipients']}: {row['subject']}")
        if row["last_error"]:
            click.echo(f"    last error: {row['last_error']}")
    click.echo(f"{len(rows)} mail(s)")


@mail.command()
@db_options
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", "all_failed", is_flag=True, help="every failed mail")
def retry(url, prefix, ids, all_failed):
    """Queue mails again (by id, or --failed): the running workers send them within a few seconds."""
    if not ids and not all_failed:
        raise click.UsageError("name mail ids or --failed")
    db, t = _outbox(url, prefix)
    wanted = t.c.status == "failed" if all_failed else t.c.id.in_(ids)
    try:
        with db.engine.begin() as conn:
            count = conn.execute(
                update(t).where(wanted, t.c.status != "sent").values(status="queued", next_attempt=func.now(6))
            ).rowcount
    finally:
        db.dispose()
    click.echo(f"queued again: {count} mail(s)")


@mail.command()
@db_options
@click.argument("ids", nargs=-1, type=int)
@click.option("--sent", "sent", is_flag=True, help="sent mails")
@click.option("--failed", "failed", is_flag=True, help="failed mails")
@click.option(
    "--older-than", "days", type=int, default=0, show_default=True, help="only mails queued this many days ago or more"
)
def purge(url, prefix, ids, sent, failed, days):
    """Delete mails from the outbox: by id (even queued ones), or every --sent and/or --failed one."""
    if not ids and not (sent or failed):
        raise click.UsageError("name mail ids, or --sent and/or --failed")
    db, t = _outbox(url, prefix)
    if ids:
        wanted = t.c.id.in_(ids)
    else:
        wanted = t.c.status.in_([s for s, chosen in (("sent", sent), ("failed", failed)) if chosen])
    cutoff = func.timestampadd(literal_column("DAY"), -days, func.now(6))
    try:
        with db.engine.begin() as conn:
            count = conn.execute(delete(t).where(wanted, t.c.created <= cutoff)).rowcount
    finally:
        db.dispose()
    click.echo(f"purged: {count} mail(s)")
