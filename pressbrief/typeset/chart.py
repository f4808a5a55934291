"""A chart's data (a fact sheet's `chart:`: kind, title, unit, points of {label, value})
→ an SVG drawing to inline in the page (the layout sets its title and source around it),
described in its <title>, which becomes the figure's alternate text in the tagged PDF.

The drawing is a few shapes: a zero baseline, bars (or a line through points), each value
and each category labelled in real text, so a reader can search and copy it; no grid, no
ticks (every value is printed). Bars and lines start from zero, negative values reach
below the baseline. WeasyPrint does not resolve CSS variables inside an SVG, so the
colours come in as values (`printing.palette`: device CMYK in the print profile) and the
heading font by name. Every text is escaped: content is untrusted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup, escape

WIDTH = 500.0
"""The drawing's width in its own units (points, at a text column of 500 pt)."""
PLOT_HEIGHT = 100.0
LABEL_SIZE = 8.0
VALUE_SIZE = 8.5
LINE_GAP = 1.25
"""A line of label text, in font sizes."""
CHARACTER = 0.56
"""An average character of the heading font, in font sizes: where labels wrap."""


class Point(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def value(self) -> float: ...


class Chart(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def points(self) -> Sequence[Point]: ...
    @property
    def source(self) -> str: ...


def number(value: float) -> str:
    """A number as written, with thousands separated and a true minus: '84.0', '1,250',
    '−3.5'."""
    return f"{value:,}".replace("-", "\u2212")


def quantity(value: float, unit: str = "") -> str:
    """A number with its unit: a word after a no-break space ('84.0 million'), a sign
    right after it ('47%')."""
    if not unit:
        return number(value)
    space = "\u00a0" if unit[0].isalnum() else ""
    return f"{number(value)}{space}{unit}"


@dataclass(frozen=True)
class Scale:
    """Values → vertical positions in the plot, zero included."""

    low: float
    high: float
    top: float

    def y(self, value: float) -> float:
        return self.top + (self.high - value) / (self.high - self.low) * PLOT_HEIGHT


def scale(values: Sequence[float], top: float) -> Scale:
    low, high = min(0.0, *values), max(0.0, *values)
    if low == high:  # all zero: a flat line on the baseline
        high = 1.0
    return Scale(low, high, top)


def wrap(text: str, width: float, size: float) -> list[str]:
    """`text` in lines of about `width` units at font `size` (a word longer stays whole)."""
    fits = max(1, int(width / (size * CHARACTER)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= fits:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _text(x: float, y: float, lines: Sequence[str], size: float, **attributes: str) -> str:
    """An SVG text element: centred on `x`, its first baseline at `y`, escaped."""
    extra = "".join(f' {name.replace("_", "-")}="{escape(v)}"' for name, v in attributes.items())
    spans = "".join(
        f'<tspan x="{x:.2f}" dy="{0 if i == 0 else size * LINE_GAP:.2f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    at = f'x="{x:.2f}" y="{y:.2f}" font-size="{size:g}" text-anchor="middle"'
    return f"<text {at}{extra}>{spans}</text>"


def svg(chart: Chart, colours: Mapping[str, str], font: str) -> Markup:
    """The drawing of `chart`: `colours` by name (primary, ink, ink-muted, paper), the
    labels in `font`."""
    points = list(chart.points)
    slot = WIDTH / len(points)
    values = [p.value for p in points]
    top = VALUE_SIZE * 1.6
    plot = scale(values, top)
    zero = plot.y(0)
    below = VALUE_SIZE * 1.6 if plot.low < 0 else 0.0  # room for the values under bars
    labels = [wrap(p.label, slot * 0.92, LABEL_SIZE) for p in points]
    label_top = top + PLOT_HEIGHT + below + LABEL_SIZE * 1.5
    height = label_top + LABEL_SIZE * LINE_GAP * (max(map(len, labels)) - 1) + LABEL_SIZE * 0.5
    centres = [slot * (i + 0.5) for i in range(len(points))]
    shapes: list[str] = []
    if chart.kind == "line":
        path = " ".join(f"{x:.2f},{plot.y(v):.2f}" for x, v in zip(centres, values, strict=True))
        shapes.append(
            f'<polyline points="{path}" fill="none" stroke="{escape(colours["primary"])}" '
            'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        )
        shapes += [
            f'<circle cx="{x:.2f}" cy="{plot.y(v):.2f}" r="3" fill="{escape(colours["primary"])}" '
            f'stroke="{escape(colours["paper"])}" stroke-width="1"/>'
            for x, v in zip(centres, values, strict=True)
        ]
    else:
        bar = min(slot * 0.6, 44.0)
        shapes += [
            f'<rect x="{x - bar / 2:.2f}" y="{min(plot.y(v), zero):.2f}" width="{bar:.2f}" '
            f'height="{abs(plot.y(v) - zero):.2f}" fill="{escape(colours["primary"])}"/>'
            for x, v in zip(centres, values, strict=True)
        ]
    shapes.append(
        f'<line x1="0" y1="{zero:.2f}" x2="{WIDTH:g}" y2="{zero:.2f}" '
        f'fill="none" stroke="{escape(colours["ink"])}" stroke-width="0.75"/>'
    )
    lift = 6.0 if chart.kind == "line" else 3.5  # a value clears its point or bar end
    for x, value, lines in zip(centres, values, labels, strict=True):
        y = plot.y(value) - lift if value >= 0 else plot.y(value) + lift + VALUE_SIZE * 0.75
        shapes.append(
            _text(
                x,
                y,
                [quantity(value, chart.unit)],
                VALUE_SIZE,
                font_weight="700",
                fill=colours["ink"],
            )
        )
        shapes.append(_text(x, label_top, lines, LABEL_SIZE, fill=colours["ink-muted"]))
    kind = "Line chart" if chart.kind == "line" else "Bar chart"
    described = "; ".join(f"{p.label}: {quantity(p.value, chart.unit)}" for p in points)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-drawing" '
        f'viewBox="0 0 {WIDTH:g} {height:.2f}" width="{WIDTH:g}" height="{height:.2f}" '
        f'font-family="{escape(font)}">'
        f"<title>{escape(f'{kind}: {chart.title}. {described}.')}</title>"
        f"{''.join(shapes)}</svg>"
    )
