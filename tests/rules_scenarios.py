"""The help-desk rules scenarios recorded on osTicket 1.18.1 and 1.10.4 (tests/recordings/record_rules.py) and
replayed through the bridge (tests/test_rules_golden.py).

Each scenario: the admin's settings as SQL on the fresh install (filters, ban list, organizations, limits), the
people osTicket's own classes add (record_rules.php), the stock-API creates done before the recording starts,
and the create that is recorded. The recording keeps the rows the set-up wrote (replayed as they are by the
tests) apart from the rows the recorded create wrote. A scenario's "schema" is DDL run before its SQL, by the
recorder and by the tests alike (a row diff does not carry it). 1.18.1's are recorded on our own install + demo
data (the desk the tests run on with or without ../shared), with the demo's Tomás as the existing customer; 1.10.4's
on its real install, with carol.
"""

from agent_helpers import CDATA_COLUMNS, DETAILS_FIELDS, REGION_LIST, VISIT_FIELD

AUTORESPONDER_ON = "UPDATE ost_config SET value = '1' WHERE namespace = 'core' AND `key` = 'ticket_autoresponder'"
# Ticket form fields of both installs: 20 subject, 21 message, 22 priority; user form: 1 email, 2 name.
SUBJECT, MESSAGE, PRIORITY = "field.20", "field.21", "field.22"


def filter_sql(fid, name, execorder, rules, actions, target="Any", isactive=1, match_all=0, stop=0):
    """The rows of one filter as the admin panel saves them (Filter::update, save_rules, save_actions)."""
    q = _quote
    sql = [
        "INSERT INTO ost_filter (id, execorder, isactive, match_all_rules, stop_onmatch, target, email_id, name, "
        f"notes, created, updated) VALUES ({fid}, {execorder}, {isactive}, {match_all}, {stop}, {q(target)}, 0, "
        f"{q(name)}, '', NOW(), NOW())"
    ]
    for what, how, val in rules:
        sql.append(
            "INSERT INTO ost_filter_rule (filter_id, what, how, val, isactive, notes, created, updated) VALUES "
            f"({fid}, {q(what)}, {q(how)}, {q(val)}, 1, '', NOW(), NOW())"
        )
    for sort, (kind, config) in enumerate(actions, start=1):
        sql.append(
            "INSERT INTO ost_filter_action (filter_id, sort, type, configuration, updated) VALUES "
            f"({fid}, {sort}, {q(kind)}, {q(config)}, NOW())"
        )
    return sql


def add_filter(db_url, fid, what, how, val, action, config, target="Any"):
    """One filter with one rule and one action on a test database (the rows filter_sql describes)."""
    from update_helpers import execute

    execute(db_url, "INSERT INTO ost_filter (id, execorder, isactive, target, name, notes, created, updated) "
            "VALUES (:i, 1, 1, :t, :n, '', NOW(), NOW())", i=fid, t=target, n=f"rule {fid}")  # fmt: skip
    execute(db_url, "INSERT INTO ost_filter_rule (filter_id, what, how, val, isactive, notes, created, updated) "
            "VALUES (:i, :w, :h, :v, 1, '', NOW(), NOW())", i=fid, w=what, h=how, v=val)  # fmt: skip
    execute(db_url, "INSERT INTO ost_filter_action (filter_id, sort, type, configuration, updated) "
            "VALUES (:i, 1, :a, :c, NOW())", i=fid, a=action, c=config)  # fmt: skip


def _quote(value):
    return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


def _new(name, email, subject, message):
    return {"name": name, "email": email, "subject": subject, "message": message}


# The existing customer: user 1 of the real installs; the demo's user 2 (no open ticket, no organization).
CAROL = {"name": "Carol Customer", "email": "carol.customer@example.com"}
TOMAS = {"name": "Tomás Ibarra", "email": "tomas.ibarra@example.org"}
# The demo data has no canned responses: the admin's own two, with the variables of osTicket's samples.
DEMO_CANNED = (
    "INSERT INTO ost_canned_response (canned_id, dept_id, isenabled, title, response, lang, created, updated) "
    "VALUES (1, 0, 1, 'Reset steps', 'Hi %{ticket.name.first}, the steps are attached.', 'en_US', NOW(), NOW()), "
    "(2, 0, 1, 'Password reset', 'Hi %{ticket.name.first},<br><br>Your ticket #%{ticket.number} created on "
    "%{ticket.create_date} is in %{ticket.dept.name}: the sign-in page resets your password.', 'en_US', NOW(), NOW())"
)
REJECT = ("reject", "[]")
# Ticket Details gains the Region list (list 2, with the properties form DynamicList::add creates with it) and a
# field choosing one of its items, the Visit date with its time, a date alone (Renewal), a field choosing several
# regions (Areas) and a date in a zone of its own (Meeting), and the cache columns osTicket builds for them.
LISTS_AND_DATES = (
    *REGION_LIST[:3],
    "INSERT INTO ost_form (type, flags, title, name, created, updated) "
    "VALUES ('L2', 1, 'Region Properties', '', NOW(), NOW())",
    VISIT_FIELD[0],
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (45, 2, 13057, 'datetime', 'Renewal', 'renewal', '{\"time\": false, \"gmt\": false, \"future\": true}', "
    "9, NULL, NOW(), NOW()), "
    "(46, 2, 13057, 'list-2', 'Areas', 'areas', '{\"multiselect\": true, \"widget\": \"dropdown\"}', "
    "10, NULL, NOW(), NOW()), "
    "(47, 2, 13057, 'datetime', 'Meeting', 'meeting', "
    "'{\"time\": true, \"gmt\": false, \"future\": true, \"timezone\": \"Europe/Berlin\"}', 11, NULL, NOW(), NOW())",
)  # fmt: skip
LISTS_AND_DATES_COLUMNS = (
    "ALTER TABLE ost_ticket__cdata ADD region mediumtext, ADD visit mediumtext, ADD renewal mediumtext, "
    "ADD areas mediumtext, ADD meeting mediumtext"
)
DESK_IN_NEW_YORK = "UPDATE ost_config SET value = 'America/New_York' WHERE `key` = 'default_timezone'"

# Every routing action, for a VIP's invoice question (match all rules: an address ending, a subject regex).
VIP_ROUTING = filter_sql(
    5,
    "VIP routing",
    5,
    [("email", "ends", "@VIP.example.com"), (SUBJECT, "match", r"/invoice\s+#?\d+/i")],
    [
        ("dept", '{"dept_id":2}'),
        ("pri", '{"priority":3}'),
        ("sla", '{"sla_id":1}'),
        ("team", '{"team_id":1}'),
        ("agent", '{"staff_id":2}'),
        ("noresp", "[]"),
        ("topic", '{"topic_id":12}'),
    ],
    target="API",
    match_all=1,
)
BILLING = ("topic", '{"topic_id":12}')
AUDIT_MAIL = (
    "email",
    '{"recipients":"audit@example.com","subject":"Filtered: %{ticket.subject}",'
    '"message":"<p>Ticket %{ticket.number} from %{ticket.name}<\\/p>","from":"1"}',
)
# A file for canned response 1 (a second one on the real install, which has osTicket.txt), under another name than
# the file's.
CANNED_FILE = [
    "INSERT INTO ost_file (ft, bk, type, size, `key`, signature, name, attrs, created) VALUES ('T', 'D', 'text/plain', "
    "29, 'q7RkXv2LmN8pWcY4tZ0aBfHs6JdE1uGi', 'RkXv2LmN8pWcY4tZq7RkXv2LmN8pWcY4', 'reset.txt', NULL, NOW())",
    "INSERT INTO ost_file_chunk (file_id, chunk_id, filedata) VALUES (LAST_INSERT_ID(), 0, "
    "'Step 1: open the reset page.\n')",
    "INSERT INTO ost_attachment (object_id, type, file_id, name, inline, lang) "
    "VALUES (1, 'C', LAST_INSERT_ID(), 'Reset steps.txt', 0, NULL)",
]
# A "Tier" list whose items have a property ("Support level", field 40) and an abbreviation; organization 1's
# form gets a Tier field (41) set to Gold, and user 1 joins organization 1 (a scenario's customer too).
TIER_LIST = [
    "INSERT INTO ost_list (id, name, name_plural, sort_mode, masks, type, configuration, notes, created, updated) "
    "VALUES (2, 'Tier', 'Tiers', 'SortCol', 0, NULL, '', '', NOW(), NOW())",
    "INSERT INTO ost_form (id, pid, type, flags, title, instructions, name, notes, created, updated) "
    "VALUES (20, NULL, 'L2', 1, 'Tier Properties', NULL, '', NULL, NOW(), NOW())",
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (40, 20, 13057, 'text', 'Support level', 'level', NULL, 1, NULL, NOW(), NOW())",
    "INSERT INTO ost_list_items (id, list_id, status, value, extra, sort, properties) VALUES "
    "(101, 2, 1, 'Gold', 'GLD', 1, '{\"40\":\"premium 24x7\"}'), (102, 2, 1, 'Bronze', 'BRZ', 2, '{\"40\":\"basic\"}')",
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (41, 4, 13057, 'list-2', 'Tier', 'tier', '{\"multiselect\":false,\"widget\":\"dropdown\"}', 6, NULL, "
    "NOW(), NOW())",
    'INSERT INTO ost_form_entry_values (entry_id, field_id, value, value_id) VALUES (1, 41, \'{"101":"Gold"}\', 101)',
    "UPDATE ost_user SET org_id = 1 WHERE id = 1",
]
# A "Device" form (21) of General Inquiry's own (the topic's form after Ticket Details): a serial number (42), a
# warranty checkbox (43) and a callback phone number (44).
DEVICE_FORM = [
    "INSERT INTO ost_form (id, pid, type, flags, title, instructions, name, notes, created, updated) "
    "VALUES (21, NULL, 'G', 1, 'Device', NULL, '', NULL, NOW(), NOW())",
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (42, 21, 13057, 'text', 'Serial', 'serial', NULL, 1, NULL, NOW(), NOW()), "
    "(43, 21, 13057, 'bool', 'Warranty', 'warranty', NULL, 2, NULL, NOW(), NOW()), "
    "(44, 21, 13057, 'phone', 'Callback', 'callback', NULL, 3, NULL, NOW(), NOW())",
    "INSERT INTO ost_help_topic_form (topic_id, form_id, sort, extra) VALUES (1, 21, 2, '{\"disable\":[]}')",
]
# A "Contract" list whose items have two date properties, "Renewal" (45, a date) and "Review" (46, with its time);
# organization 1's form gets a Contract field (47) set to Annual.
CONTRACT_LIST = [
    "INSERT INTO ost_list (id, name, name_plural, sort_mode, masks, type, configuration, notes, created, updated) "
    "VALUES (3, 'Contract', 'Contracts', 'SortCol', 0, NULL, '', '', NOW(), NOW())",
    "INSERT INTO ost_form (id, pid, type, flags, title, instructions, name, notes, created, updated) "
    "VALUES (22, NULL, 'L3', 1, 'Contract Properties', NULL, '', NULL, NOW(), NOW())",
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (45, 22, 13057, 'datetime', 'Renewal', 'renewal', '{\"time\":false}', 1, NULL, NOW(), NOW()), "
    "(46, 22, 13057, 'datetime', 'Review', 'review', '{\"time\":true}', 2, NULL, NOW(), NOW())",
    "INSERT INTO ost_list_items (id, list_id, status, value, extra, sort, properties) VALUES (103, 3, 1, 'Annual', "
    '\'ANN\', 1, \'{"45":"2026-12-24 00:00:00 UTC","46":"2026-12-24 15:04:00 UTC"}\')',
    "INSERT INTO ost_form_field (id, form_id, flags, type, label, name, configuration, sort, hint, created, updated) "
    "VALUES (47, 4, 13057, 'list-3', 'Contract', 'contract', '{\"multiselect\":false,\"widget\":\"dropdown\"}', 7, "
    "NULL, NOW(), NOW())",
    'INSERT INTO ost_form_entry_values (entry_id, field_id, value, value_id) VALUES (1, 47, \'{"103":"Annual"}\', 103)',
]
# The limit reached by the customer's two tickets before the recorded create.
AT_THE_LIMIT = [
    AUTORESPONDER_ON,
    "UPDATE ost_config SET value = '2' WHERE namespace = 'core' AND `key` = 'max_open_tickets'",
    "UPDATE ost_config SET value = '1' WHERE namespace = 'core' AND `key` = 'overlimit_notice_active'",
]
VERA = _new("Vera Vip", "vera@vip.example.com", "Invoice #4411 is wrong", "The amount on invoice 4411 is doubled.")


def scenarios(customer, canned=()):
    """The scenarios with ``customer`` as the existing user; ``canned``: SQL adding canned responses 1 and 2 where
    the install has none."""
    # Olga and Pete join the customer's organization (osTicket's User::fromVars + setOrganization); Pete is a
    # primary contact.
    members = [
        {"name": "Olga Member", "email": "olga.member@example.com", "org": 1, "primary": False},
        {"name": "Pete Primary", "email": "pete.primary@example.com", "org": 1, "primary": True},
        {**customer, "org": 1, "primary": False},
    ]
    return {
        # A subject rule of an API filter rejects the ticket: 403, a "Ticket denied" warning, nothing else.
        "filter_reject": {
            "sql": filter_sql(2, "Casino spam", 1, [(SUBJECT, "contains", "casino")], [REJECT], target="API"),
            "request": _new("Sam Spammer", "sam@spam.example.com", "Win big at the CASINO", "Free chips inside."),
        },
        # Which filters run (inactive, Web-only, match-all, stop-on-match) and the routing actions with their events.
        "filter_route": {
            "sql": [
                AUTORESPONDER_ON,
                *filter_sql(2, "Disabled reject", 1, [("email", "contains", "vip")], [REJECT], isactive=0),
                *filter_sql(3, "Web only reject", 2, [("email", "contains", "vip")], [REJECT], target="Web"),
                *filter_sql(
                    4,
                    "Not every rule",
                    3,
                    [("email", "contains", "vip"), (SUBJECT, "contains", "zzz")],
                    [REJECT],
                    match_all=1,
                ),  # fmt: skip
                *VIP_ROUTING,
                *filter_sql(
                    6,
                    "Stop after me",
                    10,
                    [
                        ("name", "starts", "vera"),
                        ("name", "not_equal", "Nobody"),
                        ("email", "dn_contain", "spam"),
                        (MESSAGE, "not_match", "/unsubscribe/i"),
                        ("email", "equal", "VERA@vip.example.com"),
                    ],
                    [("pri", '{"priority":4}')],
                    match_all=1,
                    stop=1,
                ),  # fmt: skip
                *filter_sql(7, "After the stop", 20, [("email", "contains", "vip")], [REJECT]),
            ],
            "request": VERA,
        },
        # The routing actions where both releases run them (1.10's not_match differs: filter_route rejects there).
        "filter_route_actions": {
            "sql": [
                AUTORESPONDER_ON,
                *VIP_ROUTING,
                *filter_sql(6, "Stop after me", 10, [("name", "starts", "vera")], [("pri", '{"priority":4}')], stop=1),
                *filter_sql(7, "After the stop", 20, [("email", "contains", "vip")], [REJECT]),
            ],
            "request": VERA,
        },
        # A canned response posted as the first reply and mailed in place of the auto-response, and a filter's e-mail.
        "filter_canned": {
            "sql": [
                AUTORESPONDER_ON,
                *canned,
                *filter_sql(
                    2,
                    "Password help",
                    1,
                    [(MESSAGE, "contains", "password")],
                    [("canned", '{"canned_id":2}'), AUDIT_MAIL],
                ),  # fmt: skip
            ],
            "request": _new("Paula Password", "paula@example.net", "Cannot log in", "I forgot my password again."),
        },
        # A filter's closed status: the ticket is created closed, and its agent is not assigned (only open tickets are).
        "filter_closed": {
            "sql": filter_sql(
                2,
                "Auto close",
                1,
                [(SUBJECT, "starts", "FYI")],
                [("status", '{"status_id":3}'), ("agent", '{"staff_id":2}')],
                target="API",
            ),  # fmt: skip
            "request": _new("Frida Fyi", "frida@example.org", "FYI: office closed Friday", "Just so you know."),
        },
        # An existing user on the ban list: 403 and a "Ticket denied" warning.
        "ban_existing": {
            "sql": [
                "INSERT INTO ost_filter_rule (filter_id, what, how, val, isactive, notes, created, updated) "
                f"VALUES (1, 'email', 'equal', {_quote(customer['email'])}, 1, '', NOW(), NOW())"
            ],
            "request": {**customer, "subject": "Banned?", "message": "Let me in."},
        },
        # Organization: every member Cc'd, the account manager (an agent) assigned.
        "org_members": {
            "sql": [AUTORESPONDER_ON, "UPDATE ost_organization SET status = 1 | 4, manager = 's2' WHERE id = 1"],
            "people": members,
            "request": {**customer, "subject": "Our office printer", "message": "It jams on every page."},
        },
        # Organization: primary contacts Cc'd, the account manager (a team) assigned.
        "org_primary": {
            "sql": [AUTORESPONDER_ON, "UPDATE ost_organization SET status = 2 | 4, manager = 't1' WHERE id = 1"],
            "people": members,
            "request": {**customer, "subject": "Our office printer", "message": "It jams on every page."},
        },
        # The create that reaches core.max_open_tickets: the over-limit notice, the admin's alert and the warning.
        "limit_reached": {
            "sql": AT_THE_LIMIT,
            "before": [{**customer, "subject": "First", "message": "One."}],
            "request": {**customer, "subject": "Second", "message": "Two."},
        },
        # The create past the limit: refused, with a "Ticket denied" warning.
        "limit_refused": {
            "sql": AT_THE_LIMIT,
            "before": [
                {**customer, "subject": "First", "message": "One."},
                {**customer, "subject": "Second", "message": "Two."},
            ],
            "request": {**customer, "subject": "Third", "message": "Three."},
        },
        # A canned response with files: the reply entry gets them (ost_attachment 'H'), its mail carries them.
        "filter_canned_files": {
            "sql": [
                AUTORESPONDER_ON,
                *canned,
                *CANNED_FILE,
                *filter_sql(
                    2, "Password help", 1, [(MESSAGE, "contains", "password")], [("canned", '{"canned_id":1}')]
                ),
            ],
            "request": _new("Paula Password", "paula@example.net", "Cannot log in", "I forgot my password again."),
        },
        # Rules on an organization's list field: its value, its item's property and abbreviation (field.<id>.<prop>).
        "filter_list_property": {
            "sql": [
                *TIER_LIST,
                "UPDATE ost_user u JOIN ost_user_email e ON e.id = u.default_email_id SET u.org_id = 1 "
                f"WHERE e.address = {_quote(customer['email'])}",
                *filter_sql(
                    2,
                    "Gold tier",
                    1,
                    [
                        ("field.41", "equal", "Gold"),
                        ("field.41.40", "contains", "premium"),
                        ("field.41.abb", "equal", "GLD"),
                    ],
                    [("dept", '{"dept_id":2}')],
                    match_all=1,
                ),  # fmt: skip
                *filter_sql(3, "Bronze tier", 2, [("field.41.40", "equal", "basic")], [REJECT]),
            ],
            "request": {**customer, "subject": "Tiered", "message": "Which tier am I?"},
        },
        # Rules on the fields of the topic's own form read them as osTicket prints them: the serial as sent, the
        # checkbox not sent as No, the phone number formatted.
        "filter_topic_form": {
            "sql": [
                *DEVICE_FORM,
                *filter_sql(2, "Serial", 1, [("field.42", "starts", "SN-")], [("dept", '{"dept_id":2}')]),
                *filter_sql(3, "No warranty", 2, [("field.43", "equal", "No")], [("sla", '{"sla_id":1}')]),
                *filter_sql(4, "Callback", 3, [("field.44", "equal", "(555) 010-2233")], [("team", '{"team_id":1}')]),
            ],
            "request": {
                **_new("Dora Device", "dora@example.org", "Broken screen", "It flickers."),
                "topicId": 1,
                "serial": "SN-4411",
                "callback": "555-010-2233",
            },
        },
        # A list item's date properties read as the desk prints a date (in its zone), with the time where the
        # property keeps it: 12/24/26, and 12/24/26 3:04 PM on 1.18, 12/24/26 15:04:00 on 1.10; never as stored.
        "filter_date_property": {
            "sql": [
                *CONTRACT_LIST,
                "UPDATE ost_user u JOIN ost_user_email e ON e.id = u.default_email_id SET u.org_id = 1 "
                f"WHERE e.address = {_quote(customer['email'])}",
                *filter_sql(2, "Renewal", 1, [("field.47.45", "equal", "12/24/26")], [("dept", '{"dept_id":2}')]),
                *filter_sql(
                    3,
                    "Review",
                    2,
                    [("field.47.46", "match", r"/^12\/24\/26 (3:04\x{202f}PM|15:04:00)$/u")],
                    [("sla", '{"sla_id":1}')],
                ),  # fmt: skip
                *filter_sql(4, "As stored", 3, [("field.47.45", "contains", "2026")], [REJECT]),
            ],
            "request": {**customer, "subject": "Renewal", "message": "When is my contract renewed?"},
        },
        # 1.18 matches the filters again once the ticket exists, and writes the events (and sends the e-mails) of the
        # filters matching then. A rule on topicId reads the topic a filter set; one on the priority still reads the
        # priority asked for. 1.10 matches once.
        "filter_rematch": {
            "sql": [
                *filter_sql(2, "Outage", 1, [(SUBJECT, "contains", "outage")], [("pri", '{"priority":4}'), BILLING]),
                *filter_sql(
                    3, "Emergency desk", 2, [(PRIORITY, "equal", "Emergency")], [("sla", '{"sla_id":1}'), AUDIT_MAIL]
                ),
                *filter_sql(4, "Normal desk", 3, [(PRIORITY, "equal", "Normal")], [("dept", '{"dept_id":2}')]),
                *filter_sql(
                    5, "Billing desk", 4, [("topicId", "equal", "12")], [("team", '{"team_id":1}'), AUDIT_MAIL]
                ),
                *filter_sql(6, "Asked general", 5, [("topicId", "equal", "1")], [("sla", '{"sla_id":1}')]),
            ],
            "request": {
                **_new("Otto Outage", "otto@example.org", "Outage in building B", "Nothing works."),
                "priority": 2,
                "topicId": 1,
            },
        },
        # A filter's e-mail for a create refused at the open-ticket limit: 1.10 sends it before the limit refuses the
        # ticket, 1.18 (which sends it once the ticket exists) does not.
        "filter_mail_refused": {
            "sql": [
                *AT_THE_LIMIT,
                *filter_sql(
                    2,
                    f"Audit {customer['name'].split()[0].lower()}",
                    1,
                    [("email", "equal", customer["email"])],
                    [AUDIT_MAIL],
                ),
            ],
            "before": [
                {**customer, "subject": "First", "message": "One."},
                {**customer, "subject": "Second", "message": "Two."},
            ],
            "request": {**customer, "subject": "Third", "message": "Three."},
        },
        # Rules on Ticket Details' list and date fields read them as osTicket prints them: the item's value, the date
        # as the desk prints it (4/15/27 on 1.18, 04/15/27 on 1.10), never as sent.
        "filter_details_lists_dates": {
            "schema": [LISTS_AND_DATES_COLUMNS],
            "sql": [
                *LISTS_AND_DATES,
                *filter_sql(2, "South", 1, [("field.43", "equal", "South")], [("dept", '{"dept_id":2}')]),
                *filter_sql(
                    3, "April renewal", 2, [("field.45", "match", r"/^0?4\/15\/27$/")], [("sla", '{"sla_id":1}')]
                ),
                *filter_sql(4, "As sent", 3, [("field.43", "equal", "22")], [REJECT]),
                *filter_sql(5, "Date as sent", 4, [("field.45", "contains", "2027")], [REJECT]),
            ],
            "request": {
                **customer,
                "subject": "Site visit",
                "message": "Please come by.",
                "region": "22",
                "renewal": "2027-04-15",
            },
        },
        # Ticket Details' checkbox, choice and multiple choice answered (the stock API takes one key of a choice)
        # and left unanswered: the answers, the cache columns and the ticket's search row.
        "details_answered": {
            "schema": [CDATA_COLUMNS],
            "sql": list(DETAILS_FIELDS),
            "request": {
                **customer,
                "subject": "Card blocked",
                "message": "At the till.",
                "urgent": True,
                "channel": "phone",
                "products": "card",
            },
        },
        "details_unanswered": {
            "schema": [CDATA_COLUMNS],
            "sql": list(DETAILS_FIELDS),
            "request": {**customer, "subject": "Card blocked", "message": "At the till."},
        },
        # List and date fields: items by id (the stock API logs a list sent for several as unexpected data, and
        # takes it), a date and time read as UTC and stored in the field's zone, else the desk's, a date alone (its
        # midnight UTC, in that zone); then items by value and abbreviation, on a desk in New York.
        "details_lists_dates": {
            "schema": [LISTS_AND_DATES_COLUMNS],
            "sql": list(LISTS_AND_DATES),
            "request": {
                **customer,
                "subject": "Site visit",
                "message": "Please come by.",
                "region": "22",
                "visit": "2027-03-01 17:00",
                "renewal": "2027-04-15",
                "areas": ["21", "23"],
                "meeting": "2027-07-02 09:30:00",
            },
        },
        "details_lists_dates_by_value": {
            "schema": [LISTS_AND_DATES_COLUMNS],
            "sql": [*LISTS_AND_DATES, DESK_IN_NEW_YORK],
            "request": {
                **customer,
                "subject": "Site visit",
                "message": "Please come by.",
                "region": "South",
                "visit": "2027-03-01 17:00:00",
                "renewal": "2027-04-15",
                "areas": "W",
                "meeting": "2027-01-02 09:30",
            },
        },
    }


# Per release, on the desk its recordings were made on: 1.18.1 our own install + demo data, 1.10.4 its real install.
SCENARIOS = {"1.18": scenarios(TOMAS, canned=(DEMO_CANNED,)), "1.10": scenarios(CAROL)}
