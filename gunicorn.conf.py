"""gunicorn's production settings, read from the working directory by `make run` and `osticket-bridge demo`.

gthread workers keep HTTP connections alive and are not tied up by slow clients; `make bench` measured them
equal to sync workers in throughput (2 workers x 4 threads on 2 cores). Workers and bind come from the command.
"""

import ctypes
import ctypes.util
import glob
import os
import shutil
import tempfile

# Metrics (osticket_bridge/metrics.py): every worker writes its samples to files in this folder and a scrape adds
# them up. It must be set before prometheus_client is imported, hence before the package is.
_OWN_METRICS_DIR = (
    None if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else tempfile.mkdtemp(prefix="osticket-bridge-metrics-")
)
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _OWN_METRICS_DIR

from osticket_bridge import gunicorn_errors, mail, metrics  # noqa: E402

worker_class = "gthread"
threads = 4
# SIGTERM: workers stop accepting, finish the requests in flight (answered with "Connection: close") for up to
# this many seconds, then exit; a request bounded by the database timeouts (README) finishes well within it.
graceful_timeout = 30
# The app refuses URLs over 4094 characters with its JSON 414 (security.MAX_URL_CHARS); gunicorn refuses only
# request lines over its maximum, 8190, with the same JSON shape (gunicorn_errors).
limit_request_line = 8190

gunicorn_errors.install()


def _two_malloc_arenas():
    """glibc gives threads that allocate at once arenas of their own (up to 8 per core), each keeping what it freed;
    two for a worker's threads keep its peak RSS about 2 MB lower under `make bench` (docs/benchmark.md). Set in the
    master, the workers inherit it; elsewhere than glibc nothing changes."""
    m_arena_max = -8  # malloc.h
    try:
        ctypes.CDLL(ctypes.util.find_library("c")).mallopt(m_arena_max, 2)
    except (OSError, AttributeError, TypeError):
        pass


_two_malloc_arenas()


def on_starting(_server):
    # Samples left by an earlier run in an operator's folder would be added to this run's.
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def when_ready(_server):
    # OSTICKET_METRICS_BIND=host:port: the samples on a port of their own, without an API key, served by the master.
    bind = os.environ.get("OSTICKET_METRICS_BIND")
    if bind:
        host, _, port = bind.rpartition(":")
        metrics.serve(host or "127.0.0.1", int(port))


def worker_exit(_server, worker):
    # A graceful stop lets the worker's sender loop finish the mail it is sending: killed mid-send, the mail would
    # be sent again by another worker (at least once, never lost; here, once).
    app = getattr(worker, "wsgi", None)  # None until the worker loaded the app
    if hasattr(app, "extensions"):
        mail.stop(app)


def child_exit(_server, worker):
    metrics.process_exited(worker.pid)


def on_exit(_server):
    if _OWN_METRICS_DIR:
        shutil.rmtree(_OWN_METRICS_DIR, ignore_errors=True)
