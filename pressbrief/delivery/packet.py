"""A kit or a brief + a recipients CSV → messages queued in the outbox, then sent.

The recipients come from `recipients`, the PDFs from the normal build (cached), the
messages from `mail`, the queue and the SMTP session from `delivery`. A packet holding
drafts is refused before anything is built unless asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..build.build import BuildOptions, Progress, build_briefs, build_kit, load_kit_members
from ..content.model import Document
from ..content.project import Project, open_project, project_root_of
from ..content.read import load_briefs
from ..content.recipients import Recipient, read_recipients
from ..errors import MailError
from ..pdf.workers import limited, shared_pool
from ..typeset.html import long_date
from .delivery import Report, deliver, queue, was_sent
from .mail import (
    Attachment,
    Letter,
    compose,
    drafts,
    fit_attachments,
    identity,
    size,
    size_budget,
    write_letters,
)
from .smtp import DEADLINES, RETRY_DELAYS, Deadlines


def email_packet(
    source: Path,
    recipients: Path,
    *,
    attach: str = "kit",
    dry_run: bool = False,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
    now: datetime | None = None,
    delays: Sequence[float] = RETRY_DELAYS,
    deadlines: Deadlines = DEADLINES,
    allow_draft: bool = False,
    resend: bool = False,
    resend_unconfirmed: bool = False,
) -> Report:
    """Email a kit (kits/NAME.yaml) or a brief (content/SLUG.yaml) to every recipient.

    A packet holding drafts is refused unless `allow_draft` (the subject then says DRAFT);
    `resend` sends again what was sent already, marked as a correction;
    `resend_unconfirmed` sends again what may or may not have been delivered."""
    people = read_recipients(recipients)
    packet = open_packet(source)
    project, briefs = packet.project, packet.briefs
    unfinished = drafts(briefs)
    if unfinished and not allow_draft:
        names = ", ".join(str(b.source) for b in unfinished)
        raise MailError(
            f"{source}: {len(unfinished)} brief(s) are drafts (status: draft): {names}. Mark "
            "them final, or send the packet as a draft with --allow-draft. Nothing was sent."
        )
    if packet.is_kit and attach == "kit":
        kit_pdf = project.root / "dist" / "kits" / f"{source.stem}.pdf"
        (built, *_) = build_kit(source, kit_pdf, options)
        attachments = [Attachment(kit_pdf.name, built.output.read_bytes())]
    else:
        attachments = _brief_attachments(project, briefs, options)
    config = project.config
    packet_file = source.resolve().relative_to(project.root.resolve()).as_posix()
    now = now or datetime.now(UTC)
    readers = [
        (person, resend and was_sent(project.root, identity(packet_file, person.email)))
        for person in people
    ]
    letters = packet_letters(packet, readers, now)
    budget = size_budget(config)
    bare = compose(config, letters[0], [], people[0], now, packet_file)
    attachments = fit_attachments(attachments, size(bare), budget, str(source))
    messages = {
        identity(packet_file, person.email): compose(
            config, letter, attachments, person, now, packet_file
        )
        for person, letter in zip(people, letters, strict=True)
    }
    largest = max(size(m) for m in messages.values())
    if largest > budget:  # fit_attachments estimates; this is the real size
        raise MailError(
            f"{source}: a message would be {largest:,} bytes; the budget "
            f"(email.max_size) is {budget:,}. Nothing was sent."
        )
    report = Report()
    queue(messages, project.root, report, resend=resend, resend_unconfirmed=resend_unconfirmed)
    if not dry_run:
        deliver(config, project.root, report, progress, delays, deadlines)
    return report


@dataclass(frozen=True)
class Packet:
    """What a packet says, whoever reads it."""

    source: Path
    project: Project
    briefs: list[Document]
    heading: str
    """The kit's title, or the brief's."""
    intro: str
    """The line under the heading: a kit's subtitle, event and date; a brief's date."""
    is_kit: bool


def open_packet(source: Path) -> Packet:
    """The packet of a kit (kits/NAME.yaml) or a brief (content/SLUG.yaml), validated."""
    if source.resolve().parent.name == "kits":
        project, kit, briefs = load_kit_members(source)
        parts = (kit.subtitle, kit.event, kit.date and long_date(kit.date))
        intro = " · ".join(part for part in parts if part)
        return Packet(source, project, briefs, kit.title, intro, is_kit=True)
    project = open_project(project_root_of(source))
    (brief,) = load_briefs([source], project.config)
    intro = long_date(brief.date) if brief.date else ""
    return Packet(source, project, [brief], brief.title, intro, is_kit=False)


def packet_letters(
    packet: Packet, readers: list[tuple[Recipient, bool]], now: datetime
) -> list[Letter]:
    """The letter for each (recipient, correction), written in a worker process under the
    render limits (the email layout is code)."""
    config = packet.project.config
    arguments = (config, packet.project.root, packet.heading, packet.intro, packet.briefs)
    task = limited(packet.source, write_letters, (*arguments, readers, now), config)
    letters: list[Letter] = shared_pool(1).one(task)
    return letters


def _brief_attachments(
    project: Project, briefs: list[Document], options: BuildOptions
) -> list[Attachment]:
    built = build_briefs(project, briefs, options)
    return [Attachment(item.output.name, item.output.read_bytes()) for item in built]
