"""The print profile: bleed, crop and registration marks, page boxes, CMYK brand colours,
K-only black text, the ink limit, the slug line, the warning for low-resolution pictures."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PageObject, PdfReader
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
BRAND = {(1, 0.78, 0.25, 0.4), (0.1, 1, 0.8, 0.05), (0.06, 0.03, 0, 0.03)}


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
    assert re.search(r"/Registration\s+CS\s+1\s+SCN", data)  # marks in every plate…
    space = PdfReader(out).pages[0]["/Resources"]["/ColorSpace"]["/Registration"].get_object()
    assert space[:3] == ["/Separation", "/All", "/DeviceCMYK"]  # …as registration colour
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
        "    accent: 0 0 0 101\n    tint: 100 100 80 40\n",
        b=MINIMAL,
    )
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    config = folder / "pressbrief.yaml"
    assert f"{config}:2: print.bleed: '3 millimetres' is not a length; expected e.g. 3mm" in err
    assert f"{config}:4: print.cmyk.primary: '100 80 20' is not a CMYK colour" in err
    assert f"{config}:5: print.cmyk.accent: '0 0 0 101' is not a CMYK colour" in err
    assert (
        f"{config}:6: print.cmyk.tint: '100 100 80 40' is 320 % ink; the press profile takes "
        "at most 300 %" in err
    )


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


Paint = tuple[str, tuple[float, ...]]
"""A colour as it is painted: its colour space and components."""


def painted(page: PageObject) -> tuple[list[tuple[str, Paint]], list[Paint]]:
    """Every piece of text on `page` with its fill colour, and every colour the page
    paints with (fills and strokes), following the graphics state through the content
    stream and the forms it draws."""
    texts: list[tuple[str, Paint]] = []
    colours: list[Paint] = []
    device = {b"k": "/DeviceCMYK", b"K": "/DeviceCMYK", b"rg": "/DeviceRGB"}
    device |= {b"RG": "/DeviceRGB", b"g": "/DeviceGray", b"G": "/DeviceGray"}
    state: dict[str, Paint] = {"fill": ("/DeviceGray", (0.0,)), "stroke": ("/DeviceGray", (0.0,))}
    saved: list[dict[str, Paint]] = []

    def operator(name: bytes, operands: list[object], *_: object) -> None:
        side = "fill" if name.islower() or name in (b"f*", b"'", b'"') else "stroke"
        if name == b"q":
            saved.append(dict(state))
        elif name == b"Q" and saved:
            state.update(saved.pop())
        elif name in device:
            state[side] = (device[name], tuple(float(v) for v in operands))  # type: ignore[arg-type]
        elif name in (b"cs", b"CS"):
            state[side] = (str(operands[0]), ())
        elif name in (b"sc", b"scn", b"SC", b"SCN"):
            values = tuple(float(v) for v in operands if not isinstance(v, str))  # type: ignore[arg-type]
            state[side] = (state[side][0], values)
        if name in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            colours.append(state["fill"])
        if name in (b"S", b"s", b"B", b"B*", b"b", b"b*"):
            colours.append(state["stroke"])

    def text(content: str, *_: object) -> None:
        if content.strip():
            texts.append((content.strip(), state["fill"]))
            colours.append(state["fill"])

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return texts, colours


@pytest.fixture(scope="module")
def print_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A print kit (cover, contents, two briefs) of a project with CMYK brand colours,
    built once for the tests that read it."""
    folder = tmp_path_factory.mktemp("print-kit")
    for name, text in {
        "pressbrief.yaml": "organization:\n  name: Test Org\n" + PRINT,
        "content/a.yaml": MINIMAL,
        "content/b.yaml": MINIMAL.replace("Minimal", "Second"),
        "kits/k.yaml": "title: K\ndate: 2016-10-09\nbriefs: [a, b]\n",
    }.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text)
    options = BuildOptions(jobs=1, profile="print")
    (kit,) = build_kit(folder / "kits" / "k.yaml", folder / "k.pdf", options)
    return kit.output


def test_print_text_is_k_only_black_and_no_ink_passes_300_percent(print_kit: Path) -> None:
    registration, summary = 0, []
    for index, page in enumerate(PdfReader(print_kit).pages):
        texts, colours = painted(page)
        if index >= 2:  # a brief's page (the contents quotes the summary in a grey)
            summary += [paint for text, paint in texts if text in "One sentence of summary."]
        for space, values in {paint for _, paint in texts}:  # no RGB; greys as black tints
            assert space == "/DeviceCMYK", space
            assert values[:3] == (0, 0, 0) or values in BRAND, values
        for space, values in colours:
            if space == "/Registration":  # the marks, outside the bleed (tested above)
                registration += 1
            else:
                assert space != "/DeviceCMYK" or sum(values) <= 3.0, f"{values}: over 300 %"
    assert summary and set(summary) == {("/DeviceCMYK", (0, 0, 0, 1))}  # body: black only
    assert registration > 0


def test_the_slug_line_names_job_date_and_page_outside_the_trim(print_kit: Path) -> None:
    reader = PdfReader(print_kit)
    count = len(reader.pages)
    assert count >= 3
    for number, page in enumerate(reader.pages, 1):
        found: list[tuple[str, float]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            if text.strip():
                found.append((text.strip(), tm[5] * cm[3] + cm[5]))  # noqa: B023

        page.extract_text(visitor_text=visit)
        slug = [y for text, y in found if text == f"k · 2016-10-09 · page {number} of {count}"]
        assert len(slug) == 1, found[-3:]
        assert slug[0] < float(page.bleedbox.bottom), "the slug line is not in the slug"


def low_res_project(project: Callable[..., Path], width: int) -> Path:
    """A print project whose brief shows a picture `width` pixels wide (3:2)."""
    folder = project(PRINT, b=MINIMAL + "analysis: '![a scanned photograph](photo.png)'\n")
    picture = Image.linear_gradient("L").convert("RGB").resize((width, width * 2 // 3))
    picture.save(folder / "content" / "photo.png", dpi=(72, 72))
    return folder


def test_a_low_resolution_picture_is_named_with_its_dpi(
    project: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    folder = low_res_project(project, 216)  # drawn at its natural size: 96 dpi
    caplog.set_level(logging.WARNING)
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    assert not caplog.records  # on screen, resolution is not a question
    assert run("render", folder / "content" / "b.yaml", "--profile", "print") == 0
    (record,) = caplog.records
    assert record.getMessage().startswith(
        "b: page 1: picture 'a scanned photograph' (216 × 144 px) prints at 96 dpi at its "
        "placed size; print needs 300 dpi"
    )


def test_a_high_resolution_picture_passes(
    project: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    folder = low_res_project(project, 2400)  # scaled down to the column: over 300 dpi
    caplog.set_level(logging.WARNING)
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf", profile="print")
    assert not caplog.records
