"""Start-up, diagnosis, probes and the error shape."""

import pytest
from click.testing import CliRunner

from osticket_bridge import create_app
from osticket_bridge.cli import main
from osticket_bridge.db import SchemaError


def test_check_reports_osticket_118_on_a_fresh_install(fresh_baseline_db):
    result = CliRunner().invoke(main, ["check", "--url", fresh_baseline_db])
    assert result.exit_code == 0, result.output
    assert "osTicket 1.18" in result.output


def test_check_names_missing_tables_on_an_empty_database(empty_db):
    result = CliRunner().invoke(main, ["check", "--url", empty_db])
    assert result.exit_code == 1
    assert "missing tables: ost_ticket, ost_ticket_status" in result.output


def test_server_refuses_to_start_on_an_empty_database_with_the_same_message(empty_db):
    with pytest.raises(SchemaError, match="missing tables: ost_ticket, ost_ticket_status"):
        create_app({"OSTICKET_DB_URL": empty_db})


def test_check_names_a_missing_column(fresh_baseline_db):
    from sqlalchemy import create_engine, text

    engine = create_engine(fresh_baseline_db)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE ost_thread_entry DROP COLUMN recipients"))
    engine.dispose()
    result = CliRunner().invoke(main, ["check", "--url", fresh_baseline_db])
    assert result.exit_code == 1
    assert "table ost_thread_entry lacks columns: recipients" in result.output


def test_an_unreachable_database_starts_and_answers_503_with_retry_after():
    app = create_app({"OSTICKET_DB_URL": "mysql+pymysql://u:secret@127.0.0.1:1/nothing"})
    try:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        for path in ("/readyz", "/api/topics.json"):
            response = client.get(path, headers={"X-API-Key": "0123456789ABCDEF0123456789ABCDEF"})
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "5"
            assert response.get_json()["message"] == "osTicket's database does not answer"
    finally:
        app.extensions["osticket"].dispose()


def test_wrong_credentials_stop_start_up(db_server):
    from sqlalchemy.engine import make_url

    url = make_url(db_server).set(username="no_such_user", password="secret", database="nothing")  # noqa: S106
    with pytest.raises(SchemaError, match=r"cannot use the osTicket database at mysql\+\w+://no_such_user:\*\*\*@"):
        create_app({"OSTICKET_DB_URL": url.render_as_string(hide_password=False)})


def test_table_prefix_is_configurable(empty_db):
    from osticket_bridge import fixtures

    fixtures.load_fixtures(empty_db, prefix="hd_")
    app = create_app({"OSTICKET_DB_URL": empty_db, "OSTICKET_TABLE_PREFIX": "hd_"})
    try:
        assert app.extensions["osticket"].tables.ticket.name == "hd_ticket"
        assert app.test_client().get("/readyz").status_code == 200
    finally:
        app.extensions["osticket"].dispose()


def test_probes_answer(fixtures_app):
    client = fixtures_app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok"}


def test_unknown_api_route_is_a_json_404_with_a_request_id(fixtures_app):
    response = fixtures_app.test_client().get("/api/nothing-here")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["code"] == 404
    assert response.headers["X-Request-ID"]


def test_incoming_request_id_is_kept_when_it_is_safe(fixtures_app):
    client = fixtures_app.test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_openapi_document_lists_the_routes(fixtures_app):
    spec = fixtures_app.test_client().get("/api/openapi.json").get_json()
    assert "/healthz" in spec["paths"]
    assert spec["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
