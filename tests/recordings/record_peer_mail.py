"""Record what a real osTicket 1.18.1 mails under other settings than the baseline's (not a test).

Run against the peer kit (../shared/osticket/peer/setup.sh DIR PORT DB):
    python tests/recordings/record_peer_mail.py DIR PORT DB > tests/recordings/peer_mail.json
    python tests/recordings/record_peer_mail.py DIR PORT DB --own > tests/recordings/1.18.1/peer_mail.json
Each scenario starts from the baseline (DIR/reset.sh; with --own, our own install + demo data as record_118.py
builds it, where Priya stands in for carol), applies its SQL, creates a ticket through the stock API
and, when it has one, posts the owner's portal message (Ticket::postMessage(..., 'Web')), then keeps the mails
of the last step: recipients, subject, sender and text. tests/test_mail_notices_settings.py replays them.
"""

import email
import json
import subprocess
import sys
import urllib.request
from email import policy
from pathlib import Path

import record_118

KEY = "42DD112CC04B6FA90CE905B1F6CA959C"
CAROL = {"name": "Carol Customer", "email": "carol.customer@example.com"}
PRIYA = {"name": "Priya Raman", "email": "priya.raman@example.net"}  # schema_fixtures/demo.sql, user 1
ON = "UPDATE ost_config SET value = '1' WHERE namespace = 'core' AND `key` IN ({})"

SCENARIOS = {
    "autoresponders_on": {
        "sql": [ON.format("'ticket_autoresponder', 'message_autoresponder'")],
        "ticket": {**CAROL, "subject": "Invoice copy", "message": "Please send a copy.", "topicId": 12},
    },
    "autoresponders_on_topic_without_autoresponse": {
        "sql": [ON.format("'ticket_autoresponder'"), "UPDATE ost_help_topic SET noautoresp = 1 WHERE topic_id = 12"],
        "ticket": {**CAROL, "subject": "Invoice copy", "message": "Please send a copy.", "topicId": 12},
    },
    "autoresponders_on_api_says_no": {
        "sql": [ON.format("'ticket_autoresponder'")],
        "ticket": {
            **CAROL,
            "subject": "Invoice copy",
            "message": "Please send a copy.",
            "topicId": 12,
            "autorespond": False,
        },
    },  # fmt: skip
    "message_autoresponder_on": {
        "sql": [ON.format("'message_autoresponder'")],
        "ticket": {**CAROL, "subject": "Invoice copy", "message": "Please send a copy.", "topicId": 12},
        "message": "Here is the invoice number: 1001.",
    },
    "dept_members_and_manager": {
        "sql": [ON.format("'ticket_alert_dept_members'"), "UPDATE ost_department SET manager_id = 2 WHERE id = 1"],
        "ticket": {**CAROL, "subject": "Printer", "message": "It is on fire.", "topicId": 1},
    },
    "topic_assigns_an_agent": {
        "sql": [ON.format("'ticket_alert_dept_members'"), "UPDATE ost_help_topic SET staff_id = 2 WHERE topic_id = 1"],
        "ticket": {**CAROL, "subject": "Printer", "message": "It is on fire.", "topicId": 1},
    },
    "dept_with_its_own_template_group": {
        "sql": [
            "INSERT INTO ost_email_template_group (tpl_id, isactive, name, lang, notes, created, updated) "
            "VALUES (2, 1, 'Billing templates', 'en_US', '', NOW(), NOW())",
            "INSERT INTO ost_email_template (tpl_id, code_name, subject, body, created, updated) VALUES (2, "
            "'ticket.alert', 'Billing alert [#%{ticket.number}]', '<p>Hello %{recipient.name}, %{ticket.name} "
            'wrote to %{ticket.dept.name}:</p> %{message} <p><a href="%{ticket.staff_link}">Open</a></p>\', '
            "NOW(), NOW())",
            "UPDATE ost_department SET tpl_id = 2 WHERE id = 4",
        ],
        "ticket": {**CAROL, "subject": "Invoice copy", "message": "Please send a copy.", "topicId": 12},
    },
}

POST_MESSAGE = """<?php
require getenv('OST_ROOT') . '/../bin/bootstrap.php';
$t = Ticket::lookupByNumber($argv[1]);
$u = $t->getOwner();
$t->postMessage(array('userId' => $u->getId(), 'poster' => (string) $u->getName(), 'message' => $argv[2]), 'Web');
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def mails(directory):
    found = []
    for path in sorted(directory.glob("*.eml")):
        m = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        found.append(
            {
                "to": [[a.display_name, a.addr_spec] for a in m["To"].addresses],
                "cc": [[a.display_name, a.addr_spec] for a in m["Cc"].addresses] if m["Cc"] else [],
                "subject": str(m["Subject"]),
                "sender": m["From"].addresses[0].addr_spec,
                "auto_submitted": str(m["Auto-Submitted"] or ""),
                "text": m.get_body(("plain",)).get_content(),
            }
        )
        path.unlink()
    return found


def main(directory, port, database, dump=None):
    directory = Path(directory)
    recorded = {}
    key, owner = (record_118.KEY["X-API-Key"], PRIYA) if dump else (KEY, CAROL)
    for name, scenario in SCENARIOS.items():
        scenario = {**scenario, "ticket": {**scenario["ticket"], **owner}}
        run(["bash", str(directory / "reset.sh"), *([dump] if dump else [])])
        if dump:  # osTicket's links name the fixtures' own address
            url = record_118.HELPDESK_URL
            run(["mysql", "-h127.0.0.1", "-uroot", database, "-e",
                 f"UPDATE ost_config SET value = '{url}' WHERE `key` = 'helpdesk_url'"])  # fmt: skip
        for statement in scenario["sql"]:
            run(["mysql", "-h127.0.0.1", "-uroot", database, "-e", statement])
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/tickets.json",
            data=json.dumps(scenario["ticket"]).encode(),
            headers={"X-API-Key": key, "Content-Type": "application/json"},
        )
        number = urllib.request.urlopen(request).read().decode().strip()  # noqa: S310 http://127.0.0.1
        if "message" in scenario:
            mails(directory / "mail")  # only the message's mails are compared
            script = directory / "post_message.php"
            script.write_text(POST_MESSAGE)
            run([str(directory / "bin" / "ostphp"), str(script), number, scenario["message"]])
        recorded[name] = {**scenario, "mails": mails(directory / "mail")}
    json.dump(recorded, sys.stdout, indent=1)


if __name__ == "__main__":
    if sys.argv[4:] == ["--own"]:
        with record_118.own_install_dump(sys.argv[3], record_118.baseline_dump()) as dump:
            main(*sys.argv[1:4], dump=dump)
    else:
        main(*sys.argv[1:4])
