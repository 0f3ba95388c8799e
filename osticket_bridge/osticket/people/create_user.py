"""New users as ``User::fromVars`` and ``UserAccount::register`` write them (DATA_MODEL §2g).

``new_user`` (address, user, contact-form answers and cache, search row) serves both the ticket API (a new
e-mail address) and ``create_user`` (an agent creating a user with a client-portal account).
"""

import html
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..catalog import forms
from ..catalog.cache import cached_catalog
from ..errors import Conflict, FieldError, Raced
from ..names import format_phone, phone_format
from ..release import is_110
from ..text import storable
from .accounts import hash_password
from .emails import is_email
from .users import find_user

ACCOUNT_CONFIRMED = 0x1  # ost_user_account.status
MIN_PASSWORD = 6  # osTicketPasswordPolicy
_USERNAME = re.compile(r"^[\w.-]+$")


def check_email(address, name="email"):
    address = (address or "").strip()
    if not is_email(address):
        raise FieldError(name, "a valid e-mail address is required")
    return address


def user_name(name, email, limit=128):
    """User::fromVars + User::save: tags stripped; "Last, First" -> "First Last"; an address -> "Box Name"."""
    name = storable(html.unescape(nh3.clean(str(name or ""), tags=set()))).strip()
    if not name:
        name = email.split("@", 1)[0]
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) == 3:
        name = f"{parts[1]} {parts[0]} {parts[2]}"
    if is_email(name):
        name = name.split("@", 1)[0].replace(".", " ").title()
    forms.check_line("name", name)
    if len(name) > limit:
        raise FieldError("name", f"at most {limit} characters")
    return name


def new_user(
    db,
    conn,
    catalog,
    cdata,
    pending,
    *,
    email,
    name,
    contact=None,
    organizations=None,
    required=forms.FIELD_CLIENT_REQUIRED,
    now=None,
):
    """Create the user behind a new address; return {"id", "name", "email", "org_id", "answers"}.

    ``contact``: values for the Contact Information form by field name (phone, notes, custom fields).
    ``organizations``: rows of ``organizations_query`` when the caller already read them.
    ``required``: the field flag that makes an answer required (client's, or agent's when an agent creates it).
    ``now``: the time written on the rows (default: NOW() of each statement).
    The answer rows and the "U" search row are queued on ``pending``; the cache row is written now.
    """
    t = db.tables
    email = check_email(email)
    name = user_name(name, email, t.user.c.name.type.length or 128)
    answers = forms.answers(forms.data_fields(catalog.fields.get(catalog.user_form_id, [])), contact or {}, required)
    try:
        email_id = conn.execute(insert(t.user_email).values(address=email)).inserted_primary_key[0]
    except IntegrityError as exc:  # added by a concurrent request since this transaction's snapshot
        raise Raced(f"a user with the address {email} was added by another request meanwhile") from exc
    at = func.now() if now is None else now
    values = dict(name=name, default_email_id=email_id, created=at, updated=at)
    if organizations is None:
        organizations = conn.execute(organizations_query(db, domain_pattern(email))).all()
    org_id = organization_for(organizations, email)
    if org_id:
        values["org_id"] = org_id
    user_id = conn.execute(insert(t.user).values(**values)).inserted_primary_key[0]
    conn.execute(update(t.user_email).where(t.user_email.c.id == email_id).values(user_id=user_id))
    entry_id = forms.insert_entry(db, conn, catalog.user_form_id, "U", user_id, 1, now=now)
    pending.add_answers(entry_id, answers)
    forms.upsert_cdata(db, conn, cdata["U"], "U", user_id, answers)
    # MysqlSearchBackend::update appends the addresses; a new user's list holds the default address twice. osTicket 1.10
    # (on PHP 7) skips the first answer: its key 0 loosely equals the 'subject' it means to leave out.
    searched = answers[1:] if is_110(db) else answers
    content = f"{forms.search_content(searched)} {email}\n{email}"
    pending.search.append(("U", user_id, forms.searchable(name), content))
    return {"id": user_id, "name": name, "email": email, "org_id": org_id or 0, "answers": answers}


def organizations_query(db, domain):
    """The organizations whose domain list may hold a domain (Organization::forDomain's query); ``domain``:
    ``domain_pattern``'s, or a bind parameter for it."""
    o = db.tables.organization
    return select(o.c.id, o.c.domain).where(o.c.domain > "", o.c.domain.contains(domain, escape="/"))


def domain_pattern(email):
    """The address's domain with LIKE's wildcards escaped (by "/") for ``organizations_query``."""
    domain = email.rsplit("@", 1)[1]
    return domain.replace("/", "//").replace("%", "/%").replace("_", "/_")


def organization_for(rows, email):
    """Organization::isMappedToDomain: the first (id, domains) whose list names the domain (".x.com": subdomains)."""
    domain = email.rsplit("@", 1)[1].lower()
    for org_id, domains in rows:
        for candidate in (d.strip().lower() for d in domains.split(",")):
            if candidate and (candidate == domain or (candidate.startswith(".") and domain.endswith(candidate))):
                return org_id
    return None


def create_user(db, conn, *, email, name, password, phone=None, notes=None, timezone=None, username=None, fields=None):
    """POST /api/scp/users.json: a user with a confirmed client-portal account, in the caller's transaction on ``conn``.

    ``fields``: other Contact Information answers by field name (custom fields).
    Returns {"id", "name", "email", "phone"} with the phone as osTicket displays it ("(425) 444-1212 x123").
    """
    if password is None or len(password) < MIN_PASSWORD:
        raise FieldError("password", f"at least {MIN_PASSWORD} characters")
    timezone = _timezone(timezone)
    catalog = cached_catalog(db, conn)
    t = db.tables
    email = check_email(email)
    if find_user(db, conn, email=email) is not None:
        raise Conflict(f"a user with the address {email} already exists")
    username = _username(db, conn, username, email)
    cdata = forms.cdata_columns(db, conn)
    pending = forms.Pending()
    contact = {**(fields or {}), "phone": phone, "notes": notes}
    user = new_user(
        db, conn, catalog, cdata, pending,
        email=email, name=name, contact=contact, required=forms.FIELD_AGENT_REQUIRED,
    )  # fmt: skip
    pending.flush(db, conn)
    account = dict(user_id=user["id"], status=ACCOUNT_CONFIRMED, passwd=hash_password(password))
    account.update({k: v for k, v in (("timezone", timezone), ("username", username)) if v})
    conn.execute(insert(t.user_account).values(**account))
    stored = next((a.value for a in user["answers"] if a.field["name"] == "phone"), None)
    return {
        "id": user["id"],
        "name": user["name"],
        "email": user["email"],
        "phone": format_phone(stored, phone_format(catalog)),
    }


def _timezone(name):
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise FieldError("timezone", f"{name!r} is not a time zone name such as Europe/Berlin") from exc
    return name


def _username(db, conn, username, email):
    """The account's username: None when absent or equal to the address; else valid and unused."""
    username = (username or "").strip()
    if not username or username.lower() == email.lower():
        return None
    if len(username) > 64 or not _USERNAME.match(username):
        raise FieldError("username", "letters, digits, '.', '_' and '-' only, at most 64")
    a = db.tables.user_account
    if conn.execute(select(a.c.id).where(a.c.username == username).limit(1)).first():
        raise Conflict(f"the username {username} is taken")
    return username
