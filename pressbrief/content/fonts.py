"""Bundled fonts → @font-face CSS, and text → the characters no font covers.

Only the bundled fonts (`fonts/`) and the project's own (`projectfonts`) may appear in a
PDF. A character none of them covers would make Pango fall back to a system font, so it is
reported before rendering.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..assets import FONTS_DIR
from .model import Config


@dataclass(frozen=True)
class Face:
    """One font file and the CSS descriptors it answers to."""

    family: str
    weight: int
    style: str
    path: Path


_WEIGHTS = {
    "Regular": 400,
    "Italic": 400,
    "SemiBold": 600,
    "SemiBoldItalic": 600,
    "Bold": 700,
    "BoldItalic": 700,
}
_FAMILIES = {
    "Inter": "Inter",
    "NotoSerif": "Noto Serif",
    "NotoSansArabic": "Noto Sans Arabic",
    "NotoNaskhArabic": "Noto Naskh Arabic",
    "NotoSansHebrew": "Noto Sans Hebrew",
    "NotoSerifHebrew": "Noto Serif Hebrew",
    "NotoSansDevanagari": "Noto Sans Devanagari",
    "NotoSerifDevanagari": "Noto Serif Devanagari",
}
# The bundled fallbacks of a brand font: Latin, then each script's face of the same kind.
_SANS = ("Inter", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari")
_SERIF = ("Noto Serif", "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif Devanagari")


@cache
def faces() -> tuple[Face, ...]:
    """Every bundled face, from file names like `Inter-SemiBoldItalic.otf`."""
    found = []
    for path in sorted(FONTS_DIR.glob("*/*.[ot]tf")):
        stem, _, variant = path.stem.partition("-")
        found.append(
            Face(
                _FAMILIES[stem],
                _WEIGHTS[variant],
                "italic" if variant.endswith("Italic") else "normal",
                path,
            )
        )
    return tuple(found)


def families() -> list[str]:
    """The bundled font family names, e.g. ['Inter', 'Noto Serif']."""
    return sorted({face.family for face in faces()})


def stack(family: str, heading: bool) -> str:
    """A CSS font-family list: `family`, then the bundled sans faces for a heading (serif
    faces for body text), then the others, so any character a bundled font has prints in
    a bundled font, never a system one."""
    order = (family, *_SANS, *_SERIF) if heading else (family, *_SERIF, *_SANS)
    return ", ".join(f'"{name}"' for name in dict.fromkeys(order))


def font_face_css(project: tuple[Face, ...] = ()) -> str:
    """@font-face rules for every bundled face and the `project` ones, with file: URLs the
    sandbox allows."""
    return "\n".join(
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; '
        f'font-style: {f.style}; src: url("{f.path.as_uri()}"); }}'
        for f in (*faces(), *project)
    )


COVERAGE = FONTS_DIR / "coverage.txt"
"""The characters the bundled faces have, as ranges of code points (`coverage`): read in
a millisecond, where opening the fonts' character maps takes a tenth of a second."""


def coverage(paths: Iterable[tuple[Path, int]]) -> str:
    """The characters the fonts at `paths` (file, index in a collection) have, as lines of
    hexadecimal ranges ('0020-007E'): COVERAGE is this for the bundled faces."""
    from fontTools.ttLib import TTFont  # only when a font's characters are read

    covered: set[int] = set()
    for path, index in paths:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            covered.update(font.getBestCmap())
    lines, points = [], sorted(covered)
    start = previous = points[0] if points else 0
    for point in [*points[1:], None]:
        if point is not None and point == previous + 1:
            previous = point
            continue
        lines.append(f"{start:04X}-{previous:04X}")
        if point is not None:
            start = previous = point
    return "\n".join(lines) + "\n"


def _points(ranges: str) -> frozenset[int]:
    """The code points of `coverage`'s lines of ranges."""
    covered: set[int] = set()
    for line in ranges.split():
        first, _, last = line.partition("-")
        covered.update(range(int(first, 16), int(last, 16) + 1))
    return frozenset(covered)


@cache
def _bundled() -> frozenset[int]:
    return _points(COVERAGE.read_text(encoding="ascii"))


@cache
def _covered(project: tuple[tuple[Path, int], ...]) -> frozenset[int]:
    return _points(coverage(project))


# Characters every font set handles without a glyph (line breaks, joiners, marks).
_INVISIBLE = frozenset(ord(c) for c in "\n\r\t\u00ad\u200b\u200c\u200d\u2060\ufeff")
_FAST = frozenset(range(0x20, 0x7F))  # ASCII is covered by the Latin bundled faces


def uncovered(texts: Iterable[str], config: Config) -> list[str]:
    """Characters of `texts` no bundled font has, nor a font `config` declares, as
    'U+0905 DEVANAGARI LETTER A'."""
    wanted = {ord(c) for text in texts for c in text} - _FAST - _INVISIBLE - _bundled()
    if not wanted:
        return []
    assert config.root is not None
    project = tuple(
        (config.root / file.path, file.index)
        for family in config.brand.fonts
        for file in family.files
    )
    missing = sorted(wanted - _covered(project)) if project else sorted(wanted)
    return [f"U+{cp:04X} {unicodedata.name(chr(cp), 'unnamed character')}" for cp in missing]
