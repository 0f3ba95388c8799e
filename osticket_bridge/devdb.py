"""Throwaway MySQL/MariaDB servers for the demo (`make run`) and the tests.

Order: a Docker container through testcontainers when Docker answers, else a server started from the
local mariadbd/mysqld binaries in a temporary folder, else a clear error saying how to get one.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pymysql

HOW_TO = (
    "no MySQL/MariaDB server available: set OSTICKET_TEST_DB_URL (tests) or OSTICKET_DB_URL (run) to "
    "mysql+pymysql://user:pass@host:port/, start Docker, or install MariaDB (apt-get install mariadb-server)"
)


class NoServer(RuntimeError):
    pass


def _docker_answers():
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no Docker here"
        return False


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(port, process=None, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise NoServer(f"the local database server exited with code {process.returncode}")
        try:
            pymysql.connect(host="127.0.0.1", port=port, user="root", connect_timeout=1).close()
            return
        except pymysql.MySQLError:
            time.sleep(0.2)
    raise NoServer(f"the database server on port {port} did not answer within {seconds}s")


@contextlib.contextmanager
def _docker_server():
    from testcontainers.mysql import MySqlContainer

    # A throwaway container on this machine only: its password protects nothing.
    with MySqlContainer("mariadb:10.11", username="root", password="bridge", dbname="mysql") as container:  # noqa: S106
        host, port = container.get_container_host_ip(), container.get_exposed_port(3306)
        yield f"mysql+pymysql://root:bridge@{host}:{port}/"


def _local_binaries():
    server = (
        shutil.which("mariadbd")
        or shutil.which("mysqld")
        or next((p for p in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld") if os.path.exists(p)), None)
    )
    installer = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    return server, installer


@contextlib.contextmanager
def _local_server():
    server, installer = _local_binaries()
    folder = tempfile.mkdtemp(prefix="osticket-bridge-db-")
    datadir, sock, port = os.path.join(folder, "data"), os.path.join(folder, "mysqld.sock"), _free_port()
    as_root = ["--user=root"] if os.geteuid() == 0 else []
    log = open(os.path.join(folder, "server.log"), "wb")
    process = None
    try:
        subprocess.run(
            [
                installer,
                "--no-defaults",
                f"--datadir={datadir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *as_root,
            ],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process = subprocess.Popen(
            [
                server,
                "--no-defaults",
                f"--datadir={datadir}",
                f"--socket={sock}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                "--skip-name-resolve=0",
                "--innodb-buffer-pool-size=256M",
                f"--pid-file={os.path.join(folder, 'mysqld.pid')}",
                *as_root,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_until_up(port, process)
        yield f"mysql+pymysql://root@127.0.0.1:{port}/"
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_server():
    """Yield the SQLAlchemy URL (no database part) of a fresh server that is removed afterwards."""
    if _docker_answers():
        with _docker_server() as url:
            yield url
        return
    server, installer = _local_binaries()
    if server and installer:
        with _local_server() as url:
            yield url
        return
    raise NoServer(HOW_TO)
