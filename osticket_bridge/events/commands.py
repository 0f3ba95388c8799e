"""`osticket-bridge webhooks ...` (subscriptions and their deliveries) and `osticket-bridge events purge`."""

import contextlib
import sys
import uuid

import click
from sqlalchemy import delete, func, insert, select, update

from ..config import load_settings
from ..db import Database
from ..mail.commands import db_options
from . import Tables, describe, lag, payload, policy_from, purge, reflect_tables, webhooks
from .feed import subscribed


@contextlib.contextmanager
def _tables(url, prefix, transaction=False):
    """(connection, event tables); exits with one line when the tables are missing."""
    db = Database(url, prefix=prefix, pool_size=1)
    try:
        with db.engine.begin() if transaction else db.engine.connect() as conn:
            tables = reflect_tables(conn, prefix)
            if tables is None:
                click.echo(f"error: the event tables {prefix}bridge_event... are missing (`osticket-bridge "
                           "create-tables`)", err=True)  # fmt: skip
                sys.exit(1)
            yield conn, tables
    finally:
        db.dispose()


def status_line(url, prefix):
    """One line for `osticket-bridge check`: the feed's lag and the deliveries waiting."""
    db = Database(url, prefix=prefix, pool_size=1)
    try:
        with db.engine.connect() as conn:
            tables = reflect_tables(conn, prefix)
            if tables is None:
                return "events: off (the event tables are missing: `osticket-bridge create-tables`)"
            db.load()
            return "events: " + describe(lag(conn, db, tables))
    finally:
        db.dispose()


def _types(value):
    types = [t.strip() for t in (value or "").split(",") if t.strip()]
    unknown = sorted(set(types) - set(payload.TYPES))
    if unknown:
        raise click.BadParameter(f"unknown event types {', '.join(unknown)}; known: {', '.join(payload.TYPES)}")
    return ",".join(types) or None


@click.group("webhooks")
def webhooks_group():
    """Webhook subscriptions: each receives the events it asks for, signed (see docs/events.md)."""


@webhooks_group.command()
@db_options
@click.argument("target")
@click.option("--secret", help="whsec_<base64> (default: a new one, printed once)")
@click.option("--events", "types", help="comma-separated event types (default: every type)")
def add(url, prefix, target, secret, types):
    """Subscribe TARGET (an http(s) URL) to events from now on."""
    try:
        webhooks.check_url(target)
        secret = secret or webhooks.new_secret()
        webhooks.secret_key(secret)
    except (webhooks.Refused, ValueError) as exc:
        raise click.BadParameter(str(exc)) from None
    types = _types(types)
    with _tables(url, prefix, transaction=True) as (conn, t):
        hook_id = conn.execute(
            insert(t.webhook).values(url=target, secret=secret, events=types, active=1, created=func.now(6))
        ).inserted_primary_key[0]
    click.echo(f"webhook #{hook_id}: {target} ({types or 'every event type'})")
    click.echo(f"secret: {secret}")


@webhooks_group.command("list")
@db_options
def list_(url, prefix):
    """The subscriptions, with their delivery counts."""
    with _tables(url, prefix) as (conn, t):
        d = t.webhook_delivery
        counts = {
            (hook, status): n
            for hook, status, n in conn.execute(
                select(d.c.webhook_id, d.c.status, func.count()).group_by(d.c.webhook_id, d.c.status)
            )
        }
        hooks = conn.execute(select(t.webhook).order_by(t.webhook.c.id)).mappings().all()
    for hook in hooks:
        state = "active" if hook["active"] else f"inactive ({hook['disabled_reason'] or 'disabled'})"
        tally = ", ".join(f"{s} {counts.get((hook['id'], s), 0)}" for s in ("pending", "delivered", "failed"))
        click.echo(f"#{hook['id']} {state} {hook['url']} events={hook['events'] or '*'} {tally}")
        if hook["failing_since"] and hook["active"]:
            click.echo(f"    failing since {hook['failing_since']:%Y-%m-%d %H:%M:%S}")
    click.echo(f"{len(hooks)} webhook(s)")


@webhooks_group.command()
@db_options
@click.argument("hook_id", type=int)
def remove(url, prefix, hook_id):
    """Delete a subscription and its deliveries."""
    with _tables(url, prefix, transaction=True) as (conn, t):
        conn.execute(delete(t.webhook_delivery).where(t.webhook_delivery.c.webhook_id == hook_id))
        removed = conn.execute(delete(t.webhook).where(t.webhook.c.id == hook_id)).rowcount
    if not removed:
        click.echo(f"error: no webhook #{hook_id}", err=True)
        sys.exit(1)
    click.echo(f"removed webhook #{hook_id}")


@webhooks_group.command()
@db_options
@click.argument("hook_id", type=int)
def enable(url, prefix, hook_id):
    """Make a disabled subscription active again (its pending deliveries go out at once)."""
    with _tables(url, prefix, transaction=True) as (conn, t):
        again = {"active": 1, "disabled_reason": None, "failing_since": None}
        changed = conn.execute(update(t.webhook).where(t.webhook.c.id == hook_id).values(**again)).rowcount
    click.echo(f"webhook #{hook_id}: active" if changed else f"webhook #{hook_id}: no change")


@webhooks_group.command()
@db_options
@click.argument("hook_id", type=int)
def test(url, prefix, hook_id):
    """Send a signed webhook.test event now and print the answer (exit 1 unless 2xx)."""
    with _tables(url, prefix) as (conn, t):
        hook = conn.execute(select(t.webhook).where(t.webhook.c.id == hook_id)).mappings().first()
        now = conn.execute(select(func.now())).scalar()
    if hook is None:
        click.echo(f"error: no webhook #{hook_id}", err=True)
        sys.exit(1)
    message_id = f"evt_test_{uuid.uuid4().hex[:16]}"
    document = {"id": message_id, "type": "webhook.test", "created": f"{now:%Y-%m-%d %H:%M:%S}", "data": {}}
    policy = policy_from(load_settings())
    outcome = webhooks.post(
        hook["url"], hook["secret"], message_id, payload.encode(document), policy.allow_private, policy.timeout
    )
    if outcome.ok:
        click.echo(f"webhook #{hook_id}: {outcome.code} ({message_id})")
        return
    click.echo(f"webhook #{hook_id}: failed: {outcome.error}", err=True)
    sys.exit(1)


@webhooks_group.command()
@db_options
@click.argument("hook_id", type=int, required=False)
@click.option("--status", type=click.Choice(["pending", "delivered", "failed"]))
@click.option("--limit", default=50, show_default=True)
def deliveries(url, prefix, hook_id, status, limit):
    """Deliveries, newest first: event, state, attempts, last answer."""
    with _tables(url, prefix) as (conn, t):
        d, e = t.webhook_delivery, t.event
        query = select(d, e.c.type).select_from(d.join(e, e.c.id == d.c.event_id))
        if hook_id is not None:
            query = query.where(d.c.webhook_id == hook_id)
        if status:
            query = query.where(d.c.status == status)
        rows = conn.execute(query.order_by(d.c.id.desc()).limit(limit)).mappings().all()
    for row in rows:
        when = f"delivered {row['delivered']:%H:%M:%S}" if row["delivered"] else f"next {row['next_attempt']:%H:%M:%S}"
        click.echo(
            f"#{row['id']} webhook #{row['webhook_id']} evt_{row['event_id']} {row['type']} {row['status']} "
            f"attempts={row['attempts']} {when} last={row['last_code'] or '-'}"
        )
        if row["last_error"] and row["status"] != "delivered":
            click.echo(f"    {row['last_error']}")
    click.echo(f"{len(rows)} deliveries")


@webhooks_group.command()
@db_options
@click.argument("hook_id", type=int)
@click.argument("event_ids", nargs=-1)
@click.option("--failed", "all_failed", is_flag=True, help="every failed delivery of this webhook")
def redeliver(url, prefix, hook_id, event_ids, all_failed):
    """Send events again to a webhook (by event id, or --failed): queued now, sent within a poll."""
    if not event_ids and not all_failed:
        raise click.UsageError("name event ids (evt_42) or --failed")
    numbers = [payload.parse_event_id(value) for value in event_ids]
    if None in numbers:
        raise click.BadParameter("event ids look like evt_42")
    with _tables(url, prefix, transaction=True) as (conn, t):
        hook = conn.execute(select(t.webhook).where(t.webhook.c.id == hook_id)).mappings().first()
        if hook is None:
            click.echo(f"error: no webhook #{hook_id}", err=True)
            sys.exit(1)
        count = _requeue(conn, t, hook, numbers, all_failed)
    click.echo(f"queued again: {count} deliver{'y' if count == 1 else 'ies'}")


def _requeue(conn, t: Tables, hook, numbers, all_failed):
    d, e = t.webhook_delivery, t.event
    again = {"status": "pending", "attempts": 0, "next_attempt": func.now(6), "created": func.now(6)}
    if all_failed:
        failed = update(d).where(d.c.webhook_id == hook["id"], d.c.status == "failed")
        return conn.execute(failed.values(**again)).rowcount
    count = 0
    for number in numbers:
        kind = conn.execute(select(e.c.type).where(e.c.id == number)).scalar()
        if kind is None:
            click.echo(f"evt_{number}: no such event (purged?)", err=True)
            continue
        if not subscribed(hook["events"], kind):
            click.echo(f"evt_{number}: {kind} is not among this webhook's events; sent anyway", err=True)
        changed = conn.execute(update(d).where(d.c.webhook_id == hook["id"], d.c.event_id == number).values(**again))
        if not changed.rowcount:
            conn.execute(insert(d).values(webhook_id=hook["id"], event_id=number, **again))
        count += 1
    return count


@click.group("events")
def events_group():
    """The event feed (see docs/events.md)."""


@events_group.command("purge")
@db_options
@click.option("--days", envvar="OSTICKET_EVENTS_RETENTION_DAYS", default=7, show_default=True, type=int)
def purge_command(url, prefix, days):
    """Delete events older than --days with no delivery pending (the serving processes also do it hourly)."""
    with _tables(url, prefix, transaction=True) as (conn, t):
        deleted = 0
        while batch := purge(conn, t, days):
            deleted += batch
    click.echo(f"events deleted: {deleted}")
