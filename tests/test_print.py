"""The print profile: bleed, crop and registration marks, page boxes, CMYK brand colours."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from pressbrief import BuildOptions, build_kit, render_brief

from .conftest import MINIMAL, pdf_text, run

BLEED = 3 * 72 / 25.4  # 3 mm in points
PRINT = """\
print:
  bleed: 3mm
  registration: true
  cmyk:
    primary: 100 78 25 40
    accent: 10 100 80 5
    tint: 6 3 0 3
"""


def box(rectangle: object) -> list[float]:
    return [round(float(v), 2) for v in rectangle]  # type: ignore[attr-defined]


def test_print_pages_have_trim_bleed_and_media_boxes(project: Callable[..., Path]) -> None:
    folder = project(PRINT, b=MINIMAL)
    result = render_brief(folder / "content" / "b.yaml", folder / "b.pdf", profile="print")
    page = PdfReader(result.output).pages[0]
    assert box(page.trimbox) == [0, 0, 612, 792]
    assert box(page.bleedbox) == box([-BLEED, -BLEED, 612 + BLEED, 792 + BLEED])
    media = box(page.mediabox)
    assert media[0] < -BLEED - 18 and media[2] > 612 + BLEED + 18  # room for the marks
    assert box(page.cropbox) == media
    assert "A Minimal Brief" in pdf_text(result.output)


def test_screen_pages_have_no_bleed(project: Callable[..., Path]) -> None:
    folder = project(PRINT, b=MINIMAL)
    page = PdfReader(render_brief(folder / "content" / "b.yaml", folder / "b.pdf").output).pages[0]
    assert box(page.mediabox) == box(page.trimbox) == [0, 0, 612, 792]


def operations(path: Path) -> bytes:
    page = PdfReader(path).pages[0]
    contents = page.get_contents()
    assert contents is not None
    data = contents.get_data()
    for xobject in page["/Resources"].get("/XObject", {}).values():
        data += xobject.get_object().get_data()
    return data


def test_marks_sit_outside_the_bleed_in_registration_colour(
    project: Callable[..., Path],
) -> None:
    folder = project(PRINT, b=MINIMAL)
    out = render_brief(folder / "content" / "b.yaml", folder / "b.pdf", profile="print").output
    data = operations(out).decode("latin-1")
    assert "1 1 1 1 K" in data
    number = r"(-?[\d.]+)"
    marks = [
        tuple(float(v) for v in found)
        for found in re.findall(rf"^{number} {number} m\s+{number} {number} l\s+S$", data, re.M)
    ]
    crop = [m for m in marks if m[0] == m[2] in (0, 612) or m[1] == m[3] in (0, 792)]
    assert len(crop) == 8  # two at each corner, on the trim lines
    for x1, y1, x2, y2 in marks:  # crop marks and the registration crosses
        outside = (
            max(x1, x2) <= -BLEED
            or min(x1, x2) >= 612 + BLEED
            or max(y1, y2) <= -BLEED
            or min(y1, y2) >= 792 + BLEED
        )
        assert outside, f"crop mark {(x1, y1, x2, y2)} reaches into the bleed"
    assert len(re.findall(r" c\s", data)) >= 4 * 4  # four registration targets, 4 curves each


def test_brand_colours_are_device_cmyk_in_print(project: Callable[..., Path]) -> None:
    folder = project(PRINT, b=MINIMAL)
    printed = render_brief(folder / "content" / "b.yaml", folder / "p.pdf", profile="print")
    screen = render_brief(folder / "content" / "b.yaml", folder / "s.pdf")
    assert b"1 0.78 0.25 0.4 scn" in operations(printed.output)
    assert b"/DeviceCMYK" not in operations(screen.output)


def test_the_cover_band_runs_into_the_bleed(project: Callable[..., Path], with_logo: str) -> None:
    folder = project(with_logo + PRINT, a=MINIMAL)
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text("title: K\nbriefs: [a]\n")
    options = BuildOptions(jobs=1, profile="print")
    (built,) = build_kit(folder / "kits" / "k.yaml", folder / "k.pdf", options)
    page = PdfReader(built.output).pages[0]
    left, top = float(page.mediabox.left), float(page.mediabox.top)
    document = pdfium.PdfDocument(built.output)
    image = document[0].render(scale=1).to_pil().convert("RGB")
    document.close()

    def pixel(x: float, y: float) -> tuple[int, int, int]:
        return image.getpixel((round(x - left), round(top - y)))  # type: ignore[return-value]

    band = pixel(20, 20)  # inside the trim, in the band
    in_bleed = pixel(-BLEED / 2, 20)  # left of the trim edge, beside the band
    below = pixel(20, -BLEED / 2)  # under the trim edge
    in_slug = pixel(-BLEED - 10, 20)
    assert max(band) < 120 and band[2] > band[0], f"no navy band at the foot: {band}"
    assert in_bleed == band and below == band, "the band does not run into the bleed"
    assert min(in_slug) > 240, "the slug outside the bleed is not blank paper"


def test_print_output_is_deterministic_and_goes_to_dist_print(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(PRINT, b=MINIMAL)
    assert run("build", folder, "--profile", "print", "--jobs", "1") == 0
    first = (folder / "dist" / "print" / "briefs" / "b.pdf").read_bytes()
    assert run("build", folder, "--profile", "print", "--jobs", "1", "--force") == 0
    assert (folder / "dist" / "print" / "briefs" / "b.pdf").read_bytes() == first
    assert not (folder / "dist" / "briefs" / "b.pdf").exists()


def test_print_settings_are_validated(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(
        "print:\n  bleed: 3 millimetres\n  cmyk:\n    primary: 100 80 20\n"
        "    accent: 0 0 0 101\n    tint: 1 1 1 1\n",
        b=MINIMAL,
    )
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    config = folder / "pressbrief.yaml"
    assert f"{config}:2: print.bleed: '3 millimetres' is not a length; expected e.g. 3mm" in err
    assert f"{config}:4: print.cmyk.primary: '100 80 20' is not a CMYK colour" in err
    assert f"{config}:5: print.cmyk.accent: '0 0 0 101' is not a CMYK colour" in err


def icc_streams(reader: PdfReader) -> int:
    count = 0
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            item = reader.get_object(number)
        except Exception:  # free or compressed-away object numbers
            continue
        if isinstance(item, StreamObject) and item.get("/N") == 4:
            count += 1
    return count


def test_print_files_are_pdf_x4_with_a_cmyk_output_intent(
    project: Callable[..., Path], with_logo: str
) -> None:
    folder = project(with_logo + PRINT, a=MINIMAL, b=MINIMAL.replace("Minimal", "Second"))
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text("title: K\nbriefs: [a, b]\n")
    brief = render_brief(folder / "content" / "a.yaml", folder / "a.pdf", profile="print")
    (kit,) = build_kit(
        folder / "kits" / "k.yaml", folder / "k.pdf", BuildOptions(jobs=1, profile="print")
    )
    for path in (brief.output, kit.output):
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        (intent,) = root["/OutputIntents"]
        intent = intent.get_object()
        assert intent["/S"] == "/GTS_PDFX"
        assert intent["/OutputConditionIdentifier"] == "ISO Coated v2 300% (basICColor)"
        assert intent["/DestOutputProfile"].get_object()["/N"] == 4
        assert reader.metadata is not None and reader.metadata["/Trapped"] == "/False"
        assert icc_streams(reader) == 1, "the CMYK profile is embedded more than once"
        assert "/StructTreeRoot" in root  # still tagged


def test_print_files_are_the_same_bytes_across_processes(
    project: Callable[..., Path],
) -> None:
    folder = project(PRINT, b=MINIMAL)  # no date in the brief: the fallback date is fixed
    outputs = []
    for name in ("1.pdf", "2.pdf"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pressbrief",
                "render",
                folder / "content" / "b.yaml",
                "-o",
                folder / name,
                "--profile",
                "print",
            ],
            check=True,
            capture_output=True,
        )
        outputs.append((folder / name).read_bytes())
    assert outputs[0] == outputs[1]
    meta = PdfReader(folder / "1.pdf").metadata
    assert meta is not None and meta["/CreationDate"].startswith("D:20000101")
