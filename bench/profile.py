"""Where one request's Python time goes: a scenario run in-process, timed, then profiled with cProfile.

``python -m bench.profile --database NAME [--scenario ticket] [--requests 300] [--top 25]``: on a kept bench
database (``make bench BENCH_ARGS=--keep``) it prints the CPU time per request (process time, so other work on the
machine inflates it less than wall time) and the functions with the most cumulative and own time. For each
scenario behind a missed target the bench prints ``breakdown``: the share of a request's time by area.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import time

from osticket_bridge import fixtures

from . import dataset
from .count import requests_only_app, send
from .load import HTTP

# Where own time is spent, by the profiled function's file (first match wins); socket calls are database round
# trips (the app talks to nothing else in a request), as are mysqlclient's C calls that send a statement and wait.
AREAS = (
    ("database round trips", ("_socket.socket", "Connection.query", "of '_mysql.connection'")),
    ("the driver", ("/pymysql/", "/MySQLdb/", "_mysql.")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("Flask, Werkzeug and extensions",
     ("/flask/", "/werkzeug/", "/flask_smorest/", "/webargs/", "/marshmallow/", "/flask_limiter/", "/limits/")),
    ("mail (MIME)", ("/email/", "smtplib")),
    ("the bridge's own code", ("/osticket_bridge/",)),
)  # fmt: skip
OTHER = "the standard library and the rest"


def _requests(app, api_key, targets, scenario, count, seed=11):
    """Run ``count`` requests of ``scenario`` through the app (WSGI, no socket); raise on an unexpected status."""
    client = app.test_client()
    rng = random.Random(seed)
    for n in range(count):
        send(client, api_key, scenario, rng, targets, 20_000_000 + n)


def _profiled(db_url, api_key, targets, scenario, count, mail_url, profiled=True):
    """(CPU ms, wall ms, pstats.Stats or None) per request of ``count`` in-process requests after a warm-up."""
    app = requests_only_app(db_url, mail_url)
    try:
        _requests(app, api_key, targets, scenario, 20, seed=3)  # warm: catalog, statements, pool
        cpu, wall = time.process_time(), time.perf_counter()
        _requests(app, api_key, targets, scenario, count)
        cpu_ms = (time.process_time() - cpu) * 1000 / count
        wall_ms = (time.perf_counter() - wall) * 1000 / count
        if not profiled:
            return cpu_ms, wall_ms, None
        profiler = cProfile.Profile()
        profiler.runcall(_requests, app, api_key, targets, scenario, count)
    finally:
        app.extensions["osticket"].dispose()
    return cpu_ms, wall_ms, pstats.Stats(profiler)


def profile(db_url, api_key, targets, scenario, count=300, top=25, mail_url=None):
    """(CPU ms, wall ms, profile text) per request of ``count`` in-process requests after a warm-up.

    The profile's first line gives the Python function calls per request: a figure the machine's load does not
    blur, to compare two versions of the code.
    """
    cpu_ms, wall_ms, stats = _profiled(db_url, api_key, targets, scenario, count, mail_url, profiled=bool(top))
    if stats is None:
        return cpu_ms, wall_ms, ""
    out = io.StringIO()
    stats.stream = out
    stats.strip_dirs()
    out.write(f"{stats.total_calls / count:.0f} function calls per request under the profiler\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return cpu_ms, wall_ms, out.getvalue()


def breakdown(db_url, api_key, targets, scenario, mail_url, count=200):
    """{"cpu_ms", "calls", "areas": [(area, percent of own time)]} of in-process requests of ``scenario``."""
    cpu_ms, _, stats = _profiled(db_url, api_key, targets, scenario, count, mail_url)
    spent = dict.fromkeys([name for name, _ in AREAS] + [OTHER], 0.0)
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():
        where = f"{filename} {function}"
        area = next((name for name, marks in AREAS if any(mark in where for mark in marks)), OTHER)
        spent[area] += own
    total = sum(spent.values()) or 1
    areas = sorted(((name, round(100 * t / total)) for name, t in spent.items()), key=lambda a: -a[1])
    return {"cpu_ms": round(cpu_ms, 2), "calls": round(stats.total_calls / count), "areas": areas}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    p.add_argument("--database", required=True, help="a kept bench database")
    p.add_argument("--db-url", default=os.environ.get("OSTICKET_BENCH_SERVER_URL", dataset.DEFAULT_SERVER))
    p.add_argument("--scenario", default="ticket", choices=sorted(HTTP))
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--no-profile", action="store_true", help="only the timing")
    args = p.parse_args(argv)
    db_url = fixtures.database_url(args.db_url, args.database)
    key, targets = dataset.api_key(db_url), dataset.targets(db_url)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    top = 0 if args.no_profile else args.top
    cpu_ms, wall_ms, text = profile(db_url, key, targets, args.scenario, args.requests, top)
    print(f"{args.scenario}: {cpu_ms:.2f} ms CPU, {wall_ms:.2f} ms wall per request (load average {load})")
    print(text, end="")


if __name__ == "__main__":
    main()
