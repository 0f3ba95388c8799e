"""Prometheus metrics: the one module the app, the database layer and the loops report to.

Under gunicorn every worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py makes one
when the operator did not) and a scrape of any worker, or of the master's own port, adds up all of them
(prometheus_client's multiprocess mode). Without that variable (tests, `flask run`) the samples stay in memory.
The domain reports through the plain functions here; it never imports prometheus_client.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from sqlalchemy import event

PREFIX = "osticket_bridge_"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUESTS = Counter(PREFIX + "requests_total", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(PREFIX + "request_seconds", "Time to answer", ["route", "method"], buckets=LATENCY_BUCKETS)
UNAVAILABLE = Counter(PREFIX + "unavailable_total", "503 answers, by cause", ["cause"])
DB_ROUND_TRIPS = Counter(PREFIX + "db_round_trips_total", "Statements sent to a database", ["target"])
POOL_IN_USE = Gauge(
    PREFIX + "db_pool_in_use", "Pooled connections checked out", ["target"], multiprocess_mode="livesum"
)
POOL_SIZE = Gauge(
    PREFIX + "db_pool_size", "Connections a pool keeps (and as many again on overflow)", ["target"],
    multiprocess_mode="livesum",
)  # fmt: skip
READS = Counter(PREFIX + "reads_total", "Read requests, by the database that served them and why", ["target", "why"])
NUMBER_LOCK_WAIT = Histogram(
    PREFIX + "number_lock_wait_seconds", "Time a create waited for the ticket-number lock", buckets=LATENCY_BUCKETS
)
NUMBER_LOCK_REFUSED = Counter(PREFIX + "number_lock_refusals_total", "Creates refused the number lock", ["reason"])
MAIL_ATTEMPTS = Counter(PREFIX + "mail_attempts_total", "Mail delivery attempts, by outcome", ["outcome"])
OUTBOX_DEPTH = Gauge(PREFIX + "mail_outbox_queued", "Mails waiting in the outbox", multiprocess_mode="livemax")
OUTBOX_AGE = Gauge(
    PREFIX + "mail_outbox_oldest_seconds", "Age of the oldest queued mail (0: none)", multiprocess_mode="livemax"
)
OUTBOX_FAILED = Gauge(PREFIX + "mail_outbox_failed", "Mails given up on (failed)", multiprocess_mode="livemax")
EVENTS_STORED = Counter(PREFIX + "events_stored_total", "Events the feed stored, by type", ["type"])
WEBHOOK_ATTEMPTS = Counter(PREFIX + "webhook_attempts_total", "Webhook delivery attempts, by outcome", ["outcome"])
WEBHOOK_DELAY = Histogram(
    PREFIX + "webhook_delay_seconds", "From an event's storing to its delivery (first attempts that succeeded)",
    buckets=LATENCY_BUCKETS,
)  # fmt: skip
FEED_BEHIND = Gauge(
    PREFIX + "events_feed_behind_rows", "Rows of osTicket's thread tables not read yet", multiprocess_mode="livemax"
)
WEBHOOKS_PENDING = Gauge(
    PREFIX + "webhook_deliveries_pending", "Webhook deliveries waiting (retries included)", multiprocess_mode="livemax"
)
REPLICA_LAG = Gauge(
    PREFIX + "replica_lag_seconds", "A read replica's lag (-1: down or not replicating)", ["replica"],
    multiprocess_mode="livemax",
)  # fmt: skip
REPLICA_IN_ROTATION = Gauge(
    PREFIX + "replica_in_rotation", "1 while a replica takes reads", ["replica"], multiprocess_mode="livemin"
)


def registry():
    """The registry a scrape reads: every worker's files in multiprocess mode, this process's samples otherwise."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    scraped = CollectorRegistry()
    multiprocess.MultiProcessCollector(scraped)
    return scraped


def exposition():
    """(body, content type) of a scrape."""
    return generate_latest(registry()), CONTENT_TYPE_LATEST


def watch(engine, target, pool_size):
    """Count ``engine``'s statements and its pooled connections in use, as ``target`` ("primary", a replica)."""
    POOL_SIZE.labels(target).set(pool_size)
    event.listen(engine, "before_cursor_execute", lambda *_: DB_ROUND_TRIPS.labels(target).inc())
    event.listen(engine, "checkout", lambda *_: POOL_IN_USE.labels(target).inc())
    event.listen(engine, "checkin", lambda *_: POOL_IN_USE.labels(target).dec())


def request_done(route, method, status, seconds):
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route, method).observe(seconds)


def unavailable(cause):
    UNAVAILABLE.labels(cause).inc()


def read_served(target, why):
    READS.labels(target, why).inc()


def number_lock_waited(seconds):
    NUMBER_LOCK_WAIT.observe(seconds)


def number_lock_refused(reason):
    NUMBER_LOCK_REFUSED.labels(reason).inc()


def mail_attempt(outcome):
    MAIL_ATTEMPTS.labels(outcome).inc()


def outbox_backlog(queued, oldest_seconds, failed):
    OUTBOX_DEPTH.set(queued)
    OUTBOX_AGE.set(oldest_seconds)
    OUTBOX_FAILED.set(failed)


def event_stored(event_type):
    EVENTS_STORED.labels(event_type).inc()


def webhook_attempt(outcome, delay_seconds=None):
    WEBHOOK_ATTEMPTS.labels(outcome).inc()
    if delay_seconds is not None:
        WEBHOOK_DELAY.observe(delay_seconds)


def events_backlog(behind_rows, pending):
    FEED_BEHIND.set(behind_rows)
    WEBHOOKS_PENDING.set(pending)


def replica_state(name, lag, in_rotation):
    REPLICA_LAG.labels(name).set(-1 if lag is None else lag)
    REPLICA_IN_ROTATION.labels(name).set(1 if in_rotation else 0)


def serve(host, port):
    """Serve the scrape on a port of its own (a daemon thread of the calling process)."""
    start_http_server(port, addr=host, registry=registry())


def process_exited(pid):
    """gunicorn's child_exit: drop a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
