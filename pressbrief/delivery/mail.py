"""Briefs, their PDFs and a recipients CSV → one MIME message per recipient.

Each message has a plain-text and an email-safe HTML body made from the content itself
(each brief's title, summary and talking points, the press contact), the PDFs attached,
standard headers, and two of pressbrief's own: the envelope recipient (the CSV's address,
so `To:` is never parsed for it) and a digest of the content. A message's identity is its
packet and recipient (`identity`, which names its files); its Message-ID also depends on
the content, so a corrected message is a new message. A message over the size budget gets its PDFs
optimized; still over, it is refused with how much it is over.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

from email_validator import validate_email
from markupsafe import Markup

from ..content import markdown
from ..content.config import size_in_bytes
from ..content.model import Config, Document
from ..content.recipients import Recipient, needs_smtputf8
from ..content.schema import dek
from ..content.types import lineage
from ..errors import MailError
from ..typeset.chart import quantity
from ..typeset.dateline import dateline
from ..typeset.html import date_time, format_embargo
from ..typeset.layouts import find_layout

log = logging.getLogger(__name__)

RECIPIENT_HEADER = "X-Pressbrief-Recipient"
"""The envelope recipient (percent-encoded), taken from the CSV, never from `To:`."""
CONTENT_HEADER = "X-Pressbrief-Content"
"""A digest of what the message says; a queued message whose content changed is replaced."""


@dataclass(frozen=True)
class Attachment:
    """A PDF to attach."""

    filename: str
    data: bytes


def sender(config: Config) -> str:
    """The From address: email.sender, else the press contact."""
    address = config.email.sender or config.contact.email
    if not address:
        raise MailError("no sender address: set email.sender or contact.email in pressbrief.yaml")
    return address


def sender_name(config: Config) -> str:
    """The From name: email.sender_name, else the press contact's or organization's name."""
    return config.email.sender_name or config.contact.name or config.organization.name


def identity(packet: str, address: str) -> str:
    """What makes a message itself: the packet (its source, project-relative) and the
    recipient's address, whatever the message says; it names the message's files."""
    return hashlib.sha256(f"{packet}\n{address.lower()}".encode()).hexdigest()[:32]


def embargo_notice(briefs: list[Document], now: datetime) -> str | None:
    """When the latest embargo of the briefs that has not lifted lifts, worded for
    "Embargoed until …" ("9:00 a.m. ET, Monday, November 23, 2026"); None if none."""
    pending = [b.embargo for b in briefs if b.embargo is not None and b.embargo > now]
    return format_embargo(max(pending)) if pending else None


def drafts(briefs: list[Document]) -> list[Document]:
    """The briefs still marked `status: draft`."""
    return [b for b in briefs if b.status == "draft"]


@dataclass(frozen=True)
class Letter:
    """What one recipient reads: the subject and the two bodies."""

    subject: str
    text: str
    html: str


def write_letters(
    config: Config,
    root: Path,
    heading: str,
    intro: str,
    briefs: list[Document],
    readers: list[tuple[Recipient, bool]],
    now: datetime,
) -> list[Letter]:
    """The letter for each (recipient, correction) from the project's email layout; a
    correction marks a packet sent again. Runs in a worker process: a layout is code, and
    is held to the render limits like any other."""
    layout = find_layout("email", root)
    layout.environment.filters.update(
        md=_email_markdown,
        md_inline=markdown.render_inline,
        tel=_tel,
        dek=dek,
        quantity=quantity,
        dateline=dateline,
        date_time=date_time,
    )
    parts = [_email_part(brief.type, root) for brief in briefs]
    embargo = embargo_notice(briefs, now)
    heading = " ".join(heading.split())  # a title written over two lines is one header line
    letters = []
    for recipient, correction in readers:
        # Short marks lead, so a phone shows them and then the title; the long embargo
        # follows the title.
        marks = [*(["CORRECTION"] if correction else []), *(["DRAFT"] if drafts(briefs) else [])]
        subject = ": ".join([*marks, heading])
        if embargo:
            subject += f" — Embargoed until {embargo}"
        context = {
            "subject": subject,
            "heading": heading,
            "intro": intro,
            "briefs": briefs,
            "parts": parts,
            "recipient": recipient,
            "embargo": embargo,
            "draft": bool(drafts(briefs)),
            "org": config.organization,
            "contact": config.contact,
            "brand": config.brand,
            "lang": briefs[0].lang if briefs else "en",
        }
        text = layout.render("template.txt", **context)
        letters.append(Letter(subject, text, layout.render("template.html", **context)))
    return letters


def _email_part(name: str, root: Path) -> str:
    """The folder whose email.html (and email.txt) shows a document of type `name` in an
    email: its own, a type it extends, or the shared default (the document's dek)."""
    for folder in lineage(name, root):
        if (folder / "email.html").is_file():
            return folder.name
    return "_shared"


def _email_markdown(text: str) -> Markup:
    """Block Markdown → HTML whose paragraphs carry their own spacing, 10px under each:
    mail clients give <p> default margins, and a style sheet may not reach them. (Content
    cannot write a `<p>` of its own: its raw HTML is escaped.)"""
    return Markup(str(markdown.render(text)).replace("<p>", '<p style="margin:0 0 10px;">'))


def _tel(phone: str) -> str:
    """A `tel:` address for a phone number as people write it: '(202) 555-0148' →
    'tel:2025550148'."""
    return "tel:" + "".join(char for char in phone if char.isdigit() or char == "+")


def compose(
    config: Config,
    letter: Letter,
    attachments: list[Attachment],
    recipient: Recipient,
    now: datetime,
    packet: str,
) -> EmailMessage:
    """The message of `letter` for one recipient of `packet`."""
    from_address, from_name = sender(config), sender_name(config)
    subject, text, html = letter.subject, letter.text, letter.html
    reply_to = config.email.reply_to or from_address
    unsubscribe = config.email.list_unsubscribe
    # Raw headers are written as they are: Python would otherwise decode an encoded-word
    # in a display name when it folds the header, turning a name into an address.
    utf8 = needs_smtputf8(from_address) or needs_smtputf8(recipient.email)
    message = EmailMessage(policy=SMTP.clone(utf8=utf8, refold_source="none"))
    if utf8 or subject.isascii():
        message["Subject"] = subject
    else:  # Python folds such a subject with a space too many ("The  Senator’s Plan")
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())
    message.set_raw("From", _mailbox(from_name, from_address))
    message.set_raw("To", _mailbox(recipient.name, recipient.email))
    message["Reply-To"] = reply_to
    message["Date"] = format_datetime(now)
    seen = (from_name, from_address, recipient.name, recipient.email, reply_to, unsubscribe)
    digest = hashlib.sha256()  # everything the reader sees, the Date aside
    for part in (subject, *seen, text, html):
        digest.update(part.encode() + b"\0")
    for attachment in attachments:
        digest.update(attachment.filename.encode() + b"\0")
        digest.update(hashlib.sha256(attachment.data).digest())
    content = digest.hexdigest()[:32]
    name = identity(packet, recipient.email)
    domain = validate_email(from_address, check_deliverability=False).ascii_domain
    message["Message-ID"] = f"<{name[:20]}.{content[:20]}.pressbrief@{domain}>"
    message[RECIPIENT_HEADER] = quote(recipient.email, safe="@")
    message[CONTENT_HEADER] = content
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in attachments:
        message.add_attachment(
            attachment.data, maintype="application", subtype="pdf", filename=attachment.filename
        )
    return message


def _mailbox(name: str, address: str) -> str:
    """`name <address>` for a header: a plain name as it is (quoted if it needs it), any
    other name as RFC 2047 base64 words, so that however it is written it stays a name."""
    if not name:
        return address
    if name.isascii() and "=?" not in name:
        user, _, domain = address.rpartition("@")
        return str(Address(name, user, domain))
    words, chunk = [], b""
    for char in name:
        if len(chunk) + len(char.encode()) > 45:
            words.append(chunk)
            chunk = b""
        chunk += char.encode()
    words.append(chunk)
    encoded = [f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words if word]
    return "\n ".join([*encoded, f"<{address}>"])


def size_budget(config: Config) -> int:
    """email.max_size in bytes."""
    return size_in_bytes(config.email.max_size)


def size(message: EmailMessage) -> int:
    """The message's size on the wire, in bytes."""
    return len(message.as_bytes())


def fit_attachments(
    attachments: list[Attachment], overhead: int, budget: int, what: str
) -> list[Attachment]:
    """Attachments that keep a message (of `overhead` bytes besides them) within `budget`:
    as they are, else optimized; MailError saying by how much if even that is too large."""

    def encoded(items: list[Attachment]) -> int:
        return overhead + sum(len(a.data) * 4 // 3 + 200 for a in items)  # base64 and headers

    if encoded(attachments) <= budget:
        return attachments
    optimized = [Attachment(a.filename, optimize_pdf(a.data)) for a in attachments]
    total = encoded(optimized)
    if total <= budget:
        log.info("%s: PDFs optimized to fit %d bytes", what, budget)
        return optimized
    raise MailError(
        f"{what}: the message would be {_bytes(total)} even with its PDFs optimized; the "
        f"budget (email.max_size) is {_bytes(budget)}, {_bytes(total - budget)} too many. "
        "Attach the one-pagers instead (--attach briefs), send fewer briefs, or raise "
        "email.max_size. Nothing was sent."
    )


def _bytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1_000_000 else f"{count / 1e3:.0f} KB"


def optimize_pdf(pdf: bytes) -> bytes:
    """A smaller PDF: images re-encoded as JPEG at most 150 dpi-ish, streams recompressed,
    duplicate objects merged."""
    from pypdf import PdfReader, PdfWriter

    from ..pdf.pdfpack import write_compact

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        for image in page.images:
            picture = image.image
            if picture is None:
                continue
            if max(picture.size) > 1500:
                picture.thumbnail((1500, 1500))
            image.replace(picture.convert("RGB"), quality=70)
        page.compress_content_streams(level=9)
    return write_compact(writer)
