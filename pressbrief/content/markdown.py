"""Markdown text fields → safe HTML fragments, the images they reference, and how deeply
they nest; plain text fields → the same text with typographic quotes and dashes.

CommonMark with typographic quotes and dashes; raw HTML in content is escaped, never
interpreted, and markdown-it's link validation refuses `javascript:` and similar schemes.
Validation refuses text nested deeper than `MAX_DEPTH` (`depth`): hundreds of emphasis
marks inside each other would otherwise exhaust the PDF engine's recursion when rendered.

For print, each paragraph takes the direction of its first letter that has one, as HTML's
dir="auto" would (WeasyPrint 70 has no "auto"): a paragraph in Hebrew in an English brief is
set right to left. A run of letters written the other way inside a paragraph (a Hebrew name
in English) is isolated in a <bdi>, so the punctuation and numbers after it keep their place.

Plain text fields printed as prose (a label, a speaker, a kit's title) get the same
typographer when they are read (`typeset`), and nothing else: they are not Markdown. Web
and email addresses are never altered (no "--" turned into a dash inside an address).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup, escape

from .hyphenation import keep_whole
from .model import retext, strings

MAX_DEPTH = 20
"""The deepest nesting of elements (paragraphs, lists, quotes, emphasis, links) allowed in
one text. markdown-it drops what lies deeper than its maxNesting, so that is set a little
above: text nested deeper than MAX_DEPTH is measured (`depth`) and refused, never lost."""


_ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>]*[^\s<>.,;:!?'\")\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
"""A web or email address in running text (what trails it, such as a full stop or a
closing quote, left out)."""


def _keep_addresses(state: StateCore) -> None:
    """Core rule, before the typographer's: addresses in text become `text_special` tokens,
    which replacements and smart quotes leave alone (`text_join` makes them text again)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type != "text" or not _ADDRESS.search(child.content):
                children.append(child)
                continue
            text, position = child.content, 0
            for match in _ADDRESS.finditer(text):
                children.append(Token("text", "", 0, content=text[position : match.start()]))
                children.append(Token("text_special", "", 0, content=match[0]))
                position = match.end()
            children.append(Token("text", "", 0, content=text[position:]))
        token.children = children


def _typographer(preset: str, **options: Any) -> MarkdownIt:
    """A parser of `preset` with typographic quotes, dashes and ellipses, addresses kept."""
    parser = MarkdownIt(preset, {"typographer": True, **options})
    parser.enable(["replacements", "smartquotes"])
    parser.core.ruler.before("replacements", "keep_addresses", _keep_addresses)
    return parser


_STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}
"""Unicode's strong bidirectional classes and the direction each writes."""


def direction(text: str) -> str | None:
    """ "ltr" or "rtl": the direction of the first letter of `text` that has one (HTML's
    dir="auto"); None when no letter has one (numbers, punctuation)."""
    for char in text:
        if found := _STRONG.get(unicodedata.bidirectional(char)):
            return found
    return None


def _runs(text: str, other: str) -> Iterator[tuple[int, int]]:
    """Start and end of each run of `text` written in the direction `other`: from a letter
    written that way to the last one before a letter written the other way."""
    start = end = -1
    for index, char in enumerate(text):
        found = _STRONG.get(unicodedata.bidirectional(char))
        if found == other:
            start, end = (index if start < 0 else start), index + 1
        elif found and start >= 0:
            yield start, end
            start = -1
    if start >= 0:
        yield start, end


def _pieces(text: str, base: str) -> Iterator[tuple[str, str | None]]:
    """`text` in pieces, each with the direction it is isolated in: a run written against
    `base` with that direction, what lies between with None."""
    other = "ltr" if base == "rtl" else "rtl"
    position = 0
    for start, end in _runs(text, other):
        yield text[position:start], None
        yield text[start:end], other
        position = end
    yield text[position:], None


def isolated(text: str, base: str) -> Markup:
    """Plain `text` (a title) escaped for a page written in direction `base`, isolated as a
    paragraph's text is: whole in a <bdi> if its first letter is written the other way,
    each run within it written against its own direction in a <bdi> too."""
    own = direction(text) or base
    html = "".join(
        f'<bdi dir="{way}">{escape(piece)}</bdi>' if way else str(escape(piece))
        for piece, way in _pieces(text, own)
    )
    return Markup(f'<bdi dir="{own}">{html}</bdi>' if own != base else html)


def _directions(state: StateCore) -> None:
    """Core rule: a paragraph's `dir` from its first letter with a direction, and each run
    written the other way within it wrapped in <bdi dir=...>."""
    for index, token in enumerate(state.tokens):
        if token.type != "inline" or not token.children:
            continue
        base = direction("".join(c.content for c in token.children if c.type == "text"))
        if base is None:
            continue
        if index and state.tokens[index - 1].type == "paragraph_open":
            state.tokens[index - 1].attrSet("dir", base)
        children: list[Token] = []
        for child in token.children:
            if child.type != "text":
                children.append(child)
                continue
            for piece, way in _pieces(child.content, base):
                if way:
                    children += [
                        Token("html_inline", "", 0, content=f'<bdi dir="{way}">'),
                        Token("text", "", 0, content=piece),
                        Token("html_inline", "", 0, content="</bdi>"),
                    ]
                else:
                    children.append(Token("text", "", 0, content=piece))
        token.children = children


@cache
def _parser(for_print: bool = False) -> MarkdownIt:
    parser = _typographer("commonmark", html=False, maxNesting=MAX_DEPTH + 2)
    if for_print:
        parser.core.ruler.push("directions", _directions)
        keep_whole(parser)
    return parser


@cache
def _plain() -> MarkdownIt:
    """The typographer alone: with markdown-it's 'zero' preset all text stays text."""
    return _typographer("zero")


def smarten(text: str) -> str:
    """Plain text with typographic quotes, dashes and ellipses ("Senator's" → "Senator’s"),
    as Markdown fields get them; nothing else in it is interpreted."""
    (line,) = _plain().parseInline(text)
    return "".join(child.content for child in line.children or [])


T = TypeVar("T")


def typeset(model: T) -> T:
    """`model` with `smarten` applied to every field printed as prose (marked `prose`)."""
    return retext(model, lambda text, field: smarten(text) if field.metadata["prose"] else text)


def render(text: str, for_print: bool = False, lang: str = "en") -> Markup:
    """Block Markdown → HTML (paragraphs, emphasis, links, lists); `for_print` marks the
    words hyphenation must leave whole in the language `lang` (`hyphenation`) and each
    paragraph's direction."""
    return Markup(_parser(for_print).render(text, {"lang": lang}))


def render_inline(text: str, for_print: bool = False, lang: str = "en") -> Markup:
    """One paragraph of Markdown → HTML without the enclosing <p>."""
    return Markup(_parser(for_print).renderInline(text, {"lang": lang}))


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
