"""Live updates: an agent's reply made outside the widget (osTicket's own statements, as its staff panel issues
them) appears in the open ticket without a reload, through GET /api/events/stream; an internal note never does."""

from playwright.sync_api import expect
from sqlalchemy import text

from .widget_helpers import query, sign_in

TICKET = "918273"  # schema_fixtures/demo.sql: one of Priya's tickets


def staff_panel_posts(site, number, kind, body):
    """The rows osTicket 1.18's staff panel writes for a reply (R) or a note (N), as in its recorded statements
    (golden/sql/staff_reply_with_status.sql), autocommitted one by one."""
    [ticket] = query(
        site,
        "SELECT t.ticket_id, th.id AS thread_id FROM ost_ticket t "
        "JOIN ost_thread th ON th.object_type = 'T' AND th.object_id = t.ticket_id WHERE t.number = :n",
        n=number,
    )
    with site.db.connect() as conn:
        conn.exec_driver_sql("SET SESSION sql_mode = ''")
        conn.execute(
            text(
                "INSERT INTO `ost_thread_entry` SET `created` = NOW(), `type` = :kind, `thread_id` = :thread, "
                "`format` = 'html', `staff_id` = 1, `poster` = 'Dana Whitfield', `flags` = 576, "
                "`ip_address` = '127.0.0.1', `body` = :body"
            ),
            {"kind": kind, "thread": ticket["thread_id"], "body": body},
        )
        if kind == "R":
            thread = {"t": ticket["thread_id"]}
            conn.execute(text("UPDATE `ost_thread` SET `lastresponse` = NOW() WHERE `id` = :t"), thread)
        conn.execute(
            text("UPDATE `ost_ticket` SET `isanswered` = 1, `updated` = NOW() WHERE `ticket_id` = :t"),
            {"t": ticket["ticket_id"]},
        )
        conn.commit()


def test_an_agents_reply_appears_without_a_reload_and_a_note_never(page, site):
    sign_in(page, site)
    with page.expect_response(lambda r: r.url.endswith("/api/events/stream")) as opened:
        page.locator(f"osticket-helpdesk a[data-number='{TICKET}']").click()
    assert opened.value.status == 200  # the stream is open (it starts at the newest event)
    reply = page.get_by_label("Reply", exact=True)
    reply.fill("half-typed answer")
    staff_panel_posts(site, TICKET, "N", "<p>Internal: check the warranty first</p>")
    staff_panel_posts(site, TICKET, "R", "<p>We are sending a replacement part today.</p>")
    expect(page.get_by_text("We are sending a replacement part today.")).to_be_visible(timeout=8000)
    expect(page.get_by_role("status")).to_have_text("This ticket was just updated.")
    expect(page.get_by_label("Reply", exact=True)).to_have_value("half-typed answer")  # the draft survives
    assert page.get_by_text("Internal: check the warranty first").count() == 0
    assert page.watch.csp == [] and page.watch.errors == []
