"""Briefs, their PDFs and a recipients CSV → one MIME message per recipient.

Each message has a plain-text and an email-safe HTML body made from the content itself
(each brief's title, summary and talking points, the press contact), the PDFs attached,
standard headers and a Message-ID that depends only on the packet and the recipient, so a
re-run recognises what was already sent. A message over the size budget gets its PDFs
optimized; still over, it is refused with how much it is over.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from . import markdown
from .config import ADDRESS, size_in_bytes
from .content import suggest
from .errors import ContentError, MailError, Problem
from .html import format_embargo
from .layouts import Layout
from .model import Brief, Config

log = logging.getLogger(__name__)

COLUMNS = ("email", "name", "outlet")


@dataclass(frozen=True)
class Recipient:
    """A reporter on the list."""

    email: str
    name: str = ""
    outlet: str = ""


@dataclass(frozen=True)
class Attachment:
    """A PDF to attach."""

    filename: str
    data: bytes


def read_recipients(path: Path) -> list[Recipient]:
    """The recipients in a CSV file (columns email, name, outlet; others ignored)."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(
            [Problem(path, 1, "", f"cannot read the recipients: {error}")]
        ) from error
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if "email" not in columns:
        hint = "".join(suggest(c, ["email"]) for c in columns)
        raise ContentError(
            [
                Problem(
                    path,
                    1,
                    "",
                    f"no 'email' column{hint}; expected columns "
                    f"{', '.join(COLUMNS)} in the first line",
                )
            ]
        )
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    for row in reader:
        # White space folded: a line break in a name must not reach a header.
        values = {(k or "").strip().lower(): " ".join((v or "").split()) for k, v in row.items()}
        line = reader.line_num
        email = values.get("email", "")
        if not ADDRESS.fullmatch(email):
            problems.append(Problem(path, line, "email", f"'{email}' is not an email address"))
            continue
        if email.lower() in seen:
            problems.append(
                Problem(path, line, "email", f"{email} is already on line {seen[email.lower()]}")
            )
            continue
        seen[email.lower()] = line
        recipients.append(Recipient(email, values.get("name", ""), values.get("outlet", "")))
    if problems:
        raise ContentError(problems)
    if not recipients:
        raise ContentError([Problem(path, 1, "", "no recipients in the file")])
    return recipients


def sender(config: Config) -> Address:
    """The From address: email.sender, else the press contact."""
    email = config.email.sender or config.contact.email
    if not email:
        raise MailError("no sender address: set email.sender or contact.email in pressbrief.yaml")
    name = config.email.sender_name or config.contact.name or config.organization.name
    user, _, domain = email.partition("@")
    return Address(name, user, domain)


def embargo_notice(briefs: list[Brief], now: datetime) -> str | None:
    """The latest embargo of the briefs that has not lifted, formatted; None if none."""
    pending = [b.embargo for b in briefs if b.embargo is not None and b.embargo > now]
    return format_embargo(max(pending)) if pending else None


def compose(
    config: Config,
    layout: Layout,
    heading: str,
    intro: str,
    briefs: list[Brief],
    attachments: list[Attachment],
    recipient: Recipient,
    now: datetime,
) -> EmailMessage:
    """The message for one recipient."""
    from_address = sender(config)
    embargo = embargo_notice(briefs, now)
    heading = " ".join(heading.split())  # a title written over two lines is one header line
    subject = f"EMBARGOED UNTIL {embargo.upper()}: {heading}" if embargo else heading
    context = {
        "subject": subject,
        "heading": heading,
        "intro": intro,
        "briefs": briefs,
        "recipient": recipient,
        "embargo": embargo,
        "org": config.organization,
        "contact": config.contact,
        "brand": config.brand,
        "lang": briefs[0].lang if briefs else "en",
    }
    layout.environment.filters.update(md=markdown.render, md_inline=markdown.render_inline)
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = from_address
    message["To"] = Address(recipient.name, *recipient.email.split("@", 1))
    message["Reply-To"] = config.email.reply_to or from_address.addr_spec
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(attachments, recipient, from_address.domain)
    if config.email.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{config.email.list_unsubscribe}>"
    message.set_content(layout.render("template.txt", **context))
    message.add_alternative(layout.render("template.html", **context), subtype="html")
    for attachment in attachments:
        message.add_attachment(
            attachment.data, maintype="application", subtype="pdf", filename=attachment.filename
        )
    return message


def message_id(attachments: list[Attachment], recipient: Recipient, domain: str) -> str:
    """A Message-ID that depends only on the packet's PDFs and the recipient."""
    digest = hashlib.sha256(recipient.email.lower().encode())
    for attachment in attachments:
        digest.update(attachment.filename.encode())
        digest.update(hashlib.sha256(attachment.data).digest())
    return f"<{digest.hexdigest()[:40]}.pressbrief@{domain}>"


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

    from .pdfpack import write_compact

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
