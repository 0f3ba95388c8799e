"""What a user does with <osticket-helpdesk> on another origin's page, checked in the page and in the database."""

import json
import urllib.request

import pytest

from .widget_helpers import API_KEY, PRIYA, query, screenshot, sign_in, ticket_row

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing").expect

TOMAS_TICKET = "731604"  # schema_fixtures/demo.sql: Tomás's ticket, not Priya's
RECEIPT = {"name": "receipt.txt", "mimeType": "text/plain", "buffer": b"Order 1042: blue tent, 129.00\n"}
LABEL = {"name": "label.txt", "mimeType": "text/plain", "buffer": b"Tent, blue, 3-person\n"}
NOTE = {"name": "zip-note.txt", "mimeType": "text/plain", "buffer": b"The zip stops halfway.\n"}


def widget(page):
    return page.locator("osticket-helpdesk")


def priya_tickets(site):
    return query(
        site,
        "SELECT t.number, c.subject FROM ost_ticket t JOIN ost_ticket__cdata c ON c.ticket_id = t.ticket_id "
        "WHERE t.user_id = :u",
        u=PRIYA["user_id"],
    )


def files_of(site, number):
    """(name, size) of the files attached to the ticket's entries, in order."""
    rows = query(
        site,
        "SELECT f.name, f.size FROM ost_attachment a JOIN ost_file f ON f.id = a.file_id "
        "JOIN ost_thread_entry e ON a.type = 'H' AND a.object_id = e.id "
        "JOIN ost_thread th ON th.id = e.thread_id JOIN ost_ticket t ON th.object_type = 'T' "
        "AND th.object_id = t.ticket_id WHERE t.number = :n ORDER BY a.id",
        n=number,
    )
    return [(r["name"], r["size"]) for r in rows]


def test_sign_in_list_create_open_reply_close_reopen_sign_out(page, site):
    page.goto(site.url + "/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    screenshot(page, "01-sign-in")

    sign_in(page, site)
    expect(page.get_by_role("heading", name="My tickets", exact=True)).to_be_focused()
    for ticket in priya_tickets(site):
        expect(page.get_by_role("link", name=ticket["subject"])).to_be_visible()
    expect(page.get_by_text("Open", exact=True).first).to_be_visible()  # status of each ticket
    screenshot(page, "02-my-tickets")

    page.get_by_role("button", name="New ticket", exact=True).click()
    expect(page.get_by_role("heading", name="New ticket", exact=True)).to_be_focused()
    topic = page.get_by_label("Topic", exact=True)
    expect(topic).to_be_enabled()
    topic.select_option(label="Feedback")
    page.get_by_label("Subject", exact=True).fill("The blue tent's zip is stuck")
    page.get_by_label("Message", exact=True).fill("Bought it last week.\nThe zip will not close.")
    # <input type=file multiple name=attachments>: both files travel as parts of one field name
    page.get_by_label("Attachments", exact=True).set_input_files([RECEIPT, LABEL])
    screenshot(page, "03-new-ticket")
    page.get_by_role("button", name="Submit ticket", exact=True).click()

    heading = page.get_by_role("heading", name="The blue tent's zip is stuck", exact=True)
    expect(heading).to_be_focused()
    status = page.get_by_role("status")
    expect(status).to_contain_text("was created")
    number = status.inner_text().split("#")[1].split(" ")[0]
    row = ticket_row(site, number)
    assert row["subject"] == "The blue tent's zip is stuck"
    assert row["user_id"] == PRIYA["user_id"] and row["state"] == "open"
    assert [e["type"] for e in row["entries"]] == ["M"]
    assert "The zip will not close." in row["entries"][0]["body"]
    sent = [("receipt.txt", len(RECEIPT["buffer"])), ("label.txt", len(LABEL["buffer"]))]
    assert files_of(site, number) == sent
    receipt = page.get_by_role("link", name="receipt.txt", exact=True)
    assert receipt.get_attribute("href").startswith(f"{site.bridge}/api/attachments/")
    assert page.request.get(receipt.get_attribute("href")).body() == RECEIPT["buffer"]  # the signed link works
    [topic_row] = query(
        site, "SELECT topic FROM ost_help_topic h JOIN ost_ticket t USING (topic_id) WHERE number=:n", n=number
    )
    assert topic_row["topic"] == "Feedback"

    page.get_by_label("Reply", exact=True).fill("Here is a photo of the zip, in words: stuck halfway.")
    page.get_by_label("Attachments", exact=True).set_input_files(NOTE)
    page.get_by_role("button", name="Send reply", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Your reply was sent.")
    expect(page.get_by_label("Reply", exact=True)).to_be_focused()
    expect(page.get_by_text("stuck halfway.")).to_be_visible()
    entries = ticket_row(site, number)["entries"]
    assert [e["type"] for e in entries] == ["M", "M"] and "stuck halfway." in entries[1]["body"]
    assert files_of(site, number) == [*sent, ("zip-note.txt", len(NOTE["buffer"]))]
    expect(page.get_by_role("link", name="zip-note.txt", exact=True)).to_be_visible()
    screenshot(page, "04-ticket")

    page.get_by_role("button", name="Close ticket", exact=True).click()
    expect(page.get_by_role("button", name="Reopen ticket", exact=True)).to_be_focused()
    expect(page.get_by_role("status")).to_have_text("The ticket is closed.")
    closed = ticket_row(site, number)
    assert closed["state"] == "closed" and closed["closed"] is not None
    screenshot(page, "05-ticket-closed")

    page.get_by_role("button", name="Reopen ticket", exact=True).click()
    expect(page.get_by_role("button", name="Close ticket", exact=True)).to_be_focused()
    reopened = ticket_row(site, number)
    assert reopened["state"] == "open" and reopened["closed"] is None

    page.get_by_role("button", name="Back to my tickets", exact=True).click()
    link = page.get_by_role("link", name="The blue tent's zip is stuck")
    expect(link).to_be_focused()  # back where the user left
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_focused()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    assert page.watch.csp == [] and page.watch.errors == []


def test_tickets_are_paged(page, site):
    page.goto(site.url + "/")
    widget(page).evaluate("el => el.setAttribute('page-size', '1')")
    sign_in(page, site, navigate=False)
    total = len(priya_tickets(site))
    expect(page.get_by_text(f"Page 1 of {total}", exact=True)).to_be_visible()
    expect(page.locator("osticket-helpdesk a[part=ticket-link]")).to_have_count(1)
    first = page.locator("osticket-helpdesk a[part=ticket-link]").inner_text()
    page.get_by_role("button", name="Next page", exact=True).click()
    expect(page.get_by_text(f"Page 2 of {total}", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Next page", exact=True)).to_be_focused()
    assert page.locator("osticket-helpdesk a[part=ticket-link]").inner_text() != first


def test_keyboard_alone(page, site):
    page.goto(site.url + "/")
    page.get_by_label("Email or username", exact=True).focus()
    page.keyboard.type(PRIYA["username"])
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PRIYA["password"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My tickets", exact=True)).to_be_focused()
    first_link = page.locator("osticket-helpdesk a[part=ticket-link]").first
    expect(first_link).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="New ticket", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(first_link).to_be_focused()
    subject = first_link.locator(".subject").inner_text()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=subject, exact=True)).to_be_focused()
    for _ in range(12):  # the reply field, the file picker and the button are reached by Tab
        page.keyboard.press("Tab")
        if page.get_by_label("Reply", exact=True).evaluate("el => el.matches(':focus')"):
            break
    expect(page.get_by_label("Reply", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Attachments", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send reply", exact=True)).to_be_focused()
    page.keyboard.press("Enter")  # empty: refused, focus back on the field with the reason
    expect(page.get_by_role("alert")).to_have_text("Reply: please fill this in.")
    expect(page.get_by_label("Reply", exact=True)).to_be_focused()


def test_guest_access(page, site):
    page.goto(site.url + "/")
    page.get_by_role("button", name="Check a ticket without an account", exact=True).click()
    expect(page.get_by_role("heading", name="Check a ticket", exact=True)).to_be_focused()
    page.get_by_label("Ticket number", exact=True).fill("482915")
    page.get_by_label("Email", exact=True).fill(PRIYA["email"])
    screenshot(page, "06-guest-access")
    page.get_by_role("button", name="View ticket", exact=True).click()
    [subject] = [t["subject"] for t in priya_tickets(site) if t["number"] == "482915"]
    expect(page.get_by_role("heading", name=subject, exact=True)).to_be_focused()
    expect(page.get_by_role("button", name="Send reply", exact=True)).to_be_visible()
    page.get_by_role("button", name="Back to my tickets", exact=True).click()
    expect(page.locator("osticket-helpdesk a[part=ticket-link]")).to_have_count(1)  # that ticket only
    expect(page.get_by_role("button", name="New ticket", exact=True)).to_have_count(0)


def test_wrong_password_shows_the_error(page, site):
    sign_in(page, site, password="not-the-password")  # noqa: S106
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("invalid username or password")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    expect(page.get_by_role("heading", name="My tickets")).to_have_count(0)
    screenshot(page, "07-wrong-password")


def test_another_users_ticket_is_unreachable(page, site):
    [tomas] = query(
        site,
        "SELECT c.subject FROM ost_ticket t JOIN ost_ticket__cdata c USING (ticket_id) WHERE t.number = :n",
        n=TOMAS_TICKET,
    )
    sign_in(page, site)
    expect(page.get_by_role("heading", name="My tickets", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=tomas["subject"])).to_have_count(0)
    widget(page).evaluate(f"el => el.openTicket('{TOMAS_TICKET}')")
    expect(page.get_by_role("alert")).to_have_text("ticket not found")
    expect(page.get_by_text(tomas["subject"])).to_have_count(0)

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_role("button", name="Check a ticket without an account", exact=True).click()
    page.get_by_label("Ticket number", exact=True).fill(TOMAS_TICKET)
    page.get_by_label("Email", exact=True).fill(PRIYA["email"])
    page.get_by_role("button", name="View ticket", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("invalid email or ticket number")
    expect(page.get_by_text(tomas["subject"])).to_have_count(0)


def test_token_from_the_sites_backend(page, site):
    """/account: the site's backend mints the token (token-url); setToken() takes one handed over directly."""
    page.goto(site.url + "/account")
    expect(page.get_by_role("heading", name="My tickets", exact=True)).to_be_visible()
    for ticket in priya_tickets(site):
        expect(page.get_by_role("link", name=ticket["subject"])).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    assert "X-API-Key" not in page.content() and API_KEY not in page.content()
    screenshot(page, "08-account-token-url")
    # A token the bridge refuses (expired, or the secret changed): the widget asks token-url again and goes on.
    widget(page).evaluate("el => el.setToken('expired.or.forged')")
    widget(page).evaluate("el => el.openTicket('482915')")
    expect(page.get_by_role("button", name="Send reply", exact=True)).to_be_visible()
    expect(page.get_by_text("Your session has ended")).to_have_count(0)

    request = urllib.request.Request(  # noqa: S310 - the test's own bridge
        f"{site.bridge}/api/auth/token",
        data=json.dumps({"email": PRIYA["email"]}).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": API_KEY},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        token = json.load(response)["token"]
    page.goto(site.url + "/")
    widget(page).evaluate("(el, token) => el.setToken(token)", token)
    expect(page.get_by_role("heading", name="My tickets", exact=True)).to_be_visible()
    widget(page).evaluate("el => el.setToken('expired.or.forged')")  # a token the bridge refuses
    widget(page).evaluate("el => el.openTicket('482915')")
    expect(page.get_by_role("alert")).to_contain_text("Your session has ended")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


def test_strings_can_be_translated(page, site):
    page.goto(site.url + "/")
    widget(page).evaluate("el => el.setAttribute('lang', 'fr')")
    expect(page.get_by_role("button", name="Se connecter", exact=True)).to_be_visible()
    widget(page).evaluate("el => el.setStrings({signIn: 'Anmelden'})")
    expect(page.get_by_role("button", name="Anmelden", exact=True)).to_be_visible()
    expect(page.get_by_label("Mot de passe", exact=True)).to_be_visible()


def test_empty_and_unreachable_states_are_in_words(page, site):
    request = urllib.request.Request(  # noqa: S310 - the test's own bridge
        f"{site.bridge}/api/scp/users.json",
        data=json.dumps(
            {"email": "new.widget.user@example.com", "name": "New User", "password": "widget-pass-1"}
        ).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": API_KEY},
    )
    urllib.request.urlopen(request).close()  # noqa: S310
    sign_in(page, site, username="new.widget.user@example.com", password="widget-pass-1")  # noqa: S106
    expect(page.get_by_text("You have no tickets yet.", exact=True)).to_be_visible()

    page.goto(site.url + "/")
    widget(page).evaluate("el => el.setAttribute('api', 'http://127.0.0.1:9')")  # nothing listens there
    sign_in(page, site, navigate=False)
    expect(page.get_by_role("alert")).to_have_text(
        "The help desk could not be reached. Check your connection and try again."
    )
