"""A kit or a brief + a recipients CSV → messages queued in the outbox, then sent.

The PDFs come from the normal build (cached), the messages from `mail`, the queue and the
SMTP session from `delivery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .build import BuildOptions, Progress, build_briefs, build_kit, load_kit_members
from .content import load_briefs
from .delivery import RETRY_DELAYS, Report, deliver, queue
from .errors import MailError
from .html import long_date
from .layouts import available, find_layout
from .mail import Attachment, compose, fit_attachments, read_recipients, size, size_budget
from .model import Brief
from .project import Project, open_project, project_root_of

ATTACH = ("kit", "briefs")


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
) -> Report:
    """Email a kit (kits/NAME.yaml) or a brief (content/SLUG.yaml) to every recipient."""
    people = read_recipients(recipients)
    if source.resolve().parent.name == "kits":
        project, kit, briefs = load_kit_members(source)
        heading = kit.title
        intro = " · ".join(
            part for part in (kit.subtitle, kit.event, kit.date and long_date(kit.date)) if part
        )
        if attach == "kit":
            kit_pdf = project.root / "dist" / "kits" / f"{source.stem}.pdf"
            (built, *_) = build_kit(source, kit_pdf, options)
            attachments = [Attachment(kit_pdf.name, built.output.read_bytes())]
        else:
            attachments = _brief_attachments(project, briefs, options)
    else:
        project = open_project(project_root_of(source))
        (brief,) = load_briefs([source], project.config, available(project.root))
        briefs, heading, intro = [brief], brief.title, brief.series
        attachments = _brief_attachments(project, briefs, options)
    config = project.config
    now = now or datetime.now(UTC)
    layout = find_layout("email", project.root)
    budget = size_budget(config)
    bare = compose(config, layout, heading, intro, briefs, [], people[0], now)
    attachments = fit_attachments(attachments, size(bare), budget, str(source))
    messages = [
        compose(config, layout, heading, intro, briefs, attachments, person, now)
        for person in people
    ]
    largest = max(size(m) for m in messages)
    if largest > budget:  # fit_attachments estimates; this is the real size
        raise MailError(
            f"{source}: a message would be {largest:,} bytes; the budget "
            f"(email.max_size) is {budget:,}. Nothing was sent."
        )
    report = Report()
    queue(messages, project.root, report)
    if not dry_run:
        deliver(config, project.root, report, progress, delays)
    return report


def _brief_attachments(
    project: Project, briefs: list[Brief], options: BuildOptions
) -> list[Attachment]:
    built = build_briefs(project, briefs, options)
    return [Attachment(item.output.name, item.output.read_bytes()) for item in built]
