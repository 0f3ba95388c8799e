"""The wire form of a Mail: a MIME message shaped like osTicket's (text part, HTML alternative, UTF-8, base64, then
the attached files).

The write stores what the message needs (``stored``: its parts as JSON, with its Date and Message-ID fixed when it
is queued) and the sender thread builds the message when it sends it (``wire``): building MIME costs a request
about a tenth of a create's CPU time, storing its parts a few microseconds.
"""

import base64
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid

import orjson

from .message import Mail


def stored(mail: Mail) -> tuple[str, bytes]:
    """(Message-ID, what the outbox row keeps of ``mail``): osTicket's Message-ID when the domain set one, else
    one made now, like the Date (the time the write queued the mail, as osTicket's are dated when it sends)."""
    message_id = None
    for name, value in mail.headers:
        if name.lower() == "message-id":
            message_id = value  # the last one, as _build() keeps it
    if message_id is None:
        message_id = make_msgid(domain=mail.sender[1].rpartition("@")[2] or None)
    parts = {
        "from": mail.sender,
        "to": mail.to,
        "cc": mail.cc,
        "subject": mail.subject,
        "date": formatdate(localtime=False, usegmt=False),
        "message_id": message_id,
        "headers": mail.headers,
        "text": mail.text,
        "html": mail.html,
        "files": [(name, kind, base64.b64encode(data).decode()) for name, kind, data in mail.attachments],
    }
    return message_id, orjson.dumps(parts)


def wire(message: bytes) -> bytes:
    """The bytes to send for an outbox row's ``message``: built from the stored parts; a row queued by a version
    that stored the whole message (it starts with its From header, never with JSON's "{") is sent as it is."""
    if not message.startswith(b"{"):
        return message
    return _build(orjson.loads(message)).as_bytes(policy=SMTP)


def _addresses(addresses):
    return ", ".join(formataddr(address) for address in addresses)


def _build(parts) -> EmailMessage:
    """The message of ``stored``'s parts: headers in osTicket's order, the domain's own (Message-ID...) last."""
    message = EmailMessage()
    message["From"] = _addresses([parts["from"]])
    message["To"] = _addresses(parts["to"])
    if parts["cc"]:
        message["Cc"] = _addresses(parts["cc"])
    message["Subject"] = parts["subject"]
    message["Date"] = parts["date"]
    message["Message-ID"] = parts["message_id"]
    message["X-Mailer"] = "osTicket Mailer"  # osTicket's own; its mail fetcher recognises it
    for name, value in parts["headers"]:
        del message[name]  # the domain's value wins over a default set above
        message[name] = value
    # base64 bodies, as osTicket's Mail_mime sends them
    message.set_content(parts["text"], charset="utf-8", cte="base64")
    if parts["html"] is not None:
        message.add_alternative(parts["html"], subtype="html", charset="utf-8", cte="base64")
    # multipart/mixed: the body, then each file in base64 (rows queued before files were kept have none)
    for name, content_type, data in parts.get("files", ()):
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(base64.b64decode(data), maintype or "application", subtype or "octet-stream",
                               filename=name)  # fmt: skip
    return message


def recipients(mail: Mail):
    """Envelope recipients: To then Cc, each address once."""
    return list(dict.fromkeys(address for _, address in (*mail.to, *mail.cc)))
