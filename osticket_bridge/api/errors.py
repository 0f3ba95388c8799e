"""One JSON error shape for every 4xx/5xx: {"code", "status", "message"[, "errors"]}."""

import functools
import logging

import flask_smorest
from flask_smorest import abort
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .. import metrics
from ..db import UNAVAILABLE_ERRORS, UNREACHABLE, SchemaError, Unavailable, unavailable_message
from ..osticket.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, Unsupported
from ..osticket.text import BodyTooLong
from ..osticket.tickets.numbers import NumberUnavailable

log = logging.getLogger(__name__)
RETRY_AFTER = 5  # seconds a client waits before retrying when the database cannot serve
# A 503's message -> its cause in the metrics (osticket_bridge_unavailable_total).
CAUSES = {
    UNREACHABLE: "unreachable",
    UNAVAILABLE_ERRORS[1969]: "statement_timeout",
    UNAVAILABLE_ERRORS[1205]: "busy",
    UNAVAILABLE_ERRORS[1290]: "read_only",
}


class Api(flask_smorest.Api):
    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(Exception, self.handle_unexpected)

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        if "message" not in payload:
            # A description given where the error was raised (the rate limiter's) is ours; Werkzeug's defaults are not.
            if error.description != type(error).description:
                payload["message"] = error.description
            else:
                own_message(payload, code)
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
    metrics.unavailable("schema" if isinstance(error, SchemaError) else CAUSES.get(message, "other"))
    exception = ServiceUnavailable()
    exception.data = {"message": message, "headers": {"Retry-After": str(retry_after)}}
    return exception


MALFORMED_JSON = {"json": ["Invalid JSON body."]}  # webargs' report of a body that does not parse
# Our own sentence for errors raised by Werkzeug or webargs without one (their generic texts never reach clients).
MESSAGES = {
    400: "the request is malformed",
    404: "no such endpoint (the endpoints are listed at /api/docs)",
    405: "this endpoint does not accept this method",
    413: "the request body is too large",
    415: "unsupported content type: send JSON, a form or a query string",
    422: "invalid parameters",
    500: "internal error: the server log has the details under this response's X-Request-ID",
}


def own_message(payload, code):
    """Give ``payload`` the project's own message: the invalid parameters named, or a fixed sentence."""
    errors = payload.get("errors")
    if errors == MALFORMED_JSON:
        del payload["errors"]
        payload["message"] = "the request body is not valid JSON"
    elif errors:
        named = (f"{name}: {' '.join(map(str, reasons))}" for name, reasons in _flat(errors))
        payload["message"] = "invalid parameters: " + "; ".join(named)
    else:
        payload["message"] = MESSAGES.get(code, payload.get("status", "error").lower())


def _flat(errors, prefix=""):
    """webargs' {location: {field: [reasons]}} (nested for nested fields) as (dotted name, reasons) pairs."""
    for key, value in errors.items():
        name = prefix.rstrip(".") if key in LOCATIONS else f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flat(value, f"{name}." if name else "")
        else:
            yield name or str(key), value if isinstance(value, list) else [value]


LOCATIONS = ("json", "query", "form", "json_or_form", "querystring", "headers", "files", "view_args")


REFUSALS = ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (Invalid, 422), (Unsupported, 501))


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
            metrics.unavailable("number_lock")
            abort(503, message=str(exc), headers={"Retry-After": str(exc.retry_after)})
        except tuple(kind for kind, _ in REFUSALS) as exc:
            abort(next(code for kind, code in REFUSALS if isinstance(exc, kind)), message=str(exc))

    return wrapper
