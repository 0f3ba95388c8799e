"""A small "company website" on its own origin that embeds the widget: `make run`'s demo and the browser tests.

Pages: ``/`` (portal sign-in or guest access in the widget) and ``/account`` (the site "knows" its user, so its
backend mints the help desk token: ``POST /widget-token`` calls the bridge's ``/api/auth/token`` with the API key,
which stays on the server). Every page carries a strict Content-Security-Policy: no inline script, no eval.
"""

import html
import json
import os
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from string import Template

PAGES = os.path.join(os.path.dirname(__file__), "demo")
ROUTES = {
    "/": ("index.html", "text/html"),
    "/account": ("account.html", "text/html"),
    "/site.css": ("site.css", "text/css"),
}


def page_csp(bridge):
    return (
        f"default-src 'none'; script-src {bridge}; connect-src 'self' {bridge}; style-src 'self'; "
        f"img-src 'self' {bridge} https: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def mint_token(bridge, api_key, email):
    """What a site's backend does: ask the bridge for its signed-in user's token, with the site's API key."""
    request = urllib.request.Request(  # noqa: S310 - the configured bridge URL (http or https)
        f"{bridge}/api/auth/token",
        data=json.dumps({"email": email}).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": api_key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - as above
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class DemoSite:
    """Serve the site on 127.0.0.1:``port`` (0: a free one) in a daemon thread; ``url`` is its origin."""

    def __init__(self, bridge, api_key, email, port=0):
        self.bridge, self.api_key, self.email = bridge.rstrip("/"), api_key, email
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, name="demo-site", daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _render(self, name):
        with open(os.path.join(PAGES, name), encoding="utf-8") as f:
            text = f.read()
        if name.endswith(".html"):
            text = Template(text).substitute(bridge=html.escape(self.bridge), email=html.escape(self.email))
        return text.encode()

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?", 1)[0]
                if path not in ROUTES:
                    return self._send(404, b"not found", "text/plain")
                name, kind = ROUTES[path]
                self._send(200, site._render(name), kind)

            def do_POST(self):
                if self.path != "/widget-token":
                    return self._send(404, b"not found", "text/plain")
                # A real site checks its own session here; the demo's visitor is always its demo user. Only the
                # site's own pages may ask (a cross-site form or fetch would carry the visitor's cookies).
                if self.headers.get("Origin") != site.url:
                    return self._send(403, b'{"message": "cross-origin request refused"}', "application/json")
                status, body = mint_token(site.bridge, site.api_key, site.email)
                self._send(status, body, "application/json")

            def _send(self, status, body, kind):
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Content-Security-Policy", page_csp(site.bridge))
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass  # the bridge logs the requests that matter

        return Handler
