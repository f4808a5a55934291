"""A headline + its document's CSS → the width at which its lines break well.

WeasyPrint ignores `text-wrap: balance`, so the breaks are chosen here, before the brief
is laid out: one small trial layout holds the headline at each headline size the layout's
steps use, at widths from the full measure down to half of it. The narrowest width that
keeps the full measure's line count gives the most even lines; widths whose last line is a
single word, or that start a line with a dash, are passed over. Keeping the line count
keeps the headline's height, so the choice never changes what fits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import escape

from .layouts import Fit, Step

WIDTHS = tuple(range(100, 50, -4))
"""Trial widths, in percent of the measure."""

DASHES = ("-", "\u2013", "\u2014")


@dataclass(frozen=True)
class Trial:
    """How the headline broke at one size and width: the text of each line."""

    title: str
    width: int
    lines: tuple[str, ...]


def _order(fit: Fit) -> list[tuple[str, int]]:
    """(headline size, width) of each trial, in the order the trial document holds them."""
    sizes = sorted({dict(step.variables).get("title", "") for step in fit.steps})
    return [(size, width) for size in sizes for width in WIDTHS]


def trial_html(title: str, lang: str, fit: Fit) -> str:
    """One document holding the headline at every headline size and trial width."""
    copies = "".join(
        f'<h1 style="--title: {size}; width: {width}%">{escape(title)}</h1>'
        for size, width in _order(fit)
    )
    return f'<!DOCTYPE html><html lang="{escape(lang)}"><body><main>{copies}</main></body></html>'


def trials(html_lines: list[tuple[str, ...]], fit: Fit) -> list[Trial]:
    """The trial layout's headlines, in the order `trial_html` wrote them."""
    return [
        Trial(size, width, lines)
        for (size, width), lines in zip(_order(fit), html_lines, strict=True)
    ]


def widths(trials: list[Trial]) -> dict[str, int]:
    """Headline size → the trial width to set it at (only where narrower than 100 %)."""
    chosen: dict[str, int] = {}
    for size in dict.fromkeys(trial.title for trial in trials):
        tried = [trial for trial in trials if trial.title == size]
        full = len(tried[0].lines)
        if full < 2:
            continue
        good = [
            trial
            for trial in tried
            if len(trial.lines) == full
            and len(trial.lines[-1].split()) > 1
            and not any(line.lstrip().startswith(DASHES) for line in trial.lines[1:])
        ]
        if good and good[-1].width < 100:
            chosen[size] = good[-1].width
    return chosen


def css_for(chosen: dict[str, int]) -> Callable[[Step], str]:
    """Extra CSS for a step: the balanced width for its headline size."""

    def extra(step: Step) -> str:
        width = chosen.get(dict(step.variables).get("title", ""))
        return f":root {{ --headline-width: {width}%; }}" if width else ""

    return extra
