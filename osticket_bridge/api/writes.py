"""The transaction of every write route: one connection, the answer built before COMMIT, Idempotency-Key.

``@write(blp)`` sits under ``@authenticated``. The caller was checked on the request's connection; the route's
domain call writes on it, the route builds its answer on it (inside the transaction, so a committed write never
answers with an error from a later read), and the answer is stored with the write when the request carries an
``Idempotency-Key``. Then one COMMIT. A deadlock, a lock-wait timeout or a row a concurrent write added first
(Raced) reruns the route, at most ``WRITE_ATTEMPTS`` times; a COMMIT whose outcome is unknown (the connection
died during it) is a 503, and a retry with the same key then learns the outcome.
"""

import functools
import logging
import re

from flask import current_app, g, request
from flask_smorest import abort
from marshmallow import fields, validate
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .. import idempotency
from ..db import Unavailable
from ..osticket.errors import Raced
from ..osticket.round_trip import Piggyback
from .base import Params
from .db import connection, database

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
WRITE_ATTEMPTS = 3
RETRIED = {1205: "lock wait timeout", 1213: "deadlock"}  # MySQL error numbers
KEY_CHARACTERS = re.compile(r"^[\x21-\x7e]+$")


class IdempotencyHeader(Params):
    key = fields.String(
        data_key=HEADER,
        validate=[validate.Length(min=1, max=255), validate.Regexp(KEY_CHARACTERS, error="visible ASCII only")],
        metadata={
            "description": "a unique value per intended write (a UUID); the same key with the same request answers "
            "the first outcome again and writes nothing, with another request 422; kept 24 h",
            "example": "5b0e9a52-4c8e-4a57-9d0e-2a7d1f3c9e11",
        },
    )


def write(blp, folds_lookup=False):
    """Run the route as one transaction on the request's connection, with Idempotency-Key handling.

    ``folds_lookup``: the route's domain call reads the key's stored answer in its own first read (``folded_lookup``
    hands it over), a round trip less; a refusal raised before that read looks the key up afterwards.
    """

    def decorator(view):
        @blp.arguments(IdempotencyHeader, location="headers", arg_name="idempotency_header")
        @blp.refuses(422, 503)
        @functools.wraps(view)
        def wrapper(*args, idempotency_header=None, **kwargs):
            db, conn = database(), connection()
            claim = _claim(idempotency_header)
            folded = claim is not None and folds_lookup and idempotency.table_present(db)
            if claim is not None and not folded:
                stored = _lookup(db, conn, claim)
                if stored is not None:
                    return _replay(stored)
            g.folded_claim = claim if folded else None
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    response = view(*args, **kwargs)
                    if claim is not None:
                        hours = current_app.config["OSTICKET_IDEMPOTENCY_HOURS"]
                        idempotency.save(db, conn, claim, response.status_code, response.get_data(), hours)
                except idempotency.Replay as found:
                    conn.rollback()
                    return _replay(found.stored)
                except idempotency.KeyReused as exc:
                    _reused(exc)
                except HTTPException:
                    if not folded:
                        raise
                    # Refused, maybe before the lookup: a retry of a write that succeeded answers as it did.
                    conn.rollback()
                    stored = _lookup(db, conn, claim)
                    if stored is None:
                        raise
                    return _replay(stored)
                except idempotency.Duplicate:
                    conn.rollback()
                    return _replay(_lookup(db, conn, claim))
                except idempotency.InProgress as exc:
                    abort(409, message=str(exc))
                except Raced as exc:
                    if attempt == WRITE_ATTEMPTS:
                        abort(409, message=str(exc))
                    log.info("write attempt %d raced another request (%s); running it again", attempt, exc)
                    conn.rollback()
                    continue
                except ProgrammingError as exc:
                    missing = idempotency.missing_table(db, exc) if folded else None
                    if missing is None:
                        raise
                    _refuse_missing(missing)
                except OperationalError as exc:
                    reason = RETRIED.get(idempotency.errno(exc))
                    if reason is None or attempt == WRITE_ATTEMPTS:
                        raise
                    log.warning("write attempt %d ended in a %s; running it again", attempt, reason)
                    conn.rollback()
                    continue
                _commit(conn)
                return response
            raise AssertionError("unreachable")

        return wrapper

    return decorator


def folded_lookup():
    """The Idempotency-Key lookup a ``folds_lookup`` route hands its domain call to read with its first read (a
    round_trip.Piggyback), or None."""
    claim = g.get("folded_claim")
    if claim is None:
        return None
    check = functools.partial(idempotency.check_folded, claim)
    return Piggyback("idempotency", idempotency.folded_lookup, idempotency.folded_params(claim), check)


def _claim(headers):
    key = (headers or {}).get("key")
    if key is None:
        return None
    caller = g.caller
    scope = f"u{caller.user_id}" if caller.is_end_user else f"k{caller.api_key_id}"
    return idempotency.Claim(scope, key, idempotency.fingerprint(request.method, request.full_path, request.get_data()))


def _lookup(db, conn, claim):
    try:
        return idempotency.lookup(db, conn, claim)
    except idempotency.KeyReused as exc:
        _reused(exc)
    except idempotency.MissingTable as exc:
        _refuse_missing(exc)


def _refuse_missing(exc):
    log.error("%s", exc)
    abort(503, message=str(exc), headers={"Retry-After": "60"})


def _reused(exc):
    abort(422, message=str(exc), errors={"headers": {HEADER: [str(exc)]}})


def _replay(stored):
    response = current_app.response_class(stored.body, status=stored.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _commit(conn):
    try:
        conn.commit()
    except SQLAlchemyError as exc:
        raise Unavailable(
            "the database connection failed during COMMIT: the write may or may not be saved; "
            f"send it again with the same {HEADER} to learn its outcome",
            retry_after=1,
        ) from exc
