"""PHP's ``preg_match($pattern, $subject)`` as osTicket's filters call it: the pattern carries its delimiters and
flags ("/invoice\\s+\\d+/i"). Run with the ``regex`` module (PCRE-like syntax) under a time limit, as PCRE's
backtrack limit makes preg_match give up; a pattern PHP cannot compile, or one that runs too long, is an error.
What the module lacks of PCRE is written out before it compiles: the ungreedy modifier U, \\Q...\\E quoting, code
point and control character escapes, \\g and \\k references, (?^); a lookbehind without a fixed length, which the
module accepts, is refused as PCRE2 refuses it.
"""

import functools

import regex

from .pcre_scan import SPACE, class_end, escape_end, lookbehinds_fixed

TIME_LIMIT = 0.05  # seconds per match: PCRE's backtrack limit ends a runaway match in about as long
BRACKETS = {"(": ")", "{": "}", "[": "]", "<": ">"}
FLAGS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE, "u": regex.UNICODE}
IGNORED_FLAGS = set("DSXJn")  # no effect on whether it matches here (dollar-end-only, study, captures)


class PatternError(ValueError):
    """preg_match returns false: the pattern does not compile or the match ran out of time."""


def preg_match(pattern, subject):
    """1 on a match, 0 without one; PatternError where preg_match returns false."""
    compiled = compile_pattern(pattern)
    try:
        found = compiled.search(subject or "", timeout=TIME_LIMIT)
    except TimeoutError:
        raise PatternError(f"{pattern!r}: the match ran past {TIME_LIMIT} s (PCRE's backtrack limit)") from None
    return 1 if found else 0


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern):
    """The regex module's compiled form of a PHP pattern (PatternError where PHP cannot compile it)."""
    body, modifiers = _split(pattern)
    flags, anchored, ungreedy = 0, False, False
    for m in modifiers:
        if m in FLAGS:
            flags |= FLAGS[m]
        elif m == "A":
            anchored = True
        elif m == "U":
            ungreedy = True
        elif m not in IGNORED_FLAGS:
            raise PatternError(f"{pattern!r}: unknown modifier {m!r}")
    body = _rewrite(body, ungreedy, bool(flags & regex.VERBOSE), "u" in modifiers)
    if not lookbehinds_fixed(body, bool(flags & regex.VERBOSE)):
        raise PatternError(f"{pattern!r}: lookbehind assertion is not fixed length")
    if anchored:
        body = f"\\G(?:{body})"
    try:
        return regex.compile(body, flags)
    except (regex.error, ValueError, OverflowError) as exc:
        raise PatternError(f"{pattern!r}: {exc}") from None


def _split(pattern):
    """(body, modifiers) of a delimited PHP pattern; leading whitespace is allowed, as PCRE allows it."""
    text = (pattern or "").lstrip()
    if not text:
        raise PatternError("empty regular expression")
    start = text[0]
    if start.isalnum() or start == "\\":
        raise PatternError(f"{pattern!r}: delimiter must not be alphanumeric or backslash")
    end = BRACKETS.get(start, start)
    close = text.rfind(end)
    if close <= 0:
        raise PatternError(f"{pattern!r}: no ending delimiter {end!r} found")
    return text[1:close], text[close + 1 :].rstrip("\n")


_COUNTED = regex.compile(r"\{\d+(?:,\d*)?\}")  # PCRE 10.42's {n}, {n,}, {n,m}; any other brace is a literal
_OPTIONS = regex.compile(r"\(\?(\^?)([a-zA-Z]*)(?:-([a-zA-Z]*))?([):])")  # (?U), (?-U), (?iU:...)
_CAPTURING = regex.compile(r"\((?:[^?*]|\?P?<\w|\?')")  # (a), (?<name>a), (?P<name>a), (?'name'a)
_BACK_REFERENCE = regex.compile(r"\\(?:g(?:\{(-?\d+|\w+)\}|(-?\d+))|k(?:<(\w+)>|'(\w+)'|\{(\w+)\}))")
_VERTICAL = r"\n\x0b\f\r\x85\u2028\u2029"  # PCRE's \v; the regex module's is \x0b alone
_CLASS_ESCAPES = {"e": r"\x1b", "E": "", "v": _VERTICAL}  # \E alone: PCRE ignores it
_ESCAPES = {**_CLASS_ESCAPES, "v": f"[{_VERTICAL}]", "V": f"[^{_VERTICAL}]", "H": r"[^\h]", "N": r"[^\n]"}
_ESCAPES["Z"] = r"(?=\n?\z)"  # PCRE's \Z allows a final newline; the regex module's does not
_SUBROUTINE = regex.compile(r"\\g(?:<([-+]?\d+|\w+)>|'([-+]?\d+|\w+)')")  # PCRE's \g<1> calls the group


def _rewrite(body, ungreedy, extended, utf):
    """The pattern as the regex module must see it, where it lacks PCRE's ways: \\Q...\\E as escaped literals, a
    brace that is no counted quantifier as a literal (``a{,3}``), and under the ungreedy option (the U modifier,
    (?U) inside) every quantifier's greediness swapped as PCRE swaps it: ``a*`` lazy, ``a*?`` greedy, ``a*+``
    possessive still. Escapes the module lacks are written as its own (see _escape); comments are copied."""
    out, scopes, i, n, captures = [], [], 0, len(body), 0
    while i < n:
        c = body[i]
        options = _OPTIONS.match(body, i)
        if body.startswith("\\Q", i):
            close = body.find("\\E", i + 2)
            out.append(regex.escape(body[i + 2 : n if close < 0 else close], special_only=True))
            i = n if close < 0 else close + 2
            continue
        if options:
            caret, on, off, close = options.groups()
            if close == ":":
                scopes.append((ungreedy, extended))
            ungreedy = ("U" in on or ungreedy) and "U" not in (off or "")  # (?^) leaves U as it is
            extended = ("x" in on or extended and not caret) and "x" not in (off or "")
            out.append(_option_setting(caret, on, off, close))
            i = options.end()
            continue
        if ungreedy and (c in "*+?" or _COUNTED.match(body, i)):
            i = _swap_greediness(body, i, extended, out)
            continue
        if c == "\\":
            text, i = _escape(body, i, utf, captures)
            out.append(text)
            continue
        if c == "[":
            text, i = _class(body, i, utf)
            out.append(text)
            continue
        if body.startswith("(?#", i) or (extended and c == "#"):
            close = body.find(")" if c == "(" else "\n", i)
            end = n if close < 0 else close + 1
        elif c == "(":
            captures += bool(_CAPTURING.match(body, i))
            scopes.append((ungreedy, extended))
            end = i + (3 if body.startswith(("(?+", "(*"), i) else 2 if body.startswith("(?", i) else 1)
        elif c == ")" and scopes:
            ungreedy, extended = scopes.pop()
            end = i + 1
        elif c == "{" and not _COUNTED.match(body, i):
            out.append("\\{")
            i += 1
            continue
        else:
            end = i + 1
        out.append(body[i:end])
        i = end
    return "".join(out)


def _option_setting(caret, on, off, close):
    """An option setting as the regex module takes it: U, which it lacks, taken out (_rewrite applies it), and
    PCRE's (?^), which unsets i, m, s and x (and n), written as the options it unsets."""
    on, off = on.replace("U", "").replace("J", ""), (off or "").replace("U", "").replace("J", "")  # J: names
    if caret and off:
        raise PatternError(f"(?^{on}-{off}: PCRE allows no unset options after ^")
    if caret:
        off = "".join(option for option in "imsx" if option not in on)
    options = on + (f"-{off}" if off else "")
    if options:
        return f"(?{options}{close}"
    return "(?:" if close == ":" else ""


def _swap_greediness(body, i, extended, out):
    """Append the quantifier at ``i`` with its greediness swapped; the index after it."""
    end = i + 1 if body[i] in "*+?" else _COUNTED.match(body, i).end()
    out.append(body[i:end])
    if extended:
        while end < len(body) and body[end] in SPACE:
            end += 1
    following = body[end : end + 1]
    if following == "+":
        out.append("+")  # possessive: the U option leaves it so
    elif following != "?":
        out.append("?")
    return end + (following in ("?", "+"))


def _escape(body, i, utf, captures):
    """(the regex module's form, the end) of the escape at ``i``: \\x{263a}, \\o{101} and \\cA as the character they
    name; \\g{1}, \\g{-1}, \\g1, \\g{name} and \\k<name> as back-references (a relative one made absolute,
    ``captures`` groups opening before it), \\g<1> and \\g<name> as the subroutine calls PCRE reads them as; \\u, \\U,
    \\l and \\L, which PCRE refuses, refused."""
    end = escape_end(body, i)
    letter = body[i + 1 : i + 2]
    if letter == "g" and (call := _SUBROUTINE.match(body, i)):
        group = call[1] or call[2]
        return (f"(?{group})" if group.lstrip("+-").isdigit() else f"(?&{group})"), call.end()
    if letter in "gk":
        reference = _BACK_REFERENCE.match(body, i)
        if not reference:
            raise PatternError(f"{body[i:end]!r}: a malformed \\{letter} reference")
        group = next(filter(None, reference.groups()))
        if group.startswith("-"):
            group = str(captures + 1 + int(group))
        if group == "0" or group.startswith("-"):
            raise PatternError(f"{body[i : reference.end()]!r}: no such group")
        return f"\\g<{group}>", reference.end()
    return _character_escape(body, i, end, utf, _ESCAPES), end


def _character_escape(body, i, end, utf, table):
    """The escape ``body[i:end]`` with PCRE's escapes of one character the regex module lacks or reads otherwise
    written as its own (``table``: those of one letter, in a class or out of one)."""
    letter, braced = body[i + 1 : i + 2], body[i + 2 : i + 3] == "{"
    if end == i + 2 and letter in table:
        return table[letter]
    if letter in "uUlL" or (letter == "N" and braced and not (utf and body.startswith("U+", i + 3))):
        raise PatternError(f"{body[i:end]!r}: PCRE2 does not support \\u, \\U, \\l, \\L or \\N{{name}}")
    if letter in "xoN" and braced:
        digits = body[i + 3 : end - 1].removeprefix("U+")
        return _code_point(digits, 8 if letter == "o" else 16, utf, body[i:end])
    if letter == "c":
        named = body[i + 2 : end]
        if not (named and " " <= named <= "~"):
            raise PatternError(f"{body[i:end]!r}: \\c must be followed by a printable ASCII character")
        return _character(ord(named.upper()) ^ 0x40)
    return body[i:end]


def _code_point(digits, base, utf, escape):
    """A \\x{...}, \\o{...} or \\N{U+...} as the regex module writes the character (PCRE's limits: 255 outside UTF
    mode, no surrogates within it)."""
    try:
        value = int(digits, base) if digits.isalnum() else -1
    except ValueError:
        value = -1
    if value < 0 or value > (0x10FFFF if utf else 0xFF) or 0xD800 <= value <= 0xDFFF:
        raise PatternError(f"{escape!r}: not a character PCRE accepts here")
    return _character(value)


def _character(value):
    return f"\\x{value:02x}" if value <= 0xFF else f"\\u{value:04x}" if value <= 0xFFFF else f"\\U{value:08x}"


def _class(body, i, utf):
    """(the regex module's form, the end) of the character class at ``i``: its escapes of one character written as
    _character_escape writes them, the rest copied."""
    end, out, j = class_end(body, i), [], i
    while j < end:
        if body[j] == "\\":
            stop = escape_end(body, j)
            out.append(_character_escape(body, j, stop, utf, _CLASS_ESCAPES))
            j = stop
        elif body.startswith("[:", j) and j > i and (close := body.find(":]", j + 2)) > 0:
            out.append(body[j : close + 2])
            j = close + 2
        else:
            out.append(body[j])
            j += 1
    return "".join(out), end
