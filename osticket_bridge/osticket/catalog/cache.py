"""Installer-seeded rows and settings, looked up by name/state/type (never by fresh-install id).

They change only when an admin edits them, so a copy is kept for a short time per process; so are the full
names of help topics and departments, which every ticket shows, and what notices read of other admin-edited
rows (``Catalog.kept``).
"""

import json
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import select

from ...db import snapshot
from . import topics

CACHE_SECONDS = 30

FIELD_STORED_ELSEWHERE = 0x2  # ost_form_field.flags: no answer row (email/name/message)
FORM_DELETED = 0x2  # ost_form.flags


@dataclass
class Catalog:
    config: dict  # core namespace key -> value
    statuses: dict  # id -> row mapping, plus parsed "props"
    priorities: dict  # id -> row mapping
    events: dict  # name -> ost_event id (empty before 1.11)
    user_form_id: int
    ticket_form_id: int
    fields: dict = field(default_factory=dict)  # form id -> [field rows] in sort order
    names: dict = field(default_factory=dict)  # "topics"/"depts" -> {id: full name ("Parent / Child")}
    _kept: dict = field(default_factory=dict, init=False, repr=False)  # see kept()

    def kept(self, key, load):
        """``load()``, read once for as long as this catalog is kept (CACHE_SECONDS): for other rows that only an
        admin changes (e-mail templates, who gets alerts). The value is shared: it must not be changed."""
        if key not in self._kept:
            self._kept[key] = load()
        return self._kept[key]

    def setting(self, key, default=""):
        value = self.config.get(key)
        return default if value is None else value

    def int_setting(self, key, default=0):
        try:
            return int(self.config.get(key) or default)
        except ValueError:
            return default

    def default_status_id(self):
        """core.default_ticket_status_id if it names an open status, else the first open status."""
        wanted = self.int_setting("default_ticket_status_id", 0)
        if wanted in self.statuses and self.statuses[wanted]["state"] == "open":
            return wanted
        return min(i for i, s in self.statuses.items() if s["state"] == "open")

    def field(self, form_id, name):
        """The form's field with this variable name, or None."""
        return next((f for f in self.fields.get(form_id, ()) if f["name"] == name), None)

    def stored_fields(self, form_id):
        """Fields that get an ost_form_entry_values row (osTicket skips 'stored elsewhere' ones)."""
        return [f for f in self.fields.get(form_id, ()) if not f["flags"] & FIELD_STORED_ELSEWHERE]


def load_catalog(db, conn):
    t = db.tables
    config = dict(conn.execute(select(t.config.c.key, t.config.c.value).where(t.config.c.namespace == "core")).all())
    statuses = {}
    for row in conn.execute(select(t.ticket_status)).mappings():
        status = dict(row)
        try:
            status["props"] = json.loads(row["properties"] or "{}")
        except ValueError:
            status["props"] = {}
        statuses[row["id"]] = status
    priorities = {r["priority_id"]: dict(r) for r in conn.execute(select(t.ticket_priority)).mappings()}
    # 1.10 has no ost_event: its thread events name themselves (ost_thread_event.state).
    events = dict(conn.execute(select(t.event.c.name, t.event.c.id)).all()) if t.has("event") else {}
    forms = conn.execute(
        select(t.form.c.id, t.form.c.type)
        .where(t.form.c.type.in_(("U", "T")), t.form.c.flags.op("&")(FORM_DELETED) == 0)
        .order_by(t.form.c.id)
    ).all()
    form_ids = {}
    for form_id, form_type in forms:
        form_ids.setdefault(form_type, form_id)
    fields = {}
    ff = t.form_field
    rows = conn.execute(
        select(ff.c.id, ff.c.form_id, ff.c.flags, ff.c.type, ff.c.label, ff.c.name, ff.c.configuration)
        .where(ff.c.form_id.in_(list(form_ids.values())))
        .order_by(ff.c.form_id, ff.c.sort, ff.c.id)
    ).mappings()
    for row in rows:
        fields.setdefault(row["form_id"], []).append(dict(row))
    labels = topics.load_labels(db, conn)
    return Catalog(
        names={kind: topics.full_names(labelled) for kind, labelled in labels.items()},
        config=config,
        statuses=statuses,
        priorities=priorities,
        events=events,
        user_form_id=form_ids.get("U"),
        ticket_form_id=form_ids.get("T"),
        fields=fields,
    )


def cached_catalog(db, conn):
    """The catalog as this process keeps it: read again after CACHE_SECONDS, so an admin's change shows by then."""
    return catalog_cache(db).get(conn)


def catalog_cache(db):
    """This Database's CatalogCache, made on first use (the Database keeps it in ``caches`` without knowing it)."""
    cache = db.caches.get("catalog")
    if cache is None:
        cache = db.caches.setdefault("catalog", CatalogCache(db))
    return cache


class CatalogCache:
    """Per-process copy of the catalog, reloaded after CACHE_SECONDS or on demand."""

    def __init__(self, db):
        self._db = db
        self._lock = threading.Lock()
        self._catalog = None
        self._loaded_at = 0.0

    def get(self, conn):
        with self._lock:
            if self._catalog is None or time.monotonic() - self._loaded_at > CACHE_SECONDS:
                with snapshot(conn):  # its reads must agree, also on a one-statement read's connection
                    self._catalog = load_catalog(self._db, conn)
                self._loaded_at = time.monotonic()
            return self._catalog

    def invalidate(self):
        with self._lock:
            self._catalog = None
