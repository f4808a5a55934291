"""Project folder → validated briefs (`check_project`) or a PDF per brief (`build_project`).

A build validates every brief first, renders every valid one, and reports every failure
together at the end (`BuildError`): one bad brief never stops the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .content import load_brief
from .errors import BuildError, ContentError, PressbriefError, Problem
from .layouts import available
from .model import Brief
from .project import Project, open_project
from .render import Rendered, render_loaded

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """What `check_project` found: valid briefs and the problems of the others."""

    project: Project
    briefs: tuple[Brief, ...]
    problems: tuple[Problem, ...]


def check_project(folder: Path) -> Checked:
    """Validate the config and every brief of the project in `folder`; render nothing."""
    project = open_project(folder)
    types = available(project.root)
    problems: list[Problem] = []
    briefs = []
    for file in project.briefs:
        before = len(problems)
        brief = load_brief(file, project.config, types, problems)
        if brief is not None and len(problems) == before:
            briefs.append(brief)
    return Checked(project, tuple(briefs), tuple(problems))


def build_project(
    folder: Path, output: Path | None = None, *, allow_overflow: bool = False
) -> list[Rendered]:
    """Render every brief of the project in `folder` to `output` (default `dist/`)."""
    checked = check_project(folder)
    target = output or checked.project.root / "dist"
    failures: list[PressbriefError] = []
    if checked.problems:
        failures.append(ContentError(list(checked.problems)))
    rendered = []
    for brief in checked.briefs:
        try:
            rendered.append(
                render_loaded(
                    brief, checked.project.config, target / f"{brief.slug}.pdf", allow_overflow
                )
            )
        except PressbriefError as error:
            log.error("%s", error)
            failures.append(error)
    if failures:
        raise BuildError(failures, len(rendered))
    return rendered
