"""Layout lookup: a project's own layouts win; a missing layout names the search path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pressbrief import render_brief
from pressbrief.assets import LAYOUTS_DIR

from .conftest import MINIMAL, pdf_text, run


def test_a_project_layout_overrides_the_built_in(project: Callable[..., Path]) -> None:
    folder = project(b=MINIMAL)
    own = folder / "layouts" / "issue-brief"
    shutil.copytree(LAYOUTS_DIR / "issue-brief", own)
    template = own / "template.html"
    template.write_text(template.read_text().replace("Talking points", "Our message"))
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    text = pdf_text(folder / "b.pdf")
    assert "OUR MESSAGE" in text and "TALKING POINTS" not in text


def test_an_unknown_default_type_is_reported_per_brief(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("default_type: op-ed\n", b=MINIMAL)
    (folder / "layouts" / "op-ed").mkdir(parents=True)  # a folder without template.html
    assert run("render", folder / "content" / "b.yaml") == 1
    err = capsys.readouterr().err
    assert "type: unknown document type 'op-ed'; available: bio, issue-brief, qa" in err


def test_layout_error_lists_the_lookup_order() -> None:
    from pressbrief.errors import LayoutError
    from pressbrief.typeset.layouts import find_layout

    root = Path("/tmp/nowhere-project")
    with pytest.raises(LayoutError) as error:
        find_layout("issue-brif", root)
    assert str(error.value) == (
        "no layout named 'issue-brif' (did you mean 'issue-brief'?); looked in, in order:\n"
        f"  1. {root / 'layouts' / 'issue-brif'}\n"
        f"  2. {LAYOUTS_DIR.resolve() / 'issue-brif'}"
    )


def test_a_broken_project_template_is_a_layout_error(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    own = folder / "layouts" / "issue-brief"
    shutil.copytree(LAYOUTS_DIR / "issue-brief", own)
    (own / "template.html").write_text("<h1>{{ brief.titel }}</h1>")
    assert run("render", folder / "content" / "b.yaml") == 4
    err = capsys.readouterr().err
    assert "layout 'issue-brief' failed" in err and "titel" in err
