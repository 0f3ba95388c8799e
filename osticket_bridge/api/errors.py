"""One JSON error shape for every 4xx/5xx: {"code", "status", "message"[, "errors"]}."""

import functools
import logging

import flask_smorest
from flask_smorest import abort
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from ..db import SchemaError, unavailable_message
from ..osticket.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, Unavailable
from ..osticket.numbers import NumberUnavailable
from ..osticket.text import BodyTooLong

log = logging.getLogger(__name__)
RETRY_AFTER = 5  # seconds a client waits before retrying when the database cannot serve


class Api(flask_smorest.Api):
    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(Exception, self.handle_unexpected)

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        # Werkzeug's default descriptions are safe, fixed texts; nothing else reaches the client.
        payload.setdefault("message", error.description)
        return payload, code, headers

    def handle_unexpected(self, error):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        unavailable = _unavailable(error)
        if unavailable is not None:
            return self.handle_http_exception(unavailable)
        log.exception("unhandled error")
        return self.handle_http_exception(InternalServerError())


def _unavailable(error):
    """A 503 with Retry-After when the error means the database cannot serve now (the cause goes to the log)."""
    if isinstance(error, Unavailable):
        message, retry_after = str(error), error.retry_after
        cause = error.__cause__
        log.warning("503: %s (%s)", message, getattr(cause, "orig", None) or cause or "no further cause")
    elif isinstance(error, SchemaError):
        # Checked again at each use (a restore may be half done): the details are for the operator only.
        message, retry_after = "osTicket's database is not usable by the bridge now", RETRY_AFTER
        log.error("503: %s", error)
    elif isinstance(error, SQLAlchemyError) and unavailable_message(error):
        message, retry_after = unavailable_message(error), RETRY_AFTER
        log.warning("503: %s (%s)", message, getattr(error, "orig", None) or error)
    else:
        return None
    exception = ServiceUnavailable()
    exception.data = {"message": message, "headers": {"Retry-After": str(retry_after)}}
    return exception


REFUSALS = ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (Invalid, 422))


def refusals(view):
    """Answer the domain's refusals with their HTTP status and message (a FieldError names the parameter)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except FieldError as exc:
            abort(422, message=str(exc), errors={"json": {exc.field: [exc.reason]}})
        except BodyTooLong as exc:
            abort(413, message=str(exc))
        except NumberUnavailable as exc:
            abort(503, message=str(exc))
        except tuple(kind for kind, _ in REFUSALS) as exc:
            abort(next(code for kind, code in REFUSALS if isinstance(exc, kind)), message=str(exc))

    return wrapper
