"""Webhook deliveries: claimed across processes and hosts, retried with backoff, endpoints disabled after days.

A due delivery is claimed with SELECT ... FOR UPDATE SKIP LOCKED and stays locked while its request is made, so
two processes never send it at once; its outcome is written in the same transaction. At-least-once: a process that
dies after the receiver answered but before the commit leaves the delivery to be sent again (same webhook-id, so
the receiver can drop the duplicate).

A failure schedules the next attempt after ``first_retry * 4 ** (attempts - 1)`` seconds (capped at
MAX_DELAY), and postpones the endpoint's other due deliveries as long: a dead endpoint costs one request per
backoff, not one per event. A delivery failing for ``give_up`` (3 days) is marked failed; an endpoint without a
success for ``disable_after`` is disabled with a log line (`osticket-bridge webhooks enable` turns it back on).
"""

import logging
from dataclasses import dataclass

from sqlalchemy import func, literal_column, select, update

from .. import metrics
from . import payload, webhooks

log = logging.getLogger(__name__)

MAX_DELAY = 6 * 3600


@dataclass(frozen=True)
class Policy:
    first_retry: float = 10.0
    give_up: float = 3 * 86400
    disable_after: float = 5 * 86400
    timeout: float = webhooks.TIMEOUT
    allow_private: bool = False

    def backoff(self, attempts):
        return min(self.first_retry * 4 ** (attempts - 1), MAX_DELAY)


class Deliveries:
    def __init__(self, engine, tables, policy):
        self.engine = engine.execution_options(isolation_level="READ COMMITTED")
        self.t = tables
        self.policy = policy
        self.counts = {"delivered": 0, "failed": 0, "retried": 0}

    def deliver_due(self, stop=lambda: False):
        """Send due deliveries until none is left; return how many were attempted."""
        attempted = 0
        while not stop() and self.deliver_one():
            attempted += 1
        return attempted

    def deliver_one(self):
        """Claim one due delivery and make its request; False when none is due."""
        d, h, e = self.t.webhook_delivery, self.t.webhook, self.t.event
        with self.engine.connect() as conn, conn.begin():
            # Only the delivery row is locked (the subquery's rows are not): other processes go on delivering the
            # same endpoint's and the same event's other deliveries.
            claimed = (
                conn.execute(
                    select(d.c.id, d.c.webhook_id, d.c.event_id, d.c.attempts, d.c.created, func.now(6).label("now"))
                    .where(
                        d.c.status == "pending",
                        d.c.next_attempt <= func.now(6),
                        d.c.webhook_id.in_(select(h.c.id).where(h.c.active == 1)),
                    )
                    .order_by(d.c.next_attempt, d.c.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                .mappings()
                .first()
            )
            if claimed is None:
                return False
            hook = conn.execute(select(h.c.url, h.c.secret, h.c.failing_since).where(h.c.id == claimed["webhook_id"]))
            event = conn.execute(select(e).where(e.c.id == claimed["event_id"])).mappings().one()
            row = {**claimed, **hook.mappings().one()}
            document = payload.document(event)
            outcome = webhooks.post(
                row["url"], row["secret"], document["id"], payload.encode(document), self.policy.allow_private,
                self.policy.timeout,
            )  # fmt: skip
            self._record(conn, row, outcome)
            return True

    def _record(self, conn, row, outcome):
        d, h = self.t.webhook_delivery, self.t.webhook
        attempts = row["attempts"] + 1
        where = f"webhook #{row['webhook_id']} ({row['url']}) event evt_{row['event_id']} attempt {attempts}"
        if outcome.ok:
            conn.execute(
                update(d)
                .where(d.c.id == row["id"])
                .values(status="delivered", attempts=attempts, last_code=outcome.code, last_error=None,
                        delivered=func.now(6))
            )  # fmt: skip
            if row["failing_since"] is not None:
                conn.execute(update(h).where(h.c.id == row["webhook_id"]).values(failing_since=None))
            self.counts["delivered"] += 1
            waited = (row["now"] - row["created"]).total_seconds() if attempts == 1 else None
            metrics.webhook_attempt("delivered", waited)
            log.info("%s: delivered (%s)", where, outcome.code)
            return
        values = {"attempts": attempts, "last_code": outcome.code, "last_error": outcome.error}
        if (row["now"] - row["created"]).total_seconds() >= self.policy.give_up:
            conn.execute(update(d).where(d.c.id == row["id"]).values(status="failed", **values))
            self.counts["failed"] += 1
            metrics.webhook_attempt("failed")
            log.error("%s: failed, given up after %d attempts: %s", where, attempts, outcome.error)
        else:
            delay = self.policy.backoff(attempts)
            later = func.timestampadd(literal_column("MICROSECOND"), int(delay * 1e6), func.now(6))
            conn.execute(update(d).where(d.c.id == row["id"]).values(next_attempt=later, **values))
            # The endpoint's other due deliveries wait as long: a dead endpoint is not called once per event.
            conn.execute(
                update(d)
                .where(d.c.webhook_id == row["webhook_id"], d.c.status == "pending", d.c.next_attempt < later)
                .values(next_attempt=later)
            )
            self.counts["retried"] += 1
            metrics.webhook_attempt("retried")
            log.warning("%s: failed (%s); next try in %gs", where, outcome.error, delay)
        self._note_failing(conn, row, where)

    def _note_failing(self, conn, row, where):
        h = self.t.webhook
        since = row["failing_since"]
        if since is None:
            conn.execute(update(h).where(h.c.id == row["webhook_id"]).values(failing_since=func.now(6)))
        elif (row["now"] - since).total_seconds() >= self.policy.disable_after:
            reason = f"disabled: no successful delivery since {since:%Y-%m-%d %H:%M:%S}"
            conn.execute(update(h).where(h.c.id == row["webhook_id"]).values(active=0, disabled_reason=reason))
            log.error("%s: webhook %s", where, reason)
