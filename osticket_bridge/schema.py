"""What the bridge needs of osTicket's schema, and which osTicket release a database is at."""

from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

# Table (without prefix) -> columns the bridge reads or writes that every release from 1.10.4 on has; "a|b": one of
# them, by release. A missing one stops start-up.
REQUIRED_COLUMNS = {
    "ticket": "ticket_id number user_id user_email_id status_id dept_id sla_id topic_id staff_id "
    "team_id email_id lock_id flags ip_address source isoverdue isanswered duedate est_duedate "
    "reopened closed lastupdate created updated",
    "ticket_status": "id name state mode flags sort properties",
    "ticket_priority": "priority_id priority priority_desc priority_urgency ispublic",
    "thread": "id object_id object_type extra lastresponse lastmessage created",
    "thread_entry": "id pid thread_id staff_id user_id type flags poster editor editor_type source title "
    "body format ip_address created updated",
    "thread_event": "id thread_id event_id|state staff_id team_id dept_id topic_id data username uid "
    "uid_type annulled timestamp",
    "thread_collaborator": "id flags|isactive thread_id user_id role created updated",
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
    "department": "id pid sla_id manager_id flags name ispublic path",
    "sla": "id flags grace_period name",
    "staff": "staff_id dept_id role_id username firstname lastname email isactive onvacation assigned_only timezone "
    "extra",
    "staff_dept_access": "staff_id dept_id role_id",
    "role": "id permissions",
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
    "filter": "id name isactive execorder target match_all_rules stop_onmatch",
    "filter_rule": "id filter_id what how val isactive",
    "filter_action": "id filter_id sort type configuration",  # ticket filters (osticket/rules)
    "syslog": "log_id log_type title log logger ip_address created updated",
    "canned_response": "canned_id isenabled title response",
    "list_items": "id list_id status value extra sort properties",  # a list field's items (filters read properties)
    # E-mail notices (osticket/notices/recipients.py): templates, sender accounts
    "email_template_group": "tpl_id isactive",
    "email_template": "id tpl_id code_name subject body",
    "email": "email_id name email",
}
# Tables of later releases only: when present they must have these columns.
RELEASE_TABLES = {
    "event": "id name",
    "thread_referral": "id thread_id object_id object_type created",
    "schedule": "id flags name timezone",
    "schedule_entry": "id schedule_id flags sort name repeats starts_on starts_at ends_on ends_at stops_on day week "
    "month",
}
# Tables and table.columns a release brought: a database whose signature names that release or a later one must have
# them. Code asks db.tables.has(table, column) before using them (reflection, no query); where the schema cannot tell
# a behaviour apart, it branches on db.release.name. Older shapes: thread_event.state (1.10, before event_id),
# thread_collaborator.isactive and help_topic.isactive (1.10, before the flags bits), email.smtp_* (to 1.16).
SINCE = {
    "1.11/1.12": "event thread_referral thread_entry.recipients thread_event.event_id thread_collaborator.flags",
    "1.14": "schedule schedule_entry ticket.ticket_pid ticket.sort thread_entry.extra thread_event.thread_type "
    "department.schedule_id sla.schedule_id",
}

# ost_event rows the bridge's thread events name (osticket/threads/events.py), where the table exists.
REQUIRED_EVENTS = ("created", "closed", "reopened", "assigned", "edited", "collab")
# Created at run time by osTicket; it copes when they are missing, and so does the bridge.
OPTIONAL_TABLES = ("ticket__cdata", "user__cdata", "_search")

# core.schema_signature (include/upgrader/streams/core.sig at each release's tag) -> release.
# 1.11 and 1.12 share one schema; there is no 1.13.
RELEASES = {
    "98ad7d550c26ac44340350912296e673": "1.10",
    "00c949a623b82848baaf3480b51307e3": "1.11/1.12",
    "4bd47d94b10bd8a6bab35c119dadf41f": "1.14",
    "add628927ee030469f5d3272ebda1e16": "1.15",
    "c37e165651dc289240fee7d244990ac1": "1.16",
    "83a22ba22b1a6a624fcb1da03882ac1b": "1.17",
    "5fb92bef17f3b603659e024c01cc7a59": "1.18",
}
# What works on each release today, and how it was verified (docs/releases.md).
SUPPORT = {
    "1.18": "reads and writes, compared row by row with recordings of a real osTicket 1.18.1",
    **{
        name: "reads and writes, smoke-tested on its install schema (writes not compared with recordings)"
        for name in ("1.14", "1.15", "1.16", "1.17")
    },
    "1.11/1.12": "reads and writes, smoke-tested on its install schema (writes not compared with recordings)",
    "1.10": "reads and writes, compared with a real osTicket 1.10.4 (its help desk and its recorded writes)",
}
SUPPORTED_RANGE = (
    "osTicket 1.10.4 to 1.18 (1.18 compared with recordings of a real osTicket 1.18.1, 1.10 with a real osTicket "
    "1.10.4's help desk, 1.11 to 1.17 smoke-tested on their install schemas)"
)


@dataclass(frozen=True)
class Release:
    """The osTicket release a database is at, from its schema signature (name None: signature unknown)."""

    name: str | None
    signature: str | None

    def __str__(self):
        if self.name:
            return f"osTicket {self.name} ({SUPPORT[self.name]})"
        if self.signature is None:
            return "unknown (no schema signature in ost_config)"
        return f"an osTicket with the unknown schema signature {self.signature!r}"


def diagnose(conn, prefix):
    """Return (problems, release, table names): what the bridge misses here, and the osTicket release."""
    insp = inspect(conn)
    present = set(insp.get_table_names())
    release = _release(conn, prefix, present)
    tables, columns = _wanted(release)
    problems = []
    missing_tables = [prefix + n for n in tables if prefix + n not in present]
    if missing_tables:
        problems.append("missing tables: " + ", ".join(missing_tables))
    for name, wanted in columns.items():
        if prefix + name not in present:
            continue
        have = {c["name"] for c in insp.get_columns(prefix + name)}
        missing = [c.replace("|", " or ") for c in wanted if not have.intersection(c.split("|"))]
        if missing:
            problems.append(f"table {prefix}{name} lacks columns: " + ", ".join(missing))
    if not problems and prefix + "event" in present:  # ost_event is whole: check its rows
        names = set(conn.execute(text(f"SELECT name FROM `{prefix}event`")).scalars())
        missing = [name for name in REQUIRED_EVENTS if name not in names]
        if missing:
            problems.append(f"table {prefix}event lacks the events: " + ", ".join(missing))
    return problems, release, present


def _wanted(release):
    """(tables, {table: columns}) this database must have: every release's, plus what its own release brought."""
    tables = list(REQUIRED_COLUMNS)
    columns = {name: wanted.split() for name, wanted in {**REQUIRED_COLUMNS, **RELEASE_TABLES}.items()}
    names = list(RELEASES.values())
    for since, brought in SINCE.items():
        if release.name is None or names.index(release.name) < names.index(since):
            continue
        for item in brought.split():
            table, _, column = item.partition(".")
            if column:
                columns[table].append(column)
            else:
                tables.append(table)
    return tables, columns


def _release(conn, prefix, present):
    if prefix + "config" not in present:
        return Release(None, None)
    signature = conn.execute(
        text(f"SELECT value FROM `{prefix}config` WHERE namespace='core' AND `key`='schema_signature'")
    ).scalar()
    return Release(RELEASES.get(signature), signature)


def schema_message(url, problems, release):
    lacks = "; ".join(problems)
    at = f"{safe_url(url)} ({release})"
    return f"the database at {at} lacks what the bridge needs: {lacks}. Supported: {SUPPORTED_RANGE}"


def safe_url(url):
    """The URL as logs and messages may show it (no password)."""
    return make_url(url).render_as_string(hide_password=True)
