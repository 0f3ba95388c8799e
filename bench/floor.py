"""The floor: what each endpoint must do in the database, with the bridge's driver, raw (no HTTP, no objects, no JSON).

Reads check the API key as the endpoint must, then read the ticket(s) with owner, e-mail, phone, subject,
priority, assignee, topic and department names in one joined query, and the public thread entries with their
authors' names in one more. Create writes the rows of a stock API ticket for an existing user (ticket, thread,
form entry and answers, cdata, `created` event, first message, search rows) in one transaction.
"""

import random

from .rawdb import fetchall

API_KEY = "SELECT id, isactive, can_create_tickets FROM ost_api_key WHERE apikey = %s AND ipaddr = %s LIMIT 1"

HEADER = """
SELECT th.id, t.*, th.lastmessage, th.lastresponse, u.name, ue.address, s.firstname, s.lastname, tm.name,
       subj.value, pri.value, pri.value_id, ph.value, ht.topic, htp.topic, d.name{extra}
FROM {source}
LEFT JOIN ost_thread th ON th.object_id = t.ticket_id AND th.object_type IN ('T', 'C')
LEFT JOIN ost_user u ON u.id = t.user_id
LEFT JOIN ost_user_email ue ON ue.id = u.default_email_id
LEFT JOIN ost_staff s ON s.staff_id = t.staff_id
LEFT JOIN ost_team tm ON tm.team_id = t.team_id
LEFT JOIN ost_form_entry fe ON fe.object_type = 'T' AND fe.object_id = t.ticket_id AND fe.form_id = %(t_form)s
LEFT JOIN ost_form_entry_values subj ON subj.entry_id = fe.id AND subj.field_id = %(subject)s
LEFT JOIN ost_form_entry_values pri ON pri.entry_id = fe.id AND pri.field_id = %(priority)s
LEFT JOIN ost_form_entry ufe ON ufe.object_type = 'U' AND ufe.object_id = u.id AND ufe.form_id = %(u_form)s
LEFT JOIN ost_form_entry_values ph ON ph.entry_id = ufe.id AND ph.field_id = %(phone)s
LEFT JOIN ost_help_topic ht ON ht.topic_id = t.topic_id
LEFT JOIN ost_help_topic htp ON htp.topic_id = ht.topic_pid
LEFT JOIN ost_department d ON d.id = t.dept_id
"""

ONE_TICKET = HEADER.format(extra="", source="ost_ticket t") + "WHERE t.number = %(number)s LIMIT 1"

USER_PAGE = HEADER.format(
    extra=", (SELECT COUNT(*) FROM ost_ticket c JOIN ({visible}) cv ON cv.ticket_id = c.ticket_id "
    "WHERE c.status_id IN %(statuses)s) AS total",
    source="ost_ticket t JOIN ({visible}) v ON v.ticket_id = t.ticket_id",
) + ("WHERE t.status_id IN %(statuses)s ORDER BY t.created DESC, t.ticket_id DESC LIMIT 50")
VISIBLE = (
    "SELECT ticket_id FROM ost_ticket WHERE user_id = %(user_id)s UNION "
    "SELECT th.object_id FROM ost_thread th JOIN ost_thread_collaborator c ON c.thread_id = th.id "
    "WHERE c.user_id = %(user_id)s AND th.object_type = 'T'"
)
USER_PAGE = USER_PAGE.replace("{visible}", VISIBLE)

ENTRIES = """
SELECT e.id, e.pid, e.thread_id, e.staff_id, e.user_id, e.type, e.flags, e.poster, e.editor, e.editor_type,
       e.source, e.title, e.body, e.format, e.created, e.updated, s.firstname, s.lastname, u.name
FROM ost_thread_entry e
LEFT JOIN ost_staff s ON s.staff_id = e.staff_id
LEFT JOIN ost_user u ON u.id = e.user_id
WHERE e.thread_id IN %s AND e.type IN ('M', 'R') AND e.flags & 4 = 0
ORDER BY e.thread_id, e.created, e.id
"""

USER = (
    "SELECT u.id, u.org_id, u.status, o.status FROM ost_user u LEFT JOIN ost_organization o ON o.id = u.org_id "
    "WHERE u.id = %s"
)
TOPICS = "SELECT topic_id, topic_pid, topic, flags, ispublic, sort FROM ost_help_topic"


NEW_TICKET = [
    "INSERT INTO ost_ticket (number, user_id, status_id, dept_id, sla_id, topic_id, ip_address, source, est_duedate, "
    "lastupdate, created, updated) VALUES (%(number)s, %(user_id)s, %(status_id)s, %(dept_id)s, %(sla_id)s, "
    "%(topic_id)s, '127.0.0.1', 'API', NOW() + INTERVAL 1 DAY, NOW(), NOW(), NOW())",
    "INSERT INTO ost_thread (object_id, object_type, lastmessage, created) VALUES (@ticket := LAST_INSERT_ID(), 'T', "
    "NOW(), NOW())",
    "SET @thread := LAST_INSERT_ID()",
    "INSERT INTO ost_form_entry (form_id, object_id, object_type, sort, extra, created, updated) "
    "VALUES (%(t_form)s, @ticket, 'T', 0, '{\"disable\":[]}', NOW(), NOW())",
    "INSERT INTO ost_form_entry_values (entry_id, field_id, value, value_id) VALUES (LAST_INSERT_ID(), %(subject)s, "
    "%(subject_text)s, NULL), (LAST_INSERT_ID(), %(priority)s, %(priority_desc)s, %(priority_id)s)",
    "INSERT INTO ost_ticket__cdata (ticket_id, subject, priority) VALUES (@ticket, %(subject_text)s, %(priority_id)s)",
    "INSERT INTO ost_thread_event (thread_id, thread_type, event_id, dept_id, topic_id, username, uid, uid_type, "
    "timestamp) VALUES (@thread, 'T', %(created_event)s, %(dept_id)s, %(topic_id)s, 'SYSTEM', %(user_id)s, 'U', NOW())",
    "INSERT INTO ost_thread_entry (thread_id, user_id, type, flags, poster, source, title, body, format, ip_address, "
    "created) VALUES (@thread, %(user_id)s, 'M', 1, %(name)s, 'API', %(subject_text)s, %(message)s, 'text', "
    "'127.0.0.1', NOW())",
    "REPLACE INTO ost__search (object_type, object_id, title, content) VALUES "
    "('T', @ticket, CONCAT(%(number)s, ' ', %(subject_text)s), %(subject_text)s), "
    "('H', LAST_INSERT_ID(), %(subject_text)s, %(message)s)",
]


class Floor:
    """Raw reads on one connection; the form and field ids are looked up once, as the bridge caches them."""

    def __init__(self, conn, key, ip="127.0.0.1"):
        self.conn, self.key, self.ip = conn, key, ip
        forms = dict(fetchall(conn, "SELECT type, MIN(id) FROM ost_form WHERE type IN ('T', 'U') GROUP BY type"))
        fields = {
            (form_id, name): field_id
            for field_id, form_id, name in fetchall(
                conn, "SELECT id, form_id, name FROM ost_form_field WHERE form_id IN %s", (list(forms.values()),)
            )
        }
        self.ids = {
            "t_form": forms["T"],
            "u_form": forms["U"],
            "subject": fields.get((forms["T"], "subject"), 0),
            "priority": fields.get((forms["T"], "priority"), 0),
            "phone": fields.get((forms["U"], "phone"), 0),
            "statuses": [
                i for (i,) in fetchall(conn, "SELECT id FROM ost_ticket_status WHERE state IN ('open', 'closed')")
            ],
            "status_id": fetchall(conn, "SELECT MIN(id) FROM ost_ticket_status WHERE state = 'open'")[0][0],
            "created_event": fetchall(conn, "SELECT id FROM ost_event WHERE name = 'created'")[0][0],
        }
        number_format = "SELECT value FROM ost_config WHERE namespace = 'core' AND `key` = 'ticket_number_format'"
        self.digits = max(6, fetchall(conn, number_format)[0][0].count("#"))
        self.topic_defaults = {
            topic_id: (dept_id, sla_id, priority_id, desc)
            for topic_id, dept_id, sla_id, priority_id, desc in fetchall(
                conn,
                "SELECT t.topic_id, COALESCE(NULLIF(t.dept_id, 0), 1), COALESCE(NULLIF(t.sla_id, 0), 1), "
                "p.priority_id, p.priority_desc "
                "FROM ost_help_topic t "
                "JOIN ost_ticket_priority p ON p.priority_id = COALESCE(NULLIF(t.priority_id, 0), 2)",
            )
        }

    def _authenticate(self, cur):
        cur.execute(API_KEY, (self.key, self.ip))
        if not cur.fetchone():
            raise RuntimeError("the floor's API key was refused")

    def ticket(self, number):
        with self.conn.cursor() as cur:
            self._authenticate(cur)
            cur.execute(ONE_TICKET, {**self.ids, "number": number})
            row = cur.fetchone()
            cur.execute(ENTRIES, ([row[0]],))
            return row, cur.fetchall()

    def ticket_list(self, user_id):
        with self.conn.cursor() as cur:
            self._authenticate(cur)
            cur.execute(USER, (user_id,))
            cur.fetchone()
            cur.execute(USER_PAGE, {**self.ids, "user_id": user_id})
            rows = cur.fetchall()
            cur.execute(ENTRIES, ([row[0] for row in rows] or [0],))
            return rows, cur.fetchall()

    def topics(self):
        with self.conn.cursor() as cur:
            self._authenticate(cur)
            cur.execute(TOPICS)
            return cur.fetchall()

    def create(self, email, subject, message, topic_id, rng=random):
        """One ticket for an existing user, in one transaction; returns its number."""
        with self.conn.cursor() as cur:
            self._authenticate(cur)
            cur.execute(
                "SELECT u.id, u.name FROM ost_user_email e JOIN ost_user u ON u.id = e.user_id WHERE e.address = %s",
                (email,),
            )
            user_id, name = cur.fetchone()
            while True:
                number = str(rng.randrange(10 ** (self.digits - 1), 10**self.digits))
                cur.execute("SELECT 1 FROM ost_ticket WHERE number = %s LIMIT 1", (number,))
                if not cur.fetchone():
                    break
            dept_id, sla_id, priority_id, priority_desc = self.topic_defaults[topic_id]
            values = {
                **self.ids,
                "number": number,
                "user_id": user_id,
                "name": name,
                "dept_id": dept_id,
                "sla_id": sla_id,
                "topic_id": topic_id,
                "subject_text": subject,
                "message": message,
                "priority_id": priority_id,
                "priority_desc": priority_desc,
            }
            cur.execute("START TRANSACTION")
            for statement in NEW_TICKET:
                cur.execute(statement, values)
            self.conn.commit()
        return number
