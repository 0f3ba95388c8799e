"""Helpers of the notice tests: the mails a write hands to the outbox, osTicket's recorded mails, normalised text."""

import email
import re
from email import policy

import pytest
from golden import GOLDEN_DIR

from osticket_bridge.mail import outbox


@pytest.fixture
def queued(monkeypatch):
    """The Mail objects the write paths hand to outbox.enqueue, in order (the real enqueue still runs)."""
    mails = []
    real = outbox.enqueue

    def recording(db, conn, batch):
        batch = list(batch)
        mails.extend(batch)
        return real(db, conn, batch)

    monkeypatch.setattr(outbox, "enqueue", recording)
    return mails


def golden_mails(op):
    """The mails osTicket 1.18.1 sent during a golden operation: [{to, cc, subject, sender, text, headers}]."""
    found = []
    for path in sorted((GOLDEN_DIR / "mail" / op).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        found.append(parsed(message))
    return found


def parsed(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",))
    return {
        "to": _addresses(message, "To"),
        "cc": _addresses(message, "Cc"),
        "subject": str(message["Subject"]),
        "sender": _addresses(message, "From")[0][1],
        "text": text,
        "html": html.get_content() if html is not None else None,
        "headers": {k: str(v) for k, v in message.items()},
    }


def _addresses(message, header):
    value = message[header]
    if value is None:
        return []
    return [(a.display_name, a.addr_spec) for a in value.addresses]


def as_dict(mail):
    """A bridge Mail in the shape of golden_mails."""
    return {
        "to": list(mail.to),
        "cc": list(mail.cc),
        "subject": mail.subject,
        "sender": mail.sender[1],
        "text": mail.text,
        "html": mail.html,
        "headers": dict(mail.headers),
    }


def normalised(text):
    """Text with message ids, links and numbers masked and whitespace collapsed."""
    text = re.sub(r"Ref-Mid: \S+", "Ref-Mid: <mid>", text)
    text = re.sub(r"https?://\S+", "<link>", text)
    text = re.sub(r"\d+", "<n>", text)
    return " ".join(text.split())


def same_mail(ours, theirs):
    """The fields the issue compares: recipients, subject, sender, normalised text; [] when all agree."""
    problems = []
    for field in ("to", "cc", "sender"):
        if ours[field] != theirs[field]:
            problems.append(f"{field}: {ours[field]!r} != {theirs[field]!r}")
    if normalised(ours["subject"]) != normalised(theirs["subject"]):
        problems.append(f"subject: {ours['subject']!r} != {theirs['subject']!r}")
    if normalised(ours["text"]) != normalised(theirs["text"]):
        problems.append(f"text:\n{normalised(ours['text'])}\n!=\n{normalised(theirs['text'])}")
    return problems
