"""The help desk's rules on a new ticket, as Ticket::create applies them: ticket filters (filters.py, what their
rules read in filter_data.py, PHP regexes in preg.py), the ban list, the open-ticket limit and their refusals
(on_create.py), a filter's canned reply and e-mails (filter_mail.py), an organization's automatic collaborators
(organizations.py), osTicket's system log (syslog.py). docs/rules.md says which of osTicket's rules the bridge
applies.

Imports: notices/, threads/, people/, catalog/ and the shared modules of osticket/."""
