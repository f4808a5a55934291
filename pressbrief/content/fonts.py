"""Bundled fonts → @font-face CSS, and text → the characters no bundled font covers.

Only fonts in the bundled `fonts/` folder may appear in a PDF. A character none of them
covers would make Pango fall back to a system font, so it is reported before rendering.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..assets import FONTS_DIR


@dataclass(frozen=True)
class Face:
    """One bundled font file and the CSS descriptors it answers to."""

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


def font_face_css() -> str:
    """@font-face rules for every bundled face, with file: URLs the sandbox allows."""
    return "\n".join(
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; '
        f'font-style: {f.style}; src: url("{f.path.as_uri()}"); }}'
        for f in faces()
    )


@cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont  # only briefs with unusual characters get here

    covered: set[int] = set()
    for face in faces():
        with TTFont(face.path, lazy=True) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


# Characters every font set handles without a glyph (line breaks, joiners, marks).
_INVISIBLE = frozenset(ord(c) for c in "\n\r\t\u00ad\u200b\u200c\u200d\u2060\ufeff")
_FAST = frozenset(range(0x20, 0x7F))  # ASCII is covered by the Latin bundled faces


def uncovered(texts: Iterable[str]) -> list[str]:
    """Characters of `texts` no bundled font has, as 'U+0905 DEVANAGARI LETTER A'."""
    wanted = {ord(c) for text in texts for c in text} - _FAST - _INVISIBLE
    if not wanted:
        return []
    missing = sorted(wanted - _covered())
    return [f"U+{cp:04X} {unicodedata.name(chr(cp), 'unnamed character')}" for cp in missing]
