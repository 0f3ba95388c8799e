"""Helpers of the create tests: the golden requests, calls through the bridge, and goldens rebased on fixtures."""

import copy

from golden import load_golden
from world import KEY

BASELINE_KEY = KEY  # the key of the database the tests run on (world.py)
DEMO_KEY = {"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"}  # schema_fixtures/demo.sql, 127.0.0.1
FILE_KEY_PREFIX = "ost_file.key: 5 characters come from the time of the upload (the rest is compared separately)"


def golden_request(op, desk=None):
    """The JSON body osTicket's golden run (1.18.1's, or ``desk``'s) posted to /api/tickets.json."""
    golden = desk.golden(op) if desk else load_golden(op)
    return dict(golden["meta"]["output"]["request"])


def post_ticket(client, body, key=BASELINE_KEY):
    return client.post("/api/tickets.json", headers=key, json=body)


def rebased(op, **columns):
    """The golden diff of ``op`` with some inserted columns set to this database's values.

    ``columns``: {"table__column": value}, for ids that depend on what the database held before (a user id on
    the fixtures is not the baseline's) while every other value stays osTicket's.
    """
    golden = copy.deepcopy(load_golden(op))
    for spec, value in columns.items():
        table, column = spec.rsplit("__", 1)
        for row in golden["tables"][table]["inserted"]:
            if column in row:
                row[column] = value
    return golden


# POST /api/scp/users.json: the golden create_user's values.
FRANK = {
    "email": "frank.fresh@example.com",
    "name": "Frank Fresh",
    "phone": "(555) 010-2233 x42",
    "notes": "VIP customer; prefers email.",
    "password": "Fresh#Pass-2026",
    "timezone": "Europe/Berlin",
    "username": "frank",
}

# POST /api/topics.json: the admin-form values of the golden create_topic (meta.output.vars), in the API's names.
PAYMENT_FAILED = {
    "topic": "Payment Failed",
    "topic_pid": 12,
    "dept_id": 4,
    "priority_id": 3,
    "sla_id": 1,
    "staff_id": 2,
    "notes": "<p>Card declined / failed payments</p>",
}


def post_user(client, body, key=BASELINE_KEY):
    return client.post("/api/scp/users.json", headers=key, json=body)


def post_topic(client, body, key=BASELINE_KEY):
    return client.post("/api/topics.json", headers=key, json=body)
