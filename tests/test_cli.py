"""The `osticket-bridge` command and `make run`'s start-up: clear one-line failures, never a traceback."""

import os
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from osticket_bridge import __version__
from osticket_bridge.cli import main

COMMAND = [os.path.join(os.path.dirname(sys.executable), "osticket-bridge")]


def run(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if k != "OSTICKET_DB_URL"}
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=120, env={**environment, **(env or {})}
    )


def test_check_reads_the_database_url_from_the_environment(fixtures_db):
    result = CliRunner().invoke(main, ["check"], env={"OSTICKET_DB_URL": fixtures_db})
    assert result.exit_code == 0, result.output
    assert "detected: osTicket" in result.output and "ok: every table" in result.output


def test_without_a_database_url_check_says_so_in_one_line():
    result = run("check")
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert "OSTICKET_DB_URL" in result.stderr and "--url" in result.stderr


@pytest.mark.parametrize("url", ["postgresql://u:p@127.0.0.1/osticket", "sqlite:///osticket.db", "not a url"])
def test_an_unsupported_database_url_is_one_clear_line(url):
    for command in (("check", "--url", url), ("serve", "--bind", "127.0.0.1:1", "--url", url)):
        result = run(*command)
        assert result.returncode == 2, result
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("error: ")
        assert "MySQL" in result.stderr or "not a URL" in result.stderr


def test_the_server_refuses_an_unsupported_database_url_with_the_same_words():
    from osticket_bridge import create_app

    with pytest.raises(RuntimeError, match="unsupported database 'postgresql'"):
        create_app({"OSTICKET_DB_URL": "postgresql://u:p@127.0.0.1/osticket"})


def test_one_version_number_for_the_package_the_api_and_the_command(fixtures_app):
    from importlib.metadata import version

    assert run("--version").stdout.strip() == f"osticket-bridge, version {__version__}"
    assert fixtures_app.test_client().get("/api/openapi.json").json["info"]["version"] == __version__
    assert version("osticket-bridge") == __version__


def _listening():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_a_busy_port_fails_at_once_with_one_line_and_prints_nothing_else(command, fixtures_db):
    with _listening() as busy:
        bind = f"127.0.0.1:{busy.getsockname()[1]}"
        result = run(command, "--bind", bind, env={"OSTICKET_DB_URL": fixtures_db})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: cannot listen on {bind}") and result.stderr.count("\n") == 1


def test_make_run_fails_on_a_busy_port():
    with _listening() as busy:
        result = subprocess.run(
            ["make", "--no-print-directory", "run", f"BIND=127.0.0.1:{busy.getsockname()[1]}"],
            capture_output=True, text=True, timeout=300, cwd=os.path.dirname(os.path.dirname(__file__)),
            env={k: v for k, v in os.environ.items() if k != "OSTICKET_DB_URL"},
        )  # fmt: skip
    assert result.returncode != 0
    assert "cannot listen on" in result.stderr and "curl" not in result.stdout
    assert "osticket-bridge demo" not in result.stdout  # the first line printed is the error


def test_a_server_that_does_not_start_exits_non_zero_with_one_line(fixtures_db):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    # A malformed setting stops the app from loading in gunicorn's workers.
    result = run(
        "serve", "--bind", f"127.0.0.1:{port}", env={"OSTICKET_DB_URL": fixtures_db, "OSTICKET_CORS_ORIGINS": "nope"}
    )
    assert result.returncode != 0
    assert "serving on" not in result.stdout
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: the server did not start on 127.0.0.1:{port}")
