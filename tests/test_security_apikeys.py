"""osTicket API keys (DATA_MODEL §4) and the caller's address: X-Forwarded-For only from trusted proxies."""

import time

import pytest
from security_helpers import REF_KEY
from sqlalchemy import create_engine, text

from osticket_bridge.osticket.people.apikeys import KEY_INACTIVE, KEY_REQUIRED

ROUTE = "/api/topics.json"


@pytest.fixture(scope="module")
def client(make_app, reference_db):
    return make_app(reference_db).test_client()


@pytest.fixture(scope="module")
def proxied(make_app, reference_db):
    """Behind trusted proxies 10.0.0.0/8 and 192.0.2.1."""
    return make_app(reference_db, OSTICKET_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1").test_client()


def call(client, key=REF_KEY, peer="127.0.0.1", forwarded=None):
    headers = {"X-API-Key": key} if key is not None else {}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    return client.get(ROUTE, headers=headers, environ_base={"REMOTE_ADDR": peer})


def refused(response, message):
    return response.status_code == 401 and response.get_json()["message"] == message


def test_the_key_from_its_address_is_accepted_and_compares_case_insensitively(client):
    assert call(client).status_code == 200
    assert call(client, key=REF_KEY.lower()).status_code == 200


def test_missing_or_unknown_key_is_401_valid_api_key_required(client):
    assert refused(call(client, key=None), KEY_REQUIRED)
    assert refused(call(client, key=""), KEY_REQUIRED)
    assert refused(call(client, key="0" * 32), KEY_REQUIRED)
    assert refused(call(client, key=REF_KEY + "' OR '1'='1"), KEY_REQUIRED)


def test_key_from_another_address_is_401_valid_api_key_required(client):
    assert refused(call(client, peer="203.0.113.9"), KEY_REQUIRED)
    assert refused(call(client, peer="::1"), KEY_REQUIRED)  # exact string match, as osTicket


def test_inactive_key_is_401_not_found_or_not_active(fresh_app, fresh_reference_db):
    engine = create_engine(fresh_reference_db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ost_api_key SET isactive = 0"))
    engine.dispose()
    assert refused(call(fresh_app(fresh_reference_db).test_client()), KEY_INACTIVE)


def test_spoofed_x_forwarded_for_from_an_untrusted_peer_is_ignored(client, proxied):
    assert refused(call(client, peer="203.0.113.9", forwarded="127.0.0.1"), KEY_REQUIRED)
    assert refused(call(proxied, peer="203.0.113.9", forwarded="127.0.0.1"), KEY_REQUIRED)
    # Ignored both ways: the direct peer stays the caller whatever the header says.
    assert call(client, peer="127.0.0.1", forwarded="203.0.113.9").status_code == 200


def test_x_forwarded_for_from_a_trusted_proxy_names_the_client(proxied):
    assert call(proxied, peer="10.1.2.3", forwarded="127.0.0.1").status_code == 200
    # Walked right to left, skipping trusted proxies: the first untrusted hop is the client.
    assert call(proxied, peer="10.1.2.3", forwarded="127.0.0.1, 192.0.2.1, 10.9.9.9").status_code == 200
    assert refused(call(proxied, peer="10.1.2.3", forwarded="127.0.0.1, 203.0.113.7"), KEY_REQUIRED)
    # A trusted proxy without the header: the proxy itself is the caller.
    assert refused(call(proxied, peer="10.1.2.3"), KEY_REQUIRED)
    assert refused(call(proxied, peer="10.1.2.3", forwarded="not-an-ip"), KEY_REQUIRED)


def test_a_revoked_or_disabled_key_stops_working_within_two_seconds(fresh_app, fresh_reference_db):
    # Each process keeps a valid key for a while (a round trip less per request), never past 2 s.
    client = fresh_app(fresh_reference_db).test_client()
    engine = create_engine(fresh_reference_db)
    try:
        assert call(client).status_code == 200
        with engine.begin() as conn:
            conn.execute(text("UPDATE ost_api_key SET isactive = 0"))
        time.sleep(2)  # the promise (README), whatever KEEP_SECONDS says
        assert refused(call(client), KEY_INACTIVE)
        with engine.begin() as conn:
            conn.execute(text("UPDATE ost_api_key SET isactive = 1"))
        assert call(client).status_code == 200  # a refused key is not kept: it works again at once
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM ost_api_key"))
        time.sleep(2)  # the promise (README), whatever KEEP_SECONDS says
        assert refused(call(client), KEY_REQUIRED)
    finally:
        engine.dispose()
