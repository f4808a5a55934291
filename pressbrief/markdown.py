"""Markdown text fields → safe HTML fragments, the images they reference, and how deeply
they nest.

CommonMark with typographic quotes and dashes; raw HTML in content is escaped, never
interpreted, and markdown-it's link validation refuses `javascript:` and similar schemes.
Validation refuses text nested deeper than `MAX_DEPTH` (`depth`): hundreds of emphasis
marks inside each other would otherwise exhaust the PDF engine's recursion when rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from .hyphenation import keep_whole
from .model import strings

MAX_DEPTH = 20
"""The deepest nesting of elements (paragraphs, lists, quotes, emphasis, links) allowed in
one text. markdown-it drops what lies deeper than its maxNesting, so that is set a little
above: text nested deeper than MAX_DEPTH is measured (`depth`) and refused, never lost."""


@cache
def _parser(for_print: bool = False) -> MarkdownIt:
    options = {"html": False, "typographer": True, "maxNesting": MAX_DEPTH + 2}
    parser = MarkdownIt("commonmark", options).enable(["replacements", "smartquotes"])
    if for_print:
        keep_whole(parser)
    return parser


def render(text: str, for_print: bool = False) -> Markup:
    """Block Markdown → HTML (paragraphs, emphasis, links, lists); `for_print` marks the
    words hyphenation must leave whole (`hyphenation`)."""
    return Markup(_parser(for_print).render(text))


def render_inline(text: str, for_print: bool = False) -> Markup:
    """One paragraph of Markdown → HTML without the enclosing <p>."""
    return Markup(_parser(for_print).renderInline(text))


@dataclass(frozen=True)
class Image:
    """An image referenced from Markdown."""

    src: str
    alt: str


@dataclass(frozen=True)
class _Scan:
    """What validation and the cache need from one text: its images, links and depth."""

    images: tuple[Image, ...]
    links: tuple[str, ...]
    depth: int


@lru_cache(maxsize=4096)
def _scan(text: str) -> _Scan:
    found = []
    links = []
    depth = 0
    for token in _parser().parse(text):
        depth = max(depth, token.level + max(token.nesting, 0))
        for child in token.children or []:
            depth = max(depth, token.level + child.level + max(child.nesting, 0))
            if child.type == "image":
                found.append(Image(str(child.attrGet("src") or ""), child.content))
            elif child.type == "link_open":
                links.append(str(child.attrGet("href") or ""))
    return _Scan(tuple(found), tuple(links), depth)


def images(text: str) -> tuple[Image, ...]:
    """Every image in `text`, with its alt text ('' when none was given)."""
    return _scan(text).images


def links(text: str) -> tuple[str, ...]:
    """The address of every link in `text`."""
    return _scan(text).links


def depth(text: str) -> int:
    """How many elements deep `text` nests once rendered (a plain paragraph is 1)."""
    return _scan(text).depth


def fields(model: Any) -> Iterator[tuple[str, str]]:
    """(path, text) for every Markdown field of a model, nested models and lists included."""
    return ((path, text) for path, text, field in strings(model) if field.metadata.get("markdown"))
