"""The OpenAPI document, and schemathesis over it: no 5xx, every error a JSON body of the documented shape.

The run is in-process (WSGI) on a private copy of the demo fixtures, with the demo API key; hypothesis is
derandomized so every run sends the same requests.
"""

import time

import pytest
import schemathesis
from conftest import _name
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok
from security_helpers import DEMO_KEY, PRIYA, SECRET

from osticket_bridge import fixtures
from osticket_bridge.api.auth.callers import BEARER_SCHEME, TOKENS_EXTENSION

EXAMPLES_PER_MODE = 30  # per operation and credential, once with valid and once with invalid data
MIN_REQUESTS = 1000
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TICKETS = ("482915", "731604", "265378", "918273", "350628")  # the demo fixtures' tickets
UNAUTHENTICATED = {"/healthz", "/readyz", "/api/auth/login", "/api/auth/guest"}


@pytest.fixture(scope="module")
def fuzz_app(make_app, db_server, _fixtures_template):
    """An app on its own copy of the demo fixtures: the run creates tickets, users and topics."""
    url = fixtures.clone_database(db_server, _fixtures_template, _name("fuzz"))
    return make_app(url, OSTICKET_TOKEN_SECRET=SECRET, OSTICKET_LOG_LEVEL="WARNING")


@pytest.fixture(scope="module")
def spec(fuzz_app):
    return fuzz_app.test_client().get("/api/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "delete", "patch"):
                yield path, method, operation


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
            path = rule.rule.replace("<string:", "{").replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, (method, rule.rule)


def test_schemathesis_finds_no_server_error_and_only_documented_json_errors(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        # Half of the ticket numbers are real, so the runs reach the code behind the 404s.
        if not path_parameters or "number" not in path_parameters:
            return st.just(path_parameters)
        real = [{**path_parameters, "number": n} for n in TICKETS]
        return st.one_of(st.just(path_parameters), st.sampled_from(real))

    token, _ = fuzz_app.extensions[TOKENS_EXTENSION].issue(PRIYA["id"], can_create_tickets=True)
    # An empty header of the other kind keeps schemathesis from sending a generated one.
    with_key = {"X-API-Key": DEMO_KEY, "Authorization": ""}
    with_token = {"X-API-Key": "", "Authorization": f"Bearer {token}"}
    sent, statuses = [], {}
    started = time.monotonic()

    def exercise(operation, mode, headers):
        @settings(
            max_examples=EXAMPLES_PER_MODE,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            response = case.call(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
            sent.append(operation.label)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=CHECKS, headers=headers)
            if response.status_code >= 400:
                body = response.json()
                assert isinstance(body, dict) and set(body) <= {"code", "status", "message", "errors"}, body
                assert body["code"] == response.status_code and isinstance(body["message"], str), body

        try:
            run()
        except Unsatisfiable:
            # Nothing to make invalid: the operation takes no parameters.
            assert mode == GenerationMode.NEGATIVE, operation.label

    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        security = operation.definition.raw.get("security") or []
        passes = [with_key] + ([with_token] if any(BEARER_SCHEME in s for s in security) else [])
        for headers in passes:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                exercise(operation, mode, headers)
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(sent)} requests over {len(set(sent))} operations in {elapsed:.1f}s: {statuses}")
    assert len(sent) >= MIN_REQUESTS
    assert not [code for code in statuses if code >= 500]
