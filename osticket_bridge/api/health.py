"""Liveness and readiness probes."""

from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .base import Blueprint
from .db import database

blp = Blueprint("health", __name__, description="Liveness and readiness probes (no authentication)")


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz():
    """The process is alive."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, HealthSchema)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def readyz():
    """The osTicket database answers."""
    try:
        with database().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        abort(503, message="the osTicket database does not answer")
    return {"status": "ok"}
