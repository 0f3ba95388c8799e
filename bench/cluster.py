"""Bridge instances on hosts of their own, behind HAProxy: network namespaces on this one machine.

Each instance is gunicorn (the repository's gunicorn.conf.py) in a network namespace of its own, joined by a veth
pair to one Linux bridge on the machine (10.227.N.0/24, names starting with "s27"): it sees its own loopback and
that subnet, nothing else. The shared MariaDB and Redis listen on 127.0.0.1, which a namespace cannot reach, so the
cluster starts its own mariadbd and redis-server bound to the bridge's address (.1). HAProxy listens on 127.0.0.1,
health-checks every instance's /readyz, and is driven through its runtime API (drain, ready) for rolling restarts.

Needs root (namespaces, veth, bridge) and the ip, haproxy, mariadbd and redis-server binaries
(Debian: iproute2 haproxy mariadb-server redis-server). Used by tests/test_multihost.py and `make bench
BENCH_ARGS="--instances 2"`.
"""

import contextlib
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from osticket_bridge import devdb

from .server import ROOT, child_pids

BINARIES = ("ip", "haproxy", "redis-server", "mariadbd")
INSTANCE_PORT = 8000


def why_not():
    """Why a cluster cannot run here (one line), or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    absent = [name for name in BINARIES if not _binary(name)]
    if absent:
        return f"missing {', '.join(absent)} (Debian: apt-get install iproute2 haproxy redis-server mariadb-server)"
    return None


def _binary(name):
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if os.path.exists(p)), None)


def _run(*args):
    subprocess.run(args, check=True, capture_output=True, text=True)


def answers(host, port, path, timeout=2):
    """The HTTP status of GET ``path``, or None when nothing answers."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not happen within {seconds} s")


class Network:
    """A bridge on the machine (.1) and ``count`` namespaces (.2, .3, ...) on a random 10.227.N.0/24."""

    def __init__(self, count):
        tag = f"{random.randrange(16**3):03x}"
        self.subnet = random.randrange(1, 255)
        self.bridge = f"s27{tag}br"
        self.namespaces = [f"s27{tag}n{i}" for i in range(count)]
        self.host = self.address(-1)

    def address(self, index):
        """The namespace ``index``'s address (-1: the machine's, on the bridge)."""
        return f"10.227.{self.subnet}.{index + 2}"

    def up(self):
        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.host}/24", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")
        for index, ns in enumerate(self.namespaces):
            outside, inside = f"{ns}h", f"{ns}i"
            _run("ip", "netns", "add", ns)
            _run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
            _run("ip", "link", "set", inside, "netns", ns)
            _run("ip", "link", "set", outside, "master", self.bridge, "up")
            _run("ip", "-n", ns, "addr", "add", f"{self.address(index)}/24", "dev", inside)
            _run("ip", "-n", ns, "link", "set", inside, "up")
            _run("ip", "-n", ns, "link", "set", "lo", "up")

    def down(self):
        for ns in self.namespaces:  # deleting a namespace deletes its veth pair
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, check=False)


class Instance:
    """gunicorn serving wsgi:app in one namespace, on INSTANCE_PORT."""

    def __init__(self, namespace, address, env, log_path, workers=2):
        self.namespace, self.address, self.env, self.workers = namespace, address, env, workers
        self.log_path = log_path
        self.proc = None

    def start(self):
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        command = ["ip", "netns", "exec", self.namespace, gunicorn, "--bind", f"{self.address}:{INSTANCE_PORT}",
                   "--workers", str(self.workers), "--control-socket", self.log_path + ".ctl", "wsgi:app"]  # fmt: skip
        with open(self.log_path, "ab") as log:
            # `ip netns exec` becomes gunicorn; its own session lets kill() reach the workers too.
            self.proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        wait_for(self.ready, 60, f"the bridge in {self.namespace} answering /readyz")
        return self

    def ready(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"gunicorn in {self.namespace} exited with {self.proc.returncode}: see {self.log_path}")
        return len(child_pids(self.proc.pid)) == self.workers and answers(self.address, INSTANCE_PORT, "/readyz") == 200

    def kill(self):
        """Crash the host: SIGKILL to gunicorn and its workers at once."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """Graceful: gunicorn finishes the requests in flight, then exits."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


HAPROXY = """global
    stats socket {socket} level admin
    maxconn 2000
defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    # A connection an instance refused (stopped, crashed) is tried again on another one: the request never left.
    retries 3
    retry-on conn-failure
    option redispatch 1
    option forwardfor
    option http-server-close
frontend api
    bind 127.0.0.1:{port}
    default_backend bridge
backend bridge
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
{servers}
"""


class Balancer:
    """HAProxy in front of the instances, on 127.0.0.1:port."""

    def __init__(self, folder, instances):
        self.folder, self.port = folder, devdb.free_port("127.0.0.1")
        self.socket = os.path.join(folder, "haproxy.sock")
        servers = "\n".join(f"    server i{i} {inst.address}:{INSTANCE_PORT} check" for i, inst in enumerate(instances))
        config = os.path.join(folder, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(HAPROXY.format(socket=self.socket, port=self.port, servers=servers))
        with open(os.path.join(folder, "haproxy.log"), "ab") as log:
            self.proc = subprocess.Popen(
                [_binary("haproxy"), "-db", "-f", config], stdout=log, stderr=subprocess.STDOUT
            )
        wait_for(lambda: os.path.exists(self.socket), 10, "HAProxy's runtime socket")

    def command(self, line):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.socket)
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def stats(self, index):
        """HAProxy's statistics row of instance ``index``: status (UP, DOWN, MAINT), scur (sessions now), ..."""
        lines = self.command("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "bridge" and row.get("svname") == f"i{index}":
                return row
        raise KeyError(index)

    def wait_status(self, index, status, seconds=20):
        """Wait until HAProxy has ``status`` for the instance, its transitions done ("UP 1/2" is not yet UP)."""
        wait_for(lambda: self.stats(index)["status"] == status, seconds, f"instance {index} {status}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Cluster:
    """Network, private MariaDB and Redis on the bridge's address, ``count`` instances and the balancer."""

    def __init__(self, count, env=None, workers=2):
        self.folder = tempfile.mkdtemp(prefix="osticket-bridge-cluster-")
        self.network = Network(count)
        self.env, self.workers = env or {}, workers
        self.database = self.redis = self.balancer = None
        self.instances = []

    def start_network(self):
        """The network, MariaDB and Redis; then the caller loads its database and calls ``serve(db_url)``."""
        self.network.up()
        host = self.network.host
        # A throwaway server on a private subnet: no accounts to check (the namespaces connect as root).
        self.database = devdb.LocalServer(host=host, options=["--skip-grant-tables"])
        self.database.start()
        redis_port = devdb.free_port(host)
        with open(os.path.join(self.folder, "redis.log"), "ab") as log:
            # Bound to the private subnet only; protected mode would refuse the namespaces.
            options = f"--bind {host} --port {redis_port} --protected-mode no --appendonly no".split()
            command = [_binary("redis-server"), *options, "--save", ""]
            self.redis = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.redis_url = f"redis://{host}:{redis_port}/0"
        wait_for(lambda: _connects(host, redis_port), 10, "redis-server")
        return self.database.url

    def serve(self, db_url, count=None):
        """Start ``count`` instances (all by default) on ``db_url`` and the balancer in front of all of them."""
        env = {
            "OSTICKET_DB_URL": db_url,
            "OSTICKET_RATELIMIT_STORAGE": self.redis_url,
            "OSTICKET_TRUSTED_PROXIES": self.network.host,  # HAProxy: X-Forwarded-For names the client
            "OSTICKET_TOKEN_SECRET": "s" * 48,
            **self.env,
        }
        for index, ns in enumerate(self.network.namespaces):
            log = os.path.join(self.folder, f"gunicorn-{index}.log")
            metrics = os.path.join(self.folder, f"metrics-{index}")  # a killed instance leaves its files here
            os.mkdir(metrics)
            instance_env = {**env, "PROMETHEUS_MULTIPROC_DIR": metrics}
            self.instances.append(Instance(ns, self.network.address(index), instance_env, log, self.workers))
        for instance in self.instances[:count]:
            instance.start()
        self.balancer = Balancer(self.folder, self.instances)
        for index in range(count or len(self.instances)):
            self.balancer.wait_status(index, "UP")
        return f"http://127.0.0.1:{self.balancer.port}"

    def restart(self, index):
        """A rolling restart's step: drain the instance at the balancer, stop it once idle, start it, put it back."""
        instance = self.instances[index]
        self.balancer.command(f"set server bridge/i{index} state maint")
        wait_for(lambda: self.balancer.stats(index)["scur"] == "0", 30, f"instance {index} idle")
        instance.stop()
        instance.start()
        self.balancer.command(f"set server bridge/i{index} state ready")
        self.balancer.wait_status(index, "UP")

    def stop(self):
        for part in (self.balancer, *self.instances):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.stop()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait()
        if self.database is not None:
            self.database.remove()
        self.network.down()
        shutil.rmtree(self.folder, ignore_errors=True)


def _connects(host, port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0
