"""Where one request's Python time goes: a scenario run in-process, timed, then profiled with cProfile.

``python -m bench.profile --database NAME [--scenario ticket] [--requests 300] [--top 25]``: on a kept bench
database (``make bench BENCH_ARGS=--keep``) it prints the CPU time per request (process time, so other work on the
machine inflates it less than wall time) and the functions with the most cumulative and own time. The bench
prints the same profile for a read that misses its target.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import time

from osticket_bridge import create_app, fixtures

from . import dataset
from .load import HTTP


def _requests(app, api_key, targets, scenario, count, seed=11):
    """Run ``count`` requests of ``scenario`` through the app (WSGI, no socket); raise on an unexpected status."""
    build, expected = HTTP[scenario]
    client = app.test_client()
    rng = random.Random(seed)
    headers = {"X-API-Key": api_key, "Content-Type": "application/json"}
    for n in range(count):
        method, path, body = build(rng, targets, 20_000_000 + n)
        response = client.open(
            path,
            method=method,
            data=json.dumps(body) if body is not None else None,
            headers=headers,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        if response.status_code != expected:
            raise RuntimeError(f"{method} {path} -> {response.status_code} {response.get_data()[:300]!r}")


def profile(db_url, api_key, targets, scenario, count=300, top=25):
    """(CPU ms, wall ms, profile text) per request of ``count`` in-process requests after a warm-up.

    The profile's first line gives the Python function calls per request: a figure the machine's load does not
    blur, to compare two versions of the code.
    """
    app = create_app({"OSTICKET_DB_URL": db_url, "OSTICKET_LOG_LEVEL": "WARNING"})
    try:
        _requests(app, api_key, targets, scenario, 20, seed=3)  # warm: catalog, statements, pool
        cpu, wall = time.process_time(), time.perf_counter()
        _requests(app, api_key, targets, scenario, count)
        cpu_ms = (time.process_time() - cpu) * 1000 / count
        wall_ms = (time.perf_counter() - wall) * 1000 / count
        if not top:
            return cpu_ms, wall_ms, ""
        profiler = cProfile.Profile()
        profiler.runcall(_requests, app, api_key, targets, scenario, count)
    finally:
        app.extensions["osticket"].dispose()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"{stats.total_calls / count:.0f} function calls per request under the profiler\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return cpu_ms, wall_ms, out.getvalue()


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    p.add_argument("--database", required=True, help="a kept bench database")
    p.add_argument("--db-url", default=os.environ.get("OSTICKET_BENCH_SERVER_URL", "mysql+pymysql://root@127.0.0.1/"))
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
