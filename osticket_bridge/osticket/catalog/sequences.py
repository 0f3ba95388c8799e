"""Number formats of osTicket's sequences (``Sequence::format``): "######", "TKT-####" (a topic's or the desk's)."""

import re

_SLOTS = re.compile(r"(?<!\\)#+")


def slot_count(fmt):
    """Sequence::getDigitCount: the number of unescaped '#'."""
    return sum(len(m) for m in _SLOTS.findall(fmt))


def format_number(fmt, number, padding="0"):
    """Sequence::format: fill the unescaped '#' slots left to right; surplus digits follow the last slot."""
    digits = str(number).rjust(slot_count(fmt), padding)
    out, start, used = [], 0, 0
    for match in _SLOTS.finditer(fmt):
        size = match.end() - match.start()
        out.append(fmt[start : match.start()].replace("\\#", "#"))
        out.append(digits[used : used + size])
        start, used = match.end(), used + size
    out.append(digits[used:])
    out.append(fmt[start:].replace("\\#", "#"))
    return "".join(out)
