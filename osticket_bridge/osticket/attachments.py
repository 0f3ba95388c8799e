"""Files on thread entries as ``AttachmentFile::create`` and ``Attachment`` write them (DATA_MODEL §1.17).

A file is stored in the database backend ("D"): one ost_file row, its content in 500 KiB ost_file_chunk rows,
and one ost_attachment row per entry. Content already on file (same signature and size) is not stored twice.
"""

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from .errors import FieldError

CHUNK_SIZE = 500 * 1024  # AttachmentChunkedData::CHUNK_SIZE
DEFAULT_MAX_SIZE = 1_048_576  # core.max_file_size when unset
_DATA_URL = re.compile(r"^data:([^,]*),(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Upload:
    name: str
    type: str
    data: bytes


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


def parse_uploads(items, max_size):
    """The stock API's JSON attachments ``[{"file.txt": "data:text/plain;base64,..."}]`` -> [Upload]."""
    if not isinstance(items, list):
        raise FieldError("attachments", 'a list of {"name": "data:<type>;base64,<data>"} objects')
    uploads = []
    for item in items:
        if not isinstance(item, dict) or len(item) != 1:
            raise FieldError("attachments", 'each attachment is one {"name": "data:..."} object')
        ((name, url),) = item.items()
        name = str(name).strip().replace("/", "_")
        if not name or len(name) > 255 or not isinstance(url, str):
            raise FieldError("attachments", "each attachment needs a file name (at most 255 characters) and a data URL")
        try:
            parsed = parse_data_url(url)
        except ValueError as exc:
            raise FieldError("attachments", f"{name}: {exc}") from None
        if parsed is None:
            raise FieldError("attachments", f"{name}: not a data: URL")
        mime, _, data = parsed
        if len(data) > max_size:
            raise FieldError("attachments", f"{name}: larger than the {max_size} bytes allowed")
        uploads.append(Upload(name, mime, data))
    return uploads


def key_and_signature(data):
    """AttachmentFile::_getKeyAndHash: a 32-char key (5 random chars + the SHA-1) and the content signature."""
    sha1 = base64.b64encode(hashlib.sha1(data).digest()).decode()  # noqa: S324 - osTicket's format
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324
    prefix = base64.b64encode(hashlib.sha1(secrets.token_bytes(16)).digest()).decode()[:5]  # noqa: S324
    return _url_safe(prefix + sha1)[:32], _url_safe(sha1[:16] + md5[:16])


def _url_safe(value):
    return value.replace("=", "").replace("+", "-").replace("/", "_")


def attach(db, conn, entry_id, uploads):
    """Store the files (or reuse identical ones) and attach them to the thread entry, in request order."""
    t = db.tables
    attached = set()
    for upload in uploads:
        key, signature = key_and_signature(upload.data)
        existing = conn.execute(
            select(t.file.c.id, t.file.c.name)
            .where(t.file.c.signature == signature, t.file.c.size == len(upload.data))
            .limit(1)
        ).first()
        if existing is not None and len(upload.data) > 0:
            file_id, stored_name = existing
        else:
            file_id, stored_name = _store(db, conn, upload, key, signature), upload.name
        if file_id in attached:
            continue
        attached.add(file_id)
        values = dict(object_id=entry_id, type="H", file_id=file_id, inline=0)
        if stored_name != upload.name:
            values["name"] = upload.name
        conn.execute(insert(t.attachment).values(**values))


def _store(db, conn, upload, key, signature):
    t = db.tables
    file_id = conn.execute(
        insert(t.file).values(
            ft="T",
            bk="D",
            type=upload.type.lower(),
            size=len(upload.data),
            key=key,
            signature=signature,
            name=upload.name,
            created=func.now(),
        )
    ).inserted_primary_key[0]
    chunks = [upload.data[i : i + CHUNK_SIZE] for i in range(0, len(upload.data), CHUNK_SIZE)] or [b""]
    conn.execute(
        insert(t.file_chunk), [{"file_id": file_id, "chunk_id": n, "filedata": c} for n, c in enumerate(chunks)]
    )
    return file_id
