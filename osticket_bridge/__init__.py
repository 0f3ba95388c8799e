"""osticket-bridge: the API osTicket lacks, served beside it on the same database."""

from flask import Flask

from . import bridge_tables, logs, mail, security, widget
from .config import database_url_problem, load_settings
from .db import Database, Timeouts
from .osticket.tickets import numbers

# The one version number: the package (setup.cfg reads it), the OpenAPI document and `osticket-bridge --version`.
__version__ = "0.1.0"


def create_app(config=None):
    """Build the app: settings (defaults < environment < ``config``), database, routes.

    Fails with a SchemaError naming what is missing when the database answers but is unusable; when it does not
    answer, the app starts and answers 503 until it does.
    """
    app = Flask(__name__)
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
    app.json.sort_keys = False
    logs.configure_logging(settings["OSTICKET_LOG_LEVEL"])
    problem = database_url_problem(settings["OSTICKET_DB_URL"])
    if problem:
        raise RuntimeError(problem)
    app.extensions["osticket"] = database = Database(
        settings["OSTICKET_DB_URL"],
        prefix=settings["OSTICKET_TABLE_PREFIX"],
        pool_size=settings["OSTICKET_DB_POOL_SIZE"],
        pool_recycle=settings["OSTICKET_DB_POOL_RECYCLE"],
        timeouts=Timeouts(
            connect=settings["OSTICKET_DB_CONNECT_TIMEOUT"],
            read=settings["OSTICKET_DB_READ_TIMEOUT"],
            write=settings["OSTICKET_DB_WRITE_TIMEOUT"],
            statement=settings["OSTICKET_DB_STATEMENT_TIMEOUT"],
        ),
    )
    numbers.install(database, settings["OSTICKET_NUMBER_LOCK_WAIT"], settings["OSTICKET_NUMBER_LOCK_WAITERS"])
    database.when_ready(lambda: bridge_tables.warn_missing(database.engine, settings["OSTICKET_TABLE_PREFIX"]))
    # osTicket's SECRET_SALT signs the Message-IDs and portal links of the notices (osticket/notices/compose.py).
    database.secret_salt = settings.get("OSTICKET_SECRET_SALT", "")
    logs.init_app(app)
    mail.init_app(app)
    _register_api(app)
    app.register_blueprint(widget.blp)
    security.init_app(app)
    return app


def _register_api(app):
    from .api import db, docs, health, routes
    from .api.auth.callers import API_KEY_SCHEME
    from .api.errors import Api

    db.init_app(app)
    api = Api(app)
    api.spec.components.security_scheme(API_KEY_SCHEME, {"type": "apiKey", "in": "header", "name": "X-API-Key"})
    api.register_blueprint(health.blp)
    app.register_blueprint(docs.blp)
    for blp in routes.blueprints():
        api.register_blueprint(blp)
