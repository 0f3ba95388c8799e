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


def golden_mails(op, directory=GOLDEN_DIR):
    """The mails osTicket 1.18.1 (or the release of ``directory``) sent during a golden operation:
    [{to, cc, subject, sender, text, headers}]."""
    found = []
    for path in sorted((directory / "mail" / op).glob("*.eml")):
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
        "attachments": [
            (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_attachments()
            if part.get_content_disposition() == "attachment"
        ],
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
        "attachments": list(mail.attachments),
    }


def normalised(text):
    """Text with message ids, links and numbers masked and whitespace collapsed."""
    text = re.sub(r"Ref-Mid: \S+", "Ref-Mid: <mid>", text)
    text = re.sub(r"https?://\S+", "<link>", text)
    text = re.sub(r"\d+", "<n>", text)
    return " ".join(text.split())


# osTicket 1.10.4 writes the text alternative with its own html2text.php (underlined headings, upper-case bold,
# link footnotes), which the bridge does not imitate: there its HTML part is compared instead, less the inline logo
# osTicket attaches (the bridge sends no inline template images, on any release).
TEXT_110 = "html"
_INLINE_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"cid:[^\"]*\"[^>]*>", re.IGNORECASE)


def same_mail(ours, theirs, part="text"):
    """The fields the issue compares: recipients, subject, sender, and the normalised ``part`` ("text", or "html"
    for osTicket 1.10.4's mails: TEXT_110); [] when all agree."""
    problems = []
    if part == "html":
        # The hidden reply tag names the message id, as Ref-Mid does in the text: masked alike.
        ours_html, theirs_html = (
            normalised(re.sub(r'class="mid-[^"]*"', 'class="mid-<mid>"', _INLINE_IMAGE.sub("", m["html"] or "")))
            for m in (ours, theirs)
        )
        if ours_html != theirs_html:
            problems.append(f"html:\n{ours_html}\n!=\n{theirs_html}")
    for field in ("to", "cc", "sender"):
        if ours[field] != theirs[field]:
            problems.append(f"{field}: {ours[field]!r} != {theirs[field]!r}")
    if normalised(ours["subject"]) != normalised(theirs["subject"]):
        problems.append(f"subject: {ours['subject']!r} != {theirs['subject']!r}")
    if part == "text" and normalised(ours["text"]) != normalised(theirs["text"]):
        problems.append(f"text:\n{normalised(ours['text'])}\n!=\n{normalised(theirs['text'])}")
    return problems
