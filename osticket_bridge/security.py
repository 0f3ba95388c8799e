"""What makes the bridge safe to call from a browser: token signing, CORS, rate limits, body-size limit and
security headers. ``init_app`` runs after the blueprints are registered.
"""

import io
import time
from urllib.parse import urlsplit

from flask import current_app, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_smorest import abort

from .api.auth.callers import BEARER_SCHEME, TOKENS_EXTENSION, bearer_token, client_ip
from .replicas import GTID_HEADER
from .tokens import signer_from_settings

# A browser echoes a write's GTID_HEADER on its next reads (read-your-writes with replicas, replicas.py); the
# widget's live stream sends Last-Event-ID.
CORS_ALLOWED_HEADERS = ["Authorization", "X-API-Key", "Content-Type", GTID_HEADER, "Last-Event-ID"]
CORS_EXPOSED_HEADERS = [
    "X-Total-Count", "Link", "X-Request-ID", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After",
    GTID_HEADER,
]  # fmt: skip
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The Swagger UI page (api/docs.py): every script and style comes from this server; Swagger UI sets inline styles.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PREFIX = "/api/docs"
# gunicorn.conf.py lets longer request lines through so that this limit answers in JSON, not gunicorn's HTML.
MAX_URL_CHARS = 4094


def _failed(response):
    return response.status_code == 401


def _without_token():
    return bearer_token() is None


# endpoint -> (limit per client IP, message when exceeded, options). Failures-only limits count the 401 answers.
# Ticket creation is limited for browsers (tokens) only: API keys are server to server, unlimited as in osTicket.
RATE_LIMITS = {
    "auth.issue_token": ("300 per minute", "too many tokens requested from this address", {}),
    "auth.log_in": (
        "10 per minute;50 per hour",
        "too many failed sign-ins from this address",
        {"deduct_when": _failed},
    ),
    "auth.guest_token": (
        "10 per minute;50 per hour",
        "too many failed ticket lookups from this address",
        {"deduct_when": _failed},
    ),
    "creates.create_ticket": (
        "10 per minute;100 per hour",
        "too many new tickets from this address",
        {"exempt_when": _without_token},
    ),
}


def cors_origins(raw):
    """Parse OSTICKET_CORS_ORIGINS: exact origins (scheme://host[:port]) or a lone "*"; raise ValueError otherwise."""
    origins = [o.strip() for o in raw.split(",") if o.strip()]
    if "*" in origins:
        return ["*"]
    for origin in origins:
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.username is not None
            or origin != f"{parts.scheme}://{parts.netloc}"
        ):
            raise ValueError(f"OSTICKET_CORS_ORIGINS: {origin!r} is not an origin like https://www.example.com")
    return origins


def _init_cors(app):
    origins = cors_origins(app.config["OSTICKET_CORS_ORIGINS"])
    if not origins:
        return
    CORS(
        app,
        resources={r"/api/.*": {}},
        origins=origins,
        methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=CORS_ALLOWED_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        supports_credentials=False,  # tokens travel in a header, never in cookies
        send_wildcard=origins == ["*"],
        max_age=600,
    )


def _limit_request():
    url = request.environ.get("RAW_URI") or request.full_path
    if len(url) > MAX_URL_CHARS:
        abort(414, message=f"the URL is longer than {MAX_URL_CHARS} characters")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, message=f"the request body is larger than {limit} bytes")
    if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # No length announced: read the body here, past the limit by one byte at most, and hand it on with its
        # length (werkzeug would silently cut it at the limit, and the JSON parser then call it invalid).
        body = request.environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            abort(413, message=f"the request body is larger than {limit} bytes")
        request.environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})


def _security_headers(response):
    docs = request.path.startswith(DOCS_PREFIX) or request.path == "/api/openapi.json"
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    # A view may set its own (downloads: a sandbox); every other answer gets the API's.
    headers.setdefault("Content-Security-Policy", DOCS_CSP if request.path.startswith(DOCS_PREFIX) else API_CSP)
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    if not docs:
        headers.setdefault("Cache-Control", "no-store")
    return response


def _init_limiter(app):
    def rate_limit_headers(response):
        current = limiter.current_limit
        if current is not None:
            reset = max(0, current.reset_at - int(time.time()))
            response.headers["RateLimit-Limit"] = str(current.limit.amount)
            response.headers["RateLimit-Remaining"] = str(current.remaining)
            response.headers["RateLimit-Reset"] = str(reset)
            if current.breached:
                response.headers["Retry-After"] = str(reset)
        return response

    # Registered before the limiter's own hook, so it runs after it (after failure deductions).
    app.after_request(rate_limit_headers)
    limiter = Limiter(
        key_func=client_ip,
        app=app,
        storage_uri=app.config["OSTICKET_RATELIMIT_STORAGE"],
        key_prefix="osticket-bridge",
        in_memory_fallback_enabled=True,
    )
    # Only RATE_LIMITS' endpoints have limits: every other request skips the limiter's resolution of limits and
    # exemptions (about a tenth of a GET's CPU).
    limiter.request_filter(lambda: request.endpoint not in RATE_LIMITS)
    for endpoint, (limit, message, options) in RATE_LIMITS.items():
        if endpoint not in app.view_functions:
            raise RuntimeError(f"rate limit for unknown endpoint {endpoint}")
        decorate = limiter.limit(limit, error_message=f"{message}; try again later", **options)
        app.view_functions[endpoint] = decorate(app.view_functions[endpoint])


def _init_tokens(app):
    try:
        signer = signer_from_settings(app.config["OSTICKET_TOKEN_SECRET"], app.config["OSTICKET_TOKEN_TTL"])
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    app.extensions[TOKENS_EXTENSION] = signer
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    api.spec.components.security_scheme(
        BEARER_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "an end-user token from /api/auth/token, /login or /guest"},
    )
    # The body-size limit's answer (HTTPStatus has no member of this name for flask-smorest to register).
    api.spec.components.response(
        "PAYLOAD_TOO_LARGE",
        {"description": "Payload Too Large", "content": {"application/json": {"schema": api.ERROR_SCHEMA}}},
    )


def init_app(app):
    """Wire tokens, CORS, the body-size limit, security headers and rate limits into the app."""
    _init_tokens(app)
    _init_cors(app)
    app.before_request(_limit_request)
    app.after_request(_security_headers)
    _init_limiter(app)
