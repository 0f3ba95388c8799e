"""The writes that differ by osTicket release where the schema cannot tell them apart (issue 16).

Most differences show in the schema and are decided by reflection where they are written (``db.tables.has``).
The rest are osTicket 1.10's own behaviours, recorded in ../shared/osticket/golden-1.10.4 and the 1.10.4 source:
they are named where they are used and asked of ``is_110``.
"""

from .errors import Unsupported


def is_110(db):
    """Whether the bridge writes for osTicket 1.10 (schema signature 1.10, thread events named by ``state``).

    The signature and the schema must agree: a database with 1.10's thread events but another or an unknown
    signature is refused (Unsupported), as the bridge would otherwise guess how that osTicket writes.
    """
    named = db.release is not None and db.release.name == "1.10"
    shaped = not db.tables.has("thread_event", "event_id")
    if named != shaped:
        raise Unsupported(
            f"the database's schema signature says {db.release} but its ost_thread_event "
            f"{'has no' if shaped else 'has an'} event_id column: the bridge cannot tell how this osTicket writes "
            "(see `osticket-bridge check`)"
        )
    return named
