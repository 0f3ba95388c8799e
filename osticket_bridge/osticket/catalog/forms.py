"""Form entries, their answers and the __cdata caches as osTicket writes them (DATA_MODEL §1.11-1.13).

``DynamicFormEntry::save`` stores one ost_form_entry_values row for every field of the form that holds data
here (enabled, not "stored elsewhere", not disabled by the help topic), ``NULL`` when nothing was given; after
each answer ``DynamicForm::updateDynamicDataView`` upserts the answer's search key into the form's cache table.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import column, func, insert, select, table
from sqlalchemy.dialects.mysql import insert as upsert

from .. import search
from ..errors import FieldError
from ..names import format_phone
from ..text import clean_html, clean_title, php_json, plain_text, storable

FIELD_ENABLED = 0x1  # ost_form_field.flags
FIELD_STORED_ELSEWHERE = 0x2
FIELD_CLIENT_REQUIRED = 0x400
FIELD_AGENT_EDIT = 0x2000
FIELD_AGENT_REQUIRED = 0x4000
NO_DATA = {"break", "info"}  # section breaks and free text
TYPED = ("list", "datetime")  # a custom list's items ("list-<id>") and dates: answers(typed=...) reads them
FALSE_BOX = "0"  # a checkbox's stored answer when not ticked
MAX_VALUE = 65_535  # ost_form_entry_values.value is TEXT
CDATA = {"T": ("ticket__cdata", "ticket_id"), "U": ("user__cdata", "user_id")}
_FORMULA = re.compile(r"^[=+\-@]")
# What check_line lets through, as a pattern for the API's schemas (a value not starting like a formula).
LINE_PATTERN = r"^([^=+@-]|\+[0-9])"
LINE_RULE = "content cannot start with the following characters: = - + @"
_PHONE_CHARS = re.compile(r"[^\dX]")
_SPACE_RUNS = re.compile(r"(\s)\s+")


@dataclass
class Answer:
    """One answer row (value, value_id), its cache/search key and its searchable text."""

    field: dict
    value: str | None = None
    value_id: int | None = None
    key: str = ""
    searchable: str = ""


@dataclass
class Pending:
    """Answer rows and search rows of one operation, written in one statement each at the end."""

    values: list = field(default_factory=list)
    search: list = field(default_factory=list)

    def add_answers(self, entry_id, answers):
        self.values.extend(
            {"entry_id": entry_id, "field_id": a.field["id"], "value": a.value, "value_id": a.value_id} for a in answers
        )

    def flush(self, db, conn):
        if self.values:
            conn.execute(insert(db.tables.form_entry_values), self.values)
        search.index_many(db, conn, self.search)
        self.values, self.search = [], []


def configuration(form_field):
    try:
        config = json.loads(form_field["configuration"] or "{}")
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def check_line(name, value):
    """TextboxField's default validator (Validator::is_formula): no leading = - + @ (a +digits phone is fine)."""
    if value and _FORMULA.match(value) and not re.match(r"^\+\d", value):
        raise FieldError(name, LINE_RULE)
    return value


def disabled_fields(extra):
    """The field ids a help topic disables on one of its forms (ost_help_topic_form.extra {"disable": [...]})."""
    try:
        ids = (json.loads(extra or "{}") or {}).get("disable") or []
        return tuple(int(i) for i in ids)
    except (ValueError, TypeError, AttributeError):
        return ()


def disable_json(disabled):
    """ost_form_entry.extra of an entry made through a help topic: '{"disable":[...]}'."""
    return php_json({"disable": list(disabled)})


def searchable(value):
    """Format::searchable: NFC, separate combining marks dropped, whitespace runs collapsed, trimmed."""
    value = "".join(c for c in unicodedata.normalize("NFC", value or "") if not unicodedata.category(c).startswith("M"))
    return _SPACE_RUNS.sub(r"\1", value).strip()


def data_fields(fields, disabled=()):
    """The fields that get an answer row: enabled, stored in the form, holding data, not disabled by the topic."""
    return [
        f
        for f in fields
        if f["flags"] & FIELD_ENABLED
        and not f["flags"] & FIELD_STORED_ELSEWHERE
        and f["type"] not in NO_DATA
        and f["id"] not in disabled
    ]


def answers(fields, supplied, required_flag=FIELD_CLIENT_REQUIRED, v110=False, typed=None):
    """One Answer per data field from ``supplied`` ({field name: raw value}); a missing required one is refused (an
    unticked checkbox too, as FormField::validateEntry refuses a false value). ``v110``: osTicket 1.10's cache keys.
    ``typed(field, name, raw)``: the Answer of a list or date field given a value (TYPED), which needs the database
    or the desk's settings; without it such a field is refused."""
    result = []
    for form_field in fields:
        name = form_field["name"] or f"field_{form_field['id']}"
        raw = supplied.get(form_field["name"]) if form_field["name"] else None
        if typed and form_field["type"].partition("-")[0] in TYPED and not _blank(raw):
            given = typed(form_field, name, raw)
        else:
            given = _answer(form_field, name, raw, v110)
        unticked = form_field["type"] == "bool" and given.value == FALSE_BOX
        if (given.value is None or unticked) and form_field["flags"] & required_flag:
            raise FieldError(name, f"{form_field['label'] or name} is a required field")
        result.append(given)
    return result


def _answer(form_field, name, raw, v110):
    kind = form_field["type"]
    if kind not in ("priority", "choices") and raw is not None and not isinstance(raw, str | int | float | bool):
        raise FieldError(name, "must be a string")
    if kind == "bool":  # BooleanField::to_database: '0' for an unticked box and for one not given
        value = "1" if _checked(raw) else FALSE_BOX
        return Answer(form_field, value, None, value, answer_searchable(form_field, value))
    if _blank(raw):  # a date's cache key is DatetimeField::to_php's 0 for no date
        return Answer(form_field, key="0" if kind == "datetime" else "")
    if kind == "priority":
        return Answer(form_field, raw["priority_desc"], raw["priority_id"], str(raw["priority_id"]))
    if kind == "choices":
        picked = choice_selection(form_field, name, raw)
        # 1.10's ChoiceField::getKeys of a single choice lists the label's position in getChoice's array: "0"
        key = "0" if v110 and not multiselect(form_field) else ", ".join(picked)
        value = encode_choices(picked)
        return Answer(form_field, value, None, key, answer_searchable(form_field, value))
    raw = str(raw)
    if kind == "text":
        value = check_line(name, clean_title(raw, limit=MAX_VALUE))
        return Answer(form_field, value or None, None, value, answer_searchable(form_field, value))
    if kind == "memo":
        html = configuration(form_field).get("html", True) not in (False, "", "0", 0)
        value = clean_html(raw) if html else storable(raw).strip()
        return Answer(form_field, value or None, None, value, answer_searchable(form_field, value))
    if kind == "phone":
        return _phone(form_field, name, raw)
    raise FieldError(name, f"fields of type {kind!r} cannot be set through this API")


def _blank(raw):
    return raw is None or (isinstance(raw, str) and not raw.strip())


def printed(form_field, raw):
    """A value sent for a field as FormField::toString prints it (what ticket filters read): a checkbox as Yes or No,
    sent or not, a phone number formatted, a choice as its labels; one the field refuses as nothing (the create is
    refused once the filters have run)."""
    kind = form_field["type"]
    if kind == "bool":
        return "Yes" if _checked(raw) else "No"
    if kind == "choices" and raw is not None:
        try:
            return ", ".join(choice_selection(form_field, form_field["name"], raw).values())
        except FieldError:
            return ""
    if raw is None or isinstance(raw, dict | list):
        return ""
    if kind == "phone":
        return format_phone(
            _PHONE_CHARS.sub("", str(raw).upper()) or str(raw), configuration(form_field).get("format", "us")
        )
    return str(raw)


def _checked(raw):
    return raw is not None and str(raw).strip().lower() in ("1", "true", "on", "yes")


def _phone(form_field, name, raw):
    """PhoneField::parse + validateEntry: digits, then X and the extension ("5550102233X42")."""
    config = configuration(form_field)
    value = _PHONE_CHARS.sub("", raw.upper()) or raw
    number, _, ext = value.partition("X")
    if number and (not number.isdigit() or len(number) < int(config.get("digits") or 7)):
        raise FieldError(name, "enter a valid phone number")
    if ext and config.get("ext", True) and not ext.isdigit():
        raise FieldError(name, "enter a valid phone extension")
    return Answer(form_field, value, None, value, answer_searchable(form_field, value))


def choices(form_field, stored=None):
    """ChoiceField::getChoices: "key:label" lines (the key alone labels itself), then retired past selections."""
    offered = {}
    for line in str(configuration(form_field).get("choices") or "").split("\n"):
        key, _, label = line.partition(":")
        offered[key.strip()] = (label or key).strip()
    offered.pop("", None)
    for key, label in decoded_choices(stored).items():
        offered.setdefault(key, label)
    return offered


def choice_selection(form_field, name, raw, stored=None):
    """{key: label} of what a choice field is given: a key of its choices, or a list of keys when it allows several."""
    offered = choices(form_field, stored)
    keys = raw if isinstance(raw, list) else [raw]
    several = multiselect(form_field)
    unknown = [k for k in keys if not isinstance(k, str) or k not in offered]
    if not keys or unknown or (len(keys) > 1 and not several):
        listed = ", ".join(offered)
        raise FieldError(name, f"choose {'one or more' if several else 'one'} of the keys: {listed}")
    return {k: offered[k] for k in keys}


def multiselect(form_field):
    return configuration(form_field).get("multiselect") not in (None, False, "", "0", 0)


def decoded_choices(stored):
    """{key: label} of a stored choice answer (JSON), {} for anything else."""
    try:
        value = json.loads(stored or "{}")
    except ValueError:
        return {}
    if isinstance(value, list):  # PHP encodes keys 0..n-1 as a list
        return {str(i): label for i, label in enumerate(value)}
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def encode_choices(selected):
    """JsonDataEncoder::encode of a PHP array: keys 0..n-1 in order make a list."""
    if list(selected) == [str(i) for i in range(len(selected))]:
        return php_json(list(selected.values()))
    return php_json(selected)


def answer_searchable(form_field, value):
    """FormField::searchable of a stored answer, for the types the bridge writes; None for the others."""
    kind = form_field["type"]
    if kind == "text":
        return searchable(value)
    if kind == "phone":
        return searchable(format_phone(value or "", configuration(form_field).get("format", "us")))
    if kind == "memo":
        html = configuration(form_field).get("html", True) not in (False, "", "0", 0)
        return searchable(plain_text(value or "", "html" if html else "text"))
    if kind == "bool":  # BooleanField::toString
        return "Yes" if value not in (None, "", FALSE_BOX) else "No"
    if kind == "choices" or kind.startswith("list-"):  # ChoiceField's and SelectionField's toString: the labels
        return searchable(", ".join(decoded_choices(value).values()))
    return None


def search_content(entry_answers):
    """The searchable answers of an object's entries, one per line (SearchInterface::updateModel)."""
    return "\n".join(a.searchable for a in entry_answers if a.searchable).strip()


def insert_entry(db, conn, form_id, object_type, object_id, sort, extra=None, now=None):
    """INSERT ost_form_entry at ``now`` (default: NOW() of the statement); returns its id."""
    row = dict(form_id=form_id, object_type=object_type, object_id=object_id, sort=sort, extra=extra)
    stmt = insert(db.tables.form_entry)
    if now is None:
        stmt = stmt.values(created=func.now(), updated=func.now())
    else:
        row.update(created=now, updated=now)
    return conn.execute(stmt, row).inserted_primary_key[0]


def cdata_columns(db, conn):
    """{"T": columns of ost_ticket__cdata, "U": of ost_user__cdata}, read live (osTicket rebuilds them at will).

    A missing table maps to None: osTicket then skips the cache (``SHOW TABLES LIKE``), and so does the bridge.
    """
    return cdata_found(db, conn.execute(cdata_query(db)))


def cdata_query(db):
    """SELECT (table name, column name) of both cache tables from information_schema."""
    info = table("COLUMNS", column("TABLE_SCHEMA"), column("TABLE_NAME"), column("COLUMN_NAME"))
    info.schema = "information_schema"
    names = [db.prefix + name for name, _ in CDATA.values()]
    return select(info.c.TABLE_NAME, info.c.COLUMN_NAME).where(
        info.c.TABLE_SCHEMA == func.database(), info.c.TABLE_NAME.in_(names)
    )


def cdata_found(db, rows):
    names = {(db.prefix + name).lower(): kind for kind, (name, _) in CDATA.items()}
    found = {kind: None for kind in CDATA}
    for table_name, column_name in rows:
        kind = names.get(table_name.lower())
        if kind:
            found[kind] = (found[kind] or set()) | {column_name}
    return found


def upsert_cdata(db, conn, columns, kind, object_id, entry_answers):
    """INSERT ... ON DUPLICATE KEY UPDATE the cache row of a ticket ("T") or user ("U") with every answer; returns
    the values written by column ({} for none).

    Only columns the table has are written; answers without a value write '' as osTicket's upserts do.
    """
    name, key = CDATA[kind]
    if not columns or key not in columns:
        return {}
    values = {}
    for a in entry_answers:
        target = a.field["name"] or f"field_{a.field['id']}"
        if target in columns and target != key:
            values[target] = a.key
    if not values:
        return {}
    cache = table(db.prefix + name, *(column(c) for c in (key, *values)))
    stmt = upsert(cache).values({key: object_id, **values})
    conn.execute(stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in values}))
    return values
