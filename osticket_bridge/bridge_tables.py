"""Tables the bridge owns beside osTicket's (``<prefix>bridge_<name>``): the mail outbox, idempotency keys, the
event feed and its webhooks.

osTicket never reads them. They are created by one explicit command, ``osticket-bridge create-tables`` (and by
``make run``'s demo and the tests), because the bridge's database user may lack CREATE in production;
``osticket-bridge check`` reports any that is missing.
"""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

# name (without prefix) -> CREATE TABLE statement; ``{table}`` is the prefixed name.
DDL = {
    # One row per outgoing mail, inserted in the same transaction as the write that caused it (mail/outbox.py);
    # the sender loop (mail/sender.py) claims due rows with FOR UPDATE SKIP LOCKED. message: the mail's parts as
    # JSON, built into MIME when sent (mail/mime.py); rows queued before that hold the MIME message, sent as is.
    "outbox": "CREATE TABLE IF NOT EXISTS {table} ("
    " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " kind VARCHAR(64) NOT NULL,"
    " ticket_id INT UNSIGNED NULL,"
    " request_id VARCHAR(64) NOT NULL,"
    " status ENUM('queued','sent','failed') NOT NULL DEFAULT 'queued',"
    " sender VARCHAR(255) NOT NULL,"
    " recipients TEXT NOT NULL,"
    " subject VARCHAR(998) NOT NULL,"
    " message_id VARCHAR(255) NOT NULL,"
    " message MEDIUMBLOB NOT NULL,"
    " attempts INT UNSIGNED NOT NULL DEFAULT 0,"
    " last_error TEXT NULL,"
    " next_attempt DATETIME(6) NOT NULL,"
    " created DATETIME(6) NOT NULL,"
    " sent DATETIME(6) NULL,"
    " KEY due (status, next_attempt),"
    " KEY ticket (ticket_id)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    # idempotency.py: the answer of each write sent with an Idempotency-Key, per caller ("k<api key id>", "u<user id>").
    "idempotency": "CREATE TABLE IF NOT EXISTS {table} ("
    "scope VARBINARY(32) NOT NULL, idempotency_key VARBINARY(255) NOT NULL, "
    "fingerprint CHAR(64) CHARACTER SET ascii NOT NULL, status SMALLINT UNSIGNED NOT NULL, "
    "body MEDIUMBLOB NOT NULL, created DATETIME NOT NULL, "
    "PRIMARY KEY (scope, idempotency_key), KEY created (created)) ENGINE=InnoDB",
    # events/feed.py: one row per change read from osTicket's rows (source 'E' ost_thread_entry, 'V'
    # ost_thread_event); only the ingester holding the position rows inserts, so ids commit in order.
    "event": "CREATE TABLE IF NOT EXISTS {table} ("
    " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " source CHAR(1) CHARACTER SET ascii NOT NULL, source_id INT UNSIGNED NOT NULL,"
    " type VARCHAR(32) CHARACTER SET ascii NOT NULL, ticket_id INT UNSIGNED NOT NULL,"
    " public TINYINT(1) NOT NULL, created DATETIME(6) NOT NULL, ingested DATETIME(6) NOT NULL,"
    " data MEDIUMTEXT NOT NULL,"
    " UNIQUE KEY source_row (source, source_id), KEY ingested (ingested)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    # events/feed.py: how far each source table has been read, and the ids skipped but maybe not yet committed.
    "event_position": "CREATE TABLE IF NOT EXISTS {table} ("
    " source CHAR(1) CHARACTER SET ascii NOT NULL PRIMARY KEY, last_id INT UNSIGNED NOT NULL,"
    " gaps TEXT NOT NULL, updated DATETIME(6) NOT NULL) ENGINE=InnoDB",
    # events/webhooks.py: the subscriptions (`osticket-bridge webhooks add`); events NULL: every type.
    "webhook": "CREATE TABLE IF NOT EXISTS {table} ("
    " id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, url VARCHAR(2000) NOT NULL,"
    " secret VARCHAR(255) NOT NULL, events VARCHAR(1000) NULL, active TINYINT(1) NOT NULL DEFAULT 1,"
    " failing_since DATETIME(6) NULL, disabled_reason VARCHAR(255) NULL, created DATETIME(6) NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    # events/sender.py: one row per (subscription, event), inserted with the event; claimed FOR UPDATE SKIP LOCKED.
    "webhook_delivery": "CREATE TABLE IF NOT EXISTS {table} ("
    " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " webhook_id INT UNSIGNED NOT NULL, event_id BIGINT UNSIGNED NOT NULL,"
    " status ENUM('pending','delivered','failed') NOT NULL DEFAULT 'pending',"
    " attempts INT UNSIGNED NOT NULL DEFAULT 0, next_attempt DATETIME(6) NOT NULL,"
    " last_code SMALLINT UNSIGNED NULL, last_error TEXT NULL,"
    " created DATETIME(6) NOT NULL, delivered DATETIME(6) NULL,"
    " UNIQUE KEY once (webhook_id, event_id), KEY due (status, next_attempt), KEY event (event_id)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
}


def table_name(prefix, name):
    return f"{prefix}bridge_{name}"


def missing(conn, prefix="ost_"):
    """Names (with prefix) of the bridge's tables that are not in the database."""
    present = {
        row[0]
        for row in conn.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
        )
    }
    return [table_name(prefix, name) for name in DDL if table_name(prefix, name) not in present]


def create_all(conn, prefix="ost_"):
    """Create whichever of the bridge's tables is missing; return the names created."""
    created = missing(conn, prefix)
    for name, ddl in DDL.items():
        conn.execute(text(ddl.format(table=table_name(prefix, name))))
    return created


def warn_missing(engine, prefix="ost_"):
    """At start-up: log which of the bridge's tables are missing (the features needing them answer errors)."""
    try:
        with engine.connect() as conn:
            absent = missing(conn, prefix)
    except SQLAlchemyError as exc:
        log.warning("could not check the bridge tables: %s", exc)
        return
    if absent:
        log.warning(
            "bridge tables missing: %s; requests needing them (Idempotency-Key, mail) are refused until "
            "`osticket-bridge create-tables` creates them",
            ", ".join(absent),
        )
