"""Rendering: determinism, fit-to-page, overflow, drafts, embargoes, paper, atomic output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressbrief import render_brief

from .conftest import MINIMAL, REPO, embedded_fonts, pdf_text, run

LONG_POINT = (
    "This talking point is long on purpose, so that the brief needs its layout "
    "tightened before it fits on a single page of paper. "
)


def brief_with(points: int, words: int = 3) -> str:
    items = "".join(f"  - {LONG_POINT * words}\n" for _ in range(points))
    return f"title: Long\nsummary: A summary.\ntalking_points:\n{items}"


def test_same_input_same_bytes_across_processes(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.pdf", "b.pdf"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pressbrief",
                "render",
                REPO / "content" / "broadband-compact.yaml",
                "-o",
                tmp_path / name,
            ],
            check=True,
            capture_output=True,
        )
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_source_date_epoch_sets_the_dates(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(brief=MINIMAL)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1476057600")  # 2016-10-10 00:00 UTC
    result = render_brief(folder / "content" / "brief.yaml", folder / "out.pdf")
    meta = PdfReader(result.output).metadata
    assert meta is not None and meta["/CreationDate"].startswith("D:20161010000000")


def test_a_long_brief_is_tightened_to_fit(project: Callable[..., Path]) -> None:
    folder = project(long=brief_with(points=13))
    result = render_brief(folder / "content" / "long.yaml", folder / "long.pdf")
    assert result.pages == 1
    assert result.step not in ("regular", "ample")
    assert result.renders <= 3


@pytest.mark.parametrize("points", [2, 11, 13, 15])
def test_fit_chooses_a_step_that_fills_the_page_within_bounds(
    project: Callable[..., Path], points: int
) -> None:
    from pressbrief.content.config import load_config
    from pressbrief.content.read import load_briefs
    from pressbrief.typeset.fit import fit_one_page, fits
    from pressbrief.typeset.render import parse_brief

    folder = project(long=brief_with(points=points))
    config = load_config(folder)
    (brief,) = load_briefs([folder / "content" / "long.yaml"], config)
    parsed, layout = parse_brief(brief, config)
    assert layout.fit.fill is not None
    low, high = layout.fit.fill
    laid = [parsed.layout(step.css()) for step in layout.fit.steps]
    good = [
        i
        for i, pages in enumerate(laid)
        if fits(pages) and pages.height / pages.page_height <= high
    ]
    fitted = fit_one_page(parsed, layout.fit, brief)
    chosen = layout.fit.steps.index(fitted.step)
    if not good:  # fuller than the bound at every step: the roomiest that fits at all
        good = [next(i for i, pages in enumerate(laid) if fits(pages))]
    assert chosen in good
    if fitted.fill < low:  # only when no roomier step stays within bounds
        assert chosen == min(good)
    assert fitted.renders <= 3


def test_a_brief_that_cannot_fit_fails_and_writes_nothing(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(huge=brief_with(points=30))
    out = folder / "huge.pdf"
    assert run("render", folder / "content" / "huge.yaml", "-o", out) == 3
    err = capsys.readouterr().err
    assert "huge.yaml: does not fit on one page, even at the tightest step ('floor')" in err
    assert re.search(r"about \d+ lines \(\d+ words\) too long", err)
    assert "Longest sections: talking_points (" in err
    assert not out.exists()
    assert list(folder.glob(".huge.pdf*")) == []


def test_allow_overflow_writes_every_page(project: Callable[..., Path]) -> None:
    folder = project(huge=brief_with(points=30))
    out = folder / "huge.pdf"
    assert run("render", folder / "content" / "huge.yaml", "-o", out, "--allow-overflow") == 0
    assert len(PdfReader(out).pages) > 1
    assert pdf_text(out).count("This talking point is long on purpose") == 90


def test_draft_watermark_and_embargo_banner(project: Callable[..., Path]) -> None:
    folder = project(b=MINIMAL + "status: draft\nembargo: 2026-11-23T09:00:00-05:00\n")
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    text = pdf_text(folder / "b.pdf")
    assert "DRAFT" in text
    assert "EMBARGOED UNTIL 9:00 A.M. UTC−5, MONDAY, NOVEMBER 23, 2026" in text


def test_a4_paper(project: Callable[..., Path]) -> None:
    folder = project("paper: a4\n", b=MINIMAL)
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    box = PdfReader(folder / "b.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_unwritable_output_is_a_clear_error(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    (folder / "taken").write_text("a file, not a folder")
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "taken" / "b.pdf") == 5
    assert "cannot write the PDF" in capsys.readouterr().err


def test_existing_pdf_survives_a_failed_render(project: Callable[..., Path]) -> None:
    folder = project(huge=brief_with(points=30))
    out = folder / "huge.pdf"
    out.write_bytes(b"%PDF- the previous good version")
    assert run("render", folder / "content" / "huge.yaml", "-o", out) == 3
    assert out.read_bytes() == b"%PDF- the previous good version"


def test_check_does_not_import_weasyprint() -> None:
    code = (
        f"import sys; from pressbrief.cli import main; rc = main(['check', {str(REPO)!r}]); "
        "assert not {'weasyprint', 'pypdf'} & set(sys.modules), 'renderer imported'; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert done.returncode == 0, done.stderr
    documents = len(list((REPO / "content").glob("*.yaml")))
    assert done.stdout.strip().startswith(f"{documents} documents OK (")


def test_a_brief_without_a_project_uses_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "solo.yaml").write_text(MINIMAL)
    assert run("render", tmp_path / "solo.yaml") == 0
    text = pdf_text(tmp_path / "solo.pdf")
    assert "A Minimal Brief" in text and "pressbrief" in text


def test_accented_latin_cyrillic_and_greek_names(project: Callable[..., Path]) -> None:
    names = "Zoë Ñúñez, Łódź, Dvořák, Øresund, Київ, Ελλάδα, Škoda, İstanbul"
    folder = project(b=MINIMAL + f"series: {names}\n")
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    assert names in " ".join(pdf_text(folder / "b.pdf").split())  # the footer wraps it


def test_arabic_hebrew_and_devanagari_words_print_in_the_bundled_noto_faces(
    project: Callable[..., Path],
) -> None:
    words = "مرحبا, שלום, नमस्ते"
    folder = project(b=f"title: Hello {words}\nsummary: Hello {words}.\ntalking_points:\n  - x\n")
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    fonts = embedded_fonts(folder / "b.pdf")
    heading = {"Noto-Sans-Arabic-Bold", "Noto-Sans-Hebrew-Bold", "Noto-Sans-Devanagari-Bold"}
    body = {"Noto-Naskh-Arabic", "Noto-Serif-Hebrew", "Noto-Serif-Devanagari"}
    assert heading | body <= fonts
    assert all(name.startswith(("Inter", "Noto")) for name in fonts), fonts
    assert "שלום" in pdf_text(folder / "b.pdf")
