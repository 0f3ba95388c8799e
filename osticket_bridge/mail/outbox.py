"""The outbox: mails queued durably in the bridge's own table, in the transaction of the write that caused them.

A write that rolls back takes its mails with it; a committed one leaves them for the sender loop (sender.py).
When mail is off (no transport, or no outbox table), enqueue stores nothing: a mail queued while nothing could
send it would go out, stale, whenever delivery got configured later. It says so once per process.
"""

import logging

from flask import g, has_request_context
from sqlalchemy import MetaData, Table, func, insert, inspect

from .. import bridge_tables
from ..logs import current_request_id
from . import mime

log = logging.getLogger(__name__)


class Outbox:
    """The outbox table of one database and the transport that drains it, or why mail is off."""

    def __init__(self, table=None, transport=None, off_reason=None):
        self.table = table
        self.transport = transport
        self.off_reason = off_reason
        self._said_off = False

    @property
    def on(self):
        return self.table is not None and self.transport is not None

    def say_off_once(self):
        if not self._said_off:
            self._said_off = True
            log.warning("mail is off (%s): the mails of this process's writes are not queued", self.off_reason)


def reflect_table(conn, prefix):
    """The outbox table, or None when `osticket-bridge create-tables` has not created it."""
    name = bridge_tables.table_name(prefix, "outbox")
    if not inspect(conn).has_table(name):
        return None
    return Table(name, MetaData(), autoload_with=conn)


def enqueue(db, conn, mails):
    """Queue ``mails`` (osticket_bridge.mail.message.Mail) on ``conn`` inside the caller's transaction.

    Each row keeps the request id of the write, so every delivery attempt can be traced to it. Returns the
    number of mails queued (0 when mail is off).
    """
    mails = list(mails)
    outbox = getattr(db, "outbox", None) or Outbox(off_reason="mail delivery is not set up in this process")
    if not mails:
        return 0
    if not outbox.on:
        outbox.say_off_once()
        return 0
    request_id = current_request_id()
    rows = []
    for mail in mails:
        message_id, stored = mime.stored(mail)  # the sender thread builds the MIME message from it
        rows.append(
            {
                "kind": mail.kind,
                "ticket_id": mail.ticket_id,
                "request_id": request_id,
                "sender": mail.sender[1],
                "recipients": ", ".join(mime.recipients(mail)),
                "subject": mail.subject[:998],
                "message_id": message_id,
                "message": stored,
            }
        )
    now = func.now(6)  # the database's clock: every host drains the queue by the same time
    # One multi-row INSERT: as executemany() the driver would send a statement per mail (NOW() is no parameter).
    conn.execute(insert(outbox.table).values([{**row, "next_attempt": now, "created": now} for row in rows]))
    for row in rows:
        log.info("queued %s mail to %s: %s", row["kind"], row["recipients"], row["subject"])
    if has_request_context():
        g.mail_queued = True  # the sender is woken when the request ends, after the write committed
    return len(rows)
