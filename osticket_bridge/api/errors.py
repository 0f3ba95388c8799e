"""One JSON error shape for every 4xx/5xx: {"code", "status", "message"[, "errors"]}."""

import logging

import flask_smorest
from werkzeug.exceptions import HTTPException, InternalServerError

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
        log.exception("unhandled error")
        return self.handle_http_exception(InternalServerError())
