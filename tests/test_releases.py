"""Every osTicket release from 1.10.4 to 1.18.1, on a database built from that release's own install schema.

The schemas are osTicket's `install-mysql.sql` at each tag (../shared/osticket/schemas/). On top go the fresh-install
rows of schema_fixtures/install.sql (recorded from 1.18.1), copied column by column into the tables and columns the
release has, the release's schema signature and an API key. Every release must start, be named by `check`, read,
create, reply, close, reopen and read back.
"""

import contextlib
import os
import pathlib

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from osticket_bridge import cli, fixtures
from osticket_bridge.db import SchemaError, make_engine

SCHEMAS = pathlib.Path(
    os.environ.get("OSTICKET_SCHEMAS_DIR")
    or pathlib.Path(__file__).resolve().parents[2] / "shared" / "osticket" / "schemas"
)
# Release tag -> the name the bridge detects. Signatures from ../shared/osticket/schemas/signatures.txt.
RELEASES = {
    "1.10.4": "1.10",
    "1.11": "1.11/1.12",
    "1.12.6": "1.11/1.12",
    "1.14.8": "1.14",
    "1.15.8": "1.15",
    "1.16.6": "1.16",
    "1.17.5": "1.17",
    "1.18.1": "1.18",
}
KEY = {"X-API-Key": "5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A"}
OWNER = {"email": "rita.release@example.com"}


def signature(tag):
    for line in (SCHEMAS / "signatures.txt").read_text().splitlines():
        if line.split()[:1] == [tag]:
            return line.split()[1]
    raise AssertionError(f"signatures.txt names no signature for {tag}")


def install_schema(tag):
    path = SCHEMAS / f"install-mysql-{tag}.sql"
    if not path.exists():
        pytest.skip(f"{path} is absent: osTicket's install schemas (../shared/osticket/schemas/) are not here")
    return path.read_text(encoding="utf-8").replace("%TABLE_PREFIX%", "ost_")


def build(db_server, tag):
    """A database at this release: its install schema, fresh-install rows where they fit, signature, API key."""
    schema = install_schema(tag)
    name = f"obt_{os.getpid()}_release_{tag.replace('.', '_')}"
    url = fixtures.create_database(db_server, name)
    fixtures.run_sql(url, schema)
    rows = fixtures.create_database(db_server, name + "_rows")
    try:
        fixtures.load_fixtures(rows)
        copy_rows(url, source=name + "_rows", target=name)
    finally:
        fixtures.drop_database(db_server, name + "_rows")
    fixtures.create_bridge_tables(url)
    fixtures.run_sql(
        url,
        f"UPDATE `ost_config` SET `value`='{signature(tag)}' WHERE `namespace`='core' AND `key`='schema_signature';"
        "INSERT INTO `ost_api_key` (`isactive`, `ipaddr`, `apikey`, `can_create_tickets`, `updated`, `created`)"
        f" VALUES (1, '127.0.0.1', '{KEY['X-API-Key']}', 1, NOW(), NOW())",
    )
    return url


def copy_rows(url, source, target):
    """Copy every row of ``source``'s tables into ``target``'s tables of the same name, by the columns both have.

    The installer's own four config rows are replaced by those of an installed site. osTicket's own session mode:
    columns a release has beyond 1.18's (ost_email_account.userid before 1.17, ost_help_topic.isactive in 1.10)
    take their defaults, as osTicket's installer leaves them; tables 1.18 added (schedules) are left out.
    """
    engine = make_engine(url)
    try:
        insp = inspect(engine)
        ours = set(insp.get_table_names(schema=target))
        script = [f"DELETE FROM `{target}`.`ost_config`"]
        for table in set(insp.get_table_names(schema=source)) & ours:
            have = {c["name"] for c in insp.get_columns(table, schema=target)}
            common = ", ".join(f"`{c['name']}`" for c in insp.get_columns(table, schema=source) if c["name"] in have)
            script.append(f"INSERT INTO `{target}`.`{table}` ({common}) SELECT {common} FROM `{source}`.`{table}`")
    finally:
        engine.dispose()
    fixtures.run_sql(url, "SET SESSION sql_mode='';\n" + ";\n".join(script))


@contextlib.contextmanager
def release_database(db_server, tag):
    url = build(db_server, tag)
    try:
        yield url
    finally:
        fixtures.drop_database(db_server, url.rsplit("/", 1)[1])


# Every release writes (1.10.4 and 1.18.1 are also compared with recordings of a real osTicket elsewhere).
WRITES = list(RELEASES)


def check(url, tag):
    """`osticket-bridge check` on the database: its output, after the lines every release must show."""
    result = CliRunner().invoke(cli.main, ["check", "--url", url])
    assert f"detected: osTicket {RELEASES[tag]} (" in result.output
    assert "supported: osTicket 1.10.4 to 1.18 (1.18 compared with recordings" in result.output
    return result


@pytest.mark.parametrize("tag", RELEASES)
def test_every_release_is_named_starts_and_reads(tag, db_server, fresh_app):
    with release_database(db_server, tag) as url:
        result = check(url, tag)
        assert result.exit_code == 0, result.output
        assert "ok: every table and column the bridge needs is present" in result.output

        client = fresh_app(url).test_client()
        topics = client.get("/api/topics.json", headers=KEY)
        assert topics.status_code == 200, topics.get_json()
        assert "General Inquiry" in {t["value"] for t in topics.get_json()}  # rows of install.sql, read through the API
        mine = client.get("/api/scp/tickets/staffTickets.json", headers=KEY, query_string={"staffUserName": "ostadmin"})
        assert mine.status_code == 200, mine.get_json()
        assert mine.get_json()["tickets"] == []
        every = client.get("/api/scp/tickets.json", headers=KEY)
        assert every.status_code == 200, every.get_json()
        assert every.get_json() == []

        stored_ticket(url, tag)
        info = client.get("/api/scp/tickets/ticketInfo.json", headers=KEY, query_string={"ticketNumber": "100001"})
        assert info.status_code == 200, info.get_json()
        assert [(e["type"], e["body"]) for e in info.get_json()["ticket"]["threads"]] == [("M", "Hello.")]
        assert [(e["event"], e["username"]) for e in info.get_json()["ticket"]["events"]] == [("created", "SYSTEM")]


def stored_ticket(url, tag):
    """One ticket with its message and its "created" event, as this release stores them (1.10: the state enum)."""
    event = "'created'" if tag == "1.10.4" else "(SELECT `id` FROM `ost_event` WHERE `name` = 'created')"
    fixtures.run_sql(
        url,
        "SET SESSION sql_mode='';"
        "INSERT INTO `ost_ticket` (`ticket_id`, `number`, `status_id`, `dept_id`, `topic_id`, `source`, `created`,"
        " `updated`, `lastupdate`) VALUES (1, '100001', 1, 1, 1, 'API', NOW(), NOW(), NOW());"
        "INSERT INTO `ost_thread` (`id`, `object_id`, `object_type`, `created`) VALUES (1, 1, 'T', NOW());"
        "INSERT INTO `ost_thread_entry` (`thread_id`, `type`, `flags`, `poster`, `source`, `body`, `format`, `created`)"
        " VALUES (1, 'M', 1, 'Rita Release', 'API', 'Hello.', 'text', NOW());"
        f"INSERT INTO `ost_thread_event` (`thread_id`, `{'state' if tag == '1.10.4' else 'event_id'}`, `dept_id`,"
        f" `topic_id`, `uid`, `uid_type`, `timestamp`) VALUES (1, {event}, 1, 1, 1, 'U', NOW())",
    )


@pytest.mark.parametrize("tag", ["1.10.4", "1.11"])
def test_a_release_without_either_shape_of_a_column_is_refused(tag, db_server, make_app):
    # Thread events name their kind by ost_thread_event.state (1.10) or event_id (1.11 on): neither, no start.
    with release_database(db_server, tag) as url:
        column = "state" if tag == "1.10.4" else "event_id"
        fixtures.run_sql(url, f"ALTER TABLE `ost_thread_event` DROP COLUMN `{column}`")
        result = check(url, tag)
        assert result.exit_code == 1
        assert "table ost_thread_event lacks columns: event_id or state" in result.output
        with pytest.raises(SchemaError, match=rf"osTicket {RELEASES[tag]} \(.*lacks columns: event_id or state"):
            make_app(url)


def ticket(client, number):
    response = client.get(f"/api/tickets.json/{number}", headers=KEY, query_string=OWNER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("tag", WRITES)
def test_release_writes_and_reads_back(tag, db_server, fresh_app):
    with release_database(db_server, tag) as url:
        client = fresh_app(url).test_client()
        body = {**OWNER, "name": "Rita Release", "subject": f"Smoke on {tag}", "message": "data:text/plain,Hello."}
        created = client.post("/api/tickets.json", headers=KEY, json=body)
        assert created.status_code == 201, created.get_json()
        number = created.get_json()["ticket_number"]
        assert ticket(client, number)["subject"] == f"Smoke on {tag}"

        replied = client.post(
            "/api/scp/tickets/reply.json",
            headers=KEY,
            json={"ticketNumber": number, "response": "On it.", "staffUserName": "ostadmin"},
        )
        assert replied.status_code == 200, replied.get_json()
        closed = client.delete(f"/api/tickets.json/{number}", headers=KEY, query_string=OWNER)
        assert closed.status_code == 200, closed.get_json()
        assert closed.get_json()["ticket_status"] == "Closed"
        reopened = client.post(f"/api/tickets.json/{number}", headers=KEY, json=OWNER)
        assert reopened.status_code == 200, reopened.get_json()

        final = ticket(client, number)
        assert final["ticket_status"] == "Open"
        assert [(e["type"], e["body"]) for e in final["threads"]] == [("M", "Hello."), ("R", "<p>On it.</p>")]

        user = {"email": "una.user@example.com", "name": "Una User", "password": "Una#Pass-2026"}
        assert client.post("/api/scp/users.json", headers=KEY, json=user).status_code == 201
        topic = client.post("/api/topics.json", headers=KEY, json={"topic": f"Smoke topic {tag}"})
        assert topic.status_code == 201, topic.get_json()
        assert f"Smoke topic {tag}" in {t["value"] for t in client.get("/api/topics.json", headers=KEY).get_json()}


@pytest.mark.parametrize(("tag", "longest"), [("1.15.8", 32), ("1.16.6", 128)])
def test_topic_names_are_as_long_as_the_release_allows(tag, longest, db_server, fresh_app):
    # 1.16 widened ost_help_topic.topic: a longer name is refused, never truncated by MySQL's non-strict mode.
    with release_database(db_server, tag) as url:
        client = fresh_app(url).test_client()
        too_long = client.post("/api/topics.json", headers=KEY, json={"topic": "T" * (longest + 1)})
        assert too_long.status_code == 422, too_long.get_json()
        assert f"at most {longest} characters" in too_long.get_json()["message"]
        assert client.post("/api/topics.json", headers=KEY, json={"topic": "T" * longest}).status_code == 201


def test_missing_event_rows_stop_the_bridge(fresh_fixtures_db, make_app):
    # Thread events name their kind by ost_event's id (1.11 on; our own 1.18 install here, no release schema needed):
    # without the row the bridge cannot know what to write.
    url = fresh_fixtures_db
    fixtures.run_sql(url, "DELETE FROM `ost_event` WHERE `name` IN ('reopened', 'edited')")
    result = CliRunner().invoke(cli.main, ["check", "--url", url])
    assert result.exit_code == 1
    assert "table ost_event lacks the events: reopened, edited" in result.output
    with pytest.raises(SchemaError, match=r"osTicket 1\.18 .*ost_event lacks the events: reopened, edited"):
        make_app(url)


def test_a_schema_older_than_its_signature_is_refused(db_server, make_app):
    # What a release brought must be there when the signature names it: a 1.10 schema that says 1.11 is not guessed at.
    with release_database(db_server, "1.10.4") as url:
        fixtures.run_sql(url, f"UPDATE `ost_config` SET `value`='{signature('1.11')}' WHERE `key`='schema_signature'")
        result = check(url, "1.11")
        assert result.exit_code == 1
        assert "missing tables: ost_event, ost_thread_referral" in result.output
        assert "table ost_thread_entry lacks columns: recipients" in result.output
        with pytest.raises(SchemaError, match=r"osTicket 1\.11/1\.12 .*lacks columns: event_id"):
            make_app(url)


def test_a_write_on_a_schema_its_signature_does_not_explain_is_refused_loudly(db_server, fresh_app):
    # 1.10's thread events (state) under a signature the bridge does not know: how that osTicket writes is unknown.
    with release_database(db_server, "1.10.4") as url:
        fixtures.run_sql(url, "UPDATE `ost_config` SET `value`='0123456789abcdef0123456789abcdef' "
                         "WHERE `namespace`='core' AND `key`='schema_signature'")  # fmt: skip
        client = fresh_app(url).test_client()
        before = client.get("/api/scp/tickets.json", headers=KEY)
        assert before.status_code == 200, before.get_json()
        body = {**OWNER, "name": "Rita Release", "subject": "Unknown", "message": "data:text/plain,Hello."}
        refused = client.post("/api/tickets.json", headers=KEY, json=body)
        assert refused.status_code == 501, refused.get_json()
        assert "cannot tell how this osTicket writes" in refused.get_json()["message"]
        assert client.get("/api/scp/tickets.json", headers=KEY).get_json() == []  # nothing written
