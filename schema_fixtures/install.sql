-- osticket-bridge install fixture: the rows a fresh osTicket 1.18.1 install
-- writes, for the tables in schema.sql only (load schema.sql first).
--
-- Ids equal the installer's ids. Timestamps are fixed (install time
-- 2026-01-02 09:00:00). The zero dates below are what osTicket itself writes
-- there (they load under MariaDB's default strict mode, which does not include
-- NO_ZERO_DATE). String literals use MySQL backslash escapes (\n).
--
-- Deliberately not included: ost_file / ost_file_chunk / ost_attachment rows
-- (the installer's logo and sample canned-response file belong to tables the
-- bridge does not use) and everything outside schema.sql (roles, e-mail
-- accounts, templates, queues, sessions, syslog).

-- Settings. Namespace `core` holds every setting a fresh 1.18.1 install writes,
-- `schedule.1` binds the U.S. Holidays schedule (4) to the business-hours
-- schedule (1), `mysqlsearch`.`reindex`=1 lets cron (re)build ost__search.
-- Not written by the installer, so absent here too. osTicket then uses
-- OsticketConfig::$defaults: default_ticket_status_id (=> 1), default_help_topic
-- (0), enable_richtext (on), help_topic_sort_mode ('a'), agent_name_format
-- ('full'), client_name_format ('original'). Readers must apply those defaults.
-- helpdesk_url and verify_email_addrs ('' = off) are the admin settings of the
-- reference install (no DNS there, so the MX check is off).
INSERT INTO `ost_config`
  (`id`, `namespace`, `key`, `value`, `updated`)
VALUES
  (1, 'core', 'admin_email', 'admin@example.com', '2026-01-02 09:00:00'),
  (2, 'core', 'helpdesk_url', 'http://127.0.0.1:8081/', '2026-01-02 09:00:00'),
  (3, 'core', 'helpdesk_title', 'Peer Helpdesk', '2026-01-02 09:00:00'),
  (4, 'core', 'schema_signature', '5fb92bef17f3b603659e024c01cc7a59', '2026-01-02 09:00:00'),
  (5, 'schedule.1', 'configuration', '{"holidays":[4]}', '2026-01-02 09:00:00'),
  (6, 'core', 'time_format', 'hh:mm a', '2026-01-02 09:00:00'),
  (7, 'core', 'date_format', 'MM/dd/y', '2026-01-02 09:00:00'),
  (8, 'core', 'datetime_format', 'MM/dd/y h:mm a', '2026-01-02 09:00:00'),
  (9, 'core', 'daydatetime_format', 'EEE, MMM d y h:mm a', '2026-01-02 09:00:00'),
  (10, 'core', 'default_priority_id', '2', '2026-01-02 09:00:00'),
  (11, 'core', 'enable_daylight_saving', '', '2026-01-02 09:00:00'),
  (12, 'core', 'reply_separator', '-- reply above this line --', '2026-01-02 09:00:00'),
  (13, 'core', 'isonline', '1', '2026-01-02 09:00:00'),
  (14, 'core', 'staff_ip_binding', '', '2026-01-02 09:00:00'),
  (15, 'core', 'staff_max_logins', '4', '2026-01-02 09:00:00'),
  (16, 'core', 'staff_login_timeout', '2', '2026-01-02 09:00:00'),
  (17, 'core', 'staff_session_timeout', '30', '2026-01-02 09:00:00'),
  (18, 'core', 'passwd_reset_period', '', '2026-01-02 09:00:00'),
  (19, 'core', 'client_max_logins', '4', '2026-01-02 09:00:00'),
  (20, 'core', 'client_login_timeout', '2', '2026-01-02 09:00:00'),
  (21, 'core', 'client_session_timeout', '30', '2026-01-02 09:00:00'),
  (22, 'core', 'max_page_size', '25', '2026-01-02 09:00:00'),
  (23, 'core', 'max_open_tickets', '', '2026-01-02 09:00:00'),
  (24, 'core', 'autolock_minutes', '3', '2026-01-02 09:00:00'),
  (25, 'core', 'default_smtp_id', '', '2026-01-02 09:00:00'),
  (26, 'core', 'use_email_priority', '', '2026-01-02 09:00:00'),
  (27, 'core', 'enable_kb', '', '2026-01-02 09:00:00'),
  (28, 'core', 'enable_premade', '1', '2026-01-02 09:00:00'),
  (29, 'core', 'enable_captcha', '', '2026-01-02 09:00:00'),
  (30, 'core', 'enable_auto_cron', '', '2026-01-02 09:00:00'),
  (31, 'core', 'enable_mail_polling', '', '2026-01-02 09:00:00'),
  (32, 'core', 'send_sys_errors', '1', '2026-01-02 09:00:00'),
  (33, 'core', 'send_sql_errors', '1', '2026-01-02 09:00:00'),
  (34, 'core', 'send_login_errors', '1', '2026-01-02 09:00:00'),
  (35, 'core', 'save_email_headers', '1', '2026-01-02 09:00:00'),
  (36, 'core', 'strip_quoted_reply', '1', '2026-01-02 09:00:00'),
  (37, 'core', 'ticket_autoresponder', '', '2026-01-02 09:00:00'),
  (38, 'core', 'message_autoresponder', '', '2026-01-02 09:00:00'),
  (39, 'core', 'ticket_notice_active', '1', '2026-01-02 09:00:00'),
  (40, 'core', 'ticket_alert_active', '1', '2026-01-02 09:00:00'),
  (41, 'core', 'ticket_alert_admin', '1', '2026-01-02 09:00:00'),
  (42, 'core', 'ticket_alert_dept_manager', '1', '2026-01-02 09:00:00'),
  (43, 'core', 'ticket_alert_dept_members', '', '2026-01-02 09:00:00'),
  (44, 'core', 'message_alert_active', '1', '2026-01-02 09:00:00'),
  (45, 'core', 'message_alert_laststaff', '1', '2026-01-02 09:00:00'),
  (46, 'core', 'message_alert_assigned', '1', '2026-01-02 09:00:00'),
  (47, 'core', 'message_alert_dept_manager', '', '2026-01-02 09:00:00'),
  (48, 'core', 'note_alert_active', '', '2026-01-02 09:00:00'),
  (49, 'core', 'note_alert_laststaff', '1', '2026-01-02 09:00:00'),
  (50, 'core', 'note_alert_assigned', '1', '2026-01-02 09:00:00'),
  (51, 'core', 'note_alert_dept_manager', '', '2026-01-02 09:00:00'),
  (52, 'core', 'transfer_alert_active', '', '2026-01-02 09:00:00'),
  (53, 'core', 'transfer_alert_assigned', '', '2026-01-02 09:00:00'),
  (54, 'core', 'transfer_alert_dept_manager', '1', '2026-01-02 09:00:00'),
  (55, 'core', 'transfer_alert_dept_members', '', '2026-01-02 09:00:00'),
  (56, 'core', 'overdue_alert_active', '1', '2026-01-02 09:00:00'),
  (57, 'core', 'overdue_alert_assigned', '1', '2026-01-02 09:00:00'),
  (58, 'core', 'overdue_alert_dept_manager', '1', '2026-01-02 09:00:00'),
  (59, 'core', 'overdue_alert_dept_members', '', '2026-01-02 09:00:00'),
  (60, 'core', 'assigned_alert_active', '1', '2026-01-02 09:00:00'),
  (61, 'core', 'assigned_alert_staff', '1', '2026-01-02 09:00:00'),
  (62, 'core', 'assigned_alert_team_lead', '', '2026-01-02 09:00:00'),
  (63, 'core', 'assigned_alert_team_members', '', '2026-01-02 09:00:00'),
  (64, 'core', 'auto_claim_tickets', '1', '2026-01-02 09:00:00'),
  (65, 'core', 'auto_refer_closed', '1', '2026-01-02 09:00:00'),
  (66, 'core', 'collaborator_ticket_visibility', '1', '2026-01-02 09:00:00'),
  (67, 'core', 'require_topic_to_close', '', '2026-01-02 09:00:00'),
  (68, 'core', 'show_related_tickets', '1', '2026-01-02 09:00:00'),
  (69, 'core', 'show_assigned_tickets', '1', '2026-01-02 09:00:00'),
  (70, 'core', 'show_answered_tickets', '', '2026-01-02 09:00:00'),
  (71, 'core', 'hide_staff_name', '', '2026-01-02 09:00:00'),
  (72, 'core', 'disable_agent_collabs', '', '2026-01-02 09:00:00'),
  (73, 'core', 'overlimit_notice_active', '', '2026-01-02 09:00:00'),
  (74, 'core', 'email_attachments', '1', '2026-01-02 09:00:00'),
  (75, 'core', 'ticket_number_format', '######', '2026-01-02 09:00:00'),
  (76, 'core', 'ticket_sequence_id', '', '2026-01-02 09:00:00'),
  (77, 'core', 'queue_bucket_counts', '', '2026-01-02 09:00:00'),
  (78, 'core', 'allow_external_images', '', '2026-01-02 09:00:00'),
  (79, 'core', 'task_number_format', '#', '2026-01-02 09:00:00'),
  (80, 'core', 'task_sequence_id', '2', '2026-01-02 09:00:00'),
  (81, 'core', 'log_level', '2', '2026-01-02 09:00:00'),
  (82, 'core', 'log_graceperiod', '12', '2026-01-02 09:00:00'),
  (83, 'core', 'client_registration', 'public', '2026-01-02 09:00:00'),
  (84, 'core', 'default_ticket_queue', '1', '2026-01-02 09:00:00'),
  (85, 'core', 'embedded_domain_whitelist', 'youtube.com, dailymotion.com, vimeo.com, player.vimeo.com, web.microsoftstream.com', '2026-01-02 09:00:00'),
  (86, 'core', 'max_file_size', '1048576', '2026-01-02 09:00:00'),
  (87, 'core', 'landing_page_id', '1', '2026-01-02 09:00:00'),
  (88, 'core', 'thank-you_page_id', '2', '2026-01-02 09:00:00'),
  (89, 'core', 'offline_page_id', '3', '2026-01-02 09:00:00'),
  (90, 'core', 'system_language', 'en_US', '2026-01-02 09:00:00'),
  (91, 'mysqlsearch', 'reindex', '1', '2026-01-02 09:00:00'),
  (92, 'core', 'default_email_id', '1', '2026-01-02 09:00:00'),
  (93, 'core', 'alert_email_id', '2', '2026-01-02 09:00:00'),
  (94, 'core', 'default_dept_id', '1', '2026-01-02 09:00:00'),
  (95, 'core', 'default_sla_id', '1', '2026-01-02 09:00:00'),
  (96, 'core', 'schedule_id', '1', '2026-01-02 09:00:00'),
  (97, 'core', 'default_template_id', '1', '2026-01-02 09:00:00'),
  (98, 'core', 'default_timezone', 'UTC', '2026-01-02 09:00:00'),
  (99, 'core', 'verify_email_addrs', '', '2026-01-02 09:00:00');

-- Ticket numbers are random (core.ticket_sequence_id = ''). Sequence 2 numbers tasks.
INSERT INTO `ost_sequence`
  (`id`, `name`, `flags`, `next`, `increment`, `padding`, `updated`)
VALUES
  (1, 'General Tickets', 1, 1, 1, '0', '0000-00-00 00:00:00'),
  (2, 'Tasks Sequence', 1, 1, 1, '0', '0000-00-00 00:00:00');

-- Thread event types (ost_thread_event.event_id).
INSERT INTO `ost_event`
  (`id`, `name`, `description`)
VALUES
  (1, 'created', NULL),
  (2, 'closed', NULL),
  (3, 'reopened', NULL),
  (4, 'assigned', NULL),
  (5, 'released', NULL),
  (6, 'transferred', NULL),
  (7, 'referred', NULL),
  (8, 'overdue', NULL),
  (9, 'edited', NULL),
  (10, 'viewed', NULL),
  (11, 'error', NULL),
  (12, 'collab', NULL),
  (13, 'resent', NULL),
  (14, 'deleted', NULL),
  (15, 'merged', NULL),
  (16, 'unlinked', NULL),
  (17, 'linked', NULL),
  (18, 'login', NULL),
  (19, 'logout', NULL),
  (20, 'message', NULL),
  (21, 'note', NULL);

-- Ticket statuses. `properties` is the JSON of the L1 (status properties) form.
INSERT INTO `ost_ticket_status`
  (`id`, `name`, `state`, `mode`, `flags`, `sort`, `properties`, `created`, `updated`)
VALUES
  (1, 'Open', 'open', 3, 0, 1, '{"description":"Open tickets."}', '2026-01-02 09:00:00', '0000-00-00 00:00:00'),
  (2, 'Resolved', 'closed', 1, 0, 2, '{"allowreopen":true,"reopenstatus":0,"description":"Resolved tickets"}', '2026-01-02 09:00:00', '0000-00-00 00:00:00'),
  (3, 'Closed', 'closed', 3, 0, 3, '{"allowreopen":true,"reopenstatus":0,"description":"Closed tickets. Tickets will still be accessible on client and staff panels."}', '2026-01-02 09:00:00', '0000-00-00 00:00:00'),
  (4, 'Archived', 'archived', 3, 0, 4, '{"description":"Tickets only adminstratively available but no longer accessible on ticket queues and client panel."}', '2026-01-02 09:00:00', '0000-00-00 00:00:00'),
  (5, 'Deleted', 'deleted', 3, 0, 5, '{"description":"Tickets queued for deletion. Not accessible on ticket queues."}', '2026-01-02 09:00:00', '0000-00-00 00:00:00');

INSERT INTO `ost_ticket_priority`
  (`priority_id`, `priority`, `priority_desc`, `priority_color`, `priority_urgency`, `ispublic`)
VALUES
  (1, 'low', 'Low', '#DDFFDD', 4, 1),
  (2, 'normal', 'Normal', '#FFFFF0', 3, 1),
  (3, 'high', 'High', '#FEE7E7', 2, 1),
  (4, 'emergency', 'Emergency', '#FEE7E7', 1, 1);

-- The built-in ticket-status list (its properties form is ost_form 6, type L1).
-- No stock form field is list-N typed, so there are no ost_list_items.
INSERT INTO `ost_list`
  (`id`, `name`, `name_plural`, `sort_mode`, `masks`, `type`, `configuration`, `notes`, `created`, `updated`)
VALUES
  (1, 'Ticket Status', 'Ticket Statuses', 'SortCol', 13, 'ticket-status', '{"handler":"TicketStatusList"}', 'Ticket statuses', '2026-01-02 09:00:00', '2026-01-02 09:00:00');

-- Stock forms: U contact information, T ticket details, C company, O organization,
-- A task, L1 ticket-status properties.
INSERT INTO `ost_form`
  (`id`, `pid`, `type`, `flags`, `title`, `instructions`, `name`, `notes`, `created`, `updated`)
VALUES
  (1, NULL, 'U', 1, 'Contact Information', NULL, '', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (2, NULL, 'T', 1, 'Ticket Details', 'Please Describe Your Issue', '', 'This form will be attached to every ticket, regardless of its source.\nYou can add any fields to this form and they will be available to all\ntickets, and will be searchable with advanced search and filterable.', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (3, NULL, 'C', 1, 'Company Information', 'Details available in email templates', '', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (4, NULL, 'O', 1, 'Organization Information', 'Details on user organization', '', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (5, NULL, 'A', 1, 'Task Details', 'Please Describe The Issue', '', 'This form is used to create a task.', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (6, NULL, 'L1', 0, 'Ticket Status Properties', 'Properties that can be set on a ticket status.', '', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00');

-- Fields of the stock forms. Flag 0x2 (email, name, message, description) means
-- "stored elsewhere": such fields never get ost_form_entry_values rows.
INSERT INTO `ost_form_field`
  (`id`, `form_id`, `flags`, `type`, `label`, `name`, `configuration`, `sort`, `hint`, `created`, `updated`)
VALUES
  (1, 1, 489395, 'text', 'Email Address', 'email', '{"size":40,"length":64,"validator":"email"}', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (2, 1, 489395, 'text', 'Full Name', 'name', '{"size":40,"length":64}', 2, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (3, 1, 13057, 'phone', 'Phone Number', 'phone', NULL, 3, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (4, 1, 12289, 'memo', 'Internal Notes', 'notes', '{"rows":4,"cols":40}', 4, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (20, 2, 489265, 'text', 'Issue Summary', 'subject', '{"size":40,"length":50}', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (21, 2, 480547, 'thread', 'Issue Details', 'message', NULL, 2, 'Details on the reason(s) for opening the ticket.', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (22, 2, 274609, 'priority', 'Priority Level', 'priority', NULL, 3, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (23, 3, 291249, 'text', 'Company Name', 'name', '{"size":40,"length":64}', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (24, 3, 274705, 'text', 'Website', 'website', '{"size":40,"length":64}', 2, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (25, 3, 274705, 'phone', 'Phone Number', 'phone', '{"ext":false}', 3, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (26, 3, 12545, 'memo', 'Address', 'address', '{"rows":2,"cols":40,"html":false,"length":100}', 4, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (27, 4, 489395, 'text', 'Name', 'name', '{"size":40,"length":64}', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (28, 4, 13057, 'memo', 'Address', 'address', '{"rows":2,"cols":40,"length":100,"html":false}', 2, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (29, 4, 13057, 'phone', 'Phone', 'phone', NULL, 3, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (30, 4, 13057, 'text', 'Website', 'website', '{"size":40,"length":0}', 4, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (31, 4, 12289, 'memo', 'Internal Notes', 'notes', '{"rows":4,"cols":40}', 5, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (32, 5, 487601, 'text', 'Title', 'title', '{"size":40,"length":50}', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (33, 5, 413939, 'thread', 'Description', 'description', NULL, 2, 'Details on the reason(s) for creating the task.', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (34, 6, 487665, 'state', 'State', 'state', '{"prompt":"State of a ticket"}', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (35, 6, 471073, 'memo', 'Description', 'description', '{"rows":"2","cols":"40","html":"","length":"100"}', 3, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00');

-- The installer's sample organization and its O form entry. The C entry holds
-- the company (helpdesk) details.
INSERT INTO `ost_organization`
  (`id`, `name`, `manager`, `status`, `domain`, `extra`, `created`, `updated`)
VALUES
  (1, 'osTicket', '', 8, '', NULL, '2026-01-02 09:00:00', NULL);

INSERT INTO `ost_form_entry`
  (`id`, `form_id`, `object_id`, `object_type`, `sort`, `extra`, `created`, `updated`)
VALUES
  (1, 4, 1, 'O', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (2, 3, NULL, 'C', 1, NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_form_entry_values`
  (`entry_id`, `field_id`, `value`, `value_id`)
VALUES
  (2, 23, 'Peer Helpdesk', NULL),
  (2, 24, NULL, NULL),
  (2, 25, NULL, NULL),
  (2, 26, NULL, NULL);

-- Business hours (1 is core.schedule_id) and the holiday calendar (4).
INSERT INTO `ost_schedule`
  (`id`, `flags`, `name`, `timezone`, `description`, `created`, `updated`)
VALUES
  (1, 1, 'Monday - Friday 8am - 5pm with U.S. Holidays', NULL, '', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (2, 1, '24/7', NULL, '', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (3, 1, '24/5', NULL, '', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (4, 0, 'U.S. Holidays', NULL, '', '2026-01-02 09:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_schedule_entry`
  (`id`, `schedule_id`, `flags`, `sort`, `name`, `repeats`, `starts_on`, `starts_at`, `ends_on`, `ends_at`, `stops_on`, `day`, `week`, `month`, `created`, `updated`)
VALUES
  (1, 1, 0, 0, 'Monday', 'weekly', '2019-01-07', '08:00:00', '2019-01-07', '17:00:00', NULL, 1, NULL, NULL, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (2, 1, 0, 0, 'Tuesday', 'weekly', '2019-01-08', '08:00:00', '2019-01-08', '17:00:00', NULL, 2, NULL, NULL, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (3, 1, 0, 0, 'Wednesday', 'weekly', '2019-01-09', '08:00:00', '2019-01-09', '17:00:00', NULL, 3, NULL, NULL, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (4, 1, 0, 0, 'Thursday', 'weekly', '2019-01-10', '08:00:00', '2019-01-10', '17:00:00', NULL, 4, NULL, NULL, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (5, 1, 0, 0, 'Friday', 'weekly', '2019-01-11', '08:00:00', '2019-01-11', '17:00:00', NULL, 5, NULL, NULL, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (6, 2, 0, 0, 'Daily', 'daily', '2019-01-01', '00:00:00', '2019-01-01', '23:59:59', NULL, NULL, NULL, NULL, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (7, 3, 0, 0, 'Weekdays', 'weekdays', '2019-01-01', '00:00:00', '2019-01-01', '23:59:59', NULL, NULL, NULL, NULL, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (8, 4, 0, 0, 'New Year''s Day', 'yearly', '2019-01-01', '00:00:00', '2019-01-01', '23:59:59', NULL, 1, NULL, 1, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (9, 4, 0, 0, 'MLK Day', 'yearly', '2019-01-21', '00:00:00', '2019-01-21', '23:59:59', NULL, 1, 3, 1, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (10, 4, 0, 0, 'Memorial Day', 'yearly', '2019-05-27', '00:00:00', '2019-05-27', '23:59:59', NULL, 1, -1, 5, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (11, 4, 0, 0, 'Independence Day (4th of July)', 'yearly', '2019-07-04', '00:00:00', '2019-07-04', '23:59:59', NULL, 4, NULL, 7, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (12, 4, 0, 0, 'Labor Day', 'yearly', '2019-09-02', '00:00:00', '2019-09-02', '23:59:59', NULL, 1, 1, 9, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (13, 4, 0, 0, 'Indigenous Peoples'' Day (Whodat Columbus)', 'yearly', '2019-10-14', '00:00:00', '2019-10-14', '23:59:59', NULL, 1, 2, 10, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (14, 4, 0, 0, 'Veterans Day', 'yearly', '2019-11-11', '00:00:00', '2019-11-11', '23:59:59', NULL, 11, NULL, 11, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (15, 4, 0, 0, 'Thanksgiving Day', 'yearly', '2019-11-28', '00:00:00', '2019-11-28', '23:59:59', NULL, 4, 4, 11, '0000-00-00 00:00:00', '2026-01-02 09:00:00'),
  (16, 4, 0, 0, 'Christmas Day', 'yearly', '2019-11-25', '00:00:00', '2019-11-25', '23:59:59', NULL, 25, NULL, 12, '0000-00-00 00:00:00', '2026-01-02 09:00:00');

-- Default SLA: 18 working hours, flags 3 (active | escalate).
INSERT INTO `ost_sla`
  (`id`, `schedule_id`, `flags`, `grace_period`, `name`, `notes`, `created`, `updated`)
VALUES
  (1, 0, 3, 18, 'Default SLA', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00');

-- Departments of a fresh install (flags 4 = active).
INSERT INTO `ost_department`
  (`id`, `pid`, `tpl_id`, `sla_id`, `schedule_id`, `email_id`, `autoresp_email_id`, `manager_id`, `flags`, `name`, `signature`, `ispublic`, `group_membership`, `ticket_auto_response`, `message_auto_response`, `path`, `updated`, `created`)
VALUES
  (1, NULL, 0, 0, 0, 0, 0, 0, 4, 'Support', 'Support Department', 1, 1, 1, 1, '/1/', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (2, NULL, 0, 1, 0, 0, 0, 0, 4, 'Sales', 'Sales and Customer Retention', 1, 1, 1, 1, '/2/', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (3, NULL, 0, 0, 0, 0, 0, 0, 4, 'Maintenance', 'Maintenance Department', 1, 0, 1, 1, '/3/', '2026-01-02 09:00:00', '2026-01-02 09:00:00');

-- Help topics (flags 2 = active). `sort` is as in the reference install.
INSERT INTO `ost_help_topic`
  (`topic_id`, `topic_pid`, `ispublic`, `noautoresp`, `flags`, `status_id`, `priority_id`, `dept_id`, `staff_id`, `team_id`, `sla_id`, `page_id`, `sequence_id`, `sort`, `topic`, `number_format`, `notes`, `created`, `updated`)
VALUES
  (1, 0, 1, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 3, 'General Inquiry', NULL, 'Questions about products or services', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (2, 0, 1, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 2, 'Feedback', NULL, 'Tickets that primarily concern the sales and billing departments', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (10, 0, 1, 0, 2, 0, 2, 3, 0, 0, 0, 0, 0, 4, 'Report a Problem', NULL, 'Product, service, or equipment related issues', '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (11, 10, 1, 0, 2, 0, 3, 0, 0, 0, 1, 0, 0, 5, 'Access Issue', NULL, 'Report an inability access a physical or virtual asset', '2026-01-02 09:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_help_topic_form`
  (`id`, `topic_id`, `form_id`, `sort`, `extra`)
VALUES
  (1, 1, 2, 1, '{"disable":[]}'),
  (2, 2, 2, 1, '{"disable":[]}'),
  (3, 10, 2, 1, '{"disable":[]}'),
  (4, 11, 2, 1, '{"disable":[]}');

INSERT INTO `ost_team`
  (`team_id`, `lead_id`, `flags`, `name`, `notes`, `created`, `updated`)
VALUES
  (1, 0, 1, 'Level I Support', 'Tier 1 support, responsible for the initial iteraction with customers', '2026-01-02 09:00:00', '2026-01-02 09:00:00');

-- The installer's roles: the permission names each grants in a department (Staff::getRole).
INSERT INTO `ost_role`
  (`id`, `flags`, `name`, `permissions`, `notes`, `created`, `updated`)
VALUES
  (1,1,'All Access','{"ticket.assign":1,"ticket.close":1,"ticket.create":1,"ticket.delete":1,"ticket.edit":1,"thread.edit":1,"ticket.link":1,"ticket.markanswered":1,"ticket.merge":1,"ticket.reply":1,"ticket.refer":1,"ticket.release":1,"ticket.transfer":1,"task.assign":1,"task.close":1,"task.create":1,"task.delete":1,"task.edit":1,"task.reply":1,"task.transfer":1,"canned.manage":1}','Role with unlimited access','2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (2,1,'Expanded Access','{"ticket.assign":1,"ticket.close":1,"ticket.create":1,"ticket.edit":1,"ticket.link":1,"ticket.merge":1,"ticket.reply":1,"ticket.refer":1,"ticket.release":1,"ticket.transfer":1,"task.assign":1,"task.close":1,"task.create":1,"task.edit":1,"task.reply":1,"task.transfer":1,"canned.manage":1}','Role with expanded access','2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (3,1,'Limited Access','{"ticket.assign":1,"ticket.create":1,"ticket.link":1,"ticket.merge":1,"ticket.refer":1,"ticket.release":1,"ticket.transfer":1,"task.assign":1,"task.reply":1,"task.transfer":1}','Role with limited access','2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (4,1,'View only',NULL,'Simple role with no permissions','2026-01-02 09:00:00','2026-01-02 09:00:00');

-- The administrator created by the installer. Password: AdminPeer#2024
-- (phpass/bcrypt $2a$08$ hash, generated for this fixture).
INSERT INTO `ost_staff`
  (`staff_id`, `dept_id`, `role_id`, `username`, `firstname`, `lastname`, `passwd`, `backend`, `email`, `phone`, `phone_ext`, `mobile`, `signature`, `lang`, `timezone`, `locale`, `notes`, `isactive`, `isadmin`, `isvisible`, `onvacation`, `assigned_only`, `show_assigned_tickets`, `change_passwd`, `max_page_size`, `auto_refresh_rate`, `default_signature_type`, `default_paper_size`, `extra`, `permissions`, `created`, `lastlogin`, `passwdreset`, `updated`)
VALUES
  (1, 1, 1, 'ostadmin', 'Admin', 'Peer', '$2a$08$ja/IPAzh8SqOpLb4Kk8L9OxYOktSdIBzrX6tXlVoQz3sNJ/ZSWuZa', NULL, 'admin@example.com', '', NULL, '', '', NULL, NULL, NULL, NULL, 1, 1, 1, 0, 0, 0, 0, 25, 0, 'none', 'Letter', NULL, '{"user.create":1,"user.delete":1,"user.edit":1,"user.manage":1,"user.dir":1,"org.create":1,"org.delete":1,"org.edit":1,"faq.manage":1,"visibility.agents":1,"emails.banlist":1,"visibility.departments":1}', '2026-01-02 09:00:00', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_staff_dept_access`
  (`staff_id`, `dept_id`, `role_id`, `flags`)
VALUES
  (1, 2, 1, 1),
  (1, 3, 1, 1);

-- The e-mail ban list filter with its sample rule.
INSERT INTO `ost_filter`
  (`id`, `execorder`, `isactive`, `flags`, `status`, `match_all_rules`, `stop_onmatch`, `target`, `email_id`, `name`, `notes`, `created`, `updated`)
VALUES
  (1, 99, 1, 0, 0, 0, 0, 'Email', 0, 'SYSTEM BAN LIST', 'Internal list for email banning. Do not remove', '2026-01-02 09:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_filter_rule`
  (`id`, `filter_id`, `what`, `how`, `val`, `isactive`, `notes`, `created`, `updated`)
VALUES
  (1, 1, 'email', 'equal', 'test@example.com', 1, '', '0000-00-00 00:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_filter_action`
  (`id`, `filter_id`, `sort`, `type`, `configuration`, `updated`)
VALUES
  (1, 1, 1, 'reject', '[]', '2026-01-02 09:00:00');

-- E-mail accounts, the default template group and the templates of the notices the bridge sends
-- (osticket/notices.py); a real install holds every other template of the group too.
INSERT INTO `ost_email`
  (`email_id`, `noautoresp`, `priority_id`, `dept_id`, `topic_id`, `email`, `name`, `notes`, `created`, `updated`)
VALUES
  (1, 0, 2, 1, 0, 'support@example.com', 'Support', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (2, 0, 2, 1, 0, 'alerts@example.com', 'osTicket Alerts', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
  (3, 0, 2, 1, 0, 'noreply@example.com', '', NULL, '2026-01-02 09:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_email_template_group`
  (`tpl_id`, `isactive`, `name`, `lang`, `notes`, `created`, `updated`)
VALUES
  (1, 1, 'osTicket Default Template (HTML)', 'en_US', 'Default osTicket templates', '2026-01-02 09:00:00', '2026-01-02 09:00:00');

INSERT INTO `ost_email_template`
  (`id`, `tpl_id`, `code_name`, `subject`, `body`, `notes`, `created`, `updated`)
VALUES
  (1,1,'ticket.autoresp','Support Ticket Opened [#%{ticket.number}]','<h3><strong>Dear %{recipient.name.first},</strong></h3> <p>A request for support has been created and assigned #%{ticket.number}. A representative will follow-up with you as soon as possible. You can <a href=\"%%7Brecipient.ticket_link%7D\">view this ticket\'s progress online</a>. </p> <br /> <div style=\"color:rgb(127, 127, 127)\">Your %{company.name} Team, <br /> %{signature} </div> <hr /> <div style=\"color:rgb(127, 127, 127);font-size:small\"><em>If you wish to provide additional comments or information regarding the issue, please reply to this email or <a href=\"%%7Brecipient.ticket_link%7D\"><span style=\"color:rgb(84, 141, 212)\">login to your account</span></a> for a complete archive of your support requests.</em></div>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (2,1,'ticket.autoreply','Re: %{ticket.subject} [#%{ticket.number}]','<h3><strong>Dear %{recipient.name.first},</strong></h3> A request for support has been created and assigned ticket <a href=\"%%7Brecipient.ticket_link%7D\">#%{ticket.number}</a> with the following automatic reply <br /> <br /> Topic: <strong>%{ticket.topic.name}</strong> <br /> Subject: <strong>%{ticket.subject}</strong> <br /> <br /> %{response} <br /> <br /> <div style=\"color:rgb(127, 127, 127)\">Your %{company.name} Team,<br /> %{signature}</div> <hr /> <div style=\"color:rgb(127, 127, 127);font-size:small\"><em>We hope this response has sufficiently answered your questions. If you wish to provide additional comments or information, please reply to this email or <a href=\"%%7Brecipient.ticket_link%7D\"><span style=\"color:rgb(84, 141, 212)\">login to your account</span></a> for a complete archive of your support requests.</em></div>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (3,1,'message.autoresp','Message Confirmation','<h3><strong>Dear %{recipient.name.first},</strong></h3> Your reply to support request <a href=\"%%7Brecipient.ticket_link%7D\">#%{ticket.number}</a> has been noted <br /> <br /> <div style=\"color:rgb(127, 127, 127)\">Your %{company.name} Team,<br /> %{signature} </div> <hr /> <div style=\"color:rgb(127, 127, 127);font-size:small;text-align:center\"><em>You can view the support request progress <a href=\"%%7Brecipient.ticket_link%7D\">online here</a></em> </div>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (4,1,'ticket.notice','%{ticket.subject} [#%{ticket.number}]','<h3><strong>Dear %{recipient.name.first},</strong></h3> Our customer care team has created a ticket, <a href=\"%%7Brecipient.ticket_link%7D\">#%{ticket.number}</a> on your behalf, with the following details and summary: <br /> <br /> Topic: <strong>%{ticket.topic.name}</strong> <br /> Subject: <strong>%{ticket.subject}</strong> <br /> <br /> %{message} <br /> <br /> %{response} <br /> <br /> If need be, a representative will follow-up with you as soon as possible. You can also <a href=\"%%7Brecipient.ticket_link%7D\">view this ticket\'s progress online</a>. <br /> <br /> <div style=\"color:rgb(127, 127, 127)\">Your %{company.name} Team,<br /> %{signature}</div> <hr /> <div style=\"color:rgb(127, 127, 127);font-size:small\"><em>If you wish to provide additional comments or information regarding the issue, please reply to this email or <a href=\"%%7Brecipient.ticket_link%7D\"><span style=\"color:rgb(84, 141, 212)\">login to your account</span></a> for a complete archive of your support requests.</em></div>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (5,1,'ticket.overlimit','Open Tickets Limit Reached','<h3><strong>Dear %{ticket.name.first},</strong></h3> You have reached the maximum number of open tickets allowed. To be able to open another ticket, one of your pending tickets must be closed. To update or add comments to an open ticket simply <a href=\"%%7Burl%7D/tickets.php?e=%%7Bticket.email%7D\">login to our helpdesk</a>. <br /> <br /> Thank you,<br /> Support Ticket System',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (6,1,'ticket.reply','Re: %{ticket.subject} [#%{ticket.number}]','<h3><strong>Dear %{recipient.name.first},</strong></h3> %{response} <br /> <br /> <div style=\"color:rgb(127, 127, 127)\">Your %{company.name} Team,<br /> %{signature} </div> <hr /> <div style=\"color:rgb(127, 127, 127);font-size:small;text-align:center\"><em>We hope this response has sufficiently answered your questions. If not, please do not send another email. Instead, reply to this email or <a href=\"%%7Brecipient.ticket_link%7D\" style=\"color:rgb(84, 141, 212)\">login to your account</a> for a complete archive of all your support requests and responses.</em></div>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (7,1,'ticket.activity.notice','Re: %{ticket.subject} [#%{ticket.number}]','<h3><strong>Dear %{recipient.name.first},</strong></h3> <div><em>%{poster.name}</em> just logged a message to a ticket in which you participate. </div> <br /> %{message} <br /> <br /> <hr /> <div style=\"color:rgb(127, 127, 127);font-size:small;text-align:center\"><em>You\'re getting this email because you are a collaborator on ticket <a href=\"%%7Brecipient.ticket_link%7D\" style=\"color:rgb(84, 141, 212)\">#%{ticket.number}</a>. To participate, simply reply to this email or <a href=\"%%7Brecipient.ticket_link%7D\" style=\"color:rgb(84, 141, 212)\">click here</a> for a complete archive of the ticket thread.</em> </div>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (8,1,'ticket.alert','New Ticket Alert','<h2>Hi %{recipient.name},</h2> New ticket #%{ticket.number} created <br /> <br /> <table><tbody><tr><td><strong>From</strong>: </td> <td>%{ticket.name} &lt;%{ticket.email}&gt; </td> </tr> <tr><td><strong>Department</strong>: </td> <td>%{ticket.dept.name} </td> </tr> </tbody> </table> <br /> %{message} <br /> <br /> <hr /> <div>To view or respond to the ticket, please <a href=\"%%7Bticket.staff_link%7D\">login</a> to the support ticket system</div> <em style=\"font-size:small\">Your friendly Customer Support System</em> <br /> <a href=\"https://osticket.com/\"><img width=\"126\" height=\"19\" style=\"width:126px\" alt=\"Powered By osTicket\" src=\"cid:b56944cb4722cc5cda9d1e23a3ea7fbc\" /></a>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (9,1,'message.alert','New Message Alert','<h3><strong>Hi %{recipient.name},</strong></h3> New message appended to ticket <a href=\"%%7Bticket.staff_link%7D\">#%{ticket.number}</a> <br /> <br /> <table><tbody><tr><td><strong>From</strong>: </td> <td>%{poster.name} &lt;%{ticket.email}&gt; </td> </tr> <tr><td><strong>Department</strong>: </td> <td>%{ticket.dept.name} </td> </tr> </tbody> </table> <br /> %{message} <br /> <br /> <hr /> <div>To view or respond to the ticket, please <a href=\"%%7Bticket.staff_link%7D\"><span style=\"color:rgb(84, 141, 212)\">login</span></a> to the support ticket system</div> <em style=\"color:rgb(127,127,127);font-size:small\">Your friendly Customer Support System</em><br /> <img src=\"cid:b56944cb4722cc5cda9d1e23a3ea7fbc\" alt=\"Powered by osTicket\" width=\"126\" height=\"19\" style=\"width:126px\" />',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (10,1,'note.alert','New Internal Activity Alert','<h3><strong>Hi %{recipient.name},</strong></h3> An agent has logged activity on ticket <a href=\"%%7Bticket.staff_link%7D\">#%{ticket.number}</a> <br /> <br /> <table><tbody><tr><td><strong>From</strong>: </td> <td>%{note.poster} </td> </tr> <tr><td><strong>Title</strong>: </td> <td>%{note.title} </td> </tr> </tbody> </table> <br /> %{note.message} <br /> <br /> <hr /> To view/respond to the ticket, please <a href=\"%%7Bticket.staff_link%7D\">login</a> to the support ticket system <br /> <br /> <em style=\"font-size:small\">Your friendly Customer Support System</em> <br /> <img src=\"cid:b56944cb4722cc5cda9d1e23a3ea7fbc\" alt=\"Powered by osTicket\" width=\"126\" height=\"19\" style=\"width:126px\" />',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (11,1,'assigned.alert','Ticket Assigned to you','<h3><strong>Hi %{assignee.name.first},</strong></h3> Ticket <a href=\"%%7Bticket.staff_link%7D\">#%{ticket.number}</a> has been assigned to you by %{assigner.name.short} <br /> <br /> <table><tbody><tr><td><strong>From</strong>: </td> <td>%{ticket.name} &lt;%{ticket.email}&gt; </td> </tr> <tr><td><strong>Subject</strong>: </td> <td>%{ticket.subject} </td> </tr> </tbody> </table> <br /> %{comments} <br /> <br /> <hr /> <div>To view/respond to the ticket, please <a href=\"%%7Bticket.staff_link%7D\"><span style=\"color:rgb(84, 141, 212)\">login</span></a> to the support ticket system</div> <em style=\"font-size:small\">Your friendly Customer Support System</em> <br /> <img src=\"cid:b56944cb4722cc5cda9d1e23a3ea7fbc\" alt=\"Powered by osTicket\" width=\"126\" height=\"19\" style=\"width:126px\" />',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00'),
  (12,1,'transfer.alert','Ticket #%{ticket.number} transfer - %{ticket.dept.name}','<h3>Hi %{recipient.name},</h3> Ticket <a href=\"%%7Bticket.staff_link%7D\">#%{ticket.number}</a> has been transferred to the %{ticket.dept.name} department by <strong>%{staff.name.short}</strong> <br /> <br /> <blockquote>%{comments} </blockquote> <hr /> <div>To view or respond to the ticket, please <a href=\"%%7Bticket.staff_link%7D\">login</a> to the support ticket system. </div> <em style=\"font-size:small\">Your friendly Customer Support System</em> <br /> <a href=\"https://osticket.com/\"><img width=\"126\" height=\"19\" alt=\"Powered By osTicket\" style=\"width:126px\" src=\"cid:b56944cb4722cc5cda9d1e23a3ea7fbc\" /></a>',NULL,'2026-01-02 09:00:00','2026-01-02 09:00:00');
