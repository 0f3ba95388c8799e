"""Attachments over HTTP: signed links in every read, the download route, and files sent with a write.

A link ``/api/attachments/<id>/<name>?expires=...&signature=...`` works on its own (an ``<img>`` or ``<a>`` in
a page); without a signature the route needs an API key, or an end-user token whose user sees the entry.
"""

import os
import re
import time
from urllib.parse import quote, urlencode

from flask import Response, current_app, request
from flask_smorest import abort
from marshmallow import fields, validate

from ..osticket.errors import FieldError
from ..osticket.threads import files
from ..osticket.threads.entries import ENTRY_HIDDEN, PUBLIC_TYPES
from ..osticket.tickets.reads import sees_ticket
from ..tokens import InvalidLink, LinkSigner
from .auth.callers import API_KEY_SCHEME, BEARER_SCHEME, identify_caller
from .base import Blueprint, Params
from .db import connection, database

blp = Blueprint("attachments", __name__, description="Download a thread entry's attachment")

LINKS_EXTENSION = "osticket_attachment_links"
LINKS_DISABLED = "signed links are disabled on this server (OSTICKET_TOKEN_SECRET is not set)"
# Shown in the page (Content-Disposition: inline); anything else is a download. No SVG: it can carry script.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"}
# The download's media types for the OpenAPI document: the file's own (any; common ones named, */* the rest).
FILE_CONTENT = {
    mime: {"schema": {"type": "string", "format": "binary"}}
    for mime in ("application/octet-stream", "application/pdf", "text/plain", *sorted(INLINE_TYPES), "*/*")
}
FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
BLOCK = 64 * 1024  # read size of the Filesystem plugin's files
_FS_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")  # RFC 6838 names
MAX_FILES = 20  # per request, JSON and multipart file parts together
ATTACHMENTS_DOC = (
    '[{"name.pdf": "data:application/pdf;base64,..."}]; or send multipart/form-data (a browser\'s FormData) '
    "with file parts under any field name"
)


class LinkParams(Params):
    expires = fields.Integer(metadata={"description": "from the read's url: when the link expires (Unix time)"})
    signature = fields.String(metadata={"description": "from the read's url: the link's signature"})


def link_signer():
    """The app's LinkSigner, or None without OSTICKET_TOKEN_SECRET (links then need an API key or a token)."""
    app = current_app
    if LINKS_EXTENSION not in app.extensions:
        secret = app.config["OSTICKET_TOKEN_SECRET"]
        ttl = app.config["OSTICKET_ATTACHMENT_URL_TTL"]
        app.extensions[LINKS_EXTENSION] = LinkSigner(secret, ttl) if secret else None
    return app.extensions[LINKS_EXTENSION]


def download_url(attachment):
    """The attachment's URL: signed and expiring when links can be signed, else the bare route."""
    base = current_app.config["OSTICKET_PUBLIC_URL"].rstrip("/") or request.host_url.rstrip("/")
    name = quote(attachment["name"].replace("/", "_"), safe="")  # the name is for the browser only
    url = f"{base}/api/attachments/{attachment['id']}/{name}"
    signer = link_signer()
    if signer is None:
        return url
    expires, signature = signer.sign(attachment["id"])
    return f"{url}?{urlencode({'expires': expires, 'signature': signature})}"


def linked_entry(entry):
    """The entry with each attachment's ``url``, and its HTML body's ``cid:<file key>`` images pointed at them."""
    if not entry.get("attachments"):
        return entry
    attachments = [{**a, "url": download_url(a)} for a in entry["attachments"]]
    entry = {**entry, "attachments": attachments}
    if entry.get("format") == "html" and any(a["inline"] for a in attachments):
        body = entry["body"]
        for a in attachments:
            body = body.replace(f'src="cid:{a["key"]}"', f'src="{a["url"].replace("&", "&amp;")}"')
        entry["body"] = body
        entry["message"] = {**entry["message"], "body": body}
    return entry


def attachments_field():
    """The JSON ``attachments`` parameter of every route that takes files."""
    return fields.List(
        fields.Dict(
            keys=fields.String(),
            values=fields.String(validate=validate.Regexp("^data:[^,]*,", error="not a data: URL")),
            metadata={"minProperties": 1, "maxProperties": 1},
        ),
        validate=validate.Length(max=MAX_FILES),
        metadata={"description": ATTACHMENTS_DOC},
    )


def request_uploads(args):
    """Files sent with a write: the stock API's JSON ``attachments`` and, from a multipart/form-data body
    (a browser's FormData), every file part whatever its field name, a name repeated included
    (``<input type="file" multiple>``). At most MAX_FILES in all; each file meets its field's rules later."""
    uploads = files.parse_uploads(args["attachments"]) if args.get("attachments") else []
    for _, storage in request.files.items(multi=True):
        data = storage.read()
        if not storage.filename and not data:
            continue  # a file input left empty: browsers send it as a part without a name or content
        mime = (storage.mimetype or "application/octet-stream").lower()
        uploads.append(files.Upload(files.safe_name(storage.filename), mime, data))
    if len(uploads) > MAX_FILES:
        raise FieldError("attachments", f"at most {MAX_FILES} files may be sent with one request")
    return uploads


@blp.route("/api/attachments/<int:attachment_id>/<string:name>")
@blp.doc(
    security=[{}, {API_KEY_SCHEME: []}, {BEARER_SCHEME: []}],
    responses={200: {"content": FILE_CONTENT}, 206: {"content": FILE_CONTENT}},
)
@blp.arguments(LinkParams, location="query")
@blp.response(200, description="the file, with the media type it was stored with")
@blp.alt_response(206, description="Partial Content: the bytes a Range request asked for", success=True)
@blp.alt_response(304, description="Not Modified: the If-None-Match ETag is the file's", success=True)
@blp.alt_response(416, description="Range Not Satisfiable")
@blp.refuses(401, 403, 404, 422, 501)
def download_attachment(args, attachment_id, name):
    """The file, streamed: with ``expires`` and ``signature`` from a read's ``url`` (no credentials needed), or
    with an API key, or a token whose user sees the entry. Supports Range, ETag and If-None-Match."""
    max_age = 0
    if "signature" in args or "expires" in args:
        signer = link_signer()
        if signer is None:
            abort(403, message=LINKS_DISABLED)
        try:
            signer.verify(attachment_id, args.get("expires"), args.get("signature"))
        except InvalidLink as exc:
            abort(403, message=str(exc))
        max_age = args["expires"] - int(time.time())
        caller = None
    else:
        caller = identify_caller(tokens=True)
    db = database()
    conn = connection()
    found = files.find_attachment(db, conn, attachment_id)
    if found is not None and caller is not None and caller.is_end_user:
        visible = found["entry_type"] in PUBLIC_TYPES and not found["entry_flags"] & ENTRY_HIDDEN
        if not (visible and sees_ticket(db, conn, found["ticket_id"], caller.user, caller.ticket_number)):
            found = None
    if found is None:
        abort(404, message="attachment not found")
    return _send(db, found, max_age)


def _send(db, found, max_age):
    size, etag = found["size"], found["signature"] or found["key"]
    mime = (found["type"] or "").lower()
    if not _MEDIA_TYPE.match(mime):
        mime = "application/octet-stream"  # the type the upload declared is not one (osTicket stores it as sent)
    response = Response(status=200, mimetype=None)
    response.set_etag(etag)
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Cache-Control"] = f"private, max-age={max(max_age, 0)}" if max_age else "private, no-cache"
    response.headers["Content-Security-Policy"] = FILE_CSP
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    start, end = 0, size - 1
    ranged = request.range
    if (
        ranged is not None
        and len(ranged.ranges) == 1
        and ("If-Range" not in request.headers or request.if_range.etag == etag)
    ):
        bounds = ranged.range_for_length(size)
        if bounds is None:
            abort(416, message=f"the file has {size} bytes", headers={"Content-Range": f"bytes */{size}"})
        start, end = bounds[0], bounds[1] - 1
        response.status_code = 206
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    response.response = _content(db, found, start, end) if size else iter(())
    response.headers["Content-Type"] = mime
    response.headers["Content-Length"] = str(end - start + 1 if size else 0)
    response.headers["Content-Disposition"] = _disposition(mime, found["name"] or found["file_name"])
    return response


def _content(db, found, start, end):
    if found["bk"] == "D":
        return files.read_chunks(db, found["file_id"], found["size"], start, end)
    root = current_app.config["OSTICKET_ATTACHMENT_ROOT"]
    if found["bk"] == "F" and root:
        key = found["key"]
        path = os.path.join(root, key[0], key) if _FS_KEY.match(key or "") else None
        if path is None or not os.path.isfile(path):
            abort(404, message="the file is missing from the Filesystem plugin's folder (OSTICKET_ATTACHMENT_ROOT)")
        return _read_file(path, start, end)
    backend = files.BACKENDS.get(found["bk"], f"backend {found['bk']!r}")
    hint = " (set OSTICKET_ATTACHMENT_ROOT to its folder)" if found["bk"] == "F" else ""
    abort(501, message=f"the file is stored by {backend}, which the bridge cannot read{hint}")


def _read_file(path, start, end):
    with open(path, "rb") as handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            block = handle.read(min(BLOCK, left))
            if not block:
                return
            left -= len(block)
            yield block


def _disposition(mime, name):
    kind = "inline" if mime in INLINE_TYPES else "attachment"
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", name) or "download"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
