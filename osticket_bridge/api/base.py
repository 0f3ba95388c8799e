"""A Blueprint whose arguments come from the query string, a form body or a JSON body alike."""

import flask_smorest
from flask import abort as flask_abort
from marshmallow import EXCLUDE, Schema
from webargs.core import missing
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from .errors import refusals


class Params(Schema):
    """Base of every request schema: unknown keys are ignored, as osTicket's API ignores them."""

    class Meta:
        unknown = EXCLUDE


class MergedParser(FlaskParser):
    """Read parameters from the query string, the form and the JSON body together.

    Browsers cannot send a GET body, so the query string always works; a body overrides it.
    Routes are documented with location "query" (GET/DELETE) or "json" (POST/PUT); both read all three.
    """

    def _merged(self, req, schema):
        merged = MultiDict(req.args)
        merged.update(req.form)
        try:
            body = FlaskParser.load_json(self, req, schema)
        except RecursionError:
            flask_abort(400, "the JSON body is nested too deeply")
        if isinstance(body, dict):
            merged.update(body)
        elif body is not missing:
            flask_abort(400, "the JSON body must be an object")
        return self._makeproxy(merged, schema)

    def load_querystring(self, req, schema):
        return self._merged(req, schema)

    def load_json(self, req, schema):
        return self._merged(req, schema)


# The error answers a route may give, each in the API's {"code", "status", "message"} shape (errors.py).
ERROR_RESPONSES = {
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "UNPROCESSABLE_ENTITY",
    429: "TOO_MANY_REQUESTS",
    501: "NOT_IMPLEMENTED",
    503: "SERVICE_UNAVAILABLE",
}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = MergedParser()

    def refuses(self, *statuses):
        """``@blp.refuses(404, 409)``, the one way a route declares its refusals: the OpenAPI document lists each
        status with the error shape, and the domain's refusals raised in the view are answered with theirs
        (errors.refusals: NotFound 404, Conflict 409...). 401 and 503 come with ``authenticated``."""

        def decorator(view):
            documented = refusals(view)
            for status in reversed(statuses):
                documented = self.alt_response(status, response=ERROR_RESPONSES[status])(documented)
            return documented

        return decorator
