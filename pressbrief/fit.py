"""Parsed HTML + the layout's tightening steps → pages that fit on one page, or a report.

Steps are ordered from roomiest to tightest, so "fits" is monotone along them. The first
render uses the roomiest step; most briefs stop there. If it overflows, the tightest step is
rendered next (a brief that cannot fit fails after two renders), and then an interpolation
search on the measured content heights finds the roomiest step that fits: each probe goes
where the heights measured so far say the page fills up, so it usually takes one or two
more renders. A brief that does not fit even at the tightest step raises `DoesNotFitError`
naming the brief, how much is over and its longest sections.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import DoesNotFitError
from .layouts import Step
from .model import Brief

if TYPE_CHECKING:  # pdf imports WeasyPrint, which `check` must not pay for
    from .pdf import Pages, Parsed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fitted:
    """The pages chosen, the step that made them, and how many layouts it took."""

    pages: Pages
    step: Step
    renders: int


def section_words(brief: Brief) -> list[tuple[str, int]]:
    """Words per section of a brief, longest first."""
    sections = {
        "statement": " ".join(
            (brief.statement.context, brief.statement.quote) if brief.statement else ()
        ),
        "summary": brief.summary,
        "talking_points": " ".join(brief.talking_points),
        "analysis": brief.analysis,
        "press_questions": " ".join(brief.press_questions),
    }
    counts = [(name, len(text.split())) for name, text in sections.items() if text]
    return sorted(counts, key=lambda item: -item[1])


def _probe(heights: dict[int, float], low: int, high: int, available: float) -> int:
    """The step between `low` (overflows) and `high` (fits) where the page should fill up."""
    over, under = heights[low], heights[high]
    share = (over - available) / (over - under) if over > under else 0.5
    guess = low + math.ceil(share * (high - low))
    return min(max(guess, low + 1), high - 1)


def fit_one_page(
    parsed: Parsed, steps: tuple[Step, ...], brief: Brief, allow_overflow: bool = False
) -> Fitted:
    """Lay out `parsed` with the roomiest step that fits on one page."""
    laid = {0: parsed.layout(steps[0].css())}
    if _fits(laid[0]):
        return Fitted(laid[0], steps[0], 1)
    last = len(steps) - 1
    if last > 0:
        laid[last] = parsed.layout(steps[last].css())
    if not _fits(laid[last]):
        refuse_clipped(laid[last], str(brief.source))
        return _overflowing(laid[last], steps[last], brief, len(laid), allow_overflow)
    available = laid[0].page_height
    heights = {0: laid[0].height, last: laid[last].height}
    low, high = 0, last  # low overflows, high fits
    while high - low > 1:
        step = _probe(heights, low, high, available)
        laid[step] = parsed.layout(steps[step].css())
        heights[step] = laid[step].height
        if _fits(laid[step]):
            high = step
        else:
            low = step
    log.info("%s: tightened to step '%s' (%d renders)", brief.slug, steps[high].name, len(laid))
    return Fitted(laid[high], steps[high], len(laid))


def _fits(pages: Pages) -> bool:
    return pages.count == 1 and pages.clipped() is None


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


def _overflowing(
    pages: Pages, step: Step, brief: Brief, renders: int, allow_overflow: bool
) -> Fitted:
    if allow_overflow:
        log.warning("%s: %d pages (overflow allowed)", brief.slug, pages.count)
        return Fitted(pages, step, renders)
    lines, words = pages.overflow()
    longest = ", ".join(f"{name} ({count} words)" for name, count in section_words(brief)[:3])
    raise DoesNotFitError(
        f"{brief.source}: does not fit on one page, even at the tightest step "
        f"('{step.name}'): {lines} lines (about {words} words) over, on "
        f"{pages.count} pages. Longest sections: {longest}. Shorten them, or pass "
        f"--allow-overflow to get a {pages.count}-page PDF anyway. (No PDF was written.)"
    )
