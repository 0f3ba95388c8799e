"""The app's Database (engine + reflected tables), created once in create_app."""

from flask import current_app


def database():
    return current_app.extensions["osticket"]
