"""YAML text → nodes or plain values, safely: the libyaml parser where there is one,
aliases refused (expanding them is how alias bombs blow up); and "did you mean" for a word
that is not one of the choices."""

from __future__ import annotations

import difflib
import typing
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
"""Content files larger than this are refused before parsing."""

COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it (about ten times faster), else the pure-Python one."""


def first_alias(root: yaml.Node) -> yaml.Node | None:
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
    node = yaml.compose(text, Loader=COMPOSER)
    if node is None:
        return None
    alias = first_alias(node)
    if alias is not None:
        raise yaml.MarkedYAMLError(
            problem="aliases (*name) are not allowed", problem_mark=alias.start_mark
        )
    return yaml.SafeLoader("").construct_document(node)


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
