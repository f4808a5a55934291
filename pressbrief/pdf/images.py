"""Image bytes → whether they may be drawn, checked before WeasyPrint decodes them.

A raster picture's pixel count is read from its header (Pillow opens it lazily, without
decoding it), so a decompression bomb is refused before it takes memory. An SVG is parsed
and the elements it would draw are counted with its references expanded (`svg_elements`),
without drawing anything, so a few hundred bytes of nested `<use>` cannot take minutes and
gigabytes.
"""

from __future__ import annotations

import io
import re
import warnings
from xml.etree import ElementTree

MAX_SVG_ELEMENTS = 50_000
"""Most elements an SVG may draw once its references are expanded (about four
seconds of drawing on a small machine; real charts and maps use a few thousand)."""

_XLINK = "{http://www.w3.org/1999/xlink}href"
_URL_REFERENCE = re.compile(r"url\(\s*['\"]?#([^)'\"\s]+)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_RASTER = (b"\x89PNG", b"\xff\xd8", b"GIF8", b"RIFF", b"BM", b"II*\x00", b"MM\x00*")


def problem(data: bytes, megapixels: int) -> str | None:
    """Why the image in `data` may not be drawn, or None when it may."""
    if data.startswith(_RASTER):
        return _raster_problem(data, megapixels)
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return _raster_problem(data, megapixels)  # WeasyPrint tries Pillow too
    count = svg_elements(root, MAX_SVG_ELEMENTS)
    if count > MAX_SVG_ELEMENTS:
        return (
            f"an SVG that draws more than {MAX_SVG_ELEMENTS:,} elements once its references "
            "(<use>, patterns, markers) are expanded, or that refers to itself; simplify it or "
            "use a PNG"
        )
    return None


def _raster_problem(data: bytes, megapixels: int) -> str | None:
    from PIL import Image  # WeasyPrint's own dependency

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
        except Image.DecompressionBombError:  # so large that Pillow will not even open it
            limit = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6
            return (
                f"a picture of more than {limit:.0f} megapixels; the limit is {megapixels} "
                "(limits.image_megapixels in pressbrief.yaml): scale it down"
            )
        except (OSError, ValueError):
            return None  # not a picture Pillow knows: WeasyPrint reports it as such
    if width * height > megapixels * 1_000_000:
        return (
            f"a picture of {width:,} × {height:,} pixels ({width * height / 1e6:.0f} "
            f"megapixels); the limit is {megapixels} (limits.image_megapixels in "
            "pressbrief.yaml): scale it down"
        )
    return None


def svg_elements(root: ElementTree.Element, cap: int) -> int:
    """How many elements `root` draws with its local references expanded: `<use>`, and
    `url(#id)` (patterns, clip paths, masks, filters drawn once per element that uses
    them, markers once per vertex), counted up to just over `cap` (a reference cycle
    counts as over). An id given twice counts as all its elements."""
    by_id: dict[str, list[ElementTree.Element]] = {}
    for element in root.iter():
        if element.get("id"):
            by_id.setdefault(str(element.get("id")), []).append(element)

    def parts(element: ElementTree.Element) -> list[tuple[ElementTree.Element, int]]:
        found = [(child, 1) for child in element]
        if element.tag.rpartition("}")[2] == "use":
            for target in (element.get(_XLINK), element.get("href")):  # both, to be safe
                # '#id', or 'this-file.svg#id', which WeasyPrint also reads as local
                fragment = (target or "").rpartition("#")[2].strip()
                found += [(used, 1) for used in by_id.get(fragment, [])]
        for name, value in element.attrib.items():
            times = _vertices(element) if "marker" in name or "marker" in value else 1
            for fragment in _URL_REFERENCE.findall(value):
                found += [(used, times) for used in by_id.get(fragment, [])]
        return found

    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    while stack:  # depth first, without recursion: SVGs can nest thousands deep
        element, children_done = stack.pop()
        key = id(element)
        if children_done:
            drawn = 1 + sum(times * sizes[id(part)] for part, times in parts(element))
            sizes[key] = min(cap + 1, drawn)
            open_.discard(key)
        elif key not in sizes:
            if key in open_:
                return cap + 1  # a reference to itself
            open_.add(key)
            stack.append((element, True))
            stack.extend((part, False) for part, _ in parts(element) if id(part) not in sizes)
    return sizes[id(root)]


def _vertices(element: ElementTree.Element) -> int:
    """About how many vertices a shape has (where markers are drawn): its coordinates."""
    numbers = _NUMBER.findall(element.get("points", "") + " " + element.get("d", ""))
    return max(2, len(numbers) // 2)
