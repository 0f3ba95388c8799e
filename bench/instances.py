"""`make bench BENCH_ARGS="--instances 2"`: throughput with one bridge instance behind HAProxy, then with N.

The instances run in network namespaces on this machine (bench/cluster.py), on a private MariaDB and Redis of
their own: the database is built there (--tickets, --users), since the shared server listens on 127.0.0.1 only.
Every scenario runs through the balancer with one instance in service, then again with N, at the same number of
client connections. On one machine the instances share its cores: the figures say how the balancer and a second
instance behave, not what N hosts with cores of their own would give (docs/operations.md).
"""

import sys
import time

from sqlalchemy import text

from osticket_bridge import bridge_tables
from osticket_bridge.cli import add_number_index
from osticket_bridge.db import make_engine

from . import cluster, dataset

SCENARIOS = ("ticket", "create")


def run(args, drive, log):
    reason = cluster.why_not()
    if reason:
        sys.exit(f"--instances needs network namespaces and a balancer: {reason}")
    kit = cluster.Cluster(args.instances, workers=args.workers)
    try:
        server_url = kit.start_network()
        log(f"building the database on the cluster's private MariaDB: {args.tickets} tickets, {args.users} users")
        db_url = dataset.build(server_url, "osticket_bench", args.tickets, args.users, log=log)
        engine = make_engine(db_url)
        with engine.begin() as conn:
            bridge_tables.create_all(conn)
            add_number_index(conn)
            version = conn.execute(text("SELECT VERSION()")).scalar()
        engine.dispose()
        spec = {
            "api_key": dataset.api_key(db_url),  # for 127.0.0.1: HAProxy forwards the client's address
            "targets": dataset.targets(db_url),
            "duration": args.duration,
            "warmup": args.warmup,
            "max_requests": args.requests,
            "connections": args.connections,
            "base_url": kit.serve(db_url, count=1),
        }
        scenarios = [s for s in args.scenarios.split(",") if s in SCENARIOS] or list(SCENARIOS)
        figures = {}
        for count in range(1, args.instances + 1):
            if count > 1:
                kit.instances[count - 1].start()
                kit.balancer.wait_status(count - 1, "UP")
            for scenario in scenarios:
                log(f"load: {scenario} through HAProxy, {count} instance(s) in service")
                figures[scenario, count] = drive({**spec, "scenario": scenario})
    finally:
        kit.stop()
    log("")
    log(report(args, scenarios, figures, version))


def report(args, scenarios, figures, version):
    counts = range(1, args.instances + 1)
    lines = [
        f"{time.strftime('%Y-%m-%d %H:%M')}: {args.connections} connections through HAProxy, {args.workers} gthread "
        f"workers per instance, {args.duration:g}s measured per scenario; database {version}; every instance on this "
        "machine's cores",
        "scenario  " + "".join(f"{n} inst. req/s (p50/p99 ms)".rjust(32) for n in counts),
    ]
    for scenario in scenarios:
        cells = []
        for n in counts:
            load = figures[scenario, n]
            errors = f", {load['errors']} errors" if load["errors"] else ""
            cells.append(f"{load['rps']:.1f} ({load['p50_ms'] or 0:.0f}/{load['p99_ms'] or 0:.0f}){errors}".rjust(32))
        lines.append(scenario.ljust(10) + "".join(cells))
    for (scenario, n), load in figures.items():
        if load["errors"]:
            lines.append(f"{scenario}, {n} instance(s): first errors {load['error_samples']}")
    return "\n".join(lines)
