"""Delivery of the mails the domain decides on: the outbox table, transports and the sender loop."""

import logging

from flask import g

from . import outbox, transports
from .osticket_smtp import OsticketSmtp
from .sender import Sender

log = logging.getLogger(__name__)


def init_app(app):
    """Decide how this app's mail leaves (or why it does not), attach the outbox and start the sender loop.

    The loop is a daemon thread of the serving process, started once the database answers (at start-up, or at
    the first request that reaches it) and again by the first request of a process forked after it (gunicorn
    --preload), so every worker drains the queue with no extra process.
    """
    db = app.extensions["osticket"]
    db.when_ready(lambda: _attach(app, db))

    @app.before_request
    def keep_sender_running():
        sender = app.extensions.get("osticket_mail")
        if sender is not None:
            sender.ensure_running()

    @app.teardown_request
    def wake_sender(_exc):
        # The write committed (or rolled back) before teardown: its mails, if any, are due now.
        sender = app.extensions.get("osticket_mail")
        if g.pop("mail_queued", False) and sender is not None:
            sender.wake()


def _attach(app, db):
    with db.engine.connect() as conn:
        table = outbox.reflect_table(conn, db.prefix)
    transport, why = resolve_transport(app.config, db)
    if table is None:
        transport, why = None, f"the outbox table {db.prefix}bridge_outbox is missing (`osticket-bridge create-tables`)"
    db.outbox = outbox.Outbox(table, transport, why)
    if not db.outbox.on:
        log.warning("mail is off: %s", why)
        return
    log.info("mail: delivering through %s", transport.describe())
    if "osticket_mail" not in app.extensions:
        app.extensions["osticket_mail"] = Sender(db, db.outbox)
    app.extensions["osticket_mail"].ensure_running()


def resolve_transport(config, db):
    """(transport, None), or (None, why mail is off): OSTICKET_MAIL_URL, else osTicket's own SMTP accounts."""
    url = config.get("OSTICKET_MAIL_URL")
    if url:
        return transports.from_url(url), None
    own = OsticketSmtp(db, config.get("OSTICKET_SECRET_SALT"))
    usable, _, problems = own.accounts()
    if usable:
        return own, None
    detail = "; ".join(problems) if problems else "osTicket has no active SMTP account"
    return None, f"OSTICKET_MAIL_URL is not set and {detail}"


def stop(app, timeout=5):
    """Stop the app's sender loop (tests, shutdown); mails left queued go out from the next process."""
    sender = app.extensions.get("osticket_mail")
    if sender is not None:
        sender.stop(timeout)
