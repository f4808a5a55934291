"""Markdown tokens → the same tokens, with the words that must not be hyphenated marked.

WeasyPrint hyphenates every word its dictionary knows. Two kinds of word must stay whole:
capitalized words (names: "Syr-/ia" is wrong in English) and the last two words of a
paragraph (a hyphen there leaves a fragment alone on the last line). They are wrapped in
`<span class="nohyphen">`, which the layouts set `hyphens: manual`. Fragments under three
letters are the layouts' business (`hyphenate-limit-chars`).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import escape

CAPITALIZED = re.compile(r"\b[A-Z][\w’'-]{4,}")
"""A capitalized word long enough to be hyphenated at all."""

LAST_WORDS = re.compile(r"\S+\s+\S+\s*$|\S+\s*$")


def keep_whole(md: MarkdownIt) -> None:
    """Add the rule to a parser (after its typographer, so quotes are already curly)."""
    md.core.ruler.push("keep_whole", _mark)


def _mark(state: StateCore) -> None:
    for index, token in enumerate(state.tokens):
        if token.type != "inline" or not token.children:
            continue
        in_paragraph = index > 0 and state.tokens[index - 1].type == "paragraph_open"
        texts = [i for i, child in enumerate(token.children) if child.type == "text"]
        last = texts[-1] if in_paragraph and texts else None
        children: list[Token] = []
        for position, child in enumerate(token.children):
            if child.type != "text":
                children.append(child)
                continue
            body, tail = child.content, ""
            if position == last:
                match = LAST_WORDS.search(body)
                if match:
                    body, tail = body[: match.start()], body[match.start() :]
            children.append(_html(_spans(body) + (_span(tail) if tail else "")))
        token.children = children


def _spans(text: str) -> str:
    parts, start = [], 0
    for match in CAPITALIZED.finditer(text):
        parts += [str(escape(text[start : match.start()])), _span(match.group())]
        start = match.end()
    return "".join(parts) + str(escape(text[start:]))


def _span(text: str) -> str:
    return f'<span class="nohyphen">{escape(text)}</span>'


def _html(content: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = content
    return token
