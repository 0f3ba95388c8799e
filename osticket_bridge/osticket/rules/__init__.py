"""osTicket's help-desk rules on a new ticket: ticket filters, the ban list, organizations' collaborators, the
open-ticket limit and the system log (docs/rules.md)."""
