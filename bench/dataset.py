"""Bulk-build a benchmark osTicket database: complete tickets written with multi-row INSERTs, never the API.

Every ticket gets what osTicket expects (DATA_MODEL §7.13): its `T` thread and entries, the `T` form entry with
an answer row per stored field, the ticket__cdata row, a `created` event (and a `closed` one when closed), and
an owner with an e-mail address, a contact form entry and a user__cdata row. The search index is left to
osTicket's cron (nothing the bridge reads depends on it).

Shape: every 10th ticket has 10 entries, the others 4 or 5 (5 on average); every 10th ticket (another one)
belongs to one of a few "heavy" users, so their lists fill a page of 50; a third of the tickets are closed.
"""

import contextlib
import datetime
import json
import os
import queue
import random
import threading
import time
import uuid

from pymysql.converters import escape_string

from osticket_bridge import fixtures
from osticket_bridge.db import Database
from osticket_bridge.osticket.catalog.cache import cached_catalog

from .rawdb import connect, fetchall, scalar

CHUNK = 2000  # tickets per round of INSERTs: statements of a few MB, under the default 16 MB max_allowed_packet
ZERO_DATE = "'0000-00-00 00:00:00'"  # ost_thread_entry.updated as osTicket leaves it
WORDS = (
    "account access after again billing cannot change charge check customer data email error export form help "
    "invoice issue login message missing month order page password payment please printer problem refund report "
    "request reset screen server service since still support system thanks today update upload user working"
).split()
FIRST = "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Karl Laura Mallory Nina Oscar Peggy Quinn Rupert".split()
LAST = "Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker Wright Robinson Thompson".split()


def number_digits(tickets):
    """Digits of the ticket number format: at least osTicket's 6, and room for ten times the tickets."""
    return max(6, len(str(tickets)) + 1)


def heavy_user_count(tickets):
    """Users owning every 10th ticket: about 100 tickets each at any scale (a full page of 50 and more)."""
    return max(1, tickets // 1000)


class _Sender:
    """Run statements on one connection in a background thread, so Python builds the next chunk meanwhile."""

    def __init__(self, conn):
        self._conn = conn
        self._queue = queue.Queue(maxsize=3)
        self._error = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while (batch := self._queue.get()) is not None:
            if self._error:
                continue
            try:
                with self._conn.cursor() as cur:
                    cur.execute("START TRANSACTION")
                    for sql in batch:
                        cur.execute(sql)
                    cur.execute("COMMIT")
            except Exception as exc:  # noqa: BLE001 - re-raised in the producer on its next send or at close
                self._error = exc

    def send(self, batch):
        if self._error:
            raise self._error
        self._queue.put(batch)

    def close(self):
        self._queue.put(None)
        self._thread.join()
        if self._error:
            raise self._error


def _insert(table, columns, rows):
    return f"INSERT INTO `ost_{table}` ({columns}) VALUES " + ",".join(rows)


def _lit(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + escape_string(str(value)) + "'"


def _text_pool(rng, count, low, high):
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() for _ in range(count)]


class Builder:
    """What the bulk rows depend on, read once from the freshly installed database."""

    def __init__(self, db_url, tickets, users):
        self.tickets, self.users = tickets, max(users, 1)
        self.heavy = min(self.users, heavy_user_count(tickets))
        self.rng = random.Random(42)
        db = Database(db_url)
        try:
            with db.engine.connect() as conn:
                self.catalog = cached_catalog(db, conn)
        finally:
            db.dispose()
        self.db_url = db_url
        self.conn = connect(db_url)
        self._read_install()
        self.subjects = [_lit(s) for s in _text_pool(self.rng, 200, 3, 8)]
        self.text_bodies = [_lit(s + ".") for s in _text_pool(self.rng, 64, 20, 80)]
        self.html_bodies = [
            _lit(f"<p>{s}.</p><p>{t}.</p>")
            for s, t in zip(_text_pool(self.rng, 64, 10, 40), _text_pool(self.rng, 64, 10, 40), strict=True)
        ]
        now = datetime.datetime.now().replace(microsecond=0)
        self.start = now - datetime.timedelta(days=732)
        self.step = 730 * 86400 / max(tickets, 1)

    def _read_install(self):
        cat = self.catalog
        conn = self.conn
        self.open_status = cat.default_status_id()
        closed = sorted(i for i, s in cat.statuses.items() if s["state"] == "closed")
        by_name = [i for i in closed if cat.statuses[i]["name"] == "Closed"]
        self.closed_status = (by_name or closed)[0]
        self.closed_data = _lit(
            json.dumps(
                {"status": [self.closed_status, cat.statuses[self.closed_status]["name"]]}, separators=(",", ":")
            )
        )
        default_dept = cat.int_setting("default_dept_id", 1)
        dept_sla = dict(fetchall(conn, "SELECT id, sla_id FROM ost_department"))
        self.topics = []
        for topic_id, dept_id, priority_id, sla_id in fetchall(
            conn,
            "SELECT topic_id, dept_id, priority_id, sla_id FROM ost_help_topic "
            "WHERE ispublic=1 AND flags & 2 ORDER BY topic_id",
        ):
            dept_id = dept_id or default_dept
            self.topics.append(
                (
                    topic_id,
                    dept_id,
                    priority_id or cat.int_setting("default_priority_id", 2),
                    sla_id or dept_sla.get(dept_id) or cat.int_setting("default_sla_id", 0),
                )
            )
        default_sla = dept_sla.get(default_dept) or cat.int_setting("default_sla_id", 0)
        self.no_topic = (0, default_dept, cat.int_setting("default_priority_id", 2), default_sla)
        self.grace = dict(fetchall(conn, "SELECT id, grace_period FROM ost_sla WHERE flags & 1"))
        self.staff = [
            (sid, _lit(f"{first} {last}".strip()), _lit(username))
            for sid, first, last, username in fetchall(
                conn, "SELECT staff_id, firstname, lastname, username FROM ost_staff ORDER BY staff_id"
            )
        ]
        self.events = cat.events
        self.t_form, self.u_form = cat.ticket_form_id, cat.user_form_id
        self.t_fields = [(f["id"], f["name"]) for f in cat.stored_fields(self.t_form)]
        self.u_fields = [(f["id"], f["name"]) for f in cat.stored_fields(self.u_form)]
        self.t_cdata = self._cdata_columns("ost_ticket__cdata", "ticket_id", self.t_fields)
        self.u_cdata = self._cdata_columns("ost_user__cdata", "user_id", self.u_fields)

    def _cdata_columns(self, table, key, stored):
        # osTicket's upsert writes '' for a stored field without an answer; other columns stay NULL.
        names = {name for _, name in stored}
        rows = fetchall(
            self.conn,
            "SELECT column_name FROM information_schema.columns WHERE table_schema=DATABASE() AND table_name=%s "
            "ORDER BY ordinal_position",
            (table,),
        )
        return [(c, c in names) for (c,) in rows if c != key]

    def _next_id(self, table, column="id"):
        return (scalar(self.conn, f"SELECT MAX(`{column}`) FROM `ost_{table}`") or 0) + 1

    def build(self, log):
        digits = number_digits(self.tickets)
        fmt = scalar(self.conn, "SELECT value FROM ost_config WHERE namespace='core' AND `key`='ticket_number_format'")
        if (fmt or "").count("#") < digits:
            with self.conn.cursor() as cur:
                cur.execute(
                    "UPDATE ost_config SET value=%s WHERE namespace='core' AND `key`='ticket_number_format'",
                    ("#" * digits,),
                )
        self.digits = digits
        sender = _Sender(connect(self.db_url, autocommit=False))
        began = time.monotonic()
        try:
            self._users(sender)
            log(f"  {self.users} users queued ({time.monotonic() - began:.1f}s)")
            self._tickets(sender, log, began)
        finally:
            sender.close()
        with self.conn.cursor() as cur:
            cur.execute(
                "ANALYZE TABLE ost_ticket, ost_thread, ost_thread_entry, ost_thread_event, ost_form_entry, "
                "ost_form_entry_values, ost_ticket__cdata, ost_user, ost_user_email, ost_user__cdata"
            )
            cur.fetchall()
        log(f"  built in {time.monotonic() - began:.1f}s")

    def _users(self, sender):
        u0, e0, fe0 = self._next_id("user"), self._next_id("user_email"), self._next_id("form_entry")
        self.u0, self.next_form_entry = u0, fe0 + self.users
        created = _lit(str(self.start - datetime.timedelta(days=30)))
        self.names, self.emails = [], []
        for lo in range(0, self.users, 5000):
            users, emails, entries, values, cdata = [], [], [], [], []
            for k in range(lo, min(lo + 5000, self.users)):
                uid, eid, feid = u0 + k, e0 + k, fe0 + k
                first, last = FIRST[k % len(FIRST)], LAST[(k // len(FIRST)) % len(LAST)]
                name, email = f"{first} {last}", f"{first}.{last}.{k}@example.com".lower()
                self.names.append(name)
                self.emails.append(email)
                users.append(f"({uid},0,{eid},0,'{name}',{created},{created})")
                emails.append(f"({eid},{uid},0,'{email}')")
                entries.append(f"({feid},{self.u_form},{uid},'U',1,NULL,{created},{created})")
                values.extend(f"({feid},{fid},NULL,NULL)" for fid, _ in self.u_fields)
                cdata.append(f"({uid}," + ",".join("''" if stored else "NULL" for _, stored in self.u_cdata) + ")")
            batch = [
                _insert("user", "id,org_id,default_email_id,status,name,created,updated", users),
                _insert("user_email", "id,user_id,flags,address", emails),
                _insert("form_entry", "id,form_id,object_id,object_type,sort,extra,created,updated", entries),
            ]
            if values:
                batch.append(_insert("form_entry_values", "entry_id,field_id,value,value_id", values))
            if self.u_cdata:
                batch.append(_insert("user__cdata", "user_id," + ",".join(c for c, _ in self.u_cdata), cdata))
            sender.send(batch)

    def _tickets(self, sender, log, began):
        if not self.staff:
            raise RuntimeError("the install has no agent to write responses")
        t0, th0 = self._next_id("ticket", "ticket_id"), self._next_id("thread")
        self.entry_id, self.event_id = self._next_id("thread_entry"), self._next_id("thread_event")
        for lo in range(0, self.tickets, CHUNK):
            rows = {name: [] for name in ("ticket", "thread", "entry", "event", "form_entry", "values", "cdata")}
            for i in range(lo, min(lo + CHUNK, self.tickets)):
                self._ticket(i, t0 + i, th0 + i, self.next_form_entry + i, rows)
            batch = [
                _insert(
                    "ticket",
                    "ticket_id,number,user_id,status_id,dept_id,sla_id,topic_id,staff_id,ip_address,source,"
                    "isanswered,est_duedate,closed,lastupdate,created,updated",
                    rows["ticket"],
                ),
                _insert("thread", "id,object_id,object_type,lastresponse,lastmessage,created", rows["thread"]),
                _insert(
                    "thread_entry",
                    "id,pid,thread_id,staff_id,user_id,type,flags,poster,source,title,body,format,ip_address,"
                    "recipients,created,updated",
                    rows["entry"],
                ),
                _insert(
                    "thread_event",
                    "id,thread_id,thread_type,event_id,staff_id,team_id,dept_id,topic_id,data,username,uid,"
                    "uid_type,annulled,timestamp",
                    rows["event"],
                ),
                _insert(
                    "form_entry", "id,form_id,object_id,object_type,sort,extra,created,updated", rows["form_entry"]
                ),
                _insert("form_entry_values", "entry_id,field_id,value,value_id", rows["values"]),
            ]
            if self.t_cdata:
                batch.append(
                    _insert("ticket__cdata", "ticket_id," + ",".join(c for c, _ in self.t_cdata), rows["cdata"])
                )
            sender.send(batch)
            done = min(lo + CHUNK, self.tickets)
            if done % (CHUNK * 25) == 0 or done == self.tickets:
                log(f"  {done} tickets queued ({time.monotonic() - began:.1f}s)")

    def _ticket(self, i, tid, thid, feid, rows):
        lo = 10 ** (self.digits - 1)
        number = lo + (1_000_003 * i + 12345) % (9 * lo)  # a permutation: unique, random-looking
        uk = (i // 10) % self.heavy if i % 10 == 5 else (i * 7919) % self.users
        uid, uname, email = self.u0 + uk, self.names[uk], self.emails[uk]
        topic_id, dept_id, priority_id, sla_id = (
            self.topics[i % len(self.topics)] if self.topics and i % 7 else self.no_topic
        )
        sid, sname, susername = self.staff[i % len(self.staff)]
        closed = i % 3 == 1
        count = 10 if i % 10 == 0 else (5 if i % 2 == 0 else 4)
        created = self.start + datetime.timedelta(seconds=int(i * self.step))
        subject = self.subjects[i % len(self.subjects)]
        c = _lit(str(created))
        last_m = last_m_ts = last_r_ts = None
        recipients = _lit(f'{{"to":{{"{uid}":"{uname} <{email}>"}}}}')
        for j in range(count):
            eid = self.entry_id
            self.entry_id += 1
            ts = _lit(str(created + datetime.timedelta(seconds=1800 * j)))
            html = self.html_bodies[(j * 7 + i) % len(self.html_bodies)]
            if j == 0:
                last_m, last_m_ts = eid, ts
                text = self.text_bodies[i % len(self.text_bodies)]
                row = f"0,{thid},0,{uid},'M',1,'{uname}','API',{subject},{text},'text','127.0.0.1',NULL"
            elif j % 2:
                last_r_ts = ts
                row = f"{last_m},{thid},{sid},0,'R',576,{sname},'',NULL,{html},'html','127.0.0.1',{recipients}"
            elif j == 2 and i % 10 == 3:
                row = f"0,{thid},{sid},0,'N',64,{sname},'','Internal note',{html},'html','127.0.0.1',NULL"
            else:
                last_m, last_m_ts = eid, ts
                row = f"0,{thid},0,{uid},'M',64,'{uname}','',NULL,{html},'html','127.0.0.1',NULL"
            rows["entry"].append(f"({eid},{row},{ts},{ZERO_DATE})")
        last = ts
        answered = int(count % 2 == 0)
        grace = self.grace.get(sla_id)
        due = _lit(str(created + datetime.timedelta(hours=grace))) if grace else "NULL"
        status, staff_id = (self.closed_status, sid) if closed else (self.open_status, sid if i % 4 == 0 else 0)
        closed_at = _lit(str(created + datetime.timedelta(seconds=1800 * count))) if closed else "NULL"
        touched = closed_at if closed else last
        rows["ticket"].append(
            f"({tid},'{number}',{uid},{status},{dept_id},{sla_id},{topic_id},{staff_id},'127.0.0.1','API',"
            f"{answered},{due},{closed_at},{touched},{c},{touched})"
        )
        rows["thread"].append(f"({thid},{tid},'T',{last_r_ts or 'NULL'},{last_m_ts},{c})")
        rows["event"].append(
            f"({self._event()},{thid},'T',{self.events['created']},0,0,{dept_id},{topic_id},NULL,'SYSTEM',"
            f"{uid},'U',0,{c})"
        )
        if closed:
            rows["event"].append(
                f"({self._event()},{thid},'T',{self.events['closed']},{sid},0,{dept_id},{topic_id},{self.closed_data},"
                f"{susername},{sid},'S',0,{closed_at})"
            )
        sort, extra = (0, "'{\"disable\":[]}'") if topic_id else (1, "NULL")
        rows["form_entry"].append(f"({feid},{self.t_form},{tid},'T',{sort},{extra},{c},{c})")
        priority = self.catalog.priorities[priority_id]
        for fid, name in self.t_fields:
            if name == "subject":
                rows["values"].append(f"({feid},{fid},{subject},NULL)")
            elif name == "priority":
                rows["values"].append(f"({feid},{fid},{_lit(priority['priority_desc'])},{priority_id})")
            else:
                rows["values"].append(f"({feid},{fid},NULL,NULL)")
        cdata = []
        for column, stored in self.t_cdata:
            if column == "subject":
                cdata.append(subject)
            elif column == "priority":
                cdata.append(f"'{priority_id}'")
            else:
                cdata.append("''" if stored else "NULL")
        rows["cdata"].append(f"({tid}," + ",".join(cdata) + ")")

    def _event(self):
        self.event_id += 1
        return self.event_id - 1


def build(server_url, name, tickets, users, dump=None, log=print):
    """Create database `name` and fill it (see fill); return its URL."""
    db_url = fixtures.create_database(server_url, name)
    fill(db_url, tickets, users, dump, log)
    return db_url


def fill(db_url, tickets, users, dump=None, log=print):
    """Load schema_fixtures/ (or a real dump) into the empty database, then the bulk users and tickets."""
    if dump:
        fixtures.load_dump(db_url, dump)
    else:
        fixtures.load_fixtures(db_url)
    builder = Builder(db_url, tickets, users)
    try:
        builder.build(log)
    finally:
        builder.conn.close()


DEFAULT_SERVER = "mysql://root@127.0.0.1:3306/"


def server_url_option(parser):
    parser.add_argument("--db-url", default=os.environ.get("OSTICKET_BENCH_SERVER_URL", DEFAULT_SERVER))


@contextlib.contextmanager
def demo_database(server_url, kind):
    """A throwaway database with schema_fixtures/ (demo data) and the bridge's tables, dropped afterwards."""
    name = f"osticket_bench_{kind}_{uuid.uuid4().hex[:8]}"
    db_url = fixtures.create_database(server_url, name)
    try:
        fixtures.load_fixtures(db_url, demo=True)
        fixtures.create_bridge_tables(db_url)
        yield db_url
    finally:
        fixtures.drop_database(server_url, name)


def api_key(db_url, ip="127.0.0.1"):
    """Add an active osTicket API key for ``ip`` that may create tickets; return the key."""
    key = "".join(random.SystemRandom().choice("0123456789ABCDEF") for _ in range(32))
    conn = connect(db_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO ost_api_key (isactive, ipaddr, apikey, can_create_tickets, can_exec_cron, notes, "
                "updated, created) VALUES (1, %s, %s, 1, 0, 'osticket-bridge bench', NOW(), NOW())",
                (ip, key),
            )
    finally:
        conn.close()
    return key


def targets(db_url, sample=1000):
    """What the load client asks for, read from the database (so a kept database can be reused).

    long_tickets: numbers of tickets with 10 public entries; heavy_users: ids of users with 50+ tickets;
    open_tickets: (number, owner id) of open tickets to reply to, other than the long ones;
    users: (id, name, email) of existing users to open tickets for; agent_tickets: (number, username) of open
    tickets and an agent of their department, to answer.
    """
    conn = connect(db_url)
    try:
        long_threads = fetchall(
            conn,
            "SELECT thread_id FROM ost_thread_entry GROUP BY thread_id "
            "HAVING COUNT(*) = 10 AND SUM(type = 'N') = 0 LIMIT %s",
            (sample,),
        )
        long_tickets = [
            number
            for (number,) in fetchall(
                conn,
                "SELECT t.number FROM ost_thread th JOIN ost_ticket t ON t.ticket_id = th.object_id "
                "WHERE th.object_type = 'T' AND th.id IN %s",
                ([tid for (tid,) in long_threads] or [0],),
            )
        ]
        heavy = [
            uid
            for (uid,) in fetchall(
                conn, "SELECT user_id FROM ost_ticket GROUP BY user_id HAVING COUNT(*) >= 50 LIMIT 100"
            )
        ]
        open_ids = [i for (i,) in fetchall(conn, "SELECT id FROM ost_ticket_status WHERE state = 'open'")]
        skip = set(long_tickets)
        open_tickets = [
            (number, user_id)
            for number, user_id in fetchall(
                conn,
                "SELECT number, user_id FROM ost_ticket WHERE status_id IN %s ORDER BY ticket_id DESC LIMIT %s",
                (open_ids or [0], sample * 5 + len(skip)),
            )
            if number not in skip
        ][: sample * 5]
        users = list(
            fetchall(
                conn,
                "SELECT u.id, u.name, e.address FROM ost_user u JOIN ost_user_email e ON e.id = u.default_email_id "
                "ORDER BY u.id LIMIT %s",
                (sample,),
            )
        )
        topics = [
            tid for (tid,) in fetchall(conn, "SELECT topic_id FROM ost_help_topic WHERE ispublic = 1 AND flags & 2")
        ]
        agent_tickets = list(
            fetchall(
                conn,
                "SELECT t.number, s.username FROM ost_ticket t JOIN ost_staff s ON s.dept_id = t.dept_id "
                "WHERE t.status_id IN %s AND s.isactive = 1 AND s.onvacation = 0 AND s.assigned_only = 0 "
                "ORDER BY t.ticket_id DESC LIMIT %s",
                (open_ids or [0], sample),
            )
        )
    finally:
        conn.close()
    return {
        "long_tickets": long_tickets,
        "heavy_users": heavy,
        "open_tickets": open_tickets,
        "users": users,
        "topics": topics,
        "agent_tickets": agent_tickets,
    }
