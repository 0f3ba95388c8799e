"""Delivery of the mails the domain decides on: the outbox table, transports and the sender loop."""
