"""POST /api/tickets.json through the bridge, row by row against what osTicket 1.18.1 wrote.

The golden runs happened in sequence on the fresh install (create_ticket_api, then _new_user, then _extras);
the tests replay that order, so ids, the file id and the users' states are the ones osTicket acted on.
"""

import pytest
import update_helpers
from agent_helpers import CDATA_COLUMNS, DETAILS_FIELDS
from create_helpers import DEMO_KEY, FILE_KEY_PREFIX, PAYMENT_FAILED, golden_request, post_ticket, post_topic, rebased
from golden import RECORDINGS_110_DIR, compare, load_golden, snapshot, table_diff
from helpers import count_statements, rows
from rules_scenarios import LISTS_AND_DATES, LISTS_AND_DATES_COLUMNS
from security_helpers import SECRET, bearer, mint
from update_helpers import diff_of, execute
from world import AGENT_NAME, KEY, OWNER, OWNER_NAME, TICKET_REQUEST, TICKET_SUBJECT, TOPIC_12

# The thread of the ticket numbered :n.
THREAD_OF = (
    "(SELECT th.id FROM ost_thread th JOIN ost_ticket t ON t.ticket_id = th.object_id AND th.object_type = 'T' "
    "WHERE t.number = :n)"
)
GOLDEN_SEQUENCE = ("create_ticket_api", "create_ticket_api_new_user", "create_ticket_api_extras")
STATEMENT_BUDGET, STATEMENT_BUDGET_NEW_USER = 15, 20
on_desk = update_helpers.on_desk  # fixture


def _check_extras(app, diff, golden=None):
    golden = golden or load_golden("create_ticket_api_extras")
    assert compare(diff, golden, accepted={"ost_file.key": FILE_KEY_PREFIX}) == []
    key = diff["ost_file"]["inserted"][0]["key"]
    assert len(key) == 32 and key[5:] == golden["tables"]["ost_file"]["inserted"][0]["key"][5:]
    data = rows(app, "SELECT filedata FROM ost_file_chunk WHERE file_id = :f", f=diff["ost_file"]["inserted"][0]["id"])
    assert data == [{"filedata": b"Smoke everywhere\n"}]


def test_golden_tickets_write_the_rows_osticket_writes(fresh_app, on_desk):
    desk, db_url = on_desk
    app = fresh_app(db_url)
    client = app.test_client()
    for op in GOLDEN_SEQUENCE:
        extras_110 = desk.release == "1.10" and op == "create_ticket_api_extras"
        # 1.10.4's golden run has no extras: our recording of the same request to its API (record_110.py).
        request = golden_request(op) if extras_110 else golden_request(op, desk)
        with diff_of(db_url) as diff:
            response = post_ticket(client, request, desk.key)
        assert response.status_code == 201, response.get_json()
        if extras_110:
            _check_extras(app, diff, load_golden(op, RECORDINGS_110_DIR))
        elif op == "create_ticket_api_extras":
            _check_extras(app, diff)
        else:
            assert compare(diff, desk.golden(op)) == []
        ticket = response.get_json()
        assert ticket["ticket_number"] == diff["ost_ticket"]["inserted"][0]["number"]


def test_created_ticket_is_returned_as_the_client_sees_it(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    ticket = post_ticket(client, golden_request("create_ticket_api")).get_json()
    assert ticket["subject"] == "Golden A: question about my invoice"
    assert (ticket["ticket_status"], ticket["priority"], ticket["department"]) == ("Open", "Normal", "Billing")
    assert (ticket["topicId"], ticket["topic"], ticket["source"]) == (12, TOPIC_12, "API")
    assert ticket["user"]["email"] == OWNER["email"]
    assert [(e["type"], e["poster"], e["body"]) for e in ticket["threads"]] == [
        ("M", OWNER_NAME, "Hello, I was charged twice for invoice 1001. Can you check?")
    ]
    extras = post_ticket(client, golden_request("create_ticket_api_extras")).get_json()
    assert (extras["priority"], extras["threads"][0]["format"]) == ("Emergency", "html")
    assert extras["user"]["phone"] == "555-0199"


PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def _creates(case, desk, db_url, client):
    """The bodies a case posts, in order, with its set-up between them."""
    carol = golden_request("create_ticket_api", desk)
    if case == "existing user":
        yield carol
    elif case == "new user":
        yield golden_request("create_ticket_api_new_user", desk)
    elif case == "attachment, phone, priority, html":
        erin = golden_request("create_ticket_api_extras")  # 1.10.4's golden run has none: 1.18.1's request
        yield erin
        yield {**carol, "email": erin["email"]}  # now an existing user with a phone
    elif case == "inline image":
        yield {**carol, "message": f'data:text/html,<p>See:</p><img src="data:image/png;base64,{PIXEL_PNG}">'}
    elif case == "topic's agent":
        execute(db_url, "UPDATE ost_help_topic SET staff_id = 2 WHERE topic_id = 12")
        yield carol
    elif case == "topic's team":
        execute(db_url, "UPDATE ost_help_topic SET team_id = 1 WHERE topic_id = 12")
        yield carol
    elif case in ("account manager", "account manager team"):
        manager = "s2" if case == "account manager" else "t1"
        org = "INSERT INTO ost_organization (name, manager, status, domain) VALUES ('Acme', :m, 4, 'acme.test')"
        execute(db_url, org, m=manager)
        yield {**carol, "email": "wile@acme.test", "name": "Wile Coyote"}
        yield {**carol, "email": "wile@acme.test"}  # now an existing member
    elif case == "topic newer than the cached names":
        yield carol  # loads the catalog
        topic = post_topic(client, PAYMENT_FAILED, desk.key).get_json()
        yield {**carol, "topicId": topic["id"]}
    else:
        raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "existing user",
        "new user",
        "attachment, phone, priority, html",
        "inline image",
        "topic's agent",
        "topic's team",
        "account manager",
        "account manager team",
        "topic newer than the cached names",
    ],
)
def test_a_create_answers_what_a_get_of_the_new_ticket_answers(fresh_app, on_desk, case):
    """The create builds its answer from what it wrote; it must be the bytes the ticket's GET answers with."""
    desk, db_url = on_desk
    client = fresh_app(db_url).test_client()
    for body in _creates(case, desk, db_url, client):
        created = post_ticket(client, body, desk.key)
        assert created.status_code == 201, created.get_json()
        read = client.get(f"/api/tickets.json/{created.get_json()['ticket_number']}", headers=desk.key)
        assert read.status_code == 200
        assert created.get_data(as_text=True) == read.get_data(as_text=True)


def test_golden_tickets_on_the_fixtures_write_the_rows_osticket_writes(fresh_app, fresh_fixtures_db):
    """On our own install + demo data: Dave and Erin are new there too; Priya (user 1) stands in for Carol."""
    app = fresh_app(fresh_fixtures_db)
    client = app.test_client()
    next_user = rows(app, "SELECT MAX(id) + 1 AS id FROM ost_user")[0]["id"]
    dave = golden_request("create_ticket_api_new_user")
    with diff_of(fresh_fixtures_db) as diff:
        assert post_ticket(client, dave, DEMO_KEY).status_code == 201
    want = rebased(
        "create_ticket_api_new_user",
        ost_ticket__user_id=next_user,
        ost_thread_entry__user_id=next_user,
        ost_user_email__user_id=next_user,
        ost_user__cdata__user_id=next_user,
    )
    assert compare(diff, want) == []

    erin = golden_request("create_ticket_api_extras")
    file_id = rows(app, "SELECT COALESCE(MAX(id), 0) + 1 AS id FROM ost_file")[0]["id"]
    with diff_of(fresh_fixtures_db) as diff:
        assert post_ticket(client, erin, DEMO_KEY).status_code == 201
    user = next_user + 1
    want = rebased(
        "create_ticket_api_extras",
        ost_ticket__user_id=user,
        ost_thread_entry__user_id=user,
        ost_user_email__user_id=user,
        ost_user__cdata__user_id=user,
        ost_attachment__file_id=file_id,
        ost_file_chunk__file_id=file_id,
    )
    assert compare(diff, want, accepted={"ost_file.key": FILE_KEY_PREFIX}) == []

    priya = {**golden_request("create_ticket_api"), "email": "priya.raman@example.net", "name": "Priya Raman"}
    with diff_of(fresh_fixtures_db) as diff:
        assert post_ticket(client, priya, DEMO_KEY).status_code == 201
    want = rebased("create_ticket_api", ost_thread_entry__poster="Priya Raman")
    assert compare(diff, want) == []


def test_create_ticket_stays_within_the_statement_budget(fresh_app, fresh_baseline_db):
    """A whole create request, as the server counts it: API key check, one read, the writes, the number lock, the
    notices it queues and COMMIT, on one connection (the ticket object it answers is built from its writes; the
    e-mail templates and the agents alerted are kept with the catalog). Measured on the stock schema (no number
    index): 15 for an existing user, 20 with a new one (the new user's address, user, contact form entry,
    answers and cache)."""
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    assert post_ticket(client, dict(TICKET_REQUEST)).status_code == 201  # warm-up: caches
    existing = {"email": OWNER["email"], "subject": "Budget", "message": "x", "topicId": 12}
    new_user = {**existing, "email": "budget@example.com", "name": "Bud Get"}
    for body, budget in ((existing, STATEMENT_BUDGET), (new_user, STATEMENT_BUDGET_NEW_USER)):
        with count_statements(app) as statements:
            assert post_ticket(client, body).status_code == 201
        assert len(statements) <= budget, "\n".join(statements)
        assert statements[-1] == "COMMIT" and "ROLLBACK" not in statements


def test_user_id_names_the_owner_and_a_new_address_creates_the_user(fresh_app, fresh_baseline_db):
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    body = {"user_id": 1, "subject": "By id", "message": "Hello"}
    ticket = post_ticket(client, body).get_json()
    assert ticket["user"]["email"] == OWNER["email"]
    new = {"email": "Zoe.Quinn@Example.com", "name": "Quinn, Zoe", "subject": "New", "message": "Hi", "notes": "VIP"}
    ticket = post_ticket(client, new).get_json()
    assert ticket["user"]["fullname"] == "Zoe Quinn"
    user = rows(app, "SELECT u.name, e.address FROM ost_user u JOIN ost_user_email e ON e.user_id = u.id "
                     "WHERE e.address = 'zoe.quinn@example.com'")  # fmt: skip
    assert user == [{"name": "Zoe Quinn", "address": "Zoe.Quinn@Example.com"}]
    again = post_ticket(client, {**new, "email": "zoe.quinn@example.com", "name": "Other"}).get_json()
    assert again["user"]["fullname"] == "Zoe Quinn"  # an existing user's name is never updated


def test_an_end_user_token_creates_tickets_for_its_own_user_only(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()
    token = mint(client, key=KEY["X-API-Key"], email=OWNER["email"])
    response = client.post("/api/tickets.json", headers=bearer(token), json={"subject": "Mine", "message": "Hi"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["user"]["email"] == OWNER["email"]
    other = {"user_id": 2, "subject": "Not mine", "message": "Hi"}
    assert client.post("/api/tickets.json", headers=bearer(token), json=other).status_code == 404


def test_topic_status_and_auto_assignment_are_applied_with_their_events(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_help_topic SET staff_id = 2 WHERE topic_id = 12")
    app = fresh_app(fresh_baseline_db)
    ticket = post_ticket(app.test_client(), dict(TICKET_REQUEST)).get_json()
    row = rows(app, "SELECT staff_id, team_id FROM ost_ticket WHERE number = :n", n=ticket["ticket_number"])
    assert row == [{"staff_id": 2, "team_id": 0}]
    events = rows(
        app,
        "SELECT e.name, v.staff_id, v.data, v.username, v.uid, v.uid_type FROM ost_thread_event v "
        "JOIN ost_event e ON e.id = v.event_id WHERE v.thread_id = " + THREAD_OF + " ORDER BY v.id",
        n=ticket["ticket_number"],
    )
    assert events == [
        {"name": "created", "staff_id": 0, "data": None, "username": "SYSTEM", "uid": 1, "uid_type": "U"},
        {"name": "assigned", "staff_id": 2, "data": '{"staff":2}', "username": "Ticket Filter", "uid": None,
         "uid_type": "S"},
    ]  # fmt: skip


def test_the_configured_sequence_numbers_tickets(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE `key` = 'ticket_sequence_id'")
    execute(fresh_baseline_db, "UPDATE ost_config SET value = 'TX-####' WHERE `key` = 'ticket_number_format'")
    execute(fresh_baseline_db, "UPDATE ost_sequence SET next = 41 WHERE id = 1")
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    numbers = [post_ticket(client, {"user_id": 1, "subject": "Seq", "message": "x"}).get_json() for _ in range(2)]
    assert [n["ticket_number"] for n in numbers] == ["TX-0041", "TX-0042"]
    assert rows(app, "SELECT next FROM ost_sequence WHERE id = 1") == [{"next": 43}]


def test_a_topic_with_custom_numbers_uses_its_own_format(fresh_app, fresh_baseline_db):
    execute(
        fresh_baseline_db, "UPDATE ost_help_topic SET flags = flags | 1, number_format = 'BQ-###' WHERE topic_id = 12"
    )
    client = fresh_app(fresh_baseline_db).test_client()
    number = post_ticket(client, dict(TICKET_REQUEST)).get_json()["ticket_number"]
    assert number.startswith("BQ-") and len(number) == 9 and number[3:].isdigit()


NO_ROWS = [
    ({"subject": None}, 422, "subject"),
    ({"subject": "   "}, 422, "subject"),
    ({"subject": "=HYPERLINK(1)"}, 422, "subject"),
    ({"subject": "x" * 256}, 422, "subject"),
    ({"message": None}, 422, "message"),
    ({"message": "data:text/plain,"}, 422, "message"),
    ({"email": None}, 422, "email"),
    ({"email": "not-an-address"}, 422, "email"),
    ({"email": "new.person@example.com", "name": None}, 422, "name"),
    ({"email": "new.person@example.com", "name": "@bob"}, 422, "name"),
    ({"email": "new.person@example.com", "phone": "12"}, 422, "phone"),
    ({"email": None, "user_id": 99}, 422, "user_id"),
    ({"topicId": 99}, 422, "topicId"),
    ({"priorityId": 9}, 422, "priorityId"),
    ({"ip": "not-an-ip"}, 422, "ip"),
    ({"attachments": [{"a.txt": "data:text/plain;base64,%%%"}]}, 422, "attachments"),
    ({"email": "test@example.com", "name": "Banned"}, 403, None),
    ({"message": "x" * 70_000}, 413, None),
]


@pytest.mark.parametrize(("change", "status", "field"), NO_ROWS)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(fresh_app, fresh_baseline_db, change, status, field):
    client = fresh_app(fresh_baseline_db).test_client()
    body = {**dict(TICKET_REQUEST), **change}
    body = {k: v for k, v in body.items() if v is not None}
    before = snapshot(fresh_baseline_db)
    response = post_ticket(client, body)
    assert response.status_code == status, response.get_json()
    if field:
        assert field in response.get_json()["errors"]["json"]
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}


def test_an_inactive_topic_is_refused(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_help_topic SET flags = 0 WHERE topic_id = 12")
    response = post_ticket(fresh_app(fresh_baseline_db).test_client(), dict(TICKET_REQUEST))
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"topicId": ["this help topic is not active"]}


def test_custom_ticket_fields_are_answered_by_name_and_required_ones_enforced(fresh_app, fresh_baseline_db):
    execute(
        fresh_baseline_db,
        "INSERT INTO ost_form_field (form_id, flags, type, label, name, configuration, sort, created, updated) "
        "VALUES (2, 14081, 'text', 'Order reference', 'order_ref', '{}', 4, NOW(), NOW())",
    )  # flags 0x3701: enabled, visible, editable and required for clients
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    missing = post_ticket(client, dict(TICKET_REQUEST))
    assert missing.status_code == 422
    assert missing.get_json()["errors"]["json"] == {"order_ref": ["Order reference is a required field"]}
    ticket = post_ticket(client, {**dict(TICKET_REQUEST), "order_ref": "<b>ORD-1001</b>"}).get_json()
    answer = rows(
        app,
        "SELECT v.value FROM ost_form_entry_values v JOIN ost_form_field f ON f.id = v.field_id "
        "JOIN ost_form_entry e ON e.id = v.entry_id JOIN ost_ticket t ON t.ticket_id = e.object_id "
        "WHERE f.name = 'order_ref' AND t.number = :n",
        n=ticket["ticket_number"],
    )
    assert answer == [{"value": "ORD-1001"}]
    search = rows(
        app,
        "SELECT content FROM ost__search WHERE object_type = 'T' AND title LIKE :n",
        n=f"{ticket['ticket_number']} %",
    )
    assert search == [{"content": f"{TICKET_SUBJECT}\nORD-1001"}]


def test_the_organizations_account_manager_gets_tickets_of_its_new_members(fresh_app, fresh_baseline_db):
    org = "INSERT INTO ost_organization (name, manager, status, domain) VALUES ('Acme', 's2', 4, 'acme.test')"
    execute(fresh_baseline_db, org)
    app = fresh_app(fresh_baseline_db)
    body = {"email": "wile@acme.test", "name": "Wile Coyote", "subject": "Anvils", "message": "Another one"}
    ticket = post_ticket(app.test_client(), body).get_json()
    assert ticket["assigned_to"] == [{"type": "staff", "id": 2, "name": AGENT_NAME}]
    events = rows(
        app,
        "SELECT username, data FROM ost_thread_event WHERE event_id = 4 AND thread_id = " + THREAD_OF,
        n=ticket["ticket_number"],
    )
    assert events == [{"username": "Ticket Filter", "data": '{"staff":2}'}]


def test_max_open_tickets_is_enforced(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE `key` = 'max_open_tickets'")
    client = fresh_app(fresh_baseline_db).test_client()
    newcomer = {"email": "max.open@example.com", "name": "Max Open", "subject": "First", "message": "One"}
    assert post_ticket(client, newcomer).status_code == 201
    before = snapshot(fresh_baseline_db)
    assert post_ticket(client, newcomer).status_code == 409
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}


def test_a_topics_initial_open_status_is_set_with_an_edited_event(fresh_app, fresh_baseline_db):
    execute(
        fresh_baseline_db,
        "INSERT INTO ost_ticket_status (id, name, state, mode, flags, sort, properties, created, updated) "
        "VALUES (6, 'Waiting', 'open', 1, 0, 6, '{}', NOW(), NOW())",
    )
    execute(fresh_baseline_db, "UPDATE ost_help_topic SET status_id = 6 WHERE topic_id = 12")
    app = fresh_app(fresh_baseline_db)
    ticket = post_ticket(app.test_client(), dict(TICKET_REQUEST)).get_json()
    assert (ticket["statusId"], ticket["ticket_status"]) == (6, "Waiting")
    events = rows(
        app,
        "SELECT event_id, data, username, uid, uid_type FROM ost_thread_event WHERE thread_id = "
        + THREAD_OF
        + " ORDER BY id",
        n=ticket["ticket_number"],
    )
    assert events == [
        {"event_id": 1, "data": None, "username": "SYSTEM", "uid": 1, "uid_type": "U"},
        {"event_id": 9, "data": '{"status":6}', "username": "SYSTEM", "uid": None, "uid_type": "S"},
    ]


def test_checkboxes_and_choices_are_answered_by_key_and_searched_by_label(fresh_app, fresh_baseline_db):
    """The recorded creates (test_rules_golden: details_answered, details_unanswered) take one key of a choice, as
    the stock API does; the bridge also takes a list for a multiple choice, and refuses a key the field lacks."""
    for sql in (*DETAILS_FIELDS, CDATA_COLUMNS, "UPDATE ost_form_field SET flags = flags | 0x400 WHERE id = 40"):
        execute(fresh_baseline_db, sql)  # the checkbox required of users
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    request = {**dict(TICKET_REQUEST), "urgent": True}
    with diff_of(fresh_baseline_db) as diff:
        refused = [
            post_ticket(client, {**request, **change}).status_code
            for change in ({"urgent": False}, {"channel": "fax"}, {"channel": ["phone", "chat"]}, {"products": []})
        ]
    assert (refused, diff) == ([422] * 4, {})
    ticket = post_ticket(client, {**request, "channel": "chat", "products": ["card", "savings"]}).get_json()
    found = rows(
        app,
        "SELECT c.urgent, c.channel, c.products, s.content FROM ost_ticket t "
        "JOIN ost_ticket__cdata c ON c.ticket_id = t.ticket_id "
        "JOIN ost__search s ON s.object_type = 'T' AND s.object_id = t.ticket_id WHERE t.number = :n",
        n=ticket["ticket_number"],
    )
    assert found == [
        {
            "urgent": "1",
            "channel": "chat",
            "products": "card, savings",
            "content": f"{TICKET_SUBJECT}\nYes\nChat\nCard, Savings",
        }
    ]


LIST_OR_DATE_REFUSED = [
    ({"region": "Nowhere"}, "region"),  # no item of the list by id, value or abbreviation
    ({"region": ["21", "22"]}, "region"),  # two items for a field that chooses one
    ({"areas": []}, "areas"),
    ({"visit": "not a date"}, "visit"),
    ({"visit": "2027-02-30 10:00"}, "visit"),
    ({"renewal": "tomorrow"}, "renewal"),
    ({"renewal": 20270415}, "renewal"),
]


@pytest.mark.parametrize(("change", "field"), LIST_OR_DATE_REFUSED)
def test_a_list_item_or_date_the_field_refuses_is_refused_and_writes_nothing(
    fresh_app, fresh_baseline_db, change, field
):
    """The stock API stores a value its list or date field cannot read as nothing (an unknown item) or as sent (a
    date: "not a date", read back as 0); the bridge refuses it (422) naming the field (the goldens of the accepted
    ones: test_rules_golden's details_lists_dates)."""
    for sql in (*LISTS_AND_DATES, LISTS_AND_DATES_COLUMNS):
        execute(fresh_baseline_db, sql)
    client = fresh_app(fresh_baseline_db).test_client()
    before = snapshot(fresh_baseline_db)
    response = post_ticket(client, {**dict(TICKET_REQUEST), **change})
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["errors"]["json"]) == [field]
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}
