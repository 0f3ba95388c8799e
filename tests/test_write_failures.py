"""A create that fails midway leaves every table as it was (one transaction per operation), and the ticket-number
lock is released."""

import pytest
from create_helpers import BASELINE_KEY, FRANK, PAYMENT_FAILED, post_ticket, post_topic, post_user
from golden import snapshot, table_diff
from sqlalchemy import create_engine, text
from update_helpers import execute
from world import EXTRAS_REQUEST, NEW_USER_REQUEST

from osticket_bridge.osticket.tickets import create as create_ticket

REQUESTS = {"new_user": NEW_USER_REQUEST, "extras": EXTRAS_REQUEST}
LOCK_FREE = "SELECT IS_FREE_LOCK(LEFT(CONCAT(DATABASE(), '.ost_ticket_number'), 64))"


def lock_is_free(db_url):
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(LOCK_FREE)).scalar() == 1
    finally:
        engine.dispose()


def test_a_step_failing_after_the_writes_leaves_no_row(fresh_app, fresh_baseline_db, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the due date cannot be computed")

    monkeypatch.setattr(create_ticket.sla, "due_date", fail)
    client = fresh_app(fresh_baseline_db).test_client()
    before = snapshot(fresh_baseline_db)
    # A new user: user, address, contact answers, ticket, thread, form entry, cdata, event and entry are written
    # before the failing step.
    response = post_ticket(client, dict(NEW_USER_REQUEST))
    assert response.status_code == 500
    assert response.get_json()["code"] == 500
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}
    assert lock_is_free(fresh_baseline_db)


@pytest.mark.parametrize("op", ["new_user", "extras"])
def test_a_failing_insert_midway_leaves_no_row(fresh_app, fresh_baseline_db, op):
    client = fresh_app(fresh_baseline_db).test_client()
    execute(fresh_baseline_db, "RENAME TABLE ost_thread_entry TO ost_thread_entry_gone")
    before = snapshot(fresh_baseline_db)
    assert post_ticket(client, dict(REQUESTS[op])).status_code == 500
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}
    assert lock_is_free(fresh_baseline_db)


def test_a_user_whose_account_cannot_be_written_is_not_created(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    execute(fresh_baseline_db, "RENAME TABLE ost_user_account TO ost_user_account_gone")
    before = snapshot(fresh_baseline_db)
    assert post_user(client, FRANK).status_code == 500
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}


def test_a_topic_whose_form_link_cannot_be_written_is_not_created(fresh_app, fresh_baseline_db):
    client = fresh_app(fresh_baseline_db).test_client()
    execute(fresh_baseline_db, "RENAME TABLE ost_help_topic_form TO ost_help_topic_form_gone")
    before = snapshot(fresh_baseline_db)
    assert post_topic(client, PAYMENT_FAILED).status_code == 500
    # Neither the topic nor the renumbering of the others' sort order remains.
    assert table_diff(before, snapshot(fresh_baseline_db)) == {}


def test_the_next_create_works_after_a_failure(fresh_app, fresh_baseline_db, monkeypatch):
    client = fresh_app(fresh_baseline_db).test_client()
    with monkeypatch.context() as patch:
        patch.setattr(create_ticket.files, "attach", lambda *a: 1 / 0)
        assert post_ticket(client, dict(EXTRAS_REQUEST)).status_code == 500
    response = post_ticket(client, dict(EXTRAS_REQUEST))
    assert response.status_code == 201, response.get_json()
    assert client.get("/api/topics.json", headers=BASELINE_KEY).status_code == 200
