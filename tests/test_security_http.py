"""HTTP-level protections: security headers, CORS, body-size limit, errors that reveal nothing."""

import pytest
from security_helpers import DEMO_KEY, PRIYA_TICKETS, SECRET
from sqlalchemy import create_engine, text

from osticket_bridge import create_app

KEY = {"X-API-Key": DEMO_KEY}
SITE = "https://help.example.com"


@pytest.fixture(scope="module")
def client(make_app, fixtures_db):
    return make_app(fixtures_db, OSTICKET_TOKEN_SECRET=SECRET).test_client()


@pytest.fixture(scope="module")
def cors_client(make_app, fixtures_db):
    return make_app(fixtures_db, OSTICKET_CORS_ORIGINS=f"{SITE}, http://localhost:3000").test_client()


def test_security_headers_on_every_response(client):
    responses = [
        client.get("/healthz"),
        client.get("/api/topics.json", headers=KEY),
        client.get("/api/topics.json"),  # 401
        client.get("/api/nothing"),  # 404
        client.post("/api/auth/login", json={}),  # 422
    ]
    for response in responses:
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert "Server" not in headers
        assert response.is_json


def test_docs_page_gets_a_policy_that_lets_swagger_ui_load_from_this_server_only(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_cors_headers_unless_origins_are_configured(client):
    response = client.get("/api/topics.json", headers={**KEY, "Origin": SITE})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options("/api/topics.json", headers={"Origin": SITE, "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_configured_origin_is_allowed_exactly_and_without_credentials(cors_client):
    response = cors_client.get("/api/topics.json", headers={**KEY, "Origin": SITE})
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "X-Total-Count" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" in response.headers["Vary"]
    for origin in ("https://evil.example.com", SITE + ".evil.net", "http://help.example.com", "null"):
        response = cors_client.get("/api/topics.json", headers={**KEY, "Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers, origin


def test_preflight_is_answered_with_methods_and_headers(cors_client):
    response = cors_client.options(
        f"/api/tickets.json/{PRIYA_TICKETS[0]}",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_wildcard_origin_never_comes_with_credentials(fresh_app, fixtures_db):
    client = fresh_app(fixtures_db, OSTICKET_CORS_ORIGINS="*").test_client()
    response = client.get("/api/topics.json", headers={**KEY, "Origin": "https://anywhere.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("origins", ["https://help.example.com/", "help.example.com", "https://help.example.com/app"])
def test_an_origin_that_is_not_exact_stops_the_server_from_starting(fixtures_db, origins):
    with pytest.raises(ValueError, match="is not an origin like https://www.example.com"):
        create_app({"OSTICKET_DB_URL": fixtures_db, "OSTICKET_CORS_ORIGINS": origins})


def test_an_oversized_body_is_a_json_413(fresh_app, fixtures_db):
    client = fresh_app(fixtures_db, OSTICKET_MAX_BODY_BYTES=2048).test_client()
    response = client.post("/api/auth/token", json={"email": "x" * 4096}, headers=KEY)
    assert response.status_code == 413
    assert response.get_json() == {
        "code": 413,
        "status": "Request Entity Too Large",
        "message": "the request body is larger than 2048 bytes",
    }


def test_a_malformed_json_body_is_a_json_400(client):
    response = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["code"] == 400


def test_an_unexpected_database_error_is_a_generic_500_without_sql_or_trace(fresh_app, fresh_fixtures_db):
    app = fresh_app(fresh_fixtures_db)
    engine = create_engine(fresh_fixtures_db)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE ost_thread_entry"))
    engine.dispose()
    response = app.test_client().get(f"/api/tickets.json/{PRIYA_TICKETS[0]}", headers=KEY)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert response.get_json() == {
        "code": 500,
        "status": "Internal Server Error",
        "message": response.get_json()["message"],
    }
    for leak in ("SELECT", "ost_", "thread_entry", "Traceback", "pymysql", "sqlalchemy", 'File "'):
        assert leak.lower() not in body.lower(), leak
