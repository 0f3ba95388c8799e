"""Helpers of the browser tests: the demo user, screenshots, database look-ups, the widget's shadow DOM."""

import os
from pathlib import Path

from sqlalchemy import text

CHROMIUM = os.environ.get("OSTICKET_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
API_KEY = "0123456789ABCDEF0123456789ABCDEF"  # schema_fixtures/demo.sql, bound to 127.0.0.1
PRIYA = {"user_id": 1, "username": "priya", "email": "priya.raman@example.net", "password": "demo-pass-123"}
SAVED_SCREENSHOTS = []


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/screenshots/ and remember its path for the summary."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SAVED_SCREENSHOTS.append(path)
    return path


def query(site, sql, **params):
    with site.db.connect() as conn:
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def ticket_row(site, number):
    """The ticket as osTicket stores it: subject, status state, owner, entries (type, body)."""
    [row] = query(
        site,
        "SELECT t.ticket_id, t.user_id, t.closed, s.state, c.subject FROM ost_ticket t "
        "JOIN ost_ticket_status s ON s.id = t.status_id "
        "LEFT JOIN ost_ticket__cdata c ON c.ticket_id = t.ticket_id WHERE t.number = :n",
        n=number,
    )
    row["entries"] = query(
        site,
        "SELECT e.type, e.body FROM ost_thread_entry e JOIN ost_thread th ON th.id = e.thread_id "
        "WHERE th.object_type = 'T' AND th.object_id = :id ORDER BY e.id",
        id=row["ticket_id"],
    )
    return row


def sign_in(page, site, username=PRIYA["username"], password=PRIYA["password"], navigate=True):
    if navigate:
        page.goto(site.url + "/")
    page.get_by_label("Email or username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def widget_state(page):
    """Facts about the widget's shadow DOM that no safe render may break."""
    return page.evaluate(
        """() => {
          const root = document.querySelector('osticket-helpdesk').shadowRoot;
          const all = [...root.querySelectorAll('*')];
          return {
            scripts: root.querySelectorAll('script').length + document.querySelectorAll('body script').length,
            onAttributes: all.flatMap(el => [...el.attributes].filter(a => /^on/i.test(a.name))
                                           .map(a => el.localName + '[' + a.name + ']')),
            badUrls: all.flatMap(el => ['href', 'src', 'action', 'formaction', 'xlink:href']
                                 .map(n => el.getAttribute(n))
                                 .filter(v => v && /^\\s*(javascript|data|vbscript):/i.test(v))),
            frames: root.querySelectorAll('iframe, object, embed, form[action], style, link').length,
          };
        }"""
    )
