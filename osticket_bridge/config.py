"""Settings: defaults, then the environment, then explicit overrides (tests)."""

import os

# name -> (default, parser). Every entry is documented in docs/deployment.md (or docs/operations.md, docs/events.md).
SETTINGS = {
    "OSTICKET_DB_URL": ("", str),
    "OSTICKET_TABLE_PREFIX": ("ost_", str),
    "OSTICKET_DB_POOL_SIZE": (5, int),
    "OSTICKET_DB_POOL_RECYCLE": (3600, int),
    "OSTICKET_DB_CONNECT_TIMEOUT": (5.0, float),
    "OSTICKET_DB_READ_TIMEOUT": (10.0, float),
    "OSTICKET_DB_WRITE_TIMEOUT": (10.0, float),
    "OSTICKET_DB_STATEMENT_TIMEOUT": (8.0, float),
    "OSTICKET_TRUSTED_PROXIES": ("", str),
    "OSTICKET_CORS_ORIGINS": ("", str),
    "OSTICKET_TOKEN_SECRET": ("", str),
    "OSTICKET_TOKEN_TTL": (900, int),
    "OSTICKET_ATTACHMENT_URL_TTL": (3600, int),
    "OSTICKET_ATTACHMENT_ROOT": ("", str),
    "OSTICKET_PUBLIC_URL": ("", str),
    "OSTICKET_RATELIMIT_STORAGE": ("memory://", str),
    "OSTICKET_MAX_BODY_BYTES": (1_048_576, int),
    "OSTICKET_LOG_LEVEL": ("INFO", str),
    "OSTICKET_LOG_FORMAT": ("text", str),  # or "json": one JSON object per line
    "OSTICKET_METRICS_ALLOW": ("", str),
    "OSTICKET_DB_REPLICA_URL": ("", str),  # one or more, separated by spaces or commas
    "OSTICKET_DB_REPLICA_MAX_LAG": (5.0, float),
    "OSTICKET_DB_REPLICA_WAIT": (1.0, float),
    "OSTICKET_MAIL_URL": ("", str),
    "OSTICKET_SECRET_SALT": ("", str),
    "OSTICKET_NUMBER_LOCK_WAIT": (5, int),
    "OSTICKET_NUMBER_LOCK_WAITERS": (3, int),  # gunicorn.conf.py's threads - 1
    "OSTICKET_IDEMPOTENCY_HOURS": (24, int),
    # The event feed and webhooks (docs/events.md, "Operators")
    "OSTICKET_EVENTS": ("on", str),
    "OSTICKET_EVENTS_POLL_SECONDS": (1.0, float),
    "OSTICKET_EVENTS_GAP_SECONDS": (300.0, float),
    "OSTICKET_EVENTS_RETENTION_DAYS": (7, int),
    "OSTICKET_EVENTS_HEARTBEAT_SECONDS": (15.0, float),
    "OSTICKET_EVENTS_MAX_STREAMS": (2, int),  # per process: each open stream holds one of its threads
    "OSTICKET_EVENTS_STREAM_SECONDS": (300.0, float),
    "OSTICKET_WEBHOOK_ALLOW_PRIVATE": (False, lambda raw: raw.strip().lower() in ("1", "true", "yes", "on")),
    "OSTICKET_WEBHOOK_FIRST_RETRY_SECONDS": (10.0, float),
    "OSTICKET_WEBHOOK_GIVE_UP_SECONDS": (3 * 86400.0, float),
    "OSTICKET_WEBHOOK_DISABLE_SECONDS": (5 * 86400.0, float),
    "OSTICKET_WEBHOOK_TIMEOUT_SECONDS": (10.0, float),
}


SUPPORTED_DRIVERS = ("mysql", "mariadb")
URL_EXAMPLE = "mysql://user:pass@127.0.0.1:3306/osticket"


def database_url_problem(url):
    """Why ``url`` cannot be osTicket's database (one line), or None: osTicket runs on MySQL/MariaDB only."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not url:
        return f"OSTICKET_DB_URL is not set (e.g. {URL_EXAMPLE})"
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return f"the database URL is not a URL like {URL_EXAMPLE}"
    if backend not in SUPPORTED_DRIVERS:
        return f"unsupported database {backend!r}: osTicket runs on MySQL or MariaDB (e.g. {URL_EXAMPLE})"
    return None


def load_settings(overrides=None):
    """Return the settings dict: defaults < environment < overrides."""
    settings = {}
    for name, (default, parse) in SETTINGS.items():
        raw = os.environ.get(name)
        settings[name] = parse(raw) if raw not in (None, "") else default
    settings.update(overrides or {})
    return settings
