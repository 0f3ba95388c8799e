"""osTicket's system log (ost_syslog) as osTicket::log writes it: a warning is kept when core.log_level is 2
(Warning) or more."""

from sqlalchemy import func, insert

from ..text import plain_text

WARNING = 2
LOG_TYPES = {1: "Error", 2: "Warning", 3: "Debug"}


def warn(db, conn, catalog, title, message, ip=""):
    """One warning, in the caller's transaction."""
    if catalog.int_setting("log_level", WARNING) < WARNING:
        return
    now = func.now()
    conn.execute(
        insert(db.tables.syslog).values(
            log_type=LOG_TYPES[WARNING], title=plain_text(title, "html"), log=plain_text(message, "html"),
            logger="", ip_address=ip or "", created=now, updated=now,
        )
    )  # fmt: skip


def warn_apart(db, catalog, title, message, ip=""):
    """One warning in a transaction of its own: a refused create rolls its own back, osTicket keeps the log."""
    with db.engine.begin() as conn:
        warn(db, conn, catalog, title, message, ip)
