"""E-mail addresses as osTicket's ``Validator::is_email`` accepts them: PEAR ``Mail_RFC822::parseAddressList``
with validation on, one address, a local part and a host that is not ``localhost``.

PEAR works on bytes: atoms are printable ASCII without RFC 822's specials, so an emoji or a Cyrillic homoglyph
(``саrol@example.com``) is refused. The forms PEAR also accepts but that are not a bare address (a display name
with ``<...>``, comments, groups) are refused here, since the bridge stores the value as the address.
"""

import re

_SPECIALS = re.compile(r'[][()<>@,;:". ]')  # PEAR's _validateAtom; the backslash is not among them
_NOT_ASCII_OR_CONTROL = re.compile(r"[^\x20-\x7e]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # cannot be stored in osTicket's utf8 columns
MAX_LENGTH = 255  # ost_user_email.address


def is_email(address):
    if not address or len(address) > MAX_LENGTH or _ASTRAL.search(address):
        return False
    parts = _split(address, "@", limit=1)
    if parts is None or len(parts) != 2:
        return False  # no @: PEAR supplies the host "localhost", which is_email refuses
    local, host = parts[0].strip(), parts[1].strip()
    return _valid_local_part(local) and _valid_domain(host) and host != "localhost"


def _valid_atom(atom):
    return bool(atom) and not _NOT_ASCII_OR_CONTROL.search(atom) and not _SPECIALS.search(atom)


def _valid_quoted_string(word):
    inner = re.sub(r"\\.", "", word[1:-1], flags=re.DOTALL)
    return len(word) >= 2 and word.endswith('"') and not re.search(r'[\r\\"]', inner)


def _valid_local_part(local):
    words = _split(local, ".")
    if words is None:
        return False
    for word in words:
        word = word.strip()
        if not word:
            return False
        if not (_valid_quoted_string(word) if word.startswith('"') else _valid_atom(word)):
            return False
    return True


def _valid_domain(domain):
    subdomains = _split(domain, ".")
    if subdomains is None:
        return False
    for sub in (s.strip() for s in subdomains):
        if sub.startswith("[") and sub.endswith("]"):
            if re.search(r"[][\r\\]", sub[1:-1]):
                return False
        elif not _valid_atom(sub):
            return False
    return True


def _split(text, separator, limit=None):
    """Split on ``separator`` outside double quotes and square brackets, honouring backslash escapes (PEAR's
    _splitCheck); None when a quote or bracket is left open."""
    parts, current, quoted, brackets, escaped = [], "", False, 0, False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "[]":
            brackets += 1 if char == "[" else -1
        elif char == separator and not quoted and brackets == 0 and (limit is None or len(parts) < limit):
            parts.append(current)
            current = ""
            continue
        current += char
    if quoted or brackets or escaped:
        return None
    return [*parts, current]
