"""Idempotency-Key on every write: a retry answers the first outcome and writes nothing; a reused key is refused;
a concurrent duplicate waits for the first; a COMMIT with an unknown outcome is a 503 the retry resolves."""

import threading

import pytest
from click.testing import CliRunner
from golden import snapshot, table_diff
from helpers import count_statements, rows
from security_helpers import AGENT, REF_KEY, SECRET, USER, USER_TICKET, bearer, mint
from sqlalchemy import create_engine, event, text
from update_helpers import execute

from osticket_bridge import cli

KEY = {"X-API-Key": REF_KEY}
OWNER_EMAIL = {"email": USER["email"]}

# (method, path, query, body) of each write route, on the reference dump; close and reopen run in this order.
WRITES = {
    "create ticket": ("POST", "/api/tickets.json", {}, {**OWNER_EMAIL, "subject": "Keyed", "message": "Once only"}),
    "create user": (
        "POST", "/api/scp/users.json", {},
        {"email": "keyed.user@example.com", "name": "Keyed User", "password": "Keyed#Pass-1"},
    ),
    "create topic": ("POST", "/api/topics.json", {}, {"topic": "Keyed Topic"}),
    "user message": ("PUT", f"/api/tickets.json/{USER_TICKET}", {}, {**OWNER_EMAIL, "message": "Keyed message"}),
    "agent reply": (
        "POST", "/api/scp/tickets/reply.json", {},
        {"ticketNumber": USER_TICKET, "response": "Keyed reply", "staffUserName": AGENT},
    ),
    "close": ("DELETE", f"/api/tickets.json/{USER_TICKET}", OWNER_EMAIL, None),
    "reopen": ("POST", f"/api/tickets.json/{USER_TICKET}", {}, OWNER_EMAIL),
}  # fmt: skip


def send(client, write, key=None, headers=KEY, **changes):
    method, path, query, body = WRITES[write]
    body = {**body, **changes} if body is not None else None
    extra = {"Idempotency-Key": key} if key else {}
    return client.open(path, method=method, query_string=query, json=body, headers={**headers, **extra})


def tickets(app):
    return rows(app, "SELECT COUNT(*) AS n FROM ost_ticket")[0]["n"]


def test_every_write_answers_a_retry_with_its_first_outcome_and_writes_nothing(fresh_app, fresh_reference_db):
    client = fresh_app(fresh_reference_db).test_client()
    for write in WRITES:
        first = send(client, write, key=f"key-{write.replace(' ', '-')}")
        assert first.status_code in (200, 201), (write, first.get_json())
        before = snapshot(fresh_reference_db)
        again = send(client, write, key=f"key-{write.replace(' ', '-')}")
        assert (again.status_code, again.get_data()) == (first.status_code, first.get_data()), write
        assert again.headers["Idempotent-Replayed"] == "true"
        assert table_diff(before, snapshot(fresh_reference_db)) == {}, write


def test_on_osticket_110_a_retry_answers_the_first_outcome_and_writes_nothing(fresh_app, fresh_reference_110_db):
    """The same on osTicket 1.10.4's sample help desk: carol's resolved 232747 reopens with her message."""
    writes = {name: list(write) for name, write in WRITES.items()}
    carol, ticket = {"email": "carol.customer@example.com"}, "232747"
    writes["create ticket"][3] = {**carol, "subject": "Keyed", "message": "Once only"}
    writes["user message"][1:4] = f"/api/tickets.json/{ticket}", {}, {**carol, "message": "Keyed message"}
    writes["agent reply"][3] = {"ticketNumber": ticket, "response": "Keyed reply", "staffUserName": "alice"}
    writes["close"][1:3] = f"/api/tickets.json/{ticket}", carol
    writes["reopen"][1:4] = f"/api/tickets.json/{ticket}", {}, carol
    client = fresh_app(fresh_reference_110_db).test_client()
    key_110 = {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}
    for write, (method, path, query, body) in writes.items():
        headers = {**key_110, "Idempotency-Key": f"key-{write.replace(' ', '-')}"}
        first = client.open(path, method=method, query_string=query, json=body, headers=headers)
        assert first.status_code in (200, 201), (write, first.get_json())
        before = snapshot(fresh_reference_110_db)
        again = client.open(path, method=method, query_string=query, json=body, headers=headers)
        assert (again.status_code, again.get_data()) == (first.status_code, first.get_data()), write
        assert again.headers["Idempotent-Replayed"] == "true"
        assert table_diff(before, snapshot(fresh_reference_110_db)) == {}, write


def test_without_a_key_a_retry_is_a_second_write(fresh_app, fresh_reference_db):
    app = fresh_app(fresh_reference_db)
    client = app.test_client()
    before = tickets(app)
    assert send(client, "create ticket").status_code == 201
    assert send(client, "create ticket").status_code == 201
    assert tickets(app) == before + 2


def test_a_key_reused_for_another_request_is_refused(fresh_app, fresh_reference_db):
    app = fresh_app(fresh_reference_db)
    client = app.test_client()
    assert send(client, "create ticket", key="same").status_code == 201
    before = snapshot(fresh_reference_db)
    other = send(client, "create ticket", key="same", subject="Another subject")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["message"]
    elsewhere = send(client, "user message", key="same")
    assert elsewhere.status_code == 422
    assert table_diff(before, snapshot(fresh_reference_db)) == {}


def test_a_create_reads_its_key_with_its_first_read(fresh_app, fresh_reference_db):
    """Once the process has found the table, a keyed create looks its key up in the create's own first read (a
    statement less): a retry still answers the first outcome, and a reuse whose body is refused before that read
    still gets the reuse's 422."""
    app = fresh_app(fresh_reference_db)
    client = app.test_client()
    assert send(client, "create ticket", key="warm").status_code == 201
    with count_statements(app) as sql:
        first = send(client, "create ticket", key="folded")
    assert first.status_code == 201
    assert not [s for s in sql if "bridge_idempotency" in s and "UNION ALL" not in s and s.startswith("SELECT")]
    assert [s for s in sql if "bridge_idempotency" in s and "UNION ALL" in s]
    before = snapshot(fresh_reference_db)
    again = send(client, "create ticket", key="folded")
    assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    assert again.headers["Idempotent-Replayed"] == "true"
    reused = send(client, "create ticket", key="folded", subject="")  # refused by the parameters' schema first
    assert reused.status_code == 422 and "Idempotency-Key" in reused.get_json()["message"]
    assert table_diff(before, snapshot(fresh_reference_db)) == {}


def test_keys_belong_to_their_caller(fresh_app, fresh_reference_db):
    """The same key from an API key and from an end user's token names two different requests."""
    app = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET)
    client = app.test_client()
    before = tickets(app)
    token = bearer(mint(client, user_id=USER["id"]))
    assert send(client, "create ticket", key="shared").status_code == 201
    as_owner = send(client, "create ticket", key="shared", headers=token)
    assert as_owner.status_code == 201 and "Idempotent-Replayed" not in as_owner.headers
    assert tickets(app) == before + 2


@pytest.mark.parametrize("key", ["", "x" * 256, "key with spaces", "clé"])
def test_a_malformed_key_is_refused(fresh_app, fresh_reference_db, key):
    app = fresh_app(fresh_reference_db)
    before = tickets(app)
    method, path, _query, body = WRITES["create ticket"]
    response = app.test_client().open(path, method=method, json=body, headers={**KEY, "Idempotency-Key": key})
    assert response.status_code == 422
    assert tickets(app) == before


def test_concurrent_duplicates_make_one_ticket(fresh_app, fresh_reference_db):
    """Two requests with one key at once: the second waits for the first's COMMIT and answers its outcome."""
    app = fresh_app(fresh_reference_db)
    before = tickets(app)
    barrier, answers = threading.Barrier(2), []

    def create():
        client = app.test_client()
        barrier.wait(timeout=30)
        response = send(client, "create ticket", key="double-click")
        answers.append((response.status_code, response.get_data()))

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 2 and answers[0] == answers[1] and answers[0][0] == 201
    assert tickets(app) == before + 1


def test_a_commit_with_an_unknown_outcome_is_a_503_and_the_retry_tells(fresh_app, fresh_reference_db):
    """The connection dies as COMMIT is sent: 503 with Retry-After; the retry with the key gets the one ticket."""
    app = fresh_app(fresh_reference_db)
    engine = app.extensions["osticket"].engine
    killer = create_engine(fresh_reference_db)
    before = tickets(app)

    def kill_before_commit(conn):
        session = conn.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
        with killer.connect() as other:
            other.execute(text(f"KILL CONNECTION {int(session)}"))

    client = app.test_client()
    event.listen(engine, "commit", kill_before_commit)
    try:
        lost = send(client, "create ticket", key="lost-commit")
    finally:
        event.remove(engine, "commit", kill_before_commit)
        killer.dispose()
    assert lost.status_code == 503 and int(lost.headers["Retry-After"]) > 0
    retried = send(client, "create ticket", key="lost-commit")
    assert retried.status_code == 201
    again = send(client, "create ticket", key="lost-commit")
    assert (again.status_code, again.get_data()) == (201, retried.get_data())
    assert tickets(app) == before + 1


def test_without_the_table_a_keyed_write_is_refused_clearly_and_others_work(fresh_app, fresh_reference_db):
    execute(fresh_reference_db, "DROP TABLE ost_bridge_idempotency")
    app = fresh_app(fresh_reference_db)
    client = app.test_client()
    refused = send(client, "create ticket", key="no-table")
    assert refused.status_code == 503
    assert "ost_bridge_idempotency" in refused.get_json()["message"]
    assert "create-tables" in refused.get_json()["message"]
    assert send(client, "create ticket").status_code == 201


def test_a_table_dropped_while_serving_is_refused_as_clearly(fresh_app, fresh_reference_db):
    """Once a keyed write found the table, the next ones read the key with their first read (folded): dropping the
    table then must still give the 503 naming it, and the process looks for the table again afterwards."""
    app = fresh_app(fresh_reference_db)
    client = app.test_client()
    assert send(client, "create ticket", key="while-there").status_code == 201
    before = tickets(app)
    execute(fresh_reference_db, "DROP TABLE ost_bridge_idempotency")
    for key in ("dropped", "dropped-again"):
        refused = send(client, "create ticket", key=key)
        assert refused.status_code == 503, refused.get_json()
        assert "ost_bridge_idempotency" in refused.get_json()["message"]
    assert tickets(app) == before
    assert send(client, "create ticket").status_code == 201


def test_keys_older_than_a_day_are_purged_by_the_command(fresh_app, fresh_reference_db):
    client = fresh_app(fresh_reference_db).test_client()
    assert send(client, "create ticket", key="fresh").status_code == 201
    assert send(client, "user message", key="old").status_code == 200
    execute(
        fresh_reference_db,
        "UPDATE ost_bridge_idempotency SET created = NOW() - INTERVAL 25 HOUR WHERE idempotency_key = 'old'",
    )
    result = CliRunner().invoke(cli.main, ["purge-idempotency", "--url", fresh_reference_db])
    assert result.exit_code == 0, result.output
    assert "deleted: 1" in result.output
    engine = create_engine(fresh_reference_db)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT idempotency_key FROM ost_bridge_idempotency")).scalars().all()
    engine.dispose()
    assert [bytes(k) for k in left] == [b"fresh"]


def test_every_write_documents_the_header_and_reads_do_not(fixtures_app):
    spec = fixtures_app.test_client().get("/api/openapi.json").get_json()
    documented = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "delete") and path.startswith("/api/") and "auth" not in path:
                names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
                documented[(method.upper(), path)] = "Idempotency-Key" in names
    writes = {(m, p.replace(USER_TICKET, "{number}")) for m, p, _q, _b in WRITES.values()}
    # An agent's actions (tests/test_agent_authority.py replays one with its key).
    writes |= {
        ("POST", f"/api/scp/tickets/{action}.json") for action in ("note", "assign", "transfer", "status", "update")
    }
    assert {op for op, has in documented.items() if has} == writes
