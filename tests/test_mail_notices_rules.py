"""Notice rules beyond the golden run: osTicket's Message-ID scheme, reply_to, the API's alert/autorespond,
collaborators, and refused writes that must mail nobody."""

import base64
import hashlib
import hmac
import json
import pathlib
import re
import struct

import mail_helpers
import pytest
from create_helpers import FRANK, golden_request, post_ticket, post_user
from update_helpers import CAROL, HISTORY_A, KEY, TICKET_A, execute, history_before, message, replay, reply
from world import AGENT_EMAIL, AGENT_NAME, OWNER, OWNER_NAME, REAL_BASELINE

from osticket_bridge.osticket.catalog.cache import catalog_cache
from osticket_bridge.osticket.notices.compose import message_id

queued = mail_helpers.queued  # fixture
PEER_SALT = "Un5p3XKCg1Mhp8eGgTngQCnFyEaD0srh"  # SECRET_SALT of the peer kit (shared/osticket/peer/setup.sh)
RECORDED = json.loads((pathlib.Path(__file__).parent / "recordings" / "peer_mail.json").read_text())


def decode(mid, salt):
    """Mailer::decodeMessageId for version B: (user id, entry id, thread id, type), None when the signature fails."""
    code, rand, tag = mid.strip("<>").split("@")[0].split("-")[:3]
    raw = base64.b64decode(tag + "=" * (-len(tag) % 4))
    sysid = base64.b64encode(hashlib.md5(f"mail{salt}".encode()).digest()).decode().replace("+", "=")[:6]  # noqa: S324
    signature = hmac.new(salt.encode(), raw[:13] + rand.encode() + sysid.encode(), hashlib.sha1).digest()[-5:]
    if code != f"B{sysid}" or raw[13:] != signature:
        return None
    return (*struct.unpack("<III", raw[:12]), raw[12:13].decode())


@pytest.mark.parametrize(
    ("scenario", "index", "fields"),
    [
        ("autoresponders_on", 0, (1, 0, 1, "U")),  # auto-response to the owner, about the thread
        ("autoresponders_on", 1, (0, 0, 1, "M")),  # admin alert
        ("message_autoresponder_on", 0, (1, 2, 1, "U")),  # about the message entry
        ("topic_assigns_an_agent", 0, (2, 0, 0, "S")),  # assignment without a note: no thread
    ],
)
def test_message_ids_are_built_as_osticket_builds_them(scenario, index, fields):
    """Same salt, same random part and fields: the bridge's Message-ID is osTicket's, character for character."""
    ref_mid = re.search(r"Ref-Mid: (\S+)", RECORDED[scenario]["mails"][index]["text"]).group(1)
    rand = ref_mid.split("-")[1]
    assert message_id(PEER_SALT, "support@example.com", *fields, rand=rand) == f"<{ref_mid}>"
    assert decode(ref_mid, PEER_SALT) == fields


def test_with_the_salt_the_bridge_signs_its_message_ids_and_portal_links(fresh_app, fresh_baseline_db, queued):
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE `key` = 'ticket_autoresponder'")
    client = fresh_app(fresh_baseline_db, OSTICKET_SECRET_SALT=PEER_SALT).test_client()
    created = post_ticket(client, golden_request("create_ticket_api"))
    assert created.status_code == 201
    thread = created.get_json()["threads"][0]["thread_id"]  # 1 on the real install, 6 on the demo data
    autoresponse, alert = queued
    assert decode(dict(autoresponse.headers)["Message-ID"], PEER_SALT) == (1, 0, thread, "U")
    assert decode(dict(alert.headers)["Message-ID"], PEER_SALT) == (0, 0, thread, "M")
    # the owner's token: user 1 and the ticket's id (its thread's), as base32 of two little-endian ints
    packed = {1: "aeaaaaabaaaaa", 6: "aeaaaaagaaaaa"}[thread]
    assert f"view.php?auth=o1x{packed}" in autoresponse.html
    assert f"Ref-Mid: {dict(alert.headers)['Message-ID'][1:-1]}" in alert.text


def test_without_the_salt_message_ids_are_unique_and_the_subject_keeps_the_number(fresh_app, fresh_baseline_db, queued):
    replay(fresh_baseline_db, *history_before(HISTORY_A, "staff_reply_with_status"))
    client = fresh_app(fresh_baseline_db).test_client()
    assert reply(client, TICKET_A).status_code == 200
    assert reply(client, TICKET_A, response="One more thing.").status_code == 200
    ids = [dict(m.headers)["Message-ID"] for m in queued]
    assert len(set(ids)) == 2 and all(i.endswith("-support@example.com>") for i in ids)
    assert all(m.subject.endswith(f"[#{TICKET_A}]") for m in queued)
    assert "view.php?id=1" in queued[0].html  # no token without the salt: the portal asks to sign in


def _with_collaborator(fresh_app, db_url):
    replay(db_url, *history_before(HISTORY_A, "staff_reply_with_status"))
    app = fresh_app(db_url)
    client = app.test_client()
    frank = post_user(client, FRANK).get_json()["id"]
    execute(
        db_url,
        "INSERT INTO ost_thread_collaborator (flags, thread_id, user_id, role, created) VALUES (1, 1, :u, 'M', NOW())",
        u=frank,
    )
    return client


@pytest.mark.parametrize(
    ("reply_to", "to", "cc"),
    [
        ("all", [(OWNER_NAME, OWNER["email"])], [("Frank Fresh", "frank.fresh@example.com")]),
        ("user", [(OWNER_NAME, OWNER["email"])], []),
        ("none", None, None),
    ],
)
def test_reply_to_chooses_who_gets_the_agent_reply(fresh_app, fresh_baseline_db, queued, reply_to, to, cc):
    client = _with_collaborator(fresh_app, fresh_baseline_db)
    del queued[:]
    assert reply(client, TICKET_A, reply_to=reply_to).status_code == 200
    if to is None:
        assert queued == []
        return
    (mail,) = queued
    assert (list(mail.to), list(mail.cc), mail.kind) == (to, cc, "ticket.reply")


def test_a_users_message_notifies_the_other_participants(fresh_app, fresh_baseline_db, queued):
    """Ticket::notifyCollaborators (message_autoresponder_collabs, on by default): the collaborator gets the
    activity notice; the agent, the last respondent, the alert."""
    client = _with_collaborator(fresh_app, fresh_baseline_db)
    assert reply(client, TICKET_A).status_code == 200
    del queued[:]
    assert message(client, TICKET_A, CAROL, "Thanks!").status_code == 200
    notice = [m for m in queued if m.kind == "ticket.activity.notice"]
    assert [(list(m.to), list(m.cc)) for m in notice] == [([], [("Frank Fresh", "frank.fresh@example.com")])]
    assert OWNER_NAME in notice[0].text and "Thanks!" in notice[0].text
    assert [m.to for m in queued if m.kind == "message.alert"] == [((AGENT_NAME, AGENT_EMAIL),)]


@pytest.mark.parametrize(
    ("flags", "kinds"),
    [
        ({}, ["ticket.autoresp", "ticket.alert"]),
        ({"alert": False}, ["ticket.autoresp"]),
        ({"autorespond": "0"}, ["ticket.alert"]),
        ({"alert": 0, "autorespond": False}, []),
    ],
)
def test_the_apis_alert_and_autorespond_switch_the_mails_off(fresh_app, fresh_baseline_db, queued, flags, kinds):
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE `key` = 'ticket_autoresponder'")
    client = fresh_app(fresh_baseline_db).test_client()
    assert post_ticket(client, {**golden_request("create_ticket_api"), **flags}).status_code == 201
    assert [m.kind for m in queued] == kinds


def test_refused_writes_mail_nobody(fresh_app, fresh_baseline_db, queued):
    replay(fresh_baseline_db, *history_before(HISTORY_A, "staff_reply_with_status"))
    client = fresh_app(fresh_baseline_db).test_client()
    assert reply(client, TICKET_A, staff="nobody").status_code == 403
    assert reply(client, "999999").status_code == 404
    assert message(client, TICKET_A, {"email": "stranger@example.com"}, "Hi").status_code in (403, 404)
    bad = {**golden_request("create_ticket_api"), "topicId": 999}
    assert post_ticket(client, bad).status_code in (404, 422)
    assert client.post("/api/tickets.json", headers=KEY, json={"subject": "x"}).status_code == 422
    assert queued == []


def test_company_name_is_the_company_information_answer(fresh_app, fresh_baseline_db, queued):
    """%{company.name}: the name answer of the one form entry osTicket's Company looks up (object_type 'C')."""
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE `key` = 'ticket_autoresponder'")
    execute(
        fresh_baseline_db,
        "UPDATE ost_form_entry_values v JOIN ost_form_entry e ON e.id = v.entry_id AND e.object_type = 'C' "
        "JOIN ost_form_field f ON f.id = v.field_id AND f.name = 'name' SET v.value = 'Acme Support'",
    )
    execute(
        fresh_baseline_db,
        "UPDATE ost_email_template SET subject = '%{company.name} [#%{ticket.number}]' "
        "WHERE code_name = 'ticket.autoresp'",
    )
    client = fresh_app(fresh_baseline_db).test_client()
    assert post_ticket(client, golden_request("create_ticket_api")).status_code == 201
    (autoresponse,) = [m for m in queued if m.kind == "ticket.autoresp"]
    assert autoresponse.subject.startswith("Acme Support [#")


def test_templates_and_alerted_members_are_kept_as_long_as_the_catalog(fresh_app, fresh_baseline_db, queued):
    """What notices read of admin-edited rows besides the settings (e-mail templates, a department's members for
    alerts) is kept with the catalog: an edit shows once the catalog is read again, at most CACHE_SECONDS later."""
    execute(fresh_baseline_db, "UPDATE ost_config SET value = '1' WHERE `key` = 'ticket_alert_dept_members'")
    app = fresh_app(fresh_baseline_db)
    client = app.test_client()

    def alerts():
        queued.clear()
        assert post_ticket(client, golden_request("create_ticket_api")).status_code == 201
        return sorted((mail.to[0][1], mail.subject) for mail in queued if mail.kind == "ticket.alert")

    billing = [] if REAL_BASELINE else ["eve.okafor@example.com"]  # the demo's agent of Billing itself
    first = alerts()
    assert [address for address, _ in first] == sorted(["admin@example.com", AGENT_EMAIL, *billing])
    execute(fresh_baseline_db, "UPDATE ost_email_template SET subject = 'Edited' WHERE code_name = 'ticket.alert'")
    # the agent (staff 2) loses her extended access to Billing (topic 12's department), where the alerts go
    execute(fresh_baseline_db, "DELETE FROM ost_staff_dept_access WHERE staff_id = 2 AND dept_id = 4")
    assert alerts() == first
    catalog_cache(app.extensions["osticket"]).invalidate()
    assert alerts() == [(address, "Edited") for address in ["admin@example.com", *billing]]
