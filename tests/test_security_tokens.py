"""End-user tokens: the three ways to get one, what they reach, and every way a token is refused."""

import hashlib

import pytest
from helpers import rows
from security_helpers import (
    DEMO_KEY,
    OTHER_TICKET,
    OTHER_USER,
    PRIYA,
    PRIYA_TICKETS,
    REF_KEY,
    SECRET,
    THIRD_TICKET,
    TICKET_COUNT,
    USER,
    USER_TICKET,
    USER_TICKETS,
    bearer,
    guest,
    login,
    mint,
)
from sqlalchemy import create_engine, text

from osticket_bridge import create_app
from osticket_bridge.api.auth.callers import TOKENS_DISABLED, TOKENS_EXTENSION
from osticket_bridge.tokens import TokenSigner


@pytest.fixture(scope="module")
def app(make_app, reference_db):
    return make_app(reference_db, OSTICKET_TOKEN_SECRET=SECRET)


@pytest.fixture
def client(app):
    return app.test_client()


def execute(db_url, sql, **params):
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def numbers(response):
    assert response.status_code == 200, response.get_json()
    return sorted(t["ticket_number"] for t in response.get_json())


# ---------------------------------------------------------------- (a) the website's backend mints a token


def test_backend_mints_a_token_by_email_or_user_id_and_it_reads_that_users_tickets_only(client):
    for params in ({"email": USER["email"]}, {"user_id": USER["id"]}):
        response = client.post("/api/auth/token", json=params, headers={"X-API-Key": REF_KEY})
        assert response.status_code == 200
        body = response.get_json()
        expected = ("Bearer", 900, USER["id"], None)
        assert (body["token_type"], body["expires_in"], body["user_id"], body["ticket_number"]) == expected
        assert numbers(client.get("/api/tickets.json", headers=bearer(body["token"]))) == sorted(USER_TICKETS)


def test_minting_needs_an_api_key_and_an_existing_user(client):
    response = client.post("/api/auth/token", json={"email": USER["email"]})
    assert (response.status_code, response.get_json()["message"]) == (401, "Valid API key required")
    response = client.post("/api/auth/token", json={"email": "nobody@example.com"}, headers={"X-API-Key": REF_KEY})
    assert response.status_code == 404
    response = client.post("/api/auth/token", json={}, headers={"X-API-Key": REF_KEY})
    assert response.status_code == 422


def test_a_token_cannot_mint_tokens(client):
    token = mint(client, email=USER["email"])
    response = client.post("/api/auth/token", json={"user_id": OTHER_USER["id"]}, headers=bearer(token))
    assert (response.status_code, response.get_json()["message"]) == (401, "this route accepts osTicket API keys only")


def test_ttl_is_configurable(fresh_app, reference_db):
    client = fresh_app(reference_db, OSTICKET_TOKEN_SECRET=SECRET, OSTICKET_TOKEN_TTL=60).test_client()
    response = client.post("/api/auth/token", json={"user_id": USER["id"]}, headers={"X-API-Key": REF_KEY})
    assert response.get_json()["expires_in"] == 60


# ---------------------------------------------------------------- (b) client-portal sign-in


def test_portal_user_signs_in_with_username_or_email(client):
    for username in (USER["username"], USER["email"], USER["email"].upper()):
        response = login(client, username, USER["password"])
        assert response.status_code == 200, username
        assert response.get_json()["user_id"] == USER["id"]
        assert numbers(client.get("/api/tickets.json", headers=bearer(response.get_json()["token"]))) == sorted(
            USER_TICKETS
        )


def test_wrong_password_and_unknown_user_answer_alike(client):
    answers = [
        login(client, USER["username"], "wrong password"),
        login(client, USER["email"], USER["password"] + "x"),
        login(client, "nobody", USER["password"]),
        login(client, "nobody@example.com", USER["password"]),
        login(client, OTHER_USER["email"], USER["password"]),  # a user without a portal account
    ]
    assert {(r.status_code, r.get_data(as_text=True)) for r in answers} == {
        (401, '{"code":401,"status":"Unauthorized","message":"invalid username or password"}\n')
    }


@pytest.mark.parametrize("status", [0, 0x1 | 0x2], ids=["unconfirmed", "locked"])
def test_unconfirmed_or_locked_accounts_cannot_sign_in(fresh_app, fresh_reference_db, status):
    execute(fresh_reference_db, "UPDATE ost_user_account SET status = :s WHERE user_id = 1", s=status)
    client = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    assert login(client, USER["username"], USER["password"]).status_code == 401


def test_accounts_of_another_auth_backend_cannot_sign_in_with_the_local_password(fresh_app, fresh_reference_db):
    execute(fresh_reference_db, "UPDATE ost_user_account SET backend = 'ldap' WHERE user_id = 1")
    client = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    assert login(client, USER["username"], USER["password"]).status_code == 401


def test_legacy_md5_password_signs_in_and_is_rehashed_to_bcrypt(fresh_app, fresh_reference_db):
    legacy = hashlib.md5(b"old-secret-1", usedforsecurity=False).hexdigest()
    execute(fresh_reference_db, "UPDATE ost_user_account SET passwd = :p WHERE user_id = 1", p=legacy)
    app = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET)
    assert login(app.test_client(), USER["username"], "old-secret-1").status_code == 200
    stored = rows(app, "SELECT passwd FROM ost_user_account WHERE user_id = 1")[0]["passwd"]
    assert stored.startswith("$2a$08$") and len(stored) == 60
    assert login(app.test_client(), USER["username"], "old-secret-1").status_code == 200


def test_phpass_portable_and_2y_bcrypt_hashes_sign_in(fresh_app, fresh_reference_db):
    # phpass's own test vector for "test12345"; the user's own $2a$ hash with PHP's $2y$ prefix.
    app = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET)
    bcrypt_hash = rows(app, "SELECT passwd FROM ost_user_account WHERE user_id = :u", u=USER["id"])[0]["passwd"]
    execute(fresh_reference_db, "UPDATE ost_user_account SET passwd = '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0'")
    assert login(app.test_client(), USER["username"], "test12345").status_code == 200
    assert login(app.test_client(), USER["username"], "test12346").status_code == 401
    assert bcrypt_hash.startswith("$2a$")
    execute(fresh_reference_db, "UPDATE ost_user_account SET passwd = :p", p="$2y$" + bcrypt_hash[4:])
    assert login(app.test_client(), USER["username"], USER["password"]).status_code == 200


def test_limiter_stops_sign_in_after_repeated_failures(fresh_app, reference_db):
    client = fresh_app(reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    success = login(client, USER["username"], USER["password"])
    assert success.headers["RateLimit-Limit"] == "10" and success.headers["RateLimit-Remaining"] == "10"
    for attempt in range(10):
        response = login(client, USER["username"], f"guess {attempt}")
        assert response.status_code == 401
        assert response.headers["RateLimit-Remaining"] == str(9 - attempt)
    blocked = login(client, USER["username"], USER["password"])
    assert blocked.status_code == 429
    assert blocked.get_json()["code"] == 429 and "try again later" in blocked.get_json()["message"]
    assert int(blocked.headers["Retry-After"]) > 0 and blocked.headers["RateLimit-Remaining"] == "0"
    # Another address is not affected.
    other = client.post(
        "/api/auth/login",
        json={"username": USER["username"], "password": USER["password"]},
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )
    assert other.status_code == 200


# ---------------------------------------------------------------- creating tickets with a token


def new_ticket(client, headers, **params):
    ticket = {"subject": "Printer", "message": "It jams.", **params}
    return client.post("/api/tickets.json", json=ticket, headers=headers)


def test_a_token_creates_tickets_for_its_own_user(fresh_app, fresh_reference_db):
    client = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    token = login(client, USER["username"], USER["password"]).get_json()["token"]
    for params in ({}, {"user_id": USER["id"]}, {"email": USER["email"]}):
        response = new_ticket(client, bearer(token), **params)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["user"]["email"] == USER["email"]


def test_a_token_may_create_tickets_only_when_its_api_key_may_and_a_guest_never(fresh_app, fresh_reference_db):
    execute(fresh_reference_db, "UPDATE ost_api_key SET can_create_tickets = 0")
    app = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET)
    client = app.test_client()
    response = new_ticket(client, {"X-API-Key": REF_KEY}, user_id=USER["id"])
    assert (response.status_code, response.get_json()["message"]) == (401, "API key not authorized")
    for token in (mint(client, user_id=USER["id"]), guest(client, USER_TICKET, USER["email"]).get_json()["token"]):
        response = new_ticket(client, bearer(token))
        assert (response.status_code, response.get_json()["message"]) == (403, "this token cannot create tickets")
    assert rows(app, "SELECT COUNT(*) AS n FROM ost_ticket")[0]["n"] == TICKET_COUNT


def test_browser_ticket_creation_is_rate_limited_and_api_keys_are_not(fresh_app, fresh_fixtures_db):
    client = fresh_app(fresh_fixtures_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    token = bearer(login(client, PRIYA["username"], PRIYA["password"]).get_json()["token"])
    for created in range(10):
        response = new_ticket(client, token)
        assert response.status_code == 201
        assert response.headers["RateLimit-Remaining"] == str(9 - created)
    blocked = new_ticket(client, token)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    for _ in range(12):
        response = new_ticket(client, {"X-API-Key": DEMO_KEY}, user_id=PRIYA["id"])
        assert response.status_code == 201 and "RateLimit-Limit" not in response.headers


# ---------------------------------------------------------------- (c) guest access to one ticket


def test_guest_with_ticket_number_and_owner_email_gets_a_token_for_that_ticket(client):
    response = guest(client, OTHER_TICKET, OTHER_USER["email"].upper())
    assert response.status_code == 200
    body = response.get_json()
    assert (body["user_id"], body["ticket_number"]) == (OTHER_USER["id"], OTHER_TICKET)
    headers = bearer(body["token"])
    assert client.get(f"/api/tickets.json/{OTHER_TICKET}", headers=headers).status_code == 200
    assert numbers(client.get("/api/tickets.json", headers=headers)) == [OTHER_TICKET]
    assert client.get(f"/api/tickets.json/{USER_TICKET}", headers=headers).status_code == 404


def test_guest_token_reaches_no_other_ticket_of_the_same_user(fresh_app, fixtures_db):
    client = fresh_app(fixtures_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    first, second = PRIYA_TICKETS
    headers = bearer(guest(client, first, PRIYA["email"]).get_json()["token"])
    assert client.get(f"/api/tickets.json/{first}", headers=headers).status_code == 200
    assert client.get(f"/api/tickets.json/{second}", headers=headers).status_code == 404
    assert client.get(f"/api/tickets/{second}", headers=headers).status_code == 404
    assert numbers(client.get("/api/tickets.json", headers=headers)) == [first]
    # A signed-in Priya sees both.
    token = login(client, PRIYA["username"], PRIYA["password"]).get_json()["token"]
    assert numbers(client.get("/api/tickets.json", headers=bearer(token))) == sorted(PRIYA_TICKETS)


def test_a_collaborator_gets_guest_access_as_in_osticket(fresh_app, fresh_reference_db):
    execute(
        fresh_reference_db,
        "INSERT INTO ost_thread_collaborator (flags, thread_id, user_id, role, created, updated) "
        "SELECT 3, id, 1, 'M', NOW(), NOW() FROM ost_thread WHERE object_type = 'T' AND object_id = 2",
    )
    client = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    response = guest(client, OTHER_TICKET, USER["email"])
    assert response.status_code == 200 and response.get_json()["user_id"] == USER["id"]
    headers = bearer(response.get_json()["token"])
    assert client.get(f"/api/tickets.json/{OTHER_TICKET}", headers=headers).status_code == 200
    assert client.get(f"/api/tickets.json/{USER_TICKET}", headers=headers).status_code == 404


def test_guest_with_a_wrong_email_or_number_is_refused_alike(client):
    answers = [
        guest(client, OTHER_TICKET, USER["email"]),  # not the owner, not a collaborator
        guest(client, OTHER_TICKET, "nobody@example.com"),
        guest(client, "000000", OTHER_USER["email"]),
        guest(client, THIRD_TICKET, OTHER_USER["email"]),
    ]
    assert {(r.status_code, r.get_json()["message"]) for r in answers} == {(401, "invalid email or ticket number")}


def test_limiter_stops_guest_lookups_after_repeated_failures(fresh_app, reference_db):
    client = fresh_app(reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    for _ in range(10):
        assert guest(client, OTHER_TICKET, USER["email"]).status_code == 401
    blocked = guest(client, OTHER_TICKET, OTHER_USER["email"])
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


# ---------------------------------------------------------------- refused tokens


def test_expired_tampered_foreign_and_malformed_tokens_are_401(app, client):
    signer = app.extensions[TOKENS_EXTENSION]
    good, _ = signer.issue(USER["id"])
    expired, _ = signer.issue(USER["id"], ttl=-1)
    foreign, _ = TokenSigner("another-secret-" + "y" * 32, 900).issue(USER["id"])
    payload, signature = good.split(".")
    forged_payload, _ = TokenSigner(SECRET + "!", 900).issue(OTHER_USER["id"])
    tampered = [
        forged_payload.split(".")[0] + "." + signature,  # another user's claims under Carol's signature
        payload + "." + signature[:-2] + ("AA" if not signature.endswith("AA") else "BB"),
        payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature,
    ]
    assert client.get("/api/tickets.json", headers=bearer(good)).status_code == 200
    cases = {"expired": expired, "foreign": foreign, "garbage": "not-a-token", "empty": ""}
    cases.update({f"tampered {i}": t for i, t in enumerate(tampered)})
    for name, token in cases.items():
        response = client.get("/api/tickets.json", headers=bearer(token))
        assert response.status_code == 401, name
        assert response.get_json()["message"] in ("invalid token", "the token has expired"), name
    assert client.get("/api/tickets.json", headers=bearer(expired)).get_json()["message"] == "the token has expired"


def test_token_of_a_deleted_user_is_401(fresh_app, fresh_reference_db):
    client = fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    token = mint(client, user_id=OTHER_USER["id"])
    assert client.get("/api/topics.json", headers=bearer(token)).status_code == 200
    execute(fresh_reference_db, "DELETE FROM ost_user WHERE id = :id", id=OTHER_USER["id"])
    for path in ("/api/topics.json", "/api/tickets.json", f"/api/tickets.json/{OTHER_TICKET}"):
        response = client.get(path, headers=bearer(token))
        assert (response.status_code, response.get_json()["message"]) == (401, "the token's user no longer exists")


def test_scp_routes_refuse_tokens(app, client):
    token = mint(client, user_id=USER["id"])
    scp = sorted({(rule.rule, m) for rule in app.url_map.iter_rules() for m in rule.methods} - {None})
    scp = [(path, method) for path, method in scp if path.startswith("/api/scp/") and method not in ("HEAD", "OPTIONS")]
    assert scp
    for path, method in scp:
        response = client.open(path, method=method, headers=bearer(token), query_string={"ticketNumber": USER_TICKET})
        assert response.status_code == 401, (method, path)
        assert response.get_json()["message"] == "this route accepts osTicket API keys only"


def test_without_a_secret_tokens_are_disabled_with_a_clear_error(fresh_app, reference_db):
    client = fresh_app(reference_db, OSTICKET_TOKEN_SECRET="").test_client()
    response = login(client, USER["username"], USER["password"])
    assert (response.status_code, response.get_json()["message"]) == (503, TOKENS_DISABLED)
    response = client.get("/api/tickets.json", headers=bearer("anything"))
    assert (response.status_code, response.get_json()["message"]) == (401, TOKENS_DISABLED)
    assert client.get("/api/topics.json", headers={"X-API-Key": REF_KEY}).status_code == 200


def test_a_short_secret_stops_the_server_from_starting(reference_db):
    with pytest.raises(RuntimeError, match="OSTICKET_TOKEN_SECRET must be at least 32 characters"):
        create_app({"OSTICKET_DB_URL": reference_db, "OSTICKET_TOKEN_SECRET": "too-short"})
