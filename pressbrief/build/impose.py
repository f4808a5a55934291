"""A PDF's pages → printer sheets: 2-up, 4-up or a saddle-stitched booklet (pypdf).

Pages are placed with pypdf transformations, so the sheets keep vector content and
searchable text. A page is placed by its trim box and clipped to its bleed where that does
not reach into a neighbouring page: a print file's slug, marks and slug line stay off the
sheet, and its full-bleed art stops at the fold. Without `fit`, pages keep their size and
the sheet grows to hold them (two Letter pages on a Tabloid sheet, two A4 pages on A3);
with `fit` they are scaled onto a sheet of the pages' own size (or `sheet`), with a warning
when that shrinks the body text below READABLE points, naming the sheet that would not.
What the input was stays: a PDF/X print file gives PDF/X sheets (output intent, XMP, trim
and bleed boxes), and resources the pages share (the colour profile, font subsets) are
written once. A request that cannot be printed (pages larger than the sheet asked for, a
file that is not a PDF, an unknown layout) is an ImposeError, and nothing is written.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..content.model import Config, Paper
from ..content.yamlfile import suggest
from ..errors import ContentError, ImposeError, OutputError
from ..files import check_output, read_regular, write_atomic
from ..pdf.printing import remove_marks

if TYPE_CHECKING:  # pypdf is imported when something is imposed, not at start-up
    from pypdf import PageObject, PdfReader, PdfWriter

log = logging.getLogger(__name__)

POINTS_PER_INCH = 72
SHEETS = {  # portrait width × height, in points
    "letter": (612.0, 792.0),
    "legal": (612.0, 1008.0),
    "tabloid": (792.0, 1224.0),
    "a4": (595.276, 841.89),
    "a3": (841.89, 1190.551),
}
PAPERS: tuple[Paper, ...] = ("letter", "a4")
"""The sheets that are also page sizes of a pressbrief document."""
LAYOUTS = {"2-up": (2, 1), "4-up": (2, 2), "booklet": (2, 1)}
"""Layout name → pages across × down on one sheet side."""

_MARK = 18.0  # length of a cut or fold mark, in points
_TOLERANCE = 0.5  # points a page may exceed its cell by (rounding in page sizes)
READABLE = 8.0
"""Body text scaled below this many points gets a warning."""


@dataclass(frozen=True)
class Imposed:
    """What imposition wrote."""

    output: Path
    pages: int
    sheets: int
    sheet_size: tuple[float, float]


def booklet_order(count: int) -> list[tuple[int | None, int | None]]:
    """Saddle-stitch order: for each sheet side, the (left, right) page indexes, 0-based,
    None for a blank pad page. 8 pages give 8|1, 2|7, 6|3, 4|5."""
    padded = -(-count // 4) * 4 if count else 0
    pages: list[int | None] = [i if i < count else None for i in range(padded)]
    sides = []
    for i in range(padded // 2):
        outer, inner = pages[padded - 1 - i], pages[i]
        sides.append((outer, inner) if i % 2 == 0 else (inner, outer))
    return sides


def check_layout(layout: str) -> None:
    """ImposeError unless `layout` is one of LAYOUTS."""
    if layout not in LAYOUTS:
        raise ImposeError(
            f"unknown imposition layout '{layout}'{suggest(layout, LAYOUTS)}; "
            f"available: {', '.join(LAYOUTS)}"
        )


def impose(
    source: Path,
    output: Path,
    layout: str,
    *,
    fit: bool = False,
    marks: bool = False,
    sheet: str | None = None,
    config: Config | None = None,
) -> Imposed:
    """Impose the pages of `source` on sheets, written to `output`. A booklet padded with
    blank pages gets a back cover from the project's config (`config`, or that of the
    project `source` is in, if any)."""
    check_output(output)
    if output.resolve() == source.resolve():
        raise ImposeError(f"{output}: is the PDF being imposed; write the sheets elsewhere")
    check_layout(layout)
    if sheet is not None and sheet not in SHEETS:
        raise ImposeError(
            f"unknown sheet size '{sheet}'{suggest(sheet, SHEETS)}; available: {', '.join(SHEETS)}"
        )
    reader = _read(source)
    try:
        return _impose(reader, source, output, layout, fit, marks, sheet, config)
    except (ImposeError, OutputError):
        raise
    except Exception as error:  # pypdf on a damaged file: say so, never a traceback
        raise ImposeError(
            f"{source}: a PDF pressbrief cannot impose ({type(error).__name__}: {error})"
        ) from error


def _impose(
    reader: PdfReader,
    source: Path,
    output: Path,
    layout: str,
    fit: bool,
    marks: bool,
    sheet: str | None,
    config: Config | None,
) -> Imposed:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, RectangleObject

    from ..pdf.pdfpack import write_compact

    if not reader.pages:
        raise ImposeError(f"{source}: the PDF has no pages")
    box = reader.pages[0].trimbox  # the media box unless the PDF says where it is cut
    page_size = (float(box.width), float(box.height))
    if not all(0 < side < 14_400 for side in page_size):  # PDF's own limit: 200 inches
        raise ImposeError(f"{source}: its first page has no usable size ({box})")
    across, down = LAYOUTS[layout]
    sheet_size, scale = _sheet(source, page_size, across, down, fit, sheet)
    if scale < 1:
        _warn_if_unreadable(reader, source, page_size, (across, down), scale)
    root: Any = reader.trailer["/Root"]
    intents = root.get("/OutputIntents")  # PDF/X: the sheets are printed the same way
    pages: list[PageObject | None] = list(reader.pages)
    if layout == "booklet":
        pages += [None] * (-len(pages) % 4)
        if pages[-1] is None:
            pages[-1] = _back_cover(source, config, page_size, intents is not None)
        sides = [list(pair) for pair in booklet_order(len(pages))]
    else:
        per_side = across * down
        indexes: list[int | None] = list(range(len(pages)))
        sides = [indexes[i : i + per_side] for i in range(0, len(indexes), per_side)]
    writer = PdfWriter()
    boxes: tuple[list[float], list[float]] | None = None
    for side in sides:
        target = writer.add_blank_page(*sheet_size)
        placed = [None if i is None else pages[i] for i in side]
        trims, bleeds = _place(target, placed, across, down, sheet_size, page_size, scale)
        if trims:  # a blank side (only ever after a printed one) is cut like the one before
            boxes = _union(trims), _union(bleeds)
        if intents is not None and boxes is not None:
            target.trimbox, target.bleedbox = map(RectangleObject, boxes)
        if marks:
            _marks(writer, target, layout, across, down, sheet_size)
    if intents is not None:
        for key in ("/OutputIntents", "/Metadata"):
            if key in root:
                writer.root_object[NameObject(key)] = root[key].clone(writer)
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items()})
    write_atomic(write_compact(writer), output)
    return Imposed(output, len(reader.pages), len(sides), sheet_size)


def _back_cover(
    source: Path, config: Config | None, page: tuple[float, float], print_file: bool
) -> PageObject | None:
    """A booklet's back cover: the organization's mark and press contact on a page of the
    booklet's size (Letter or A4), in print colours for a print file; None without a
    project or on another page size."""
    from pypdf import PdfReader

    from ..content.config import find_config, load_config
    from ..pdf.workers import limited, shared_pool

    if config is None:
        if find_config(source) is None:
            return None
        try:
            config = load_config(source)
        except ContentError as error:  # a broken config costs the back cover, not the sheets
            log.warning("%s: no back cover: %s", source, error)
            return None
    papers = [
        name
        for name in PAPERS
        if all(abs(a - b) <= _TOLERANCE for a, b in zip(SHEETS[name], page, strict=True))
    ]
    if not papers:
        log.info("%s: pages of %s get no back cover (Letter and A4 do)", source, _size(page))
        return None
    profile = "print" if print_file else "screen"
    config = dataclasses.replace(config, paper=papers[0], profile=profile)
    pdf = shared_pool(1).one(limited(source, render_back_cover, (config,), config))
    return PdfReader(io.BytesIO(pdf)).pages[0]


def render_back_cover(config: Config) -> bytes:
    """The PDF of a back cover in the kit-cover layout (runs in a worker process)."""
    from ..typeset.html import build_back_cover_html
    from ..typeset.layouts import find_layout
    from ..typeset.render import render_document

    assert config.root is not None
    layout = find_layout("kit-cover", config.root)
    html = build_back_cover_html(config, layout)
    return render_document(html, config.source or config.root, config, layout)


def _union(boxes: list[list[float]]) -> list[float]:
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def body_size(reader: PdfReader) -> float | None:
    """The size, in points, of most of the text in `reader` (its body text), or None
    for a PDF with no text."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        sizes[round(size * scale, 1)] += len(text.strip())

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    sizes.pop(0.0, None)
    return sizes.most_common(1)[0][0] if sizes else None


def _warn_if_unreadable(
    reader: PdfReader,
    source: Path,
    page: tuple[float, float],
    grid: tuple[int, int],
    scale: float,
) -> None:
    """A warning when `scale` shrinks the body text below READABLE, naming the smallest
    sheet that would keep it readable."""
    body = body_size(reader)
    if body is None or body * scale >= READABLE:
        return
    needed = (page[0] * grid[0], page[1] * grid[1])
    scales = {name: _scale(_oriented(size, needed), needed) for name, size in SHEETS.items()}
    fitting = sorted(  # the smallest sheet at full size, else the smallest readable one
        (name for name, fits in scales.items() if body * fits >= READABLE),
        key=lambda name: (scales[name] < 1 - _TOLERANCE / max(needed), math.prod(SHEETS[name])),
    )
    advice = (
        f"a {fitting[0]} sheet (--sheet {fitting[0]}) keeps it at "
        f"{body * scales[fitting[0]]:.1f} pt"
        if fitting
        else "no sheet pressbrief knows keeps it readable; print the pages unimposed"
    )
    log.warning(
        "%s: the pages are scaled to %d %%, so %.1f pt body text prints at %.1f pt, "
        "under %g pt; %s",
        source,
        round(scale * 100),
        body,
        body * scale,
        READABLE,
        advice,
    )


def _read(source: Path) -> PdfReader:
    from pypdf import PdfReader

    try:
        data = read_regular(source)
    except OSError as error:
        raise ImposeError(f"{source}: cannot read it: {error.strerror}") from error
    if not data.startswith(b"%PDF-"):
        raise ImposeError(f"{source}: not a PDF (it does not start with %PDF-)")
    try:
        reader = PdfReader(io.BytesIO(data))
        len(reader.pages)
    except Exception as error:  # PdfReadError, or whatever else a damaged file provokes
        raise ImposeError(f"{source}: not a readable PDF ({error})") from error
    return reader


def _sheet(
    source: Path,
    page: tuple[float, float],
    across: int,
    down: int,
    fit: bool,
    name: str | None,
) -> tuple[tuple[float, float], float]:
    """The sheet size (oriented to suit the grid) and the scale of the pages on it."""
    needed = (page[0] * across, page[1] * down)
    if name is None:
        sheet = needed if not fit else _oriented(page, needed)
    else:
        sheet = _oriented(SHEETS[name], needed)
    scale = _scale(sheet, needed)
    if scale < 1 - _TOLERANCE / max(needed) and not fit:
        raise ImposeError(
            f"{source}: {across * down} pages of {_size(page)} need a {_size(needed)} sheet; "
            f"the {name} sheet is {_size(sheet)}. Use --fit to scale the pages down, or a "
            "larger --sheet."
        )
    return sheet, scale


def _scale(sheet: tuple[float, float], needed: tuple[float, float]) -> float:
    """The scale that fits `needed` on `sheet`."""
    return min(sheet[0] / needed[0], sheet[1] / needed[1], 1.0)


def _oriented(size: tuple[float, float], like: tuple[float, float]) -> tuple[float, float]:
    """`size` turned to the orientation of `like` (landscape for side-by-side pages)."""
    short, long = sorted(size)
    return (long, short) if like[0] >= like[1] else (short, long)


def _size(size: tuple[float, float]) -> str:
    return f"{size[0] / POINTS_PER_INCH:.2f} × {size[1] / POINTS_PER_INCH:.2f} in"


def _place(
    target: PageObject,
    side: list[PageObject | None],
    across: int,
    down: int,
    sheet: tuple[float, float],
    page: tuple[float, float],
    scale: float,
) -> tuple[list[list[float]], list[list[float]]]:
    """Draw the pages of one sheet side, centred in their cells, left to right, top down,
    each clipped to its bleed within its cell; the placed trim and bleed boxes."""
    from pypdf import Transformation
    from pypdf.generic import RectangleObject

    cell = (sheet[0] / across, sheet[1] / down)
    trims, bleeds = [], []
    for slot, source in enumerate(side):
        if source is None:
            continue
        column, row = slot % across, slot // across
        x = column * cell[0] + (cell[0] - page[0] * scale) / 2
        y = sheet[1] - (row + 1) * cell[1] + (cell[1] - page[1] * scale) / 2
        trim, bleed = source.trimbox, source.bleedbox
        left, bottom = float(trim.left), float(trim.bottom)

        def placed(u: float, v: float) -> tuple[float, float]:
            return (u - left) * scale + x, (v - bottom) * scale + y  # noqa: B023

        def unplaced(u: float, v: float) -> tuple[float, float]:
            return (u - x) / scale + left, (v - y) / scale + bottom  # noqa: B023

        cell_left, cell_bottom = column * cell[0], sheet[1] - (row + 1) * cell[1]
        low = unplaced(cell_left, cell_bottom)
        high = unplaced(cell_left + cell[0], cell_bottom + cell[1])
        clip = [
            max(float(bleed.left), low[0]),
            max(float(bleed.bottom), low[1]),
            min(float(bleed.right), high[0]),
            min(float(bleed.top), high[1]),
        ]
        source.cropbox = RectangleObject(clip)  # pypdf clips a merged page to its crop box
        source.pop("/Annots", None)  # links would point at pages the sheets do not have
        if source.trimbox != source.mediabox:  # a print file: its marks stay off the sheet
            remove_marks(source)
        move = Transformation().translate(-left, -bottom)
        target.merge_transformed_page(source, move.scale(scale).translate(x, y))
        trims.append([*placed(left, bottom), *placed(float(trim.right), float(trim.top))])
        bleeds.append([*placed(clip[0], clip[1]), *placed(clip[2], clip[3])])
    return trims, bleeds


def _marks(
    writer: PdfWriter,
    target: PageObject,
    layout: str,
    across: int,
    down: int,
    sheet: tuple[float, float],
) -> None:
    """Cut marks (n-up) or a dashed fold mark (booklet) where the pages meet, at the edges."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, NameObject

    width, height = sheet
    lines = []
    for column in range(1, across):
        x = width * column / across
        lines += [(x, 0.0, x, _MARK), (x, height - _MARK, x, height)]
    for row in range(1, down):
        y = height * row / down
        lines += [(0.0, y, _MARK, y), (width - _MARK, y, width, y)]
    dash = "[3 2] 0 d" if layout == "booklet" else "[] 0 d"
    commands = [f"q 0.25 w 0 G {dash}"]
    commands += [f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S" for x1, y1, x2, y2 in lines]
    commands.append("Q")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(commands).encode())
    overlay = PageObject.create_blank_page(width=width, height=height)
    overlay[NameObject("/Contents")] = writer._add_object(stream)
    target.merge_page(overlay)
