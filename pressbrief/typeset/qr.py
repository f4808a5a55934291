"""An address → a QR code of it, as a vector SVG picture in a `data:` URL a layout puts in
an <img> (with its alt text): `<img src="{{ brief.url | qr }}" alt="…">`.

The code is made by segno (error correction M: a printed page may be creased or smudged),
drawn as one path of dark runs, row by row, in a viewBox one unit per module with the
quiet zone of four modules the standard asks for; no sizes, no dates, no random ids, so
the same address gives the same bytes. The dark modules are black: K only in print.
"""

from __future__ import annotations

import base64

import segno

QUIET_ZONE = 4
"""Modules of light margin around the code, as ISO/IEC 18004 asks for."""

SCREEN_BLACK = "#000"
PRINT_BLACK = "device-cmyk(0 0 0 1)"


def svg(url: str, dark: str = SCREEN_BLACK) -> str:
    """The QR code of `url` as an SVG document."""
    code = segno.make(url, error="m", micro=False)
    size = code.symbol_size(border=QUIET_ZONE)[0]
    runs = []
    for y, cells in enumerate(code.matrix_iter(border=QUIET_ZONE)):
        row = list(cells)
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><path fill="{dark}" d="{"".join(runs)}"/></svg>'
    )


def data_uri(url: str, dark: str = SCREEN_BLACK) -> str:
    """The QR code of `url` as a `data:` URL of its SVG; empty for an empty address."""
    if not url:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(url, dark).encode()).decode()
