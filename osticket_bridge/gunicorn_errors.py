"""gunicorn's own refusals in the API's JSON shape instead of its HTML page.

gunicorn answers some requests before the app sees them: a request line over ``limit_request_line`` (414), headers
too large (431), a malformed request (400). Clients should parse one error format whatever refused them.
"""

import json

from gunicorn import util


def _write_json_error(sock, status_int, reason, mesg):
    body = json.dumps({"code": status_int, "status": reason, "message": mesg}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


def install():
    """Called by gunicorn.conf.py, before the workers fork: they look ``util.write_error`` up at each refusal."""
    util.write_error = _write_json_error
