"""Every API blueprint, in the order they appear in the OpenAPI document."""

from . import agent_lists, agent_routes, attachments, auth_routes, creates
from . import scp as scp_reads
from . import tickets as ticket_reads
from . import topics as topic_reads
from . import updates as ticket_updates


def blueprints():
    return [
        topic_reads.blp,
        ticket_reads.blp,
        scp_reads.blp,
        ticket_updates.blp,
        agent_routes.blp,
        agent_lists.blp,
        creates.blp,
        auth_routes.blp,
        attachments.blp,
    ]
