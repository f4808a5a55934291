"""Fit in both directions: a layout's steps obey the designer's rules, briefs of every
length fill their page without empty bands, predictions need few layouts, headlines break
well, overflow is reported honestly, hyphenation leaves names and paragraph ends whole."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from pressbrief.content.config import load_config
from pressbrief.content.read import load_briefs
from pressbrief.typeset.fit import Fitted
from pressbrief.typeset.layouts import find_layout
from pressbrief.typeset.render import render_pdf

from .conftest import REPO, pdf_text, run

FIXTURES = REPO / "tests" / "fixtures" / "fit"


def _fills(path: Path) -> bool:
    """Whether the document's type fills its page (a `fill` target), as the issue brief
    does; a press release or a statement is never inflated."""
    name = yaml.safe_load(path.read_text(encoding="utf-8")).get("type") or "issue-brief"
    fit = find_layout(name, REPO).fit
    return fit.fill is not None and fit.pages == 1


BRIEFS = [
    path
    for path in sorted((REPO / "content").glob("*.yaml")) + sorted(FIXTURES.glob("*.yaml"))
    if _fills(path)
]
"""The example briefs of types that fill their page, and three more: short (about 250
words), medium, at the limit."""
INCH = 96  # CSS pixels, WeasyPrint's layout unit


def points(value: str) -> float:
    assert value.endswith("pt"), value
    return float(value[:-2])


def test_the_issue_brief_steps_obey_the_designers_rules() -> None:
    fit = find_layout("issue-brief", None).fit
    steps = [dict(step.variables) for step in fit.steps]
    for name, step in zip((s.name for s in fit.steps), steps, strict=True):
        size, leading = points(step["size"]), float(step["leading"])
        assert size <= 11.5, name
        assert leading >= 1.25, name
        assert points(step["gap"]) >= size * leading - 0.01, f"{name}: gap under one line"
        assert float(step["quote"].removesuffix("em")) >= 1.15, name
    assert len({step["title"] for step in steps}) <= 2  # the headline moves one step at most
    titles = [points(step["title"]) for step in steps]
    assert titles == sorted(titles, reverse=True)
    assert [s.scale for s in fit.steps] == sorted((s.scale for s in fit.steps), reverse=True)
    assert fit.fill is not None and fit.steps[fit.natural].name == "regular"
    # the tightest steps set two columns, rather than leading under 1.25
    assert steps[-1]["columns"] == "2" and steps[fit.natural]["columns"] == "auto"


@cache
def fitted(path: Path, paper: str) -> Fitted:
    config = dataclasses.replace(load_config(path), paper=paper)
    (brief,) = load_briefs([path], config)
    result, _, _ = render_pdf(brief, config)
    return result


def empty_bands(result: Fitted) -> list[float]:
    """Heights of the empty horizontal bands on the page: between the blocks (lines of
    text, rules, backgrounds, pictures and charts), and from the last block to the foot of
    the text area."""
    from weasyprint.formatting_structure.boxes import LineBox, ReplacedBox

    page = result.pages.rendered.pages[0]._page_box
    spans = []
    for box in page.children[0].descendants():
        style = getattr(box, "style", None)
        if isinstance(box, LineBox | ReplacedBox) or (
            style is not None and (style["border_bottom_width"] or style["background_color"].alpha)
        ):
            spans.append((box.position_y, box.position_y + box.border_height()))
    spans.sort()
    bands, reached = [], page.content_box_y()
    for top, bottom in spans:
        bands.append(top - reached)
        reached = max(reached, bottom)
    bands.append(page.content_box_y() + page.height - reached)
    return bands


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project with the three extra briefs in its content folder."""
    folder = tmp_path_factory.mktemp("fit")
    shutil.copytree(REPO / "assets", folder / "assets")
    shutil.copy(REPO / "pressbrief.yaml", folder)
    (folder / "content").mkdir()
    for path in BRIEFS:
        shutil.copy(path, folder / "content")
    return folder


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("name", [path.stem for path in BRIEFS])
def test_briefs_of_every_length_fill_their_page(examples: Path, name: str, paper: str) -> None:
    result = fitted(examples / "content" / f"{name}.yaml", paper)
    assert result.pages.count == 1
    assert 0.85 <= result.fill <= 0.97, f"{result.step.name}: {result.fill:.1%} full"
    assert max(empty_bands(result)) <= INCH, "an empty band taller than an inch"
    assert result.renders <= 3


def test_a_series_keeps_its_headline_size(examples: Path) -> None:
    paths = sorted((examples / "content").glob("*.yaml"))
    sizes = {dict(fitted(path, "letter").step.variables)["title"] for path in paths}
    assert len(sizes) <= 2


TRIMMABLE_POINTS = """\
  - text: An extra point of low priority that repeats what the analysis says about paper
      ballots and audits, at some length, so that the brief runs over its page by a few
      lines; it goes on to say again that audits which check paper records against the
      machine count are the surest protection, and that many states still lack them.
    priority: low
  - text: A sixth point, written with a low priority, that the brief can do without.
    priority: low
  - text: A seventh point, of medium priority, kept unless every low-priority part is gone.
    priority: medium
"""


def limit_project(project: Callable[..., Path], points: str = "", more: str = "") -> Path:
    """A project holding the brief at the limit of one page, with `points` added to its
    talking points and `more` to its analysis."""
    text = (FIXTURES / "limit-cyber.yaml").read_text()
    text = text.replace("analysis: |-\n", points + "analysis: |-\n", 1)
    text = text.replace("related:\n", more + "related:\n", 1) if more else text
    return project(limit=text)


def test_trim_drops_the_lowest_priority_parts_only_when_asked(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = limit_project(project, TRIMMABLE_POINTS, "priority: {related: low}\n")
    brief, out = folder / "content" / "limit.yaml", folder / "limit.pdf"
    assert run("render", brief, "-o", out) == 3  # without the option nothing is dropped
    assert not out.exists()
    assert run("render", brief, "-o", out, "--trim") == 0
    said = capsys.readouterr().out
    # low parts go first, the last item first; the medium one stays while low ones help
    assert "trimmed to fit, dropped talking point 8 ('A sixth point, written with a…')" in said
    text = " ".join(pdf_text(out).split())
    assert "A sixth point" not in text
    assert "seventh point" in text
    dropped_extra = "talking point 7 ('An extra point of low priority…')" in said
    assert ("An extra point" in text) != dropped_extra  # dropped only if it had to be
    subject = PdfReader(out).metadata["/Subject"]
    assert "Trimmed to fit one page, dropped: talking point 8 ('A sixth point" in subject


def test_fit_trim_in_the_document_asks_for_it_too(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = limit_project(project, TRIMMABLE_POINTS)
    brief = folder / "content" / "limit.yaml"
    brief.write_text("fit: trim\n" + brief.read_text())
    assert run("render", brief, "-o", folder / "limit.pdf") == 0
    assert "dropped talking point 8" in capsys.readouterr().out


def test_an_overflow_is_reported_as_the_amount_to_cut(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    extra = " ".join(f"word{i}" for i in range(90))
    folder = limit_project(project)
    brief = folder / "content" / "limit.yaml"
    text = brief.read_text()
    brief.write_text(
        text.replace("  None of this requires", f"  {extra}\n\n  None of this requires")
    )
    assert run("render", brief, "-o", folder / "limit.pdf") == 3
    said = re.search(r"about (\d+) lines? \((\d+) words?\) too long", capsys.readouterr().err)
    assert said is not None
    words = int(said[2])
    assert 1 <= words <= 90  # never more than was added: the page had room for some
    # cutting about the words it names makes it fit
    kept = " ".join(f"word{i}" for i in range(max(0, 90 - round(words * 1.25) - 10)))
    brief.write_text(
        text.replace("  None of this requires", f"  {kept}\n\n  None of this requires")
    )
    assert run("render", brief, "-o", folder / "limit.pdf") == 0


def test_an_allowed_overflow_is_set_roomy_and_names_itself_on_page_two(
    project: Callable[..., Path],
) -> None:
    folder = limit_project(project, more="")
    brief = folder / "content" / "limit.yaml"
    text = brief.read_text()
    analysis = text.split("analysis: |-\n", 1)[1].split("press_questions:", 1)[0]
    brief.write_text(text.replace(analysis, analysis + "\n" + analysis, 1))
    from pressbrief.typeset.render import render_brief

    result = render_brief(brief, folder / "long.pdf", allow_overflow=True)
    assert result.pages >= 2 and result.step == "regular"
    pages = [page.extract_text() for page in PdfReader(folder / "long.pdf").pages]
    title = "Is the United States Ready to Answer a Cyberattack on Its Elections?"
    assert all(f"{title} (continued)" in page for page in pages[1:])
    assert "(continued)" not in pages[0]
    last_line = pages[0].rstrip().splitlines()
    body = [line for line in last_line if not line.startswith(("JHI", "jhi"))]
    assert not body[-1].rstrip().endswith(("\u2010", "-"))  # no word split across the break


def hyphenated(result: Fitted) -> list[tuple[str, str, bool]]:
    """(end of a line broken by hyphenation, start of the next, whether the word broken is
    one of its paragraph's last two) for every paragraph of a fitted brief."""
    breaks = []
    for lines in result.pages.lines_of("p"):
        for index in range(len(lines) - 1):
            line, following = lines[index], lines[index + 1].split()
            if line.rstrip().endswith("\u2010"):
                ending = index == len(lines) - 2 and len(following) <= 2
                breaks.append((line.split()[-1], following[0], ending))
    return breaks


def test_hyphenation_leaves_names_short_fragments_and_paragraph_ends_whole(
    examples: Path,
) -> None:
    breaks = [
        found
        for path in sorted((examples / "content").glob("*.yaml"))
        for found in hyphenated(fitted(path, "letter"))
    ]
    assert len(breaks) > 10  # the justified text does hyphenate
    for before, after, last in breaks:
        assert len(before.rstrip("\u2010").lstrip("(“‘")) >= 3, before
        assert len(after.rstrip(".,;:!?”’)")) >= 3, after
        assert not before[0].isupper(), f"a name split: {before}{after}"
        assert not last, f"hyphenated in a paragraph's last two words: {before}{after}"


def test_headlines_break_without_a_lone_last_word(examples: Path) -> None:
    for path in sorted((examples / "content").glob("*.yaml")):
        (lines,) = fitted(path, "letter").pages.lines_of("h1")
        assert len(lines[-1].split()) > 1 or len(lines) == 1, lines
        if len(lines) == 2:  # balanced: the lines differ by less than a third
            short, long = sorted(len(line) for line in lines)
            assert short / long > 0.66, lines


def test_summary_points_and_questions_share_one_left_edge(examples: Path) -> None:
    from weasyprint.formatting_structure.boxes import LineBox

    result = fitted(examples / "content" / "broadband-compact.yaml", "letter")
    page = result.pages.rendered.pages[0]._page_box
    edges: dict[str, set[float]] = {}

    def walk(box: object, section: str | None) -> None:
        element = getattr(box, "element", None)
        classes = (element.get("class") or "") if element is not None else ""
        section = next((c for c in ("summary", "points", "questions") if c in classes), section)
        if isinstance(box, LineBox) and section and box.element.tag == "p":
            edges.setdefault(section, set()).add(round(box.position_x, 1))
        for child in getattr(box, "children", []):
            walk(child, section)

    walk(page.children[0], None)
    assert set(edges) == {"summary", "points", "questions"}
    assert len(set.union(*edges.values())) == 1, edges  # five near-miss edges before


def hyphens_at_column_breaks(pdf: bytes) -> list[str]:
    """Words hyphenated where the text moves up to the next column: a hyphenation
    character whose next letter sits higher on the page."""
    import pypdfium2 as pdfium

    found = []
    for page in pdfium.PdfDocument(pdf):
        text = page.get_textpage()
        chars = text.count_chars()
        for index in range(chars):
            if text.get_text_range(index, 1) != "\u2010":
                continue
            after = next(
                (i for i in range(index + 1, chars) if text.get_text_range(i, 1).strip()), None
            )
            if after is not None and text.get_charbox(after)[1] > text.get_charbox(index)[3]:
                found.append(text.get_text_range(max(0, index - 8), 16))
    return found


def test_no_word_is_hyphenated_across_a_column_break(examples: Path) -> None:
    # the seed with four talking points and a longer title: at the tightest step a word
    # of its analysis fell hyphenated at the foot of the first column
    data = yaml.safe_load((examples / "content" / "russia-syria.yaml").read_text())
    data["title"] = data["title"].replace("in Syria?", "in Syria (number 3)?")
    data["talking_points"] = data["talking_points"][:4]
    variant = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    brief = examples / "content" / "seed-variant.yaml"
    brief.write_text(variant)
    try:
        config = load_config(brief)
        (loaded,) = load_briefs([brief], config)
        result, pdf, _ = render_pdf(loaded, config)
    finally:
        brief.unlink()
    assert dict(result.step.variables)["columns"] == "2"
    assert hyphens_at_column_breaks(pdf) == []


def test_priorities_written_wrong_are_reported_at_their_lines(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(
        b="title: Bad priorities\nsummary: A summary.\nfit: trimm\n"
        "priority: {analysis: low, relatd: low, statement: urgent}\n"
        "talking_points:\n"
        "  - {text: One, priority: urgent}\n"
        "  - {txt: Two, priority: low}\n"
        "  - [not, a, point]\n"
        "  - Plain point.\n"
    )
    assert run("check", folder) == 1
    file = folder / "content" / "b.yaml"
    assert capsys.readouterr().err.splitlines() == [
        f"error: {file}:3: fit: 'trimm' is not allowed; expected one of 'shrink', 'trim' "
        "(did you mean 'trim'?)",
        f"{file}:4: priority.relatd: unknown field (did you mean 'related'?); allowed: "
        "statement, analysis, press_questions, related",
        f"{file}:4: priority.statement: 'urgent' is not allowed; expected one of 'low', 'medium'",
        f"{file}:6: talking_points[0].priority: 'urgent' is not allowed; expected one of "
        "'low', 'medium'",
        f"{file}:7: talking_points[1].text: required field is missing: The item's text (Markdown).",
        f"{file}:7: talking_points[1].txt: unknown field (did you mean 'text'?); allowed: "
        "text, priority",
        f"{file}:8: talking_points[2]: expected text, got a list",
    ]


def test_no_paragraph_or_quote_has_a_line_of_one_word(examples: Path) -> None:
    for path in sorted((examples / "content").glob("*.yaml")):
        for lines in fitted(path, "letter").pages.lines_of("p"):
            if len(lines) > 1:
                assert len(lines[-1].split()) > 1, f"{path.stem}: a runt: {lines[-2:]}"
                # nor does a line inside a paragraph hold one word (a loose break)
                alone = [line for line in lines[:-1] if len(line.split()) < 2]
                assert not alone, f"{path.stem}: a line of one word in {lines}"
