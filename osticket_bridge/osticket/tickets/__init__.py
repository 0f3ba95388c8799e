"""Tickets: reading them as the panel shows them, and every write on them: create (routing, numbers, SLA), replies
and messages, status changes.

Imports: every other room of osticket/ (this is the top floor of the domain)."""
