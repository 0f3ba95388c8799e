"""Every API blueprint, in the order they appear in the OpenAPI document."""

from . import attachments, events
from .auth import routes as auth_routes
from .public import creates
from .public import tickets as ticket_reads
from .public import topics as topic_reads
from .public import updates as ticket_updates
from .staff import actions as agent_actions
from .staff import lists as agent_lists
from .staff import reads as scp_reads


def blueprints():
    return [
        topic_reads.blp,
        ticket_reads.blp,
        scp_reads.blp,
        ticket_updates.blp,
        agent_actions.blp,
        agent_lists.blp,
        creates.blp,
        auth_routes.blp,
        attachments.blp,
        events.blp,
    ]
