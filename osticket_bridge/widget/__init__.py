"""The <osticket-helpdesk> web component, served at /widget/osticket-helpdesk.js for any website to embed.

The file is public and the same for everyone: any origin may load it (as a classic script, or with
``crossorigin``/``integrity``), caches keep it an hour and then revalidate with its ETag.
"""

import os

from flask import Blueprint, send_from_directory

STATIC = os.path.join(os.path.dirname(__file__), "static")
PATH_PREFIX = "/widget/"
MAX_AGE = 3600

blp = Blueprint("widget", __name__, url_prefix=PATH_PREFIX.rstrip("/"))


@blp.route("/osticket-helpdesk.js")
def script():
    response = send_from_directory(
        STATIC, "osticket-helpdesk.js", mimetype="text/javascript", max_age=MAX_AGE, conditional=True, etag=True
    )
    response.cache_control.public = True
    # Another origin's page runs it: allow that even under Cross-Origin-Embedder-Policy, and readable for SRI.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
