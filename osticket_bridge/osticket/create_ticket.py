"""New tickets as the stock API's ``Ticket::create`` writes them (DATA_MODEL §2a).

One transaction writes the rows osTicket ends up with after its step-by-step saves: user (when the address
is new), ticket, thread, form entries with every answer, the cdata caches, the events, the first message, its
attachments, the SLA due date and the search rows. Settings and seeded ids come from the catalog.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, insert, select

from . import file_rules, files, forms, notices, numbers, sla
from . import ticket_routing as routing
from .create_user import check_email, new_user
from .errors import Conflict, FieldError, Forbidden
from .events import Actor, log_event
from .release import is_110
from .text import clean_body, clean_title, plain_text, storable
from .users import find_user

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


def create_ticket(db, conn, request):
    """Write the ticket in the caller's transaction on ``conn`` and return its number; the caller commits.

    The number is set last (``numbers.assign``), so the number lock is held for a few statements only.
    """
    with numbers.numbering(db, conn):
        catalog = db.catalog.get(conn)
        subject, (body, fmt, embedded) = _subject(db, request.subject), _message(request)
        uploads = list(request.attachments)
        file_rules.message_limits(catalog).check(uploads, embedded)
        topic = routing.find_topic(db, conn, catalog, request.topic_id)
        email = check_email(request.email) if request.user_id is None else None
        found = routing.lookups(db, conn, catalog, topic, email)
        dept, sla_id, cdata = found.dept, found.sla_id, found.cdata
        if found.banned:
            raise Forbidden(f"ticket denied: {email} is banned")
        priority = routing.pick_priority(catalog, request.priority_id, topic)
        entries = _form_entries(db, conn, catalog, topic, {**request.fields, "subject": subject, "priority": priority})
        pending = forms.Pending()
        user = _owner(db, conn, catalog, cdata, pending, request, email, found.organizations)
        status_id = routing.initial_status(catalog, topic)
        assignee = routing.auto_assignee(db, conn, topic, user["org_id"])

        t = db.tables
        ticket = dict(
            user_id=user["id"],
            status_id=status_id,
            dept_id=dept["id"],
            sla_id=sla_id,
            topic_id=topic["topic_id"] if topic else 0,
            staff_id=assignee[1] if assignee and assignee[0] == "staff" else 0,
            team_id=assignee[1] if assignee and assignee[0] == "team" else 0,
            ip_address=request.ip or "",
            source="API",
        )
        now = func.now()
        numbers.before_insert(db, conn)
        ticket_id = conn.execute(
            insert(t.ticket).values(**ticket, created=now, lastupdate=now, updated=now)
        ).inserted_primary_key[0]
        created = conn.execute(select(t.ticket.c.created).where(t.ticket.c.ticket_id == ticket_id)).scalar()
        thread_id = conn.execute(
            insert(t.thread).values(object_id=ticket_id, object_type="T", lastmessage=now, created=now)
        ).inserted_primary_key[0]

        answers = []
        for form_id, sort, extra, form_answers in entries:
            entry_id = forms.insert_entry(db, conn, form_id, "T", ticket_id, sort, extra)
            pending.add_answers(entry_id, form_answers)
            if form_id == catalog.ticket_form_id:
                forms.upsert_cdata(db, conn, cdata["T"], "T", ticket_id, form_answers)
            answers.extend(form_answers)

        snapshot = dict(thread_id=thread_id, staff_id=0, team_id=0, dept_id=dept["id"], topic_id=ticket["topic_id"])
        log_event(db, conn, catalog, snapshot, "created", Actor.api_user(user["id"]))
        v110 = is_110(db)
        # osTicket 1.10 sets the first status without an event (its ticket has none until then).
        if status_id != catalog.default_status_id() and not v110:
            log_event(db, conn, catalog, snapshot, "edited", Actor.system(), {"status": status_id})
        if assignee:
            assigned = {**snapshot, "staff_id": ticket["staff_id"], "team_id": ticket["team_id"]}
            actor = Actor.system() if v110 else FILTER_ACTOR  # 1.10 names the auto-assignment's actor SYSTEM
            log_event(db, conn, catalog, assigned, "assigned", actor, {assignee[0]: assignee[1]})

        stored = files.store(db, conn, [*uploads, *embedded])
        body = files.reference_stored(body, stored)
        entry_id = conn.execute(
            insert(t.thread_entry).values(
                thread_id=thread_id,
                type="M",
                user_id=user["id"],
                flags=ENTRY_ORIGINAL | (ENTRY_BALANCED if fmt == "html" else 0),
                poster=user["name"],
                source="API",
                title=subject,
                body=body,
                format=fmt,
                ip_address=request.ip or "",
                created=now,
            )
        ).inserted_primary_key[0]
        files.attach(db, conn, entry_id, stored, body)

        due = sla.due_date(db, conn, catalog, sla_id=sla_id, dept_id=dept["id"], start=created)
        number = numbers.assign(
            db, conn, catalog, ticket_id, topic, **({"est_duedate": due, "updated": now} if due else {})
        )
        pending.search.append(("T", ticket_id, f"{number} {forms.searchable(subject)}", forms.search_content(answers)))
        pending.search.append(("H", entry_id, subject, forms.searchable(plain_text(body, fmt))))
        pending.flush(db, conn)
        mails = notices.new_ticket(db, conn, catalog, ticket_id, entry_id, request.autorespond, request.alert)
        notices.queue(db, conn, mails)
        return number


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


def _form_entries(db, conn, catalog, topic, supplied):
    """[(form id, sort, extra, answers)]: the Ticket Details form, then the topic's other forms, in topic order.

    With a topic, sort is the form's 0-based position there and extra its disabled fields; without, 1 and NULL.
    """
    linked = topic["forms"] if topic else []
    position = next((i for i, (form_id, _, _) in enumerate(linked) if form_id == catalog.ticket_form_id), None)
    others = [(i, form_id, disabled) for i, (form_id, kind, disabled) in enumerate(linked) if kind == "G"]
    fields = dict(catalog.fields)
    if others:
        ff = db.tables.form_field
        query = select(ff).where(ff.c.form_id.in_([f for _, f, _ in others])).order_by(ff.c.sort, ff.c.id)
        for row in conn.execute(query).mappings():
            fields.setdefault(row["form_id"], []).append(dict(row))
    ticket_form = catalog.ticket_form_id
    if position is None:
        entries = [(ticket_form, 1, None, forms.answers(forms.data_fields(fields.get(ticket_form, [])), supplied))]
    else:
        disabled = linked[position][2]
        data = forms.data_fields(fields.get(ticket_form, []), disabled)
        entries = [(ticket_form, position, forms.disable_json(disabled), forms.answers(data, supplied))]
    for i, form_id, disabled in others:
        data = forms.data_fields(fields.get(form_id, []), disabled)
        entries.append((form_id, i, forms.disable_json(disabled), forms.answers(data, supplied)))
    return sorted(entries, key=lambda e: e[1])


def _owner(db, conn, catalog, cdata, pending, request, email, organizations):
    """The ticket's user: ``user_id``'s, the owner of ``email``, or a new user for a new address."""
    if request.user_id is not None:
        user = find_user(db, conn, user_id=request.user_id)
        if user is None:
            raise FieldError("user_id", f"no user has the id {request.user_id}")
    else:
        user = find_user(db, conn, email=email)
    if user is None:
        if not (request.name or "").strip():
            raise FieldError("name", "a name is required to create a user for a new e-mail address")
        return new_user(
            db, conn, catalog, cdata, pending,
            email=email, name=request.name, contact=request.fields, organizations=organizations,
        )  # fmt: skip
    limit = catalog.int_setting("max_open_tickets")
    if limit > 0 and _open_tickets(db, conn, catalog, user["id"]) >= limit:
        raise Conflict("you've reached the maximum open tickets allowed")
    return {"id": user["id"], "name": user["name"], "email": user["email"], "org_id": user["org_id"]}


def _open_tickets(db, conn, catalog, user_id):
    t = db.tables.ticket
    open_ids = [i for i, s in catalog.statuses.items() if s["state"] == "open"]
    return conn.execute(select(func.count()).where(t.c.user_id == user_id, t.c.status_id.in_(open_ids))).scalar()
