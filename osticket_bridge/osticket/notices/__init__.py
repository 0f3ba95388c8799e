"""The e-mails osTicket sends for an event: who gets which template (recipients.py) and what each mail holds
(compose.py), queued in the bridge's outbox.

Imports: catalog/, the shared modules of osticket/ and the mail package's message."""
