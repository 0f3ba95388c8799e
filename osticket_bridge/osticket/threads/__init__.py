"""A ticket's thread: its entries (messages, replies, notes), its events and the files attached to entries.

Imports: the shared modules of osticket/ only."""
