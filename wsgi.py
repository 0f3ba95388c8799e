"""WSGI entry point: gunicorn wsgi:app"""

from osticket_bridge import create_app

app = create_app()
