"""Who is calling: API keys and end-user tokens (callers.py), and the routes that hand out tokens (routes.py)."""
