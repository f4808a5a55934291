"""Imposition: booklet order, n-up sheet sizes, searchable text, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from pypdf import PageObject, PdfReader
from pypdf.generic import RectangleObject

from pressbrief import impose_pdf
from pressbrief.impose import booklet_order

from .conftest import run


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
