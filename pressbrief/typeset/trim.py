"""A document with priorities → the parts to drop to make it fit, in order, and the
document without them.

Only what the writer marked is ever dropped: list items written as {text, priority} and
optional sections named under `priority:`. Every 'low' part goes before any 'medium' one;
among equals, items before sections (a smaller cut first) and later parts before earlier
ones (a list's last point is most often its least). A required list keeps its first item:
a brief without talking points is no brief.
"""

from __future__ import annotations

import dataclasses
import re

from ..content.model import Document
from ..content.schema import document_schema

LEVELS = ("low", "medium")
_ITEM = re.compile(r"(\w+)\[(\d+)\]")


def candidates(document: Document) -> list[str]:
    """The parts of `document` that may be dropped (field paths), first to drop first."""
    schema = document_schema(document)
    keep = {f"{f.name}[0]" for f in schema.fields if f.required and f.kind == "list"}
    order = []
    for level in LEVELS:
        parts = [path for path, priority in document.priorities if priority == level]
        items = [path for path in parts if _ITEM.fullmatch(path)]
        sections = [path for path in parts if not _ITEM.fullmatch(path)]
        order += sorted(items, key=_index, reverse=True)
        order += sorted(sections, key=lambda name: _position(document, name), reverse=True)
    return [path for path in order if path not in keep]


def _position(document: Document, name: str) -> int:
    fields = [f.name for f in document_schema(document).fields]
    return fields.index(name) if name in fields else -1


def without(document: Document, paths: list[str]) -> Document:
    """`document` with the parts at `paths` (paths of `document` itself) dropped."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(document):
        if field.name in paths:
            changes[field.name] = field.default if field.default is not dataclasses.MISSING else ()
            if field.default_factory is not dataclasses.MISSING:
                changes[field.name] = field.default_factory()
        elif any(path.startswith(f"{field.name}[") for path in paths):
            items = getattr(document, field.name)
            changes[field.name] = tuple(
                text for index, text in enumerate(items) if f"{field.name}[{index}]" not in paths
            )
    return dataclasses.replace(document, **changes)  # type: ignore[arg-type]


def _index(path: str) -> int:
    item = _ITEM.fullmatch(path)
    return int(item[2]) if item else 0


def described(document: Document, path: str) -> str:
    """A part of `document` as a report names it: "talking point 6 ('Its opening words…')"."""
    item = _ITEM.fullmatch(path)
    field = document_schema(document).field(item[1] if item else path)
    called = field.called if field else path.replace("_", " ")
    if item is None:
        return f"the {called}"
    words = getattr(document, item[1])[int(item[2])].split()
    opening = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
    return f"{_singular(called)} {int(item[2]) + 1} ('{opening}')"


def _singular(words: str) -> str:
    return words[:-1] if words.endswith("s") and not words.endswith("ss") else words
