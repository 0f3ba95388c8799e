"""osTicket's data model: reads and writes on the reflected tables. No Flask here."""
