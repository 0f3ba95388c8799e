"""Liveness and readiness probes."""

from marshmallow import Schema, fields

from .base import Blueprint
from .db import database

blp = Blueprint("health", __name__, description="Liveness and readiness probes (no authentication)")


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz():
    """The process is alive (it answers even while the database does not)."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, HealthSchema)
@blp.refuses(503)
def readyz():
    """The osTicket database answers (within 1 s) and its tables are loaded; 503 with Retry-After otherwise."""
    database().probe()
    return {"status": "ok"}
