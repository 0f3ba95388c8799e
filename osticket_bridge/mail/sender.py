"""The sender loop: a daemon thread in each worker that drains the outbox.

Each mail is claimed with SELECT ... FOR UPDATE SKIP LOCKED (MariaDB 10.6+, MySQL 8) and its row stays locked
while the transport talks to the server, so several workers or hosts never send one mail twice: a row another
sender holds is skipped, and a sent row is marked in the same transaction. The claim runs READ COMMITTED so it
takes no gap locks: the write paths' inserts into the outbox never wait for a mail server.

A temporary failure reschedules the mail with a backoff capped at MAX_DELAY and pauses this worker's loop as long
(a down server is not hammered), so mail flows again within MAX_DELAY + POLL_SECONDS of the server coming back.
A permanent refusal (5xx), or temporary failures for GIVE_UP_AFTER, mark the mail failed; `osticket-bridge mail
retry` queues it again. If the process dies mid-send the row's lock is released and the mail is retried: a mail
the server accepted just before such a crash can go out twice, never zero times.
"""

import logging
import os
import threading
import time
from datetime import timedelta

from sqlalchemy import case, func, literal_column, select, update
from sqlalchemy.exc import SQLAlchemyError

from .. import metrics
from . import mime
from .transports import TEMPORARY_ERRORS, Permanent, connections_kept, decoded

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
FIRST_DELAY = 5
MAX_DELAY = 30
GIVE_UP_AFTER = timedelta(days=3)
BACKLOG_EVERY = 15  # seconds between two reports of the outbox's depth and age to metrics


def backoff(attempts):
    """Seconds before the next try after ``attempts`` failed ones: 5, 10, 20, 30, 30, ..."""
    return min(FIRST_DELAY * 2 ** (attempts - 1), MAX_DELAY)


class Sender:
    def __init__(self, db, outbox):
        self.outbox = outbox
        self.engine = db.engine  # same pool as the app
        self._thread = None
        self._pid = None
        self._start_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._backing_off_until = 0.0  # time.monotonic() before which a write's wake() does not end the pause
        self._backlog_due = 0.0

    def ensure_running(self):
        """Start the loop in this process unless it runs already (a forked worker starts its own)."""
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._stopping.clear()
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="osticket-bridge-mail", daemon=True)
            self._thread.start()

    def wake(self):
        """A write queued mail: look now rather than at the next poll, unless a failing server is backed off from
        (every write would otherwise try the down server again)."""
        if time.monotonic() >= self._backing_off_until:
            self._wake.set()

    def stop(self, timeout=None):
        self._stopping.set()
        self._wake.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout)

    def _run(self):
        while not self._stopping.is_set():
            try:
                self._report_backlog()
                pause = self.deliver_due()
            except SQLAlchemyError as exc:
                log.warning(
                    "mail: cannot reach the outbox (%s); trying again in %ss", exc.__class__.__name__, MAX_DELAY
                )
                pause = MAX_DELAY
            except Exception:  # a bug must not end delivery for the life of the worker
                log.exception("mail: unexpected error in the sender loop; trying again in %ss", MAX_DELAY)
                pause = MAX_DELAY
            self._backing_off_until = time.monotonic() + pause if pause > POLL_SECONDS else 0.0
            self._wake.wait(pause)
            self._wake.clear()

    def _report_backlog(self):
        if time.monotonic() < self._backlog_due:
            return
        self._backlog_due = time.monotonic() + BACKLOG_EVERY
        table = self.outbox.table
        queued = table.c.status == "queued"
        oldest = func.min(case((queued, table.c.created)))
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    func.coalesce(func.sum(case((queued, 1), else_=0)), 0),
                    func.coalesce(func.timestampdiff(literal_column("SECOND"), oldest, func.now(6)), 0),
                    func.coalesce(func.sum(case((queued, 0), else_=1)), 0),
                ).where(table.c.status != "sent")
            ).one()
        metrics.outbox_backlog(*row)

    def deliver_due(self):
        """Send due mails, on one connection, until none is left or one fails for now; return how long to pause."""
        with self.engine.connect() as conn, connections_kept():
            while not self._stopping.is_set():
                outcome = self.deliver_one(conn)
                if outcome is None:
                    return POLL_SECONDS
                if outcome > 0:  # temporary failure: the server is probably down; back off as long as the mail does
                    return outcome
        return 0

    def deliver_one(self, conn):
        """Claim one due mail and try it, in a transaction of its own on ``conn``. None: nothing due; 0: done (sent
        or failed); > 0: retry in that many s."""
        table = self.outbox.table
        with conn.begin():
            # For this transaction only: nothing to set back afterwards (a statement less than a session's level).
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            row = (
                conn.execute(
                    select(table, func.now(6).label("now"))
                    .where(table.c.status == "queued", table.c.next_attempt <= func.now(6))
                    .order_by(table.c.next_attempt, table.c.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            attempt = Attempt(conn, table, row)
            try:
                message = mime.wire(row["message"])
            except Exception as exc:  # the same every try: failed, until a fixed version is told to `mail retry`
                log.exception("mail #%d: cannot build the message", row["id"], **attempt.context)
                return attempt.failed(f"cannot build the message: {exc.__class__.__name__}: {exc}"[:2000])
            try:
                refused = self.outbox.transport.send(row["sender"], row["recipients"].split(", "), message)
            except Permanent as exc:
                return attempt.failed(f"refused for good: {exc}")
            except Exception as exc:  # network, 4xx, TLS, timeout... or a bug: another try, later, either way
                if not isinstance(exc, TEMPORARY_ERRORS):
                    log.exception("mail #%d: unexpected error while sending", row["id"], **attempt.context)
                return attempt.failed_for_now(f"{exc.__class__.__name__}: {exc}"[:2000])
            return attempt.sent(refused)


class Attempt:
    """Records the outcome of one delivery attempt on its claimed row, and logs it with the write's request id."""

    def __init__(self, conn, table, row):
        self.conn, self.table, self.row = conn, table, row
        self.number = row["attempts"] + 1
        self.context = {"extra": {"request_id": row["request_id"]}}

    def _record(self, **values):
        self.conn.execute(
            update(self.table).where(self.table.c.id == self.row["id"]).values(attempts=self.number, **values)
        )

    def _say(self, level, outcome, *args):
        row = self.row
        log.log(level, "mail #%d (%s) to %s: attempt %d " + outcome, row["id"], row["kind"], row["recipients"],
                self.number, *args, **self.context)  # fmt: skip

    def sent(self, refused):
        # Some recipients refused, the others accepted: the mail went out; keep who did not get it.
        refused = "; ".join(f"{address}: {code} {decoded(error)}" for address, (code, error) in (refused or {}).items())
        self._record(status="sent", sent=func.now(6), last_error=refused or None)
        metrics.mail_attempt("sent")
        self._say(logging.INFO, "sent%s", f" (refused by the server: {refused})" if refused else "")
        return 0

    def failed(self, error):
        self._record(status="failed", last_error=error)
        metrics.mail_attempt("failed")
        self._say(logging.ERROR, "failed, not retried: %s", error)
        return 0

    def failed_for_now(self, error):
        if self.row["now"] - self.row["created"] > GIVE_UP_AFTER:
            return self.failed(f"given up after {GIVE_UP_AFTER.days} days: {error}")
        delay = backoff(self.number)
        metrics.mail_attempt("failed_for_now")
        self._record(last_error=error, next_attempt=func.timestampadd(literal_column("SECOND"), delay, func.now(6)))
        self._say(logging.WARNING, "failed (%s); next try in %ds", error, delay)
        return delay
