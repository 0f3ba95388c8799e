"""PHP's ``preg_match($pattern, $subject)`` as osTicket's filters call it: the pattern carries its delimiters and
flags ("/invoice\\s+\\d+/i"). Run with the ``regex`` module (PCRE-like syntax) under a time limit, as PCRE's
backtrack limit makes preg_match give up; a pattern PHP cannot compile, or one that runs too long, is an error.
What the module lacks of PCRE is written out before it compiles: the ungreedy modifier U and \\Q...\\E quoting.
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
    body = _rewrite(body, ungreedy, bool(flags & regex.VERBOSE))
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
_BRACED_ESCAPES = set("xopPgkN")  # \x{263a}, \p{Lu}, \g{-1}, \k{name}...: the braces belong to the escape
_SPACE = " \t\n\r\f\v"  # what extended mode (x) skips, between a quantifier and its ? or + included


def _rewrite(body, ungreedy, extended):
    """The pattern as the regex module must see it, where it lacks PCRE's ways: \\Q...\\E as escaped literals, a
    brace that is no counted quantifier as a literal (``a{,3}``), and under the ungreedy option (the U modifier,
    (?U) inside) every quantifier's greediness swapped as PCRE swaps it: ``a*`` lazy, ``a*?`` greedy, ``a*+``
    possessive still. Escapes, character classes and comments are copied as they are."""
    out, scopes, i, n = [], [], 0, len(body)
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
            ungreedy = ("U" in on or ungreedy) and "U" not in (off or "")
            extended = ("x" in on or extended and not caret) and "x" not in (off or "")
            out.append(_without_u(caret, on, off, close))
            i = options.end()
            continue
        if ungreedy and (c in "*+?" or _COUNTED.match(body, i)):
            i = _swap_greediness(body, i, extended, out)
            continue
        if c == "\\":
            end = _escape_end(body, i)
        elif c == "[":
            end = _class_end(body, i)
        elif body.startswith("(?#", i) or (extended and c == "#"):
            close = body.find(")" if c == "(" else "\n", i)
            end = n if close < 0 else close + 1
        elif c == "(":
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


def _without_u(caret, on, off, close):
    """An option setting as the regex module takes it: U, which it lacks, taken out (_rewrite applies it)."""
    on, off = on.replace("U", ""), (off or "").replace("U", "")
    options = caret + on + (f"-{off}" if off else "")
    if options:
        return f"(?{options}{close}"
    return "(?:" if close == ":" else ""


def _swap_greediness(body, i, extended, out):
    """Append the quantifier at ``i`` with its greediness swapped; the index after it."""
    end = i + 1 if body[i] in "*+?" else _COUNTED.match(body, i).end()
    out.append(body[i:end])
    if extended:
        while end < len(body) and body[end] in _SPACE:
            end += 1
    following = body[end : end + 1]
    if following == "+":
        out.append("+")  # possessive: the U option leaves it so
    elif following != "?":
        out.append("?")
    return end + (following in ("?", "+"))


def _escape_end(body, i):
    """The end of the escape at ``i`` (a backslash): \\x{...}-style braces and \\cX's character included."""
    letter = body[i + 1 : i + 2]
    if letter in _BRACED_ESCAPES and body[i + 2 : i + 3] == "{":
        close = body.find("}", i + 3)
        return len(body) if close < 0 else close + 1
    return i + (3 if letter == "c" else 2)


def _class_end(body, i):
    """The end of the character class opening at ``i``: a leading ] (after an optional ^) is a member, escapes and
    [:posix:] names are skipped."""
    j = i + 1 + (body[i + 1 : i + 2] == "^")
    j += body[j : j + 1] == "]"
    while j < len(body):
        if body[j] == "\\":
            j = _escape_end(body, j)
        elif body.startswith("[:", j) and (close := body.find(":]", j + 2)) > 0:
            j = close + 2
        elif body[j] == "]":
            return j + 1
        else:
            j += 1
    return len(body)
