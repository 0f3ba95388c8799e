"""osticket-bridge: the API osTicket lacks, served beside it on the same database."""

from flask import Flask

from . import logs, mail, security
from .config import database_url_problem, load_settings
from .db import Database

# The one version number: the package (setup.cfg reads it), the OpenAPI document and `osticket-bridge --version`.
__version__ = "0.1.0"


def create_app(config=None):
    """Build the app: settings (defaults < environment < ``config``), database, routes.

    Fails with a SchemaError naming what is missing when the database is unusable.
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
    app.extensions["osticket"] = Database(
        settings["OSTICKET_DB_URL"],
        prefix=settings["OSTICKET_TABLE_PREFIX"],
        pool_size=settings["OSTICKET_DB_POOL_SIZE"],
        pool_recycle=settings["OSTICKET_DB_POOL_RECYCLE"],
    )
    logs.init_app(app)
    mail.init_app(app)
    _register_api(app)
    security.init_app(app)
    return app


def _register_api(app):
    from .api import docs, health, routes
    from .api.auth import API_KEY_SCHEME
    from .api.errors import Api

    api = Api(app)
    api.spec.components.security_scheme(API_KEY_SCHEME, {"type": "apiKey", "in": "header", "name": "X-API-Key"})
    api.register_blueprint(health.blp)
    app.register_blueprint(docs.blp)
    for blp in routes.blueprints():
        api.register_blueprint(blp)
