"""A private MariaDB primary and replica with GTID replication, started by the test (never the shared server).

OSTICKET_TEST_PORTS="first-last" keeps the private servers' ports inside that range (devdb.free_port).
"""

import contextlib

import pytest
from faults import query, wait_for

from osticket_bridge import devdb, fixtures

DATABASE = "osticket_replicated"


def private_server(server_id, options=()):
    try:
        server = devdb.LocalServer(options=[f"--server-id={server_id}", "--log-bin=binlog", *options])
    except devdb.NoServer as exc:
        pytest.skip(f"the replica tests need local mariadbd binaries for private servers: {exc}")
    return server


def gtid_position(url):
    return query(url, "SELECT @@GLOBAL.gtid_binlog_pos")[0][0]


def caught_up(replica_url, position, seconds=60):
    return query(replica_url, "SELECT MASTER_GTID_WAIT(%s, %s)", (position, seconds))[0][0] == 0


@contextlib.contextmanager
def primary_and_replica():
    """(primary URL, replica URL, replica server) of the demo data, the replica applying the primary's binary log."""
    primary = private_server(1)
    replica = None
    try:
        primary.start()  # before the replica takes a free port: the primary's is taken then
        replica = private_server(2, options=["--read-only=1"])
        replica.start()
        query(
            replica.url,
            f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.port}, MASTER_USER='root', "
            "MASTER_USE_GTID=slave_pos",
        )
        query(replica.url, "START SLAVE")
        primary_db = fixtures.create_database(primary.url, DATABASE)
        fixtures.load_fixtures(primary_db, demo=True)
        fixtures.create_bridge_tables(primary_db)
        replica_db = fixtures.database_url(replica.url, DATABASE)
        assert caught_up(replica.url, gtid_position(primary.url)), "the replica did not catch up with the primary"
        yield primary_db, replica_db, replica
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


def replica_state(client):
    """The first replica's entry of /readyz."""
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    return response.json["replicas"][0]


def wait_in_rotation(client, expected, seconds=15):
    return wait_for(lambda: replica_state(client)["in_rotation"] is expected, seconds, f"in_rotation={expected}")
