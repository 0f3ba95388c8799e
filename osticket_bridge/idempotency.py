"""Idempotency keys: a write's answer is stored beside it, in its own transaction, so that a retry of the same
request (same ``Idempotency-Key`` from the same caller, same method, path and body) gets the same answer and
writes nothing, and a key reused for another request is refused.

The table is ``<prefix>bridge_idempotency`` (``bridge_tables.DDL``). Only successful writes are stored: a
refused request wrote nothing and is checked afresh when it is sent again. Rows are kept at least
``retention_hours`` (24 by default); ``purge`` deletes older ones, and a keyed write purges at most once per
``PURGE_EVERY`` seconds per process.
"""

import hashlib
import threading
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, column, select, table, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from .bridge_tables import table_name

RETENTION_HOURS = 24
PURGE_EVERY = 3600  # seconds
PURGE_BATCH = 1000
DUPLICATE_KEY, LOCK_WAIT_TIMEOUT, NO_SUCH_TABLE = 1062, 1205, 1146
_purge_lock = threading.Lock()
_next_purge = 0.0


class KeyReused(Exception):
    """The key was used before for another request (another method, path or body)."""


class InProgress(Exception):
    """Another request with this key is still running (its transaction held the key past the lock wait)."""


class Duplicate(Exception):
    """A concurrent request with this key committed first: roll back and answer with its stored outcome."""


class MissingTable(Exception):
    """The table does not exist on this install."""


class Replay(Exception):
    """A write's first read found the stored answer of its key (``folded_lookup``): roll back and send it."""

    def __init__(self, stored):
        super().__init__("replay")
        self.stored = stored


@dataclass(frozen=True)
class Claim:
    scope: str  # "k<api key id>" or "u<user id>": keys of different callers never meet
    key: str
    fingerprint: str  # sha256 of method, path with query string and body


@dataclass(frozen=True)
class Stored:
    status: int
    body: bytes


def fingerprint(method, path, body):
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def lookup(db, conn, claim):
    """The stored answer of ``claim``'s key, or None; KeyReused when it answered another request."""
    row = _execute(
        db,
        conn,
        f"SELECT fingerprint, status, body FROM {_table(db)} WHERE scope = :scope AND idempotency_key = :key",
        {"scope": claim.scope, "key": claim.key},
    ).first()
    return _answer(claim, None if row is None else row._mapping)


def _answer(claim, row):
    if row is None:
        return None
    if row["fingerprint"] != claim.fingerprint:
        raise KeyReused("this Idempotency-Key was used for another request (another method, path or body)")
    return Stored(int(row["status"]), bytes(row["body"]))


def folded_lookup(db):
    """The lookup as a SELECT a write's first read may carry (round_trip), with ``folded_params``; only once the
    table is known to exist in this process (``table_present``), so that a missing table keeps its own 503."""
    names = ("scope", "idempotency_key", "fingerprint", "status", "body")
    t = table(table_name(db.prefix, "idempotency"), *map(column, names))
    where = (t.c.scope == bindparam("idempotency_scope"), t.c.idempotency_key == bindparam("idempotency_key"))
    return select(t.c.fingerprint, t.c.status, t.c.body).where(*where)


def folded_params(claim):
    return {"idempotency_scope": claim.scope, "idempotency_key": claim.key}


def check_folded(claim, rows):
    """After the write's first read: Replay with the stored answer, KeyReused, or nothing (no answer stored)."""
    stored = _answer(claim, rows[0] if rows else None)
    if stored is not None:
        raise Replay(stored)


def table_present(db):
    """Whether a lookup or save found the table in this process (a folded lookup may then name it)."""
    return bool(db.caches.get("idempotency_table"))


def save(db, conn, claim, status, body, retention_hours=RETENTION_HOURS):
    """Store the answer in the write's transaction. A concurrent request with the key waits here for the first."""
    _purge_now_and_then(db, conn, retention_hours)
    try:
        _execute(
            db,
            conn,
            f"INSERT INTO {_table(db)} (scope, idempotency_key, fingerprint, status, body, created) "
            "VALUES (:scope, :key, :fingerprint, :status, :body, NOW())",
            {"scope": claim.scope, "key": claim.key, "fingerprint": claim.fingerprint, "status": status, "body": body},
        )
    except IntegrityError as exc:
        if errno(exc) == DUPLICATE_KEY:
            raise Duplicate() from exc
        raise
    except OperationalError as exc:
        if errno(exc) == LOCK_WAIT_TIMEOUT:
            raise InProgress("a request with this Idempotency-Key is in progress; try again") from exc
        raise


def purge(conn, prefix, retention_hours=RETENTION_HOURS, limit=None):
    """Delete keys older than ``retention_hours`` (never less than 24; at most ``limit`` rows); return how many."""
    sql = f"DELETE FROM `{table_name(prefix, 'idempotency')}` WHERE created < NOW() - INTERVAL :hours HOUR"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return conn.execute(text(sql), {"hours": max(int(retention_hours), RETENTION_HOURS)}).rowcount


def _purge_now_and_then(db, conn, retention_hours):
    global _next_purge
    with _purge_lock:
        if time.monotonic() < _next_purge:
            return
        _next_purge = time.monotonic() + PURGE_EVERY
    purge(conn, db.prefix, retention_hours, PURGE_BATCH)


def _table(db):
    return f"`{table_name(db.prefix, 'idempotency')}`"


def _execute(db, conn, sql, params):
    try:
        result = conn.execute(text(sql), params)
    except ProgrammingError as exc:
        missing = missing_table(db, exc)
        if missing is None:
            raise
        raise missing from exc
    db.caches["idempotency_table"] = True
    return result


def missing_table(db, exc):
    """MissingTable when ``exc`` says the table is gone (also from a write's folded lookup), else None; the
    process then looks for it again before folding a lookup."""
    name = table_name(db.prefix, "idempotency")
    if errno(exc) != NO_SUCH_TABLE or name not in str(exc.orig):
        return None
    db.caches["idempotency_table"] = False
    return MissingTable(
        f"Idempotency-Key needs the table {name}, which this install lacks: the operator runs "
        "`osticket-bridge create-tables`"
    )


def errno(exc):
    """The MySQL error number of a driver error, or None."""
    args = getattr(exc.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None
