"""What a ticket filter's rules read of a new ticket (Ticket::filterTicketData, TicketFilter): the request's values,
the stored fields of an existing owner and of the organization, and a list field's item properties
(``field.<id>.<property id>``, ``field.<id>.abb``)."""

import json
import re
from datetime import UTC, datetime
from itertools import chain

from sqlalchemy import and_, or_, select

from ..catalog import forms, sla
from ..errors import FieldError
from ..release import is_110
from .filters import json_object

_RULE_FIELD = re.compile(r"^field\.(\d+)(?:\.\w+)?$")  # field.<id>, or a list field's field.<id>.<property>
_PHP_FALSY = (None, "", "0", 0, False, [], {})


def filter_values(catalog, request, email, name, subject, new_user, topic_fields, typed=None):
    """What osTicket's filters read of an API create (Ticket::filterTicketData): the user's name and address, the
    Ticket Details form's fields as field.<id> (subject, message, priority, custom fields), the fields of the help
    topic's own forms (``topic_fields``: {form id: fields}, the topic asked for), for a new address the user form's
    fields sent (an existing user's stored ones: ``screen``), the message as body and topicId. Each field reads as
    its toString prints what was sent (forms.printed: a checkbox as Yes or No; a list or date field as its answer by
    ``typed``, forms.answers', prints it); an empty or "0" one is left out, as getFilterData
    leaves out what PHP holds false. Values are trimmed, as TicketFilter does."""
    supplied = {**request.fields, "subject": subject, "message": request.message or "", "email": email, "name": name}
    values = {"name": name, "email": email, "body": request.message or "", "topicId": request.topic_id or ""}
    user_form = catalog.fields.get(catalog.user_form_id, ()) if new_user else ()
    for form_field in [*catalog.fields.get(catalog.ticket_form_id, ()), *chain(*topic_fields.values()), *user_form]:
        raw = supplied.get(form_field["name"]) if form_field["name"] else None
        if form_field["type"] == "priority":
            priority = catalog.priorities.get(request.priority_id)
            value = priority["priority_desc"] if priority else ""
        elif typed and form_field["type"].partition("-")[0] in forms.TYPED:
            value = _typed_printed(typed, form_field, raw)
        else:
            value = forms.printed(form_field, raw)
        if value not in ("", "0"):  # what PHP holds false
            values[f"field.{form_field['id']}"] = value
    return {k: v.strip() if k != "body" and isinstance(v, str) else v for k, v in values.items()}


def _typed_printed(typed, form_field, raw):
    """A list or date field's answer as its toString prints it (its search text); one the field refuses as nothing
    (the create is refused once the filters have run)."""
    try:
        return "" if raw is None else typed(form_field, form_field["name"], raw).searchable or ""
    except FieldError:
        return ""


def stored_fields(db, conn, catalog, owner, org_id, wanted):
    """The ``wanted`` field.<id> values of the owner's stored user forms and of the organization's forms (User and
    Organization::getFilterData): the owner's name and address as the user form's name and email fields, the
    organization's name as its form's name field, a choice or list field's labels (", ") and, for a list field,
    its items' properties. ``owner``: the existing owner, or None."""
    t = db.tables
    ids = sorted({int(m.group(1)) for m in map(_RULE_FIELD.match, wanted) if m})
    objects = [(kind, i) for kind, i in (("U", owner and owner["id"]), ("O", org_id)) if i]
    if not ids or not objects:
        return {}
    entry, value, ff = t.form_entry, t.form_entry_values, t.form_field
    rows = conn.execute(
        select(value.c.field_id, value.c.value, ff.c.type)
        .select_from(entry.join(value, value.c.entry_id == entry.c.id).join(ff, ff.c.id == value.c.field_id))
        .where(or_(*(and_(entry.c.object_type == k, entry.c.object_id == i) for k, i in objects)),
               value.c.field_id.in_(ids))
    ).all()  # fmt: skip
    found, selections = {}, {}
    for row in rows:
        chosen = _chosen(row.value) if row.type == "choices" or row.type.startswith("list-") else None
        found[f"field.{row.field_id}"] = (row.value or "").strip() if chosen is None else ", ".join(chosen.values())
        if chosen and row.type.startswith("list-"):
            selections[f"field.{row.field_id}"] = [int(k) for k in chosen if str(k).isdigit()]
    if selections:
        found.update(_item_properties(db, conn, catalog, selections))
    if owner:
        for name in ("name", "email"):
            named = catalog.field(catalog.user_form_id, name)
            if named and named["id"] in ids:
                found[f"field.{named['id']}"] = owner[name]
    if org_id:
        o, form = t.organization, t.form
        org_name = select(o.c.name).where(o.c.id == org_id).scalar_subquery().label("name")
        named = conn.execute(
            select(ff.c.id, org_name)
            .select_from(ff.join(form, form.c.id == ff.c.form_id))
            .where(form.c.type == "O", ff.c.name == "name", ff.c.id.in_(ids))
        ).all()
        found.update({f"field.{r.id}": r.name for r in named})
    return {k: v.strip() for k, v in found.items() if v and v.strip()}


def _chosen(stored):
    """A choice or list answer's {key: label} (SelectionField::to_php of its JSON), or None for another shape."""
    try:
        chosen = json.loads(stored or "")
    except ValueError:
        return None
    return {str(k): str(v) for k, v in chosen.items()} if isinstance(chosen, dict) else None


def _item_properties(db, conn, catalog, selections):
    """field.<id>.<property id> and field.<id>.abb of the selected list items (DynamicListItem::getFilterData):
    each property of the list's property form as its field prints it, then the abbreviation; the values of
    several selected items joined by a space. ``selections``: {field.<id>: [item id]}."""
    t = db.tables
    li, form, ff = t.list_items, t.form, t.form_field
    wanted = {i for ids in selections.values() for i in ids}
    query = select(li.c.id, li.c.list_id, li.c.extra, li.c.properties).where(li.c.id.in_(wanted))
    items = {row.id: row for row in conn.execute(query) if row.list_id}
    forms = [f"L{i}" for i in {row.list_id for row in items.values()}]
    properties = {}  # list id -> [(field id, field type)] of its property form, in order
    if forms:
        query = (
            select(form.c.type.label("form"), ff.c.id, ff.c.type, ff.c.configuration)
            .select_from(form.join(ff, ff.c.form_id == form.c.id))
            .where(form.c.type.in_(forms))
            .order_by(ff.c.sort, ff.c.id)
        )
        for row in conn.execute(query):
            kind = (
                "datetime+time" if row.type == "datetime" and json_object(row.configuration).get("time") else row.type
            )
            properties.setdefault(int(row.form[1:]), []).append((row.id, kind))
    found = {}
    for key, ids in selections.items():
        data = {}
        for item in (items[i] for i in ids if i in items):
            config = json_object(item.properties)
            fields = properties.get(item.list_id, ())
            printed = [(f".{fid}", _printed(db, conn, catalog, kind, config.get(str(fid)))) for fid, kind in fields]
            for prop, text in [*printed, (".abb", item.extra or "")]:
                data[prop] = f"{data[prop]} {text}" if prop in data else text
        found.update({f"{key}{prop}": text for prop, text in data.items()})
    return found


def _printed(db, conn, catalog, kind, value):
    """A property's value as its field's toString prints it: Yes/No for a checkbox, the labels of a choice, a date
    as the help desk prints it (``datetime+time``: a date property configured with its time)."""
    if kind == "bool":
        return "No" if value in _PHP_FALSY else "Yes"
    if kind.startswith("datetime"):
        when = _stored_time(value)
        if when is not None:
            zone = sla.first_zone(catalog.setting("default_timezone"), default=sla.database_zone(db, conn))
            return desk_date(when.astimezone(zone), kind == "datetime+time", is_110(db))
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


_STORED_TIME = re.compile(r"^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d)?)\s*(Z|UTC|GMT|[+-]\d\d:?\d\d|[A-Za-z_/+-]+)?$")


def _stored_time(value):
    """The moment a date property holds (DatetimePickerWidget stores "Y-m-d H:i:s T", earlier releases W3C), or None
    where it names a zone this reading does not know (strtotime knows more abbreviations)."""
    found = _STORED_TIME.match(str(value or "").strip())
    if not found:
        return None
    moment, zone = found.groups()
    when = datetime.fromisoformat(moment.replace(" ", "T"))
    if zone in (None, "Z", "UTC", "GMT"):
        return when.replace(tzinfo=UTC)
    if zone[0] in "+-" and zone[1:].replace(":", "").isdigit():
        return when.replace(tzinfo=datetime.strptime(zone.replace(":", ""), "%z").tzinfo)
    named = sla.first_zone(zone, default=None)
    return when.replace(tzinfo=named) if named else None


def desk_date(when, with_time, v110):
    """A moment (in the desk's zone) as the en_US stock installs print a date, with its time or not: 1.18's ICU short
    forms (12/24/26, 12/24/26 3:04 PM), 1.10's strftime %x and %X (12/24/26, 12/24/26 15:04:00)."""
    if v110:
        return when.strftime("%m/%d/%y %H:%M:%S" if with_time else "%m/%d/%y")
    day = f"{when.month}/{when.day}/{when:%y}"
    if not with_time:
        return day
    return f"{day} {when.hour % 12 or 12}:{when:%M}\u202f{'AM' if when.hour < 12 else 'PM'}"
