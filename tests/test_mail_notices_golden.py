"""The mails of each golden operation, compared with the ones osTicket 1.18.1 sent for it (golden/mail/<op>/*.eml;
osTicket 1.10.4's in golden-1.10.4/mail for the operations recorded there too):
recipients, subject, sender address, and the text once numbers, links and whitespace are normalised.
"""

import mail_helpers
import pytest
import update_helpers
from create_helpers import golden_request, post_ticket
from golden import RECORDINGS_110_DIR, compare, load_golden
from mail_helpers import TEXT_110, as_dict, golden_mails, same_mail
from update_helpers import (
    DESK_110,
    DESK_118,
    diff_of,
    execute,
    history_before,
    message,
    replay,
    reply,
)

queued = mail_helpers.queued  # fixture
on_desk = update_helpers.on_desk  # fixture
CAROL_AGAIN = "<p>Sorry, the second charge is still on my statement.</p>"


CREATES = ["create_ticket_api", "create_ticket_api_new_user", "create_ticket_api_extras"]


@pytest.mark.parametrize(("on_desk", "op"), [(d, op) for d in ("1.18", "1.10") for op in CREATES], indirect=["on_desk"])
def test_a_new_ticket_alerts_whom_osticket_alerts_with_its_text(fresh_app, on_desk, queued, op):
    desk, db_url = on_desk
    # 1.10.4's golden run has no extras: our recording of the same request to its API (record_110.py).
    extras_110 = desk.release == "1.10" and op == "create_ticket_api_extras"
    client = fresh_app(db_url).test_client()
    if op != "create_ticket_api":  # the golden run created them in this order: the numbers and ids follow
        assert post_ticket(client, golden_request("create_ticket_api", desk), desk.key).status_code == 201
    if op == "create_ticket_api_extras":
        assert post_ticket(client, golden_request("create_ticket_api_new_user", desk), desk.key).status_code == 201
    del queued[:]
    response = post_ticket(client, golden_request(op) if extras_110 else golden_request(op, desk), desk.key)
    assert response.status_code == 201, response.get_json()
    golden = golden_mails(op, RECORDINGS_110_DIR if extras_110 else desk.golden_dir)
    assert [m.kind for m in queued] == ["ticket.alert"]
    part = TEXT_110 if desk.release == "1.10" else "text"
    assert [same_mail(as_dict(m), g, part) for m, g in zip(queued, golden, strict=True)] == [[]]
    headers = dict(queued[0].headers)
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert queued[0].html.startswith("<h2>Hi Admin,</h2>")  # no hidden reply tag: an API ticket has no e-mail id


def test_the_agent_reply_reaches_the_owner_as_osticket_sends_it(fresh_app, on_desk, queued):
    desk, db_url = on_desk
    replay(db_url, *history_before(desk.history_a, "staff_reply_with_status"), desk=desk)
    client = fresh_app(db_url).test_client()
    assert reply(client, desk.ticket_a, desk.agent, key=desk.key, reply_status_id=2).status_code == 200
    golden = golden_mails("staff_reply_with_status", desk.golden_dir)
    part = TEXT_110 if desk.release == "1.10" else "text"
    assert [same_mail(as_dict(m), g, part) for m, g in zip(queued, golden, strict=True)] == [[]]
    mail = queued[0]
    assert mail.subject == f"Re: Golden A: question about my invoice [#{desk.ticket_a}]"
    assert "Auto-Submitted" not in dict(mail.headers)  # a response, not an automatic mail
    assert 'class="mid-' in mail.html and "-- reply above this line --" in mail.html


def test_the_message_that_reopens_alerts_the_last_respondent(fresh_app, fresh_baseline_db, queued):
    desk = DESK_118
    replay(fresh_baseline_db, *history_before(desk.history_a, "user_reply_reopens"), desk=desk)
    client = fresh_app(fresh_baseline_db).test_client()
    assert message(client, desk.ticket_a, desk.owner, CAROL_AGAIN, fmt="html", key=desk.key).status_code == 200
    golden = golden_mails("user_reply_reopens", desk.golden_dir)
    assert [same_mail(as_dict(m), g) for m, g in zip(queued, golden, strict=True)] == [[]]
    assert dict(queued[0].headers)["Auto-Submitted"] == "auto-generated"


def test_a_message_before_any_response_alerts_nobody(fresh_app, on_desk, queued):
    """golden user_reply: no mail (no last respondent, unassigned, manager alerts off)."""
    desk, db_url = on_desk
    replay(db_url, *history_before(desk.history_a, "user_reply"), desk=desk)
    client = fresh_app(db_url).test_client()
    text = "Any update on this? I still see two charges."
    assert message(client, desk.ticket_a, desk.owner, text, key=desk.key).status_code == 200
    assert queued == [] and golden_mails("user_reply", desk.golden_dir) == []
    assert (desk.golden_dir / "user_reply.json").exists()  # the recording says so: no mail, not no recording


@pytest.mark.parametrize("op", ["close_ticket", "reopen_ticket"])
def test_close_and_reopen_by_the_user_mail_nobody(fresh_app, on_desk, queued, op):
    desk, db_url = on_desk
    replay(db_url, *history_before(desk.history_b, op), desk=desk)
    client = fresh_app(db_url).test_client()
    call = client.delete if op == "close_ticket" else client.post
    kwargs = {"query_string": desk.other} if op == "close_ticket" else {"json": desk.other}
    assert call(f"/api/tickets.json/{desk.ticket_b}", headers=desk.key, **kwargs).status_code == 200
    assert queued == [] and golden_mails(op, desk.golden_dir) == []
    assert (desk.golden_dir / f"{op}.json").exists()


def test_on_osticket_110_the_message_that_reopens_alerts_as_it_does(fresh_app, fresh_baseline_110_db, queued):
    """Against the mail the 1.10.4 kit sent when carol's portal reply reopened her ticket (record_110.py)."""
    desk = DESK_110
    replay(fresh_baseline_110_db, *desk.history_a, desk=desk)
    client = fresh_app(fresh_baseline_110_db).test_client()
    assert message(client, desk.ticket_a, desk.owner, CAROL_AGAIN, fmt="html", key=desk.key).status_code == 200
    golden = golden_mails("user_reply_reopens", RECORDINGS_110_DIR)
    assert [same_mail(as_dict(m), g, TEXT_110) for m, g in zip(queued, golden, strict=True)] == [[]]


def _open_ticket_with_dave_copied_110(fresh_app, db_url):
    """Carol's open ticket A on the 1.10.4 baseline, with Dave as an active collaborator (1.10's isactive row)."""
    desk = DESK_110
    replay(db_url, *history_before(desk.history_a, "staff_reply_with_status"), desk.history_b[0], desk=desk)
    execute(
        db_url,
        "INSERT INTO ost_thread_collaborator (isactive, thread_id, user_id, role, created, updated) "
        "VALUES (1, 1, 2, 'M', NOW(), NOW())",
    )
    return fresh_app(db_url).test_client()


def test_on_osticket_110_a_reply_mails_the_owner_and_notices_each_collaborator(
    fresh_app, fresh_baseline_110_db, queued
):
    """Against the 1.10.4 kit's recording (record_110.py staff_reply_collab): alice replies on carol's open ticket
    with Dave Cc'd; osTicket 1.10 writes the same rows as without him and sends two mails, the reply to carol and
    an activity notice to Dave (1.11+: one reply, Dave in Cc)."""
    desk, db_url = DESK_110, fresh_baseline_110_db
    client = _open_ticket_with_dave_copied_110(fresh_app, db_url)
    with diff_of(db_url) as diff:
        response = reply(client, desk.ticket_a, desk.agent, response="<p>Dave is copied on this one.</p>", key=desk.key)
    assert response.status_code == 200, response.get_json()
    assert compare(diff, load_golden("staff_reply_collab", RECORDINGS_110_DIR), numbers=(desk.ticket_a,)) == []
    golden = golden_mails("staff_reply_collab", RECORDINGS_110_DIR)
    assert [(m.kind, m.to, m.cc) for m in queued] == [
        ("ticket.reply", (("Carol Customer", "carol.customer@example.com"),), ()),
        ("ticket.activity.notice", (("Dave Newuser", "dave.newuser@example.com"),), ()),
    ]
    assert [same_mail(as_dict(m), g, TEXT_110) for m, g in zip(queued, golden, strict=True)] == [[], []]


def test_on_osticket_110_a_message_notices_each_collaborator(fresh_app, fresh_baseline_110_db, queued):
    """Against the 1.10.4 kit's recording (record_110.py user_reply_collab): carol's portal message with Dave Cc'd
    sends Dave an activity notice of his own (1.11+: one mail for every participant)."""
    desk, db_url = DESK_110, fresh_baseline_110_db
    client = _open_ticket_with_dave_copied_110(fresh_app, db_url)
    with diff_of(db_url) as diff:
        response = message(client, desk.ticket_a, desk.owner, CAROL_AGAIN, fmt="html", key=desk.key)
    assert response.status_code == 200, response.get_json()
    assert compare(diff, load_golden("user_reply_collab", RECORDINGS_110_DIR), numbers=(desk.ticket_a,)) == []
    golden = golden_mails("user_reply_collab", RECORDINGS_110_DIR)
    assert [(m.kind, m.to, m.cc) for m in queued] == [
        ("ticket.activity.notice", (("Dave Newuser", "dave.newuser@example.com"),), ()),
    ]
    assert [same_mail(as_dict(m), g, TEXT_110) for m, g in zip(queued, golden, strict=True)] == [[]]
