"""A document type's name → its layout folder and `Schema` (layout.yaml, `extends`
resolved), over an explicit, ordered search path.

The search path is the project's own `layouts/` first, the built-in layouts last, so a
project's type of the same name wins. A document type is a folder there whose layout.yaml
declares its role ('brief' unless it says 'kit' or 'email') and its `schema:`; a type
that `extends: OTHER` inherits OTHER's fields (its own come after, and may replace one of
the same name), template, stylesheet and fit rule. Reading a schema imports nothing that
renders, so `check` stays quick.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..assets import LAYOUTS_DIR
from ..errors import LayoutError
from ..files import read_regular
from .schema import Schema, SchemaError, parse_field
from .yamlfile import MAX_FILE_BYTES, plain_yaml, suggest

_LAYOUT_KEYS = {
    "role",
    "doc",
    "label",
    "title",
    "dek",
    "notes",
    "internal",
    "extends",
    "schema",
    "fit",
}


def search_path(project_root: Path | None) -> list[Path]:
    """Folders searched for layouts, in order: the project's `layouts/`, then built-ins."""
    return list(_search_path(project_root))


@cache
def _search_path(project_root: Path | None) -> tuple[Path, ...]:
    path = [LAYOUTS_DIR.resolve()]
    if project_root is not None:
        own = (project_root / "layouts").resolve()
        if own != path[0]:
            path.insert(0, own)
    return tuple(path)


def available(project_root: Path | None, role: str = "brief") -> list[str]:
    """Every layout name on the search path for `role` ('brief', 'kit' or 'email', as
    layout.yaml says); folders whose name starts with '_' hold shared parts."""
    return sorted(
        {
            d.name
            for folder in search_path(project_root)
            for d in _layouts_in(folder)
            if _role(d / "layout.yaml") == role
        }
    )


def _layouts_in(folder: Path) -> tuple[Path, ...]:
    """The layout folders in `folder`, listed again only when it changes (a layout added)."""
    try:
        return _listed(folder, folder.stat().st_mtime_ns)
    except OSError:
        return ()


@cache
def _listed(folder: Path, mtime: int) -> tuple[Path, ...]:
    return tuple(
        d
        for d in sorted(folder.iterdir())
        if not d.name.startswith("_") and (d / "layout.yaml").is_file()
    )


def folder_of(name: str, project_root: Path | None) -> Path | None:
    """The first folder called `name` on the search path that has a layout.yaml."""
    for folder in search_path(project_root):
        file = folder / name / "layout.yaml"
        if file.is_file():
            return folder / name
        if file.exists():  # a FIFO would block the reader; name it instead
            raise LayoutError(f"{file}: not a regular file")
    return None


def meta(file: Path) -> Any:
    """layout.yaml, parsed once per version of the file (OSError, YAMLError if it can't be)."""
    return _meta_of(file, file.stat().st_mtime_ns)


@cache
def _meta_of(file: Path, mtime: int) -> Any:
    return plain_yaml(read_regular(file, MAX_FILE_BYTES).decode("utf-8"))


def _role(file: Path) -> str:
    """What a layout lays out: `role:` in its layout.yaml, 'brief' unless it says otherwise."""
    try:
        data = meta(file)
    except (OSError, yaml.YAMLError):
        return "brief"
    role = data.get("role") if isinstance(data, dict) else None
    return str(role) if role in ("kit", "email") else "brief"


def lineage(name: str, project_root: Path | None) -> list[Path]:
    """The folders of type `name` and of every type it extends, its own first; LayoutError
    if one is missing, unreadable, or the chain goes round."""
    folders: list[Path] = []
    names: list[str] = []
    while name:
        folder = folder_of(name, project_root)
        if folder is None:
            looked = "\n".join(
                f"  {i}. {f / name}" for i, f in enumerate(search_path(project_root), 1)
            )
            hint = suggest(name, available(project_root))
            within = f" (extended by '{names[-1]}')" if names else ""
            raise LayoutError(
                f"no layout named '{name}'{within}{hint}; looked in, in order:\n{looked}"
            )
        if name in names:
            raise LayoutError(f"{folder}/layout.yaml: 'extends' goes round: {' → '.join(names)}")
        names.append(name)
        folders.append(folder)
        name = str(_data(folder).get("extends") or "")
    return folders


def _data(folder: Path) -> dict[str, Any]:
    file = folder / "layout.yaml"
    try:
        data = meta(file) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LayoutError(f"{file}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise LayoutError(f"{file}: expected a mapping of settings")
    unknown = set(data) - _LAYOUT_KEYS
    if unknown:
        keys = ", ".join(f"'{k}'{suggest(str(k), _LAYOUT_KEYS)}" for k in sorted(map(str, unknown)))
        raise LayoutError(f"{file}: unknown setting {keys}")
    return data


def setting(name: str, key: str, project_root: Path | None) -> Any:
    """A layout.yaml setting of type `name`, inherited from the types it extends."""
    for folder in lineage(name, project_root):
        data = _data(folder)
        if key in data:
            return data[key]
    return None


def schema_of(name: str, project_root: Path | None) -> Schema:
    """The schema of document type `name`, inherited fields first; LayoutError if a
    layout.yaml on the way is not well formed."""
    folders = tuple(lineage(name, project_root))
    # When the layout.yaml files last changed: a schema is read again then.
    return _schema(folders, tuple((f / "layout.yaml").stat().st_mtime_ns for f in folders))


@cache
def _schema(folders: tuple[Path, ...], stamp: tuple[int, ...]) -> Schema:
    fields: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    for folder in reversed(folders):  # the furthest ancestor first
        data = _data(folder)
        own = data.get("schema") or {}
        if not isinstance(own, dict):
            raise LayoutError(f"{folder / 'layout.yaml'}: 'schema' must map field names to specs")
        try:
            for key, spec in own.items():
                fields[str(key)] = parse_field(str(key), spec)
        except SchemaError as error:
            raise LayoutError(f"{folder / 'layout.yaml'}: schema: {error}") from error
        settings |= {k: v for k, v in data.items() if k not in ("schema", "fit", "role")}
    file = folders[0] / "layout.yaml"
    reserved = {"type", "date", "url", "tags", "lang", "status", "embargo", "fit", "priority"}
    if clash := reserved & set(fields):
        raise LayoutError(
            f"{file}: schema: {', '.join(sorted(clash))} is a field every document has; "
            "leave it out of the schema"
        )
    title = str(settings.get("title") or "{title}")
    for key in ("dek", "notes"):
        if settings.get(key) and settings[key] not in fields:
            raise LayoutError(f"{file}: {key}: no field '{settings[key]}' in the schema")
    schema = Schema(
        name=folders[0].name,
        fields=tuple(fields.values()),
        doc=str(settings.get("doc") or ""),
        label=str(settings.get("label") or ""),
        title=title,
        dek=str(settings.get("dek") or ""),
        notes=str(settings.get("notes") or ""),
        internal=bool(settings.get("internal", False)),
        extends=str(_data(folders[0]).get("extends") or ""),
    )
    if title == "{title}" and schema.field("title") is None:
        raise LayoutError(f"{file}: the schema needs a 'title' field, or a 'title:' pattern")
    return schema
