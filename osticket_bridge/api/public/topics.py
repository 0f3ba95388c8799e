"""Help topics the client portal offers."""

from ...osticket.catalog.cache import cached_catalog
from ...osticket.catalog.topics import public_topics
from ..auth.callers import authenticated
from ..base import Blueprint
from ..db import connection, database, one_statement_read
from ..schemas import TopicSchema

blp = Blueprint("topic_reads", __name__, description="Active public help topics")


@blp.route("/api/topics.json")
@one_statement_read
@authenticated(blp, tokens=True)
@blp.response(200, TopicSchema(many=True))
def list_topics():
    """Active public help topics in the portal's order, children named "Parent / Child"."""
    db = database()
    conn = connection()
    return public_topics(db, conn, cached_catalog(db, conn))
