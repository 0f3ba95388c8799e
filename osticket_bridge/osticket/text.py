"""Text as osTicket stores it: thread-entry bodies, titles, JSON (DATA_MODEL §0 and §5)."""

import html
import json
import re

import nh3

# Format::strip_emoticons' ranges, exactly (osTicket 1.18 drops these characters from every value it saves).
_EMOTICONS = re.compile(
    "[\U0001f600-\U0001f64f\U0001f680-\U0001f6d2\U0001f6e0-\U0001f6ff\U0001f300-\U0001f5ff"
    "\U0001f910-\U0001f999\U0001f9c0-\U0001f9c2\U0001f9d0-\U0001f9ef\u2702-\u27b0\u00a9-\u00ae"
    "\u23e0-\u23ff\u2310-\u231f\u2322-\u232f\U001000b6]"
)
# Any other character outside the BMP reaches osTicket's 3-byte utf8 columns as one "?" per UTF-8 byte.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# C0 controls but tab, newline and carriage return: htmLawed (HTML, titles) and libxml (text bodies) drop them;
# a NUL becomes a space in bodies and titles, and is dropped from form answers (PHP's strip_tags).
_CONTROLS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")
_BARE_AMP = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\f\v]+")

MAX_BODY_CHARS = 65_000  # osTicket moves longer bodies into attachments; the bridge refuses them
MAX_BODY_BYTES = 65_535  # the TEXT column

# What the staff panel may show: a conservative subset of htmLawed's safe set.
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "font", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strike", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
HTML_ATTRIBUTES = {
    "*": {"style", "title", "dir", "lang"},
    "a": {"href", "name", "target"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color", "face", "size"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign"},
    "table": {"border", "cellpadding", "cellspacing", "width"},
}
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "font-size", "font-family", "text-align",
    "text-decoration", "margin", "margin-left", "padding", "padding-left", "border", "width", "height",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto", "cid"}


class BodyTooLong(ValueError):
    pass


def storable(value):
    """A value as osTicket 1.18 stores it on utf8 tables: emoticons dropped, other 4-byte characters as "????",
    NUL dropped."""
    return _ASTRAL.sub("????", _EMOTICONS.sub("", value)).replace("\x00", "")


def without_controls(value):
    """Bodies and titles: C0 control characters dropped, except tab, newline and carriage return; NUL a space."""
    return _CONTROLS.sub("", value).replace("\x00", " ")


def escape_text(value):
    """PHP htmlspecialchars(ENT_COMPAT, double_encode=false): existing entities stay, ' stays."""
    value = _BARE_AMP.sub("&amp;", value)
    return value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def clean_html(value):
    """Sanitise untrusted HTML to an allow-list; the output is balanced (thread-entry flag 0x40)."""
    return nh3.clean(
        value,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def clean_body(value, fmt):
    """Return the body as osTicket stores it for format "text" or "html"; "-" when empty.

    Raises BodyTooLong past what one TEXT column holds.
    """
    value = storable(without_controls(value.replace("\r\n", "\n")))
    if fmt == "html":
        body = clean_html(value)
        if not plain_text(body, "html"):
            body = "" if "<img" not in body else body
    else:
        body = escape_text(_MANY_NEWLINES.sub("\n\n", value.strip()))
    if len(body) > MAX_BODY_CHARS or len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise BodyTooLong(f"the message is longer than {MAX_BODY_CHARS} characters")
    return body or "-"


def clean_title(value, limit=255):
    """Titles and subjects: tags stripped, entities decoded, one line, storable."""
    text = html.unescape(nh3.clean(without_controls(value), tags=set()))
    return _SPACES.sub(" ", storable(text).replace("\n", " ")).strip()[:limit]


def plain_text(body, fmt):
    """The searchable text of a stored body (ost__search content)."""
    if fmt == "html":
        body = nh3.clean(re.sub(r"<br\s*/?>|</p>|</div>", "\n", body), tags=set())
    return html.unescape(body).strip()


def php_json(value):
    """JSON exactly as PHP's json_encode writes it: compact, ASCII, slashes escaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")
