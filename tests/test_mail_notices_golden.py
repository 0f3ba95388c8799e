"""The mails of each golden operation, compared with the ones osTicket 1.18.1 sent for it (golden/mail/<op>/*.eml):
recipients, subject, sender address, and the text once numbers, links and whitespace are normalised.
"""

import mail_helpers
import pytest
from create_helpers import golden_request, post_ticket
from mail_helpers import as_dict, golden_mails, same_mail
from update_helpers import CAROL, HISTORY_A, HISTORY_B, TICKET_A, TICKET_B, history_before, message, replay, reply

queued = mail_helpers.queued  # fixture
CAROL_AGAIN = "<p>Sorry, the second charge is still on my statement.</p>"


@pytest.mark.parametrize("op", ["create_ticket_api", "create_ticket_api_new_user", "create_ticket_api_extras"])
def test_a_new_ticket_alerts_whom_osticket_alerts_with_its_text(fresh_app, fresh_real_baseline_db, queued, op):
    client = fresh_app(fresh_real_baseline_db).test_client()
    if op != "create_ticket_api":  # the golden run created them in this order: the numbers and ids follow
        assert post_ticket(client, golden_request("create_ticket_api")).status_code == 201
    if op == "create_ticket_api_extras":
        assert post_ticket(client, golden_request("create_ticket_api_new_user")).status_code == 201
    del queued[:]
    response = post_ticket(client, golden_request(op))
    assert response.status_code == 201, response.get_json()
    golden = golden_mails(op)
    assert [m.kind for m in queued] == ["ticket.alert"]
    assert [same_mail(as_dict(m), g) for m, g in zip(queued, golden, strict=True)] == [[]]
    headers = dict(queued[0].headers)
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert queued[0].html.startswith("<h2>Hi Admin,</h2>")  # no hidden reply tag: an API ticket has no e-mail id


def test_the_agent_reply_reaches_the_owner_as_osticket_sends_it(fresh_app, fresh_real_baseline_db, queued):
    replay(fresh_real_baseline_db, *history_before(HISTORY_A, "staff_reply_with_status"))
    client = fresh_app(fresh_real_baseline_db).test_client()
    assert reply(client, TICKET_A, reply_status_id=2).status_code == 200
    golden = golden_mails("staff_reply_with_status")
    assert [same_mail(as_dict(m), g) for m, g in zip(queued, golden, strict=True)] == [[]]
    mail = queued[0]
    assert mail.subject == f"Re: Golden A: question about my invoice [#{TICKET_A}]"
    assert "Auto-Submitted" not in dict(mail.headers)  # a response, not an automatic mail
    assert 'class="mid-' in mail.html and "-- reply above this line --" in mail.html


def test_the_message_that_reopens_alerts_the_last_respondent(fresh_app, fresh_real_baseline_db, queued):
    replay(fresh_real_baseline_db, *history_before(HISTORY_A, "user_reply_reopens"))
    client = fresh_app(fresh_real_baseline_db).test_client()
    assert message(client, TICKET_A, CAROL, CAROL_AGAIN, fmt="html").status_code == 200
    golden = golden_mails("user_reply_reopens")
    assert [same_mail(as_dict(m), g) for m, g in zip(queued, golden, strict=True)] == [[]]
    assert dict(queued[0].headers)["Auto-Submitted"] == "auto-generated"


def test_a_message_before_any_response_alerts_nobody(fresh_app, fresh_real_baseline_db, queued):
    """golden user_reply: no mail (no last respondent, unassigned, manager alerts off)."""
    replay(fresh_real_baseline_db, *history_before(HISTORY_A, "user_reply"))
    client = fresh_app(fresh_real_baseline_db).test_client()
    assert message(client, TICKET_A, CAROL, "Any update on this? I still see two charges.").status_code == 200
    assert queued == [] and golden_mails("user_reply") == []


@pytest.mark.parametrize("op", ["close_ticket", "reopen_ticket"])
def test_close_and_reopen_by_the_user_mail_nobody(fresh_app, fresh_real_baseline_db, queued, op):
    replay(fresh_real_baseline_db, *history_before(HISTORY_B, op))
    client = fresh_app(fresh_real_baseline_db).test_client()
    key = {"X-API-Key": "42DD112CC04B6FA90CE905B1F6CA959C"}
    call = client.delete if op == "close_ticket" else client.post
    kwargs = {"query_string": {"user_id": 2}} if op == "close_ticket" else {"json": {"user_id": 2}}
    assert call(f"/api/tickets.json/{TICKET_B}", headers=key, **kwargs).status_code == 200
    assert queued == [] and golden_mails(op) == []
