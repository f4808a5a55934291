"""The rendered page, rasterized with pypdfium2: brand colours where the layout puts them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from pressbrief import render_brief

from .conftest import MINIMAL

SCALE = 1.0  # 72 dpi: one pixel per point


def raster(pdf: Path) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=SCALE).to_pil().convert("RGB")
    document.close()
    return image


def rows_of(
    image: Image.Image, colour: tuple[int, int, int], top: float, bottom: float, share: float = 0.8
) -> list[int]:
    """Rows between fractions `top` and `bottom` of the height mostly in `colour`."""
    width, height = image.size
    found = []
    for y in range(int(height * top), int(height * bottom)):
        row = [image.getpixel((x, y)) for x in range(0, width, 4)]
        near = sum(1 for p in row if all(abs(a - b) <= 24 for a, b in zip(p, colour, strict=True)))
        if near >= share * len(row) * 0.85:
            found.append(y)
    return found


def test_header_rule_is_in_the_brand_colour(example_dist: Path) -> None:
    image = raster(example_dist / "russia-syria.pdf")
    navy = (0x14, 0x28, 0x4B)
    assert rows_of(image, navy, 0.0, 0.12), "no navy header rule near the top"
    assert not rows_of(image, navy, 0.5, 0.8), "navy rule where body text should be"


def test_brand_colours_come_from_the_config(project: Callable[..., Path]) -> None:
    folder = project('brand:\n  primary: "#00875a"\n  tint: "#fff2cc"\n', b=MINIMAL)
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    image = raster(folder / "b.pdf")
    assert rows_of(image, (0x00, 0x87, 0x5A), 0.0, 0.12), "header rule not in the brand green"
    assert rows_of(image, (0xFF, 0xF2, 0xCC), 0.1, 0.4, share=0.7), "summary tint missing"


def test_greyscale_print_keeps_the_structure(example_dist: Path) -> None:
    grey = raster(example_dist / "russia-syria.pdf").convert("L")
    width, height = grey.size
    # The header rule stays dark, the summary tint stays visibly lighter than text, and
    # the page background stays white: the hierarchy survives a black-and-white printer.
    rule = [
        y
        for y in range(int(height * 0.12))
        if sum(grey.getpixel((x, y)) < 90 for x in range(40, width - 40)) > 0.9 * (width - 80)
    ]
    assert rule
    assert grey.getpixel((5, 5)) == 255
