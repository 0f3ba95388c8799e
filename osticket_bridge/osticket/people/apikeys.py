"""osTicket API keys (ost_api_key), checked as ApiController::requireApiKey does."""

from sqlalchemy import select

# osTicket 1.18's messages (DATA_MODEL §4); all are 401.
KEY_REQUIRED = "Valid API key required"
KEY_INACTIVE = "API key not found/active or source IP not authorized"
KEY_CANNOT_CREATE = "API key not authorized"


class ApiKeyRejected(Exception):
    pass


def check_api_key(db, conn, key, ip):
    """Return the key's row for this caller's IP, or raise ApiKeyRejected with osTicket's message.

    The key and IP must match one row exactly (no CIDR, no wildcard); the key compares case-insensitively
    because of the column's collation, as in osTicket.
    """
    t = db.tables.api_key
    if not key or not ip:
        raise ApiKeyRejected(KEY_REQUIRED)
    row = conn.execute(
        select(t.c.id, t.c.isactive, t.c.can_create_tickets).where(t.c.apikey == key, t.c.ipaddr == ip).limit(1)
    ).first()
    if row is None:
        raise ApiKeyRejected(KEY_REQUIRED)
    if not row.isactive:
        raise ApiKeyRejected(KEY_INACTIVE)
    return row
