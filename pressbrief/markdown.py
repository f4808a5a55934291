"""Markdown text fields → safe HTML fragments, and the images they reference.

CommonMark with typographic quotes and dashes; raw HTML in content is escaped, never
interpreted, and markdown-it's link validation refuses `javascript:` and similar schemes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from .model import strings


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["replacements", "smartquotes"]
    )


def render(text: str) -> Markup:
    """Block Markdown → HTML (paragraphs, emphasis, links, lists)."""
    return Markup(_parser().render(text))


def render_inline(text: str) -> Markup:
    """One paragraph of Markdown → HTML without the enclosing <p>."""
    return Markup(_parser().renderInline(text))


@dataclass(frozen=True)
class Image:
    """An image referenced from Markdown."""

    src: str
    alt: str


@lru_cache(maxsize=4096)
def images(text: str) -> tuple[Image, ...]:
    """Every image in `text`, with its alt text ('' when none was given)."""
    found = []
    for token in _parser().parse(text):
        for child in token.children or []:
            if child.type == "image":
                found.append(Image(str(child.attrGet("src") or ""), child.content))
    return tuple(found)


def fields(model: Any) -> Iterator[tuple[str, str]]:
    """(path, text) for every Markdown field of a model, nested models and lists included."""
    return ((path, text) for path, text, field in strings(model) if field.metadata.get("markdown"))
