"""Every JSON answer encoded by orjson (C) instead of the standard library, to the same bytes.

Flask's own provider (kept for everything but answers) writes compact JSON with ``ensure_ascii``: orjson writes
UTF-8, so each character from U+007F up is escaped afterwards as ``json.dumps`` escapes it (``\\u00e9``, a surrogate
pair above U+FFFF). Those characters only occur inside strings, so escaping them in the encoded text is exact.
Whatever orjson refuses (an integer beyond 64 bits, a key that is not a string, a lone surrogate) goes the standard
library's way. ``tests/test_json_encoding.py`` compares both encoders on the demo and sample data.
"""

import re

import orjson
from flask.json.provider import DefaultJSONProvider

# Types Flask's provider turns into JSON with its ``default`` (dates as HTTP dates, dataclasses, UUIDs...).
PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
NOT_ASCII = re.compile("[\x7f-\U0010ffff]")


def _escaped(match):
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}"


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, with answers encoded by orjson (the same documents, byte for byte)."""

    def encode(self, obj):
        """The answer's body: compact JSON, ASCII only, and a newline, as Flask's provider writes it."""
        if self.sort_keys or not self.ensure_ascii:
            return f"{self.dumps(obj, separators=(',', ':'))}\n".encode()
        try:
            body = orjson.dumps(obj, default=self.default, option=PASSTHROUGH | orjson.OPT_APPEND_NEWLINE)
        except TypeError:
            return f"{self.dumps(obj, separators=(',', ':'))}\n".encode()
        if body.isascii() and b"\x7f" not in body:
            return body
        return NOT_ASCII.sub(_escaped, body.decode()).encode()

    def response(self, *args, **kwargs):
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)  # indented: debug mode only
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.encode(obj), mimetype=self.mimetype)
