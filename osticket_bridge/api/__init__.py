"""HTTP layer: parse, authenticate, call the domain, dump. No SQL here."""
