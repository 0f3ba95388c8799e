"""End-to-end harness: real headless Chromium (Debian's `chromium`, driven by Playwright), a real bridge on a free
port (werkzeug server thread) on its own copy of the fixtures database, and the demo "company website"
(osticket_bridge/widget/demo_site.py) on another origin, with its strict CSP, embedding the widget.

Screenshots go to test-artifacts/screenshots/ (kept by CI, ignored by git); their paths are printed at the end.
vendor/axe.min.js is axe-core 4.14.1 from npm (`npm pack axe-core@4`), MPL-2.0, licenses beside it.
"""

import os
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from osticket_bridge import create_app, events, fixtures
from osticket_bridge.widget.demo_site import DemoSite

from .widget_helpers import API_KEY, CHROMIUM, PRIYA, SAVED_SCREENSHOTS


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium): not run"))


def pytest_terminal_summary(terminalreporter):
    if SAVED_SCREENSHOTS:
        terminalreporter.section("widget screenshots")
        for path in SAVED_SCREENSHOTS:
            terminalreporter.write_line(str(path))


@pytest.fixture(scope="session")
def site(db_server, _fixtures_template):
    """The demo website (``site.url``) and the bridge it embeds (``site.bridge``), on their own database."""
    name = f"obt_{uuid.uuid4().hex[:8]}_browser"
    db_url = fixtures.clone_database(db_server, _fixtures_template, name)
    site = DemoSite("", API_KEY, PRIYA["email"])  # binds its port now: the bridge's CORS needs its origin
    app = create_app(
        {
            "OSTICKET_DB_URL": db_url,
            "OSTICKET_TOKEN_SECRET": "browser-tests-" + "x" * 40,
            "OSTICKET_CORS_ORIGINS": site.url,
            # werkzeug's test server has a thread per connection (gunicorn's 4 threads are what the default of 2
            # streams per process protects); a closed page's stream ends at its next heartbeat.
            "OSTICKET_EVENTS_MAX_STREAMS": 20,
            "OSTICKET_EVENTS_HEARTBEAT_SECONDS": 1.0,
        }
    )
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    site.bridge = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, name="bridge", daemon=True).start()
    site.start()
    site.db = create_engine(db_url)
    try:
        yield site
    finally:
        site.stop()
        server.shutdown()
        site.db.dispose()
        events.stop(app)
        app.extensions["osticket"].dispose()
        fixtures.drop_database(db_server, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu"])
        yield browser
        browser.close()


class Watch:
    """What a page did that a test may forbid: dialogs (alert/confirm), CSP violations, page errors."""

    def __init__(self, page):
        self.dialogs, self.csp, self.errors = [], [], []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda msg: self.csp.append(msg.text) if "Content Security Policy" in msg.text else None,
        )


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.watch = Watch(page)
    page.set_default_timeout(10_000)
    yield page
    context.close()
