"""Files on thread entries as osTicket's AttachmentFile, Attachment and AttachmentChunkedData keep them
(DATA_MODEL §1.17): uploads checked and named, stored once (de-duplicated by signature and size) in 500 KiB
chunks, attached to entries, listed with the entries (joined to their query), and read back chunk by chunk.
"""

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, insert, select

from ..errors import FieldError
from ..round_trip import in_constants

CHUNK_SIZE = 500 * 1024  # AttachmentChunkedData's CHUNK_SIZE
MAX_NAME = 255  # ost_file.name
BACKENDS = {"D": "the database", "F": "the Filesystem storage plugin", "S": "the Amazon S3 storage plugin"}
_DATA_URL = re.compile(r"^data:([^,]*),(.*)$", re.DOTALL)
# HtmlThreadEntryBody::extractEmbeddedHtmlImages takes src="data:..."; only raster images are kept as files.
_EMBEDDED = re.compile(r'src="data:(image/(?:png|jpeg|gif|webp|bmp));base64,([A-Za-z0-9+/=\s]+)"', re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Upload:
    name: str
    type: str
    data: bytes
    cid: str | None = None  # an image embedded in the HTML body, referenced as cid:<cid> until stored


@dataclass(frozen=True)
class Stored:
    file_id: int
    key: str
    name: str  # as sent
    cid: str | None
    file_name: str  # the ost_file row's: a reused file keeps the name it was first stored under
    size: int
    type: str


def parse_data_url(value):
    """An RFC 2397 URL -> (mime type, charset or None, bytes), or None when ``value`` is not one."""
    match = _DATA_URL.match(value)
    if not match:
        return None
    params = [p.strip() for p in match.group(1).split(";")]
    mime = (params[0] or "text/plain").lower()
    charset = next((p.split("=", 1)[1] for p in params[1:] if p.lower().startswith("charset=")), None)
    data = match.group(2)
    if any(p.lower() == "base64" for p in params[1:]):
        try:
            return mime, charset, base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("invalid base64 data") from None
    return mime, charset, data.encode("utf-8")


def safe_name(name):
    """The file name without any folder part or control characters (osTicket keeps what the client sent)."""
    name = _CONTROL.sub("", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", ".."):
        raise FieldError("attachments", "each attachment needs a file name")
    return name[:MAX_NAME]


def parse_uploads(items):
    """The stock API's JSON attachments ``[{"file.txt": "data:text/plain;base64,..."}]`` -> [Upload]."""
    if not isinstance(items, list):
        raise FieldError("attachments", 'a list of {"name": "data:<type>;base64,<data>"} objects')
    uploads = []
    for item in items:
        if not isinstance(item, dict) or len(item) != 1:
            raise FieldError("attachments", 'each attachment is one {"name": "data:..."} object')
        ((raw_name, url),) = item.items()
        name = safe_name(raw_name)
        if not isinstance(url, str):
            raise FieldError("attachments", f"{name}: the value must be a data: URL")
        try:
            parsed = parse_data_url(url)
        except ValueError as exc:
            raise FieldError("attachments", f"{name}: {exc}") from None
        if parsed is None:
            raise FieldError("attachments", f"{name}: not a data: URL")
        mime, _, data = parsed
        uploads.append(Upload(name, mime, data))
    return uploads


def extract_embedded_images(html):
    """HtmlThreadEntryBody: data: images of an HTML body become inline uploads named image<4 chars>.<type>,
    their src a ``cid:`` reference (rewritten to the stored file's key by ``reference_stored``)."""
    uploads = []

    def take(match):
        mime = match.group(1).lower()
        try:
            data = base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
        except (binascii.Error, ValueError):
            raise FieldError("message", "an embedded image has invalid base64 data") from None
        cid = "img" + secrets.token_hex(6)
        uploads.append(Upload(f"image{secrets.token_hex(2)}.{mime.split('/')[1]}", mime, data, cid))
        return f'src="cid:{cid}"'

    return _EMBEDDED.sub(take, html), uploads


def reference_stored(body, stored):
    """ThreadEntry::create: cid:<content id> -> cid:<file key>, the reference osTicket resolves on display."""
    for item in stored:
        if item.cid:
            body = body.replace(f"cid:{item.cid}", f"cid:{item.key}")
    return body


def key_and_signature(data):
    """AttachmentFile::_getKeyAndHash: a 32-char key (5 random chars + the SHA-1) and the content signature."""
    sha1 = base64.b64encode(hashlib.sha1(data).digest()).decode()  # noqa: S324 - osTicket's format
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324
    prefix = base64.b64encode(hashlib.sha1(secrets.token_bytes(16)).digest()).decode()[:5]  # noqa: S324
    return _url_safe(prefix + sha1)[:32], _url_safe(sha1[:16] + md5[:16])


def _url_safe(value):
    return value.replace("=", "").replace("+", "-").replace("/", "_")


def store(db, conn, uploads, now=None):
    """AttachmentFile::create for each upload, in order: an identical file on record (same signature and size,
    not empty) is reused, else ost_file (created ``now``, default NOW() of the statement) and its chunks are
    written. Returns [Stored]."""
    t = db.tables
    stored = []
    for upload in uploads:
        key, signature = key_and_signature(upload.data)
        existing = None
        if upload.data:
            existing = conn.execute(
                select(t.file.c.id, t.file.c.key, t.file.c.name, t.file.c.size, t.file.c.type)
                .where(t.file.c.signature == signature, t.file.c.size == len(upload.data))
                .limit(1)
            ).first()
        if existing is not None:
            found = (existing.name, existing.size, existing.type)
            stored.append(Stored(existing.id, existing.key, upload.name, upload.cid, *found))
            continue
        file_type = upload.type.lower()
        file_id = conn.execute(
            insert(t.file).values(
                ft="T", bk="D", type=file_type, size=len(upload.data), key=key,
                signature=signature, name=upload.name, created=func.now() if now is None else now,
            )
        ).inserted_primary_key[0]  # fmt: skip
        chunks = [upload.data[i : i + CHUNK_SIZE] for i in range(0, len(upload.data), CHUNK_SIZE)] or [b""]
        for n, chunk in enumerate(chunks):  # one row per statement: each stays under max_allowed_packet
            conn.execute(insert(t.file_chunk).values(file_id=file_id, chunk_id=n, filedata=chunk))
        stored.append(Stored(file_id, key, upload.name, upload.cid, upload.name, len(upload.data), file_type))
    return stored


def attach(db, conn, entry_id, stored, body="", panel_uploads_110=False):
    """ThreadEntry::createAttachments: one ost_attachment per file (a file sent twice is attached once);
    ``name`` only when it differs from the file's (case-insensitively), ``inline`` when the body shows it.
    Returns the attachments as ``attachment_of`` lists them, in the entries query's order.

    ``panel_uploads_110``: osTicket 1.10 compares a panel or portal upload's name with the upload before it (a
    variable left over from the previous turn of normalizeFileInfo's loop), so each later upload keeps its name.
    """
    t = db.tables
    by_file = {}
    for item in stored:
        by_file[item.file_id] = item  # the last one sent names it, the first keeps its place (PHP arrays)
    names = {item.file_id: item.file_name for item in stored}
    previous = None  # the file id of the upload before, for panel_uploads_110
    attachments = []
    for file_id, item in by_file.items():
        values = dict(
            object_id=entry_id, type="H", file_id=file_id, inline=int(bool(item.cid) and f"cid:{item.key}" in body)
        )
        compared = previous if panel_uploads_110 and previous is not None and not item.cid else file_id
        if names.get(compared, "").casefold() != item.name.casefold():
            values["name"] = item.name
        if not item.cid:
            previous = file_id
        attachment_id = conn.execute(insert(t.attachment).values(**values)).inserted_primary_key[0]
        row = {
            "attachment_id": attachment_id, "attachment_name": values.get("name"),
            "attachment_inline": values["inline"], "file_name": item.file_name, "file_size": item.size,
            "file_type": item.type, "file_key": item.key,
        }  # fmt: skip
        attachments.append(attachment_of(row))
    return attachments


def with_attachments(db, entries, entry):
    """``entries`` (a FROM clause holding thread entries as ``entry``) outer-joined to their attachments and
    files, and the columns ``attachment_of`` reads: the entries query lists attachments without a query more."""
    a, f = db.tables.attachment, db.tables.file
    joined = entries.outerjoin(a, and_(a.c.object_id == entry.c.id, a.c.type == "H")).outerjoin(
        f, f.c.id == a.c.file_id
    )
    columns = [
        a.c.id.label("attachment_id"), a.c.name.label("attachment_name"), a.c.inline.label("attachment_inline"),
        f.c.name.label("file_name"), f.c.size.label("file_size"), f.c.type.label("file_type"),
        f.c.key.label("file_key"),
    ]  # fmt: skip
    return joined, columns, a.c.id


def attachment_of(row):
    """The attachment of a row of ``with_attachments`` as the views list it (``key``: the body's cid:), or None."""
    if row["attachment_id"] is None or row["file_key"] is None:
        return None
    return {
        "id": row["attachment_id"],
        "name": row["attachment_name"] or row["file_name"],
        "size": row["file_size"],
        "type": row["file_type"] or "application/octet-stream",
        "inline": bool(row["attachment_inline"]),
        "key": row["file_key"],
    }


def find_attachment(db, conn, attachment_id):
    """A thread entry's attachment with its file and entry (type, flags, thread), or None."""
    t = db.tables
    a, f, e, th = t.attachment, t.file, t.thread_entry, t.thread
    query = (
        select(
            a.c.id, a.c.name, a.c.inline, f.c.id.label("file_id"), f.c.name.label("file_name"), f.c.size, f.c.type,
            f.c.bk, f.c.key, f.c.signature, f.c.created, e.c.type.label("entry_type"), e.c.flags.label("entry_flags"),
            th.c.object_id.label("ticket_id"), th.c.object_type,
        )
        .select_from(
            a.join(f, f.c.id == a.c.file_id)
            .join(e, e.c.id == a.c.object_id)
            .join(th, and_(th.c.id == e.c.thread_id, in_constants(th.c.object_type, ("T", "C"))))
        )
        .where(a.c.id == attachment_id, a.c.type == "H")
    )  # fmt: skip
    return conn.execute(query).mappings().first()


def read_chunks(db, file_id, size, start=0, end=None):
    """Yield bytes ``start`` to ``end`` (inclusive) of a database-stored file, one chunk row per query and per
    connection checkout, so neither memory nor a pooled connection is held for the whole file."""
    end = size - 1 if end is None else end
    fc = db.tables.file_chunk
    query = select(fc.c.filedata).where(fc.c.file_id == file_id, fc.c.chunk_id == bindparam("chunk_id"))
    offset, chunk_id = 0, 0
    while offset <= end:
        with db.engine.connect() as conn:
            data = conn.execute(query, {"chunk_id": chunk_id}).scalar()
        if not data:
            return
        if offset + len(data) > start:
            yield bytes(data[max(start - offset, 0) : end - offset + 1])
        offset += len(data)
        chunk_id += 1
