"""Load client, run as its own process: N connections (one process each) repeat one scenario for a bounded time.

``python -m bench.load`` reads a JSON spec on stdin and prints the result as JSON on stdout:
spec = {"scenario", "base_url" | "base_urls" | "db_url", "api_key", "targets", "connections", "duration",
"warmup", "max_requests"}. HTTP scenarios use one keep-alive http.client connection per process; floor scenarios one
raw driver connection per process (bench/rawdb.py). Latencies are measured around a whole request, response body
included.
"""

import http.client
import json
import multiprocessing
import random
import sys
import time
import uuid
from urllib.parse import urlsplit

from .floor import Floor
from .rawdb import connect

MESSAGE = "Hello, my order has not arrived yet. Could you check where it is? Order number 4711, paid last week."


def _create(existing):
    def request(rng, targets, n):
        if existing:
            users = targets["users"]
            # "prime": each user in turn, so that a stock osTicket knows them all afterwards
            _, name, email = users[n % len(users)] if targets.get("prime") else rng.choice(users)
        else:
            name, email = "New Person", f"new.{uuid.uuid4().hex}@bench.example.org"
        body = {"email": email, "name": name, "subject": f"Bench ticket {n}", "message": MESSAGE}
        if targets["topics"]:
            body["topicId"] = rng.choice(targets["topics"])
        return "POST", "/api/tickets.json", body

    return request


def _reply(rng, targets, n):
    number, user_id = rng.choice(targets["open_tickets"])
    return "PUT", f"/api/tickets.json/{number}", {"user_id": user_id, "message": f"{MESSAGE} ({n})"}


def _agent_reply(rng, targets, n):
    number, username = rng.choice(targets["agent_tickets"])
    body = {"ticketNumber": number, "response": f"We are looking into it ({n}).", "staffUserName": username}
    return "POST", "/api/scp/tickets/reply.json", body


def headers(api_key, method):
    """A request's headers, as a careful client sends them: every write carries its own Idempotency-Key."""
    sent = {"X-API-Key": api_key, "Content-Type": "application/json"}
    if method != "GET":
        sent["Idempotency-Key"] = uuid.uuid4().hex
    return sent


# scenario -> (request builder, expected status); the builder returns (method, path, JSON body or None)
HTTP = {
    "ticket": (lambda rng, t, n: ("GET", f"/api/tickets.json/{rng.choice(t['long_tickets'])}", None), 200),
    "list": (lambda rng, t, n: ("GET", f"/api/tickets.json?user_id={rng.choice(t['heavy_users'])}", None), 200),
    "topics": (lambda rng, t, n: ("GET", "/api/topics.json", None), 200),
    "create": (_create(existing=True), 201),
    "create_new_user": (_create(existing=False), 201),
    "reply": (_reply, 200),
    "agent_reply": (_agent_reply, 200),
    "ticket1": (lambda rng, t, n: ("GET", f"/api/tickets.json/{rng.choice(t['long_tickets'])}", None), 200),
    # gunicorn and Flask with the bridge's hooks, no database: what one ticket at 1 connection costs before its read
    "healthz": (lambda rng, t, n: ("GET", "/healthz", None), 200),
    # alexsantos/osticket-api on the sample database: a ticket by internal id, a user's tickets by address
    "peer_ticket": (lambda rng, t, n: ("GET", f"/tickets/{rng.choice(t['peer_ticket_ids'])}", None), 200),
    "peer_list": (lambda rng, t, n: ("GET", f"/tickets?email={rng.choice(t['peer_emails'])}", None), 200),
    # a real osTicket's stock API: the create's body, for users the stock database knows (primed first)
    "stock_create": (_create(existing=True), 201),
}
FLOOR = {
    "ticket": lambda floor, rng, t: floor.ticket(rng.choice(t["long_tickets"])),
    "ticket1": lambda floor, rng, t: floor.ticket(rng.choice(t["long_tickets"])),
    "list": lambda floor, rng, t: floor.ticket_list(rng.choice(t["heavy_users"])),
    "topics": lambda floor, rng, t: floor.topics(),
    "create": lambda floor, rng, t: floor.create(
        rng.choice(t["users"])[2], "Bench floor ticket", MESSAGE, rng.choice(t["topics"]), rng
    ),
}


class _HttpClient:
    def __init__(self, spec, index):
        # With several base URLs (bridge instances), connection i goes to URL i modulo their number.
        urls = spec.get("base_urls") or [spec["base_url"]]
        url = urlsplit(urls[index % len(urls)])
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        self.build, self.expected = HTTP[spec["scenario"]]
        self.api_key = spec["api_key"]
        self.targets = spec["targets"]

    def __call__(self, rng, n):
        method, path, body = self.build(rng, self.targets, n)
        try:
            data = json.dumps(body) if body is not None else None
            self.conn.request(method, path, data, headers(self.api_key, method))
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            return f"{type(exc).__name__}: {exc}"
        if response.status != self.expected:
            return f"{method} {path} -> {response.status} {data[:300]!r}"
        return None

    def close(self):
        self.conn.close()


class _FloorClient:
    def __init__(self, spec, index):
        self.db = connect(spec["db_url"])
        self.floor = Floor(self.db, spec["api_key"])
        self.op = FLOOR[spec["scenario"]]
        self.targets = spec["targets"]

    def __call__(self, rng, n):
        self.op(self.floor, rng, self.targets)

    def close(self):
        self.db.close()


def _work(spec, index, measure_from, stop_at, quota):
    """One connection's loop (in its own process): [latencies of the measured window], [errors], requests sent."""
    client = (_FloorClient if spec.get("db_url") else _HttpClient)(spec, index)
    rng = random.Random(index)
    latencies, errors = [], []
    n = 0
    while len(latencies) < quota:
        now = time.monotonic()
        if now >= stop_at:
            break
        began = time.perf_counter()
        error = client(rng, n)
        n += 1
        if error:
            errors.append(error)
        elif now >= measure_from:
            latencies.append(time.perf_counter() - began)
    client.close()
    return latencies, errors, n


def run(spec):
    """Drive the scenario from one process per connection (no shared GIL); return counts and percentiles."""
    connections = spec["connections"]
    measure_from = time.monotonic() + 0.5 + spec["warmup"]  # half a second for the processes to start
    stop_at = measure_from + spec["duration"]
    quota = spec["max_requests"] // connections + 1
    with multiprocessing.get_context("fork").Pool(connections) as pool:
        args = [(spec, i, measure_from, stop_at, quota) for i in range(connections)]
        outcomes = pool.starmap(_work, args)
    elapsed = min(time.monotonic(), stop_at) - measure_from
    merged = sorted(x for latencies, _, _ in outcomes for x in latencies)
    errors = [e for _, errs, _ in outcomes for e in errs]
    return {
        "requests": len(merged),
        "sent": sum(n for _, _, n in outcomes),  # warm-up included
        "errors": len(errors),
        "error_samples": errors[:3],
        "elapsed": elapsed,
        "rps": len(merged) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": _percentile(merged, 50),
        "p99_ms": _percentile(merged, 99),
    }


def _percentile(sorted_values, pct):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1)))
    return sorted_values[index] * 1000


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
