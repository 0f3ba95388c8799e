"""A Blueprint whose arguments come from the query string, a form body or a JSON body alike."""

import flask_smorest
from flask import abort as flask_abort
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from webargs.core import missing
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from ..osticket.catalog.forms import LINE_PATTERN, LINE_RULE
from ..osticket.people.emails import MAX_LENGTH, is_email
from .errors import refusals
from .openapi import operation_doc

TICKET_NUMBER_MAX = 20  # ost_ticket.number
# A route's <string:number> as the document describes it (the rule stays plain: it is the metrics' route label).
NUMBER_PARAMETER = {
    "in": "path",
    "name": "number",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": TICKET_NUMBER_MAX},
}


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
        _no_stray_files(req, schema)
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


def _valid_email(value):
    if not is_email(value.strip()):
        raise ValidationError("a valid e-mail address is required")


def email_field(**kwargs):
    """An e-mail address as osTicket accepts one (documented as format email)."""
    metadata = {"format": "email", **kwargs.pop("metadata", {})}
    return fields.String(validate=[validate.Length(min=1, max=MAX_LENGTH), _valid_email], metadata=metadata, **kwargs)


def line_field(max_length, min_length=1, **kwargs):
    """A one-line text osTicket's forms take: ``min_length`` to ``max_length`` characters, not starting like a
    formula (forms.check_line, which the domain applies again to the cleaned value)."""
    checks = [validate.Length(min=min_length, max=max_length), validate.Regexp(LINE_PATTERN, error=LINE_RULE)]
    return fields.String(validate=checks, **kwargs)


def _no_stray_files(req, schema):
    """A file part sent to a route without ``attachments`` is refused, never dropped without a word."""
    if req.mimetype != "multipart/form-data":  # only such a body has file parts; others are not parsed for them
        return
    sent = sorted({name for name, part in req.files.items(multi=True) if part.filename})
    if sent and "attachments" not in schema.fields:
        reason = ["this route takes no files"]
        abort(
            422,
            message=f"this route takes no files (file parts: {', '.join(sent)})",
            errors={"files": dict.fromkeys(sent, reason)},
        )


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

    def arguments(self, schema, *args, **kwargs):
        """As flask-smorest's, with a schema class made an instance once (webargs would make one per request)."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def route(self, rule, **options):
        """Also document the view's operationId (its name in camelCase), its links (openapi.py) and a ticket number's
        length."""
        if "<string:number>" in rule:  # completes the path parameter the rule documents as a bare string
            options["parameters"] = [*(options.get("parameters") or []), dict(NUMBER_PARAMETER)]
        register = super().route(rule, **options)

        def decorator(func):
            register(self.doc(**operation_doc(func.__name__))(func))
            return func

        return decorator

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
