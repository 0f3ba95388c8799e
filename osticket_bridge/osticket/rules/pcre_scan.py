"""Walking a PCRE pattern: where an escape or a character class ends, and PCRE2 10.42's rule for lookbehind, which
the regex module does not keep: each top-level branch of a lookbehind, and each group inside it, has one fixed
length, so ``(?<=a|bc)`` and ``(?<=(?:ab|cd))`` compile and ``(?<=a+)``, ``(?<=a(?:b|cd))`` do not."""

import regex

BRACED_ESCAPES = set("xopPgkN")  # \x{263a}, \p{Lu}, \g{-1}, \k{name}...: the braces belong to the escape
SPACE = " \t\n\r\f\v"  # what extended mode (x) skips


def escape_end(body, i):
    """The end of the escape at ``i`` (a backslash): \\x{...}-style braces and \\cX's character included."""
    letter = body[i + 1 : i + 2]
    if letter in BRACED_ESCAPES and body[i + 2 : i + 3] == "{":
        close = body.find("}", i + 3)
        return len(body) if close < 0 else close + 1
    return i + (3 if letter == "c" else 2)


def class_end(body, i):
    """The end of the character class opening at ``i``: a leading ] (after an optional ^) is a member, escapes and
    [:posix:] names are skipped."""
    j = i + 1 + (body[i + 1 : i + 2] == "^")
    j += body[j : j + 1] == "]"
    while j < len(body):
        if body[j] == "\\":
            j = escape_end(body, j)
        elif body.startswith("[:", j) and (close := body.find(":]", j + 2)) > 0:
            j = close + 2
        elif body[j] == "]":
            return j + 1
        else:
            j += 1
    return len(body)


def lookbehinds_fixed(body, extended):
    """False where a lookbehind of ``body`` (as preg.py hands it to the regex module) has no fixed length. Two passes:
    a back-reference or a subroutine call inside a lookbehind is as long as its group, which may come later."""
    groups = _Lengths(body, extended, {})
    groups.branches()
    check = _Lengths(body, extended, groups.groups)
    check.branches()
    return check.fixed


# what the escapes of preg.py's output are: a character, a back-reference, a width of zero or a variable one
_ESCAPE = regex.compile(
    r"\\(?:(?P<ref>[1-9]\d*|g<\w+>)|(?P<zero>[bBAzZGKE])|(?P<variable>[RX])"
    r"|x[0-9a-fA-F]{0,2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|0[0-7]{0,2}|[pP](?:\{[^}]*\}|.)|.)",
    regex.DOTALL,
)
_QUANTIFIER = regex.compile(r"(?:[*+?]|\{(\d+)(?:(,)(\d*))?\})[?+]?")
_CALL = regex.compile(r"\(\?(?:(R)|([+-]?\d+)|&(\w+)|P>(\w+)|P=(\w+))\)")
_OPTIONS = regex.compile(r"\(\?\^?([a-zA-Z]*)(?:-([a-zA-Z]*))?([):])")
_NAMED = regex.compile(r"\((?:\?P?<(\w+)>|\?'(\w+)')")


class _Lengths:
    """A recursive walk giving each branch its length in characters (None: variable)."""

    def __init__(self, body, extended, known):
        self.body, self.i, self.extended, self.known = body, 0, extended, known
        self.groups, self.captures, self.fixed = {}, 0, True

    def branches(self):
        """The lengths of the branches up to the group's closing parenthesis (consumed) or the pattern's end."""
        lengths, extended = [0], self.extended
        while self._skip_space() < len(self.body) and self.body[self.i] != ")":
            if self.body[self.i] == "|":
                lengths.append(0)
                self.i += 1
                continue
            atom = self._quantified(self._atom())
            lengths[-1] = None if lengths[-1] is None or atom is None else lengths[-1] + atom
        self.i += 1
        self.extended = extended
        return lengths

    def _skip_space(self):
        body = self.body
        while self.extended and self.i < len(body) and (body[self.i] in SPACE or body[self.i] == "#"):
            close = body.find("\n", self.i) if body[self.i] == "#" else self.i
            self.i = len(body) if close < 0 else close + 1
        return self.i

    def _quantified(self, atom):
        found = _QUANTIFIER.match(self.body, self._skip_space())
        if not found:
            return atom
        self.i = found.end()
        count, comma, upper = found.groups()
        exact = count is not None and (not comma or upper == count)
        return atom * int(count) if exact and atom is not None else None

    def _atom(self):
        body, i = self.body, self.i
        if body[i] == "\\":
            found = _ESCAPE.match(body, i)
            self.i = found.end()
            if found["ref"]:
                return self._reference(found["ref"].strip("g<>"))
            return 0 if found["zero"] else None if found["variable"] else 1
        if body[i] == "[":
            self.i = class_end(body, i)
            return 1
        if body[i] == "(":
            return self._group()
        self.i += 1
        return 0 if body[i] in "^$" else 1

    def _reference(self, group):
        if group.isdigit() and int(group) >= 10 and int(group) not in self.known:
            return 1  # an octal character, as PCRE reads \101 without 101 groups
        return self.known.get(int(group) if group.isdigit() else group)

    def _group(self):
        options = None if _CALL.match(self.body, self.i) else _OPTIONS.match(self.body, self.i)
        if options and options[3] == ")":  # an option setting lasts to its group's end
            self.i = options.end()
            self.extended = _extended(options, self.extended)
            return 0
        outer, length = self.extended, self._group_length()
        self.extended = outer  # a group's options end with it
        return length

    def _group_length(self):
        body, i = self.body, self.i
        if body.startswith(("(?#", "(*"), i):
            self.i = body.find(")", i) + 1 or len(body)
            return 0
        if call := _CALL.match(body, i):
            self.i = call.end()
            recursion, number, *names = call.groups()
            if number and number[0] in "+-":
                number = str(self.captures + int(number) + (number[0] == "+"))
            return None if recursion else self._reference(number or next(filter(None, names)))
        options = _OPTIONS.match(body, i)
        if body.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            self.i = i + (4 if body[i + 2] == "<" else 3)
            lengths = self.branches()
            self.fixed &= body[i + 2] != "<" or None not in lengths
            return 0
        if body.startswith("(?(", i):
            self.i = i + 2
            if body.startswith(("(?(?", "(?(*"), i):
                self._group()  # an assertion as the condition
            else:
                self.i = body.find(")", i) + 1 or len(body)
            return _one_length(self.branches())
        number = None
        if named := _NAMED.match(body, i):
            self.captures += 1
            number, name, self.i = self.captures, named[1] or named[2], named.end()
        elif body.startswith("(?", i):
            self.i = options.end() if options else i + 3  # (?:, (?i:, (?|, (?>
            self.extended = _extended(options, self.extended) if options else self.extended
        else:
            self.captures += 1
            number, name, self.i = self.captures, None, i + 1
        length = _one_length(self.branches())
        if number:
            self.groups[number] = length
            if name:
                self.groups[name] = length
        return length


def _one_length(lengths):
    """A group's length: its branches' one common length, else variable."""
    return lengths[0] if None not in lengths and len(set(lengths)) == 1 else None


def _extended(options, extended):
    """Whether extended mode (x) holds after an option setting such as (?x), (?-x) or (?^)."""
    on, off = options[1], options[2] or ""
    return ("x" in on or extended and "^" not in options[0]) and "x" not in off
