"""The end-user API (/api/tickets.json, /api/topics.json, attachments): what osTicket's client portal lets a user do,
plus the create and the agent reply that the seed API keeps beside them."""
