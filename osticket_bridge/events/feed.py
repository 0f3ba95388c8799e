"""The feed: osTicket's own rows (ost_thread_entry, ost_thread_event) turned into the bridge's events.

Every change to a ticket, made by the staff panel, e-mail piping, cron or the bridge, leaves a thread entry or a
thread event, so reading those rows sees all of them. Each poll reads the rows past the stored position of each
table by primary key (a bounded, indexed range) and stores one event per row, with the webhook deliveries it
causes, in one transaction with the new position: a crash loses and duplicates nothing.

The commit-order gap: an auto-increment id is taken at INSERT and becomes visible at COMMIT, so a row with a lower
id can appear after a higher one was read. Every id skipped between the position and the highest id read is kept
as a gap with the time it was first seen, looked up again by primary key at each poll and delivered when it
appears; a gap still empty after ``gap_seconds`` was a rolled-back insert (or a deleted row) and is dropped.

Only one process ingests at a time: the position rows are locked FOR UPDATE SKIP LOCKED, and a process that finds
them locked leaves this poll to the holder. Events are inserted under that lock only, so their own ids commit in
order and a reader of the events table (the pull feed, the stream) never meets the same gap.
"""

import json
import logging

from sqlalchemy import func, insert, select, update

from .. import metrics
from . import payload

log = logging.getLogger(__name__)

SOURCES = ("E", "V")  # ost_thread_entry, ost_thread_event
MAX_GAPS = 2000  # ids watched per table; past it the oldest are dropped (with a warning)


class Feed:
    def __init__(self, db, engine, tables, gap_seconds=300, batch=500):
        self.db = db
        self.engine = engine.execution_options(isolation_level="READ COMMITTED")
        self.t = tables
        self.gap_seconds = gap_seconds
        self.batch = batch
        self.stored = 0  # events this process stored (the metrics line)

    def ingest(self):
        """Read what is new and store its events. Returns the number stored, or None if another process ingests."""
        with self.engine.connect() as conn, conn.begin():
            pos = self.t.event_position
            rows = conn.execute(
                select(pos).where(pos.c.source.in_(SOURCES)).with_for_update(skip_locked=True)
            ).mappings()
            positions = {row["source"]: dict(row) for row in rows}
            if len(positions) < len(SOURCES):
                return None if self._exists(conn) else self._start(conn)
            now = conn.execute(select(func.unix_timestamp(func.now(6)))).scalar()
            found = []
            for source in SOURCES:
                found += self._advance(conn, source, positions[source], float(now))
            events = payload.build(self.db, conn, found)
            stored = self._store(conn, events)
            for source in SOURCES:
                position = positions[source]
                gaps = json.dumps(position["gaps"], separators=(",", ":"))
                conn.execute(
                    update(pos)
                    .where(pos.c.source == source)
                    .values(last_id=position["last_id"], gaps=gaps, updated=func.now(6))
                )
        self.stored += stored  # committed
        return stored

    def _exists(self, conn):
        pos = self.t.event_position
        return conn.execute(select(func.count()).select_from(pos)).scalar() >= len(SOURCES)

    def _start(self, conn):
        """First run: start at the rows that exist now (the history before is not replayed)."""
        for source in SOURCES:
            table = self._source_table(source)
            top = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()
            conn.execute(
                insert(self.t.event_position)
                .prefix_with("IGNORE")
                .values(source=source, last_id=top, gaps="{}", updated=func.now(6))
            )
        log.info("events: feed started at the current end of osTicket's thread tables")
        return 0

    def _source_table(self, source):
        return self.db.tables.thread_entry if source == "E" else self.db.tables.thread_event

    def _advance(self, conn, source, position, now):
        """The ids of ``source`` to turn into events now; moves ``position`` (last_id, gaps) past them."""
        table = self._source_table(source)
        gaps = {int(k): v for k, v in json.loads(position["gaps"] or "{}").items()}
        new = list(
            conn.execute(
                select(table.c.id).where(table.c.id > position["last_id"]).order_by(table.c.id).limit(self.batch)
            ).scalars()
        )
        late = []
        if gaps:
            late = list(conn.execute(select(table.c.id).where(table.c.id.in_(list(gaps)))).scalars())
            for found in late:
                log.info("events: %s row %d committed after later ones; delivered now", table.name, found)
                del gaps[found]
        if new:
            seen = set(new)
            for missing in range(position["last_id"] + 1, new[-1]):
                if missing not in seen:
                    gaps[missing] = now
            position["last_id"] = new[-1]
        for gap, since in list(gaps.items()):
            if now - since > self.gap_seconds:
                del gaps[gap]  # rolled back or deleted: it will never appear
        if len(gaps) > MAX_GAPS:
            dropped = sorted(gaps)[: len(gaps) - MAX_GAPS]
            log.warning("events: %d ids of %s skipped unseen (too many gaps)", len(dropped), table.name)
            for gap in dropped:
                del gaps[gap]
        position["gaps"] = {str(k): v for k, v in gaps.items()}
        return [(source, row_id) for row_id in late + new]

    def _store(self, conn, events):
        """Insert the events and one delivery per matching active webhook; return how many events were new."""
        if not events:
            return 0
        hooks = conn.execute(
            select(self.t.webhook.c.id, self.t.webhook.c.events).where(self.t.webhook.c.active == 1)
        ).all()
        stored = 0
        for event in events:
            result = conn.execute(
                insert(self.t.event)
                .prefix_with("IGNORE")  # the same row twice (a position restored from a backup) stays one event
                .values(
                    source=event.source,
                    source_id=event.source_id,
                    type=event.type,
                    ticket_id=event.ticket_id,
                    public=event.public,
                    created=event.created,
                    ingested=func.now(6),
                    data=json.dumps(event.data, separators=(",", ":"), default=str),
                )
            )
            if not result.rowcount:
                continue
            event_id = result.inserted_primary_key[0]
            stored += 1
            metrics.event_stored(event.type)
            wanted = [hook_id for hook_id, types in hooks if subscribed(types, event.type)]
            if wanted:
                conn.execute(
                    insert(self.t.webhook_delivery).values(next_attempt=func.now(6), created=func.now(6)),
                    [{"webhook_id": hook_id, "event_id": event_id} for hook_id in wanted],
                )
        return stored


def subscribed(types, event_type):
    """Whether a webhook's ``events`` column (comma-separated, NULL for all) takes ``event_type``."""
    return not types or event_type in types.split(",")
