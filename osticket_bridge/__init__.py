"""osticket-bridge: the API osTicket lacks, served beside it on the same database."""

from flask import Flask

from . import bridge_tables, events, logs, mail, metrics, replicas, security, widget
from .config import database_url_problem, load_settings
from .db import Database, Timeouts
from .osticket.tickets import numbers

# The one version number: the package (setup.cfg reads it), the OpenAPI document and `osticket-bridge --version`.
__version__ = "0.1.0"


class BridgeFlask(Flask):
    """Flask without its per-call check for coroutines: no view or hook here is async, and the check (22 calls of
    inspect.iscoroutinefunction per request) was about 3 % of a GET's CPU."""

    def ensure_sync(self, func):
        return func


def create_app(config=None):
    """Build the app: settings (defaults < environment < ``config``), database, routes.

    Fails with a SchemaError naming what is missing when the database answers but is unusable; when it does not
    answer, the app starts and answers 503 until it does.
    """
    app = BridgeFlask(__name__)
    settings = load_settings(config)
    app.config.update(settings)
    app.config.update(
        API_TITLE="osticket-bridge",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings["OSTICKET_MAX_BODY_BYTES"],
        JSON_SORT_KEYS=False,
    )
    app.json = _json_provider(app)
    logs.configure_logging(settings["OSTICKET_LOG_LEVEL"], settings["OSTICKET_LOG_FORMAT"])
    problem = database_url_problem(settings["OSTICKET_DB_URL"])
    if problem:
        raise RuntimeError(problem)
    timeouts = Timeouts(
        connect=settings["OSTICKET_DB_CONNECT_TIMEOUT"],
        read=settings["OSTICKET_DB_READ_TIMEOUT"],
        write=settings["OSTICKET_DB_WRITE_TIMEOUT"],
        statement=settings["OSTICKET_DB_STATEMENT_TIMEOUT"],
    )
    app.extensions["osticket"] = database = Database(
        settings["OSTICKET_DB_URL"],
        prefix=settings["OSTICKET_TABLE_PREFIX"],
        pool_size=settings["OSTICKET_DB_POOL_SIZE"],
        pool_recycle=settings["OSTICKET_DB_POOL_RECYCLE"],
        timeouts=timeouts,
        watch=lambda engine, target: metrics.watch(engine, target, settings["OSTICKET_DB_POOL_SIZE"]),
    )
    database.replicas = _replicas(settings, timeouts)
    numbers.install(database, settings["OSTICKET_NUMBER_LOCK_WAIT"], settings["OSTICKET_NUMBER_LOCK_WAITERS"])
    database.when_ready(lambda: bridge_tables.warn_missing(database.engine, settings["OSTICKET_TABLE_PREFIX"]))
    # osTicket's SECRET_SALT signs the Message-IDs and portal links of the notices (osticket/notices/compose.py).
    database.secret_salt = settings.get("OSTICKET_SECRET_SALT", "")
    logs.init_app(app)
    mail.init_app(app)
    events.init_app(app)
    _register_api(app)
    app.register_blueprint(widget.blp)
    security.init_app(app)
    return app


def _json_provider(app):
    from .api.encoding import OrjsonProvider

    provider = OrjsonProvider(app)
    provider.sort_keys = False  # answers keep the seed's field order
    return provider


def _replicas(settings, timeouts):
    """The read replicas of OSTICKET_DB_REPLICA_URL, or None (every read goes to the primary)."""
    urls = replicas.parse_urls(settings["OSTICKET_DB_REPLICA_URL"])
    for url in urls:
        problem = database_url_problem(url)
        if problem:
            raise RuntimeError(f"OSTICKET_DB_REPLICA_URL: {problem}")
    if not urls:
        return None
    return replicas.Replicas(
        urls,
        max_lag=settings["OSTICKET_DB_REPLICA_MAX_LAG"],
        wait=settings["OSTICKET_DB_REPLICA_WAIT"],
        pool_size=settings["OSTICKET_DB_POOL_SIZE"],
        pool_recycle=settings["OSTICKET_DB_POOL_RECYCLE"],
        timeouts=timeouts,
    )


def _register_api(app):
    from .api import db, docs, health, routes
    from .api import metrics as scrape
    from .api.auth.callers import API_KEY_SCHEME
    from .api.errors import Api
    from .api.openapi import RequiredAlternatives

    db.init_app(app)
    scrape.init_app(app)
    api = Api(app, spec_kwargs={"extra_plugins": [RequiredAlternatives()]})
    api.spec.components.security_scheme(API_KEY_SCHEME, {"type": "apiKey", "in": "header", "name": "X-API-Key"})
    api.register_blueprint(health.blp)
    app.register_blueprint(docs.blp)
    for blp in routes.blueprints():
        api.register_blueprint(blp)
