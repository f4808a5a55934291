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
import difflib
import errno
import re
import types
import typing
from contextlib import suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import yaml

from ..errors import ContentError, Problem
from ..files import check_regular, read_regular
from . import fonts, markdown, zones
from .model import Brief, Config, Kit, Prioritized, strings, user_fields

MAX_FILE_BYTES = 1_000_000
"""Content files larger than this are refused before parsing."""

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


def plain_yaml(text: str) -> Any:
    """A trusted YAML text (a layout's layout.yaml) as Python values, aliases refused as in
    content files (expanding them is how alias bombs blow up); yaml.YAMLError if it is not
    plain YAML."""
    node = yaml.compose(text, Loader=_COMPOSER)
    if node is None:
        return None
    alias = _first_alias(node)
    if alias is not None:
        raise yaml.MarkedYAMLError(
            problem="aliases (*name) are not allowed", problem_mark=alias.start_mark
        )
    return yaml.SafeLoader("").construct_document(node)


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
    if dataclasses.is_dataclass(hint):
        model = typing.cast(type, hint)
        hints = typing.get_type_hints(model)
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
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                message = f"a key must be text, got {_describe(key_node)}"
                self.problem(key_node, path, message, value=False)
                continue
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key not in fields:
                allowed = ", ".join(fields)
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
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(Problem(file, line, "", f"not valid YAML: {error.problem}"))
        return nothing
    except RecursionError:  # only without libyaml, whose parser stops at 1000 levels
        problems.append(Problem(file, 1, "", "not valid YAML: nested too deeply"))
        return nothing
    alias = _first_alias(node) if node is not None else None
    if alias is not None:
        line = alias.start_mark.line + 1
        message = "not valid YAML: aliases (*name) are not allowed in pressbrief files"
        problems.append(Problem(file, line, "", message))
        return nothing
    if node is None and not empty_ok:
        problems.append(Problem(file, 1, "", "the file is empty"))
    return node, controls, more


def read_model(
    cls: type[T], file: Path, problems: list[Problem], empty_ok: bool = False
) -> tuple[T | None, Reader]:
    """Parse `file` into `cls`, appending every problem found to `problems`.

    The model is valid only if no problem was appended: with wrong or missing fields it
    holds defaults or blanks in their place, so that checks after reading can still run
    (through the reader, whose `problem_at` places them at their field's line and skips
    fields already reported). None when the file could not be read as a mapping at all.
    With `empty_ok`, an empty file (or one of comments only) gives the defaults.
    """
    reader = Reader(file, problems)
    before = len(problems)
    node, controls, more = _parse(file, problems, empty_ok)
    if node is None:
        model = cls() if empty_ok and len(problems) == before else None
    else:
        model = reader.model(cls, node, "")
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


def _check_markdown(brief: Brief, root: Path, reader: Reader) -> None:
    """Markdown fields must not nest too deeply to render; images in them need alt text
    and a file inside the project `root`; links need a safe scheme."""
    assert brief.source is not None
    for name, text in markdown.fields(brief):
        depth = markdown.depth(text)
        if depth > markdown.MAX_DEPTH:
            reader.problem_at(
                name,
                f"Markdown nested {depth} levels deep (emphasis, links, lists or quotes "
                f"inside each other); the limit is {markdown.MAX_DEPTH}",
            )
        for href in markdown.links(text):  # '#id': a place in the document itself
            if not href.lower().startswith(("http://", "https://", "mailto:", "#")):
                reader.problem_at(
                    name,
                    f"link '{href}' is not an http, https or mailto address; a reader of "
                    "the PDF could not follow it (write the address in full)",
                )
        for image in markdown.images(text):
            if "#" in image.src or "?" in image.src:  # a URL reads them as fragment, query
                reader.problem_at(
                    name,
                    f"image '{image.src}': write '#' as %23 and '?' as %3F in a file name",
                )
                continue
            if not image.alt.strip():
                reader.problem_at(
                    name,
                    f"image '{image.src}' has no alt text; write it as "
                    f"![what the image shows]({image.src})",
                )
            if ":" in image.src.split("/")[0] or "\0" in unquote(image.src):
                reader.problem_at(
                    name,
                    f"image '{image.src}' is not a file in the project; "
                    "images must be local files (no network at render time)",
                )
                continue
            path = (brief.source.parent / unquote(image.src)).resolve()
            if not path.is_relative_to(root.resolve()):
                reader.problem_at(name, f"image '{image.src}' is outside the project folder {root}")
            elif reason := unusable(path):
                reader.problem_at(name, f"image '{image.src}' {reason}")
    for i, link in enumerate(brief.related):
        if not link.url.lower().startswith(("http://", "https://", "mailto:")):
            reader.problem_at(
                f"related[{i}].url", f"'{link.url}' is not an http, https or mailto address"
            )


def _check_lang(lang: str, reader: Reader) -> None:
    if not _LANG.fullmatch(lang):
        reader.problem_at(
            "lang", f"'{lang}' is not a language tag; expected e.g. 'en', 'en-GB', 'fr', 'uk'"
        )


_CJK = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "KANGXI"}
"""First words of the Unicode names of the Chinese, Japanese and Korean characters."""


def _check_characters(model: Brief | Kit, reader: Reader, config: Config) -> None:
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


def load_brief(
    file: Path, config: Config, types: list[str], problems: list[Problem]
) -> Brief | None:
    """Read one brief, filling defaults from `config`; problems are appended, not raised
    (None if there was any).

    `types` are the document types (layouts) available to the project.
    """
    before = len(problems)
    brief, reader = read_model(Brief, file, problems)
    if brief is None:
        return None
    brief = dataclasses.replace(
        brief,
        type=brief.type or config.default_type,
        slug=file.stem,
        source=file,
        priorities=tuple(reader.priorities),
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
    _check_characters(brief, reader, config)
    if brief.embargo and config.timezone and not isinstance(brief.embargo.tzinfo, ZoneInfo):
        try:  # an offset only: the project's zone names it, if the offset is the zone's
            brief = dataclasses.replace(
                brief, embargo=zones.localize(brief.embargo, config.timezone)
            )
        except ValueError as error:
            reader.problem_at(
                "embargo", f"{error} (timezone: {config.timezone} in pressbrief.yaml)"
            )
    return markdown.typeset(brief) if len(problems) == before else None


def load_briefs(files: list[Path], config: Config, types: list[str]) -> list[Brief]:
    """Read every file; raise one ContentError listing every problem in every file."""
    problems: list[Problem] = []
    briefs = [load_brief(f, config, types, problems) for f in files]
    if problems:
        raise ContentError(problems)
    return [b for b in briefs if b is not None]


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
