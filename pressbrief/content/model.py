"""Typed, frozen content models: project config and briefs → nothing (no I/O here).

Each field carries its documentation in ``metadata["doc"]``; `content.py` validates YAML
against these classes, so the docs, the defaults and the validation are one thing.
Fields marked ``markdown`` accept Markdown (raw HTML is shown as text, never interpreted);
fields marked ``prose`` are plain text printed as prose, given typographic quotes and dashes
when read (`markdown.typeset`), as Markdown fields are when rendered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

Paper = Literal["letter", "a4"]
Status = Literal["final", "draft"]


def spec(
    doc: str, default: Any = dataclasses.MISSING, *, markdown: bool = False, prose: bool = False
) -> Any:
    """A dataclass field with its documentation; no default means the field is required."""
    metadata = {"doc": doc, "markdown": markdown, "prose": prose}
    if isinstance(default, tuple | list):
        return dataclasses.field(default_factory=lambda: tuple(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def internal(default: Any) -> Any:
    """A field set by the loader, not written by users (not part of the YAML format); left
    out of the model's repr, so a layout printing a model shows no path of this machine."""
    return dataclasses.field(
        default=default, metadata={"internal": True}, compare=False, repr=False
    )


# --- project config (pressbrief.yaml) -------------------------------------------------


@dataclass(frozen=True)
class Organization:
    """Who publishes the briefs."""

    name: str = spec("Full name, e.g. 'John Hay Initiative'.", "pressbrief", prose=True)
    short_name: str = spec("Short mark shown beside the logo, e.g. 'JHI'.", "", prose=True)
    website: str = spec("Web address shown in the footer, e.g. 'jhi.example/issues'.", "")
    logo: str = spec("Logo image, a path relative to the project folder (SVG or PNG).", "")
    logo_alt: str = spec("Alternative text for the logo; required when a logo is given.", "")


Weight = Literal[100, 200, 300, 400, 500, 600, 700, 800, 900]
FontStyle = Literal["normal", "italic"]


@dataclass(frozen=True)
class FontFile:
    """One face of a project font family: a file, and the weight and style it is used for."""

    path: str = spec("The font file (.ttf, .otf or .ttc), a path in the project folder.")
    weight: Weight = spec(
        "The CSS weight it is used for, 100 to 900 (400 regular, 700 bold); a variable "
        "font is instanced at this weight.",
        400,
    )
    style: FontStyle = spec("'normal' or 'italic'.", "normal")
    index: int = spec("Which font of a collection (.ttc) to use, from 0.", 0)


@dataclass(frozen=True)
class FontFamily:
    """A font family the project brings (see README: Brand fonts and _brand.yml)."""

    family: str = spec("The family's name, as heading_font and body_font name it.")
    files: tuple[FontFile, ...] = spec("Its faces: at least regular, bold and italic.")
    licence: str = spec("The font's licence file, a path in the project folder.", "")


@dataclass(frozen=True)
class Brand:
    """Colours and fonts."""

    primary: str = spec("Main brand colour (#rrggbb): header rule, headline, labels.", "#14284b")
    accent: str = spec(
        "Accent colour (#rrggbb): statement rule, markers, section labels.", "#b3122e"
    )
    tint: str = spec("Light background colour (#rrggbb) for the summary panel.", "#eef1f4")
    heading_font: str = spec(
        "Font family for headings and labels (a bundled or project font).", "Inter"
    )
    body_font: str = spec("Font family for body text (a bundled or project font).", "Noto Serif")
    fonts: tuple[FontFamily, ...] = spec("Project fonts: families the project brings.", ())


@dataclass(frozen=True)
class Contact:
    """The press contact printed on every page."""

    name: str = spec("Contact name or office, e.g. 'Press Office'.", "", prose=True)
    email: str = spec("Contact e-mail address.", "")
    phone: str = spec("Contact phone number.", "")


@dataclass(frozen=True)
class CmykBrand:
    """Brand colours for print as CMYK percentages, e.g. '100 80 20 10'."""

    primary: str = spec("Main brand colour, 'C M Y K' in percent.")
    accent: str = spec("Accent colour, 'C M Y K' in percent.")
    tint: str = spec("Light background colour, 'C M Y K' in percent.")


@dataclass(frozen=True)
class PrintSettings:
    """The print profile (`--profile print`): bleed, marks, print colours."""

    bleed: str = spec("Bleed beyond the trim edge, e.g. '3mm' or '0.125in'.", "3mm")
    registration: bool = spec("Also draw registration marks beside the crop marks.", False)
    cmyk: CmykBrand | None = spec("Brand colours as device CMYK in print output.", None)


Security = Literal["starttls", "tls", "none"]


@dataclass(frozen=True)
class Smtp:
    """The mail server `pressbrief email` sends through."""

    host: str = spec("Server name, e.g. 'smtp.example.org'.", "localhost")
    port: int = spec("Port: usually 587 with starttls, 465 with tls.", 587)
    security: Security = spec(
        "'starttls', 'tls' (implicit TLS) or 'none' (tests only).", "starttls"
    )
    username: str = spec("Login name; no login when empty.", "")
    password_env: str = spec(
        "Environment variable holding the password (never stored in the project).",
        "PRESSBRIEF_SMTP_PASSWORD",
    )
    ca_file: str = spec("Extra CA certificate (PEM) to trust, a path in the project.", "")


@dataclass(frozen=True)
class EmailSettings:
    """How briefing packets are emailed."""

    sender: str = spec("From address; default: the press contact's email.", "")
    sender_name: str = spec("From name; default: the press contact's name.", "")
    reply_to: str = spec("Reply-To address; default: the From address.", "")
    list_unsubscribe: str = spec("List-Unsubscribe target (mailto: or https:), if any.", "")
    max_size: str = spec("Largest message to send, e.g. '10MB'.", "10MB")
    smtp: Smtp = spec("The mail server.", Smtp())


@dataclass(frozen=True)
class Limits:
    """Limits on rendering, so one pathological document cannot hang or sink a build."""

    render_seconds: int = spec("Longest time one render may take, in seconds.", 60)
    render_memory: str = spec("Most memory one render may use, e.g. '1GB'.", "1GB")
    image_megapixels: int = spec("Largest picture, in millions of pixels.", 40)
    image_size: str = spec("Largest image file, e.g. '25MB'.", "25MB")


@dataclass(frozen=True)
class Config:
    """A project's pressbrief.yaml."""

    organization: Organization = spec("Who publishes the briefs.", Organization())
    brand: Brand = spec("Colours and fonts.", Brand())
    paper: Paper = spec("Paper size: 'letter' or 'a4'.", "letter")
    contact: Contact = spec("Press contact printed in the footer.", Contact())
    timezone: str = spec(
        "Time zone of embargoes written with an offset only, an IANA name such as "
        "'America/New_York': it names the zone in print ('9:00 a.m. ET').",
        "",
    )
    default_type: str = spec("Document type of briefs that do not name one.", "issue-brief")
    print: PrintSettings = spec("The print profile: bleed, marks, CMYK colours.", PrintSettings())
    email: EmailSettings = spec("Emailing briefing packets.", EmailSettings())
    limits: Limits = spec("Render limits: time, memory, image size.", Limits())
    profile: str = internal("screen")
    """'screen' or 'print': chosen per build (`--profile`), not in pressbrief.yaml."""
    root: Path | None = internal(None)
    source: Path | None = internal(None)


# --- briefs (content/*.yaml) -----------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """The statement a brief responds to, shown as a pull-quote."""

    quote: str = spec("The words quoted, without quotation marks.", markdown=True)
    label: str = spec("Label beside the quote.", "Candidate Statement", prose=True)
    context: str = spec("When and where it was said.", "", markdown=True)
    speaker: str = spec("Who said it.", "", prose=True)


@dataclass(frozen=True)
class Link:
    """A related reading."""

    title: str = spec("Title of the related piece.", prose=True)
    url: str = spec("Its address (http, https or mailto).")


Priority = Literal["low", "medium"]
"""What fit-to-page may drop, with --trim, to fit: every 'low' first, then 'medium'."""


@dataclass(frozen=True)
class Prioritized:
    """A list item written with a priority instead of as plain text."""

    text: str = spec("The item's text (Markdown).", markdown=True)
    priority: Priority = spec(
        "'low' or 'medium': dropped (low first) only when a brief cannot fit otherwise "
        "and trimming is asked for (--trim, or fit: trim)."
    )


@dataclass(frozen=True)
class Priorities:
    """Priorities of a brief's optional sections."""

    statement: Priority | None = spec("The statement's priority.", None)
    analysis: Priority | None = spec("The analysis's priority.", None)
    press_questions: Priority | None = spec("The press questions' priority.", None)
    related: Priority | None = spec("Related reading's priority.", None)


@dataclass(frozen=True)
class Brief:
    """One issue brief (document type `issue-brief`)."""

    title: str = spec("The question or headline.", prose=True)
    summary: str = spec("The summary, set apart near the top.", markdown=True)
    talking_points: tuple[str, ...] = spec("Numbered talking points.", markdown=True)
    type: str = spec("Document type (layout); default from the project config.", "")
    series: str = spec("Series label, e.g. 'JHI on the Issues 2016'.", "", prose=True)
    date: date | None = spec("Publication date, YYYY-MM-DD.", None)
    statement: Statement | None = spec("The statement the brief responds to.", None)
    analysis: str = spec("Analysis, several paragraphs.", "", markdown=True)
    press_questions: tuple[str, ...] = spec(
        "Questions the press should be asking.", (), markdown=True
    )
    related: tuple[Link, ...] = spec("Related reading: a list of {title, url}.", ())
    tags: tuple[str, ...] = spec("Keywords (PDF metadata).", ())
    lang: str = spec(
        "Language of the brief (BCP 47): it picks the hyphenation, e.g. 'en-GB' for British "
        "spelling.",
        "en-US",
    )
    status: Status = spec("'final', or 'draft' to print a DRAFT watermark.", "final")
    embargo: datetime | None = spec(
        "Embargoed until this date and time, with an offset (2016-10-10T09:00:00-04:00), a "
        "time zone (2016-10-10T09:00 America/New_York) or both.",
        None,
    )
    fit: Literal["shrink", "trim"] = spec(
        "'trim': if the brief cannot fit even at the tightest step, drop the list items "
        "and sections given a priority, lowest first, until it fits (as --trim does).",
        "shrink",
    )
    priority: Priorities | None = spec(
        "Priorities of optional sections, e.g. {analysis: low, related: low}.", None
    )
    priorities: tuple[tuple[str, str], ...] = internal(())
    """(field path, priority) of each list item written as {text, priority}."""
    slug: str = internal("")
    source: Path | None = internal(None)


# --- press kits (kits/*.yaml) ------------------------------------------------------------


@dataclass(frozen=True)
class Kit:
    """A press kit: a cover, a contents page and several briefs in one PDF."""

    title: str = spec("Title of the kit, e.g. 'Debate Night Briefing Book'.", prose=True)
    briefs: tuple[str, ...] = spec("Brief slugs (file names in content/ without .yaml), in order.")
    subtitle: str = spec("A line under the title.", "", prose=True)
    date: date | None = spec("Date of the kit, YYYY-MM-DD.", None)
    event: str = spec("The event, e.g. 'Second Presidential Debate, St. Louis'.", "", prose=True)
    cover: bool = spec("Start with a branded cover page.", True)
    contents: bool = spec("Include a contents page.", True)
    duplex: bool = spec(
        "Print on both sides: the contents on the inside cover, each brief on a "
        "right-hand page, a notes page (the brief's press questions, ruled) on the back.",
        False,
    )
    paper: Paper | None = spec("Paper size for the kit; default from the project config.", None)
    lang: str = spec("Language of the kit's own pages (BCP 47).", "en-US")
    slug: str = internal("")
    source: Path | None = internal(None)


def user_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields of a model that users write in YAML, in declaration order."""
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def strings(model: Any, prefix: str = "") -> Iterator[tuple[str, str, dataclasses.Field[Any]]]:
    """(path, text, field) for every text value of a model, nested models and lists included."""
    for field in user_fields(type(model)):
        value = getattr(model, field.name)
        path = f"{prefix}{field.name}"
        if dataclasses.is_dataclass(value):
            yield from strings(value, f"{path}.")
        elif isinstance(value, str):
            yield path, value, field
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if dataclasses.is_dataclass(item):
                    yield from strings(item, f"{path}[{i}].")
                elif isinstance(item, str):
                    yield f"{path}[{i}]", item, field


M = TypeVar("M")


def retext(model: M, change: Callable[[str, dataclasses.Field[Any]], str]) -> M:
    """A copy of `model` with every text value passed through `change(text, field)`, nested
    models and lists included (the counterpart of `strings`)."""

    def new(value: Any, field: dataclasses.Field[Any]) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return retext(value, change)
        if isinstance(value, str):
            return change(value, field)
        if isinstance(value, tuple):
            return tuple(new(item, field) for item in value)
        return value

    fields = user_fields(type(model))
    return dataclasses.replace(  # type: ignore[type-var]
        model, **{f.name: new(getattr(model, f.name), f) for f in fields}
    )
