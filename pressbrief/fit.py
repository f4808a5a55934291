"""Parsed HTML + the layout's tightening steps → pages that fit on one page, or a report.

Steps are ordered from roomiest to tightest, so "fits" is monotone along them: the first
render uses the roomiest step; if that overflows, a binary search finds the roomiest step
that fits in about log2(steps) more renders. A brief that does not fit even at the tightest
step raises `DoesNotFitError` naming the brief, how much is over and its longest sections.
"""

from __future__ import annotations

import logging
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


def fit_one_page(
    parsed: Parsed, steps: tuple[Step, ...], brief: Brief, allow_overflow: bool = False
) -> Fitted:
    """Lay out `parsed` with the roomiest step that fits on one page."""
    renders = 1
    first = parsed.layout(steps[0].css())
    if first.count == 1:
        return Fitted(first, steps[0], renders)
    best: tuple[Pages, Step] | None = None
    low, high = 1, len(steps) - 1
    tightest: Pages | None = None
    while low <= high:
        middle = (low + high) // 2
        pages = parsed.layout(steps[middle].css())
        renders += 1
        if middle == len(steps) - 1:
            tightest = pages
        if pages.count == 1:
            best, high = (pages, steps[middle]), middle - 1
        else:
            low = middle + 1
    if best is not None:
        log.info("%s: tightened to step '%s' (%d renders)", brief.slug, best[1].name, renders)
        return Fitted(best[0], best[1], renders)
    if tightest is None:  # only one step was declared
        tightest = first
    if allow_overflow:
        log.warning("%s: %d pages (overflow allowed)", brief.slug, tightest.count)
        return Fitted(tightest, steps[-1], renders)
    lines, words = tightest.overflow()
    longest = ", ".join(f"{name} ({count} words)" for name, count in section_words(brief)[:3])
    raise DoesNotFitError(
        f"{brief.source}: does not fit on one page, even at the tightest step "
        f"('{steps[-1].name}'): {lines} lines (about {words} words) over, on "
        f"{tightest.count} pages. Longest sections: {longest}. Shorten them, or pass "
        f"--allow-overflow to get a {tightest.count}-page PDF anyway. (No PDF was written.)"
    )
