"""An agent's actions through the bridge, row by row and mail by mail against what osTicket's staff panel did for
the same agent on the same ticket (tests/recordings/<release>/agent/, recorded by record_agent.py on 1.18.1 with our
own install + demo data, which runs without ../shared, and on 1.10.4's real install), refusals included: where
osTicket's controller refused, the bridge answers 403 and writes nothing."""

import clock
import mail_helpers
import pytest
from agent_helpers import DESKS, OPERATIONS, RELEASE_DIRS, act, prepare, recorded_clock
from golden import compare, load_golden
from mail_helpers import TEXT_110, as_dict, golden_mails, same_mail
from update_helpers import diff_of

queued = mail_helpers.queued  # fixture
CASES = [(release, op) for op, spec in OPERATIONS.items() for release in spec.releases]


@pytest.mark.parametrize(("release", "op"), CASES, ids=[f"{r}-{o}" for r, o in CASES])
def test_the_agent_action_writes_and_mails_what_osticket_does(request, fresh_app, queued, release, op):
    spec, desk = OPERATIONS[op], DESKS[release]
    db_url = request.getfixturevalue(desk.baseline)
    recorded = load_golden(op, RELEASE_DIRS[release])
    if recorded_clock(recorded):  # due dates and their clearing depend on the day: run at the recording's
        clock.pin(db_url, recorded_clock(recorded))
    number = prepare(db_url, release, spec)
    client = fresh_app(db_url).test_client()
    with diff_of(db_url) as diff:
        response = act(client, desk, spec)
    if spec.refused:
        assert response.status_code == 403, response.get_json()
        assert recorded["tables"] == {} and diff == {} and queued == []
        return
    assert response.status_code == 200, response.get_json()
    assert compare(diff, recorded, numbers=(number,)) == []
    part = TEXT_110 if release == "1.10" else "text"
    mails = golden_mails(op, RELEASE_DIRS[release])
    assert [same_mail(as_dict(m), g, part) for m, g in zip(queued, mails, strict=True)] == [[]] * len(mails)
