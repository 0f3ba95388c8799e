"""Which files a form field accepts, from osTicket's configuration of that field (FileUploadField).

- A user's message (and the API's new ticket): the Ticket Details form's message field (ThreadEntryField):
  attachments on or off, size (default core.max_file_size), maximum number of files, types by group and by
  extension (default core.allowed_filetypes).
- An agent's reply: the staff panel's reply form takes any type up to core.max_file_size.

osTicket drops refused API files into a "File Import Error" note and keeps the ticket; the bridge refuses the
whole request instead (413 too large, 422 otherwise), naming the file and the rule, and writes nothing.
"""

import json
from dataclasses import dataclass

from ..errors import FieldError
from ..text import BodyTooLong
from .filetypes import FILE_TYPES

DEFAULT_MAX_SIZE = 1_048_576  # core.max_file_size when unset


class FileTooLarge(BodyTooLong):
    """A file over the size its field allows (413)."""


# Declared image types whose content is checked (FileUploadField::isValidFile runs exif_imagetype on image/*).
IMAGE_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/bmp": (b"BM",),
    "image/webp": (b"RIFF",),  # and "WEBP" at offset 8, checked below
    "image/tiff": (b"II*\x00", b"MM\x00*"),
    "image/vnd.microsoft.icon": (b"\x00\x00\x01\x00",),
    "image/x-icon": (b"\x00\x00\x01\x00",),
    "image/x-ico": (b"\x00\x00\x01\x00",),
}


@dataclass(frozen=True)
class Limits:
    """A file field's rules (FileUploadField::getConfiguration): size, count, types; extensions empty = any."""

    size: int
    max_files: int = 0  # 0: no limit
    mimetypes: frozenset = frozenset()
    extensions: frozenset = frozenset()
    enabled: bool = True

    def check(self, uploads, embedded=()):
        """Refuse the first file the field would refuse, naming it and the rule. Images embedded in the body
        (which osTicket stores without the field's rules) are held to the size and content checks only."""
        if uploads and not self.enabled:
            raise FieldError("attachments", "attachments are disabled on this help desk's message field")
        if self.max_files and len(uploads) > self.max_files:
            raise FieldError("attachments", f"at most {self.max_files} files may be attached")
        for upload in [*uploads, *embedded]:
            if len(upload.data) > self.size:
                raise FileTooLarge(f"attachments: {upload.name} is larger than the {self.size} bytes allowed")
            if upload.cid is None and not self._type_allowed(upload):
                raise FieldError("attachments", f"{upload.name}: this file type is not allowed")
            check_content(upload)

    def _type_allowed(self, upload):
        # FileUploadField::isValidFileType: an allowed MIME type, else an allowed extension.
        if upload.type in self.mimetypes or not self.extensions or ".*" in self.extensions:
            return True
        _, dot, ext = upload.name.rpartition(".")
        return bool(dot) and f".{ext.lower()}" in self.extensions


def check_content(upload):
    """Never trust the declared type of an image: its bytes must be one (SVG is refused, as exif_imagetype does)."""
    if not upload.type.startswith("image/"):
        return
    magic = IMAGE_MAGIC.get(upload.type)
    valid = magic is not None and upload.data.startswith(magic)
    if upload.type == "image/webp":
        valid = valid and upload.data[8:12] == b"WEBP"
    if not valid:
        raise FieldError("attachments", f"{upload.name}: the content is not a {upload.type} image")


def max_file_size(catalog):
    return catalog.int_setting("max_file_size", DEFAULT_MAX_SIZE)


def reply_limits(catalog):
    """scp/tickets.php's reply form: FileUploadField(configuration={"extensions": ""})."""
    return Limits(size=max_file_size(catalog))


def message_limits(catalog):
    """The Ticket Details form's message field, its unset settings taking ThreadEntryField's defaults."""
    field = catalog.field(catalog.ticket_form_id, "message") or {}
    try:
        config = json.loads(field.get("configuration") or "{}") or {}
    except ValueError:
        config = {}
    if not isinstance(config, dict):
        config = {}
    enabled = config.get("attachments")
    if enabled is None:
        enabled = catalog.setting("allow_attachments", "1") not in ("0", "", False)
    mimetypes, extensions = set(), set()
    for group in config.get("mimetypes") or {}:
        for mime, exts in FILE_TYPES.get(group, {}).items():
            mimetypes.add(mime)
            extensions.update(f".{e}" for e in exts)
    raw = config.get("extensions")
    if raw is None:
        raw = catalog.setting("allowed_filetypes", "")
    if ".*" in str(raw):
        raw = ""
    for ext in str(raw).replace(",", " ").split():
        if "/" in ext[1:]:
            mimetypes.add(ext)
        else:
            extensions.add(("." + ext.lstrip(".")).lower())
    return Limits(
        size=_int(config.get("size")) or max_file_size(catalog),
        max_files=_int(config.get("max")),
        mimetypes=frozenset(mimetypes),
        extensions=frozenset(extensions),
        enabled=bool(enabled),
    )


def _int(value):
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0
