"""`make bench [BENCH_ARGS=...]`: build a database, serve it with gunicorn, load it, measure the floor, report.

Steps: (1) a database `osticket_bench_<random>` on the server of --db-url, schema_fixtures/ plus bulk rows;
(2) SQL statements per request (the server's Questions) and pooled connections, counted in-process; (3) gunicorn
on a free loopback port, each scenario driven by a separate load-client process (with --pair, again on two
instances sharing Redis); (4) the same reads, and the create, with the bridge's driver, raw (the floor); (5) with
--peer-url and --stock-url, the peer's reads and a stock osTicket's create at the same concurrency; (6) one table
and issue 11's targets, printed and written under bench/results/. The database is dropped at the end unless --keep.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url
from werkzeug.exceptions import HTTPException

from osticket_bridge import bridge_tables, create_app, fixtures
from osticket_bridge.cli import NUMBER_INDEX, add_number_index, number_index
from osticket_bridge.db import make_engine
from osticket_bridge.mail.sink import Sink

from . import count, dataset, downloads, events, instances, profile, report
from .server import ROOT, Server, Settings, database_server_pid, process_cpu_seconds

RESULTS = os.path.join(ROOT, "bench", "results")
FLOORS = ("ticket1", "ticket", "list", "topics", "create")  # scenarios with a raw-SQL floor
SCENARIOS = ("ticket1", "ticket", "list", "topics", "create", "create_new_user", "reply", "agent_reply")
FIXED_CONNECTIONS = {"ticket1": 1}  # scenario -> connections, whatever --connections says
WRITES = ("create", "reply", "agent_reply")  # also counted with the sending of the mail they queue
PAIRED = ("ticket", "create")  # scenarios measured again on two instances with --pair
# The peer (alexsantos/osticket-api, on the sample database) and a stock osTicket: their API key in the sample and
# baseline dumps, and what the peer's one-ticket and user-list endpoints are asked for.
SAMPLE_API_KEY = "42DD112CC04B6FA90CE905B1F6CA959C"
PEER_TICKET_IDS = [1]
PEER_EMAILS = ["carol.customer@example.com"]
STOCK_USERS = 8  # bench users the stock osTicket gets to know first, so its creates are for existing users
# scenario -> (method, a path of it): the bench skips a scenario whose route the app does not have yet
ROUTES = {
    "ticket1": ("GET", "/api/tickets.json/1"),
    "ticket": ("GET", "/api/tickets.json/1"),
    "list": ("GET", "/api/tickets.json"),
    "topics": ("GET", "/api/topics.json"),
    "create": ("POST", "/api/tickets.json"),
    "create_new_user": ("POST", "/api/tickets.json"),
    "reply": ("PUT", "/api/tickets.json/1"),
    "agent_reply": ("POST", "/api/scp/tickets/reply.json"),
}


def parse(argv):
    p = argparse.ArgumentParser(prog="make bench BENCH_ARGS=", description=__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=100_000, help="tickets to build (default 100000)")
    p.add_argument("--users", type=int, default=20_000, help="users to build (default 20000)")
    p.add_argument(
        "--db-url",
        default=os.environ.get("OSTICKET_BENCH_SERVER_URL", dataset.DEFAULT_SERVER),
        help="server URL without database (default OSTICKET_BENCH_SERVER_URL, else %(default)s)",
    )
    p.add_argument("--keep", action="store_true", help="keep the database afterwards (its name is printed)")
    p.add_argument("--database", help="reuse this kept database instead of building one (it is kept)")
    p.add_argument("--dump", help="build on a real osTicket dump instead of schema_fixtures/")
    p.add_argument(
        "--no-index", action="store_true", help=f"stock schema: no {NUMBER_INDEX} index on ost_ticket.number (dropped)"
    )
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"), help="default gthread")
    p.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    p.add_argument("--connections", type=int, default=4, help="concurrent client connections (default 4)")
    p.add_argument("--duration", type=float, default=15, help="seconds measured per scenario (default 15)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of unmeasured load first (default 2)")
    p.add_argument("--requests", type=int, default=50_000, help="at most this many requests per scenario")
    p.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated subset of " + ",".join(SCENARIOS))
    p.add_argument("--no-floor", action="store_true", help="skip the raw-SQL floor")
    p.add_argument("--peer-url", help="alexsantos/osticket-api (../shared/peers/alexsantos): drive its one-ticket and "
                   "user-list endpoints too, at the same concurrency")  # fmt: skip
    p.add_argument("--peer-key", default=SAMPLE_API_KEY, help="the peer's API key (default: the sample dump's)")
    p.add_argument("--stock-url", help="a real osTicket (../shared/osticket/peer): drive its stock POST "
                   "/api/tickets.json with the create's body and concurrency too")  # fmt: skip
    p.add_argument("--stock-key", default=SAMPLE_API_KEY, help="the stock osTicket's API key (default: the dumps')")
    p.add_argument("--pair", action="store_true", help="also measure two bridge instances sharing the database and "
                   "Redis for the rate limits: " + ", ".join(PAIRED))  # fmt: skip
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/3", help="the pair's OSTICKET_RATELIMIT_STORAGE")
    p.add_argument("--baseline", help="an earlier run's bench/results/bench-*.json: no scenario may be slower at p99")
    p.add_argument("--downloads", action="store_true", help="also: worker RSS during 10 downloads of 20 MB at once")
    p.add_argument("--events", action="store_true", help="also: COMMIT-to-webhook delay at 10 changes a second")
    p.add_argument("--instances", type=int, default=1, help="N > 1: only the throughput of 1, then N instances "
                   "behind HAProxy, each in a network namespace (root; bench/instances.py)")  # fmt: skip
    return p.parse_args(argv)


def log(message):
    print(message, flush=True)


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def drive(spec):
    """Run one scenario in a separate load-client process; return its JSON result."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode:
        raise RuntimeError(f"load client failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def available(db_url, scenarios):
    """The scenarios whose route the app serves, and notes about the others."""
    app = create_app({"OSTICKET_DB_URL": db_url, "OSTICKET_LOG_LEVEL": "WARNING", "OSTICKET_EVENTS": "off"})
    adapter = app.url_map.bind("localhost")
    found, notes = [], []
    for scenario in scenarios:
        method, path = ROUTES[scenario]
        try:
            adapter.match(path, method=method)
            found.append(scenario)
        except HTTPException:
            notes.append(f"{scenario}: skipped, the app has no {method} {path.replace('/1', '/<number>')} yet")
    app.extensions["osticket"].dispose()
    return found, notes


def server_facts(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT VERSION()")).scalar()
            pool = conn.execute(text("SELECT @@innodb_buffer_pool_size")).scalar()
            flush = conn.execute(text("SELECT @@innodb_flush_log_at_trx_commit")).scalar()
            index = number_index(conn)
            tickets, entries, users = (
                conn.execute(text(f"SELECT COUNT(*) FROM ost_{table}")).scalar()
                for table in ("ticket", "thread_entry", "user")
            )
    finally:
        engine.dispose()
    return {
        "database server": f"{version}, innodb_buffer_pool_size {int(pool) // 1048576} MB, "
        f"innodb_flush_log_at_trx_commit {flush}",
        "ticket number index": index or "absent (stock schema: lookups by number scan ost_ticket)",
        "data": f"{tickets} tickets, {entries} thread entries, {users} users",
    }


def measure(results, scenario, servers, db_pid, spec):
    """Load ``servers`` (one bridge, or a pair sharing the connections) with one scenario; store the figures."""
    for server in servers:
        server.reset_peaks()
    log(f"load: {scenario}")
    app_cpu = sum(server.cpu_seconds() for server in servers)
    db_cpu = process_cpu_seconds(db_pid) if db_pid else None
    urls = [server.base_url for server in servers]
    load = drive({**spec, "scenario": scenario.removesuffix("_pair"), "base_urls": urls})
    sent = max(load["sent"], 1)
    results[scenario]["load"] = load
    results[scenario]["app_cpu_ms"] = (sum(server.cpu_seconds() for server in servers) - app_cpu) * 1000 / sent
    if db_pid:
        results[scenario]["db_cpu_ms"] = (process_cpu_seconds(db_pid) - db_cpu) * 1000 / sent
    peaks = [mb for server in servers for mb in server.peak_rss_mb().values()]
    results[scenario]["peak_rss_mb"] = max(peaks, default=None)
    results[scenario]["rss_per_worker_mb"] = sorted(round(mb, 1) for mb in peaks)


def run(args, db_url, started, mail_url):
    mail = {"OSTICKET_MAIL_URL": mail_url}
    began = time.monotonic()
    load_at_start = load_average()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        bridge_tables.create_all(conn)  # as a deployment does (`create-tables`): the mail outbox, Idempotency-Key
        if not args.no_index:
            add_number_index(conn)
        elif number_index(conn) == NUMBER_INDEX:
            conn.execute(text(f"ALTER TABLE ost_ticket DROP INDEX {NUMBER_INDEX}"))
    engine.dispose()
    key = dataset.api_key(db_url)
    targets = dataset.targets(db_url)
    scenarios, notes = available(db_url, [s for s in args.scenarios.split(",") if s])
    settings_obj = Settings(args.workers, args.worker_class, args.threads)
    settings = {
        "started": started,
        "machine": f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}",
        **server_facts(db_url),
        "server": settings_obj.describe() + ", production defaults otherwise (request log at INFO)",
        "load": f"{args.connections} connections per scenario, {args.warmup:g}s warm-up, "
        f"{args.duration:g}s measured (at most {args.requests} requests), client in a separate process",
        "as deployed": "the bridge's tables created, mail on (delivered to a local SMTP sink), an Idempotency-Key "
        "on every write",
    }
    log("counting SQL statements per request (in-process, warm catalog)")
    counts = count.statements_per_request(db_url, key, targets, scenarios, mail_url)
    results = {
        s: {
            "connections": FIXED_CONNECTIONS.get(s, args.connections),
            "statements": counts[s]["statements"],
            "checkouts": counts[s]["checkouts"],
        }
        for s in scenarios
    }
    for scenario in (s for s in WRITES if s in scenarios):
        log(f"counting the statements of {scenario} with the sending of its mail")
        results[scenario]["statements_delivered"] = count.with_delivery(db_url, key, targets, scenario, mail_url)
    spec = {
        "api_key": key,
        "targets": targets,
        "duration": args.duration,
        "warmup": args.warmup,
        "max_requests": args.requests,
    }
    url = make_url(db_url)
    local = url.host in ("127.0.0.1", "localhost", "::1") and not url.query.get("unix_socket")
    db_pid = database_server_pid(url.port or 3306) if local else None
    servers = [Server(db_url, settings_obj, os.path.join(RESULTS, "gunicorn.log"), mail)]
    try:
        for scenario in scenarios:
            measure(results, scenario, servers, db_pid, {**spec, "connections": results[scenario]["connections"]})
        if "ticket1" in scenarios:  # the framework's own share of one ticket at 1 connection
            results["healthz"] = {"connections": 1}
            measure(results, "healthz", servers, db_pid, {**spec, "connections": 1})
    finally:
        for server in servers:
            server.stop()
    if args.pair:
        settings["pair"] = f"two instances as above on two ports, rate limits in {args.redis_url}"
        env = {**mail, "OSTICKET_RATELIMIT_STORAGE": args.redis_url}
        servers = []
        try:
            servers = [Server(db_url, settings_obj, os.path.join(RESULTS, "gunicorn.log"), env) for _ in range(2)]
            for scenario in (s for s in PAIRED if s in scenarios):
                results[f"{scenario}_pair"] = {**results[scenario], "connections": args.connections}
                measure(results, f"{scenario}_pair", servers, db_pid, {**spec, "connections": args.connections})
        finally:
            for server in servers:
                server.stop()
    if not args.no_floor:
        for scenario in (s for s in scenarios if s in FLOORS):
            log(f"floor: {scenario}")
            connections = results[scenario]["connections"]
            results[scenario]["floor"] = drive(
                {**spec, "connections": connections, "scenario": scenario, "db_url": db_url}
            )
    if args.peer_url:
        peer_targets = {"peer_ticket_ids": PEER_TICKET_IDS, "peer_emails": PEER_EMAILS}
        for scenario in ("peer_ticket", "peer_list"):
            log(f"peer: {scenario} on {args.peer_url}")
            load = drive({**spec, "connections": args.connections, "scenario": scenario, "base_url": args.peer_url,
                          "api_key": args.peer_key, "targets": peer_targets})  # fmt: skip
            results[scenario] = {"connections": args.connections, "load": load}
    if args.stock_url and "create" in scenarios:
        log(f"stock osTicket: create on {args.stock_url}")
        stock_targets = {**targets, "users": targets["users"][:STOCK_USERS]}
        stock_spec = {**spec, "base_url": args.stock_url, "api_key": args.stock_key, "targets": stock_targets}
        drive({**stock_spec, "scenario": "stock_create", "connections": 1, "warmup": 0, "duration": 60,
               "max_requests": STOCK_USERS, "targets": {**stock_targets, "prime": True}})  # fmt: skip
        load = drive({**stock_spec, "scenario": "stock_create", "connections": args.connections})
        results["stock_create"] = {"connections": args.connections, "load": load}
    for scenario in sorted({s for _, ok, s in report.targets(results) if ok is False and s in scenarios}):
        log(f"profile: {scenario} (a target it stands for is missed)")
        results[scenario]["profile"] = profile.breakdown(db_url, key, targets, scenario, mail_url)
    settings["bench time"] = f"{time.monotonic() - began:.0f}s after the build"
    settings["load average"] = f"{load_at_start} at the start, {load_average()} at the end (other work on the machine)"
    for scenario in scenarios:
        results[scenario]["statement_list"] = counts[scenario]["sent"]
    baseline = None
    if args.baseline:
        with open(args.baseline) as f:
            baseline = json.load(f)["results"]
        settings["baseline"] = args.baseline
    text_report = report.render(settings, results, notes, baseline)
    path = report.write(RESULTS, settings, results, notes, text_report)
    log("")
    log(text_report)
    log(f"\nwritten to {os.path.relpath(path, ROOT)}")
    return results


def main(argv=None):
    args = parse(argv)
    if args.instances > 1:
        return instances.run(args, drive, log)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    os.makedirs(RESULTS, exist_ok=True)
    name = args.database or f"osticket_bench_{uuid.uuid4().hex[:8]}"
    began = time.monotonic()
    try:
        if args.database:
            db_url = fixtures.database_url(args.db_url, name)
            log(f"reusing database {name}")
        else:
            log(f"building {name}: {args.tickets} tickets, {args.users} users")
            db_url = dataset.build(args.db_url, name, args.tickets, args.users, dump=args.dump, log=log)
        log(f"database ready after {time.monotonic() - began:.0f}s")
        with Sink() as sink:  # the mail the writes queue goes somewhere, as in a deployment
            run(args, db_url, started, sink.url)
        if args.downloads:
            downloads.measure(db_url, Settings(args.workers, args.worker_class, args.threads), log=log)
        if args.events:
            events.measure(db_url, Settings(args.workers, args.worker_class, args.threads), log=log)
    finally:
        if args.keep or args.database:
            log(f"kept database {name} (reuse it with BENCH_ARGS='--database {name}')")
        else:
            fixtures.drop_database(args.db_url, name)
    log(f"total {time.monotonic() - began:.0f}s")


if __name__ == "__main__":
    main()
