"""A live HTTP server on a free loopback port around an app, for clients that are not Flask's test client
(a headless browser, curl)."""

import contextlib
import threading

from werkzeug.serving import make_server


@contextlib.contextmanager
def serving(app):
    """``with serving(app) as base_url:`` -> "http://127.0.0.1:PORT" while the block runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
