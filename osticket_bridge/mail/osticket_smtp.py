"""osTicket's own outgoing SMTP accounts, used when OSTICKET_MAIL_URL is not set (include/class.mailer.php).

Like osTicket's Mailer, a mail goes through the active SMTP account of the email address it is sent from, else
through the default MTA (core.default_smtp_id). Basic-auth passwords are stored encrypted with osTicket's
SECRET_SALT (OSTICKET_SECRET_SALT here). The accounts are read again for every mail, so an admin's change in
osTicket applies without a restart. osTicket's last resort, PHP's mail(), is not imitated.

Up to 1.16 the SMTP settings are columns of ost_email itself (smtp_active, smtp_host, smtp_port, smtp_auth,
smtp_spoofing; the login is the email's userid and its userpass, encrypted with userid as subkey: Email::getSMTPInfo);
from 1.17 they are ost_email_account rows of type "smtp". Reflection tells which.
"""

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, and_, inspect, or_, select

from . import crypto
from .transports import Permanent, Smtp


@dataclass(frozen=True)
class Account:
    id: int
    address: str
    name: str
    allow_spoofing: bool
    smtp: Smtp


class Unusable(Exception):
    """The account cannot be used (unsupported authentication, missing or undecryptable password)."""


class OsticketSmtp:
    """A transport that sends each mail through the osTicket SMTP account osTicket would use for it."""

    def __init__(self, db, secret_salt):
        self.db = db
        self.secret_salt = secret_salt
        self.tables = None
        self.no_accounts = "this osTicket has no email account tables"
        with db.engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            metadata = MetaData()
            if db.prefix + "email" in names:
                email = Table(db.prefix + "email", metadata, autoload_with=conn)
                if "smtp_host" in email.c:  # up to 1.16
                    self.tables = {"email": email}
                elif db.prefix + "email_account" in names:
                    account = Table(db.prefix + "email_account", metadata, autoload_with=conn)
                    self.tables = {"email": email, "email_account": account}

    def describe(self):
        return "osTicket's own SMTP accounts (Admin panel > Emails)"

    def accounts(self):
        """(usable accounts by id, the default MTA's id or None, why each unusable one is unusable)."""
        if self.tables is None:
            return {}, None, [self.no_accounts]
        if "email_account" not in self.tables:
            return self._email_columns()
        email, account = self.tables["email"], self.tables["email_account"]
        config = self.db.tables.config
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(account, email.c.email.label("address"), email.c.name.label("email_name"))
                .join(email, email.c.email_id == account.c.email_id)
                # Mailbox accounts lend their credentials to "mailbox"-authenticated SMTP, active or not.
                .where(or_(and_(account.c.type == "smtp", account.c.active == 1), account.c.type == "mailbox"))
            ).mappings()
            rows = list(rows)
            settings = conn.execute(
                select(config.c.namespace, config.c.key, config.c.value).where(config.c.namespace.like("email.%"))
            ).all()
            default_id = conn.execute(
                select(config.c.value).where(config.c.namespace == "core", config.c.key == "default_smtp_id")
            ).scalar()
        stored = {}
        for namespace, key, value in settings:
            stored.setdefault(namespace, {})[key] = value
        mailboxes = {row["email_id"]: row for row in rows if row["type"] == "mailbox"}
        usable, problems = {}, []
        for row in rows:
            if row["type"] != "smtp":
                continue
            try:
                usable[row["id"]] = self._account(row, mailboxes.get(row["email_id"]), stored)
            except Unusable as exc:
                problems.append(f"SMTP account of {row['address']}: {exc}")
        default = int(default_id) if default_id and int(default_id) in usable else None
        return usable, default, problems

    def _email_columns(self):
        """accounts() up to 1.16: each email with smtp_active is an account (Email::isSMTPEnabled)."""
        email, config = self.tables["email"], self.db.tables.config
        with self.db.engine.connect() as conn:
            rows = list(conn.execute(select(email).where(email.c.smtp_active != 0)).mappings())
            default_id = conn.execute(
                select(config.c.value).where(config.c.namespace == "core", config.c.key == "default_smtp_id")
            ).scalar()
        usable, problems = {}, []
        for row in rows:
            username = password = ""
            if row["smtp_auth"]:
                if not row["userpass"]:
                    problems.append(f"SMTP of {row['email']}: authentication is on but no password is saved")
                    continue
                if not self.secret_salt:
                    problems.append(f"SMTP of {row['email']}: set OSTICKET_SECRET_SALT (its password is encrypted)")
                    continue
                username = row["userid"] or ""
                try:
                    password = crypto.decrypt(row["userpass"], self.secret_salt, username)
                except crypto.CannotDecrypt as exc:
                    problems.append(f"SMTP of {row['email']}: cannot decrypt its password: {exc}")
                    continue
            host, security = connection(row["smtp_host"], row["smtp_port"])
            smtp = Smtp(host, int(row["smtp_port"] or 25), security, username, password, verify=False)
            usable[row["email_id"]] = Account(
                row["email_id"], row["email"], row["name"] or "", bool(row["smtp_spoofing"]), smtp
            )
        default = int(default_id) if default_id and int(default_id) in usable else None
        return usable, default, problems

    def _account(self, row, mailbox, stored):
        auth = (row["auth_bk"] or "").split(":")[0]
        username = password = ""
        if auth in ("basic", "mailbox"):
            # "mailbox": the SMTP account logs in with its mailbox account's credentials.
            source = row if auth == "basic" else mailbox
            if source is None:
                raise Unusable("uses its mailbox's credentials but the email has no mailbox account")
            namespace = f"email.{source['email_id']}.account.{source['id']}"
            creds = stored.get(namespace, {})
            if (source["auth_bk"] or "").split(":")[0] != "basic" or "passwd" not in creds:
                raise Unusable("no username and password saved")
            if not self.secret_salt:
                raise Unusable("its password is encrypted with osTicket's SECRET_SALT: set OSTICKET_SECRET_SALT")
            username = creds.get("username", "")
            try:
                subkey = hashlib.md5(
                    (username + namespace).encode(), usedforsecurity=False
                ).hexdigest()  # as EmailAccount passes it
                password = crypto.decrypt(creds["passwd"], self.secret_salt, subkey)
            except crypto.CannotDecrypt as exc:
                raise Unusable(f"cannot decrypt its password: {exc}") from exc
        elif auth != "none":
            raise Unusable(f"authentication {row['auth_bk']!r} is not supported by the bridge (basic or none)")
        host, security = connection(row["host"], row["port"])
        if auth == "none":
            security = "none"  # osTicket's open-relay settings carry host and port only
        smtp = Smtp(host, int(row["port"]), security, username, password, verify=False)
        return Account(row["id"], row["address"], row["email_name"] or "", bool(row["allow_spoofing"]), smtp)

    def send(self, sender, recipients, message):
        usable, default, problems = self.accounts()
        own = [a for a in usable.values() if a.address.lower() == sender.lower()]
        chosen = own[0] if own else usable.get(default)
        if chosen is None:
            raise Permanent(f"no active osTicket SMTP account for {sender} and no default MTA; {'; '.join(problems)}")
        if not chosen.allow_spoofing and chosen.address.lower() != sender.lower():
            # osTicket sets the account's address as Sender (and envelope sender) when it may not spoof From.
            message = f"Sender: {chosen.address}\r\n".encode() + message
            sender = chosen.address
        return chosen.smtp.send(sender, recipients, message)


def connection(host, port):
    """(host, security) as osTicket's AccountSetting reads them: an ssl://, tls:// or plain:// prefix, else the port."""
    match = re.match(r"^(ssl|tls|plain)://(.*)$", host or "", re.IGNORECASE)
    if match:
        scheme, host = match.group(1).lower(), match.group(2)
        return host, {"ssl": "tls", "tls": "starttls", "plain": "none"}[scheme]
    port = int(port or 0)
    return host, "tls" if port in (465, 993, 995) else "starttls" if port == 587 else "none"
