"""Engine, session settings and reflection of the osTicket tables the bridge uses."""

import logging

from sqlalchemy import MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

# Table (without prefix) -> columns the bridge reads or writes. A missing one stops start-up.
REQUIRED_COLUMNS = {
    "ticket": "ticket_id ticket_pid number user_id user_email_id status_id dept_id sla_id topic_id staff_id "
    "team_id email_id lock_id flags sort ip_address source isoverdue isanswered duedate est_duedate "
    "reopened closed lastupdate created updated",
    "ticket_status": "id name state mode flags sort properties",
    "ticket_priority": "priority_id priority priority_desc priority_urgency ispublic",
    "thread": "id object_id object_type extra lastresponse lastmessage created",
    "thread_entry": "id pid thread_id staff_id user_id type flags poster editor editor_type source title "
    "body format ip_address recipients created updated",
    "thread_event": "id thread_id thread_type event_id staff_id team_id dept_id topic_id data username uid "
    "uid_type annulled timestamp",
    "event": "id name",
    "thread_collaborator": "id flags thread_id user_id role created updated",
    "thread_referral": "id thread_id object_id object_type created",
    "user": "id org_id default_email_id status name created updated",
    "user_email": "id user_id flags address",
    "user_account": "id user_id status timezone username passwd backend registered",
    "form": "id type flags title",
    "form_field": "id form_id flags type label name configuration sort",
    "form_entry": "id form_id object_id object_type sort extra created updated",
    "form_entry_values": "entry_id field_id value value_id",
    "help_topic": "topic_id topic_pid ispublic noautoresp flags status_id priority_id dept_id staff_id "
    "team_id sla_id page_id sequence_id sort topic number_format notes created updated",
    "help_topic_form": "id topic_id form_id sort extra",
    "department": "id pid sla_id schedule_id manager_id flags name ispublic path",
    "sla": "id schedule_id flags grace_period name",
    "schedule": "id flags name timezone",
    "schedule_entry": "id schedule_id flags sort name repeats starts_on starts_at ends_on ends_at stops_on day week "
    "month",
    "staff": "staff_id dept_id username firstname lastname email isactive onvacation assigned_only timezone",
    "staff_dept_access": "staff_id dept_id",
    "team": "team_id flags name",
    "team_member": "team_id staff_id",
    "organization": "id name status domain",
    "config": "id namespace key value",
    "sequence": "id name flags next increment padding updated",
    "api_key": "id isactive ipaddr apikey can_create_tickets",
    "lock": "lock_id staff_id expire",
    "draft": "id staff_id namespace",
    "attachment": "id object_id type file_id inline",
    "file": "id ft bk type size key signature name created",
    "file_chunk": "file_id chunk_id filedata",
    "filter": "id name isactive",
    "filter_rule": "id filter_id what val isactive",
    # E-mail notices (osticket/notices.py): templates, sender accounts
    "email_template_group": "tpl_id isactive",
    "email_template": "id tpl_id code_name subject body",
    "email": "email_id name email",
}
# Created at run time by osTicket; it copes when they are missing, and so does the bridge.
OPTIONAL_TABLES = ("ticket__cdata", "user__cdata", "_search")

# core.schema_signature of the releases whose schema the bridge was written against.
KNOWN_SIGNATURES = {"5fb92bef17f3b603659e024c01cc7a59": "1.18 (same schema as 1.17)"}


class SchemaError(RuntimeError):
    """The database is unreachable or lacks a table or column the bridge needs."""


class Tables:
    """Reflected tables by their osTicket name without prefix: ``tables.ticket``, ``tables._search``."""

    def __init__(self, metadata, prefix):
        self._by_name = {name[len(prefix) :]: table for name, table in metadata.tables.items()}

    def __getattr__(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise AttributeError(f"table {name!r} is not reflected") from None

    def has(self, name):
        return name in self._by_name


def _set_session(dbapi_connection, _record):
    # The session osTicket's db_connect() opens (DATA_MODEL §0): non-strict mode, 3-byte utf8, server time zone.
    with dbapi_connection.cursor() as cur:
        cur.execute("SET NAMES utf8 COLLATE utf8_general_ci, SESSION sql_mode='', SESSION time_zone='SYSTEM'")


def make_engine(url, pool_size=5, pool_recycle=3600):
    url = make_url(url)
    if url.drivername == "mysql":
        url = url.set(drivername="mysql+pymysql")
    engine = create_engine(
        url.update_query_dict({"charset": "utf8"}),
        pool_pre_ping=True,
        pool_recycle=pool_recycle,
        pool_size=pool_size,
        max_overflow=pool_size,
        # Every connection is used in a context manager whose close already rolls back an open transaction;
        # the pool's own reset would send a second ROLLBACK per request.
        pool_reset_on_return=None,
    )
    event.listen(engine, "connect", _set_session)
    return engine


class Database:
    """One engine, the reflected tables and what the schema says about the install."""

    def __init__(self, url, prefix="ost_", pool_size=5, pool_recycle=3600):
        self.prefix = prefix
        self.engine = make_engine(url, pool_size, pool_recycle)
        try:
            with self.engine.connect() as conn:
                wait_timeout = conn.execute(text("SELECT @@wait_timeout")).scalar()
                problems, self.version, present = diagnose(conn, prefix)
                if problems:
                    raise SchemaError(schema_message(url, problems))
                metadata = MetaData()
                wanted = [prefix + n for n in (*REQUIRED_COLUMNS, *OPTIONAL_TABLES)]
                metadata.reflect(conn, only=[name for name in wanted if name in present])
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise SchemaError(f"cannot reach the osTicket database at {_safe(url)}: {exc.orig or exc}") from exc
        if pool_recycle >= wait_timeout:
            # Connections must be recycled before the server drops them.
            self.engine.dispose()
            self.engine = make_engine(url, pool_size, max(wait_timeout - 30, 30))
        self.tables = Tables(metadata, prefix)
        from .osticket.catalog import CatalogCache

        self.catalog = CatalogCache(self)
        self._statements = {}

    def statement(self, key, build):
        """The statement ``build()`` returns, built once per key: SQLAlchemy then neither rebuilds nor re-hashes it.

        Only for statements whose variable parts are bind parameters (``bindparam``) or part of ``key``.
        """
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = build()
        return statement

    def dispose(self):
        self.engine.dispose()


def _safe(url):
    return make_url(url).render_as_string(hide_password=True)


def diagnose(conn, prefix):
    """Return (problems, version, table names): what the bridge misses here, and the osTicket version."""
    insp = inspect(conn)
    present = set(insp.get_table_names())
    problems = []
    missing_tables = [prefix + n for n in REQUIRED_COLUMNS if prefix + n not in present]
    if missing_tables:
        problems.append("missing tables: " + ", ".join(missing_tables))
    for name, wanted in REQUIRED_COLUMNS.items():
        if prefix + name not in present:
            continue
        have = {c["name"] for c in insp.get_columns(prefix + name)}
        missing = [c for c in wanted.split() if c not in have]
        if missing:
            problems.append(f"table {prefix}{name} lacks columns: " + ", ".join(missing))
    return problems, _version(conn, prefix, present), present


def _version(conn, prefix, present):
    if prefix + "config" not in present:
        return "unknown (no osTicket config table)"
    signature = conn.execute(
        text(f"SELECT value FROM `{prefix}config` WHERE namespace='core' AND `key`='schema_signature'")
    ).scalar()
    if signature in KNOWN_SIGNATURES:
        return f"osTicket {KNOWN_SIGNATURES[signature]}"
    if prefix + "event" not in present:
        return f"osTicket older than 1.11 (signature {signature}): unsupported"
    return f"osTicket 1.11+ with an unknown schema signature {signature}"


def schema_message(url, problems):
    return f"the database at {_safe(url)} is not a usable osTicket 1.18 database: " + "; ".join(problems)
