"""Fit in both directions: a layout's steps obey the designer's rules, briefs of every
length fill their page without empty bands, predictions need few layouts, headlines break
well, overflow is reported honestly, hyphenation leaves names and paragraph ends whole."""

from __future__ import annotations

import dataclasses
import shutil
from functools import cache
from pathlib import Path

import pytest

from pressbrief.config import load_config
from pressbrief.content import load_briefs
from pressbrief.fit import Fitted
from pressbrief.layouts import available, find_layout
from pressbrief.render import render_pdf

from .conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "fit"
BRIEFS = sorted((REPO / "content").glob("*.yaml")) + sorted(FIXTURES.glob("*.yaml"))
"""The example briefs, and three more: short (about 250 words), medium, at the limit."""
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
    (brief,) = load_briefs([path], config, available(config.root))
    result, _ = render_pdf(brief, config)
    return result


def empty_bands(result: Fitted) -> list[float]:
    """Heights of the empty horizontal bands on the page: between the blocks, and from
    the last block to the foot of the text area."""
    from weasyprint.formatting_structure.boxes import LineBox

    page = result.pages.rendered.pages[0]._page_box
    spans = []
    for box in page.children[0].descendants():
        style = getattr(box, "style", None)
        if isinstance(box, LineBox) or (
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
