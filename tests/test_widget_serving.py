"""/widget/osticket-helpdesk.js: served to any origin as a cacheable script, small, and free of unsafe sinks."""

import gzip
import re

from osticket_bridge.widget import STATIC

SCRIPT = "/widget/osticket-helpdesk.js"
# HTML sinks, code from strings, and storage outliving the page (tokens are kept in memory only).
UNSAFE = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", 'setTimeout("')
UNSAFE += ("localStorage", "sessionStorage", "cookie")


def source():
    with open(f"{STATIC}/osticket-helpdesk.js", encoding="utf-8") as f:
        return f.read()


def test_served_as_a_cacheable_cross_origin_script(fixtures_app):
    client = fixtures_app.test_client()
    response = client.get(SCRIPT, headers={"Origin": "https://www.example.com"})
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data(as_text=True) == source()
    again = client.get(SCRIPT, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    packed = client.get(SCRIPT, headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip" and packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.get_data()).decode() == source()
    assert len(packed.get_data()) <= 30 * 1024
    # The API keeps its own policy.
    api = client.get("/healthz")
    assert api.headers["Cache-Control"] == "no-store"
    assert "Cross-Origin-Resource-Policy" not in api.headers


def test_small_and_without_unsafe_sinks():
    text = source()
    assert len(gzip.compress(text.encode(), 9)) <= 30 * 1024
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # the header comment explains innerHTML is never used
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        "localStorage",
        "sessionStorage",
        "cookie",
    ):
        assert sink not in code, sink
    assert not re.search(r"setAttribute\(\s*[\"']on", code)


def test_unknown_widget_file_is_404(fixtures_app):
    assert fixtures_app.test_client().get("/widget/../__init__.py").status_code == 404
    assert fixtures_app.test_client().get("/widget/nothing.js").status_code == 404
