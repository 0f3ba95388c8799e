"""osTicket API keys (ost_api_key), checked as ApiController::requireApiKey does, valid ones kept for 2 seconds."""

import threading
import time

from sqlalchemy import bindparam, select

# osTicket 1.18's messages (DATA_MODEL §4); all are 401.
KEY_REQUIRED = "Valid API key required"
KEY_INACTIVE = "API key not found/active or source IP not authorized"
KEY_CANNOT_CREATE = "API key not authorized"
# A valid key is believed this long per process without asking the database again (a round trip less per request):
# a key an admin disables, deletes or rebinds to another address stops working within this time.
KEEP_SECONDS = 2.0
KEEP_AT_MOST = 1000  # keys kept per process; beyond, the oldest half is forgotten


class ApiKeyRejected(Exception):
    pass


class KeptKeys:
    """The valid keys of one database recently checked, by (key, caller's IP): (row, checked at)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rows = {}

    def get(self, key, ip):
        kept = self._rows.get((key, ip))
        if kept is not None and time.monotonic() - kept[1] < KEEP_SECONDS:
            return kept[0]
        return None

    def keep(self, key, ip, row):
        with self._lock:
            if len(self._rows) >= KEEP_AT_MOST:
                oldest = sorted(self._rows, key=lambda k: self._rows[k][1])[: KEEP_AT_MOST // 2]
                for name in oldest:
                    del self._rows[name]
            self._rows[(key, ip)] = (row, time.monotonic())


def check_api_key(db, conn, key, ip):
    """Return the key's row for this caller's IP, or raise ApiKeyRejected with osTicket's message.

    The key and IP must match one row exactly (no CIDR, no wildcard); the key compares case-insensitively
    because of the column's collation, as in osTicket. A valid key's row is kept KEEP_SECONDS (``db.caches``).
    """
    if not key or not ip:
        raise ApiKeyRejected(KEY_REQUIRED)
    kept = db.caches.get("api_keys") or db.caches.setdefault("api_keys", KeptKeys())
    row = kept.get(key, ip)
    if row is not None:
        return row
    t = db.tables.api_key
    query = db.statement(
        "api_key",
        lambda: (
            select(t.c.id, t.c.isactive, t.c.can_create_tickets)
            .where(t.c.apikey == bindparam("key"), t.c.ipaddr == bindparam("ip"))
            .limit(1)
        ),
    )
    row = conn.execute(query, {"key": key, "ip": ip}).first()
    if row is None:
        raise ApiKeyRejected(KEY_REQUIRED)
    if not row.isactive:
        raise ApiKeyRejected(KEY_INACTIVE)
    kept.keep(key, ip, row)
    return row
