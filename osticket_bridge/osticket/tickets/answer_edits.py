"""A Ticket Details answer edited by an agent as osTicket 1.18.1's panel writes it (FormField::getChanges and save,
DynamicForm::updateDynamicDataView, the ticket's search row): a text field, a checkbox (BooleanField) or a choice
(ChoiceField, one key or, multiselect, several), a custom list's items (SelectionField, type "list-<id>") or a date
(DatetimeField, date_answers.py). Other types are refused (422). osTicket 1.10.4's Edit Ticket form (field_edits.py)
saves them its own way (edit_answer's v110, untick_unanswered_checkboxes). A new ticket's list answer is read as an
edit's (list_answer)."""

from sqlalchemy import insert, select, update

from .. import search
from ..catalog.forms import (
    FALSE_BOX,
    FIELD_AGENT_EDIT,
    FIELD_ENABLED,
    Answer,
    answer_searchable,
    choice_selection,
    choices,
    configuration,
    decoded_choices,
    encode_choices,
    multiselect,
    searchable,
)
from ..errors import Conflict, FieldError, Forbidden
from .date_answers import date_change, date_searchable

LIST_ITEM_ENABLED = 0x1  # ost_list_items.status
EDITABLE = ("text", "bool", "choices", "list", "datetime")


def edit_answer(db, conn, catalog, ticket, name, value, agent_zone, v110=False):
    """Store the new answer, its cache column and the ticket's search row; (label, "edited" event data).
    ``agent_zone``: the acting agent's (a date's zone, and its searchable text). ``v110``: as osTicket 1.10.4's
    Edit Ticket form saves it (a single choice's cache is "0": ChoiceField::getKeys lists the keys of getChoice's
    [label]; a date is read in its own zone); the caller rebuilds the search row there."""
    field = catalog.field(catalog.ticket_form_id, name) if catalog.ticket_form_id else None
    if field is None or name in ("priority", "message"):
        raise FieldError(name, "no Ticket Details field of that name is editable here")
    if field["type"].partition("-")[0] not in EDITABLE:
        raise FieldError(name, f"fields of type {field['type']!r} cannot be edited through the API")
    t = db.tables
    e, v = t.form_entry, t.form_entry_values
    entry_id = conn.execute(
        select(e.c.id).where(
            e.c.object_type == "T", e.c.object_id == ticket["ticket_id"], e.c.form_id == field["form_id"]
        )
    ).scalar()
    if entry_id is None:
        raise Conflict(f"ticket {ticket['number']} has no {name}")
    where = (v.c.entry_id == entry_id, v.c.field_id == field["id"])
    stored = conn.execute(select(v.c.value).where(*where)).scalar()
    if field["type"].startswith("list-"):
        old, new, key = _list_change(db, conn, field, name, stored, value)
    elif field["type"] == "datetime":
        old, new, key = date_change(field, name, stored, value, agent_zone, v110)
    else:
        old, new, key = _change(field, name, stored, value)
        if v110 and field["type"] == "choices" and not multiselect(field):
            key = "0"
    if old == new:
        raise Conflict(f"{name} already has that value")
    check_editable(field)
    if conn.execute(update(v).where(*where).values(value=new)).rowcount == 0:
        conn.execute(insert(v).values(entry_id=entry_id, field_id=field["id"], value=new))
    if t.has("ticket__cdata", name):
        cd = t.ticket__cdata
        conn.execute(update(cd).where(cd.c.ticket_id == ticket["ticket_id"]).values({name: key}))
    if not v110:
        index_ticket(db, conn, ticket, agent_zone)
    return field["label"], {"0": old, "1": new, "fields": {str(field["id"]): [old, new]}}


def untick_unanswered_checkboxes(db, conn, catalog, ticket):
    """osTicket 1.10.4's Edit Ticket form saves every answer of the ticket's forms as posted: an unticked checkbox
    with no answer yet is stored as "0" (BooleanField::to_database), its cache column too (Ticket Details). The
    "edited" event does not list it: its old answer reads as "0" as well."""
    t = db.tables
    f, e, v = t.form_field, t.form_entry, t.form_entry_values
    unanswered = conn.execute(
        select(v.c.entry_id, v.c.field_id, f.c.name, e.c.form_id)
        .select_from(v.join(e, e.c.id == v.c.entry_id).join(f, f.c.id == v.c.field_id))
        .where(e.c.object_type == "T", e.c.object_id == ticket["ticket_id"], f.c.type == "bool")
        .where((v.c.value.is_(None)) | (v.c.value == ""))
    ).all()
    for row in unanswered:
        conn.execute(
            update(v).where(v.c.entry_id == row.entry_id, v.c.field_id == row.field_id).values(value=FALSE_BOX)
        )
        if row.form_id == catalog.ticket_form_id and row.name and t.has("ticket__cdata", row.name):
            cd = t.ticket__cdata
            conn.execute(update(cd).where(cd.c.ticket_id == ticket["ticket_id"]).values({row.name: FALSE_BOX}))


def check_editable(field):
    """Ticket::updateField's last check, after the value's and the change's: FormField::isEditableToStaff (the field
    enabled and editable by agents); the ticket's page offers no inline edit of any other."""
    if not field["flags"] & FIELD_ENABLED or not field["flags"] & FIELD_AGENT_EDIT:
        raise Forbidden(f"{field['label']} can not be edited: the field is not editable by agents")


def _change(field, name, stored, value):
    """(old, new) as the field's to_database writes them, and the new cache key (getSearchKeys)."""
    if field["type"] == "text":
        if not isinstance(value, str) or not value.strip() or len(value) > 10_000:
            raise FieldError(name, "a text field takes a non-empty text")
        return stored, value.strip(), value.strip()
    if field["type"] == "bool":
        if not isinstance(value, bool) and value not in (0, 1):
            raise FieldError(name, "a checkbox takes true or false")
        new = "1" if value else FALSE_BOX
        return ("1" if stored not in (None, "", FALSE_BOX) else FALSE_BOX), new, new
    picked = choice_selection(field, name, value, stored)
    return _old_choice(stored, choices(field, stored), multiselect(field)), encode_choices(picked), ", ".join(picked)


def _list_change(db, conn, field, name, stored, value):
    """A list field's (old, new, cache key): SelectionField keeps its stored JSON {item id: value} as it is
    (to_php), takes the items as ChoicesWidget reads a post, and its getKeys lists the item ids."""
    picked = _list_selection(db, conn, field, name, value, stored)
    old = encode_choices(decoded_choices(stored)) if decoded_choices(stored) else stored
    return old, encode_choices(picked), ", ".join(picked)


def list_answer(db, conn, field, name, value):
    """A list field's answer on a new ticket (Ticket::create): SelectionField's to_database of the items read as
    _list_selection reads them, its getKeys (the item ids) for the cache and its toString (their values) to search."""
    stored = encode_choices(_list_selection(db, conn, field, name, value, None))
    return Answer(field, stored, None, ", ".join(decoded_choices(stored)), answer_searchable(field, stored))


def _list_selection(db, conn, field, name, value, stored):
    """{item id: value} as ChoicesWidget::getValue reads each item sent: an id among the field's choices (the list's
    enabled items, then retired past selections), else SelectionField::lookupChoice: a choice's value, else any item
    of the list by value, then by abbreviation. One item unless the field allows several (not as a typeahead)."""
    li = db.tables.list_items
    list_id = int(field["type"].partition("-")[2])
    items = conn.execute(
        select(li.c.id, li.c.value, li.c.extra, li.c.status).where(li.c.list_id == list_id).order_by(li.c.sort, li.c.id)
    ).all()
    offered = {str(i.id): i.value for i in items if i.status & LIST_ITEM_ENABLED}
    for key, label in decoded_choices(stored).items():
        offered.setdefault(key, label)
    config = configuration(field)
    several = multiselect(field) and config.get("widget") != "typeahead"
    sent = value if isinstance(value, list) else [value]
    picked = {}
    for v in sent:
        if isinstance(v, bool) or not isinstance(v, str | int):
            break
        key = str(v)
        if key not in offered:
            found = [k for k, label in offered.items() if label == key]
            found += [str(i.id) for i in items if i.value == key] + [str(i.id) for i in items if i.extra == key]
            if not found:
                break
            key = found[0]
        picked[key] = offered.get(key) or next(i.value for i in items if str(i.id) == key)
    else:
        if picked and (several or len(sent) == 1):
            return picked
    listed = ", ".join(f"{k} ({label})" for k, label in offered.items())
    raise FieldError(name, f"choose {'one or more' if several else 'one'} of the items by id or value: {listed}")


def _old_choice(stored, offered, several):
    """to_database(to_php(stored)): one selection is read back as its key and relabelled from the choices."""
    if stored is None:
        return None
    selected = decoded_choices(stored)
    if not selected:
        return stored
    if several or len(selected) > 1:
        return encode_choices(selected)
    key = next(iter(selected))
    return encode_choices({key: offered[key]}) if key in offered else key


def index_ticket(db, conn, ticket, agent_zone):
    """The ticket's search row as osTicket rebuilds it on model.updated: "<number> <subject>", and the searchable
    text of every answer of its entries in field order (Ticket::loadDynamicData)."""
    t = db.tables
    f, e, v = t.form_field, t.form_entry, t.form_entry_values
    rows = conn.execute(
        select(f.c.name, f.c.id, f.c.type, f.c.configuration, v.c.value, v.c.value_id)
        .select_from(v.join(e, e.c.id == v.c.entry_id).join(f, f.c.id == v.c.field_id))
        .where(e.c.object_type == "T", e.c.object_id == ticket["ticket_id"])
        .order_by(f.c.sort)
    ).mappings()
    answers = {}
    for row in rows:
        answers[(row["name"] or "").lower() or f"field.{row['id']}"] = row
    lines = [
        date_searchable(row, row["value"], agent_zone)
        if row["type"] == "datetime"
        else answer_searchable(dict(row), row["value"])
        for row in answers.values()
    ]
    subject = (answers.get("subject") or {}).get("value") or ""
    content = "\n".join(line for line in lines if line).strip()
    search.index(db, conn, "T", ticket["ticket_id"], f"{ticket['number']} {searchable(subject)}", content)
