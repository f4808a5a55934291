"""One brief file → one PDF file: config, validation, HTML, fit-to-page, atomic write.

WeasyPrint is imported here only when a brief is actually rendered, so commands that do
not render (`check`, `new`, `--help`) start fast.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..assets import COLOR_DIR, FONTS_DIR
from ..content import fonts, projectfonts
from ..content.config import load_config
from ..content.model import Config, Document
from ..content.read import load_briefs
from ..errors import DoesNotFitError, LayoutError
from ..files import check_output, write_atomic
from ..pdf.printing import finish
from ..pdf.workers import limited, shared_pool
from . import headline
from .html import build_html, stylesheet
from .layouts import Layout, Step, find_layout
from .trim import candidates, described, without

if TYPE_CHECKING:
    from ..pdf.weasy import Parsed, Renderer
    from .fit import Fitted

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """What rendering one brief produced."""

    brief: Document
    output: Path
    pages: int
    renders: int
    step: str
    dropped: tuple[str, ...] = ()


def renderer(config: Config) -> Renderer:
    """This process's renderer for the fonts of `config` (the bundled ones and the
    project's): fonts are configured once per process and set of fonts."""
    if not config.brand.fonts:
        return _renderer((), (FONTS_DIR,))
    assert config.root is not None
    return _renderer(projectfonts.faces(config), (FONTS_DIR, config.root / projectfonts.CACHE))


@cache
def _renderer(project: tuple[fonts.Face, ...], folders: tuple[Path, ...]) -> Renderer:
    """A renderer is let go at exit, before the interpreter takes apart the modules its
    font configuration needs."""
    from ..pdf.weasy import Renderer

    atexit.register(_renderer.cache_clear)
    return Renderer(fonts.font_face_css(project), folders)


def render_pdf(
    brief: Document, config: Config, allow_overflow: bool = False, trim: bool = False
) -> tuple[Fitted, bytes, tuple[str, ...]]:
    """Lay out a validated brief in its layout, fitted to one page, and make its PDF; with
    `trim` (or `fit: trim` in the brief), a brief that cannot fit drops the parts its
    writer gave a priority, lowest first, until it fits. Returns what was dropped too.

    Raises LayoutError if anything could not be loaded or drawn: nothing is dropped silently.
    """
    from .fit import characters, fit_one_page

    assert brief.source is not None
    parsed, layout = parse_brief(brief, config)
    estimate = layout.fit.estimated(characters(brief), config.paper)
    extra = headline.css_for(balance_headline(parsed, brief, layout))
    trimming = trim or brief.fit == "trim"
    dropped: tuple[str, ...] = ()
    try:
        overflow = allow_overflow and not trimming
        fitted = fit_one_page(parsed, layout.fit, brief, overflow, extra, estimate)
    except DoesNotFitError as error:
        if not trimming:
            raise
        parsed, fitted, dropped = _trimmed(brief, config, layout, extra, error)
    _check(parsed, brief.source)  # before the PDF is written: nothing refused is embedded
    data = fitted.pages.pdf(config.profile == "print")
    _check(parsed, brief.source)
    return fitted, data, dropped


def _trimmed(
    brief: Document,
    config: Config,
    layout: Layout,
    extra: Callable[[Step], str],
    error: DoesNotFitError,
) -> tuple[Parsed, Fitted, tuple[str, ...]]:
    """Drop `brief`'s prioritized parts, lowest first, until its tightest step fits; then
    fit what is left as any brief. DoesNotFitError (`error`, and what trimming did) if
    even dropping all of them is not enough."""
    from .fit import fit_one_page, fits

    assert brief.source is not None
    tightest = layout.fit.steps[-1]
    dropped: list[str] = []
    names: list[str] = []
    for path in candidates(brief):
        dropped.append(path)
        names.append(described(brief, path))
        smaller = without(brief, dropped)
        html = build_html(smaller, config, layout, names)
        parsed = _parse(html, brief.source.parent, config, layout)
        if fits(parsed.layout(tightest.css() + extra(tightest)), layout.fit.pages):
            fitted = fit_one_page(parsed, layout.fit, smaller, False, extra)
            log.info("%s: dropped %s to fit", brief.slug, ", ".join(dropped))
            return parsed, fitted, tuple(names)
    tried = (
        f" Trimming dropped every part with a priority ({', '.join(names)}) and it still "
        "does not fit."
        if dropped
        else " Trimming found nothing to drop: give list items or sections a priority "
        "(e.g. - {text: …, priority: low})."
    )
    raise DoesNotFitError(
        str(error).replace(" (No PDF was written.)", tried + " (No PDF was written.)")
    )


def parse_brief(brief: Document, config: Config) -> tuple[Parsed, Layout]:
    """A validated brief's HTML and CSS, parsed and ready for fit-to-page, and its layout."""
    assert config.root is not None and brief.source is not None
    layout = find_layout(brief.type, config.root)
    return _parse(build_html(brief, config, layout), brief.source.parent, config, layout), layout


def balance_headline(parsed: Parsed, brief: Document, layout: Layout) -> dict[str, int]:
    """Headline size → the width (percent) its lines break best at, from one small trial
    layout with the brief's stylesheet (not a layout pass of the brief; its cost is logged)."""
    started = time.perf_counter()
    trial = parsed.fragment(headline.trial_html(brief.title, brief.lang, layout.fit))
    natural = layout.fit.steps[layout.fit.natural]
    pages = trial.layout(natural.css() + "h1 { break-inside: avoid; }")
    chosen = headline.widths(headline.trials(pages.lines_of("h1"), layout.fit))
    log.info(
        "%s: headline widths %s (%.0f ms)",
        brief.slug,
        chosen,
        1000 * (time.perf_counter() - started),
    )
    return chosen


def render_document(html: str, source: Path, config: Config, layout: Layout) -> bytes:
    """One layout pass, no fitting (a kit's cover and contents); `source` names it in errors."""
    from .fit import refuse_clipped

    parsed = _parse(html, source.parent, config, layout)
    pages = parsed.layout(layout.fit.steps[layout.fit.natural].css())
    _check(parsed, source)
    refuse_clipped(pages, str(source))
    data = pages.pdf(config.profile == "print")
    _check(parsed, source)
    return data


def _parse(html: str, base: Path, config: Config, layout: Layout) -> Parsed:
    assert config.root is not None
    roots = (config.root, layout.folder, FONTS_DIR, COLOR_DIR)
    css = stylesheet(config, layout)
    return renderer(config).parse(html, (css, layout.folder), base, roots, config.limits)


def _check(parsed: Parsed, source: Path) -> None:
    if parsed.fetcher.refused:
        raise LayoutError(f"{source}: refused to load " + "; ".join(parsed.fetcher.refused))
    if parsed.errors:
        raise LayoutError(f"{source}: " + "; ".join(parsed.errors))


def render_brief(
    source: Path,
    output: Path | None = None,
    *,
    allow_overflow: bool = False,
    trim: bool = False,
    profile: str = "screen",
) -> Rendered:
    """Validate and render the brief in `source` to `output` (default: beside it, as .pdf);
    `profile` is 'screen' or 'print' (bleed, crop marks, CMYK brand colours); `trim` lets
    fit-to-page drop the parts given a priority (see `render_pdf`)."""
    config = dataclasses.replace(load_config(source), profile=profile)
    (brief,) = load_briefs([source], config)
    if output is not None:
        check_output(output)
    output = output or source.with_suffix(".pdf")
    task = limited(source, render_summary, (brief, config, allow_overflow, trim), config)
    summary = shared_pool(1).one(task)
    write_atomic(finish(summary.pdf, config, brief.slug), output)
    log.info("%s → %s (%d pages, %d layout passes)", source, output, summary.pages, summary.passes)
    return Rendered(brief, output, summary.pages, summary.passes, summary.step, summary.dropped)


@dataclass(frozen=True)
class Summary:
    """What a worker returns of a render: the PDF, its pages, layout passes and step, what
    trimming dropped, and the files it loaded."""

    pdf: bytes
    pages: int
    passes: int
    step: str
    dropped: tuple[str, ...]
    loaded: tuple[str, ...]

    @property
    def note(self) -> str:
        """The render as a progress line tells it."""
        passes = f"{self.passes} layout pass{'es' if self.passes != 1 else ''}"
        dropped = f"; trimmed to fit, dropped {', '.join(self.dropped)}" if self.dropped else ""
        return f"step '{self.step}', {passes}{dropped}"


def render_summary(brief: Document, config: Config, allow_overflow: bool, trim: bool) -> Summary:
    """`render_pdf` in a worker."""
    fitted, data, dropped = render_pdf(brief, config, allow_overflow, trim)
    loaded = tuple(sorted(fitted.pages.fetched))
    return Summary(data, fitted.pages.count, fitted.renders, fitted.step.name, dropped, loaded)
