"""Delay from COMMIT to webhook: osTicket-style changes at a steady rate, a receiver timing each delivery.

    .venv/bin/python -m bench.events [--db-url URL] [--rate 10] [--seconds 20]
    make bench BENCH_ARGS="--events"      (the same, after the other scenarios, on the bench's database)

A gunicorn bridge (production defaults: the feed polls once a second) serves the database; a thread commits one
thread entry at a time, as osTicket's panel writes a reply (one autocommitted INSERT), ``rate`` times a second;
a receiver in this process gets the webhooks. The delay of each change is the receiver's clock at the POST minus
the clock just after its COMMIT returned (one machine, one clock). Reported: p50, p99 and max, and how many of the
changes arrived (each exactly once).
"""

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import text

from osticket_bridge.db import make_engine
from osticket_bridge.events import webhooks

from . import dataset
from .server import ROOT, Server, Settings

DRAIN_SECONDS = 15


class _Receiver:
    def __init__(self):
        self.arrived = {}  # entry id -> [receive times]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                entry = body["data"].get("entry") or {}
                if entry:
                    receiver.arrived.setdefault(entry["id"], []).append(time.time())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _changes(db_url, rate, seconds, committed):
    """Commit ``rate`` replies a second for ``seconds`` on the first ticket thread, as osTicket's panel does."""
    engine = make_engine(db_url, pool_size=1)
    try:
        with engine.connect() as conn:
            thread_id = conn.execute(text("SELECT MIN(id) FROM ost_thread WHERE object_type = 'T'")).scalar()
            conn.commit()
            start = time.monotonic()
            for n in range(int(rate * seconds)):
                time.sleep(max(0.0, start + n / rate - time.monotonic()))
                entry_id = conn.execute(
                    text(
                        "INSERT INTO ost_thread_entry SET created = NOW(), type = 'R', thread_id = :t, format = 'html',"
                        " staff_id = 1, poster = 'Bench Agent', flags = 576, ip_address = '127.0.0.1', body = :b"
                    ),
                    {"t": thread_id, "b": f"<p>bench reply {n}</p>"},
                ).lastrowid
                conn.commit()
                committed[entry_id] = time.time()
    finally:
        engine.dispose()


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


def measure(db_url, settings=None, rate=10.0, seconds=20.0, log=print):
    receiver = _Receiver()
    engine = make_engine(db_url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ost_bridge_webhook (url, secret, events, active, created) VALUES (:u, :s, :e, 1, NOW(6))"
            ),
            {"u": receiver.url, "s": webhooks.new_secret(), "e": "ticket.response"},
        )
    engine.dispose()
    env = {"OSTICKET_WEBHOOK_ALLOW_PRIVATE": "1"}  # the receiver is on loopback
    server = Server(db_url, settings or Settings(), os.path.join(ROOT, "bench", "results", "gunicorn.log"), env)
    committed = {}
    try:
        time.sleep(2)  # the feed takes its start position
        _changes(db_url, rate, seconds, committed)
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline and len(receiver.arrived) < len(committed):
            time.sleep(0.1)
    finally:
        server.stop()
        receiver.server.shutdown()
    delays = [receiver.arrived[i][0] - t for i, t in committed.items() if i in receiver.arrived]
    figures = {
        "rate_per_s": rate,
        "changes": len(committed),
        "delivered": len(delays),
        "duplicates": sum(len(times) - 1 for times in receiver.arrived.values()),
        "p50_ms": round(_percentile(delays, 0.5) * 1000) if delays else None,
        "p99_ms": round(_percentile(delays, 0.99) * 1000) if delays else None,
        "max_ms": round(max(delays) * 1000) if delays else None,
    }
    log(
        f"events: {figures['changes']} changes at {rate:g}/s, {figures['delivered']} delivered "
        f"({figures['duplicates']} twice); COMMIT to webhook p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"max {figures['max_ms']} ms"
    )
    return figures


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__.splitlines()[0])
    dataset.server_url_option(p)
    p.add_argument("--rate", type=float, default=10.0, help="changes per second (default 10)")
    p.add_argument("--seconds", type=float, default=20.0, help="how long (default 20)")
    args = p.parse_args(argv)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with dataset.demo_database(args.db_url, "ev") as db_url:
        measure(db_url, rate=args.rate, seconds=args.seconds)


if __name__ == "__main__":
    main()
