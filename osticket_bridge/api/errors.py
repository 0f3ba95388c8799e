"""One JSON error shape for every 4xx/5xx: {"code", "status", "message"[, "errors"]}."""

import functools
import logging

import flask_smorest
from flask_smorest import abort
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from ..osticket.errors import Conflict, FieldError, Forbidden, Invalid, NotFound, Unavailable
from ..osticket.numbers import NumberUnavailable
from ..osticket.text import BodyTooLong

log = logging.getLogger(__name__)


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
        if isinstance(error, Unavailable):
            log.warning("503: %s (%s)", error, error.__cause__ or "no further cause")
            unavailable = ServiceUnavailable()
            unavailable.data = {"message": str(error), "headers": {"Retry-After": str(error.retry_after)}}
            return self.handle_http_exception(unavailable)
        log.exception("unhandled error")
        return self.handle_http_exception(InternalServerError())


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
            abort(503, message=str(exc), headers={"Retry-After": str(exc.retry_after)})
        except tuple(kind for kind, _ in REFUSALS) as exc:
            abort(next(code for kind, code in REFUSALS if isinstance(exc, kind)), message=str(exc))

    return wrapper
