"""The wire form of a Mail: a MIME message shaped like osTicket's (text part, HTML alternative, UTF-8, base64)."""

from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from .message import Mail


def _addresses(addresses):
    return ", ".join(formataddr(address) for address in addresses)


def build(mail: Mail) -> EmailMessage:
    """The message to send: headers from the Mail (osTicket's Message-ID when the domain set one)."""
    message = EmailMessage()
    message["From"] = _addresses([mail.sender])
    message["To"] = _addresses(mail.to)
    if mail.cc:
        message["Cc"] = _addresses(mail.cc)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=False)
    extra = dict(mail.headers)
    if not any(name.lower() == "message-id" for name in extra):
        domain = mail.sender[1].rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
    message["X-Mailer"] = "osTicket Mailer"  # osTicket's own; its mail fetcher recognises it
    for name, value in mail.headers:
        del message[name]  # the domain's value wins over a default set above
        message[name] = value
    # base64 bodies, as osTicket's Mail_mime sends them
    message.set_content(mail.text, charset="utf-8", cte="base64")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="base64")
    return message


def recipients(mail: Mail):
    """Envelope recipients: To then Cc, each address once."""
    return list(dict.fromkeys(address for _, address in (*mail.to, *mail.cc)))
