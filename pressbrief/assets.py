"""Package data → paths, and the version: the built-in `layouts/`, `fonts/` and `color/` folders.

In a wheel they sit inside the package (`pressbrief/layouts`, `pressbrief/fonts`,
`pressbrief/color`); in a source checkout they sit at the repository root beside it.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """The folder of built-in assets called `name` ('layouts', 'fonts' or 'color')."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


LAYOUTS_DIR = asset_dir("layouts")
FONTS_DIR = asset_dir("fonts")
COLOR_DIR = asset_dir("color")
CMYK_PROFILE = COLOR_DIR / "ISOcoated_v2_300_bas.icc"

VERSION = "0.1.0"
"""The package's version (pyproject.toml reads it from here: one place to change it)."""
