-- osticket-bridge demo fixture: invented data on top of install.sql (load
-- schema.sql, install.sql, then this file).
--
-- Every row is shaped like what osTicket 1.18.1's own code writes for the same
-- operations (see DATA_MODEL.md section 2). Ids continue after the install
-- rows, and all times are fixed 2026 values in DB time (UTC), so the file is
-- deterministic. ost_thread_entry.updated is the zero date osTicket leaves on
-- insert. String literals use MySQL backslash escapes.
--
-- Credentials
--   API key  0123456789ABCDEF0123456789ABCDEF  (active, IP 127.0.0.1, can create tickets)
--   agents   ostadmin / AdminPeer#2024  (staff 1, from install.sql)
--            dana     / DanaDemo#2026   (staff 2, Support, extended access to Billing)
--            eve      / EveDemo#2026    (staff 3, Billing, extended access to Support)
--   portal   priya.raman@example.net or username priya / demo-pass-123  (user 1)
--
-- Tickets
--   1 482915  Priya  Billing            open, assigned to eve (assignment note),
--                                       eve's reply, Priya's portal reply
--   2 731604  Tomás  Billing / Refunds  resolved by dana's reply (closed)
--   3 265378  Lena   Report a Problem   closed by ostadmin with a "Status Changed" note
--   4 918273  Priya  Feedback           resolved by dana, reopened by Priya's portal reply
--                                       (open, dana kept as assignee)
--   5 350628  Lena   (no topic)         open, unassigned, internal note by dana
--
-- Open tickets have est_duedate in the past and isoverdue=0: osTicket's cron
-- would flag them overdue when it next runs.

SET NAMES utf8mb4;

-- ---------------------------------------------------------------- setup by the admin (2026-01-05)

INSERT INTO `ost_department`
  (`id`, `pid`, `tpl_id`, `sla_id`, `schedule_id`, `email_id`, `autoresp_email_id`, `manager_id`,
   `flags`, `name`, `signature`, `ispublic`, `group_membership`, `ticket_auto_response`,
   `message_auto_response`, `path`, `updated`, `created`)
VALUES
  (4, NULL, 0, 0, 0, 0, 0, 0, 4, 'Billing', 'Billing and payments', 1, 1, 1, 1, '/4/',
   '2026-01-05 09:00:00', '2026-01-05 09:00:00');

INSERT INTO `ost_staff`
  (`staff_id`, `dept_id`, `role_id`, `username`, `firstname`, `lastname`, `passwd`, `backend`,
   `email`, `phone`, `phone_ext`, `mobile`, `signature`, `lang`, `timezone`, `locale`, `notes`,
   `isactive`, `isadmin`, `isvisible`, `onvacation`, `assigned_only`, `show_assigned_tickets`,
   `change_passwd`, `max_page_size`, `auto_refresh_rate`, `default_signature_type`,
   `default_paper_size`, `extra`, `permissions`, `created`, `lastlogin`, `passwdreset`, `updated`)
VALUES
  -- password DanaDemo#2026
  (2, 1, 1, 'dana', 'Dana', 'Whitfield', '$2a$08$p8foixyVwjOirErfwjzzO.JDz2zf6i5YOgfHs4NTWKM.ebK.MThmy', NULL,
   'dana.whitfield@example.com', '', NULL, '', '', NULL, NULL, NULL, 'Demo agent: Support, also works Billing',
   1, 0, 1, 0, 0, 0, 0, 0, 0, 'none', 'Letter', '{"def_assn_role":true}',
   '{"user.create":1,"user.edit":1,"user.dir":1}',
   '2026-01-05 09:05:00', '2026-03-02 11:58:00', '2026-01-05 09:05:00', '2026-01-05 09:05:00'),
  -- password EveDemo#2026
  (3, 4, 1, 'eve', 'Eve', 'Okafor', '$2a$08$YOX92O3Md8nDSUn.Qhu32O.y.xDpuN23jvNdagyXk5Vv.iEtwiADa', NULL,
   'eve.okafor@example.com', '', NULL, '', '', NULL, NULL, NULL, 'Demo agent: Billing',
   1, 0, 1, 0, 0, 0, 0, 0, 0, 'none', 'Letter', '{"def_assn_role":true}',
   '{"user.create":1,"user.edit":1,"user.dir":1}',
   '2026-01-05 09:06:00', '2026-02-02 11:20:00', '2026-01-05 09:06:00', '2026-01-05 09:06:00');

-- Extended department access (primary departments are ost_staff.dept_id).
INSERT INTO `ost_staff_dept_access`
  (`staff_id`, `dept_id`, `role_id`, `flags`)
VALUES
  (1, 4, 1, 1),
  (2, 4, 1, 1),
  (3, 1, 2, 1);

INSERT INTO `ost_team_member`
  (`team_id`, `staff_id`, `flags`)
VALUES
  (1, 2, 1);

-- Help topics "Billing" and "Billing / Refunds", created in that order in the
-- admin panel (help_topic_sort_mode 'a'). `sort` is what osTicket leaves behind:
-- the alphabetical renumbering gives Billing 1 (Feedback 2, General Inquiry 3,
-- ... as in install.sql), and the child created last keeps parent.sort + 1 = 1
-- because osTicket's renumbering misses the topic created in the same request.
INSERT INTO `ost_help_topic`
  (`topic_id`, `topic_pid`, `ispublic`, `noautoresp`, `flags`, `status_id`, `priority_id`,
   `dept_id`, `staff_id`, `team_id`, `sla_id`, `page_id`, `sequence_id`, `sort`, `topic`,
   `number_format`, `notes`, `created`, `updated`)
VALUES
  (12, 0, 1, 0, 2, 0, 2, 4, 0, 0, 0, 0, 0, 1, 'Billing', NULL,
   '<p>Invoices, payments and plans</p>', '2026-01-05 09:10:00', '2026-01-05 09:10:00'),
  (13, 12, 1, 0, 2, 0, 3, 4, 0, 0, 1, 0, 0, 1, 'Refunds', NULL,
   '<p>Refund requests</p>', '2026-01-05 09:12:00', '2026-01-05 09:12:00');

INSERT INTO `ost_help_topic_form`
  (`id`, `topic_id`, `form_id`, `sort`, `extra`)
VALUES
  (5, 12, 2, 1, '{"disable":[]}'),
  (6, 13, 2, 1, '{"disable":[]}');

INSERT INTO `ost_api_key`
  (`id`, `isactive`, `ipaddr`, `apikey`, `can_create_tickets`, `can_exec_cron`, `notes`, `updated`, `created`)
VALUES
  (1, 1, '127.0.0.1', '0123456789ABCDEF0123456789ABCDEF', 1, 1, 'Demo key for local development',
   '2026-01-05 09:20:00', '2026-01-05 09:20:00');

-- ---------------------------------------------------------------- end users
-- 1 Priya Raman: created by an agent with phone, notes and a portal account
--   (password demo-pass-123, time zone Europe/London).
-- 2 Tomás Ibarra: created by the API with his first ticket (phone only).
-- 3 Lena Fischer: created by the API with her first ticket (no phone, no notes).

INSERT INTO `ost_user_email`
  (`id`, `user_id`, `flags`, `address`)
VALUES
  (1, 1, 0, 'priya.raman@example.net'),
  (2, 2, 0, 'tomas.ibarra@example.org'),
  (3, 3, 0, 'lena.fischer@example.com');

INSERT INTO `ost_user`
  (`id`, `org_id`, `default_email_id`, `status`, `name`, `created`, `updated`)
VALUES
  (1, 0, 1, 0, 'Priya Raman', '2026-01-20 10:00:00', '2026-01-20 10:00:00'),
  (2, 0, 2, 0, 'Tomás Ibarra', '2026-02-10 14:20:00', '2026-02-10 14:20:00'),
  (3, 0, 3, 0, 'Lena Fischer', '2026-02-17 08:40:00', '2026-02-17 08:40:00');

-- password demo-pass-123, status 1 = confirmed
INSERT INTO `ost_user_account`
  (`id`, `user_id`, `status`, `timezone`, `lang`, `username`, `passwd`, `backend`, `extra`, `registered`)
VALUES
  (1, 1, 1, 'Europe/London', NULL, 'priya',
   '$2a$08$itjWzWObUFMpXPDDBz/KVOADdbm3nOZFyreIbCYQidPxd0CP.f0aW', NULL,
   '{"browser_lang":"en_US"}', '2026-01-20 10:00:00');

-- Contact Information (U, form 1) answers: phone (field 3) and notes (field 4).
INSERT INTO `ost_form_entry`
  (`id`, `form_id`, `object_id`, `object_type`, `sort`, `extra`, `created`, `updated`)
VALUES
  (3, 1, 1, 'U', 1, NULL, '2026-01-20 10:00:00', '2026-01-20 10:00:00'),
  (5, 1, 2, 'U', 1, NULL, '2026-02-10 14:20:00', '2026-02-10 14:20:00'),
  (7, 1, 3, 'U', 1, NULL, '2026-02-17 08:40:00', '2026-02-17 08:40:00');

INSERT INTO `ost_form_entry_values`
  (`entry_id`, `field_id`, `value`, `value_id`)
VALUES
  (3, 3, '5550142', NULL),
  (3, 4, 'Prefers phone contact in the morning.', NULL),
  (5, 3, '6175550199', NULL),
  (5, 4, NULL, NULL),
  (7, 3, NULL, NULL),
  (7, 4, NULL, NULL);

INSERT INTO `ost_user__cdata`
  (`user_id`, `email`, `name`, `phone`, `notes`)
VALUES
  (1, NULL, NULL, '5550142', 'Prefers phone contact in the morning.'),
  (2, NULL, NULL, '6175550199', ''),
  (3, NULL, NULL, '', '');

-- ---------------------------------------------------------------- tickets

INSERT INTO `ost_ticket`
  (`ticket_id`, `ticket_pid`, `number`, `user_id`, `user_email_id`, `status_id`, `dept_id`,
   `sla_id`, `topic_id`, `staff_id`, `team_id`, `email_id`, `lock_id`, `flags`, `sort`,
   `ip_address`, `source`, `source_extra`, `isoverdue`, `isanswered`, `duedate`, `est_duedate`,
   `reopened`, `closed`, `lastupdate`, `created`, `updated`)
VALUES
  -- open, assigned to eve, last message from the user
  (1, NULL, '482915', 1, 0, 1, 4, 1, 12, 3, 0, 0, 0, 0, 0, '127.0.0.1', 'API', NULL, 0, 0,
   NULL, '2026-02-04 09:15:00', NULL, NULL,
   '2026-02-03 08:47:00', '2026-02-02 09:15:00', '2026-02-03 08:47:00'),
  -- Resolved (closed state) by dana's reply, staff_id = closing agent
  (2, NULL, '731604', 2, 0, 2, 4, 1, 13, 2, 0, 0, 0, 0, 0, '127.0.0.1', 'API', NULL, 0, 1,
   NULL, '2026-02-12 14:20:00', NULL, '2026-02-10 16:05:00',
   '2026-02-10 16:05:00', '2026-02-10 14:20:00', '2026-02-10 16:05:00'),
  -- Closed by ostadmin with a comment
  (3, NULL, '265378', 3, 0, 3, 3, 1, 10, 1, 0, 0, 0, 0, 0, '127.0.0.1', 'API', NULL, 0, 0,
   NULL, '2026-02-19 08:40:00', NULL, '2026-02-18 16:10:00',
   '2026-02-18 16:10:00', '2026-02-17 08:40:00', '2026-02-18 16:10:00'),
  -- resolved, then reopened by the user's portal reply, due date recomputed from `reopened`
  (4, NULL, '918273', 1, 0, 1, 1, 1, 2, 2, 0, 0, 0, 0, 0, '127.0.0.1', 'API', NULL, 0, 0,
   NULL, '2026-02-26 09:12:00', '2026-02-24 09:12:00', NULL,
   '2026-02-24 09:12:00', '2026-02-23 10:00:00', '2026-02-24 09:12:00'),
  -- open, unassigned, no help topic (default department and SLA)
  (5, NULL, '350628', 3, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, '127.0.0.1', 'API', NULL, 0, 0,
   NULL, '2026-03-04 11:25:00', NULL, NULL,
   '2026-03-02 11:25:00', '2026-03-02 11:25:00', '2026-03-02 11:25:00');

INSERT INTO `ost_thread`
  (`id`, `object_id`, `object_type`, `extra`, `lastresponse`, `lastmessage`, `created`)
VALUES
  (1, 1, 'T', NULL, '2026-02-02 11:30:00', '2026-02-03 08:47:00', '2026-02-02 09:15:00'),
  (2, 2, 'T', NULL, '2026-02-10 16:05:00', '2026-02-10 14:20:00', '2026-02-10 14:20:00'),
  (3, 3, 'T', NULL, NULL, '2026-02-17 08:40:00', '2026-02-17 08:40:00'),
  (4, 4, 'T', NULL, '2026-02-23 13:45:00', '2026-02-24 09:12:00', '2026-02-23 10:00:00'),
  (5, 5, 'T', NULL, NULL, '2026-03-02 11:25:00', '2026-03-02 11:25:00');

-- Ticket Details (T, form 2) answers: subject (field 20) and priority (field 22,
-- value = priority_desc, value_id = priority_id). The message (field 21) is the
-- first thread entry, not an answer. Entries made through a help topic have
-- sort 0 and extra {"disable":[]}, ticket 5 has no topic (sort 1, extra NULL).
INSERT INTO `ost_form_entry`
  (`id`, `form_id`, `object_id`, `object_type`, `sort`, `extra`, `created`, `updated`)
VALUES
  (4, 2, 1, 'T', 0, '{"disable":[]}', '2026-02-02 09:15:00', '2026-02-02 09:15:00'),
  (6, 2, 2, 'T', 0, '{"disable":[]}', '2026-02-10 14:20:00', '2026-02-10 14:20:00'),
  (8, 2, 3, 'T', 0, '{"disable":[]}', '2026-02-17 08:40:00', '2026-02-17 08:40:00'),
  (9, 2, 4, 'T', 0, '{"disable":[]}', '2026-02-23 10:00:00', '2026-02-23 10:00:00'),
  (10, 2, 5, 'T', 1, NULL, '2026-03-02 11:25:00', '2026-03-02 11:25:00');

INSERT INTO `ost_form_entry_values`
  (`entry_id`, `field_id`, `value`, `value_id`)
VALUES
  (4, 20, 'Invoice 2026-0117 charged twice', NULL),
  (4, 22, 'Normal', 2),
  (6, 20, 'Refund for cancelled order #5521', NULL),
  (6, 22, 'High', 3),
  (8, 20, 'Badge reader at north entrance rejects cards', NULL),
  (8, 22, 'Normal', 2),
  (9, 20, 'Suggestion: dark mode for the customer portal', NULL),
  (9, 22, 'Low', 1),
  (10, 20, 'CSV export times out', NULL),
  (10, 22, 'High', 3);

INSERT INTO `ost_ticket__cdata`
  (`ticket_id`, `subject`, `priority`)
VALUES
  (1, 'Invoice 2026-0117 charged twice', '2'),
  (2, 'Refund for cancelled order #5521', '3'),
  (3, 'Badge reader at north entrance rejects cards', '2'),
  (4, 'Suggestion: dark mode for the customer portal', '1'),
  (5, 'CSV export times out', '3');

-- Thread entries, in the order they were posted.
--   M first message: user_id, source 'API', title = subject, flags 1 (text) / 65 (html)
--   M portal reply:  source '', title NULL, html, flags 64
--   R agent reply:   staff_id, pid = latest message, flags 64|512, recipients JSON
--   N internal note: staff_id, title, flags 64
INSERT INTO `ost_thread_entry`
  (`id`, `pid`, `thread_id`, `staff_id`, `user_id`, `type`, `flags`, `poster`, `editor`,
   `editor_type`, `source`, `title`, `body`, `format`, `ip_address`, `extra`, `recipients`,
   `created`, `updated`)
VALUES
  (1, 0, 1, 0, 1, 'M', 1, 'Priya Raman', NULL, NULL, 'API', 'Invoice 2026-0117 charged twice',
   'Hi, my card was charged twice for invoice 2026-0117. Could you check and refund one of the charges?',
   'text', '127.0.0.1', NULL, NULL, '2026-02-02 09:15:00', '0000-00-00 00:00:00'),
  (2, 0, 1, 1, 0, 'N', 64, 'Admin Peer', NULL, NULL, '', 'Ticket Assigned to Eve Okafor',
   'Eve is covering billing questions this week.',
   'html', '127.0.0.1', NULL, NULL, '2026-02-02 10:02:00', '0000-00-00 00:00:00'),
  (3, 1, 1, 3, 0, 'R', 576, 'Eve Okafor', NULL, NULL, '', NULL,
   '<p>Hello Priya, I can see the duplicate charge and have asked our payment provider to reverse it. The refund should reach your card within 3-5 business days.</p>',
   'html', '127.0.0.1', NULL, '{"to":{"1":"Priya Raman <priya.raman@example.net>"}}',
   '2026-02-02 11:30:00', '0000-00-00 00:00:00'),
  (4, 0, 1, 0, 1, 'M', 64, 'Priya Raman', NULL, NULL, '', NULL,
   '<p>Thank you! I will keep an eye on my statement.</p>',
   'html', '198.51.100.23', NULL, NULL, '2026-02-03 08:47:00', '0000-00-00 00:00:00'),
  (5, 0, 2, 0, 2, 'M', 1, 'Tomás Ibarra', NULL, NULL, 'API', 'Refund for cancelled order #5521',
   'I cancelled order #5521 on 8 February but the refund has not arrived yet.',
   'text', '127.0.0.1', NULL, NULL, '2026-02-10 14:20:00', '0000-00-00 00:00:00'),
  (6, 5, 2, 2, 0, 'R', 576, 'Dana Whitfield', NULL, NULL, '', NULL,
   '<p>Hi Tomás, the refund for order #5521 was issued today. It can take a few days to show on your card.</p>',
   'html', '127.0.0.1', NULL, '{"to":{"2":"Tom\\u00e1s Ibarra <tomas.ibarra@example.org>"}}',
   '2026-02-10 16:05:00', '0000-00-00 00:00:00'),
  (7, 0, 3, 0, 3, 'M', 65, 'Lena Fischer', NULL, NULL, 'API', 'Badge reader at north entrance rejects cards',
   '<p>The badge reader at the <strong>north entrance</strong> rejects every card since this morning.</p>',
   'html', '127.0.0.1', NULL, NULL, '2026-02-17 08:40:00', '0000-00-00 00:00:00'),
  (8, 0, 3, 1, 0, 'N', 64, 'Admin Peer', NULL, NULL, '', 'Status Changed',
   'Facilities updated the reader firmware, closing.',
   'html', '127.0.0.1', NULL, NULL, '2026-02-18 16:10:00', '0000-00-00 00:00:00'),
  (9, 0, 4, 0, 1, 'M', 1, 'Priya Raman', NULL, NULL, 'API', 'Suggestion: dark mode for the customer portal',
   'It would be great if the portal had a dark mode. Reading it at night is hard on the eyes.',
   'text', '127.0.0.1', NULL, NULL, '2026-02-23 10:00:00', '0000-00-00 00:00:00'),
  (10, 9, 4, 2, 0, 'R', 576, 'Dana Whitfield', NULL, NULL, '', NULL,
   '<p>Thanks for the suggestion! I have passed it on to our product team.</p>',
   'html', '127.0.0.1', NULL, '{"to":{"1":"Priya Raman <priya.raman@example.net>"}}',
   '2026-02-23 13:45:00', '0000-00-00 00:00:00'),
  (11, 0, 4, 0, 1, 'M', 64, 'Priya Raman', NULL, NULL, '', NULL,
   '<p>Will it at least be on the roadmap? Happy to test a beta.</p>',
   'html', '198.51.100.23', NULL, NULL, '2026-02-24 09:12:00', '0000-00-00 00:00:00'),
  (12, 0, 5, 0, 3, 'M', 1, 'Lena Fischer', NULL, NULL, 'API', 'CSV export times out',
   'Since Friday''s update every CSV export fails with a timeout after about 30 seconds. This blocks our month-end reporting.',
   'text', '127.0.0.1', NULL, NULL, '2026-03-02 11:25:00', '0000-00-00 00:00:00'),
  (13, 0, 5, 2, 0, 'N', 64, 'Dana Whitfield', NULL, NULL, '', 'Possible regression',
   'Same timeout reproduced on staging, looks related to the new export worker.',
   'html', '127.0.0.1', NULL, NULL, '2026-03-02 12:05:00', '0000-00-00 00:00:00');

-- Thread events (event_id: 1 created, 2 closed, 3 reopened, 4 assigned).
-- staff_id/dept_id/topic_id snapshot the ticket after the change. A later
-- close or reopen annuls the thread's earlier `closed` events (annulled=1).
-- A reopen by a portal client logs the client's name with uid NULL, uid_type 'S'.
INSERT INTO `ost_thread_event`
  (`id`, `thread_id`, `thread_type`, `event_id`, `staff_id`, `team_id`, `dept_id`, `topic_id`,
   `data`, `username`, `uid`, `uid_type`, `annulled`, `timestamp`)
VALUES
  (1, 1, 'T', 1, 0, 0, 4, 12, NULL, 'SYSTEM', 1, 'U', 0, '2026-02-02 09:15:00'),
  (2, 1, 'T', 4, 3, 0, 4, 12, '{"staff":[3,"Eve Okafor"]}', 'ostadmin', 1, 'S', 0, '2026-02-02 10:02:00'),
  (3, 2, 'T', 1, 0, 0, 4, 13, NULL, 'SYSTEM', 2, 'U', 0, '2026-02-10 14:20:00'),
  (4, 2, 'T', 2, 2, 0, 4, 13, '{"status":[2,"Resolved"]}', 'dana', 2, 'S', 0, '2026-02-10 16:05:00'),
  (5, 3, 'T', 1, 0, 0, 3, 10, NULL, 'SYSTEM', 3, 'U', 0, '2026-02-17 08:40:00'),
  (6, 3, 'T', 2, 1, 0, 3, 10, '{"status":[3,"Closed"]}', 'ostadmin', 1, 'S', 0, '2026-02-18 16:10:00'),
  (7, 4, 'T', 1, 0, 0, 1, 2, NULL, 'SYSTEM', 1, 'U', 0, '2026-02-23 10:00:00'),
  (8, 4, 'T', 2, 2, 0, 1, 2, '{"status":[2,"Resolved"]}', 'dana', 2, 'S', 1, '2026-02-23 13:45:00'),
  (9, 4, 'T', 3, 2, 0, 1, 2, NULL, 'Priya Raman', NULL, 'S', 0, '2026-02-24 09:12:00'),
  (10, 5, 'T', 1, 0, 0, 1, 0, NULL, 'SYSTEM', 3, 'U', 0, '2026-03-02 11:25:00');

-- core.auto_refer_closed: a close refers the thread to the previous assignee,
-- or else to the closing agent.
INSERT INTO `ost_thread_referral`
  (`id`, `thread_id`, `object_id`, `object_type`, `created`)
VALUES
  (1, 2, 2, 'S', '2026-02-10 16:05:00'),
  (2, 3, 1, 'S', '2026-02-18 16:10:00'),
  (3, 4, 2, 'S', '2026-02-23 13:45:00');

-- ---------------------------------------------------------------- search index
-- U: name / answers (phone as displayed) then the addresses,
-- T: "<number> <subject>" / subject,  H: entry title or '' / body as plain text.
INSERT INTO `ost__search`
  (`object_type`, `object_id`, `title`, `content`)
VALUES
  ('U', 1, 'Priya Raman', '555-0142\nPrefers phone contact in the morning. priya.raman@example.net\npriya.raman@example.net'),
  ('U', 2, 'Tomás Ibarra', '(617) 555-0199 tomas.ibarra@example.org\ntomas.ibarra@example.org'),
  ('U', 3, 'Lena Fischer', ' lena.fischer@example.com\nlena.fischer@example.com'),
  ('T', 1, '482915 Invoice 2026-0117 charged twice', 'Invoice 2026-0117 charged twice'),
  ('T', 2, '731604 Refund for cancelled order #5521', 'Refund for cancelled order #5521'),
  ('T', 3, '265378 Badge reader at north entrance rejects cards', 'Badge reader at north entrance rejects cards'),
  ('T', 4, '918273 Suggestion: dark mode for the customer portal', 'Suggestion: dark mode for the customer portal'),
  ('T', 5, '350628 CSV export times out', 'CSV export times out'),
  ('H', 1, 'Invoice 2026-0117 charged twice', 'Hi, my card was charged twice for invoice 2026-0117. Could you check and refund one of the charges?'),
  ('H', 2, 'Ticket Assigned to Eve Okafor', 'Eve is covering billing questions this week.'),
  ('H', 3, '', 'Hello Priya, I can see the duplicate charge and have asked our payment provider to reverse it. The refund should reach your card within 3-5 business days.'),
  ('H', 4, '', 'Thank you! I will keep an eye on my statement.'),
  ('H', 5, 'Refund for cancelled order #5521', 'I cancelled order #5521 on 8 February but the refund has not arrived yet.'),
  ('H', 6, '', 'Hi Tomás, the refund for order #5521 was issued today. It can take a few days to show on your card.'),
  ('H', 7, 'Badge reader at north entrance rejects cards', 'The badge reader at the north entrance rejects every card since this morning.'),
  ('H', 8, 'Status Changed', 'Facilities updated the reader firmware, closing.'),
  ('H', 9, 'Suggestion: dark mode for the customer portal', 'It would be great if the portal had a dark mode. Reading it at night is hard on the eyes.'),
  ('H', 10, '', 'Thanks for the suggestion! I have passed it on to our product team.'),
  ('H', 11, '', 'Will it at least be on the roadmap? Happy to test a beta.'),
  ('H', 12, 'CSV export times out', 'Since Friday''s update every CSV export fails with a timeout after about 30 seconds. This blocks our month-end reporting.'),
  ('H', 13, 'Possible regression', 'Same timeout reproduced on staging, looks related to the new export worker.');
