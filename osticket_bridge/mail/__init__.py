"""Delivery of the mails the domain decides on: the outbox table, transports and the sender loop."""

import logging

from . import outbox, transports

log = logging.getLogger(__name__)


def init_app(app):
    """Decide how this app's mail leaves (or why it does not) and attach the outbox to its database."""
    db = app.extensions["osticket"]
    with db.engine.connect() as conn:
        table = outbox.reflect_table(conn, db.prefix)
    transport, why = resolve_transport(app.config)
    if table is None:
        why = f"the outbox table {db.prefix}bridge_outbox is missing (`osticket-bridge create-tables` creates it)"
    db.outbox = outbox.Outbox(table, transport if table is not None else None, why)
    if db.outbox.on:
        log.info("mail: delivering through %s", transport.describe())
    else:
        log.warning("mail is off: %s", why)


def resolve_transport(config):
    """(transport, None), or (None, why mail is off)."""
    url = config.get("OSTICKET_MAIL_URL")
    if url:
        return transports.from_url(url), None
    return None, "OSTICKET_MAIL_URL is not set"
