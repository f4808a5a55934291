"""Benchmark: pressbrief's time per brief as a ratio to bare WeasyPrint on the same HTML.

For each example brief, "pressbrief" is the whole `render_brief` job (config, validation,
HTML, fit-to-page with all its layout passes, PDF, atomic write); "bare" is WeasyPrint
rendering the final HTML once with the step fit-to-page chose, with the same options.
Ratios, not seconds, so results hold on a noisy machine. Run:

    .venv/bin/python bench/bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint

from pressbrief import check_project, load_config, render_brief
from pressbrief.content.fonts import font_face_css
from pressbrief.typeset.html import build_html, stylesheet
from pressbrief.typeset.layouts import find_layout

ROOT = Path(__file__).resolve().parent.parent


def median_time(job: Callable[[], object], repeat: int) -> float:
    job()  # warm up: imports, font configuration, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    checked = check_project(ROOT)
    config = load_config(ROOT)
    print(f"{'brief':<22} {'step':<16} {'renders':>7} {'pressbrief':>11} {'bare':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for brief in checked.briefs:
            assert brief.source is not None
            result = render_brief(brief.source, out / "a.pdf")
            layout = find_layout(brief.type, config.root)
            (step,) = [s for s in layout.fit.steps if s.name == result.step]
            html = build_html(brief, config, layout)
            css = font_face_css() + stylesheet(config, layout) + step.css()
            base = brief.source.parent.as_uri() + "/"

            def bare(html: str = html, css: str = css, base: str = base) -> None:
                weasyprint.HTML(string=html, base_url=base).write_pdf(
                    out / "b.pdf",
                    stylesheets=[weasyprint.CSS(string=css, base_url=base)],
                    pdf_variant="pdf/ua-1",
                )

            def ours(source: Path = brief.source) -> None:
                render_brief(source, out / "a.pdf")

            ours_time = median_time(ours, args.repeat)
            bare_time = median_time(bare, args.repeat)
            print(
                f"{brief.slug:<22} {result.step:<16} {result.renders:>7} "
                f"{ours_time * 1000:>9.0f}ms {bare_time * 1000:>6.0f}ms "
                f"{ours_time / bare_time:>5.2f}x"
            )


if __name__ == "__main__":
    main()
