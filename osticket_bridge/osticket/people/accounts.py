"""Client-portal sign-in and guest ticket access, checked as osTicket's client portal checks them.

Sign-in: ``UserAccount::lookupByUsername`` + ``ClientAccount::check_passwd`` (DATA_MODEL §1.10, §2g).
Guest access: ``AccessLinkAuthentication`` ("check ticket status"): the ticket's owner or a collaborator.
"""

import hashlib
import hmac

import bcrypt
from sqlalchemy import and_, or_, select, update

CONFIRMED = 0x1  # ost_user_account.status
LOCKED = 0x2
LOCAL_BACKENDS = (None, "", "client")  # accounts whose password osTicket itself checks

_ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Checked against when no usable account matches, so unknown users cost as much time as wrong passwords.
_DUMMY_HASH = bcrypt.hashpw(b"no such account", bcrypt.gensalt(rounds=8, prefix=b"2a"))


def hash_password(password):
    """Passwd::hash: bcrypt $2a$ with cost 8, as phpass PasswordHash(8, false) writes it."""
    return bcrypt.hashpw(_bcrypt_bytes(password), bcrypt.gensalt(rounds=8, prefix=b"2a")).decode("ascii")


def _bcrypt_bytes(password):
    # PHP's crypt() reads only the first 72 bytes; the bcrypt module refuses longer input instead.
    return password.encode("utf-8")[:72]


def _phpass_encode64(data, count):
    out, i = [], 0
    while i < count:
        value = data[i]
        i += 1
        out.append(_ITOA64[value & 0x3F])
        if i < count:
            value |= data[i] << 8
        out.append(_ITOA64[(value >> 6) & 0x3F])
        if i >= count:
            break
        i += 1
        if i < count:
            value |= data[i] << 16
        out.append(_ITOA64[(value >> 12) & 0x3F])
        if i >= count:
            break
        i += 1
        out.append(_ITOA64[(value >> 18) & 0x3F])
    return "".join(out)


def _phpass_portable(password, setting):
    """phpass crypt_private: the portable $P$/$H$ hash of ``password`` with ``setting``'s salt and cost."""
    rounds = _ITOA64.find(setting[3:4])
    salt = setting[4:12]
    if not 7 <= rounds <= 30 or len(salt) != 8:
        return None
    secret = password.encode("utf-8")
    digest = hashlib.md5(salt.encode("ascii") + secret, usedforsecurity=False).digest()
    for _ in range(1 << rounds):
        digest = hashlib.md5(digest + secret, usedforsecurity=False).digest()
    return setting[:12] + _phpass_encode64(digest, 16)


def check_password(password, stored):
    """Return (matches, needs_rehash) for a password against an osTicket hash.

    bcrypt ($2a$/$2y$/$2b$), phpass portable ($P$/$H$), then legacy unsalted MD5, which osTicket rehashes.
    """
    stored = stored or ""
    if stored.startswith("$2"):
        try:
            return bcrypt.checkpw(_bcrypt_bytes(password), stored.encode("ascii")), False
        except ValueError:
            return False, False
    if stored.startswith(("$P$", "$H$")):
        computed = _phpass_portable(password, stored)
        return computed is not None and hmac.compare_digest(computed, stored), False
    if len(stored) == 32:
        computed = hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()
        return hmac.compare_digest(computed, stored), True
    bcrypt.checkpw(b"", _DUMMY_HASH)
    return False, False


def sign_in(db, login, password):
    """Return the id of the user whose portal account accepts this email-or-username and password, else None.

    The account must be confirmed, not locked, and use osTicket's own password backend. Every failure looks
    the same to the caller. A legacy MD5 hash is replaced by a bcrypt one on success, as osTicket does.
    """
    t = db.tables
    account = t.user_account
    login = (login or "").strip()
    query = select(account.c.id, account.c.user_id, account.c.status, account.c.passwd, account.c.backend)
    if "@" in login:
        query = query.select_from(account.join(t.user_email, t.user_email.c.user_id == account.c.user_id))
        query = query.where(t.user_email.c.address == login)
    else:
        query = query.where(account.c.username == login)
    with db.engine.begin() as conn:
        row = conn.execute(query.limit(1)).first() if login else None
        usable = (
            row is not None and row.status & CONFIRMED and not row.status & LOCKED and row.backend in LOCAL_BACKENDS
        )
        if not usable:
            bcrypt.checkpw(b"", _DUMMY_HASH)
            return None
        matches, rehash = check_password(password or "", row.passwd)
        if not matches:
            return None
        if rehash:
            conn.execute(update(account).where(account.c.id == row.id).values(passwd=hash_password(password)))
        return row.user_id


def guest_access(db, conn, number, email):
    """Return (user_id, ticket number as stored) for the user with this email who may see ticket ``number``
    (its owner or a collaborator), else None. Addresses ignore case (column collation), as in osTicket.
    """
    t = db.tables
    email = (email or "").strip()
    if not number or not email:
        return None
    address = t.user_email
    collaborator = t.thread_collaborator
    query = (
        select(address.c.user_id, t.ticket.c.number)
        .select_from(
            t.ticket.join(address, address.c.address == email)
            .outerjoin(t.thread, and_(t.thread.c.object_id == t.ticket.c.ticket_id, t.thread.c.object_type == "T"))
            .outerjoin(
                collaborator,
                and_(collaborator.c.thread_id == t.thread.c.id, collaborator.c.user_id == address.c.user_id),
            )
        )
        .where(
            t.ticket.c.number == str(number),
            or_(t.ticket.c.user_id == address.c.user_id, collaborator.c.id.is_not(None)),
        )
        .limit(1)
    )
    return conn.execute(query).first()
