"""`pressbrief new`: a scaffold that validates, never overwriting anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import run


def test_new_brief_passes_check(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("organization:\n  name: Test Org\n  short_name: TO\n")
    assert run("new", "school-funding", "--project", folder) == 0
    created = folder / "content" / "school-funding.yaml"
    assert capsys.readouterr().out.strip() == str(created)
    assert "title: School funding" in created.read_text()
    assert run("check", folder) == 0
    assert capsys.readouterr().out.strip() == "1 document OK (1 issue-brief)"


def test_new_refuses_to_overwrite_and_bad_slugs(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project()
    assert run("new", "a-brief", "-p", folder) == 0
    (folder / "content" / "a-brief.yaml").write_text("title: mine\n")
    assert run("new", "a-brief", "-p", folder) == 6
    assert "already exists" in capsys.readouterr().err
    assert (folder / "content" / "a-brief.yaml").read_text() == "title: mine\n"
    assert run("new", "My Brief!", "-p", folder) == 6
    assert "e.g. 'my-brief'" in capsys.readouterr().err


def test_a_slug_too_long_for_a_file_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("new", "a" * 300, "-p", tmp_path) == 6
    assert "is 300 characters long; keep a slug under 100" in capsys.readouterr().err
