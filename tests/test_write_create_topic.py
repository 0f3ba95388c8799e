"""POST /api/topics.json through the bridge, row by row against what osTicket 1.18.1 wrote (golden create_topic)."""

import pytest
from create_helpers import BASELINE_KEY, DEMO_KEY, PAYMENT_FAILED, post_topic
from golden import RECORDINGS_110_DIR, compare, load_golden, snapshot, table_diff
from helpers import rows
from update_helpers import DESK_110, diff_of, execute
from world import TOPIC_12, TOPIC_13


def test_new_topic_writes_the_rows_osticket_writes(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    with diff_of(fresh_baseline_db) as diff:
        response = post_topic(client, PAYMENT_FAILED)
    assert response.status_code == 201, response.get_json()
    # Includes osTicket's quirk: the alphabetical renumbering misses the new topic, which keeps parent.sort + 1.
    assert compare(diff, load_golden("create_topic")) == []
    topic = response.get_json()
    assert (topic["value"], topic["sort"], topic["active"], topic["public"]) == (
        f"{TOPIC_12} / Payment Failed", 2, True, True
    )  # fmt: skip


def test_new_topic_on_osticket_110_writes_the_rows_it_writes(fresh_app, fresh_baseline_110_db):
    """Against tests/recordings/1.10.4/create_topic.json: isactive, and the renumbering includes the new topic."""
    client = fresh_app(fresh_baseline_110_db).test_client()
    with diff_of(fresh_baseline_110_db) as diff:
        response = post_topic(client, PAYMENT_FAILED, DESK_110.key)
    assert response.status_code == 201, response.get_json()
    assert compare(diff, load_golden("create_topic", RECORDINGS_110_DIR)) == []
    topic = response.get_json()
    assert (topic["value"], topic["sort"], topic["active"]) == ("Billing Questions / Payment Failed", 2, True)
    archived = post_topic(client, {"topic": "Archived one", "archived": True}, DESK_110.key)
    assert archived.status_code == 422 and "cannot archive" in archived.get_json()["message"]


def test_new_topic_on_the_fixtures_writes_the_rows_osticket_writes(fresh_app, fresh_fixtures_db):
    client = fresh_app(fresh_fixtures_db).test_client()
    with diff_of(fresh_fixtures_db) as diff:
        assert post_topic(client, PAYMENT_FAILED, DEMO_KEY).status_code == 201
    assert compare(diff, load_golden("create_topic")) == []


def test_the_admin_form_names_are_accepted_and_the_topic_is_offered(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    body = {"name": "Shipping Questions", "ispublic": 1, "assign": "t1", "dept_id": 1}
    created = post_topic(client, body).get_json()
    assert (created["team_id"], created["staff_id"], created["dept_id"]) == (1, 0, 1)
    offered = client.get("/api/topics.json", headers=BASELINE_KEY).get_json()
    assert {"id": created["id"], "value": "Shipping Questions"} in offered


def test_manual_sort_mode_leaves_the_other_topics_alone(fresh_app, fresh_baseline_db):
    execute(
        fresh_baseline_db,
        "INSERT INTO ost_config (namespace, `key`, value) VALUES ('core', 'help_topic_sort_mode', 'm')",
    )
    app = fresh_app(fresh_baseline_db)
    with diff_of(fresh_baseline_db) as diff:
        assert post_topic(app.test_client(), PAYMENT_FAILED).status_code == 201
    assert diff["ost_help_topic"]["updated"] == []
    assert diff["ost_help_topic"]["inserted"][0]["sort"] == 2


def test_inactive_and_archived_topics_are_flagged(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    assert post_topic(client, {"topic": "Disabled one", "active": False}).get_json()["active"] is False
    archived = post_topic(client, {"topic": "Archived one", "archived": True}).get_json()
    assert (archived["active"], archived["archived"]) == (False, True)


REFUSED = [
    ({"topic": "Tiny"}, 422, "topic"),
    ({"topic": "=SUM(A1)"}, 422, "topic"),
    ({"topic": TOPIC_13, "topic_pid": 12}, 409, None),
    ({"topic": TOPIC_13.lower(), "topic_pid": 12}, 409, None),
    ({"topic_pid": 99}, 422, "topic_pid"),
    ({"dept_id": 99}, 422, "dept_id"),
    ({"priority_id": 9}, 422, "priority_id"),
    ({"sla_id": 9}, 422, "sla_id"),
    ({"status_id": 3}, 422, "status_id"),
    ({"staff_id": 99}, 422, "staff_id"),
    ({"team_id": 1}, 422, "staff_id"),
    ({"custom_numbers": True, "number_format": "TX-"}, 422, "number_format"),
]


@pytest.mark.parametrize(("change", "status", "field"), REFUSED)
def test_bad_input_is_refused_and_writes_nothing(fresh_app, fresh_baseline_db, change, status, field):
    client = fresh_app(fresh_baseline_db).test_client()
    before = snapshot(fresh_baseline_db)
    response = post_topic(client, {**PAYMENT_FAILED, **change})
    assert response.status_code == status, response.get_json()
    if field:
        assert field in response.get_json()["errors"]["json"]
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}


def test_an_inactive_department_is_refused(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "UPDATE ost_department SET flags = 0 WHERE id = 4")
    response = post_topic(fresh_app(fresh_baseline_db).test_client(), PAYMENT_FAILED)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"dept_id": ["the department must be active"]}


def test_a_topic_with_custom_numbers_keeps_its_format(fresh_app, fresh_baseline_db):
    app = fresh_app(fresh_baseline_db)
    body = {"topic": "Numbered topic", "custom_numbers": True, "number_format": "NT-####", "sequence_id": 1}
    created = post_topic(app.test_client(), body).get_json()
    row = rows(app, "SELECT flags, number_format, sequence_id FROM ost_help_topic WHERE topic_id = :i", i=created["id"])
    assert row == [{"flags": 3, "number_format": "NT-####", "sequence_id": 1}]
