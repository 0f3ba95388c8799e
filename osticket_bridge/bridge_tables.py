"""Tables the bridge owns beside osTicket's (``<prefix>bridge_<name>``): the mail outbox, idempotency keys.

osTicket never reads them. They are created by one explicit command, ``osticket-bridge create-tables`` (and by
``make run``'s demo and the tests), because the bridge's database user may lack CREATE in production;
``osticket-bridge check`` reports any that is missing.
"""

from sqlalchemy import text

# name (without prefix) -> CREATE TABLE statement; ``{table}`` is the prefixed name.
DDL = {
    # One row per outgoing mail, inserted in the same transaction as the write that caused it (mail/outbox.py);
    # the sender loop (mail/sender.py) claims due rows with FOR UPDATE SKIP LOCKED.
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
