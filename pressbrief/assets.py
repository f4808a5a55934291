"""Package data → paths: the built-in `layouts/` and `fonts/` folders.

In a wheel they sit inside the package (`pressbrief/layouts`, `pressbrief/fonts`); in a
source checkout they sit at the repository root beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """The folder of built-in assets called `name` ('layouts' or 'fonts')."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


LAYOUTS_DIR = asset_dir("layouts")
FONTS_DIR = asset_dir("fonts")
