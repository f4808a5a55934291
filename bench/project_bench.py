"""Benchmark of whole-project builds on a generated project of 100 briefs and a 30-brief kit.

Prints ratios, so results hold on a noisy machine:

- cold parallel build / sum of bare WeasyPrint renders of the same HTML (one pass each,
  at the step fit-to-page chose), target ≤ 0.6 on 2 cores;
- layout passes per brief (fit-to-page's predictions): average ≤ 2, at most 3; and the
  share of the text area the briefs fill;
- no-op rebuild / cold build, target ≤ 0.05;
- one edited brief plus its kit re-assembly / cold build;
- 30-brief kit size / one WeasyPrint pass over the same pages (Document.copy of all pages,
  one write_pdf, which shares font subsets), goal ≤ 1.5.

Run:  .venv/bin/python bench/project_bench.py [--briefs 100] [--kit 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import weasyprint
import yaml

from pressbrief import BuildOptions, build_project, check_project, load_config
from pressbrief.build.kit import contents_entries, embargo_of, plan
from pressbrief.content.fonts import font_face_css
from pressbrief.typeset.fit import Fitted
from pressbrief.typeset.html import build_html, build_kit_html, stylesheet
from pressbrief.typeset.layouts import find_layout
from pressbrief.typeset.render import render_pdf

ROOT = Path(__file__).resolve().parent.parent


def generate(folder: Path, briefs: int, kit: int, fitting: bool = False) -> None:
    """A project of `briefs` briefs made from the examples, of varied lengths (with
    `fitting`, only from the short example: briefs that fit without tightening)."""
    shutil.copytree(ROOT / "assets", folder / "assets")
    shutil.copy(ROOT / "pressbrief.yaml", folder / "pressbrief.yaml")
    (folder / "content").mkdir()
    examples = [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "content").glob("*.yaml"))
        if not fitting or path.stem == "broadband-compact"
    ]
    for number in range(briefs):
        data = dict(examples[number % len(examples)])
        data["title"] = f"{data['title'].rstrip('?')} (number {number + 1})?"
        keep = 2 + number % 4  # vary the length: some fit at once, some need tightening
        data["talking_points"] = data["talking_points"][:keep]
        (folder / "content" / f"brief-{number + 1:03d}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    (folder / "kits").mkdir()
    members = [f"brief-{n + 1:03d}" for n in range(kit)]
    kit_data = {"title": "Benchmark Kit", "event": "A long night", "briefs": members}
    (folder / "kits" / "bench.yaml").write_text(yaml.safe_dump(kit_data), encoding="utf-8")


def hyphen_ladders(fitted: Fitted) -> int:
    """How many times three or more lines in a row of a paragraph end hyphenated."""
    found = 0
    for lines in fitted.pages.lines_of("p"):
        run = 0
        for line in lines:
            run = run + 1 if line.rstrip().endswith("\u2010") else 0
            found += run == 3
    return found


def timed(job: object) -> float:
    start = time.perf_counter()
    job()  # type: ignore[operator]
    return time.perf_counter() - start


def bare_renders(folder: Path) -> tuple[float, list[weasyprint.Document], list[Fitted]]:
    """Bare WeasyPrint: each brief's final HTML rendered once, at the step fit-to-page chose
    (found first, untimed, by pressbrief itself, whose fits are returned too)."""
    config = load_config(folder)
    documents, fits, total = [], [], 0.0
    for brief in check_project(folder).briefs:
        layout = find_layout(brief.type, folder)
        fitted, _, _ = render_pdf(brief, config)
        fits.append(fitted)
        html = build_html(brief, config, layout)
        css = font_face_css() + stylesheet(config, layout) + fitted.step.css()
        base = (folder / "content").as_uri() + "/"
        start = time.perf_counter()
        document = weasyprint.HTML(string=html, base_url=base).render(
            stylesheets=[weasyprint.CSS(string=css, base_url=base)], pdf_variant="pdf/ua-1"
        )
        document.write_pdf(pdf_variant="pdf/ua-1")
        total += time.perf_counter() - start
        documents.append(document)
    return total, documents, fits


def single_pass_size(folder: Path, documents: list[weasyprint.Document], kit: int) -> int:
    """One WeasyPrint pass over the kit's pages: front matter and briefs, fonts shared."""
    config = load_config(folder)
    checked = check_project(folder)
    (kit_model,) = checked.kits
    members = list(checked.briefs)[:kit]
    starts = plan([1] * kit, False).starts
    layout = find_layout("kit-cover", folder)
    keywords = list(dict.fromkeys(t for b in members for t in b.tags))
    entries = contents_entries(members, starts)
    html = build_kit_html(
        kit_model,
        config,
        layout,
        "template.html",
        entries=entries,
        keywords=keywords,
        embargo=embargo_of(members),
    )
    front = weasyprint.HTML(string=html, base_url=folder.as_uri() + "/").render(
        stylesheets=[weasyprint.CSS(string=font_face_css() + stylesheet(config, layout))]
    )
    pages = [*front.pages, *(page for doc in documents[:kit] for page in doc.pages)]
    return len(front.copy(pages).write_pdf(pdf_variant="pdf/ua-1"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=100)
    parser.add_argument("--kit", type=int, default=30)
    parser.add_argument(
        "--fitting", action="store_true", help="only briefs that fit without tightening"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        generate(folder, args.briefs, args.kit, args.fitting)
        jobs = os.cpu_count() or 1
        cold = timed(lambda: build_project(folder, None, BuildOptions(jobs=jobs)))
        noop = timed(lambda: build_project(folder, None, BuildOptions(jobs=jobs)))
        edited = folder / "content" / "brief-001.yaml"
        edited.write_text(edited.read_text(encoding="utf-8").replace("?", " now?", 1))
        one = timed(lambda: build_project(folder, None, BuildOptions(jobs=jobs)))
        bare, documents, fits = bare_renders(folder)
        kit_size = (folder / "dist" / "kits" / "bench.pdf").stat().st_size
        single = single_pass_size(folder, documents, args.kit)
    mix = "that fit without tightening" if args.fitting else "of mixed lengths"
    print(f"{args.briefs} briefs {mix}, a {args.kit}-brief kit, {jobs} worker processes")
    print(f"cold parallel build        {cold:7.2f} s")
    print(f"bare WeasyPrint, summed    {bare:7.2f} s")
    print(f"  ratio cold / bare        {cold / bare:7.3f}   (target <= 0.6)")
    passes = [fitted.renders for fitted in fits]
    fills = sorted(fitted.fill for fitted in fits)
    print(f"layout passes per brief    {sum(passes) / len(passes):7.2f}   (target <= 2)")
    print(f"  most for one brief       {max(passes):7d}   (target <= 3)")
    print(f"  briefs by passes         {dict(sorted(Counter(passes).items()))}")
    print(f"fill of the text area      {fills[0]:7.1%} to {fills[-1]:.1%}")
    ladders = sum(hyphen_ladders(fitted) for fitted in fits)
    lines = sum(len(lines) for fitted in fits for lines in fitted.pages.lines_of("p"))
    print(f"3+ hyphenated lines in a row {ladders:5d}   (in {lines} lines of paragraphs)")
    print(f"no-op rebuild              {noop:7.3f} s")
    print(f"  ratio no-op / cold       {noop / cold:7.3f}   (target <= 0.05)")
    print(f"one edited brief + kit     {one:7.2f} s")
    print(f"  ratio edit / cold        {one / cold:7.3f}")
    print(f"kit size                   {kit_size / 1024:7.0f} KiB")
    print(f"single-pass size           {single / 1024:7.0f} KiB")
    print(f"  ratio kit / single pass  {kit_size / single:7.3f}   (goal <= 1.5)")


if __name__ == "__main__":
    main()
