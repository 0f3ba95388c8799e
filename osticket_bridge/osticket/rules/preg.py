"""PHP's ``preg_match($pattern, $subject)`` as osTicket's filters call it: the pattern carries its delimiters and
flags ("/invoice\\s+\\d+/i"). Run with the ``regex`` module (PCRE-like syntax) under a time limit, as PCRE's
backtrack limit makes preg_match give up; a pattern PHP cannot compile, or one that runs too long, is an error.
"""

import functools

import regex

TIME_LIMIT = 0.05  # seconds per match: PCRE's backtrack limit ends a runaway match in about as long
BRACKETS = {"(": ")", "{": "}", "[": "]", "<": ">"}
FLAGS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE, "u": regex.UNICODE}
IGNORED_FLAGS = set("DSXJn")  # no effect on whether it matches here (dollar-end-only, study, captures)


class PatternError(ValueError):
    """preg_match returns false: the pattern does not compile or the match ran out of time."""


def preg_match(pattern, subject):
    """1 on a match, 0 without one; PatternError where preg_match returns false."""
    compiled = _compile(pattern)
    try:
        found = compiled.search(subject or "", timeout=TIME_LIMIT)
    except TimeoutError:
        raise PatternError(f"{pattern!r}: the match ran past {TIME_LIMIT} s (PCRE's backtrack limit)") from None
    return 1 if found else 0


@functools.lru_cache(maxsize=512)
def _compile(pattern):
    body, modifiers = _split(pattern)
    flags, anchored = 0, False
    for m in modifiers:
        if m in FLAGS:
            flags |= FLAGS[m]
        elif m == "A":
            anchored = True
        elif m == "U":
            raise PatternError(f"{pattern!r}: the ungreedy modifier U is not supported")
        elif m not in IGNORED_FLAGS:
            raise PatternError(f"{pattern!r}: unknown modifier {m!r}")
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
