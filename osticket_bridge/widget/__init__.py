"""The <osticket-helpdesk> web component, served at /widget/osticket-helpdesk.js for any website to embed.

The file is public and the same for everyone: any origin may load it (as a classic script, or with
``crossorigin``/``integrity``); caches keep it an hour, then revalidate with its ETag. Browsers that accept gzip
get it compressed (about a quarter of its size).
"""

import functools
import gzip
import hashlib
import os

from flask import Blueprint, Response, request

STATIC = os.path.join(os.path.dirname(__file__), "static")
SCRIPT = "osticket-helpdesk.js"
MAX_AGE = 3600

blp = Blueprint("widget", __name__, url_prefix="/widget")


@functools.cache
def _script():
    """(plain bytes, gzipped bytes, ETag), read once per process."""
    with open(os.path.join(STATIC, SCRIPT), "rb") as f:
        plain = f.read()
    return plain, gzip.compress(plain, 9, mtime=0), hashlib.sha256(plain).hexdigest()[:32]


@blp.route("/" + SCRIPT)
def script():
    plain, packed, etag = _script()
    compressed = "gzip" in request.accept_encodings
    response = Response(packed if compressed else plain, mimetype="text/javascript")
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(etag + ("-gz" if compressed else ""))
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    # Another origin's page runs it: allow that even under Cross-Origin-Embedder-Policy, and readable for SRI.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)
