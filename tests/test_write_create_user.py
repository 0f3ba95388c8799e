"""POST /api/scp/users.json through the bridge, row by row against what osTicket 1.18.1 wrote (golden create_user)."""

import pytest
from create_helpers import DEMO_KEY, FRANK, post_user, rebased
from golden import RECORDINGS_110_DIR, compare, load_golden, snapshot, table_diff
from helpers import rows
from security_helpers import SECRET, login
from update_helpers import DESK_110, diff_of, execute
from world import OWNER

from osticket_bridge.osticket.people.accounts import check_password


def rebased_user(user_id):
    columns = ("ost_user_email__user_id", "ost_user__cdata__user_id", "ost_user_account__user_id")
    return rebased("create_user", **dict.fromkeys(columns, user_id))


def test_new_user_writes_the_rows_osticket_writes(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    with diff_of(fresh_baseline_db) as diff:
        response = post_user(client, FRANK)
    assert response.status_code == 201, response.get_json()
    user_id = diff["ost_user"]["inserted"][0]["id"]
    # The golden run created two users before this one: its user id is 4, ours the next free one.
    want = rebased_user(user_id)
    assert compare(diff, want) == []
    assert response.get_json() == {
        "id": user_id,
        "name": "Frank Fresh",
        "email": "frank.fresh@example.com",
        "phone": "(555) 010-2233 x42",
    }


def test_new_user_on_osticket_110_writes_the_rows_it_writes(fresh_app, fresh_baseline_110_db):
    """Against tests/recordings/1.10.4/create_user.json: no contact cache table, and 1.10's search row (no phone)."""
    client = fresh_app(fresh_baseline_110_db).test_client()
    with diff_of(fresh_baseline_110_db) as diff:
        response = post_user(client, FRANK, DESK_110.key)
    assert response.status_code == 201, response.get_json()
    assert compare(diff, load_golden("create_user", RECORDINGS_110_DIR)) == []
    assert response.get_json()["phone"] == "(555) 010-2233 x42"


def test_new_user_on_the_fixtures_writes_the_rows_osticket_writes(fresh_app, fresh_fixtures_db):
    app = fresh_app(fresh_fixtures_db)
    user_id = rows(app, "SELECT MAX(id) + 1 AS id FROM ost_user")[0]["id"]
    with diff_of(fresh_fixtures_db) as diff:
        assert post_user(app.test_client(), FRANK, DEMO_KEY).status_code == 201
    want = rebased_user(user_id)
    assert compare(diff, want) == []


def test_the_seed_example_returns_the_formatted_phone(fresh_app, fresh_baseline_db):
    body = {
        "phone": "4254441212X123",
        "notes": "Mynotes",
        "name": "john doe",
        "email": "new.user@gmail.com",
        "password": "thepassword",
        "timezone": "America/Los_Angeles",
    }
    response = post_user(fresh_app(fresh_baseline_db).test_client(), body)
    assert response.status_code == 201, response.get_json()
    assert {k: v for k, v in response.get_json().items() if k != "id"} == {
        "name": "john doe",
        "email": "new.user@gmail.com",
        "phone": "(425) 444-1212 x123",
    }


def test_the_portal_accepts_the_new_password(fresh_app, fresh_baseline_db):
    app = fresh_app(fresh_baseline_db, OSTICKET_TOKEN_SECRET=SECRET)
    client = app.test_client()
    assert post_user(client, FRANK).status_code == 201
    account = rows(app, "SELECT passwd, status, username, timezone FROM ost_user_account WHERE username = 'frank'")
    assert account[0]["passwd"].startswith("$2a$08$") and len(account[0]["passwd"]) == 60
    assert (account[0]["status"], account[0]["timezone"]) == (1, "Europe/Berlin")
    assert check_password(FRANK["password"], account[0]["passwd"])[0]
    assert login(client, "frank", FRANK["password"]).status_code == 200
    assert login(client, "frank.fresh@example.com", FRANK["password"]).status_code == 200


def test_a_username_equal_to_the_address_is_not_stored(fresh_app, fresh_baseline_db):
    app = fresh_app(fresh_baseline_db)
    assert post_user(app.test_client(), {**FRANK, "username": "Frank.Fresh@example.com"}).status_code == 201
    account = "SELECT a.username FROM ost_user_account a JOIN ost_user_email e ON e.user_id = a.user_id"
    assert rows(app, f"{account} WHERE e.address = :a", a=FRANK["email"]) == [{"username": None}]


REFUSED = [
    ({"email": OWNER["email"]}, 409, None),
    ({"email": OWNER["email"].upper()}, 409, None),
    ({"email": "no-at-sign"}, 422, "email"),
    ({"password": "12345"}, 422, "password"),
    ({"timezone": "Mars/Olympus"}, 422, "timezone"),
    ({"username": "bad name!"}, 422, "username"),
    ({"name": "=cmd()"}, 422, "name"),
    ({"phone": "555"}, 422, "phone"),
    ({"name": None}, 422, "name"),
]


@pytest.mark.parametrize(("change", "status", "field"), REFUSED)
def test_bad_input_is_refused_and_writes_nothing(fresh_app, fresh_baseline_db, change, status, field):
    client = fresh_app(fresh_baseline_db).test_client()
    body = {k: v for k, v in {**FRANK, **change}.items() if v is not None}
    before = snapshot(fresh_baseline_db)
    response = post_user(client, body)
    assert response.status_code == status, response.get_json()
    if field:
        assert field in response.get_json()["errors"]["json"]
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}


def test_a_taken_username_is_a_conflict(fresh_app, fresh_baseline_db):
    execute(
        fresh_baseline_db, "INSERT INTO ost_user_account (user_id, status, username, passwd) VALUES (1, 1, 'frank', '')"
    )
    client = fresh_app(fresh_baseline_db).test_client()
    before = snapshot(fresh_baseline_db)
    assert post_user(client, FRANK).status_code == 409
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}


def test_an_address_in_an_organization_domain_joins_it(fresh_app, fresh_baseline_db):
    org = "INSERT INTO ost_organization (name, domain) VALUES ('Fresh Inc', 'other.org, Fresh.Example')"
    execute(fresh_baseline_db, org)
    app = fresh_app(fresh_baseline_db)
    assert post_user(app.test_client(), {**FRANK, "email": "frank@fresh.example"}).status_code == 201
    org = rows(app, "SELECT o.name FROM ost_user u JOIN ost_organization o ON o.id = u.org_id")
    assert org == [{"name": "Fresh Inc"}]
