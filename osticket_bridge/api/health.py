"""Liveness and readiness probes."""

from marshmallow import Schema, fields

from .base import Blueprint
from .db import database

blp = Blueprint("health", __name__, description="Liveness and readiness probes (no authentication)")


class ReplicaSchema(Schema):
    name = fields.String(metadata={"example": "10.0.0.12:3306"})
    lag = fields.Float(allow_none=True, metadata={"description": "seconds behind the primary (null: unknown)"})
    in_rotation = fields.Boolean(metadata={"description": "whether it takes reads now"})
    problem = fields.String(allow_none=True, metadata={"description": "why it is out of rotation"})


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})


class ReadinessSchema(HealthSchema):
    replicas = fields.List(
        fields.Nested(ReplicaSchema),
        metadata={"description": "the read replicas (OSTICKET_DB_REPLICA_URL), when any: one out of rotation "
                  "leaves the bridge ready, its reads go to the primary"},
    )  # fmt: skip


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz():
    """The process is alive (it answers even while the database does not)."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, ReadinessSchema)
@blp.refuses(503)
def readyz():
    """The osTicket database answers (within 1 s) and its tables are loaded; 503 with Retry-After otherwise."""
    db = database()
    db.probe()
    if db.replicas is None:
        return {"status": "ok"}
    return {"status": "ok", "replicas": db.replicas.status()}
