"""Draft mode: a draft lays out exactly like the final, with its notice in the masthead and
a translucent watermark over the whole page, the summary's tint included, as an artifact."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from pressbrief import Rendered, render_brief

from .conftest import REPO, pdf_text
from .test_accessibility import assert_accessible
from .test_kits import copy_example

SLUGS = sorted(path.stem for path in (REPO / "content").glob("*.yaml"))
TINT = (0xEE, 0xF1, 0xF5)  # the example's brand tint, behind the summary


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Rendered, Rendered]]:
    """Each example brief rendered as it is (final) and as a draft: slug → (final, draft)."""
    folder = copy_example(tmp_path_factory.mktemp("drafts"))
    result = {}
    for slug in SLUGS:
        final = folder / "content" / f"{slug}.yaml"
        draft = final.with_name(f"{slug}-draft.yaml")
        draft.write_text(final.read_text(encoding="utf-8") + "status: draft\n", encoding="utf-8")
        result[slug] = (render_brief(final), render_brief(draft))
    return result


def raster(pdf: Path) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=1).to_pil().convert("RGB")  # one pixel per point
    document.close()
    return image


def test_every_example_renders_as_a_draft_on_one_page_at_the_final_step(
    renders: dict[str, tuple[Rendered, Rendered]],
) -> None:
    for slug, (final, draft) in renders.items():
        assert (draft.pages, draft.step) == (1, final.step), slug
        assert "DRAFT — NOT FOR DISTRIBUTION" in pdf_text(draft.output)
        assert "DRAFT" not in pdf_text(final.output)


def test_the_watermark_is_drawn_over_the_summary_tint_across_the_page(
    renders: dict[str, tuple[Rendered, Rendered]],
) -> None:
    final, draft = renders["russia-syria"]
    before, after = raster(final.output), raster(draft.output)
    width, height = before.size
    tinted = [
        (x, y) for y in range(height) for x in range(0, width, 2) if before.getpixel((x, y)) == TINT
    ]
    assert len(tinted) > 10_000, "no summary panel on the tint"
    crossed = [p for p in tinted if after.getpixel(p) != TINT]
    # The letters cover a part of the panel (none differs without them), in red.
    assert len(crossed) > 0.05 * len(tinted)
    red, green, _ = after.getpixel(crossed[len(crossed) // 2])
    assert red > green + 10
    # The watermark runs corner to corner: whatever changed spans most of the page.
    left, top, right, bottom = ImageChops.difference(before, after).getbbox() or (0, 0, 0, 0)
    assert right - left > 0.7 * width and bottom - top > 0.7 * height


def test_the_watermark_is_an_artifact_read_after_the_content(
    renders: dict[str, tuple[Rendered, Rendered]],
) -> None:
    final, draft = (r.output for r in renders["russia-syria"])
    assert_accessible(draft)
    # Of the draft, only the notice is tagged content: the watermark is a background.
    assert tags(draft) == tags(final) + 1
    text = pdf_text(draft)
    assert text.index("\nDRAFT\n") > text.index("sovereignty?")  # the last press question


def tags(pdf: Path) -> int:
    """How many tagged sequences (marked content with an MCID) the first page paints."""
    with pikepdf.open(pdf) as document:
        return document.pages[0].Contents.read_bytes().count(b"/MCID")
