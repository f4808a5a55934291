"""Parsed HTML + the layout's fit steps → pages that fill the page budget well, or a report.

A layout's steps run from roomiest to tightest around a natural step, and each declares how
tall content set in it is, relative to the natural step (its `scale`). The first layout
uses the natural step (or a remembered guess); its measured content height H against the
available height A, and the steps' scales, predict the roomiest step whose content stays
within the layout's `fill` bounds (at least, at most: shares of A). The prediction is then
verified by laying it out; when a second guess is needed, it scales from the measured step
nearest to it, so each layout sharpens the prediction. "Fits" is monotone along the steps,
so every layout also narrows the search. A brief that does not fit
even at the tightest step raises `DoesNotFitError` with the real amount to cut.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..content import markdown
from ..content.model import Document, strings
from ..content.schema import document_schema
from ..errors import DoesNotFitError
from .layouts import Fit, Step

if TYPE_CHECKING:  # pdf imports WeasyPrint, which `check` must not pay for
    from ..pdf.weasy import Pages, Parsed

log = logging.getLogger(__name__)

PASSES = 3
"""Layouts after which a fitting one is taken even if a step between might fill better."""

AIM = 0.01
"""Predictions aim this share of the page under the upper fill bound: a step predicted to
land just under the bound would, half the time, land just over it."""

GUESS = 0.03
"""…further still when the fill is only estimated from the length of the text."""

SPREAD = 0.1
"""…and further under it the further the step is from the one measured (per unit of the
logarithm of their scales' ratio): a declared scale is an average over contents, and a
prediction across several steps (from one column to two, say) strays further."""


@dataclass(frozen=True)
class Fitted:
    """The pages chosen, the step that made them, how many layouts it took, and the share
    of the text area the content fills."""

    pages: Pages
    step: Step
    renders: int
    fill: float


def characters(document: Document) -> int:
    """How much text a document prints in its body: the characters of its fields, but
    not its addresses, its settings (common fields) or what its type does not count (a
    masthead's series line)."""
    schema = document_schema(document)

    def counted(path: str) -> bool:
        top = path.split("[")[0].split(".")[0]
        spec = schema.field(top)
        return top == "title" or (spec is not None and spec.counted)

    return sum(
        len(text)
        for path, text, _ in strings(document)
        if counted(path) and not path.endswith(".url")
    )


def section_words(document: Document) -> list[tuple[str, int]]:
    """Words of Markdown per section (top-level field) of a document, longest first."""
    words: dict[str, int] = {}
    for path, text in markdown.fields(document):
        section = path.split("[")[0].split(".")[0]
        words[section] = words.get(section, 0) + len(text.split())
    counts = [(name, count) for name, count in words.items() if count]
    return sorted(counts, key=lambda item: -item[1])


class _Search:
    """The layouts made so far and what they say about the steps not yet laid out."""

    def __init__(self, parsed: Parsed, fit: Fit, extra_css: Callable[[Step], str]) -> None:
        self.parsed, self.fit, self.extra_css = parsed, fit, extra_css
        self.low, self.high = fit.fill or (0.0, 1.0)
        self.roomiest = 0 if fit.fill else fit.natural  # never grow without a fill target
        self.laid: dict[int, Pages] = {}
        self.fills: dict[int, float] = {}
        self.too_big = self.roomiest - 1  # this step and all roomier ones are too big
        self.good: int | None = None  # the roomiest step known to fill within bounds

    def lay(self, index: int) -> Pages:
        step = self.fit.steps[index]
        pages = self.parsed.layout(step.css() + self.extra_css(step))
        self.laid[index] = pages
        self.fills[index] = fill = pages.height / (pages.page_height * self.fit.pages)
        if fits(pages, self.fit.pages) and fill <= self.high:
            self.good = index if self.good is None else min(self.good, index)
        else:
            self.too_big = max(self.too_big, index)
        return pages

    def done(self) -> bool:
        last = len(self.fit.steps) - 1
        if self.good is None:
            return self.too_big >= last
        return (
            len(self.laid) >= PASSES
            or self.fills[self.good] >= self.low
            or self.good == self.roomiest
            or self.good - self.too_big == 1
        )

    def hopeful(self, index: int, source: int, fill: float, margin: float) -> bool:
        """Whether step `index` should fill within bounds, going by `fill` measured (or
        estimated) at step `source` and the ratio of the two steps' scales: `margin` under
        the upper bound, and further under it the further `index` is from `source` (near
        the page's fill a declared scale is a good guide; far from it, less so)."""
        ratio = self.fit.steps[index].scale / self.fit.steps[source].scale
        return fill * ratio <= self.high - margin - SPREAD * abs(math.log(ratio))

    def nearest(self, index: int) -> int:
        """The step laid out nearest to `index` (a one-page layout where two are as near)."""
        return min(
            self.fills,
            key=lambda laid: (abs(laid - index), self.laid[laid].count > self.fit.pages),
        )

    def first(self, estimate: float | None) -> int:
        """The step to lay out first: the natural one, or the roomiest that `estimate` (the
        fill the natural step should have, from the length of the text) says fits."""
        last, natural = len(self.fit.steps) - 1, self.fit.natural
        if estimate is None:
            return natural
        margin = AIM + GUESS
        fitting = (
            i for i in range(self.roomiest, last + 1) if self.hopeful(i, natural, estimate, margin)
        )
        return next(fitting, last)

    def next(self) -> int:
        """The roomiest step predicted to fill within bounds, inside what is still open,
        each predicted from the step laid out nearest to it. A prediction from a one-page
        layout aims a little under the upper bound; one from a layout that ran over needs
        no margin: it measures too tall already (the gaps its page breaks leave)."""
        last = len(self.fit.steps) - 1
        upper = last if self.good is None else self.good - 1

        def predicted_within(index: int) -> bool:
            source = self.nearest(index)
            margin = AIM if self.laid[source].count <= self.fit.pages else 0.0
            return self.hopeful(index, source, self.fills[source], margin)

        return next((i for i in range(self.too_big + 1, upper + 1) if predicted_within(i)), upper)


def _pages(count: int) -> str:
    return "one page" if count == 1 else f"{count} pages"


def fit_one_page(
    parsed: Parsed,
    fit: Fit,
    brief: Document,
    allow_overflow: bool = False,
    extra_css: Callable[[Step], str] = lambda step: "",
    estimate: float | None = None,
) -> Fitted:
    """Lay out `parsed` in the roomiest step of `fit` that fills one page within bounds;
    `extra_css` adds to each step's CSS (the balanced headline width for its size);
    `estimate`, the fill the natural step should have, picks the first step to lay out."""
    search = _Search(parsed, fit, extra_css)
    search.lay(search.first(estimate))
    while not search.done():
        search.lay(search.next())
    chosen = search.good
    if chosen is None:  # nothing within bounds: the roomiest step that fits at all
        fitting = [i for i, pages in search.laid.items() if fits(pages, fit.pages)]
        chosen = min(fitting) if fitting else None
    if chosen is None:
        tightest = len(fit.steps) - 1
        refuse_clipped(search.laid[tightest], str(brief.source))
        return _overflowing(search, brief, allow_overflow)
    pages = _whole_at_breaks(search, search.laid[chosen], chosen)
    renders = len(search.laid) + (pages is not search.laid[chosen])
    step = fit.steps[chosen]
    log.info(
        "%s: step '%s', %.0f %% full (%d layouts)",
        brief.slug,
        step.name,
        100 * search.fills[chosen],
        renders,
    )
    return Fitted(pages, step, renders, search.fills[chosen])


def _whole_at_breaks(search: _Search, pages: Pages, index: int) -> Pages:
    """`pages`, or, if a word in them is hyphenated across a page or column break, step
    `index` laid out again with those paragraphs unhyphenated, when that still fits (an
    overflow always takes it)."""
    broken = pages.hyphenated_at_breaks()
    if not broken:
        return pages
    styles = [element.get("style") for element in broken]
    for element, style in zip(broken, styles, strict=True):
        element.set("style", f"{style or ''}; hyphens: manual")
    step = search.fit.steps[index]
    again = search.parsed.layout(step.css() + search.extra_css(step))
    if pages.count > search.fit.pages or fits(again, search.fit.pages):
        return again
    for element, style in zip(broken, styles, strict=True):  # it would not fit: as it was
        if style is None:
            del element.attrib["style"]
        else:
            element.set("style", style)
    return pages


def fits(pages: Pages, budget: int = 1) -> bool:
    """Within the page budget, and no text runs off the side of a page."""
    return pages.count <= budget and pages.clipped() is None


def refuse_clipped(pages: Pages, source: str) -> None:
    """DoesNotFitError if some text runs off the side of its page: the PDF would cut it."""
    text = pages.clipped()
    if text is not None:
        shown = text if len(text) <= 60 else f"{text[:57]}…"
        raise DoesNotFitError(
            f"{source}: a line runs past the edge of the page and would be cut off: "
            f"'{shown}'. Break it up, or give a long address a short link text: "
            "[short text](https://…). (No PDF was written.)"
        )


def _overflowing(search: _Search, brief: Document, allow_overflow: bool) -> Fitted:
    fit = search.fit
    tightest = search.laid[len(fit.steps) - 1]
    if allow_overflow:  # it runs long anyway: set it in the natural step, not squeezed
        natural = fit.natural
        pages = _whole_at_breaks(search, search.laid.get(natural) or search.lay(natural), natural)
        log.warning("%s: %d pages (overflow allowed)", brief.slug, pages.count)
        return Fitted(pages, fit.steps[natural], len(search.laid), search.fills[natural])
    # Counted on one tall page: on real pages, a block kept together or columns filled
    # before a break leave gaps that are not content, and would inflate the count.
    step = fit.steps[-1]
    page = tightest.rendered.pages[0]
    tall = f"@page {{ size: {page.width}px {page.height * 20}px; }}"
    whole = search.parsed.layout(step.css() + search.extra_css(step) + tall)
    per_height, per_line = whole.density()
    words = max(1, math.ceil((whole.height - fit.pages * tightest.page_height) * per_height))
    lines = max(1, math.ceil(words / per_line))
    longest = ", ".join(f"{name} ({count} words)" for name, count in section_words(brief)[:3])
    raise DoesNotFitError(
        f"{brief.source}: does not fit on {_pages(fit.pages)}, even at the tightest step "
        f"('{fit.steps[-1].name}'): about {lines} line{'s' if lines > 1 else ''} "
        f"({words} word{'s' if words > 1 else ''}) too long. Longest sections: {longest}. "
        f"Shorten them, or pass --allow-overflow to get a {tightest.count}-page PDF "
        "anyway. (No PDF was written.)"
    )
