"""Project folder → its config and brief files; slug → a new brief scaffolded from a template.

A project is a folder with a pressbrief.yaml (or none: built-in defaults) and briefs in
`content/*.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config import find_config, load_config
from .errors import ProjectError
from .model import Config

CONTENT_DIR = "content"
KITS_DIR = "kits"
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


def project_root_of(file: Path) -> Path:
    """The project a brief or kit file belongs to: the folder of the nearest
    pressbrief.yaml, else the folder holding its content/ or kits/ folder."""
    config = find_config(file)
    if config is not None:
        return config.parent
    folder = file.resolve().parent
    return folder.parent if folder.name in (CONTENT_DIR, KITS_DIR) else folder


def open_project(folder: Path) -> Project:
    """The project in `folder` (its config found as `config.find_config` does)."""
    if not folder.is_dir():
        raise ProjectError(f"{folder}: no such folder")
    config = load_config(folder)
    assert config.root is not None
    content = config.root / CONTENT_DIR
    if not content.is_dir():
        raise ProjectError(
            f"{config.root}: no {CONTENT_DIR}/ folder with briefs; "
            f"create one with `pressbrief new SLUG`"
        )
    return Project(config, _yaml_files(content), _yaml_files(config.root / KITS_DIR))


def _yaml_files(folder: Path) -> tuple[Path, ...]:
    if not folder.is_dir():
        return ()
    return tuple(
        sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    )


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
