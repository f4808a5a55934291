"""Markdown tokens → the same tokens, with the words that must not be hyphenated marked.

WeasyPrint hyphenates every word its dictionary knows. Two kinds of word must stay whole:
capitalized words (names: "Syr-/ia" is wrong in English; two or three capitalized words in
a row, "North Caucasus", also stay on one line) and the last two words of a paragraph,
which are also tied together: a hyphen there would leave a fragment alone on the last
line, and a last line of one word is a runt. They are wrapped in
`<span class="nohyphen">`, which the layouts set `hyphens: manual`. Fragments under three
letters are the layouts' business (`hyphenate-limit-chars`). A spaced em dash is tied to
the word before it: a line never starts with one. In a language that capitalizes every
noun (German: the parser's `env` names the `lang`), a capital does not make a name, and
only the last two words are kept whole.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import escape

WORD = re.compile(r"[^\W\d_][\w’'-]*")
"""A word, in any script (whether it starts with a capital is asked apart: `re` has no
class for the capital letters of every script)."""

LAST_WORDS = re.compile(r"\S+\s+\S+\s*$|\S+\s*$")

CAPITAL_NOUNS = frozenset({"de", "lb", "gsw"})
"""Languages that capitalize every noun, by primary subtag."""


def keep_whole(md: MarkdownIt) -> None:
    """Add the rule to a parser (after its typographer, so quotes are already curly)."""
    md.core.ruler.push("keep_whole", _mark)


def _mark(state: StateCore) -> None:
    names = str(state.env.get("lang", "")).split("-")[0].lower() not in CAPITAL_NOUNS
    for index, token in enumerate(state.tokens):
        if token.type != "inline" or not token.children:
            continue
        # a paragraph's text, or the one line `render_inline` parses (a pull-quote, say)
        in_paragraph = index == 0 or state.tokens[index - 1].type == "paragraph_open"
        token.children = _joined(token.children)
        texts = [i for i, child in enumerate(token.children) if child.type == "text"]
        last = texts[-1] if in_paragraph and texts else None
        children: list[Token] = []
        for position, child in enumerate(token.children):
            if child.type != "text":
                children.append(child)
                continue
            body, tail = child.content.replace(" \u2014", "\u00a0\u2014"), ""
            if position == last:
                match = LAST_WORDS.search(body)
                if match:
                    body, tail = body[: match.start()], body[match.start() :]
            whole = re.sub(r"\s+", "\u00a0", tail.strip())  # the last line has two words
            marked = _spans(body) if names else str(escape(body))
            children.append(_html(marked + (_span(whole) if tail else "")))
        token.children = children


def _joined(children: list[Token]) -> list[Token]:
    """`children` with each run of text and soft line breaks (a line break written in the
    YAML) made one text: the words on either side of a break are neighbours too."""
    joined: list[Token] = []
    for child in children:
        if child.type in ("text", "softbreak") and joined and joined[-1].type == "text":
            joined[-1].content += child.content if child.type == "text" else " "
        elif child.type == "softbreak":
            joined.append(Token("text", "", 0, content=" "))
        else:
            joined.append(child)
    return joined


def _spans(text: str) -> str:
    """`text` escaped, its names (a capitalized word of five letters or more, or two or
    three capitalized words in a row, kept on one line) wrapped whole."""
    words = list(WORD.finditer(text))
    parts, start, index = [], 0, 0
    while index < len(words):
        first = last = words[index]
        index += 1
        if not first.group()[0].isupper():
            continue
        while (
            index < len(words)
            and words[index].group()[0].isupper()
            and text[last.end() : words[index].start()] == " "
            and words[index].start() - first.start() < 30
        ):
            last = words[index]
            index += 1
        name = text[first.start() : last.end()]
        if last is not first or len(name) >= 5:
            parts += [str(escape(text[start : first.start()])), _span(name.replace(" ", "\u00a0"))]
            start = last.end()
    return "".join(parts) + str(escape(text[start:]))


def _span(text: str) -> str:
    return f'<span class="nohyphen">{escape(text)}</span>'


def _html(content: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = content
    return token
