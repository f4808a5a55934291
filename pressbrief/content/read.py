"""YAML files → typed models (`model.py`), keeping file:line for every field.

Every problem in every file is collected (`Problem`) and raised together as one
`ContentError`: wrong types, bad dates, missing or unknown keys (with "did you mean"),
empty lists, images without alt text, control characters (named, at their line and
column), Markdown nested too deeply to render. A file with a wrong field is still checked
field by field, so one run reports all of its problems. Only regular files of bounded size
are read (`files.read_regular`); YAML is parsed with the safe loader, nesting is bounded
and aliases are refused (no alias bombs).
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import re
import types
import typing
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import yaml

from ..errors import ContentError, LayoutError, Problem
from ..files import check_regular, read_regular
from . import fonts, markdown, zones
from .model import Config, Document, Image, Kit, Prioritized, fields_of, strings, user_fields
from .recipients import address_problem
from .schema import FieldSpec, document_schema, model_of, schema_field
from .types import available, schema_of
from .yamlfile import COMPOSER, MAX_FILE_BYTES, first_alias, suggest

log = logging.getLogger(__name__)
T = TypeVar("T")
_LANG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")
_DATETIME = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)?)"
    r"(\s+(?P<zone>\S+))?"
)
"""A date and time as text: with or without seconds and an offset, and maybe followed by a
time zone's name, e.g. '2026-11-23T09:00 America/New_York'."""


_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML does not allow in a file (its reader stops at the first one)."""
_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as YAML counts them, so a character's line matches the parser's lines."""
_CONTROL_NAMES = (
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "ALERT",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
)
"""Unicode's names (aliases) of U+0000 to U+001F, which `unicodedata.name` does not know."""
MAX_CONTROLS_REPORTED = 10
"""Control characters named one by one in a file; the rest are counted."""


class _Control(NamedTuple):
    """A character YAML refuses, where it was, and what it is in words."""

    line: int
    column: int
    offset: int
    """Where it was in the text once such characters are deleted (what the parser saw)."""
    what: str


def _what(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return f"control character U+{code:04X} ({_CONTROL_NAMES[code]})"
    if code == 0x7F:
        return "control character U+007F (DELETE)"
    if code < 0xA0:
        return f"control character U+{code:04X} (a C1 control)"
    return f"noncharacter U+{code:04X}"


def _controls(text: str) -> tuple[list[_Control], int]:
    """The first `MAX_CONTROLS_REPORTED` characters of `text` YAML refuses, with their line
    and column (from 1), and how many more there are."""
    matches = list(_UNREADABLE.finditer(text))
    found = []
    line, line_start, position = 1, 0, 0
    for deleted, match in enumerate(matches[:MAX_CONTROLS_REPORTED]):
        for line_break in _BREAK.finditer(text, position, match.start()):
            line, line_start = line + 1, line_break.end()
        position = match.start()
        column = position - line_start + 1
        found.append(_Control(line, column, position - deleted, _what(match[0])))
    return found, len(matches) - len(found)


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "nothing"
    return repr(node.value)


@cache
def type_hints(cls: type) -> dict[str, Any]:
    """A model's field types, evaluated once per class (from their text, a compile each)."""
    return typing.get_type_hints(cls)


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _blank(hint: Any) -> Any:
    """A stand-in for a required field that is missing or wrong, so that the checks after
    reading still run on the rest of the model; `Reader.problem_at` ignores checks of it."""
    if typing.get_origin(hint) is tuple:
        return ()
    if typing.get_origin(hint) is typing.Literal:
        return typing.get_args(hint)[0]
    if hint is str:
        return ""
    blanks = {float: 0, bool: False, date: date.min, datetime: datetime.min}
    if hint in blanks:
        return blanks[hint]
    if dataclasses.is_dataclass(hint):
        model = typing.cast(type, hint)
        hints = type_hints(model)
        return model(**{f.name: _blank(hints[f.name]) for f in user_fields(model) if _required(f)})
    raise TypeError(f"required model field of type {hint!r} has no blank")  # a bug


class Reader:
    """Converts one file's YAML nodes into a model, collecting problems at their lines.

    A wrong or missing field is reported and left at its default (or a blank), and the
    reader remembers it, so checks after reading (images, links, characters) run on every
    other field without reporting it again."""

    def __init__(self, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.loader = yaml.SafeLoader("")
        self.lines: dict[str, int] = {}
        """The line where each field's value starts."""
        self.extents: dict[str, tuple[int, int]] = {}
        """Where each field's value starts and ends, as offsets in the text."""
        self.invalid: set[str] = set()
        """Fields already reported as wrong or missing."""
        self.priorities: list[tuple[str, str]] = []
        """(path, priority) of each list item written as {text, priority}."""

    def problem(self, node: yaml.Node, path: str, message: str, value: bool = True) -> None:
        """A problem with the `value` of the field at `path` (remembered as invalid), or
        (value=False) with a key written at `path`."""
        self.problems.append(Problem(self.file, node.start_mark.line + 1, path, message))
        if value:
            self.invalid.add(path)

    def problem_at(self, path: str, message: str) -> None:
        """A problem found after reading, placed at the line where `path` was written;
        ignored when `path` (or what holds it) was already reported as wrong or missing."""
        if any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in self.invalid):
            return
        self.problems.append(Problem(self.file, self.lines.get(path, 1), path, message))

    def field_at(self, offset: int) -> str:
        """The innermost field whose value holds the text at `offset`, or '' (a key, a
        comment, an unknown field's value)."""
        around = [p for p, (start, end) in self.extents.items() if start <= offset <= end]
        return max(around, key=lambda p: (self.extents[p][0], len(p)), default="")

    def model(self, cls: type[T], node: yaml.Node, path: str) -> T | None:
        """The model in `node`, None if it is not a mapping; wrong or missing fields are
        reported and left at their default (or blank) for the checks that follow reading."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping of fields, got {_describe(node)}")
            return None
        fields = {f.name: f for f in user_fields(cls)}
        hints = type_hints(typing.cast(type, cls))
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                message = f"a key must be text, got {_describe(key_node)}"
                self.problem(key_node, path, message, value=False)
                continue
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key not in fields:  # a type's own fields first, then the common ones
                allowed = ", ".join(
                    sorted(fields, key=lambda n: "schema" not in fields[n].metadata)
                )
                message = f"unknown field{suggest(key, fields)}; allowed: {allowed}"
                self.problem(key_node, where, message, value=False)
                continue
            if key in seen:
                self.problem(key_node, where, "given twice", value=False)
                continue
            seen.add(key)
            value, usable = self.value(hints[key], value_node, where)
            if usable:
                values[key] = value
        for name, field in fields.items():
            if _required(field) and name not in values:
                if name not in seen:
                    where = f"{path}.{name}" if path else name
                    self.problem(node, where, f"required field is missing: {field.metadata['doc']}")
                values[name] = _blank(hints[name])
        return cls(**values)

    def place(self, node: yaml.Node, path: str) -> None:
        """Remember where the value of the field at `path` is written."""
        self.lines[path] = node.start_mark.line + 1
        self.extents[path] = (node.start_mark.index, node.end_mark.index)

    def value(self, hint: Any, node: yaml.Node, path: str) -> tuple[Any, bool]:
        """The value of `node` for a field of type `hint`, and whether it is usable: a wrong
        value is reported and not usable; a nested model or a list with wrong parts is
        usable as far as it is right (the rest blank)."""
        self.place(node, path)
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
            return None, False
        if not node.value:
            self.problem(node, path, "the list is empty; give at least one item or leave it out")
            return None, False
        results = [self.item(item, child, f"{path}[{i}]") for i, child in enumerate(node.value)]
        return tuple(v if usable else _blank(item) for v, usable in results), True

    def item(self, hint: Any, node: yaml.Node, path: str) -> tuple[Any, bool]:
        """A list item; an item of text may also be written as {text, priority}."""
        if hint is not str or not isinstance(node, yaml.MappingNode):
            return self.value(hint, node, path)
        self.place(node, path)
        written = self.model(Prioritized, node, path)
        if written is None or f"{path}.text" in self.invalid:
            return None, False
        self.priorities.append((path, written.priority))
        return written.text, True

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return node
        if node.tag == _TIMESTAMP:  # also `!!timestamp x`, which PyYAML cannot read
            return self.timestamp(node.value)
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, KeyError):
            return node.value  # e.g. `!!bool maybe`: reported as text where a bool was expected

    def timestamp(self, text: str) -> Any:
        """Text that YAML reads as a date or date-time (quoted or not), read as one; any
        other text (e.g. '2016-13-45') as it is."""
        if not self.loader.timestamp_regexp.match(text):
            return text
        try:
            return self.loader.construct_yaml_timestamp(yaml.ScalarNode(_TIMESTAMP, text))
        except ValueError:
            return text

    def atom(self, hint: Any, node: yaml.Node, path: str) -> tuple[Any, bool]:
        raw = self.scalar(node)
        if hint in (date, datetime) and isinstance(raw, str):
            raw = self.timestamp(raw)  # date: "2016-10-10" is a date too
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
            if control := _UNREADABLE.search(text):  # written as an escape, e.g. "\x1b"
                self.problem(node, path, f"{_what(control[0])} written as an escape; delete it")
                return None, False
            return text, True
        if hint is int:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                self.problem(node, path, f"expected a whole number, got {_describe(node)}")
                return None, False
            return raw, True
        if hint is float:  # a number as written: 47 stays 47, 3.5 stays 3.5
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                self.problem(node, path, f"expected a number, got {_describe(node)}")
                return None, False
            return raw, True
        if hint is bool:
            if not isinstance(raw, bool):
                self.problem(node, path, f"expected true or false, got {_describe(node)}")
                return None, False
            return raw, True
        if hint is datetime:
            if isinstance(raw, str) and (written := _DATETIME.fullmatch(raw)):
                with suppress(ValueError):  # e.g. month 13: refused below as text
                    raw = datetime.fromisoformat(written["time"])
                if written["zone"] and isinstance(raw, datetime):
                    try:
                        raw = zones.localize(raw, written["zone"])
                    except ValueError as error:
                        self.problem(node, path, str(error))
                        return None, False
            if not isinstance(raw, datetime):
                self.problem(
                    node,
                    path,
                    f"expected a date and time with a time zone, e.g. "
                    f"2016-10-10T09:00:00-04:00 or 2016-10-10T09:00 America/New_York; "
                    f"got {_describe(node)}",
                )
                return None, False
            if raw.tzinfo is None:
                self.problem(
                    node,
                    path,
                    f"'{node.value}' has no time zone; add one, e.g. "
                    f"{raw.strftime('%Y-%m-%dT%H:%M:%S')}-04:00 or "
                    f"{raw.strftime('%Y-%m-%dT%H:%M')} America/New_York",
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


def _parse(
    file: Path, problems: list[Problem], empty_ok: bool
) -> tuple[yaml.Node | None, list[_Control], int]:
    """`file`'s YAML as nodes, once the characters YAML refuses are deleted, and those
    characters (the first few, and how many more); problems that stop reading are appended."""
    nothing: tuple[None, list[_Control], int] = None, [], 0
    try:
        text = read_regular(file, MAX_FILE_BYTES).decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(file, 1, "", f"not UTF-8 text ({error.reason})"))
        return nothing
    except OSError as error:
        refused = error.errno in (errno.EINVAL, errno.EFBIG)  # not a regular file, too big
        message = f"the file {error.strerror}" if refused else f"cannot read: {error.strerror}"
        problems.append(Problem(file, 1, "", message))
        return nothing
    controls, more = _controls(text)
    if controls:
        text = _UNREADABLE.sub("", text)
    try:
        node = yaml.compose(text, Loader=COMPOSER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(Problem(file, line, "", f"not valid YAML: {error.problem}"))
        return nothing
    except RecursionError:  # only without libyaml, whose parser stops at 1000 levels
        problems.append(Problem(file, 1, "", "not valid YAML: nested too deeply"))
        return nothing
    alias = first_alias(node) if node is not None else None
    if alias is not None:
        line = alias.start_mark.line + 1
        message = "not valid YAML: aliases (*name) are not allowed in pressbrief files"
        problems.append(Problem(file, line, "", message))
        return nothing
    if node is None and not empty_ok:
        problems.append(Problem(file, 1, "", "the file is empty"))
    return node, controls, more


def read_model(
    cls: type[T] | Callable[[yaml.Node, Reader], type[T] | None],
    file: Path,
    problems: list[Problem],
    empty_ok: bool = False,
) -> tuple[T | None, Reader]:
    """Parse `file` into `cls`, appending every problem found to `problems`.

    `cls` may be a function of the parsed YAML (and the reader, to report a problem) giving
    the class, or None when the file cannot be read as any (a document of an unknown type).
    The model is valid only if no problem was appended: with wrong or missing fields it
    holds defaults or blanks in their place, so that checks after reading can still run
    (through the reader, whose `problem_at` places them at their field's line and skips
    fields already reported). None when the file could not be read as a mapping at all.
    With `empty_ok`, an empty file (or one of comments only) gives the defaults.
    """
    reader = Reader(file, problems)
    before = len(problems)
    node, controls, more = _parse(file, problems, empty_ok)
    model: T | None = None
    if node is None:
        if empty_ok and len(problems) == before and isinstance(cls, type):
            model = cls()
    else:
        chosen = cls if isinstance(cls, type) else cls(node, reader)
        model = reader.model(chosen, node, "") if chosen is not None else None
    advice = "delete it (such characters often come from pasting out of Word or a PDF)"
    for control in controls:
        message = f"{control.what} at column {control.column}; {advice}"
        problems.append(Problem(file, control.line, reader.field_at(control.offset), message))
    if more:
        last = problems[-1]
        problems.append(dataclasses.replace(last, message=f"and {more} more after this one"))
    return model, reader


def unusable(path: Path) -> str | None:
    """Why the input file `path` (an image, a logo) cannot be used, or None if it can:
    it is missing, or not a regular file (a FIFO would block the render)."""
    try:
        check_regular(path)
    except FileNotFoundError:
        return f"not found (looked for {path})"
    except OSError as error:
        return str(error.strerror)
    return None


def _image_problem(src: str, base: Path, root: Path) -> str | None:
    """Why the image file `src` (relative to `base`, the document's folder) cannot be
    printed, or None: it must be a file inside the project `root`, named as a path."""
    if "#" in src or "?" in src:  # a URL reads them as fragment, query
        return f"image '{src}': write '#' as %23 and '?' as %3F in a file name"
    if ":" in src.split("/")[0] or "\0" in unquote(src):
        return (
            f"image '{src}' is not a file in the project; "
            "images must be local files (no network at render time)"
        )
    path = (base / unquote(src)).resolve()
    if not path.is_relative_to(root.resolve()):
        return f"image '{src}' is outside the project folder {root}"
    if reason := unusable(path):
        return f"image '{src}' {reason}"
    return None


_ADDRESS = ("http://", "https://", "mailto:")


def _check_markdown(document: Document, root: Path, reader: Reader) -> None:
    """Markdown fields must not nest too deeply to render; images in them need alt text
    and a file inside the project `root`; links need a safe scheme."""
    assert document.source is not None
    for name, text in markdown.fields(document):
        depth = markdown.depth(text)
        if depth > markdown.MAX_DEPTH:
            reader.problem_at(
                name,
                f"Markdown nested {depth} levels deep (emphasis, links, lists or quotes "
                f"inside each other); the limit is {markdown.MAX_DEPTH}",
            )
        for href in markdown.links(text):  # '#id': a place in the document itself
            if not href.lower().startswith((*_ADDRESS, "#")):
                reader.problem_at(
                    name,
                    f"link '{href}' is not an http, https or mailto address; a reader of "
                    "the PDF could not follow it (write the address in full)",
                )
        for image in markdown.images(text):
            if not image.alt.strip() and "#" not in image.src and "?" not in image.src:
                reader.problem_at(
                    name,
                    f"image '{image.src}' has no alt text; write it as "
                    f"![what the image shows]({image.src})",
                )
            if problem := _image_problem(image.src, document.source.parent, root):
                reader.problem_at(name, problem)


def _check_fields(document: Document, root: Path, reader: Reader) -> None:
    """Addresses, e-mail addresses and image files of a document's fields; a warning for
    text longer than its type advises (`max_characters`, `max_words`)."""
    assert document.source is not None
    for path, value, field in fields_of(document):
        spec = schema_field(field)
        kind = spec.kind if spec else ""
        if isinstance(value, Image):
            if problem := _image_problem(value.src, document.source.parent, root):
                reader.problem_at(f"{path}.src", problem)
        elif not isinstance(value, str) or not value:
            continue
        elif kind == "url" or path.endswith(".url") or path == "url":
            if not value.lower().startswith(_ADDRESS if path != "url" else _ADDRESS[:2]):
                allowed = "an http, https or mailto" if path != "url" else "an http or https"
                reader.problem_at(path, f"'{value}' is not {allowed} address")
        elif (kind == "email" or path.endswith(".email")) and (problem := address_problem(value)):
            reader.problem_at(path, problem)
        if spec is not None and isinstance(value, str):
            _advise(spec, path, value, reader)


def _advise(spec: FieldSpec, path: str, value: str, reader: Reader) -> None:
    """Warn (not an error: the document still renders) when text runs past its advice."""
    where = f"{reader.file}:{reader.lines.get(path, 1)}: {path}"
    if spec.max_characters and len(value) > spec.max_characters:
        log.warning(
            "%s: %d characters; keep it under about %d", where, len(value), spec.max_characters
        )
    words = len(value.split())
    if spec.max_words and words > spec.max_words:
        log.warning("%s: %d words; keep it to %d or fewer", where, words, spec.max_words)


def _check_lang(lang: str, reader: Reader) -> None:
    if not _LANG.fullmatch(lang):
        reader.problem_at(
            "lang", f"'{lang}' is not a language tag; expected e.g. 'en', 'en-GB', 'fr', 'uk'"
        )


_CJK = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "KANGXI"}
"""First words of the Unicode names of the Chinese, Japanese and Korean characters."""


def _check_characters(model: Document | Kit, reader: Reader, config: Config) -> None:
    """Every character must be in a bundled or project font; name the ones that are not."""
    for path, text, _ in strings(model):
        missing = fonts.uncovered([text], config)
        if missing:
            more = f" (and {len(missing) - 4} more)" if len(missing) > 4 else ""
            cjk = any(name.split(" ", 2)[1] in _CJK for name in missing)
            reader.problem_at(
                path,
                f"no font has {', '.join(missing[:4])}{more}; "
                + (
                    "Chinese, Japanese and Korean need a project font: e.g. take "
                    "NotoSansCJK-Regular.ttc from Debian's fonts-noto-cjk package into fonts/ "
                    "and declare it in pressbrief.yaml (see README: Brand fonts)"
                    if cjk
                    else "they would print in a system font or not at all"
                ),
            )


def _type_of(
    config: Config, root: Path, names: Sequence[str]
) -> Callable[[yaml.Node, Reader], type | None]:
    """The class a document file is read into, chosen by its `type:` (or the project's
    default type) among `names`; None, with the problem reported, if there is no such type."""

    def choose(node: yaml.Node, reader: Reader) -> type | None:
        name, where = config.default_type, node
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                written = isinstance(value, yaml.ScalarNode) and str(value.value).strip()
                if isinstance(key, yaml.ScalarNode) and key.value == "type" and written:
                    name, where = str(value.value).strip(), value
        if name not in names:
            reader.problem(
                where,
                "type",
                f"unknown document type '{name}'{suggest(name, names)}; "
                f"available: {', '.join(names)}",
            )
            if config.default_type not in names:
                return None
            name = config.default_type  # the rest is still checked, as the default type
        return model_of(schema_of(name, root))  # LayoutError: the layout's mistake

    return choose


def _titled(document: Document) -> Document:
    """The document with its title made from its fields when its type says how."""
    pattern = document_schema(document).title
    if pattern == "{title}":
        return document
    values = {f.name: getattr(document, f.name) for f in dataclasses.fields(document)}
    try:
        title = pattern.format_map(values)
    except (KeyError, AttributeError, IndexError, ValueError) as error:
        message = f"layout '{document.type}': title: '{pattern}' cannot be made: {error}"
        raise LayoutError(message) from error
    return dataclasses.replace(document, title=" ".join(title.split()))


def load_brief(
    file: Path, config: Config, problems: list[Problem], names: Sequence[str] = ()
) -> Document | None:
    """Read one document of any type, filling defaults from `config`; problems are
    appended, not raised (None if there was any). `names` are the types the project can
    use, when the caller has listed them already (a project's many documents)."""
    assert config.root is not None
    before = len(problems)
    names = names or available(config.root)
    document, reader = read_model(_type_of(config, config.root, names), file, problems)
    if document is None:
        return None
    sections = getattr(document, "priority", None)
    named = (
        [(f.name, getattr(sections, f.name)) for f in dataclasses.fields(sections)]
        if sections
        else []
    )
    document = dataclasses.replace(
        document,
        type=document.type or config.default_type,
        slug=file.stem,
        source=file,
        priorities=tuple(reader.priorities) + tuple((n, p) for n, p in named if p),
    )
    _check_lang(document.lang, reader)
    _check_markdown(document, config.root, reader)
    _check_fields(document, config.root, reader)
    _check_characters(document, reader, config)
    if document.embargo and config.timezone and not isinstance(document.embargo.tzinfo, ZoneInfo):
        try:  # an offset only: the project's zone names it, if the offset is the zone's
            document = dataclasses.replace(
                document, embargo=zones.localize(document.embargo, config.timezone)
            )
        except ValueError as error:
            reader.problem_at(
                "embargo", f"{error} (timezone: {config.timezone} in pressbrief.yaml)"
            )
    return _titled(markdown.typeset(document)) if len(problems) == before else None


def load_briefs(files: list[Path], config: Config) -> list[Document]:
    """Read every file; raise one ContentError listing every problem in every file."""
    problems: list[Problem] = []
    assert config.root is not None
    names = available(config.root)
    documents = [load_brief(f, config, problems, names) for f in files]
    if problems:
        raise ContentError(problems)
    return [d for d in documents if d is not None]


def load_kit(file: Path, slugs: list[str], config: Config, problems: list[Problem]) -> Kit | None:
    """Read one kit definition; `slugs` are the briefs the project has. Problems are
    appended; a kit with problems is still returned (its fields at defaults where wrong) so
    that its briefs can be checked in the same run; None if it could not be read at all."""
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
        elif slugs.count(slug) > 1:
            reader.problem_at(
                where, f"'{slug}' is two files in content/, {slug}.yaml and {slug}.yml; remove one"
            )
        seen.add(slug)
    _check_lang(kit.lang, reader)
    _check_characters(kit, reader, config)
    return markdown.typeset(dataclasses.replace(kit, slug=file.stem, source=file))
