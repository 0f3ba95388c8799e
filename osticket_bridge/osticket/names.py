"""How osTicket displays people's names and phones (PersonsName, AgentsName, PhoneField), for users and agents alike."""

import json
import re


def phone_format(catalog):
    """The phone field's display format ("us" unless an admin changed it; osTicket's default)."""
    field = catalog.field(catalog.user_form_id, "phone")
    try:
        config = json.loads(field["configuration"] or "{}") if field else {}
    except ValueError:
        config = {}
    return (config if isinstance(config, dict) else {}).get("format", "us")


def format_phone(stored, fmt="us"):
    """PhoneField::toString: 4254441212X123 -> "(425) 444-1212 x123" in the "us" format."""
    if not stored:
        return ""
    phone, _, ext = str(stored).partition("X")
    if fmt == "us":
        phone = _us_phone(phone)
    return f"{phone} x{ext}" if ext else phone


def _us_phone(phone):
    # Format::phone: 7 digits -> 555-0100, 10 digits -> (425) 444-1212, anything else unchanged.
    digits = re.sub(r"[^0-9]", "", phone)
    if len(digits) == 7:
        return f"{digits[:3]}-{digits[3:]}"
    if len(digits) == 10:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return phone


def name_parts(name):
    """Split a name like PersonsName::splitName (1.18); a missing word is "" (PHP would give null)."""
    words = (name or "").split(" ")
    if len(words) == 1 and "." in words[0]:
        words = words[0].split(".")  # "J.Everybody"
    salutation = words[0] if "." in words[0] else ""
    first = (words[1] if len(words) > 1 else "") if salutation else words[0]
    suffix = words[-1] if "." in words[-1] else ""
    end = len(words) - 2 if suffix else len(words) - 1
    middle = words[2 if salutation else 1 : end + 1]
    last = middle.pop() if middle else ""
    return {"salutation": salutation, "first": first, "suffix": suffix, "last": last, "middle": " ".join(middle)}


def persons_name(name, fmt):
    """UsersName as json_encode prints it: {"format", "parts", "name"}."""
    return {"format": fmt, "parts": name_parts(name), "name": name or ""}


def agents_name(firstname, lastname, fmt):
    """AgentsName built from an agent's first and last name (Staff::getName): parts hold just those two."""
    return {"format": fmt, "parts": {"first": firstname, "last": lastname}, "name": f"{firstname} {lastname}"}


def display_name(name, fmt, parts=None):
    """PersonsName::__toString in the configured format (client_name_format / agent_name_format).

    ``parts``: an agent's {"first", "last"} (AgentsName); a user's name is split as osTicket splits it.
    """
    parts = {
        "salutation": "",
        "middle": "",
        "suffix": "",
        **{k: v or "" for k, v in (parts or name_parts(name)).items()},
    }
    first, last, middle = parts["first"], parts["last"], parts["middle"]
    initial = f"{middle[:1]}." if middle else ""
    formats = {
        "first": first,
        "last": last,
        "full": f"{first} {last}".strip(),
        "legal": " ".join(p for p in (first, initial, last) if p),
        "lastfirst": f"{last}, {first}" + (f", {parts['suffix']}" if parts["suffix"] else ""),
        "formal": f"{parts['salutation']} {last}".strip(),
        "short": f"{first} {last[:1]}.",
        "shortformal": f"{first[:1]}. {last}",
        "complete": " ".join(p for p in (parts["salutation"], first, initial, last, parts["suffix"]) if p),
        "original": name or "",
    }
    return formats.get(fmt, formats["full"])
