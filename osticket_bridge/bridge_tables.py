"""Tables the bridge owns beside osTicket's (``<prefix>bridge_<name>``): the mail outbox, idempotency keys.

osTicket never reads them. They are created by one explicit command, ``osticket-bridge create-tables`` (and by
``make run``'s demo and the tests), because the bridge's database user may lack CREATE in production;
``osticket-bridge check`` reports any that is missing.
"""

from sqlalchemy import text

# name (without prefix) -> CREATE TABLE statement; ``{table}`` is the prefixed name.
DDL = {}


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
