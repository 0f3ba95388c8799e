"""New tickets as the stock API's ``Ticket::create`` writes them (DATA_MODEL §2a).

One transaction writes the rows osTicket ends up with after its step-by-step saves: user (when the address
is new), ticket, thread, form entries with every answer, the cdata caches, the events, the first message, its
attachments, the SLA due date and the search rows. Settings and seeded ids come from the catalog.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC

from sqlalchemy import bindparam, exists, func, insert, null, select

from .. import round_trip
from ..catalog import file_rules, forms, sla
from ..catalog.cache import cached_catalog
from ..errors import FieldError
from ..notices import compose as nm
from ..people.create_user import check_email, domain_pattern, new_user, organization_for
from ..people.users import user_query
from ..release import is_110
from ..rules import filter_data, on_create, organizations
from ..text import clean_body, clean_title, plain_text, storable
from ..threads import entries as threads
from ..threads import files
from ..threads.events import Actor, log_event
from . import numbers, routing
from . import reads as tickets
from .answer_edits import list_answer
from .date_answers import date_answer

ENTRY_ORIGINAL, ENTRY_BALANCED = 0x1, 0x40  # ost_thread_entry.flags
FILTER_ACTOR = Actor("Ticket Filter", None, "S")  # auto-assignment events (Ticket::create)


@dataclass
class NewTicket:
    """What the API passes in. ``fields``: form answers by field name (phone, notes, custom fields)."""

    subject: str
    message: str
    user_id: int | None = None
    email: str | None = None
    name: str | None = None
    topic_id: int | None = None
    priority_id: int | None = None
    message_format: str = "text"
    ip: str = ""
    attachments: list = field(default_factory=list)  # files.Upload
    fields: dict = field(default_factory=dict)
    autorespond: bool = True  # the stock API's parameters: mail the user / alert the agents, per the settings
    alert: bool = True
    origin: str = "api"  # "web" for an end user's portal create: ticket filters targeting Web run for it
    piggyback: round_trip.Piggyback | None = None  # the caller's lookup, read with the create's first read


def create_ticket(db, conn, request):
    """Write the ticket in the caller's transaction on ``conn``; the caller commits. Returns the ticket object, as
    GET /api/tickets.json/<number> shows it, built from what the create wrote.

    Everything the create needs to know is read in one statement first, the database's time included: every row
    of the create is written at that time. The number is set last (``numbers.assign``), so the number lock is
    held for a few statements only.
    """
    with numbers.numbering(db, conn):
        catalog = cached_catalog(db, conn)
        subject, (body, fmt, embedded) = _subject(db, request.subject), _message(request)
        uploads = list(request.attachments)
        file_rules.message_limits(catalog).check(uploads, embedded)
        email = check_email(request.email) if request.user_id is None else None
        phone = catalog.field(catalog.user_form_id, "phone")
        shape = (email is None, phone is not None, catalog.int_setting("max_open_tickets") > 0)
        extra = request.piggyback
        reads = db.statement(("create_reads", *shape, extra and extra.name), lambda: _reads(db, *shape, extra))
        params = _read_params(catalog, request, email, phone)
        found = round_trip.read(conn, reads, {**params, **extra.params} if extra else params)
        if extra:
            extra.check(found[extra.name])
        owner = found["owner"][0] if found["owner"] else None
        if owner is None and request.user_id is not None:
            raise FieldError("user_id", f"no user has the id {request.user_id}")
        v110 = is_110(db)
        address, name = (owner["email"], owner["name"]) if owner else (email, request.name)
        # The forms are those of the topic asked for: osTicket sets them up before the filters run, which read them;
        # an unknown or inactive topic is refused once the filters have run, as Ticket::create refuses it.
        try:
            form_topic, refused_topic = routing.topic_of(db, request.topic_id, found["topic"]), None
        except FieldError as refusal:
            form_topic, refused_topic = None, refusal
        topic_fields = _topic_form_fields(db, conn, form_topic)
        typed = _typed_answer(db, conn, catalog, v110)
        values = filter_data.filter_values(catalog, request, address, name, subject, owner is None, topic_fields, typed)
        banned = owner["banned"] if owner else bool(found.get("ban"))
        org_id = owner["org_id"] if owner else organization_for(found.get("organizations", ()), email)
        decisions = on_create.screen(db, conn, catalog, request, owner, email, banned, values, org_id, subject)
        if refused_topic:
            raise refused_topic
        decided = decisions.values
        topic_id, dept_id = decided.get("topicId"), decided.get("deptId")
        if topic_id or dept_id:  # the filter names rows the first read did not fetch
            params = _read_params(catalog, request, email, phone, topic_id, dept_id)
            found = round_trip.read(conn, reads, {**params, **extra.params} if extra else params)
        routed = routing.route(db, catalog, topic_id or request.topic_id, found, dept_id, decided.get("slaId"))
        topic, dept, cdata = routed.topic, routed.dept, routed.cdata
        context = found["context"][0]
        now = context["now"]
        # the priority asked for wins over a filter's: the form keeps its answer (Ticket::create's setAnswer)
        wanted_priority = request.priority_id if request.priority_id is not None else decided.get("priorityId")
        priority = routing.pick_priority(catalog, wanted_priority, topic)
        supplied = {**request.fields, "subject": subject, "priority": priority}
        entries = _form_entries(catalog, form_topic, topic_fields, supplied, v110, typed)
        pending = forms.Pending()
        on_create.check_open_limit(db, catalog, request, owner)
        user = _owner(db, conn, catalog, routed, pending, request, email, owner, context)
        status_id = routing.initial_status(catalog, topic, decided.get("statusId"))
        assignee = routing.auto_assignee(db, conn, topic, user["org_id"], decided, catalog.statuses[status_id])

        closed = now if catalog.statuses[status_id]["state"] == "closed" else None
        t = db.tables
        ticket = dict(
            user_id=user["id"],
            status_id=status_id,
            dept_id=dept["id"],
            sla_id=routed.sla_id,
            topic_id=topic["topic_id"] if topic else 0,
            staff_id=assignee.staff_id if assignee else 0,
            team_id=assignee.team_id if assignee else 0,
            ip_address=request.ip or "",
            source="API",
        )
        numbers.before_insert(db, conn)
        # Rows as execute() parameters, not .values(): SQLAlchemy then reuses its compiled INSERT.
        ticket_id = conn.execute(
            insert(t.ticket), {**ticket, "created": now, "lastupdate": now, "updated": now, "closed": closed}
        ).inserted_primary_key[0]
        thread_id = conn.execute(
            insert(t.thread), dict(object_id=ticket_id, object_type="T", lastmessage=now, created=now)
        ).inserted_primary_key[0]

        answers, cached = [], {}
        for form_id, sort, extra, form_answers in entries:
            entry_id = forms.insert_entry(db, conn, form_id, "T", ticket_id, sort, extra, now=now)
            pending.add_answers(entry_id, form_answers)
            if form_id == catalog.ticket_form_id:
                cached = forms.upsert_cdata(db, conn, cdata["T"], "T", ticket_id, form_answers)
            answers.extend(form_answers)

        snapshot = dict(thread_id=thread_id, staff_id=0, team_id=0, dept_id=dept["id"], topic_id=ticket["topic_id"])
        log_event(db, conn, catalog, snapshot, "created", Actor.api_user(user["id"]), now=now)
        cced = organizations.add_collaborators(db, conn, catalog, snapshot, user["id"], user["org_id"], now)
        recipients, recipient_flags = organizations.entry_recipients(db, cced)
        if not v110:
            on_create.log_filter_events(db, conn, catalog, snapshot, decisions, now)
        status = catalog.statuses[status_id]
        if status["state"] == "closed":  # a filter's closed status: Ticket::setStatus closes it
            named = {"status": [status_id, status["name"]]}
            log_event(db, conn, catalog, snapshot, "closed", Actor.system(), named, now=now)
        # osTicket 1.10 sets the first status without an event (its ticket has none until then).
        elif status_id != catalog.default_status_id() and not v110:
            log_event(db, conn, catalog, snapshot, "edited", Actor.system(), {"status": status_id}, now=now)
        actor = Actor.system() if v110 else FILTER_ACTOR  # 1.10 names the auto-assignment's actor SYSTEM
        if assignee and assignee.staff_id:
            assigned = {**snapshot, "staff_id": assignee.staff_id}
            log_event(db, conn, catalog, assigned, "assigned", actor, {"staff": assignee.staff_id}, now=now)
        if assignee and assignee.team_id:
            assigned = {**snapshot, "staff_id": assignee.staff_id, "team_id": assignee.team_id}
            log_event(db, conn, catalog, assigned, "assigned", actor, {"team": assignee.team_id}, now=now)

        stored = files.store(db, conn, [*uploads, *embedded], now=now)
        body = files.reference_stored(body, stored)
        entry = dict(
            thread_id=thread_id,
            type="M",
            user_id=user["id"],
            flags=ENTRY_ORIGINAL | (ENTRY_BALANCED if fmt == "html" else 0) | recipient_flags,
            poster=user["name"],
            source="API",
            title=subject,
            body=body,
            format=fmt,
            ip_address=request.ip or "",
            created=now,
            **recipients,
        )
        entry_id = conn.execute(insert(t.thread_entry), entry).inserted_primary_key[0]
        attachments = files.attach(db, conn, entry_id, stored, body)

        due = sla.due_date(db, conn, catalog, sla_id=routed.sla_id, dept_id=dept["id"], start=now)
        number = numbers.assign(
            db, conn, catalog, ticket_id, topic, **({"est_duedate": due, "updated": now} if due else {})
        )
        pending.search.append(("T", ticket_id, f"{number} {forms.searchable(subject)}", forms.search_content(answers)))
        pending.search.append(("H", entry_id, subject, forms.searchable(plain_text(body, fmt))))
        pending.flush(db, conn)

        ticket.update(ticket_id=ticket_id, number=number, created=now, thread_id=thread_id)
        dept_row = next(row for row in found["notice_depts"] if row["id"] == dept["id"])
        facts = nm.facts(
            db, catalog, {**dept_row, **context}, ticket, user, topic,
            cached.get("subject") or subject, {"body": body, "format": fmt, "poster": user["name"]},
        )  # fmt: skip
        response = on_create.after_create(db, conn, catalog, request, facts, decisions, owner, status, entry_id, now)
        message = {**entry, "id": entry_id}
        return _answer(db, conn, catalog, ticket, user, assignee, due, answers, message, attachments, closed, response)


def _reads(db, by_id, has_phone, counts_open, extra):
    """What a create reads before it writes, in one statement (round_trip): the routing's lookups, the owner (by id
    or by address), the candidate departments' notice settings, the company and default account, the database's
    time, and the caller's ``extra`` (a Piggyback or None). Built once per shape; ``_read_params`` gives the
    values."""
    topic_id, default_dept_id = bindparam("topic_id"), bindparam("default_dept_id")
    address, domain = (None, None) if by_id else (bindparam("email"), bindparam("domain"))
    return round_trip.union(
        {
            **routing.reads(db, topic_id, default_dept_id, address, domain),
            "owner": _owner_query(db, by_id, has_phone, counts_open),
            "notice_depts": nm.dept_query(db, routing.candidate_depts(db, topic_id, default_dept_id)),
            "context": nm.context_query(db, bindparam("default_email_id"), address).add_columns(
                func.now().label("now")
            ),
            **({extra.name: extra.build(db)} if extra else {}),
        }
    )


def _read_params(catalog, request, email, phone, topic_id=None, dept_id=None):
    """The values of ``_reads``; a filter's topic and department (``topic_id``, ``dept_id``) replace the request's
    topic and the default department among the candidates."""
    params = {
        "topic_id": topic_id or routing.wanted_topic_id(catalog, request.topic_id),
        "default_dept_id": dept_id or catalog.int_setting("default_dept_id"),
        "default_email_id": catalog.int_setting("default_email_id"),
        "user_form_id": catalog.user_form_id,
        "phone_field_id": phone["id"] if phone else None,
        "open_status_ids": [i for i, s in catalog.statuses.items() if s["state"] == "open"],
    }
    if email is None:
        return {**params, "user_id": request.user_id}
    return {**params, "email": email, "domain": domain_pattern(email)}


def _owner_query(db, by_id, has_phone, counts_open):
    """The owner (users.user_query) with what the create needs more: whether its address is one of the help desk's
    own, its phone as the ticket object shows it and, under core.max_open_tickets, its open tickets."""
    t = db.tables
    u = t.user
    query = user_query(db, user_id=bindparam("user_id")) if by_id else user_query(db, address=bindparam("email"))
    phone = null()
    if has_phone:
        phone = tickets.phone_answer(db, u.c.id, bindparam("user_form_id"), bindparam("phone_field_id"))
    query = query.add_columns(
        exists().where(t.email.c.email == t.user_email.c.address).label("is_system"),
        phone.label("phone"),
        routing.ban_query(db, t.user_email.c.address).exists().label("banned"),
    )
    if counts_open:
        tk, open_ids = t.ticket, bindparam("open_status_ids", expanding=True)
        counted = select(func.count()).where(tk.c.user_id == u.c.id, tk.c.status_id.in_(open_ids))
        query = query.add_columns(counted.scalar_subquery().label("open_tickets"))
    return query


def _answer(db, conn, catalog, ticket, user, assignee, due, answers, entry, attachments, closed, response):
    """The ticket object from what the create wrote (the thread's times are the ticket's ``created``); columns it
    leaves to their defaults are NULL in every osTicket release's schema (the entry's pid and staff_id 0, its
    ``updated`` the zero date). ``response``: a filter's canned reply, the second entry."""
    by_field = {a.field["id"]: a for a in answers}

    def answer(name):
        form_field = catalog.field(catalog.ticket_form_id, name)
        return by_field.get(form_field["id"]) if form_field else None

    subject, priority = answer("subject"), answer("priority")
    row = {
        **{name: ticket[name] for name in tickets.TICKET_COLUMNS},
        "duedate": None,
        "est_duedate": due,
        "closed": threads.printed(closed),
        "created": threads.printed(ticket["created"]),
        "thread_id": ticket["thread_id"],
        "lastmessage": threads.printed(ticket["created"]),
        "lastresponse": threads.printed(ticket["created"]) if response else None,
        "user_name": user["name"],
        "user_email": user["email"],
        "staff_firstname": assignee.staff_firstname if assignee else None,
        "staff_lastname": assignee.staff_lastname if assignee else None,
        "team_name": assignee.team_name if assignee else None,
        "subject_value": subject.value if subject else None,
        "priority_value": priority.value if priority else None,
        "priority_value_id": priority.value_id if priority else None,
        "phone_value": user["phone"],
    }
    written = {"editor": None, "editor_type": None, "updated": threads.ZERO_DATE, "staff_firstname": None,
               "staff_lastname": None}  # fmt: skip
    message = {**entry, **written, "pid": 0, "staff_id": 0, "created": threads.printed(entry["created"]),
               "user_name": user["name"]}  # fmt: skip
    made = tickets.created_object(db, conn, catalog, row, threads.entry_object(catalog, message, attachments))
    if response:
        reply = {**response, **written, "created": threads.printed(response["created"]), "user_name": None}
        made["threads"].append(threads.entry_object(catalog, reply, response["attachments"]))
    return made


def _subject(db, raw):
    subject = forms.check_line("subject", clean_title(raw or "", limit=100_000))
    limit = db.tables.thread_entry.c.title.type.length or 255
    if not subject:
        raise FieldError("subject", "Issue Summary is a required field")
    if len(subject) > limit:
        raise FieldError("subject", f"at most {limit} characters")
    return subject


def _message(request):
    """(body as stored, format, embedded images): a data URL's type decides (text/html -> html), else
    ``message_format``; data: images of an HTML body become inline uploads (HtmlThreadEntryBody)."""
    text, fmt = request.message or "", request.message_format or "text"
    try:
        parsed = files.parse_data_url(text)
    except ValueError as exc:
        raise FieldError("message", str(exc)) from None
    if parsed is not None:
        mime, charset, data = parsed
        fmt = "html" if mime == "text/html" else "text"
        try:
            text = data.decode(charset or "utf-8")
        except (LookupError, UnicodeDecodeError):
            raise FieldError("message", f"the data is not valid {charset or 'utf-8'} text") from None
    if not storable(text).strip():
        raise FieldError("message", "Issue Details is a required field")
    text, embedded = files.extract_embedded_images(text) if fmt == "html" else (text, [])
    body = clean_body(text, fmt)
    if body == "-":
        raise FieldError("message", "Issue Details is a required field")
    return body, fmt, embedded


def _topic_form_fields(db, conn, topic):
    """{form id: its fields in order} of the topic's forms other than Ticket Details, in topic order."""
    others = [form_id for form_id, kind, _ in topic["forms"] if kind == "G"] if topic else []
    fields = {form_id: [] for form_id in others}
    if others:
        ff = db.tables.form_field
        query = select(ff).where(ff.c.form_id.in_(others)).order_by(ff.c.sort, ff.c.id)
        for row in conn.execute(query).mappings():
            fields[row["form_id"]].append(dict(row))
    return fields


def _typed_answer(db, conn, catalog, v110):
    """forms.answers' ``typed``: a list field's items (read from ost_list_items), a date in the desk's zone (the
    API's Ticket::create has no agent whose zone would count). The filters and the form entries ask for the same
    answers: a list's, a query each, is read once."""
    desk_zone = sla.first_zone(catalog.setting("default_timezone"), default=UTC)
    lists = {}

    def typed(form_field, name, raw):
        if form_field["type"] == "datetime":
            return date_answer(form_field, name, raw, desk_zone, v110)
        key = (form_field["id"], json.dumps(raw, sort_keys=True, default=str))
        if key not in lists:
            lists[key] = list_answer(db, conn, form_field, name, raw)
        return lists[key]

    return typed


def _form_entries(catalog, topic, topic_fields, supplied, v110, typed):
    """[(form id, sort, extra, answers)]: the Ticket Details form, then the topic's other forms, in topic order.

    With a topic, sort is the form's 0-based position there and extra its disabled fields; without, 1 and NULL.
    ``v110``: osTicket 1.10's cache keys; ``typed``: list and date answers (_typed_answer).
    """
    linked = topic["forms"] if topic else []
    position = next((i for i, (form_id, _, _) in enumerate(linked) if form_id == catalog.ticket_form_id), None)
    others = [(i, form_id, disabled) for i, (form_id, kind, disabled) in enumerate(linked) if kind == "G"]
    fields = {**catalog.fields, **topic_fields}
    ticket_form = catalog.ticket_form_id
    if position is None:
        data = forms.data_fields(fields.get(ticket_form, []))
        entries = [(ticket_form, 1, None, forms.answers(data, supplied, v110=v110, typed=typed))]
    else:
        disabled = linked[position][2]
        data = forms.data_fields(fields.get(ticket_form, []), disabled)
        entries = [
            (ticket_form, position, forms.disable_json(disabled), forms.answers(data, supplied, v110=v110, typed=typed))
        ]
    for i, form_id, disabled in others:
        data = forms.data_fields(fields.get(form_id, []), disabled)
        entries.append(
            (form_id, i, forms.disable_json(disabled), forms.answers(data, supplied, v110=v110, typed=typed))
        )
    return sorted(entries, key=lambda e: e[1])


def _owner(db, conn, catalog, routed, pending, request, email, found, context):
    """The ticket's user (id, name, email, org_id, is_system, phone): ``found`` (``_owner_query``'s row), or a new
    user for a new address."""
    if found is None:
        if not (request.name or "").strip():
            raise FieldError("name", "a name is required to create a user for a new e-mail address")
        user = new_user(
            db, conn, catalog, routed.cdata, pending,
            email=email, name=request.name, contact=request.fields, organizations=routed.organizations,
            now=context["now"],
        )  # fmt: skip
        field = catalog.field(catalog.user_form_id, "phone")
        phone = next((a.value for a in user["answers"] if field and a.field["id"] == field["id"]), None)
        return {**user, "is_system": bool(context["address_is_system"]), "phone": phone}
    return {
        "id": found["id"], "name": found["name"], "email": found["email"], "org_id": found["org_id"],
        "is_system": bool(found["is_system"]), "phone": found["phone"],
    }  # fmt: skip
