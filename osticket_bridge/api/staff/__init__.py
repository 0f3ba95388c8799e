"""The agents' and integrations' API (/api/scp/...): every entry, internal notes included."""
