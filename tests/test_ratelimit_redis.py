"""Rate limits hold across bridge instances that share Redis (OSTICKET_RATELIMIT_STORAGE=redis://...).

Two apps stand for two gunicorn instances (each with its own limiter); failed sign-ins from one address alternate
between them. Runs when Redis answers on 127.0.0.1:6379 (REDIS_URL overrides), skips with the reason otherwise.
Each run uses its own client address, so runs that share the Redis database do not count each other's attempts.
"""

import os
import random

import pytest
from security_helpers import SECRET, USER

REDIS_URL = os.environ.get("OSTICKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture(scope="module")
def redis_url():
    redis = pytest.importorskip("redis", reason="the redis package is not installed")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")
    return REDIS_URL


def failed_login(app, address):
    return app.test_client().post(
        "/api/auth/login",
        json={"username": USER["username"], "password": "not the password"},
        environ_base={"REMOTE_ADDR": address},
    )


def two_instances(fresh_app, db_url, storage):
    return [fresh_app(db_url, OSTICKET_TOKEN_SECRET=SECRET, OSTICKET_RATELIMIT_STORAGE=storage) for _ in range(2)]


def an_address():
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def test_failed_sign_ins_count_across_two_instances_sharing_redis(fresh_app, reference_db, redis_url):
    instances = two_instances(fresh_app, reference_db, redis_url)
    address = an_address()
    for attempt in range(10):  # the limit is 10 failures per minute, 5 on each instance
        response = failed_login(instances[attempt % 2], address)
        assert response.status_code == 401
        assert response.headers["RateLimit-Remaining"] == str(9 - attempt)
    for instance in instances:
        blocked = failed_login(instance, address)
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert failed_login(instances[0], an_address()).status_code == 401  # another address is not affected


def test_without_shared_storage_each_instance_counts_alone(fresh_app, reference_db):
    # The contrast: with per-process memory, the same ten failures leave both instances far from their limit.
    instances = two_instances(fresh_app, reference_db, "memory://")
    address = an_address()
    for attempt in range(10):
        response = failed_login(instances[attempt % 2], address)
        assert response.status_code == 401
        assert response.headers["RateLimit-Remaining"] == str(9 - attempt // 2)
