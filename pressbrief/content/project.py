"""Project folder → its config, document and kit files, and the document types it can
use; slug → a new document scaffolded from its type's schema.

A project is a folder with a pressbrief.yaml (or none: built-in defaults) and briefs in
`content/*.yaml`; which project a file belongs to is `project_root_of` (from `config`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..assets import LAYOUTS_DIR
from ..errors import ContentError, Problem, ProjectError
from ..files import write_atomic
from .config import CONTENT_DIR, KITS_DIR, load_config
from .config import project_root_of as project_root_of  # the one rule, beside find_config
from .model import Config, Document, Kit
from .read import load_brief, load_kit
from .schema import (
    PRIORITY_DOC,
    Schema,
    common_fields,
    describe,
    dumps,
    json_schema,
    scaffold,
)
from .types import available, lineage, schema_of
from .yamlfile import suggest

T = TypeVar("T")
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


@dataclass(frozen=True)
class Checked:
    """What `check_project` found: valid briefs and kits, and the problems of the others."""

    project: Project
    briefs: tuple[Document, ...]
    kits: tuple[Kit, ...]
    problems: tuple[Problem, ...]
    config_ok: bool = True
    """False when pressbrief.yaml has problems: the briefs and kits were then checked
    against the built-in defaults, so that every problem is reported in one run, and
    nothing may be built."""


def check_project(folder: Path) -> Checked:
    """Validate the config, every brief and every kit of the project in `folder`."""
    try:
        project, problems = open_project(folder), []
    except ContentError as error:  # the briefs and kits are still checked, in the same run
        project, problems = open_project(folder, defaults=True), list(error.problems)
    config_ok = not problems
    problems += [*slug_clashes(project.briefs), *slug_clashes(project.kits)]
    names = available(project.root)
    briefs = valid(project.briefs, problems, lambda f, p: load_brief(f, project.config, p, names))
    slugs = [file.stem for file in project.briefs]
    kits = valid(project.kits, problems, lambda f, p: load_kit(f, slugs, project.config, p))
    return Checked(project, tuple(briefs), tuple(kits), tuple(problems), config_ok)


def valid(
    files: Iterable[Path], problems: list[Problem], load: Callable[[Path, list[Problem]], T | None]
) -> list[T]:
    """Load each file, keeping only those without a problem (found now or before)."""
    loaded = [(file, load(file, problems)) for file in files]
    bad = {problem.file for problem in problems}
    return [item for file, item in loaded if item is not None and file not in bad]


SCHEMAS_DIR = "schemas"
"""Where `new` keeps the JSON Schema of each type it scaffolds, for editors."""


@dataclass(frozen=True)
class TypeInfo:
    """A document type a project can use."""

    schema: Schema
    folder: Path
    built_in: bool


def document_types(folder: Path) -> list[TypeInfo]:
    """Every document type the project at `folder` can use, by name."""
    root = project_root_of(folder)
    found = []
    for name in available(root):
        where = lineage(name, root)[0]
        built_in = where.is_relative_to(LAYOUTS_DIR.resolve())
        found.append(TypeInfo(schema_of(name, root), where, built_in))
    return found


def _schema_named(name: str, root: Path) -> Schema:
    names = available(root)
    if name not in names:
        raise ProjectError(
            f"no document type '{name}'{suggest(name, names)}; available: {', '.join(names)}"
        )
    return schema_of(name, root)


def type_reference(name: str, folder: Path) -> str:
    """The reference of type `name`'s fields, generated from its schema."""
    schema = _schema_named(name, project_root_of(folder))
    common = "\n".join(f"  {n}: {kind}. {doc}" for n, kind, doc in common_fields())
    extends = f" (extends {schema.extends})" if schema.extends else ""
    internal = (
        "\nInternal: never emailed to reporters without --internal." if schema.internal else ""
    )
    return (
        f"{schema.name}{extends}: {schema.doc}{internal}\n\nFields:\n{describe(schema)}"
        f"\n\nEvery document also has:\n{common}\n"
    )


def types_markdown(folder: Path) -> str:
    """Every type's field reference as Markdown (the README's section is this, generated:
    `pressbrief types --markdown`), the fields every document has at the end."""
    parts = []
    for found in document_types(folder):
        schema = found.schema
        extends = f" Extends `{schema.extends}`." if schema.extends else ""
        internal = " Internal: `email` refuses it without `--internal`." if schema.internal else ""
        parts.append(
            f"#### `{schema.name}`: {schema.called}\n\n{schema.doc}{extends}{internal}\n\n"
            f"{describe(schema, 'markdown')}\n"
        )
    common = "\n".join(f"| `{n}` | {kind} | {doc} |" for n, kind, doc in common_fields())
    parts.append(
        "#### Fields every document has\n\n| field | kind | what it is |\n|---|---|---|\n"
        f"{common}\n| `priority` | mapping | {PRIORITY_DOC} |\n"
    )
    return "\n".join(parts)


def type_json_schema(name: str, folder: Path) -> str:
    """Type `name`'s JSON Schema, as text (for `yaml-language-server`)."""
    return dumps(json_schema(_schema_named(name, project_root_of(folder))))


def new_brief(slug: str, folder: Path, today: str, type_name: str = "") -> Path:
    """Write `content/SLUG.yaml`, a draft of type `type_name` (default: the project's
    default type) in the project at `folder`, and the type's JSON Schema in `schemas/` for
    editors; never overwrites a document."""
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
    schema = _schema_named(type_name or config.default_type, config.root)
    path = config.root / CONTENT_DIR / f"{slug}.yaml"
    if path.exists():
        raise ProjectError(f"{path} already exists; choose another slug or edit that file")
    schema_file = config.root / SCHEMAS_DIR / f"{schema.name}.json"
    write_atomic(dumps(json_schema(schema)).encode(), schema_file)
    title = slug.replace("-", " ").capitalize()
    text = (
        f"# yaml-language-server: $schema=../{SCHEMAS_DIR}/{schema.name}.json\n"
        f"# A new {schema.called.lower()}. Fields marked Markdown take *emphasis*, **strong**,\n"
        f"# [links](https://…). `pressbrief types {schema.name}` lists every field;\n"
        f"# `pressbrief check` validates; `pressbrief render {path.relative_to(config.root)}` "
        "makes the PDF.\n"
        + (f"type: {schema.name}\n" if schema.name != config.default_type else "")
        + f"status: draft\ndate: {today}\n"
        + scaffold(schema, title, today)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:
        file.write(text)
    return path
