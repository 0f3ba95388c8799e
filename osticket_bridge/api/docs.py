"""/api/docs: Swagger UI over /api/openapi.json, served from the pinned flask-swagger-ui package's files.

Nothing comes from a CDN, so the page works on a machine without internet access. The page's own setup is a
script file too, so the docs' Content-Security-Policy needs no inline scripts.
"""

import pathlib

import flask_swagger_ui
from flask import Blueprint, Response, abort, send_from_directory

# swagger-ui-dist's files as flask-swagger-ui ships them (its version is pinned in requirements.txt).
ASSETS = pathlib.Path(flask_swagger_ui.__file__).resolve().parent / "dist"
SERVED = {"swagger-ui.css", "index.css", "swagger-ui-bundle.js", "favicon-32x32.png", "favicon-16x16.png"}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>osticket-bridge API</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
  <link rel="stylesheet" href="/api/docs/assets/index.css">
  <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
</head>
<body>
  <p style="margin: 1em 20px; font-family: sans-serif">
    The OpenAPI document itself: <a href="/api/openapi.json">/api/openapi.json</a>
  </p>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/setup.js"></script>
</body>
</html>
"""
SETUP = """window.onload = function () {
  window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
};
"""

blp = Blueprint("docs", __name__)


@blp.get("/api/docs")
def page():
    return Response(PAGE, mimetype="text/html")


@blp.get("/api/docs/setup.js")
def setup():
    return Response(SETUP, mimetype="text/javascript")


@blp.get("/api/docs/assets/<name>")
def asset(name):
    if name not in SERVED:
        abort(404)
    return send_from_directory(ASSETS, name, max_age=86400)
