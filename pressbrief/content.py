"""YAML files → typed models (`model.py`), keeping file:line for every field.

Every problem in every file is collected (`Problem`) and raised together as one
`ContentError`: wrong types, bad dates, missing or unknown keys (with "did you mean"),
empty lists, images without alt text. YAML is parsed with the safe loader, aliases are
refused (no alias bombs) and oversized files are refused before parsing.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import yaml

from . import fonts, markdown
from .errors import ContentError, Problem
from .model import Brief, Config, Kit, strings, user_fields

MAX_FILE_BYTES = 1_000_000
"""Content files larger than this are refused before parsing."""

T = TypeVar("T")
_LANG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")


_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it (about ten times faster), else the pure-Python one."""


def _first_alias(root: yaml.Node) -> yaml.Node | None:
    """Where an alias (*name) is first used: the node holding a node reached twice.
    Briefs never need aliases, and expanding them is how alias bombs blow up, so the walk
    stops at the first one."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, yaml.Node]] = [(root, root)]
    while stack:
        node, holder = stack.pop()
        if id(node) in seen:
            return holder
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = [item for pair in node.value for item in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            continue
        stack.extend((child, node) for child in reversed(children))
    return None


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "nothing"
    return repr(node.value)


class Reader:
    """Converts one file's YAML nodes into a model, collecting problems at their lines."""

    def __init__(self, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.loader = yaml.SafeLoader("")
        self.lines: dict[str, int] = {}

    def problem(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.file, line, path, message))

    def problem_at(self, path: str, message: str) -> None:
        """A problem found after reading, placed at the line where `path` was written."""
        self.problems.append(Problem(self.file, self.lines.get(path, 1), path, message))

    def model(self, cls: type[T], node: yaml.Node, path: str) -> T | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping of fields, got {_describe(node)}")
            return None
        fields = {f.name: f for f in user_fields(cls)}
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        seen: set[str] = set()
        ok = True
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key not in fields:
                allowed = ", ".join(fields)
                self.problem(
                    key_node, where, f"unknown field{suggest(key, fields)}; allowed: {allowed}"
                )
                ok = False
                continue
            if key in seen:
                self.problem(key_node, where, "given twice")
                ok = False
                continue
            seen.add(key)
            value, good = self.value(hints[key], value_node, where)
            ok = ok and good
            values[key] = value
        for name, field in fields.items():
            required = (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            )
            if required and name not in seen:
                where = f"{path}.{name}" if path else name
                self.problem(node, where, f"required field is missing: {field.metadata['doc']}")
                ok = False
        return cls(**values) if ok else None

    def value(self, hint: Any, node: yaml.Node, path: str) -> tuple[Any, bool]:
        self.lines[path] = node.start_mark.line + 1
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (types.UnionType, typing.Union):
            if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
                return None, True
            (inner,) = [a for a in args if a is not type(None)]
            return self.value(inner, node, path)
        if origin is tuple:
            return self.sequence(args[0], node, path)
        if origin is typing.Literal:
            raw = self.scalar(node)
            if raw not in args:
                choices = ", ".join(f"'{a}'" for a in args)
                self.problem(
                    node,
                    path,
                    f"{_describe(node)} is not allowed; expected one of {choices}"
                    f"{suggest(str(raw), [str(a) for a in args])}",
                )
                return None, False
            return raw, True
        if dataclasses.is_dataclass(hint):
            result = self.model(typing.cast(type, hint), node, path)
            return result, result is not None
        return self.atom(hint, node, path)

    def sequence(self, item: Any, node: yaml.Node, path: str) -> tuple[Any, bool]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, f"expected a list, got {_describe(node)}")
            return (), False
        if not node.value:
            self.problem(node, path, "the list is empty; give at least one item or leave it out")
            return (), False
        results = [self.value(item, child, f"{path}[{i}]") for i, child in enumerate(node.value)]
        return tuple(v for v, _ in results), all(good for _, good in results)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return node
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError):
            return node.value  # e.g. 2016-13-45: reported as text where a date was expected

    def atom(self, hint: Any, node: yaml.Node, path: str) -> tuple[Any, bool]:
        raw = self.scalar(node)
        if hint is str:
            if isinstance(raw, yaml.Node) or raw is None:
                self.problem(node, path, f"expected text, got {_describe(node)}")
                return None, False
            if isinstance(raw, bool | int | float | date):
                # YAML reads `yes`, `3`, `2016-10-10` as non-text; the user meant the words.
                raw = node.value
            text = str(raw).strip()
            if not text:
                self.problem(node, path, "is empty; write some text or leave the field out")
                return None, False
            return text, True
        if hint is int:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                self.problem(node, path, f"expected a whole number, got {_describe(node)}")
                return None, False
            return raw, True
        if hint is bool:
            if not isinstance(raw, bool):
                self.problem(node, path, f"expected true or false, got {_describe(node)}")
                return None, False
            return raw, True
        if hint is datetime:
            if not isinstance(raw, datetime):
                self.problem(
                    node,
                    path,
                    f"expected a date and time with a time zone, e.g. "
                    f"2016-10-10T09:00:00-04:00; got {_describe(node)}",
                )
                return None, False
            if raw.tzinfo is None:
                self.problem(
                    node,
                    path,
                    f"'{node.value}' has no time zone; add one, e.g. "
                    f"{raw.strftime('%Y-%m-%dT%H:%M:%S')}-04:00",
                )
                return None, False
            return raw, True
        if hint is date:
            if isinstance(raw, datetime) or not isinstance(raw, date):
                self.problem(
                    node,
                    path,
                    f"expected a date as YYYY-MM-DD, e.g. 2016-10-10; got {_describe(node)}",
                )
                return None, False
            return raw, True
        raise TypeError(f"model field type {hint!r} has no reader")  # a bug, not bad input


def _parse(file: Path, problems: list[Problem], empty_ok: bool = False) -> yaml.Node | None:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(file, 1, "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            )
            return None
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(file, 1, "", f"not UTF-8 text ({error.reason})"))
        return None
    except OSError as error:
        problems.append(Problem(file, 1, "", f"cannot read: {error.strerror}"))
        return None
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(Problem(file, line, "", f"not valid YAML: {error.problem}"))
        return None
    alias = _first_alias(node) if node is not None else None
    if alias is not None:
        line = alias.start_mark.line + 1
        message = "not valid YAML: aliases (*name) are not allowed in pressbrief files"
        problems.append(Problem(file, line, "", message))
        return None
    if node is None and not empty_ok:
        problems.append(Problem(file, 1, "", "the file is empty"))
    return node


def read_model(
    cls: type[T], file: Path, problems: list[Problem], empty_ok: bool = False
) -> tuple[T | None, Reader]:
    """Parse `file` into `cls`, appending every problem found to `problems`.

    With `empty_ok`, an empty file (or one of comments only) gives the defaults. Also
    returns the reader, whose `problem_at` places later checks at their field's line.
    """
    reader = Reader(file, problems)
    before = len(problems)
    node = _parse(file, problems, empty_ok)
    if node is None:
        return (cls() if empty_ok and len(problems) == before else None), reader
    return reader.model(cls, node, ""), reader


def _check_markdown(brief: Brief, root: Path, reader: Reader) -> None:
    """Images in Markdown fields need alt text and a file inside the project `root`;
    links need a safe scheme."""
    assert brief.source is not None
    for name, text in markdown.fields(brief):
        for image in markdown.images(text):
            if not image.alt.strip():
                reader.problem_at(
                    name,
                    f"image '{image.src}' has no alt text; write it as "
                    f"![what the image shows]({image.src})",
                )
            if ":" in image.src.split("/")[0]:
                reader.problem_at(
                    name,
                    f"image '{image.src}' is not a file in the project; "
                    "images must be local files (no network at render time)",
                )
                continue
            path = (brief.source.parent / unquote(image.src)).resolve()
            if not path.is_relative_to(root.resolve()):
                reader.problem_at(name, f"image '{image.src}' is outside the project folder {root}")
            elif not path.is_file():
                reader.problem_at(name, f"image '{image.src}' not found (looked for {path})")
    for i, link in enumerate(brief.related):
        if not link.url.startswith(("http://", "https://", "mailto:")):
            reader.problem_at(
                f"related[{i}].url", f"'{link.url}' is not an http, https or mailto address"
            )


def _check_lang(lang: str, reader: Reader) -> None:
    if not _LANG.fullmatch(lang):
        reader.problem_at(
            "lang", f"'{lang}' is not a language tag; expected e.g. 'en', 'en-GB', 'fr', 'uk'"
        )


def _check_characters(model: Brief | Kit, reader: Reader) -> None:
    """Every character must be in a bundled font; name the ones that are not."""
    for path, text, _ in strings(model):
        missing = fonts.uncovered([text])
        if missing:
            more = f" (and {len(missing) - 4} more)" if len(missing) > 4 else ""
            reader.problem_at(
                path,
                f"no bundled font has {', '.join(missing[:4])}{more}; "
                "they would print in a system font or not at all",
            )


def load_brief(
    file: Path, config: Config, types: list[str], problems: list[Problem]
) -> Brief | None:
    """Read one brief, filling defaults from `config`; problems are appended, not raised.

    `types` are the document types (layouts) available to the project.
    """
    brief, reader = read_model(Brief, file, problems)
    if brief is None:
        return None
    brief = dataclasses.replace(
        brief, type=brief.type or config.default_type, slug=file.stem, source=file
    )
    _check_lang(brief.lang, reader)
    if brief.type not in types:
        reader.problem_at(
            "type",
            f"unknown document type '{brief.type}'"
            f"{suggest(brief.type, types)}; available: {', '.join(types)}",
        )
    assert config.root is not None
    _check_markdown(brief, config.root, reader)
    _check_characters(brief, reader)
    return brief


def load_briefs(files: list[Path], config: Config, types: list[str]) -> list[Brief]:
    """Read every file; raise one ContentError listing every problem in every file."""
    problems: list[Problem] = []
    briefs = [load_brief(f, config, types, problems) for f in files]
    if problems:
        raise ContentError(problems)
    return [b for b in briefs if b is not None]


def load_kit(file: Path, slugs: list[str], problems: list[Problem]) -> Kit | None:
    """Read one kit definition; `slugs` are the briefs the project has."""
    kit, reader = read_model(Kit, file, problems)
    if kit is None:
        return None
    seen: set[str] = set()
    for i, slug in enumerate(kit.briefs):
        where = f"briefs[{i}]"
        if slug not in slugs:
            reader.problem_at(
                where,
                f"no brief '{slug}' in content/{suggest(slug, slugs)}; "
                f"available: {', '.join(slugs) or 'none'}",
            )
        elif slug in seen:
            reader.problem_at(where, f"'{slug}' is listed twice")
        seen.add(slug)
    _check_lang(kit.lang, reader)
    _check_characters(kit, reader)
    return dataclasses.replace(kit, slug=file.stem, source=file)
