"""HTML → laid-out pages → PDF bytes: the one module that imports WeasyPrint.

Resources are fetched only through `SandboxFetcher`: `file:` URLs of images, fonts,
stylesheets and colour profiles inside the allowed folders (the project, the layout, the
bundled fonts), symlinks resolved, regular files within the limits, and SVG pictures in
`data:` URLs (a QR code a layout draws); no network, no redirects, nothing else. The PDF
is tagged (PDF/UA-1); its file identifier is derived from the HTML with the folders left
out, and font subsets carry no clock time, so the same input gives the same bytes in any
folder, at any time.
"""

from __future__ import annotations

import base64
import copy
import errno
import hashlib
import logging
import mimetypes
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.formatting_structure.boxes import LineBox, TextBox
from weasyprint.pdf import metadata
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..content.config import size_in_bytes
from ..content.model import Limits
from ..files import read_regular
from . import images, tagging

log = logging.getLogger(__name__)


IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
SERVED = IMAGES | {".otf", ".ttf", ".ttc", ".woff", ".woff2", ".css", ".icc", ".icm"}
"""What a page may show: images, fonts, stylesheets, colour profiles. Nothing else a
project holds (its YAML, a recipients CSV, messages) can reach a PDF."""
PRIVATE = frozenset({"outbox", "sent", ".pressbrief", ".git"})
"""Folders of a project that nothing in a PDF may come from."""


SVG_DATA = "data:image/svg+xml"


class SandboxFetcher(URLFetcher):  # type: ignore[misc]
    """Serves `file:` URLs of images, fonts, stylesheets and colour profiles inside
    `roots`, outside their private folders, and images within `limits`, and `data:` URLs
    of SVG pictures within them; refuses everything else (logged, noted in `refused`, then
    raised)."""

    def __init__(self, roots: Iterable[Path], limits: Limits = Limits()) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)
        self.limits = limits
        self.refused: list[str] = []
        self.fetched: set[str] = set()
        """Every file served: what the document's bytes depend on (the cache keeps it)."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith((f"{SVG_DATA};", f"{SVG_DATA},")):
            return self._svg_data(url)
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" else None
        root = next((r for r in self.roots if path and path.is_relative_to(r)), None)
        if path is None or parts.netloc not in ("", "localhost") or root is None:
            self._refuse(url, f"only files inside {', '.join(map(str, self.roots))} can be used")
        assert path is not None and root is not None
        if path.suffix.lower() not in SERVED:
            self._refuse(url, "a page shows only images, fonts, stylesheets and colour profiles")
        if PRIVATE & set(path.relative_to(root).parts):
            self._refuse(url, "nothing in outbox/, sent/ or .pressbrief/ goes into a PDF")
        image = path.suffix.lower() in IMAGES
        try:
            data = read_regular(path, size_in_bytes(self.limits.image_size) if image else None)
        except OSError as error:
            hint = " (limits.image_size in pressbrief.yaml)" if error.errno == errno.EFBIG else ""
            self._refuse(url, f"{error.strerror}{hint}")
        if image:
            why = images.problem(data, self.limits.image_megapixels)
            if why is not None:
                self._refuse(url, why)
        self.fetched.add(str(path))
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})

    def _svg_data(self, url: str) -> URLFetcherResponse:
        """An SVG picture written in its `data:` URL (nothing is read from anywhere)."""
        header, _, body = url.partition(",")
        data = base64.b64decode(body) if header.endswith(";base64") else unquote_to_bytes(body)
        why = images.problem(data, self.limits.image_megapixels)
        if why is not None:
            self._refuse(url[:60], why)
        return URLFetcherResponse(url, data, {"Content-Type": "image/svg+xml"})

    def _refuse(self, url: str, why: str) -> NoReturn:
        self.refused.append(f"{url}: {why}")
        log.warning("refused to fetch %s: %s", url, why)
        raise ValueError(f"pressbrief does not fetch {url}: {why}")


ATTACHING = (
    'the layout embeds a file in the PDF (rel="attachment"); pressbrief refuses attachments '
    "from layouts, so no project file can travel inside a PDF"
)


_SLACK = 1.0  # points a text box may stick out of its page (rounding, italic overhang)


class _Errors(logging.Handler):
    """Collects the errors WeasyPrint logs (and otherwise survives) while it works."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())[:300].rstrip(": ")
        if record.msg.startswith("Failed to load image"):
            message += " (is it a PNG, JPEG, GIF, WebP or SVG file?)"
        self.messages.append(message)


@contextmanager
def _collect_errors(into: list[str]) -> Iterator[None]:
    handler = _Errors()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addHandler(handler)
    try:
        yield
    finally:
        weasy_log.removeHandler(handler)
        into.extend(m for m in handler.messages if m not in into)


class Renderer:
    """Lays out HTML with one font configuration; one per process and set of fonts (never
    fork it).

    `font_css` (the @font-face rules of the bundled and project fonts, in `font_folders`)
    is parsed once: loading the font files into the configuration is the costliest part of
    a CSS parse, and every document of the process with these fonts uses them."""

    def __init__(self, font_css: str, font_folders: Iterable[Path]) -> None:
        self.font_config = FontConfiguration()
        self.fonts = weasyprint.CSS(
            string=font_css,
            font_config=self.font_config,
            url_fetcher=SandboxFetcher(font_folders),
        )

    def parse(
        self, html: str, css: tuple[str, Path], base: Path, roots: Iterable[Path], limits: Limits
    ) -> Parsed:
        """Parse `html` (whose relative URLs start from the folder `base`) and its CSS (the
        text and the folder its relative URLs start from: the layout's) once; lay them out
        as often as fit-to-page needs."""
        fetcher = SandboxFetcher(roots, limits)
        document = weasyprint.HTML(string=html, base_url=_folder_url(base), url_fetcher=fetcher)
        return Parsed(document, fetcher, html, css, self)


class Parsed:
    """A parsed HTML document, ready to be laid out with extra CSS."""

    def __init__(
        self,
        document: weasyprint.HTML,
        fetcher: SandboxFetcher,
        html: str,
        css: tuple[str, Path],
        renderer: Renderer,
    ) -> None:
        css_text, css_folder = css
        self.document = document
        self.fetcher = fetcher
        self.source = html + css_text
        self.fonts = renderer.fonts
        self.font_config = font_config = renderer.font_config
        self.errors: list[str] = []
        """What WeasyPrint could not do (an image it could not decode, a bad stylesheet)."""
        self.color_profiles: dict[str, object] = {}  # the print CSS's CMYK output profile
        with _collect_errors(self.errors):
            self.stylesheet = weasyprint.CSS(
                string=css_text,
                base_url=_folder_url(css_folder),
                font_config=font_config,
                color_profiles=self.color_profiles,
                url_fetcher=fetcher,
            )

    def fragment(self, html: str) -> Parsed:
        """Another document (a headline alone, say) with this one's stylesheet, which is
        not parsed again: for trial layouts."""
        trial = copy.copy(self)
        trial.document = weasyprint.HTML(
            string=html, base_url=self.document.base_url, url_fetcher=self.fetcher
        )
        return trial

    def layout(self, extra_css: str) -> Pages:
        """Lay out the document with `extra_css` appended to its styles."""
        with _collect_errors(self.errors):
            css = weasyprint.CSS(
                string=extra_css, font_config=self.font_config, url_fetcher=self.fetcher
            )
            rendered = self.document.render(
                stylesheets=[self.fonts, self.stylesheet, css],
                font_config=self.font_config,
                color_profiles=self.color_profiles,
                pdf_variant="pdf/ua-1",
            )
        attached = [
            target
            for page in rendered.pages
            for kind, target, *_ in page.links
            if kind == "attachment"
        ]
        if (rendered.metadata.attachments or attached) and ATTACHING not in self.errors:
            self.errors.append(ATTACHING)
        return Pages(rendered, self.fetcher, self.source + extra_css, self.errors)


class Pages:
    """A laid-out document: its page count, how much spills over, and its PDF."""

    def __init__(
        self,
        rendered: weasyprint.Document,
        fetcher: SandboxFetcher,
        source: str,
        errors: list[str],
    ) -> None:
        self.rendered = rendered
        self.fetcher = fetcher
        self.source = source
        self.errors = errors

    @property
    def fetched(self) -> set[str]:
        """Every file the document loaded (images, stylesheets, colour profiles)."""
        return self.fetcher.fetched

    @property
    def count(self) -> int:
        """Number of pages."""
        return len(self.rendered.pages)

    @property
    def height(self) -> float:
        """Height the content takes, summed over pages, in page-area units: from the top of
        the page area to the lowest line of text or edge of a box with a border or a
        background (a trailing margin is empty space, not content)."""
        used = 0.0
        for page in self.rendered.pages:
            box = page._page_box
            bottom = box.content_box_y()
            for child in box.children[0].descendants():
                style = getattr(child, "style", None)
                if isinstance(child, LineBox) or (
                    style is not None
                    and (style["border_bottom_width"] or style["background_color"].alpha)
                ):
                    bottom = max(bottom, child.position_y + child.border_height())
            used += bottom - box.content_box_y()
        return used

    @property
    def page_height(self) -> float:
        """Height of the first page's content area."""
        return float(self.rendered.pages[0]._page_box.height)

    def density(self) -> tuple[float, float]:
        """Words per unit of height, and per line, in the lower half of the first page's
        content (where an overflow is cut: below the headline, in the running text)."""
        box = self.rendered.pages[0]._page_box
        half = box.content_box_y() + self.height / 2
        counts = [
            len(_text(line).split())
            for line in box.children[0].descendants()
            if isinstance(line, LineBox) and line.position_y >= half
        ]
        lines = [count for count in counts if count > 3] or [1]
        return sum(counts) / max(self.height / 2, 1.0), sum(lines) / len(lines)

    def lines_of(self, tag: str) -> list[tuple[str, ...]]:
        """The text of each line of every `tag` element, element by element."""
        found: list[tuple[str, ...]] = []
        for page in self.rendered.pages:
            for box in page._page_box.descendants():
                if box.element_tag == tag and not isinstance(box, (LineBox, TextBox)):
                    found.append(
                        tuple(_text(line) for line in box.children if isinstance(line, LineBox))
                    )
        return found

    def hyphenated_at_breaks(self) -> list[Any]:
        """The elements whose text is hyphenated across a page or column break: a part of
        the element that is followed by another part ends its last line with the
        hyphenation character."""
        parts: dict[int, list[Any]] = {}
        for page in self.rendered.pages:
            root = page._page_box.children[0]  # the document, not the page's margin boxes
            for box in root.descendants():
                lines = [c for c in getattr(box, "children", ()) if isinstance(c, LineBox)]
                if lines and box.element is not None:
                    parts.setdefault(id(box.element), []).append((box.element, lines[-1]))
        found = []
        for fragments in parts.values():
            for element, last in fragments[:-1]:
                text = _text(last).rstrip()
                if text.endswith(last.style["hyphenate_character"]):
                    found.append(element)
                    break
        return found

    def clipped(self) -> str | None:
        """The first text that runs past the side of its page (a long unbroken token, say),
        which the PDF would cut off; None when all text is inside its page."""
        for page in self.rendered.pages:
            box = page._page_box  # WeasyPrint 70's page box; read, never changed
            left = box.content_box_x()
            right = left + box.width
            for text in box.descendants():
                if isinstance(text, TextBox) and (
                    text.position_x < left - _SLACK
                    or text.position_x + text.margin_width() > right + _SLACK
                ):
                    return str(text.text)
        return None

    def pdf(self, print_shop: bool = False) -> bytes:
        """The PDF: tagged PDF/UA-1, or for a print shop PDF/X-4 (tagged and claiming PDF/UA-1
        too), whose output intent comes from the CMYK @color-profile of the print CSS; its
        page furniture is marked as artifacts (`tagging`). Its XMP document id derives from
        the source, with the folders it was fetched from left out, its file identifier from
        its bytes (`pdfpack`), and font subsets carry no clock time, so the bytes are the
        same in any folder, at any time."""
        roots = self.fetcher.roots
        digest = hashlib.md5(_portable(self.source, roots).encode(), usedforsecurity=False)
        identifier = digest.hexdigest()
        if print_shop:
            options = {"pdf_variant": "pdf/x-4", "pdf_tags": True}
        else:
            options = {"pdf_variant": "pdf/ua-1"}
        with (
            _collect_errors(self.errors),
            _document_id(uuid.UUID(identifier)),
            _font_clock(),
            _subsetter(),
            _list_labels(),
        ):
            result = self.rendered.write_pdf(**options)
        assert isinstance(result, bytes)
        return tagging.complete(result, print_shop)


def _text(line: LineBox) -> str:
    """The text a laid-out line shows."""
    return "".join(getattr(box, "text", "") for box in line.descendants())


def _folder_url(folder: Path) -> str:
    """The file: URL that relative URLs in a document from `folder` start from."""
    return folder.resolve().as_uri() + "/"


def _portable(source: str, roots: Iterable[Path]) -> str:
    """`source` with the file: URL of each folder in `roots` replaced by a token naming its
    place in `roots`: what is left does not depend on where the folders are."""
    numbered = sorted(enumerate(roots), key=lambda item: -len(str(item[1])))
    for index, root in numbered:  # longest first: a layout folder may be inside the project
        source = source.replace(root.as_uri(), f"root{index}:")
    return source


@contextmanager
def _document_id(value: uuid.UUID) -> Iterator[None]:
    """WeasyPrint writes a random XMP DocumentID into PDF/X-4; make it `value` instead."""
    original = metadata.uuid4
    metadata.uuid4 = lambda: value
    try:
        yield
    finally:
        metadata.uuid4 = original


_FONT_TIMESTAMP = 2_082_844_800
"""The modification date of font subsets made by fontTools: 1970-01-01 (OpenType counts
seconds since 1904)."""


@contextmanager
def _font_clock() -> Iterator[None]:
    """Without libharfbuzz-subset, WeasyPrint subsets fonts with fontTools, which stamps the
    current time (or SOURCE_DATE_EPOCH) into each subset's head table; make it _FONT_TIMESTAMP
    instead. The PDF's own dates are pressbrief's (`html.timestamp`), untouched.

    Written against fontTools 4.68: `table__h_e_a_d.compile` calls the `timestampNow` its
    module imported."""
    from fontTools.ttLib.tables import _h_e_a_d as head

    original = head.timestampNow
    head.timestampNow = lambda: _FONT_TIMESTAMP
    try:
        yield
    finally:
        head.timestampNow = original


@contextmanager
def _subsetter() -> Iterator[None]:
    """WeasyPrint subsets fonts with fontTools if `engine.SUBSETTER` asks for it, as where
    libharfbuzz-subset is missing.

    Written against WeasyPrint 70: `Font.subset` (weasyprint/pdf/fonts.py) uses HarfBuzz
    while its module attribute `harfbuzz_subset` (the library, or None) is set."""
    from weasyprint.pdf import fonts

    from .engine import fonttools_forced

    original = fonts.harfbuzz_subset
    if fonttools_forced():
        fonts.harfbuzz_subset = None
    try:
        yield
    finally:
        fonts.harfbuzz_subset = original


@contextmanager
def _list_labels() -> Iterator[None]:
    """Tag the `::before` of a list item (how layouts draw numbered and bulleted markers)
    as a list label; WeasyPrint tags it `NonStruct`, as any pseudo-element, inside the
    item's body, from where `tagging` moves it beside the body.

    Written against WeasyPrint 70: `weasyprint.pdf.tags._get_pdf_tag` maps a box's
    element tag (`li::before` for this one) to a structure type."""
    from weasyprint.pdf import tags

    original = tags._get_pdf_tag
    tags._get_pdf_tag = lambda tag: "Lbl" if tag == "li::before" else original(tag)
    try:
        yield
    finally:
        tags._get_pdf_tag = original
