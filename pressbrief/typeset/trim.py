"""A brief with priorities → the parts to drop to make it fit, in order, and the brief
without them.

Only what the writer marked is ever dropped: list items written as {text, priority} and
optional sections named under `priority:`. Every 'low' part goes before any 'medium' one;
among equals, items before sections (a smaller cut first) and later parts before earlier
ones (a list's last point is most often its least). A list keeps its first item: a brief
without talking points is no brief.
"""

from __future__ import annotations

import dataclasses
import re

from ..content.model import Brief

SECTIONS = ("statement", "analysis", "press_questions", "related")
LEVELS = ("low", "medium")
_ITEM = re.compile(r"(\w+)\[(\d+)\]")


def candidates(brief: Brief) -> list[str]:
    """The parts of `brief` that may be dropped (field paths), first to drop first."""
    order = []
    for level in LEVELS:
        items = [path for path, priority in brief.priorities if priority == level]
        order += sorted(items, key=_index, reverse=True)
        sections = brief.priority
        if sections is not None:
            order += [s for s in reversed(SECTIONS) if getattr(sections, s) == level]
    return [path for path in order if path != "talking_points[0]"]


def without(brief: Brief, paths: list[str]) -> Brief:
    """`brief` with the parts at `paths` (paths of `brief` itself) dropped."""
    changes: dict[str, object] = {}
    for field in SECTIONS:
        if field in paths:
            changes[field] = None if field == "statement" else "" if field == "analysis" else ()
    for field in ("talking_points", "press_questions"):
        if field not in changes:
            items = getattr(brief, field)
            changes[field] = tuple(
                text for index, text in enumerate(items) if f"{field}[{index}]" not in paths
            )
    return dataclasses.replace(brief, **changes)  # type: ignore[arg-type]


def _index(path: str) -> int:
    item = _ITEM.fullmatch(path)
    return int(item[2]) if item else 0


ITEMS = {"talking_points": "talking point", "press_questions": "press question"}
PARTS = {
    "statement": "the statement",
    "analysis": "the analysis",
    "press_questions": "the press questions",
    "related": "related reading",
}


def described(brief: Brief, path: str) -> str:
    """A part of `brief` as a report names it: "talking point 6 ('Its opening words…')"."""
    item = _ITEM.fullmatch(path)
    if item is None:
        return PARTS[path]
    words = getattr(brief, item[1])[int(item[2])].split()
    opening = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
    return f"{ITEMS[item[1]]} {int(item[2]) + 1} ('{opening}')"
