"""Shared fixtures: the example project, a scratch project factory, PDF helpers."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from pressbrief.assets import LAYOUTS_DIR
from pressbrief.cli import main

REPO = Path(__file__).resolve().parent.parent
# A copy of ../shared/seeds/jhi-on-the-issues-2016-russia-syria.txt
SEED = REPO / "tests" / "fixtures" / "jhi-on-the-issues-2016-russia-syria.txt"

MINIMAL = """\
title: A Minimal Brief
summary: One sentence of summary.
talking_points:
  - One point.
"""


def normalise(text: str) -> str:
    """Text compared letter by letter: no case, white space, hyphens or quote styles."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u00ad", "")
    return re.sub(r"[\s\-\u2010]+", "", text).casefold()


def word_box(pdf: Path, word: str) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of `word` on the first page, in points from the top left."""
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage()
    found = text.search(word).get_next()
    assert found, f"{word!r} not on the page"
    start, count = found
    boxes = [text.get_charbox(i) for i in range(start, start + count)]
    height = page.get_height()
    document.close()
    return (
        min(b[0] for b in boxes),
        height - max(b[3] for b in boxes),
        max(b[2] for b in boxes),
        height - min(b[1] for b in boxes),
    )


def pdf_text(path: Path) -> str:
    """All text pypdf extracts from a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def embedded_fonts(path: Path) -> set[str]:
    """The /BaseFont names of the fonts a PDF's pages use (subset tag dropped), each
    checked to be embedded."""
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, "not embedded"
                names.add(str(font["/BaseFont"]).split("+", 1)[-1].lstrip("/"))
    return names


def structure(path: Path) -> tuple[list[str], list[str]]:
    """The structure tree's element types in reading order, and every /Alt text."""
    kinds: list[str] = []
    alts: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object()  # type: ignore[attr-defined]
        if isinstance(node, dict):
            if "/S" in node:
                kinds.append(str(node["/S"]))
            if "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return kinds, alts


def own_layout(folder: Path, edit: Callable[[str], str] = str, name: str = "issue-brief") -> Path:
    """The built-in layout `name` copied into the project `folder` as its own, with `edit`
    applied to its template; the copy's folder."""
    own = folder / "layouts" / name
    shutil.copytree(LAYOUTS_DIR / name, own)
    template = own / "template.html"
    template.write_text(edit(template.read_text()))
    return own


def run(*args: str | Path) -> int:
    """Run the CLI in-process, returning its exit code."""
    return main([str(a) for a in args])


@pytest.fixture(scope="session")
def example_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example project built once into a scratch dist/ folder."""
    out = tmp_path_factory.mktemp("dist")
    assert run("build", REPO, "-o", out, "--force") == 0
    out = out / "briefs"
    return out


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Make a scratch project: project(config_text, **{slug: brief_text}) → its folder."""

    def make(config: str | None = "", **briefs: str) -> Path:
        (tmp_path / "content").mkdir(exist_ok=True)
        if config is not None:
            (tmp_path / "pressbrief.yaml").write_text(config, encoding="utf-8")
        for slug, text in briefs.items():
            (tmp_path / "content" / f"{slug}.yaml").write_text(text, encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def with_logo(tmp_path: Path) -> str:
    """A project config with the example logo copied in."""
    (tmp_path / "assets").mkdir()
    shutil.copy(REPO / "assets" / "logo.svg", tmp_path / "assets" / "logo.svg")
    return "organization:\n  name: Test Org\n  logo: assets/logo.svg\n  logo_alt: Test emblem\n"
