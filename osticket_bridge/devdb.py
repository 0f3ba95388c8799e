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
    "mysql://user:pass@host:port/, start Docker, or install MariaDB (apt-get install mariadb-server)"
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


def free_port(host="127.0.0.1"):
    """A free port on ``host``; inside OSTICKET_TEST_PORTS ("first-last") when set (a machine shared by test runs)."""
    span = os.environ.get("OSTICKET_TEST_PORTS")
    first, _, last = span.partition("-") if span else ("0", "", "0")
    for port in range(int(first), int(last) + 1):
        with socket.socket() as s, contextlib.suppress(OSError):
            s.bind((host, port))
            return s.getsockname()[1]
    raise NoServer(f"no free port in OSTICKET_TEST_PORTS={span}")


def _wait_until_up(port, process=None, seconds=60, host="127.0.0.1"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise NoServer(f"the local database server exited with code {process.returncode}")
        try:
            pymysql.connect(host=host, port=port, user="root", connect_timeout=1).close()
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
        yield f"mysql://root:bridge@{host}:{port}/"


def _local_binaries():
    server = (
        shutil.which("mariadbd")
        or shutil.which("mysqld")
        or next((p for p in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld") if os.path.exists(p)), None)
    )
    installer = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    return server, installer


class LocalServer:
    """A mariadbd/mysqld of our own in a temporary folder, on a free port; it can be stopped and started again
    on the same port and data (the fault-injection tests do)."""

    def __init__(self, port=None, host="127.0.0.1", options=()):
        """``options``: more mariadbd options (a replication test's server id and binary log)."""
        self.binary, installer = _local_binaries()
        if not (self.binary and installer):
            raise NoServer(HOW_TO)
        self.folder = tempfile.mkdtemp(prefix="osticket-bridge-db-")
        self.datadir, self.port = os.path.join(self.folder, "data"), port or free_port(host)
        self.tmpdir = os.path.join(self.folder, "tmp")
        os.mkdir(self.tmpdir)
        self.host, self.options = host, list(options)
        self.url = f"mysql://root@{host}:{self.port}/"
        self.process = None
        self._as_root = ["--user=root"] if os.geteuid() == 0 else []
        with open(os.path.join(self.folder, "server.log"), "ab") as log:
            subprocess.run(
                [
                    installer,
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    f"--tmpdir={self.tmpdir}",  # its bootstrap server is a starting server too (below)
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    *self._as_root,
                ],
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start(self):
        with open(os.path.join(self.folder, "server.log"), "ab") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    f"--socket={os.path.join(self.folder, 'mysqld.sock')}",
                    f"--port={self.port}",
                    f"--bind-address={self.host}",
                    "--skip-name-resolve=0",
                    "--innodb-buffer-pool-size=256M",
                    f"--pid-file={os.path.join(self.folder, 'mysqld.pid')}",
                    # Its own temporary folder: a starting server deletes every #sql* file in its tmpdir as left over
                    # by a crash, and in a shared /tmp those are the temporary tables of servers still running (the
                    # machine's own MariaDB then fails its queries, or crashes freeing them).
                    f"--tmpdir={self.tmpdir}",
                    *self._as_root,
                    *self.options,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(self.port, self.process, host=self.host)

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def _local_server():
    server = LocalServer()
    try:
        server.start()
        yield server.url
    finally:
        server.remove()


@contextlib.contextmanager
def throwaway_server():
    """Yield the SQLAlchemy URL (no database part) of a fresh server that is removed afterwards."""
    if _docker_answers():
        with _docker_server() as url:
            yield url
        return
    binary, installer = _local_binaries()
    if binary and installer:
        with _local_server() as url:
            yield url
        return
    raise NoServer(HOW_TO)
