"""The bundled example project: the seed brief, faithfully, on one page, tagged and branded."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from .conftest import REPO, SEED, embedded_fonts, normalise, pdf_text, structure

BUNDLED_FAMILIES = ("Inter", "Noto-Serif")  # as WeasyPrint names them in /BaseFont


def is_bundled(names: set[str]) -> bool:
    return all(name.startswith(BUNDLED_FAMILIES) and "DejaVu" not in name for name in names)


def seed_sentences() -> list[str]:
    """The seed's sentences, its series, title and section labels each standing alone."""
    text = SEED.read_text(encoding="utf-8").replace("•", "\n")
    text = re.sub(r"^(.*?): ", r"\1\n", text, count=1)  # "Series: Title"
    text = re.sub(r"^(\w[\w ]+):", r"\1\n", text, flags=re.MULTILINE)  # "Summary:" labels
    pieces = re.split(r"\n|(?<=[a-z)”\"][.?])\s+(?=[A-Z“\"])", text)
    return [p.strip() for p in pieces if p.strip()]


def test_every_sentence_of_the_seed_is_in_the_pdf(example_dist: Path) -> None:
    text = normalise(pdf_text(example_dist / "russia-syria.pdf"))
    sentences = seed_sentences()
    assert len(sentences) >= 29
    assert "Can the U.S. Cooperate with Russia in Syria?" in sentences
    missing = [s for s in sentences if normalise(s) not in text]
    assert missing == []


def test_each_example_is_one_page(example_dist: Path) -> None:
    pdfs = sorted(example_dist.glob("*.pdf"))
    examples = sorted((REPO / "content").glob("*.yaml"))
    assert len(examples) >= 3 and [p.name for p in pdfs] == [f"{e.stem}.pdf" for e in examples]
    assert all(len(PdfReader(p).pages) == 1 for p in pdfs)


def test_only_bundled_fonts_are_embedded(example_dist: Path) -> None:
    for pdf in example_dist.glob("*.pdf"):
        fonts = embedded_fonts(pdf)
        assert fonts, pdf
        assert is_bundled(fonts), (pdf, fonts)


def test_cyrillic_and_greek_print_in_bundled_fonts(example_dist: Path) -> None:
    pdf = example_dist / "energy-winter.pdf"
    text = pdf_text(pdf).replace("\u00a0", " ")  # a name is kept on one line
    assert "Катерина Бондаренко" in text
    assert "Παπαδόπουλος" in text
    assert is_bundled(embedded_fonts(pdf))


def test_metadata(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "russia-syria.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Can the U.S. Cooperate with Russia in Syria?"
    assert meta.author == "John Hay Initiative"
    assert meta.subject == "JHI on the Issues 2016: Issue brief"
    assert meta["/Keywords"] == "Russia, Syria, ISIS, foreign policy, 2016 election"
    assert str(meta["/Producer"]).startswith("WeasyPrint")
    dated = PdfReader(example_dist / "broadband-compact.pdf").metadata
    assert dated is not None and dated["/CreationDate"].startswith("D:20260312")


def test_tagged_with_language_title_and_alt_text(example_dist: Path) -> None:
    reader = PdfReader(example_dist / "russia-syria.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-US"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    kinds, alts = structure(example_dist / "russia-syria.pdf")
    # Reading order: the headline before the list items, paragraphs throughout.
    assert "/H1" in kinds and "/P" in kinds and "/LI" in kinds
    assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/LI")
    assert kinds.count("/H2") == 5  # statement, summary, points, analysis, questions
    assert "John Hay Initiative emblem" in alts
