"""The print profile: config → CSS for bleed, the CMYK output profile and CMYK brand colours;
a rendered PDF (PDF/X-4) → the same PDF with a slug, crop marks (and registration marks)
and its page boxes set.

WeasyPrint lays out the bleed (`@page { bleed }`), so backgrounds that reach the trim edge
run on into it, and writes TrimBox and BleedBox. Its own `marks` are drawn inside the bleed,
where the trimmed-off artwork is; print shops want marks outside it, so the media box is
grown by a slug here and the marks drawn there, in registration colour (all four inks).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from .assets import CMYK_PROFILE
from .model import Config

if TYPE_CHECKING:  # pypdf is imported when a print PDF is finished, not by `check`
    from pypdf import PageObject, PdfWriter

PROFILES = ("screen", "print")
SLUG = 36.0  # points of paper around the bleed for the marks
_MARK = 18.0
_GAP = 3.0  # between the bleed edge and a mark
_UNITS = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54}


def points(length: str) -> float:
    """A validated CSS length ('3mm', '0.125in') in points."""
    match = re.fullmatch(r"([\d.]+)(mm|cm|in|pt)", length)
    assert match is not None, f"unvalidated length {length!r}"
    return float(match[1]) * _UNITS[match[2]]


def profile_css(config: Config) -> str:
    """CSS of the config's profile: nothing but a zero bleed on screen."""
    if config.profile != "print":
        return ":root { --bleed: 0pt; }"
    bleed = config.print.bleed
    css = [
        f"@page {{ bleed: {bleed}; }}",
        f":root {{ --bleed: {bleed}; }}",
        # The output intent of PDF/X: WeasyPrint embeds the profile named device-cmyk.
        f'@color-profile device-cmyk {{ src: url("{CMYK_PROFILE.as_uri()}"); '
        "components: cyan, magenta, yellow, black; }",
    ]
    cmyk = config.print.cmyk
    if cmyk is not None:
        colours = {"primary": cmyk.primary, "accent": cmyk.accent, "tint": cmyk.tint}
        values = " ".join(
            f"--{name}: device-cmyk({' '.join(f'{float(v) / 100:g}' for v in value.split())});"
            for name, value in colours.items()
        )
        css.append(f":root {{ {values} }}")
    return "\n".join(css)


def finish(pdf: bytes, config: Config) -> bytes:
    """The PDF as it leaves pressbrief: on screen as it is; in print with slug and marks."""
    if config.profile != "print":
        return pdf
    from pypdf import PdfReader, PdfWriter

    from .pdfpack import write_compact

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    bleed = points(config.print.bleed)
    for page in writer.pages:
        _mark(writer, page, bleed, config.print.registration)
    return write_compact(writer)


def _mark(writer: PdfWriter, page: PageObject, bleed: float, registration: bool) -> None:
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
    commands = ["/Artifact <</Type /Page>> BDC q 0.25 w 1 1 1 1 K"]  # printer's marks
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
    commands.append("Q EMC")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(commands).encode())
    overlay = PageObject.create_blank_page(width=float(media.width), height=float(media.height))
    overlay[NameObject("/Contents")] = writer._add_object(stream)
    overlay.mediabox = media
    page.merge_page(overlay)


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
