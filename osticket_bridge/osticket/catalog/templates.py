"""osTicket's e-mail templates (ost_email_template) and their %{variables}, rendered to a subject, HTML and text.

A department's template group is its ``tpl_id`` when that group exists (Dept::getTemplate), else the default
group (core.default_template_id). The body is HTML; the text part is its text as Format::html2text gives it.
"""

import html
import re

from sqlalchemy import select

# %{ticket.number}, and the URL-encoded form the template editor stores in links: %%7Bticket.staff_link%7D
_VARIABLE = re.compile(r"%\{([\w.]+)\}|%%7B([\w.]+)%7D", re.IGNORECASE)
_INLINE_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"cid:[^\"]*\"[^>]*>", re.IGNORECASE)


class Markup(str):
    """A variable's value that is already HTML (a thread entry's body, a signature): not escaped again."""


def load_template(db, conn, catalog, tpl_id, code):
    """(subject, body) of the ``code`` template ("ticket.alert", ...) in the department's group (Dept::getTemplate:
    its ``tpl_id`` when that group exists), else in the default group (core.default_template_id); else None.

    Kept with the catalog: an admin's edit shows within its CACHE_SECONDS.
    """

    def load():
        t, g = db.tables.email_template, db.tables.email_template_group
        default = catalog.int_setting("default_template_id", 1)
        query = (
            select(t.c.tpl_id, t.c.subject, t.c.body)
            .join(g, g.c.tpl_id == t.c.tpl_id)
            .where(t.c.code_name == code, t.c.tpl_id.in_({tpl_id or default, default}))
        )
        found = {row.tpl_id: (row.subject, row.body) for row in conn.execute(query)}
        return found.get(tpl_id) or found.get(default)

    return catalog.kept(("template", tpl_id, code), load)


def expand(template, values, markup):
    """Replace each %{name} with values[name] ('' when unknown, as osTicket's VariableReplacer does).

    ``markup``: the result is HTML, so plain values are escaped; in a subject nothing is.
    """

    def value(match):
        name = (match.group(1) or match.group(2)).lower()
        found = values.get(name, "")
        if markup and not isinstance(found, Markup):
            return html.escape(str(found), quote=True)
        if not markup and isinstance(found, Markup):
            return html_to_text(found).strip()
        return str(found)

    return _VARIABLE.sub(value, template)


def render(template, values):
    """(subject, HTML body) of a (subject, body) template; images osTicket attaches inline are left out."""
    subject, body = template
    subject = re.sub(r"[\r\n]", "", expand(subject, values, markup=False)).strip()
    return subject, _INLINE_IMAGE.sub("", expand(body, values, markup=True))


def text_body(body):
    """ThreadEntryBody::display('email') of a plain-text entry: escaped, whitespace kept."""
    return Markup(f'<div style="white-space:pre-wrap">{html.escape(body, quote=False)}</div>')


_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|h[1-6]|tr|li|blockquote|table)>|<hr\s*/?>", re.IGNORECASE)
_CELL = re.compile(r"</t[dh]>", re.IGNORECASE)
_HIDDEN = re.compile(r"<(style|script|head)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(body):
    """The text of an HTML body as Format::html2text gives it without links: lines per block, cells spaced."""
    text = _HIDDEN.sub("", body.replace("\r\n", "\n"))
    text = re.sub(r"\s*\n\s*", " ", text)
    text = _CELL.sub("  ", _BLOCK_END.sub("\n", text))
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
