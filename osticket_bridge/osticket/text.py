"""Text as osTicket stores it: thread-entry bodies, titles, JSON (DATA_MODEL §0 and §5)."""

import html
import json
import re

import nh3

# Format::strip_emoticons' ranges; other characters outside the BMP cannot be stored in 3-byte utf8
# either (MySQL would cut the text at the first one), so they become U+FFFD instead of losing the rest.
_EMOTICONS = re.compile(
    "[\U0001f600-\U0001f64f\U0001f300-\U0001f5ff\U0001f680-\U0001f6ff\u2600-\u26ff\u2700-\u27bf"
    "\U0001f1e6-\U0001f1ff\U0001f910-\U0001f95e\U0001f980-\U0001f991\U0001f9c0\U0001f9f9]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
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
    """Drop emoji as osTicket does and replace other 4-byte characters the utf8 columns cannot hold."""
    return _ASTRAL.sub("\ufffd", _EMOTICONS.sub("", value))


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
    value = storable(value.replace("\r\n", "\n"))
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
    text = html.unescape(nh3.clean(value, tags=set()))
    return _SPACES.sub(" ", storable(text).replace("\n", " ")).strip()[:limit]


def plain_text(body, fmt):
    """The searchable text of a stored body (ost__search content)."""
    if fmt == "html":
        body = nh3.clean(re.sub(r"<br\s*/?>|</p>|</div>", "\n", body), tags=set())
    return html.unescape(body).strip()


def php_json(value):
    """JSON exactly as PHP's json_encode writes it: compact, ASCII, slashes escaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")
