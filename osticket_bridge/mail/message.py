"""One outgoing mail as the domain decides it (osticket/notices/recipients.py); mail/ only decides how it leaves."""

from dataclasses import dataclass

Address = tuple[str, str]  # (display name, address)


@dataclass(frozen=True)
class Mail:
    kind: str  # which osTicket notice: "ticket.alert", "ticket.autoresp", "message.alert", "response", ...
    sender: Address
    to: tuple[Address, ...]
    subject: str
    text: str
    html: str | None = None
    cc: tuple[Address, ...] = ()
    # Message-ID, In-Reply-To, References, Auto-Submitted, Precedence... as osTicket sets them.
    headers: tuple[tuple[str, str], ...] = ()
    ticket_id: int | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (file name, content type, data), after the body
