"""The print profile: config → CSS for bleed, the CMYK output profile, CMYK brand colours
and K-only neutrals; a rendered PDF (PDF/X-4) → the same PDF with a slug (crop marks,
registration marks, a slug line) and its page boxes set, and a warning for each picture
that prints under 300 dpi.

WeasyPrint lays out the bleed (`@page { bleed }`), so backgrounds that reach the trim edge
run on into it, and writes TrimBox and BleedBox. Its own `marks` are drawn inside the bleed,
where the trimmed-off artwork is; print shops want marks outside it, so the media box is
grown by a slug here and the marks drawn there, in the registration colour (a Separation
named All: every plate, which preflight knows to exempt from the ink limit). The slug line
(job, date, page n of N) is set in an embedded subset of Noto Serif, K only. Everything
drawn here is marked as a printer's-mark artifact (/Artifact of /Type /Page), outside the
structure tree.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import math
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..assets import CMYK_PROFILE, FONTS_DIR
from ..content.model import Config

if TYPE_CHECKING:  # pypdf is imported when a print PDF is finished, not by `check`
    from pypdf import PageObject, PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, IndirectObject

log = logging.getLogger(__name__)

PROFILES = ("screen", "print")
SLUG = 36.0  # points of paper around the bleed for the marks
_MARK = 18.0
_GAP = 3.0  # between the bleed edge and a mark
_UNITS = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54}
PRINT_FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)
"""PDF/X must carry dates; with neither SOURCE_DATE_EPOCH nor a date in the content, print
files get this one rather than the clock, so their bytes stay reproducible."""
MIN_DPI = 300
"""A picture printed at fewer pixels per inch than this gets a warning in the print profile."""

NEUTRALS = {"ink": 1.0, "ink-soft": 0.85, "ink-muted": 0.75, "ink-faint": 0.55, "paper": 0.0}
"""The layouts' neutral colours (`color: var(--ink, #1d1d1f)`) → the black tint they print
in: K only, so a press prints black text with one plate, never four. Each tint matches the
lightness of the layout's screen grey under ISO Coated v2 (#1d1d1f → K 100, #4a505c and
#3b4150 → K 85, #5b6270 → K 75, #8a909c → K 55); paper is no ink at all."""
SCREEN_NEUTRALS = {
    "ink": "#1d1d1f",
    "ink-soft": "#4a505c",
    "ink-muted": "#5b6270",
    "ink-faint": "#8a909c",
    "paper": "#fff",
}
"""The same neutrals on screen (the layouts' CSS fallbacks)."""

_SLUG_FONT = FONTS_DIR / "noto-serif" / "NotoSerif-Regular.ttf"
_SLUG_SIZE = 6.0
_REGISTRATION = "/Registration"  # colour space resource names of the overlay
_SLUG_NAME = "/Slug"


def points(length: str) -> float:
    """A validated CSS length ('3mm', '0.125in') in points."""
    match = re.fullmatch(r"([\d.]+)(mm|cm|in|pt)", length)
    assert match is not None, f"unvalidated length {length!r}"
    return float(match[1]) * _UNITS[match[2]]


def _cmyk(values: list[float]) -> str:
    return f"device-cmyk({' '.join(f'{v:g}' for v in values)})"


def palette(config: Config) -> dict[str, str]:
    """Colour name ('primary', 'accent', 'tint', 'ink', 'ink-muted', …) → the CSS colour
    it prints in, in the config's profile: on screen the brand's and the screen greys; in
    print K-only neutrals and, when `print.cmyk` gives them, the brand's device CMYK. For
    what the layouts' CSS variables cannot reach (an inline SVG); `profile_css` sets them."""
    brand = config.brand
    colours = {"primary": brand.primary, "accent": brand.accent, "tint": brand.tint}
    if config.profile != "print":
        return colours | SCREEN_NEUTRALS
    colours |= {name: _cmyk([0, 0, 0, k]) for name, k in NEUTRALS.items()}
    cmyk = config.print.cmyk
    if cmyk is not None:
        printed = {"primary": cmyk.primary, "accent": cmyk.accent, "tint": cmyk.tint}
        colours |= {
            name: _cmyk([float(v) / 100 for v in value.split()]) for name, value in printed.items()
        }
    return colours


def profile_css(config: Config) -> str:
    """CSS of the config's profile: nothing but a zero bleed on screen."""
    if config.profile != "print":
        return ":root { --bleed: 0pt; }"
    bleed = config.print.bleed
    colours = palette(config)
    neutrals = " ".join(f"--{name}: {colours[name]};" for name in NEUTRALS)
    css = [
        f"@page {{ bleed: {bleed}; }}",
        f":root {{ --bleed: {bleed}; {neutrals} }}",
        # The output intent of PDF/X: WeasyPrint embeds the profile named device-cmyk.
        f'@color-profile device-cmyk {{ src: url("{CMYK_PROFILE.as_uri()}"); '
        "components: cyan, magenta, yellow, black; }",
    ]
    if config.print.cmyk is not None:
        values = " ".join(f"--{name}: {colours[name]};" for name in ("primary", "accent", "tint"))
        css.append(f":root {{ {values} }}")
    return "\n".join(css)


def finish(pdf: bytes, config: Config, job: str) -> bytes:
    """The PDF as it leaves pressbrief: on screen as it is; in print with slug, marks and a
    slug line naming `job` (a brief's slug, a kit's name), after warning of every picture
    that prints under MIN_DPI."""
    if config.profile != "print":
        return pdf
    from pypdf import PdfReader, PdfWriter

    from .pdfpack import write_compact

    reader = PdfReader(io.BytesIO(pdf))
    parents = _parent_tree(reader)
    for number, page in enumerate(reader.pages, 1):
        figures = parents.get(int(page.get("/StructParents", -1)), [])
        for name, dpi in low_resolution(page, figures):
            log.warning(
                "%s: page %d: picture %s prints at %d dpi at its placed size; "
                "print needs %d dpi (use a larger picture or place it smaller)",
                job,
                number,
                name,
                dpi,
                MIN_DPI,
            )
    writer = PdfWriter(clone_from=reader)
    bleed = points(config.print.bleed)
    created = str(writer.metadata.get("/CreationDate", "")) if writer.metadata else ""
    day = f"{created[2:6]}-{created[6:8]}-{created[8:10]}" if len(created) >= 10 else ""
    if day == f"{PRINT_FALLBACK_DATE:%Y-%m-%d}":  # a date PDF/X needs, not the job's
        day = ""
    count = len(writer.pages)
    lines = [
        " · ".join(part for part in (job, day, f"page {n} of {count}") if part)
        for n in range(1, count + 1)
    ]
    resources = _overlay_resources(writer, "".join(lines))
    for page, line in zip(writer.pages, lines, strict=True):
        _mark(writer, page, bleed, config.print.registration, resources, line)
    return write_compact(writer)


def _mark(
    writer: PdfWriter,
    page: PageObject,
    bleed: float,
    registration: bool,
    resources: DictionaryObject,
    line: str,
) -> None:
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, NameObject, RectangleObject

    trim = page.trimbox
    left, bottom = float(trim.left), float(trim.bottom)
    right, top = float(trim.right), float(trim.top)
    outer = bleed + SLUG
    media = RectangleObject([left - outer, bottom - outer, right + outer, top + outer])
    page.mediabox = media
    page.cropbox = media
    page.bleedbox = RectangleObject([left - bleed, bottom - bleed, right + bleed, top + bleed])
    page.trimbox = RectangleObject([left, bottom, right, top])
    near, far = bleed + _GAP, bleed + _GAP + _MARK
    lines = []
    for x, sign_x in ((left, -1), (right, 1)):
        for y, sign_y in ((bottom, -1), (top, 1)):
            lines.append((x + sign_x * near, y, x + sign_x * far, y))
            lines.append((x, y + sign_y * near, x, y + sign_y * far))
    commands = ["/Artifact << /Type /Page >> BDC", f"q 0.25 w {_REGISTRATION} CS 1 SCN"]
    commands += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines]
    if registration:
        middle_x, middle_y = (left + right) / 2, (bottom + top) / 2
        centre = bleed + _GAP + _MARK / 2
        for x, y in (
            (middle_x, bottom - centre),
            (middle_x, top + centre),
            (left - centre, middle_y),
            (right + centre, middle_y),
        ):
            commands.append(_target(x, y, _MARK / 2))
    # The slug line: beside the lower-left crop mark, centred on the marks' band, K only.
    baseline = bottom - bleed - _GAP - _MARK / 2 - _SLUG_SIZE / 3
    text = _encode(line).replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    commands.append(
        f"Q BT {_SLUG_NAME} {_SLUG_SIZE:g} Tf 0 0 0 1 k {left + 2 * _GAP:.3f} {baseline:.3f} Td"
    )
    stream = DecodedStreamObject()
    stream.set_data("\n".join(commands).encode() + b"\n(" + text + b") Tj ET EMC")
    overlay = PageObject.create_blank_page(width=float(media.width), height=float(media.height))
    overlay[NameObject("/Contents")] = writer._add_object(stream)
    overlay[NameObject("/Resources")] = resources
    overlay.mediabox = media
    page.merge_page(overlay)


def remove_marks(page: PageObject) -> None:
    """Take out of `page` (of a reader, about to be merged onto a sheet) what `finish` drew
    in its slug, the printer's-mark artifact: the sheet shows none of it, as ink or text."""
    from pypdf.generic import NameObject

    contents = page.get_contents()
    if contents is None:
        return
    kept, depth = [], 0  # depth: how deep inside the marks' marked content
    for operands, operator in contents.operations:
        if depth:
            depth += {b"BDC": 1, b"BMC": 1, b"EMC": -1}.get(operator, 0)
        elif operator == b"BDC" and operands[0] == "/Artifact" and _is_page(operands[1]):
            depth = 1
        else:
            kept.append((operands, operator))
    contents.operations = kept
    page[NameObject("/Contents")] = contents  # read by merging it, never written itself


def _is_page(properties: Any) -> bool:
    return hasattr(properties, "get") and properties.get("/Type") == "/Page"


def _encode(text: str) -> bytes:
    """`text` in the slug font's encoding (WinAnsi); what it lacks prints as '?'."""
    return text.encode("cp1252", "replace")


def _overlay_resources(writer: PdfWriter, text: str) -> DictionaryObject:
    """The marks' resources: the registration colour and the slug line's font."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
    )

    def numbers(*values: float) -> ArrayObject:
        return ArrayObject(FloatObject(v) if v % 1 else NumberObject(v) for v in values)

    every_plate = DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): numbers(0, 1),
            NameObject("/C0"): numbers(0, 0, 0, 0),
            NameObject("/C1"): numbers(1, 1, 1, 1),
            NameObject("/N"): NumberObject(1),
        }
    )
    separation = ArrayObject(
        [NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"), every_plate]
    )
    return DictionaryObject(
        {
            NameObject("/ColorSpace"): DictionaryObject(
                {NameObject(_REGISTRATION): writer._add_object(separation)}
            ),
            NameObject("/Font"): DictionaryObject(
                {NameObject(_SLUG_NAME): _slug_font(writer, _encode(text))}
            ),
        }
    )


def _slug_font(writer: PdfWriter, encoded: bytes) -> IndirectObject:
    """A TrueType font dictionary (WinAnsi) with the glyphs of the `encoded` text."""
    from fontTools.ttLib import TTFont
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
    )

    program = _subset("".join(sorted(set(encoded.decode("cp1252")))))
    font = TTFont(io.BytesIO(program))
    scale = 1000 / font["head"].unitsPerEm
    glyphs = font.getBestCmap()
    first, last = min(encoded), max(encoded)
    widths = [
        round(font["hmtx"][glyphs[ord(char)]][0] * scale) if ord(char) in glyphs else 0
        for char in bytes(range(first, last + 1)).decode("cp1252", "replace")
    ]
    tag = "".join(
        chr(65 + b % 26) for b in hashlib.md5(program, usedforsecurity=False).digest()[:6]
    )
    name = NameObject(f"/{tag}+NotoSerif-Regular")
    file = DecodedStreamObject()
    file.set_data(program)
    file[NameObject("/Length1")] = NumberObject(len(program))
    head, hhea = font["head"], font["hhea"]

    def scaled(*values: int) -> ArrayObject:
        return ArrayObject(NumberObject(round(v * scale)) for v in values)

    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): name,
            NameObject("/Flags"): NumberObject(34),  # serif, non-symbolic
            NameObject("/FontBBox"): scaled(head.xMin, head.yMin, head.xMax, head.yMax),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): scaled(hhea.ascent)[0],
            NameObject("/Descent"): scaled(hhea.descent)[0],
            NameObject("/CapHeight"): scaled(font["OS/2"].sCapHeight)[0],
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(file),
        }
    )
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): name,
                NameObject("/FirstChar"): NumberObject(first),
                NameObject("/LastChar"): NumberObject(last),
                NameObject("/Widths"): ArrayObject(NumberObject(w) for w in widths),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
            }
        )
    )


@functools.lru_cache(maxsize=8)
def _subset(characters: str) -> bytes:
    """The slug font cut down to `characters`; no clock time, so the same bytes each time."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(hinting=False, notdef_outline=True, layout_features=[])
    options.name_IDs = [0, 1, 2, 6]  # copyright and names, which the licence asks to keep
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    with TTFont(_SLUG_FONT, recalcTimestamp=False) as font:
        subsetter.subset(font)
        output = io.BytesIO()
        font.save(output)
    return output.getvalue()


def _parent_tree(reader: PdfReader) -> dict[int, Any]:
    """The structure tree's parent tree as a dict: a page's StructParents → its array of
    structure elements by marked-content id."""
    found: dict[int, Any] = {}

    def walk(node: Any) -> None:
        node = node.get_object()
        nums = node.get("/Nums", [])
        for key, value in zip(nums[::2], nums[1::2], strict=True):
            found[int(key)] = value.get_object()
        for kid in node.get("/Kids", []):
            walk(kid)

    root: Any = reader.trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    if tree is not None and "/ParentTree" in tree.get_object():
        walk(tree.get_object()["/ParentTree"])
    return found


def low_resolution(page: PageObject, figures: list[Any]) -> list[tuple[str, int]]:
    """Each raster picture `page` draws at fewer than MIN_DPI pixels per inch, as its name
    (the alternate text of its figure in `figures`, the page's structure elements by
    marked-content id, and its pixel size) and its dpi at the size it is drawn."""
    from pypdf.generic import ContentStream

    found: list[tuple[str, int]] = []

    def walk(content: Any, resources: Any, ctm: list[float]) -> None:
        xobjects = resources.get("/XObject", {})
        stack: list[list[float]] = []
        marked: list[int | None] = []
        for operands, operator in ContentStream(content, page.pdf).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q" and stack:
                ctm = stack.pop()
            elif operator == b"cm":
                ctm = _times([float(v) for v in operands], ctm)
            elif operator in (b"BDC", b"BMC"):
                properties: Any = operands[1] if len(operands) > 1 else None
                mcid = properties.get("/MCID") if hasattr(properties, "get") else None
                marked.append(int(mcid) if mcid is not None else None)
            elif operator == b"EMC" and marked:
                marked.pop()
            elif operator == b"Do" and operands[0] in xobjects:
                item = xobjects[operands[0]].get_object()
                if item.get("/Subtype") == "/Form":
                    matrix = [float(v) for v in item.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(item, item.get("/Resources", resources), _times(matrix, ctm))
                elif item.get("/Subtype") == "/Image" and not item.get("/ImageMask"):
                    pixels = (int(item["/Width"]), int(item["/Height"]))
                    inches = (math.hypot(*ctm[0:2]) / 72, math.hypot(*ctm[2:4]) / 72)
                    dpi = min(p / i for p, i in zip(pixels, inches, strict=True) if i)
                    if dpi < MIN_DPI:
                        mcid = next((m for m in reversed(marked) if m is not None), None)
                        found.append((_name(figures, mcid, pixels), math.floor(dpi)))

    resources: Any = page["/Resources"]
    if _has_images(resources):
        walk(page.get_contents(), resources, [1, 0, 0, 1, 0, 0])
    return found


def _has_images(resources: Any) -> bool:
    for item in resources.get("/XObject", {}).values():
        item = item.get_object()
        if item.get("/Subtype") == "/Image" or (
            item.get("/Subtype") == "/Form" and _has_images(item.get("/Resources", {}))
        ):
            return True
    return False


def _name(figures: list[Any], mcid: int | None, pixels: tuple[int, int]) -> str:
    size = f"{pixels[0]} × {pixels[1]} px"
    element = figures[mcid] if mcid is not None and mcid < len(figures) else None
    while element is not None:  # the figure, or the element around a figure's span
        element = element.get_object()
        if "/Alt" in element:
            return f"'{element['/Alt']}' ({size})"
        element = element.get("/P")
    return f"of {size}"


def _times(m: list[float], n: list[float]) -> list[float]:
    """The affine matrix product m × n (PDF's [a b c d e f] order)."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _target(x: float, y: float, radius: float) -> str:
    """A registration target: a circle with a cross through it."""
    k = 0.5523 * radius / 1.6  # Bézier handle for a circle of radius/1.6
    r = radius / 1.6
    circle = (
        f"{x + r:.3f} {y:.3f} m "
        f"{x + r:.3f} {y + k:.3f} {x + k:.3f} {y + r:.3f} {x:.3f} {y + r:.3f} c "
        f"{x - k:.3f} {y + r:.3f} {x - r:.3f} {y + k:.3f} {x - r:.3f} {y:.3f} c "
        f"{x - r:.3f} {y - k:.3f} {x - k:.3f} {y - r:.3f} {x:.3f} {y - r:.3f} c "
        f"{x + k:.3f} {y - r:.3f} {x + r:.3f} {y - k:.3f} {x + r:.3f} {y:.3f} c S"
    )
    cross = (
        f"{x - radius:.3f} {y:.3f} m {x + radius:.3f} {y:.3f} l S "
        f"{x:.3f} {y - radius:.3f} m {x:.3f} {y + radius:.3f} l S"
    )
    return f"{circle} {cross}"
