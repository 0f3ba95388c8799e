"""Every osTicket release from 1.10.4 to 1.18.1, on a database built from that release's own install schema.

The schemas are osTicket's `install-mysql.sql` at each tag (../shared/osticket/schemas/). On top go the fresh-install
rows of schema_fixtures/install.sql (recorded from 1.18.1; their tables have the same columns from 1.14 on), the
release's schema signature and an API key. Supported releases must start, read, create, reply, close, reopen and
read back; the others must refuse to start, naming the release and what their schema lacks.
"""

import contextlib
import os
import pathlib

import pytest
from click.testing import CliRunner

from osticket_bridge import cli, fixtures
from osticket_bridge.db import SchemaError

SCHEMAS = pathlib.Path(
    os.environ.get("OSTICKET_SCHEMAS_DIR")
    or pathlib.Path(__file__).resolve().parents[2] / "shared" / "osticket" / "schemas"
)
# Release tag -> (name the bridge detects, supported). Signatures from ../shared/osticket/schemas/signatures.txt.
RELEASES = {
    "1.10.4": ("1.10", False),
    "1.11": ("1.11/1.12", False),
    "1.12.6": ("1.11/1.12", False),
    "1.14.8": ("1.14", True),
    "1.15.8": ("1.15", True),
    "1.16.6": ("1.16", True),
    "1.17.5": ("1.17", True),
    "1.18.1": ("1.18", True),
}
SUPPORTED = [tag for tag, (_, ok) in RELEASES.items() if ok]
UNSUPPORTED = [tag for tag, (_, ok) in RELEASES.items() if not ok]
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
    url = fixtures.create_database(db_server, f"obt_{os.getpid()}_release_{tag.replace('.', '_')}")
    fixtures.run_sql(url, schema)
    if RELEASES[tag][1]:
        # The installer's own four config rows are rewritten by install.sql with the values of an installed site.
        fixtures.run_sql(url, "DELETE FROM `ost_config`")
        # osTicket's own session mode: columns a release has beyond 1.18's (ost_email_account.userid before 1.17)
        # take their implicit defaults, as osTicket's installer leaves them.
        install = (fixtures.FIXTURES / "install.sql").read_text(encoding="utf-8")
        fixtures.run_sql(url, "SET SESSION sql_mode='';\n" + install)
        fixtures.create_bridge_tables(url)
    fixtures.run_sql(
        url,
        f"UPDATE `ost_config` SET `value`='{signature(tag)}' WHERE `namespace`='core' AND `key`='schema_signature';"
        "INSERT INTO `ost_api_key` (`isactive`, `ipaddr`, `apikey`, `can_create_tickets`, `updated`, `created`)"
        f" VALUES (1, '127.0.0.1', '{KEY['X-API-Key']}', 1, NOW(), NOW())",
    )
    return url


@contextlib.contextmanager
def release_database(db_server, tag):
    url = build(db_server, tag)
    try:
        yield url
    finally:
        fixtures.drop_database(db_server, url.rsplit("/", 1)[1])


def check(url, tag):
    """`osticket-bridge check` on the database: its output, after the lines every release must show."""
    result = CliRunner().invoke(cli.main, ["check", "--url", url])
    assert f"detected: osTicket {RELEASES[tag][0]} (" in result.output
    assert "supported: osTicket 1.14 to 1.18 (1.18 compared with recordings" in result.output
    return result


@pytest.mark.parametrize("tag", UNSUPPORTED)
def test_unsupported_release_is_named_and_refused(tag, db_server, make_app):
    name = RELEASES[tag][0]
    with release_database(db_server, tag) as url:
        result = check(url, tag)
        assert result.exit_code == 1
        assert f"(osTicket {name} (not supported yet" in result.output
        assert "lacks columns: ticket_pid, sort" in result.output
        assert "Supported: osTicket 1.14 to 1.18" in result.output
        with pytest.raises(SchemaError, match=rf"osTicket {name} \(not supported yet.*missing tables"):
            make_app(url)


def ticket(client, number):
    response = client.get(f"/api/tickets.json/{number}", headers=KEY, query_string=OWNER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("tag", SUPPORTED)
def test_supported_release_checks_reads_and_writes(tag, db_server, fresh_app):
    with release_database(db_server, tag) as url:
        result = check(url, tag)
        assert result.exit_code == 0, result.output
        assert "ok: every table and column the bridge needs is present" in result.output

        client = fresh_app(url).test_client()
        topics = client.get("/api/topics.json", headers=KEY)
        assert topics.status_code == 200, topics.get_json()
        assert "General Inquiry" in {t["value"] for t in topics.get_json()}  # rows of install.sql, read through the API

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


def test_missing_event_rows_stop_the_bridge(db_server, make_app):
    # Thread events name their kind by ost_event's id: without the row the bridge cannot know what to write.
    with release_database(db_server, "1.17.5") as url:
        fixtures.run_sql(url, "DELETE FROM `ost_event` WHERE `name` IN ('reopened', 'edited')")
        result = CliRunner().invoke(cli.main, ["check", "--url", url])
        assert result.exit_code == 1
        assert "table ost_event lacks the events: reopened, edited" in result.output
        with pytest.raises(SchemaError, match=r"osTicket 1\.17 .*ost_event lacks the events: reopened, edited"):
            make_app(url)
