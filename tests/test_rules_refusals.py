"""Refusals and the system log on the bridge's own databases: which filters run for an end user's token (Web) and
an API key (API), a ban on a new address, and ost_syslog following core.log_level."""

import mail_helpers
import pytest
from create_helpers import post_ticket
from helpers import count_statements, rows
from rules_scenarios import AUDIT_MAIL, add_filter
from security_helpers import SECRET, bearer, mint
from update_helpers import execute
from world import KEY, OWNER

queued = mail_helpers.queued  # fixture


def syslog(app):
    return rows(app, "SELECT log_type, title, log FROM ost_syslog ORDER BY log_id")


def test_web_filters_run_for_an_end_users_token_and_api_filters_for_a_key(fresh_app, fresh_baseline_db):
    add_filter(fresh_baseline_db, 80, "email", "equal", OWNER["email"], "reject", "[]", target="Web")
    app = fresh_app(fresh_baseline_db, OSTICKET_TOKEN_SECRET=SECRET)
    client = app.test_client()
    body = {"subject": "Portal", "message": "Hi"}
    assert post_ticket(client, {**body, "email": OWNER["email"]}).status_code == 201  # an API key: not a Web create
    token = mint(client, key=KEY["X-API-Key"], email=OWNER["email"])
    refused = client.post("/api/tickets.json", headers=bearer(token), json=body)
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["message"] == "ticket denied: this help desk is for use by authorized users only"
    assert syslog(app)[-1]["log"] == f'Ticket rejected ({OWNER["email"]}) by filter "rule 80"'


def test_a_banned_new_address_is_refused_and_logged(fresh_app, fresh_baseline_db):
    execute(fresh_baseline_db, "INSERT INTO ost_filter_rule (filter_id, what, how, val, isactive, notes, created, "
            "updated) VALUES (1, 'email', 'equal', 'Spam@Example.org', 1, '', NOW(), NOW())")  # fmt: skip
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    body = {"email": "spam@example.org", "name": "Spam", "subject": "Hi", "message": "Hi"}
    assert post_ticket(client, body).status_code == 403
    assert rows(app, "SELECT COUNT(*) AS n FROM ost_user_email WHERE address = 'spam@example.org'") == [{"n": 0}]
    assert syslog(app)[-1] == {
        "log_type": "Warning", "title": "Ticket denied",
        "log": 'Ticket rejected (spam@example.org) by filter "SYSTEM BAN LIST"',
    }  # fmt: skip


def test_the_system_log_keeps_warnings_only_at_log_level_warning_or_debug(fresh_app, fresh_baseline_db):
    add_filter(fresh_baseline_db, 81, "email", "contains", "@blocked.example", "reject", "[]")
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    before = len(syslog(app))
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE namespace = 'core' AND `key` = 'log_level'")
    app.extensions["osticket"].caches.clear()  # the setting as the catalog reads it after its 30 s
    body = {"email": "x@blocked.example", "name": "X", "subject": "Hi", "message": "Hi"}
    assert post_ticket(client, body).status_code == 403
    assert len(syslog(app)) == before  # Error only: no warning
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '3' WHERE namespace = 'core' AND `key` = 'log_level'")
    app.extensions["osticket"].caches.clear()
    assert post_ticket(client, body).status_code == 403
    assert len(syslog(app)) == before + 1


def test_filters_cost_no_read_while_the_catalog_keeps_them(fresh_app, fresh_baseline_db):
    """Filters, rules and actions are read with the catalog (30 s): a filter that sets the priority adds only its
    "Ticket Filter" event; one that routes to another department adds its event and the one read of the rows it
    names (the department's own settings are then kept, as for any department)."""
    add_filter(fresh_baseline_db, 90, "field.20", "contains", "budget", "pri", '{"priority":4}')
    add_filter(fresh_baseline_db, 91, "field.20", "contains", "route", "dept", '{"dept_id":2}')
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()
    body = {"email": OWNER["email"], "message": "x", "topicId": 12}
    counts = {}
    for subject in ("Plain", "Budget", "Route") * 2:  # the second round: every path's caches are warm
        with count_statements(app) as statements:
            answer = post_ticket(client, {**body, "subject": subject}).get_json()
        counts[subject] = len(statements)
    assert answer["department"] == "Sales"
    assert (counts["Budget"] - counts["Plain"], counts["Route"] - counts["Plain"]) == (1, 2), counts


@pytest.mark.parametrize("release", ["1.18", "1.10"])
def test_a_filters_mail_before_a_later_filters_reject_leaves_on_110_only(fresh_app, request, queued, release):
    """osTicket 1.10 sends a filter's e-mail as the filter runs: a reject further down the filters refuses the
    ticket, the mail has left. 1.18 sends it once the ticket exists: never for a refused one."""
    db = request.getfixturevalue("fresh_baseline_110_db" if release == "1.10" else "fresh_baseline_db")
    add_filter(db, 82, "email", "contains", "@audit.example", AUDIT_MAIL[0], AUDIT_MAIL[1])
    add_filter(db, 83, "email", "contains", "@audit.example", "reject", "[]")
    execute(db, "UPDATE ost_filter SET execorder = 2 WHERE id = 83")
    body = {"email": "x@audit.example", "name": "X", "subject": "Audit me", "message": "Hi"}
    assert post_ticket(fresh_app(db).test_client(), body).status_code == 403
    sent = [(m.to, m.subject) for m in queued]
    assert sent == ([((("", "audit@example.com"),), "Filtered: Audit me")] if release == "1.10" else [])
