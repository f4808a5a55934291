"""Imposition: booklet order, n-up sheet sizes, searchable text, clear refusals; print
files stay PDF/X and compact; a warning for unreadable scaling; a booklet's back cover."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import weasyprint
from pypdf import PageObject, PdfReader
from pypdf.generic import RectangleObject

from pressbrief import BuildOptions, build_kit, impose_pdf
from pressbrief.build.impose import booklet_order

from .conftest import MINIMAL, pdf_text, run
from .test_print import PRINT, icc_streams


def numbered_pdf(folder: Path, count: int, size: str = "letter") -> Path:
    """A PDF of `count` pages saying "Page 1", "Page 2", …"""
    pages = "".join(f'<p style="break-after: page">Page {n}</p>' for n in range(1, count + 1))
    html = f"<style>@page {{ size: {size} }} p {{ font-size: 40pt }}</style>{pages}"
    path = folder / f"{count}-{size.replace(' ', '-')}.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    assert len(PdfReader(path).pages) == count
    return path


def numbers_on(page: PageObject) -> list[int]:
    """The page numbers printed on one sheet side, left to right, top down."""
    found: list[tuple[float, float, int]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip().startswith("Page"):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((-round(y), round(x), int(text.split()[1])))

    page.extract_text(visitor_text=visit)
    return [number for *_, number in sorted(found)]


def sides(path: Path) -> list[list[int]]:
    """For each sheet side, the page numbers printed on it."""
    return [numbers_on(page) for page in PdfReader(path).pages]


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, [(None, 0), (None, None)]),
        (4, [(3, 0), (1, 2)]),
        (7, [(None, 0), (1, 6), (5, 2), (3, 4)]),
        (8, [(7, 0), (1, 6), (5, 2), (3, 4)]),
    ],
)
def test_booklet_order(count: int, expected: list[tuple[int | None, int | None]]) -> None:
    assert booklet_order(count) == expected


@pytest.mark.parametrize("count", [1, 4, 7, 8])
def test_booklet_sheets_carry_the_right_pairs(tmp_path: Path, count: int) -> None:
    source = numbered_pdf(tmp_path, count)
    result = impose_pdf(source, tmp_path / "booklet.pdf", "booklet")
    expected = [[n + 1 for n in pair if n is not None] for pair in booklet_order(count)]
    assert sides(result.output) == expected
    assert result.sheets == len(expected) and result.sheets % 2 == 0
    if count == 8:
        assert sides(result.output) == [[8, 1], [2, 7], [6, 3], [4, 5]]


def test_n_up_sheet_sizes(tmp_path: Path) -> None:
    letter, a4 = numbered_pdf(tmp_path, 5), numbered_pdf(tmp_path, 5, "a4")
    cases = [
        (letter, "2-up", False, None, (1224, 792)),  # Letter → Tabloid
        (a4, "2-up", False, None, (1191, 842)),  # A4 → A3
        (letter, "2-up", True, None, (792, 612)),  # scaled onto Letter
        (letter, "4-up", False, None, (1224, 1584)),
        (letter, "4-up", True, None, (612, 792)),
        (letter, "2-up", False, "tabloid", (1224, 792)),
    ]
    for source, layout, fit, sheet, size in cases:
        out = tmp_path / f"{layout}-{fit}-{sheet}.pdf"
        impose_pdf(source, out, layout, fit=fit, sheet=sheet)
        box = PdfReader(out).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size, (layout, fit)
    assert sides(tmp_path / "4-up-True-None.pdf") == [[1, 2, 3, 4], [5]]


def test_text_stays_searchable_and_marks_are_drawn(tmp_path: Path) -> None:
    source = numbered_pdf(tmp_path, 4)
    plain = impose_pdf(source, tmp_path / "plain.pdf", "2-up").output
    marked = impose_pdf(source, tmp_path / "marked.pdf", "2-up", marks=True).output
    text = PdfReader(marked).pages[0].extract_text()
    assert "Page 1" in text and "Page 2" in text
    plain_ops = PdfReader(plain).pages[0].get_contents().get_data()  # type: ignore[union-attr]
    marked_ops = PdfReader(marked).pages[0].get_contents().get_data()  # type: ignore[union-attr]
    assert marked_ops.count(b" l") > plain_ops.count(b" l")
    again = impose_pdf(source, tmp_path / "again.pdf", "2-up", marks=True).output
    assert again.read_bytes() == marked.read_bytes()


def test_impossible_requests_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    landscape = numbered_pdf(tmp_path, 4, "17in 11in")
    out = tmp_path / "out.pdf"
    assert run("impose", landscape, "-o", out, "--layout", "booklet", "--sheet", "letter") == 8
    err = capsys.readouterr().err
    assert "2 pages of 17.00 × 11.00 in need a 34.00 × 11.00 in sheet; the letter sheet is " in err
    assert "Use --fit to scale the pages down" in err
    assert not out.exists()
    assert run("impose", landscape, "-o", out, "--layout", "bookelt") == 8
    assert (
        "unknown imposition layout 'bookelt' (did you mean 'booklet'?)" in capsys.readouterr().err
    )
    text = tmp_path / "notes.pdf"
    text.write_text("not a PDF at all")
    assert run("impose", text, "-o", out, "--layout", "2-up") == 8
    assert f"{text}: not a PDF" in capsys.readouterr().err
    assert not out.exists()
    assert (
        run("impose", landscape, "-o", out, "--layout", "booklet", "--sheet", "letter", "--fit")
        == 0
    )
    assert len(PdfReader(out).pages) == 2


def test_damaged_pdfs_are_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pypdf import PdfWriter

    flat = tmp_path / "flat.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.pages[0].mediabox = RectangleObject([0, 0, 0, 0])
    writer.write(flat)
    liar = tmp_path / "liar.pdf"  # a page whose content stream claims a gigabyte
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.write(liar)
    liar.write_bytes(
        liar.read_bytes().replace(b"/Type /Page\n", b"/Type /Page /Contents 9 0 R\n", 1)
        + b"9 0 obj << /Length 999999999 >> stream\nq Q\nendstream endobj\n"
    )
    for source in (flat, liar):
        code = run("impose", source, "-o", tmp_path / "out.pdf", "--layout", "2-up")
        err = capsys.readouterr().err
        assert code == 8, err
        assert str(source) in err and "Traceback" not in err
        assert not (tmp_path / "out.pdf").exists()
    assert run("impose", flat, "-o", flat, "--layout", "2-up") == 8
    assert "is the PDF being imposed" in capsys.readouterr().err


def test_an_imposed_print_kit_stays_pdf_x_compact_with_a_back_cover(
    project: Callable[..., Path], with_logo: str
) -> None:
    contact = "contact:\n  name: Press Office\n  email: press@test.example\n  phone: 555-0100\n"
    folder = project(with_logo + contact + PRINT, a=MINIMAL)
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text("title: K\nbriefs: [a]\n")
    options = BuildOptions(jobs=1, profile="print")
    (kit,) = build_kit(folder / "kits" / "k.yaml", folder / "k.pdf", options)
    assert len(PdfReader(kit.output).pages) == 3  # cover, contents, a: padded with one page
    imposed = impose_pdf(kit.output, folder / "booklet.pdf", "booklet", fit=True).output
    reader = PdfReader(imposed)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    (intent,) = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFX"
    assert icc_streams(reader) == 1, "the CMYK profile is embedded more than once"
    assert imposed.stat().st_size < 1.2 * kit.output.stat().st_size
    for sheet in reader.pages:  # placed by their trim: Letter pages on a Letter sheet
        assert [round(float(v)) for v in sheet.mediabox] == [0, 0, 792, 612]
        trim = [float(v) for v in sheet.trimbox]
        assert trim[0] == 0 and trim[2] == 792 and 0 < trim[1] < trim[3] < 612
    text = pdf_text(imposed)
    assert "page 1 of 3" not in text, "the kit's slug line was imposed too"
    back = reader.pages[0]  # sheet 1: the back cover | the front cover
    found: list[tuple[float, str]] = []
    back.extract_text(
        visitor_text=lambda t, cm, tm, *_: found.append((tm[4] * cm[0] + cm[4], t.strip()))
    )
    left = " ".join(t for x, t in found if t and x < 792 / 2)
    for expected in ("Test Org", "Press contact", "press@test.example", "555-0100"):
        assert expected.casefold() in left.casefold(), left


def small_type_pdf(folder: Path, size: str) -> Path:
    """A 5-page PDF of `size` pages whose body text is 9 pt (and one 20 pt heading)."""
    body = "<p>" + "Body text of the brief, set in nine point type. " * 40 + "</p>"
    pages = "".join(f'<h1 style="break-before: page">Part {n}</h1>{body}' for n in range(5))
    html = f"<style>@page {{ size: {size} }} p {{ font-size: 9pt }} h1 {{ font-size: 20pt }}"
    path = folder / f"small-{size}.pdf"
    weasyprint.HTML(string=html + f"</style>{pages}").write_pdf(path)
    return path


@pytest.mark.parametrize(("size", "sheet"), [("letter", "tabloid"), ("a4", "a3")])
def test_fit_warns_when_the_body_text_becomes_unreadable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, size: str, sheet: str
) -> None:
    source = small_type_pdf(tmp_path, size)
    caplog.set_level(logging.WARNING, logger="pressbrief.build.impose")
    impose_pdf(source, tmp_path / "2-up.pdf", "2-up")  # full size: nothing to say
    assert not [r for r in caplog.records if "scaled" in r.getMessage()]
    impose_pdf(source, tmp_path / "booklet.pdf", "booklet", fit=True)
    (record,) = [r for r in caplog.records if "scaled" in r.getMessage()]
    scale = {"letter": 65, "a4": 71}[size]
    assert record.getMessage() == (
        f"{source}: the pages are scaled to {scale} %, so 9.0 pt body text prints at "
        f"{9 * scale / 100:.1f} pt, under 8 pt; a {sheet} sheet (--sheet {sheet}) keeps it "
        "at 9.0 pt"
    )
