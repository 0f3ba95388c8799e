"""The OpenAPI document, and schemathesis over it: no 5xx, responses as documented, every error a JSON body of the
documented shape, requests the document calls valid accepted, and a stateful run that follows the document's links.

Schemathesis' own engine (its fuzzing phase, positive and negative, then its stateful phase) calls the app (WSGI,
in-process) on a private copy of the demo fixtures, with the demo API key (and an end-user token for the routes
that take one). Generation is deterministic (a fixed seed and a fixed number of cases), so every run sends the
same requests; real ticket numbers, addresses and agents are mixed into the generated values (hooks below) so that
most requests get past "not found" to the code behind it.
"""

import itertools
import re
import time
from collections import Counter, defaultdict

import pytest
import schemathesis
from conftest import _name
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from security_helpers import DEMO_KEY, PRIYA, SECRET

from osticket_bridge import fixtures
from osticket_bridge.api.auth.callers import BEARER_SCHEME, TOKENS_EXTENSION

SEED = 21
MAX_EXAMPLES = 15  # per operation and mode in the fuzzing phase
STATEFUL_STEPS = 8
STATEFUL_SCENARIOS = 40
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance")
UNAUTHENTICATED = {"/healthz", "/readyz", "/api/auth/login", "/api/auth/guest"}
# The demo fixtures' rows (schema_fixtures/demo.sql) a generated request may name.
REAL = {
    "number": ("482915", "731604", "265378", "918273", "350628"),
    "email": ("priya.raman@example.net", "tomas.ibarra@example.org", "lena.fischer@example.com"),
    "staffUserName": ("dana", "eve"),
    "assignee": ("s2", "s3", "t1"),
}
REAL["ticketNumber"] = REAL["ticket_number"] = REAL["number"]
REAL["clientUserMail"] = REAL["email"]
# Ids that must name a row for a create to go through: always a real one (a generated id names no row).
IDS = {
    "user_id": (1, 2, 3),
    "topicId": (1, 2, 10, 11, 12, 13),
    "topic_pid": (0, 1, 10),
    "priorityId": (1, 2, 3, 4),
    "priority_id": (0, 1, 2, 3, 4),
    "dept_id": (0, 1, 2, 3, 4),
    "sla_id": (0, 1),
    "staff_id": (0, 1, 2, 3),
    "team_id": (0, 1),
    "status_id": (0, 1),
    "statusId": (1, 2, 3),
    "reply_status_id": (1, 2, 3),
    "deptId": (1, 2, 3, 4),
    "slaId": (1,),
    "teamId": (1,),
}
IDS["priority"] = IDS["priorityId"]
USER_NOT_NAMED = ("email", "user_id")  # a public route's user: a query string cannot say one of them is required


@pytest.fixture(scope="module")
def fuzz_app(make_app, db_server, _fixtures_template):
    """An app on its own copy of the demo fixtures: the run creates tickets, users and topics."""
    url = fixtures.clone_database(db_server, _fixtures_template, _name("fuzz"))
    # No rate limits: every generated request reaches the route (tests/test_security_http.py tests the limits).
    # The live stream answers for a tenth of a second (the fuzzer reads each answer to its end), any number at once.
    return make_app(
        url,
        OSTICKET_TOKEN_SECRET=SECRET,
        OSTICKET_LOG_LEVEL="WARNING",
        RATELIMIT_ENABLED=False,
        OSTICKET_EVENTS_STREAM_SECONDS=0.1,
        OSTICKET_EVENTS_MAX_STREAMS=1000,
    )


@pytest.fixture(scope="module")
def spec(fuzz_app):
    return fuzz_app.test_client().get("/api/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "delete", "patch"):
                # path parameters are the path's: each operation's own list, as a client reads it
                yield (
                    path,
                    method,
                    {**operation, "parameters": item.get("parameters", []) + operation.get("parameters", [])},
                )


def test_every_operation_documents_its_security_and_error_responses(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["Bearer"]["scheme"] == "bearer"
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert {"code", "status", "message", "errors"} <= set(error)
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        assert "default" in operation["responses"], where
        if path in UNAUTHENTICATED:
            assert not operation.get("security"), where
            continue
        allowed = {name for requirement in operation["security"] for name in requirement}
        assert "401" in operation["responses"], where
        if path.startswith("/api/scp/") or path == "/api/auth/token":
            assert allowed == {"ApiKey"}, where
        else:
            assert "ApiKey" in allowed, where


def test_every_route_of_the_app_is_in_the_document(fuzz_app, spec):
    documented = {(path, method.upper()) for path, method, _ in operations(spec)}
    for rule in fuzz_app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and not rule.rule.startswith(("/api/docs", "/api/openapi.json")):
            path = re.sub(r"<(?:[^:>]*:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, (method, rule.rule)


OPERATION_IDS = {
    "GET /healthz": "healthz", "GET /readyz": "readyz",
    "GET /api/topics.json": "listTopics", "POST /api/topics.json": "createTopic",
    "GET /api/tickets.json": "listUserTickets", "POST /api/tickets.json": "createTicket",
    "GET /api/tickets.json/{number}": "getTicket", "PUT /api/tickets.json/{number}": "postMessage",
    "DELETE /api/tickets.json/{number}": "closeTicket", "POST /api/tickets.json/{number}": "reopenTicket",
    "GET /api/tickets/{number}": "getTicketHref",
    "GET /api/scp/tickets/ticketInfo.json": "getTicketInfo",
    "GET /api/scp/tickets/staffTickets.json": "listStaffTickets",
    "GET /api/scp/tickets/clientTickets.json": "listClientTickets", "GET /api/scp/tickets.json": "listAllTickets",
    "POST /api/scp/tickets/reply.json": "postReply", "POST /api/scp/users.json": "createUser",
    "POST /api/auth/token": "issueToken", "POST /api/auth/login": "logIn", "POST /api/auth/guest": "guestToken",
    "GET /api/attachments/{attachment_id}/{name}": "downloadAttachment",
    "GET /api/events": "listEvents", "GET /api/events/stream": "streamEvents",
    "POST /api/scp/tickets/note.json": "postNote", "POST /api/scp/tickets/assign.json": "assignTicket",
    "POST /api/scp/tickets/transfer.json": "transferTicket", "POST /api/scp/tickets/status.json": "changeStatus",
    "POST /api/scp/tickets/update.json": "updateTicket", "GET /api/scp/tickets/search.json": "searchTickets",
    "GET /api/scp/departments.json": "listDepartments", "GET /api/scp/staff.json": "listStaff",
    "GET /api/scp/teams.json": "listTeams", "GET /api/scp/priorities.json": "listPriorities",
    "GET /api/scp/statuses.json": "listStatuses", "GET /api/scp/slas.json": "listSlas",
}  # fmt: skip


def test_every_operation_has_its_id_and_every_link_names_one_with_the_parameters_it_fills(spec):
    ids = {f"{method.upper()} {path}": op["operationId"] for path, method, op in operations(spec)}
    assert ids == OPERATION_IDS
    by_id = {op["operationId"]: op for _, _, op in operations(spec)}
    links = 0
    for _, _, operation in operations(spec):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values() if isinstance(response, dict) else ():
                target = by_id[link["operationId"]]
                names = {p["name"] for p in target.get("parameters", [])}
                assert set(link.get("parameters", {})) <= names, link
                if "requestBody" in link:
                    name = target["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                    schemas = spec["components"]["schemas"]
                    body = schemas.get(f"{name}Fields", schemas[name])["properties"]  # Fields: the anyOf's
                    assert set(link["requestBody"]) <= set(body), link
                links += 1
            if isinstance(response, dict) and "links" in response:
                assert response["description"] and response["content"], response  # links only add
    assert links >= 40
    created = by_id["createTicket"]["responses"]["201"]["links"]
    assert created["GetTicket"]["parameters"]["number"] == "$response.body#/ticket_number"


def test_the_document_declares_the_constraints_validation_applies(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["TicketCreateParams"]["anyOf"] == [
        {"$ref": "#/components/schemas/TicketCreateParamsWithUserId"},
        {"$ref": "#/components/schemas/TicketCreateParamsWithEmail"},
    ]
    assert schemas["TicketCreateParamsWithEmail"]["allOf"][1]["required"] == ["email"]
    assert schemas["TicketCreateParamsFields"]["properties"]["email"]["format"] == "email"
    assert schemas["UserCreateParams"]["properties"]["password"]["minLength"] == 6
    assert "Europe/Berlin" in schemas["UserCreateParams"]["properties"]["timezone"]["enum"]
    assert schemas["TopicCreateParams"]["properties"]["topic"]["minLength"] == 5
    [number] = [p for p in spec["paths"]["/api/tickets.json/{number}"]["parameters"] if p["name"] == "number"]
    assert number["schema"] == {"type": "string", "minLength": 1, "maxLength": 20}
    download = by_path(spec, "/api/attachments/{attachment_id}/{name}", "get")["responses"]
    assert {"application/octet-stream", "application/pdf", "image/png"} <= set(download["200"]["content"])
    assert download["206"]["content"] == download["200"]["content"]


def by_path(spec, path, method):
    return spec["paths"][path][method]


def local(app):
    """The app as a WSGI callable whose callers come from 127.0.0.1 (the demo API key's address)."""

    def call(environ, start_response):
        environ["REMOTE_ADDR"] = "127.0.0.1"
        return app(environ, start_response)

    return call


KEYS = itertools.count()  # unique values: Idempotency-Keys, new users' addresses


def with_real_values(context, values):
    """Half of the generated values of a parameter the fixtures have rows for are real ones; ids always are."""
    if not isinstance(values, dict):
        return st.just(values)
    names = [name for name in values if name in REAL]
    if context.operation.definition.raw.get("operationId") == "createUser":
        names = []
        values = {**values, "email": f"fuzz{next(KEYS)}@example.com"}  # a new user's address must be new
    elif "email" in values and "name" not in values:
        values = {**values, "email": REAL["email"][0]}  # a ticket for an unknown address needs a name too
    strategy = st.just(values)
    parameters = {p["name"] for p in context.operation.definition.raw.get("parameters", [])}
    if USER_NOT_NAMED[0] in parameters and not any(name in values for name in USER_NOT_NAMED):
        # The user an API key call must name, which a query string's parameters cannot declare (one of two).
        strategy = st.sampled_from(REAL["email"]).map(lambda email: {**values, "email": email})
    for name in (name for name in values if name in IDS):
        strategy = strategy.flatmap(
            lambda current, name=name: st.sampled_from(IDS[name]).map(lambda new: {**current, name: new})
        )
    for name in names:
        real = st.sampled_from(REAL[name]).map(lambda value, name=name: {name: value})
        strategy = strategy.flatmap(
            lambda current, real=real: st.one_of(st.just(current), real.map(lambda new: {**current, **new}))
        )
    return strategy


@schemathesis.hook("before_call")
def one_user(context, case, kwargs):
    """A generated user_id beside an email (a link's: the ticket's owner) would win over it: the email stays."""
    for values in (case.query, case.body):
        if isinstance(values, dict) and "email" in values:
            values.pop("user_id", None)


def unique_idempotency_key(context, headers):
    """A generated Idempotency-Key is often "0" again: each write gets its own, so none reads as a key reused."""
    if headers and "Idempotency-Key" in headers:
        headers = {**headers, "Idempotency-Key": f"fuzz-{next(KEYS)}"}
    return headers


SEEN = []  # (phase, operation, status, generation mode) of every response the engine checked


@schemathesis.check
def error_body_shape(ctx, response, case):
    """Every error is the API's one JSON shape: {"code", "status", "message"[, "errors"]}. (Also counts the answers.)"""
    SEEN.append(
        (case.meta.phase.name.value, case.operation.label, response.status_code, case.meta.generation.mode.value)
    )
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and set(body) <= {"code", "status", "message", "errors"}, body
        assert body["code"] == response.status_code and isinstance(body["message"], str), body


def run_engine(app, auth, stateful, include=None):
    """Run schemathesis' engine; -> (Counter of (phase, operation, status, mode), failures found)."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "auth": {"openapi": auth},
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in (*CHECKS, "error_body_shape")}},
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": False},
                "stateful": {
                    "enabled": stateful,
                    "max-steps": STATEFUL_STEPS,
                    "link-calibration": False,
                    "inference": {"algorithms": []},  # the document's links only
                    "generation": {"mode": "positive", "max-examples": STATEFUL_SCENARIOS},
                },
            },
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", local(app), config=config)
    if include is not None:
        schema = schema.include(include)
    for container in ("path_parameters", "query", "body"):
        schema.hook(f"flatmap_{container}")(with_real_values)
    schema.hook("map_headers")(unique_idempotency_key)
    SEEN.clear()
    failures = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                failures += [f"{event.label}: {c.name}: {c.failure_info.failure}" for c in checks if c.failure_info]
            if event.status not in (Status.SUCCESS, Status.SKIP) and not failures:
                failures.append(f"{event.phase} {event.label}: {event.status}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(event.info.format())
    return Counter(SEEN), failures


def test_schemathesis_finds_no_server_error_and_only_documented_answers(fuzz_app):
    started = time.monotonic()
    seen, failures = run_engine(fuzz_app, {"ApiKey": {"api_key": DEMO_KEY}}, stateful=True)
    token, _ = fuzz_app.extensions[TOKENS_EXTENSION].issue(PRIYA["id"], can_create_tickets=True)
    takes_token = lambda ctx: any(BEARER_SCHEME in s for s in (ctx.operation.definition.raw.get("security") or []))  # noqa: E731
    with_token, token_failures = run_engine(
        fuzz_app, {BEARER_SCHEME: {"bearer": token}}, stateful=False, include=takes_token
    )
    elapsed = time.monotonic() - started
    assert not failures + token_failures, "\n".join(failures + token_failures)

    for name, counts in (("API key", seen), ("token", with_token)):
        for phase in sorted({phase for phase, *_ in counts}):
            statuses = Counter()
            for (at, _, status, _), n in counts.items():
                if at == phase:
                    statuses[status] += n
            operations = {op for at, op, *_ in counts if at == phase}
            print(f"schemathesis, {name}, {phase}: {statuses.total()} requests, {len(operations)} operations: ", end="")
            print(dict(sorted(statuses.items())))
    print(f"schemathesis: {(seen + with_token).total()} requests in {elapsed:.1f}s")
    assert not [status for _, _, status, _ in seen + with_token if status >= 500]

    # The document declares what validation checks: requests it calls valid are not refused as invalid.
    positive = defaultdict(Counter)
    for (phase, operation, status, mode), n in seen.items():
        if phase == "fuzzing" and mode == "positive":
            positive[operation][status] += n
    refused = {op: dict(c) for op, c in positive.items() if (c[400] + c[422]) * 2 > c.total()}
    print(f"  fuzzing: {len(positive)} operations; valid requests mostly refused: {refused}")
    assert len(positive) == len(OPERATION_IDS) and not refused

    # The links lead the stateful phase from a create to the routes that take what it made.
    reached = {op for (phase, op, status, _) in seen if phase == "stateful" and 200 <= status < 300}
    for (phase, op, status, mode), n in sorted(seen.items()):
        if phase == "stateful":
            print("     ", op, status, mode, n)
    print(f"  stateful: {len(reached)} operations answered 2xx: {sorted(reached)}")
    # A read, a message, a close or a reopen answers 2xx only for a ticket that exists, named with its owner: a link's.
    by_link = {f"{method} /api/tickets.json/{{number}}" for method in ("GET", "PUT", "DELETE", "POST")}
    assert len(reached) >= 10 and reached & by_link, reached
