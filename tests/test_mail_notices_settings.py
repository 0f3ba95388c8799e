"""Notices under other settings than the baseline's, compared with what a real osTicket 1.18.1 sent under the
same settings (tests/recordings/peer_mail.json, recorded with tests/recordings/record_peer_mail.py on its fresh
install; without it, tests/recordings/1.18.1/peer_mail.json, recorded on our own install + demo data).
"""

import json
import pathlib

import mail_helpers
import pytest
from create_helpers import post_ticket
from golden import RECORDINGS_118_DIR
from mail_helpers import as_dict, same_mail
from sqlalchemy import text
from update_helpers import message
from world import REAL_BASELINE

from osticket_bridge.db import make_engine

queued = mail_helpers.queued  # fixture
RECORDINGS = pathlib.Path(__file__).parent / "recordings" if REAL_BASELINE else RECORDINGS_118_DIR
RECORDED = json.loads((RECORDINGS / "peer_mail.json").read_text())


def apply_sql(db_url, statements):
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement.replace(":", r"\:")))
    finally:
        engine.dispose()


def recorded_mail(mail):
    return {**mail, "to": [tuple(a) for a in mail["to"]], "cc": [tuple(a) for a in mail["cc"]]}


@pytest.mark.parametrize("scenario", sorted(RECORDED))
def test_the_bridge_mails_what_osticket_mailed_under_these_settings(fresh_app, fresh_baseline_db, queued, scenario):
    recorded = RECORDED[scenario]
    apply_sql(fresh_baseline_db, recorded["sql"])
    client = fresh_app(fresh_baseline_db).test_client()
    response = post_ticket(client, recorded["ticket"])
    assert response.status_code == 201, response.get_json()
    if "message" in recorded:
        del queued[:]
        number = response.get_json()["ticket_number"]
        assert message(client, number, {"user_id": 1}, recorded["message"]).status_code == 200
    ours = [as_dict(m) for m in queued]
    theirs = [recorded_mail(m) for m in recorded["mails"]]
    assert len(ours) == len(theirs), [(m["to"], m["subject"]) for m in ours]
    assert [same_mail(o, t) for o, t in zip(ours, theirs, strict=True)] == [[] for _ in theirs]
    assert [o["headers"].get("Auto-Submitted", "") for o in ours] == [t["auto_submitted"] for t in theirs]
