"""Read replicas on a real MariaDB primary + replica pair with GTID replication, both started by the test.

Reads go to the replica; a caller's read after its own write sees it (the write's GTID, sent back as a header or
a cookie, is waited for on the replica, else the primary serves); a down or stopped replica leaves the rotation.
"""

import pytest
from click.testing import CliRunner
from faults import DEMO_KEY, new_ticket, query, wait_for
from replication import caught_up, gtid_position, primary_and_replica, replica_state, wait_in_rotation
from sqlalchemy.engine import make_url
from test_metrics import scrape, value

from osticket_bridge import cli
from osticket_bridge.replicas import GTID_COOKIE, GTID_HEADER


@pytest.fixture(scope="module")
def pair():
    with primary_and_replica() as urls:
        yield urls


def app_on(fresh_app, pair, **config):
    primary, replica, _server = pair
    app = fresh_app(primary, OSTICKET_DB_REPLICA_URL=replica, **config)
    wait_in_rotation(app.test_client(), True)
    return app


def server_url(url):
    return make_url(url).set(database="").render_as_string(hide_password=False)


def test_reads_go_to_the_replica_and_readyz_reports_its_lag(fresh_app, pair):
    primary, replica, _server = pair
    client = app_on(fresh_app, pair).test_client()
    state = replica_state(client)
    assert state["lag"] == 0 and state["problem"] is None and state["name"].startswith("127.0.0.1:")
    # A topic renamed on the replica alone: what the bridge answers shows which server read it.
    topic_id, name = query(replica, "SELECT topic_id, topic FROM ost_help_topic WHERE ispublic = 1 LIMIT 1")[0]
    query(replica, "UPDATE ost_help_topic SET topic = 'Only on the replica' WHERE topic_id = %s", (topic_id,))
    try:
        topics = client.get("/api/topics.json", headers=DEMO_KEY).json
    finally:
        query(replica, "UPDATE ost_help_topic SET topic = %s WHERE topic_id = %s", (name, topic_id))
    assert "Only on the replica" in [topic["value"] for topic in topics]
    assert value(scrape(client, **DEMO_KEY), "replica_lag_seconds", replica=state["name"]) == 0


def test_a_read_after_the_callers_write_sees_it_from_any_host(fresh_app, pair):
    primary, replica, _server = pair
    replica_server = server_url(replica)
    # The replica applies each transaction 3 s after the primary: reads right after a write find it behind.
    query(replica_server, "STOP SLAVE")
    query(replica_server, "CHANGE MASTER TO MASTER_DELAY=3")
    query(replica_server, "START SLAVE")
    try:
        impatient = app_on(fresh_app, pair, OSTICKET_DB_REPLICA_WAIT=0.2)
        patient = app_on(fresh_app, pair, OSTICKET_DB_REPLICA_WAIT=10)  # another bridge host
        strict = app_on(fresh_app, pair, OSTICKET_DB_REPLICA_MAX_LAG=1).test_client()  # takes no replica 1 s behind
        browser = impatient.test_client()  # keeps its cookies
        created = browser.post("/api/tickets.json", json=new_ticket("replica"), headers=DEMO_KEY)
        assert created.status_code == 201, created.json
        number, gtid = created.json["ticket_number"], created.headers[GTID_HEADER]
        assert gtid == gtid_position(server_url(primary))
        path = f"/api/tickets.json/{number}"

        assert impatient.test_client().get(path, headers=DEMO_KEY).status_code == 404  # no position: stale replica
        fell_back = impatient.test_client().get(path, headers={**DEMO_KEY, GTID_HEADER: gtid})
        assert fell_back.status_code == 200 and fell_back.json["ticket_number"] == number  # from the primary
        # The write, 3 s late on the replica, makes it lag past 1 s for a while: out of that host's rotation.
        wait_for(lambda: (replica_state(strict)["problem"] or "").startswith("lags "), 15, "the replica lagging")
        before = scrape(patient.test_client(), **DEMO_KEY)
        waited = patient.test_client().get(path, headers={**DEMO_KEY, GTID_HEADER: gtid})
        assert waited.status_code == 200 and waited.json["ticket_number"] == number  # the replica, once caught up
        wait_in_rotation(strict, True)  # caught up
        after = scrape(patient.test_client(), **DEMO_KEY)
        assert value(after, "reads_total", target="replica", why="caught_up") == (
            value(before, "reads_total", target="replica", why="caught_up") + 1
        )
        # A browser needs no header: the cookie its write set carries the position.
        assert browser.get_cookie(GTID_COOKIE).value == gtid
        assert browser.get(path, headers=DEMO_KEY).status_code == 200
        for not_a_position in ("'; DROP TABLE x", "0-1-x,abc"):  # refused here, or by the replica: the primary
            assert (
                impatient.test_client().get(path, headers={**DEMO_KEY, GTID_HEADER: not_a_position}).status_code == 200
            )
        assert replica_state(impatient.test_client())["in_rotation"]
    finally:
        query(replica_server, "STOP SLAVE")
        query(replica_server, "CHANGE MASTER TO MASTER_DELAY=0")
        query(replica_server, "START SLAVE")
        assert caught_up(replica_server, gtid_position(server_url(primary)))


def test_a_stopped_or_down_replica_leaves_the_rotation_and_reads_go_on(fresh_app, pair):
    primary, replica, server = pair
    client = app_on(fresh_app, pair).test_client()
    query(server.url, "STOP SLAVE SQL_THREAD")
    try:
        wait_in_rotation(client, False)
        assert "replication is stopped" in replica_state(client)["problem"]
        assert client.get("/api/topics.json", headers=DEMO_KEY).status_code == 200
    finally:
        query(server.url, "START SLAVE SQL_THREAD")
    wait_in_rotation(client, True)
    server.stop()
    try:
        wait_in_rotation(client, False)
        state = replica_state(client)
        assert state["problem"].startswith("does not answer") and state["lag"] is None
        for _ in range(3):  # every read is served, by the primary
            assert client.get("/api/topics.json", headers=DEMO_KEY).status_code == 200
    finally:
        server.start()
    wait_in_rotation(client, True)
    result = CliRunner().invoke(cli.main, ["check", "--url", primary], env={"OSTICKET_DB_REPLICA_URL": replica})
    assert f"replica {server.host}:{server.port}: in rotation, lag 0 s" in result.output, result.output
    wait_for(lambda: caught_up(server.url, gtid_position(server_url(primary))), 30, "the replica catching up")
