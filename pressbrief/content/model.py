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
ATTACH = ("kit", "briefs")
"""What a packet email attaches: the kit as one PDF, or its documents one by one."""
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
    about: str = spec(
        "The boilerplate a press release ends with ('About …'), a paragraph of Markdown.",
        "",
        markdown=True,
    )


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


# --- documents (content/*.yaml) -------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A link: a title and an address."""

    title: str = spec("Title of the linked piece.", prose=True)
    url: str = spec("Its address (http, https or mailto).")


@dataclass(frozen=True)
class Image:
    """A picture in the project, with its alternative text."""

    src: str = spec("The image file, a path relative to the document (JPEG, PNG or SVG).")
    alt: str = spec("What the picture shows, for readers who cannot see it.")
    credit: str = spec("Who took or made it, printed beside it.", "", prose=True)


@dataclass(frozen=True)
class MediaContact:
    """A person reporters may call."""

    name: str = spec("Name.", prose=True)
    title: str = spec("Job title.", "", prose=True)
    phone: str = spec("Phone number.", "")
    email: str = spec("E-mail address.", "")


Priority = Literal["low", "medium"]
"""What fit-to-page may drop, with --trim, to fit: every 'low' first, then 'medium'."""


@dataclass(frozen=True)
class Prioritized:
    """A list item written with a priority instead of as plain text."""

    text: str = spec("The item's text (Markdown).", markdown=True)
    priority: Priority = spec(
        "'low' or 'medium': dropped (low first) only when a document cannot fit otherwise "
        "and trimming is asked for (--trim, or fit: trim)."
    )


@dataclass(frozen=True, kw_only=True)
class Document:
    """What every document has, whatever its type; a type's own fields (declared in its
    layout.yaml, see `content.types`) are added to this class by `types.model_of`."""

    title: str = internal("")
    """The title: the type's `title` field, or made from its fields (layout.yaml `title:`)."""
    type: str = spec("Document type (layout); default from the project config.", "")
    date: date | None = spec("Publication date, YYYY-MM-DD.", None)
    url: str = spec(
        "The document's online version (http or https); the layout may print it as a QR code.",
        "",
    )
    tags: tuple[str, ...] = spec("Keywords (PDF metadata).", ())
    lang: str = spec(
        "Language of the document (BCP 47): it picks the hyphenation and the direction of "
        "the text, e.g. 'en-GB' for British spelling, 'ar' for Arabic.",
        "en-US",
    )
    status: Status = spec("'final', or 'draft' to print a DRAFT watermark.", "final")
    embargo: datetime | None = spec(
        "Embargoed until this date and time, with an offset (2016-10-10T09:00:00-04:00), a "
        "time zone (2016-10-10T09:00 America/New_York) or both.",
        None,
    )
    fit: Literal["shrink", "trim"] = spec(
        "'trim': if the document cannot fit its pages even at the tightest step, drop the "
        "list items and sections given a priority, lowest first, until it fits (as --trim "
        "does).",
        "shrink",
    )
    priorities: tuple[tuple[str, str], ...] = internal(())
    """(field path, priority) of each list item written as {text, priority}, and of each
    section named under `priority:`."""
    slug: str = internal("")
    source: Path | None = internal(None)


# --- press kits (kits/*.yaml) ------------------------------------------------------------


@dataclass(frozen=True)
class Kit:
    """A press kit: a cover, a contents page and several documents in one PDF."""

    title: str = spec("Title of the kit, e.g. 'Debate Night Briefing Book'.", prose=True)
    briefs: tuple[str, ...] = spec(
        "Documents of any type: their slugs (file names in content/ without .yaml), in order."
    )
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


def fields_of(model: Any, prefix: str = "") -> Iterator[tuple[str, Any, dataclasses.Field[Any]]]:
    """(path, value, field) for every value of a model users write, nested models and list
    items included (a nested model is given itself, then its fields)."""
    for field in user_fields(type(model)):
        value = getattr(model, field.name)
        path = f"{prefix}{field.name}"
        items = enumerate(value) if isinstance(value, tuple) else [(None, value)]
        for i, item in items:
            where = path if i is None else f"{path}[{i}]"
            yield where, item, field
            if dataclasses.is_dataclass(item):
                yield from fields_of(item, f"{where}.")


def strings(model: Any, prefix: str = "") -> Iterator[tuple[str, str, dataclasses.Field[Any]]]:
    """(path, text, field) for every text value of a model, nested models and lists included."""
    return (
        (path, value, field)
        for path, value, field in fields_of(model, prefix)
        if isinstance(value, str)
    )


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
