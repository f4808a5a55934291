"""Document + config + layout → one HTML document (string) ready for WeasyPrint.

Content reaches the template only as data: Jinja autoescapes every value, Markdown is
rendered with raw HTML disabled, so `{{ 7*7 }}` or `<script>` in a brief prints literally.
Colours and fonts from the config are validated before they reach the CSS. Templates get
filters for what is printed the same way everywhere: `md` and `md_inline` (Markdown),
`long_date` ("November 23, 2026"), `embargo` ("9:00 a.m. ET, Monday, November 23, 2026"),
`date_time` ("November 23, 2026, 4:15 p.m. ET"), `short_url` (an address as it reads on
paper, "jhi.org/choosing-to-lead"), `dateline` ("PORTLAND, Ore. —"), `qr` (a QR code of an
address, an SVG `data:` URL for an <img>), `chart` (a chart's data as an SVG drawing,
`chart.svg`) and `quantity` (a number with its unit); they get the document's writing
`direction` ("ltr" or "rtl", from its language) for <html dir>, `direction_of` a text's own
(its first letter's: `markdown.direction`), and `isolate` sets a title written the other
way apart (`markdown.isolated`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit

from ..assets import LAYOUTS_DIR, VERSION
from ..content import fonts, markdown, zones
from ..content.model import Config, Document, Kit
from ..pdf.printing import PRINT_FALLBACK_DATE, palette, profile_css
from . import chart, qr
from .dateline import dateline
from .layouts import Layout

PAPER_HEIGHTS = {"letter": "11in", "a4": "297mm"}

FURNITURE = LAYOUTS_DIR / "_shared" / "furniture.css"
"""Page furniture every printed layout shares (margins, running footer, embargo band),
set before the layout's own CSS, which may override it."""
PARTS = LAYOUTS_DIR / "_shared" / "parts.css"
"""Styles of the parts in _shared/parts.html (release line, contacts, QR code…), set
after the furniture."""


RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})
"""Languages written right to left, by primary subtag."""


def direction(lang: str) -> str:
    """The writing direction of a language tag, "rtl" or "ltr", from its primary subtag
    ("ar-EG" is Arabic, "rtl")."""
    return "rtl" if lang.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


_TITLES = re.compile(r"\b(St|Mt|Ft|Dr|Mr|Mrs|Ms|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt)\. ")
"""Abbreviations that belong with the word after them ('St. Louis', 'Sen. Warren')."""


def tie(text: str) -> str:
    """`text` with its last two words joined by a no-break space, so a line that breaks
    never leaves one word alone on the last line (a title, a subhead), and an abbreviated
    title or saint's name kept with the name it goes with."""
    text = _TITLES.sub("\\1.\u00a0", text)
    head, _, last = text.rpartition(" ")
    return f"{head}\u00a0{last}" if head else text


def long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def clock(value: datetime) -> str:
    """A time as AP writes it, with its zone: "9:00 a.m. ET", "noon ET" (midnight is
    "12:00 a.m.", as "midnight Monday" is read as either end of the day); the zone is
    "ET", "CET", else "UTC−5" (`zones.label`)."""
    hour = value.hour % 12 or 12
    if (value.hour, value.minute) == (12, 0):
        time = "noon"
    else:
        time = f"{hour}:{value.minute:02d} {'a.m.' if value.hour < 12 else 'p.m.'}"
    return f"{time} {zones.label(value)}"


def format_embargo(value: datetime) -> str:
    """When an embargo lifts, as press offices write it after "Embargoed until": the time
    (`clock`), the day: "9:00 a.m. ET, Monday, November 23, 2026"."""
    return f"{clock(value)}, {value:%A}, {long_date(value.date())}"


def date_time(value: datetime) -> str:
    """When something was said or issued: "November 23, 2026, 4:15 p.m. ET"."""
    return f"{long_date(value.date())}, {clock(value)}"


def short_url(url: str, width: int = 40) -> str:
    """An address as it reads on paper: host and path, without the scheme, "www.", a
    query or a trailing slash ("jhi.org/choosing-to-lead"); a path too long for `width`
    characters keeps its host and last part ("rand.org/…/russia-syria"), cut at a word
    with "…" if still too long. A mailto: address is the email address."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "mailto":
        return unquote(parts.path)
    host = (parts.hostname or "").removeprefix("www.")
    path = [unquote(part) for part in parts.path.split("/") if part]
    text = "/".join([host, *path])
    if len(text) > width and len(path) > 1:
        text = f"{host}/…/{path[-1]}"
    if len(text) > width:
        words = text.rfind("-", len(host), width)
        text = text[: words if words > len(host) else width - 1] + "…"
    return text


def timestamp(day: date | None, required: bool = False) -> datetime | None:
    """A PDF's creation date: SOURCE_DATE_EPOCH if set, else `day` at midnight UTC, else
    none (or PRINT_FALLBACK_DATE when `required`)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    return PRINT_FALLBACK_DATE if required else None


def heading_font(config: Config) -> str:
    """The font family list of headings and labels: the brand's, then the bundled ones."""
    return fonts.stack(config.brand.heading_font, heading=True)


def brand_css(config: Config) -> str:
    """The config's brand as CSS custom properties (values were validated by `config`)."""
    brand = config.brand
    return (
        f":root {{ --primary: {brand.primary}; --accent: {brand.accent}; "
        f"--tint: {brand.tint}; --heading-font: {heading_font(config)}; "
        f"--body-font: {fonts.stack(brand.body_font, heading=False)}; }}\n"
        f"@page {{ size: {config.paper}; }}"
    )


def stylesheet(config: Config, layout: Layout) -> str:
    """The CSS of a document: the shared page furniture, the layout's CSS, brand and
    profile values (trusted: layout files, validated config). Kept out of the HTML so
    WeasyPrint parses it once per document, not once per fit-to-page pass; the bundled
    fonts' @font-face rules (`fonts.font_face_css`) come once per process."""
    height = PAPER_HEIGHTS[config.paper]
    return "\n".join(
        (
            FURNITURE.read_text(encoding="utf-8") if layout.stylesheet else "",
            PARTS.read_text(encoding="utf-8") if layout.stylesheet else "",
            layout.stylesheet,
            brand_css(config),
            f":root {{ --page-height: {height}; }}",
            profile_css(config),
        )
    )


def _render(
    layout: Layout, config: Config, day: date | None, template: str, lang: str, **context: Any
) -> str:
    """Render `template` of `layout`, in the language `lang`, with what every pressbrief
    document shares."""
    created = timestamp(day, required=config.profile == "print")
    logo = None
    if config.organization.logo:
        assert config.root is not None
        logo = (config.root / config.organization.logo).resolve().as_uri()
    black = qr.PRINT_BLACK if config.profile == "print" else qr.SCREEN_BLACK
    layout.environment.filters.update(
        md=partial(markdown.render, for_print=True, lang=lang),
        md_inline=partial(markdown.render_inline, for_print=True, lang=lang),
        long_date=long_date,
        embargo=format_embargo,
        date_time=date_time,
        short_url=short_url,
        chart=partial(chart.svg, colours=palette(config), font=heading_font(config)),
        quantity=chart.quantity,
        dateline=dateline,
        qr=partial(qr.data_uri, dark=black),
        direction_of=markdown.direction,
        isolate=markdown.isolated,
        tie=tie,
    )
    return layout.render(
        template,
        config=config,
        org=config.organization,
        contact=config.contact,
        logo=logo,
        created=created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else None,
        generator=f"pressbrief {VERSION}",
        direction=direction(lang),
        **context,
    )


def build_html(brief: Document, config: Config, layout: Layout, dropped: Sequence[str] = ()) -> str:
    """The complete HTML of `brief` in `layout`, styles inlined (fit steps come separately);
    `dropped` names what fit-to-page trimmed, for the PDF's metadata."""
    embargo = format_embargo(brief.embargo) if brief.embargo else None
    return _render(
        layout,
        config,
        brief.date,
        "template.html",
        brief.lang,
        brief=brief,
        embargo=embargo,
        dropped=tuple(dropped),
    )


@dataclass(frozen=True)
class Entry:
    """A brief's entry in a kit's contents: its folio (the printed number of its first
    page) and what it is."""

    slug: str
    title: str
    series: str
    page: int
    kind: str
    """The document type as a reader names it, e.g. 'Issue brief'."""
    day: date | None
    dek: str
    """The summary's first sentence (Markdown); the layout clamps it to two lines."""
    embargo: str | None


@dataclass(frozen=True)
class Verso:
    """The notes page that follows a brief ending on a right-hand page in a duplex kit."""

    folio: int
    title: str
    questions: tuple[str, ...]


_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)*_][.!?])[\"”’)]?\s+(?=[\"“‘(*_]?[A-Z0-9])")


def first_sentence(text: str) -> str:
    """The first sentence of a Markdown text's first paragraph (an abbreviation such as
    "U.S." does not end it)."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0]


def build_kit_html(kit: Kit, config: Config, layout: Layout, page: str, **context: Any) -> str:
    """The HTML of a kit's own pages in `layout` (kit-cover): `page` is the template of the
    cover and contents (template.html), the duplex notes pages (notes.html) or the folios
    printed on the briefs (folios.html)."""
    return _render(layout, config, kit.date, page, kit.lang, kit=kit, **context)


def build_back_cover_html(config: Config, layout: Layout) -> str:
    """The HTML of a booklet's back cover (kit-cover's back.html): the organization's mark
    and press contact."""
    return _render(layout, config, None, "back.html", "en")
