"""A request id on every log line and response; one access line per request."""

import json
import logging
import re
import time
import uuid

from flask import g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("osticket_bridge.access")


def current_request_id():
    """The id of the request being served, or "-" outside one (CLI, background threads)."""
    return g.get("request_id", "-") if has_request_context() else "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        # A background job acting for a request (mail delivery) passes that request's id as `extra`.
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line (OSTICKET_LOG_FORMAT=json), for log shippers that index fields."""

    def format(self, record):
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": record.request_id,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level, style="text"):
    if style not in ("text", "json"):
        raise ValueError(f"OSTICKET_LOG_FORMAT must be text or json, not {style!r}")
    handler = logging.StreamHandler()
    if style == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger("osticket_bridge")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def init_app(app):
    @app.before_request
    def start():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(response):
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "-")
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        access_log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed_ms)
        return response
