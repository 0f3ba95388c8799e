"""IDOR: a token reaches its own user's tickets only, on every public route, and never changes anyone else's.
Internal notes never reach a public route, with an API key or a token. On the real reference dump."""

import pytest
from golden import snapshot, table_diff
from security_helpers import (
    NOTES,
    OTHER_TICKET,
    OTHER_USER,
    REF_KEY,
    SECRET,
    THIRD_TICKET,
    THIRD_USER,
    USER,
    USER_TICKET,
    bearer,
    guest,
    login,
    mint,
)

OTHERS = ((OTHER_USER, OTHER_TICKET), (THIRD_USER, THIRD_TICKET))  # Dave's is open, Erin's closed


def attacks(number, owner):
    """Every public route aimed at someone else's ticket ``number`` owned by ``owner``: (method, path, kwargs)."""
    widen = ({}, {"user_id": owner["id"]}, {"email": owner["email"]})
    for params in widen:
        yield "GET", f"/api/tickets.json/{number}", {"query_string": params}
        yield "GET", f"/api/tickets/{number}", {"query_string": params}
        yield "PUT", f"/api/tickets.json/{number}", {"json": {**params, "message": "pwned"}}
        yield "DELETE", f"/api/tickets.json/{number}", {"query_string": params}
        yield "POST", f"/api/tickets.json/{number}", {"json": params}
    for params in widen[1:]:
        yield "GET", "/api/tickets.json", {"query_string": params}
        yield "POST", "/api/tickets.json", {"json": {**params, "subject": "pwned", "message": "pwned"}}


@pytest.fixture
def write_app(fresh_app, fresh_reference_db):
    return fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET)


def test_a_users_token_never_sees_nor_changes_another_users_ticket(write_app, fresh_reference_db):
    client = write_app.test_client()
    tokens = {
        "minted": mint(client, user_id=USER["id"]),
        "signed in": login(client, USER["username"], USER["password"]).get_json()["token"],
    }
    before = snapshot(fresh_reference_db)
    for kind, token in tokens.items():
        for owner, number in OTHERS:
            for method, path, kwargs in attacks(number, owner):
                response = client.open(path, method=method, headers=bearer(token), **kwargs)
                where = f"{kind} token: {method} {path} {kwargs}"
                assert response.status_code == 404, where
                assert number not in response.get_data(as_text=True), where
    assert table_diff(before, snapshot(fresh_reference_db)) == {}
    # The same token does reach its own ticket, so the 404s above are not an accident.
    own = client.put(f"/api/tickets.json/{USER_TICKET}", json={"message": "mine"}, headers=bearer(tokens["minted"]))
    assert own.status_code == 200 and own.get_json()["ticket_number"] == USER_TICKET


def test_a_guest_token_never_sees_nor_changes_any_other_ticket(write_app, fresh_reference_db):
    client = write_app.test_client()
    token = guest(client, OTHER_TICKET, OTHER_USER["email"]).get_json()["token"]
    before = snapshot(fresh_reference_db)
    for owner, number in ((USER, USER_TICKET), (THIRD_USER, THIRD_TICKET)):
        for method, path, kwargs in attacks(number, owner):
            response = client.open(path, method=method, headers=bearer(token), **kwargs)
            # A guest token may not create tickets at all (403); everything else is someone else's (404).
            expected = 403 if (method, path) == ("POST", "/api/tickets.json") else 404
            assert response.status_code == expected, f"{method} {path} {kwargs}"
    assert table_diff(before, snapshot(fresh_reference_db)) == {}
    assert client.get(f"/api/tickets.json/{OTHER_TICKET}", headers=bearer(token)).status_code == 200


def _assert_no_internal_notes(response, where):
    assert response.status_code == 200, (where, response.get_json())
    body = response.get_data(as_text=True)
    for note in NOTES:
        assert note not in body, where
    tickets = response.get_json()
    for ticket in tickets if isinstance(tickets, list) else [tickets]:
        assert ticket["threads"], where
        assert {entry["type"] for entry in ticket["threads"]} <= {"M", "R"}, where


def test_internal_notes_never_appear_on_public_reads(fresh_app, reference_db):
    client = fresh_app(reference_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    key = {"X-API-Key": REF_KEY}
    for user, number in ((USER, USER_TICKET), (OTHER_USER, OTHER_TICKET), (THIRD_USER, THIRD_TICKET)):
        callers = {
            "API key": (key, {"user_id": user["id"]}),
            "API key, no user": (key, {}),
            "token": (bearer(mint(client, user_id=user["id"])), {}),
            "guest token": (bearer(guest(client, number, user["email"]).get_json()["token"]), {}),
        }
        for name, (headers, params) in callers.items():
            for path in (f"/api/tickets.json/{number}", f"/api/tickets/{number}"):
                _assert_no_internal_notes(client.get(path, headers=headers, query_string=params), f"{name} {path}")
            if params or name != "API key, no user":
                listing = client.get("/api/tickets.json", headers=headers, query_string=params)
                _assert_no_internal_notes(listing, f"{name} list")
    # The staff view does show them: the check above looks at the right thing.
    staff = client.get("/api/scp/tickets/ticketInfo.json", headers=key, query_string={"ticketNumber": USER_TICKET})
    assert NOTES[0] in staff.get_data(as_text=True)


def test_internal_notes_never_appear_in_what_public_writes_return(write_app):
    client = write_app.test_client()
    key = {"X-API-Key": REF_KEY}
    carol = bearer(mint(client, user_id=USER["id"]))
    steps = [
        ("PUT", USER_TICKET, carol, {"json": {"message": "a question"}}),
        ("DELETE", USER_TICKET, carol, {}),
        ("POST", USER_TICKET, carol, {}),
        ("PUT", OTHER_TICKET, key, {"json": {"user_id": OTHER_USER["id"], "message": "another"}}),
        ("DELETE", OTHER_TICKET, key, {"query_string": {"user_id": OTHER_USER["id"]}}),
        ("POST", OTHER_TICKET, key, {"json": {"email": OTHER_USER["email"]}}),
    ]
    for method, number, headers, kwargs in steps:
        response = client.open(f"/api/tickets.json/{number}", method=method, headers=headers, **kwargs)
        _assert_no_internal_notes(response, f"{method} {number}")
