"""Project folder → its config and brief files; slug → a new brief scaffolded from a template.

A project is a folder with a pressbrief.yaml (or none: built-in defaults) and briefs in
`content/*.yaml`; which project a file belongs to is `project_root_of` (from `config`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ProjectError
from .config import CONTENT_DIR, KITS_DIR, load_config
from .config import project_root_of as project_root_of  # the one rule, beside find_config
from .model import Config

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Project:
    """A project's config, its brief files and its kit files, sorted by name."""

    config: Config
    briefs: tuple[Path, ...]
    kits: tuple[Path, ...] = ()

    @property
    def root(self) -> Path:
        """The project folder."""
        assert self.config.root is not None
        return self.config.root


def open_project(folder: Path, defaults: bool = False) -> Project:
    """The project in `folder` (its config found as `config.find_config` does; with
    `defaults`, the built-in config in its place, for checking content when it is wrong)."""
    if not folder.is_dir():
        raise ProjectError(f"{folder}: no such folder")
    config = Config(root=project_root_of(folder)) if defaults else load_config(folder)
    assert config.root is not None
    content = config.root / CONTENT_DIR
    if not content.is_dir():
        raise ProjectError(
            f"{config.root}: no {CONTENT_DIR}/ folder with briefs; "
            f"create one with `pressbrief new SLUG`"
        )
    return Project(config, _yaml_files(content), _yaml_files(config.root / KITS_DIR))


def _yaml_files(folder: Path) -> tuple[Path, ...]:
    """Every NAME.yaml and NAME.yml in `folder` but hidden ones (editor files); what is not
    a regular file is listed too, to be refused by name when read."""
    if not folder.is_dir():
        return ()
    return tuple(
        sorted(
            p
            for p in folder.iterdir()
            if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")
        )
    )


def slug_clashes(files: Iterable[Path]) -> list[Problem]:
    """A problem for each of two or more files with one slug (x.yaml and x.yml): they
    would be written to one PDF."""
    by_slug: dict[str, list[Path]] = {}
    for file in files:
        by_slug.setdefault(file.stem, []).append(file)
    return [
        Problem(
            file,
            1,
            "",
            f"{' and '.join(f.name for f in same)} would both be written as "
            f"{slug}.pdf; rename or remove one",
        )
        for slug, same in by_slug.items()
        if len(same) > 1
        for file in same
    ]


_TEMPLATE = """\
# A new issue brief. Text fields take Markdown: *emphasis*, **strong**, [links](https://…).
# `pressbrief check` validates it; `pressbrief render {path}` makes the PDF.
series: {series}
title: {title}
date: {today}
status: draft
statement:
  label: Candidate Statement
  context: Where and when it was said.
  quote: The words quoted, without quotation marks.
  speaker: Who said it
summary: >-
  Two or three sentences a reporter can use as they are.
talking_points:
  - The first point, one or two sentences.
  - The second point.
  - The third point.
analysis: |-
  A paragraph of analysis.

  Another paragraph.
press_questions:
  - A question the press should be asking?
"""


def new_brief(slug: str, folder: Path, today: str) -> Path:
    """Write `content/SLUG.yaml` in the project at `folder`; never overwrites a file."""
    if len(slug) > 100:
        raise ProjectError(f"'{slug[:40]}…' is {len(slug)} characters long; keep a slug under 100")
    if not _SLUG.fullmatch(slug):
        hint = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "my-brief"
        raise ProjectError(
            f"'{slug}' is not a usable slug: use lower-case letters, digits and "
            f"hyphens, e.g. '{hint}'"
        )
    config = load_config(folder)
    assert config.root is not None
    path = config.root / CONTENT_DIR / f"{slug}.yaml"
    if path.exists():
        raise ProjectError(f"{path} already exists; choose another slug or edit that file")
    title = slug.replace("-", " ").capitalize()
    series = config.organization.short_name or config.organization.name
    text = _TEMPLATE.format(
        path=path.relative_to(config.root), series=series, title=title, today=today
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:
        file.write(text)
    return path
