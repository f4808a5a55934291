"""Project folder → checked briefs and kits (`check_project`), or PDFs (`build_project`,
`build_kit`).

A build validates everything first, then renders briefs in worker processes (one
WeasyPrint font configuration per worker), skips every brief and kit whose inputs are
unchanged (`cache.py`), assembles kits from the brief PDFs, and reports every failure
together at the end (`BuildError`): one bad brief never stops the others.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .cache import BuildCache, Cached, Key
from .content import load_brief, load_kit
from .errors import BuildError, ContentError, KitError, PressbriefError, Problem
from .layouts import available, find_layout
from .model import Brief, Config, Kit
from .printing import finish
from .project import Project, open_project, project_root_of, slug_clashes
from .render import render_document, render_pdf, write_atomic

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what) after each output of a build."""


@dataclass(frozen=True)
class Imposition:
    """How `build` and `kit` also impose each kit for printing (see `impose.py`)."""

    layout: str
    fit: bool = False
    marks: bool = False


@dataclass(frozen=True)
class BuildOptions:
    """Options of `build_project` and `build_kit`; the CLI's flags map onto these."""

    allow_overflow: bool = False
    """Write a brief that cannot fit on one page as a longer PDF instead of failing."""
    jobs: int | None = None
    """Worker processes rendering briefs; None: one per CPU."""
    force: bool = False
    """Render and assemble everything again, ignoring the cache."""
    impose: Imposition | None = None
    """Also write each kit imposed, as NAME-LAYOUT.pdf beside it."""
    profile: str = "screen"
    """'screen', or 'print' for print-shop files: bleed, crop marks, CMYK brand colours."""


@dataclass(frozen=True)
class Checked:
    """What `check_project` found: valid briefs and kits, and the problems of the others."""

    project: Project
    briefs: tuple[Brief, ...]
    kits: tuple[Kit, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Built:
    """One PDF a build wrote or found up to date."""

    output: Path
    pages: int
    note: str


def check_project(folder: Path) -> Checked:
    """Validate the config, every brief and every kit of the project in `folder`."""
    project = open_project(folder)
    types = available(project.root)
    problems = [*slug_clashes(project.briefs), *slug_clashes(project.kits)]
    briefs = _valid(project.briefs, problems, lambda f, p: load_brief(f, project.config, types, p))
    slugs = [file.stem for file in project.briefs]
    kits = _valid(project.kits, problems, lambda f, p: load_kit(f, slugs, p))
    return Checked(project, tuple(briefs), tuple(kits), tuple(problems))


def _valid(
    files: Iterable[Path], problems: list[Problem], load: Callable[[Path, list[Problem]], T | None]
) -> list[T]:
    """Load each file, keeping only those without a problem (found now or before)."""
    loaded = [(file, load(file, problems)) for file in files]
    bad = {problem.file for problem in problems}
    return [item for file, item in loaded if item is not None and file not in bad]


def build_project(
    folder: Path,
    output: Path | None = None,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
) -> list[Built]:
    """Every brief of the project into `output/briefs/`, every kit into `output/kits/`
    (default output: PROJECT/dist, or PROJECT/dist/print for the print profile)."""
    checked = check_project(folder)
    default = checked.project.root / "dist"
    target = output or (default / "print" if options.profile == "print" else default)
    build = _Build(checked.project, target, options, progress)
    members = {brief.slug: brief for brief in checked.briefs}
    return build.run(checked.briefs, checked.kits, members, checked.problems)


def load_kit_members(file: Path) -> tuple[Project, Kit, list[Brief]]:
    """The project of a kit file, the kit and its briefs, validated (ContentError if not).

    The project is `project.project_root_of` the kit file."""
    project = open_project(project_root_of(file))
    slugs = [f.stem for f in project.briefs]
    problems: list[Problem] = []
    kit = load_kit(file, slugs, problems)
    types = available(project.root)
    files = {f.stem: f for f in project.briefs}
    members = [] if kit is None else [files[s] for s in kit.briefs if s in files]
    briefs = _valid(members, problems, lambda f, p: load_brief(f, project.config, types, p))
    if problems or kit is None:
        raise ContentError(problems)
    return project, kit, briefs


def build_kit(
    file: Path,
    output: Path | None = None,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
) -> list[Built]:
    """One kit (kits/NAME.yaml) to `output` (default: the kit file's name with .pdf), and
    its imposed copy when `options.impose` asks for one."""
    project, kit, briefs = load_kit_members(file)
    target = output or file.with_suffix(".pdf")
    build = _Build(project, target.parent, options, progress)
    kit = dataclasses.replace(kit, slug=target.stem)
    return build.run((), (kit,), {b.slug: b for b in briefs}, (), kit_folder="")


def build_briefs(
    project: Project, briefs: list[Brief], options: BuildOptions = BuildOptions()
) -> list[Built]:
    """Some briefs of a project into PROJECT/dist/briefs/ (cached like a build)."""
    build = _Build(project, project.root / "dist", options, None)
    return build.run(briefs, (), {}, ())


@dataclass(frozen=True)
class _Job:
    """One brief to render with one config (a kit may ask for another paper)."""

    key: Key
    brief: Brief
    config: Config


@dataclass(frozen=True)
class _Result:
    """A rendered brief or kit (its bytes, or where the cache keeps them), or why it failed."""

    data: bytes | Cached = b""
    pages: int = 0
    note: str = ""
    error: PressbriefError | None = None

    @property
    def pdf(self) -> bytes:
        """The PDF's bytes."""
        return self.data.pdf if isinstance(self.data, Cached) else self.data


def _render_job(brief: Brief, config: Config, allow_overflow: bool) -> tuple[bytes, int, str]:
    """Render one brief (runs in a worker process)."""
    fitted, data = render_pdf(brief, config, allow_overflow)
    passes = fitted.renders
    note = f"step '{fitted.step.name}', {passes} layout pass{'es' if passes != 1 else ''}"
    return data, fitted.pages.count, note


class _Build:
    def __init__(
        self, project: Project, target: Path, options: BuildOptions, progress: Progress | None
    ) -> None:
        self.project = project
        self.config = dataclasses.replace(project.config, profile=options.profile)
        self.target = target
        self.allow_overflow = options.allow_overflow
        self.jobs = options.jobs or os.cpu_count() or 1
        self.force = options.force
        self.imposition = options.impose
        if self.imposition is not None:  # refuse a typo before rendering anything
            from .impose import check_layout

            check_layout(self.imposition.layout)
        self.progress = progress
        self.cache = BuildCache(project.root, target)
        self.done = 0
        self.total = 0
        self.kits = 0

    def run(
        self,
        briefs: Iterable[Brief],
        kits: Iterable[Kit],
        members: dict[str, Brief],
        problems: Iterable[Problem],
        kit_folder: str = "kits",
    ) -> list[Built]:
        """Render `briefs` to briefs/, assemble `kits` (of `members`) to `kit_folder`."""
        briefs, kits, problems = list(briefs), list(kits), list(problems)
        failures: list[PressbriefError] = [ContentError(problems)] if problems else []
        standalone = [self._job(b, self.config) for b in briefs]
        kit_jobs = {
            kit.slug: [
                self._job(members[s], self._kit_config(kit)) for s in kit.briefs if s in members
            ]
            for kit in kits
        }
        self.kits = len(kits)
        results = self._render_all([*standalone, *(j for js in kit_jobs.values() for j in js)])
        built: list[Built] = []
        for job in standalone:
            output = self.target / "briefs" / f"{job.brief.slug}.pdf"
            self._finish(output, job.key, results[job.key], built, failures)
        for kit in kits:
            output = self.target / kit_folder / f"{kit.slug}.pdf"
            self._kit(kit, output, kit_jobs[kit.slug], results, built, failures)
        self.cache.save()
        if failures:
            raise BuildError(failures, len(built))
        return built

    def _kit_config(self, kit: Kit) -> Config:
        return dataclasses.replace(self.config, paper=kit.paper or self.config.paper)

    def _job(self, brief: Brief, config: Config) -> _Job:
        return _Job(self.cache.brief_key(brief, config, self.allow_overflow), brief, config)

    def _render_all(self, jobs: list[_Job]) -> dict[Key, _Result]:
        """Results for every job: from the cache, or rendered in parallel."""
        unique = {job.key: job for job in jobs}
        results: dict[Key, _Result] = {}
        todo = []
        for key, job in unique.items():
            cached = None if self.force else self.cache.get(key)
            if cached is None:
                todo.append(job)
            else:
                results[key] = _Result(cached, cached.pages, "from the cache")
        self.total = len(todo) + self.kits
        if len(todo) > 1 and self.jobs > 1:
            results.update(self._in_workers(todo))
        else:
            for job in todo:
                try:
                    results[job.key] = self._rendered(job, _render_job(*self._arguments(job)))
                except PressbriefError as error:
                    results[job.key] = self._failed(job, error)
        return results

    def _arguments(self, job: _Job) -> tuple[Brief, Config, bool]:
        return job.brief, job.config, self.allow_overflow

    def _rendered(self, job: _Job, outcome: tuple[bytes, int, str]) -> _Result:
        data, pages, note = outcome
        self.cache.put(job.key, data, pages)
        self._report(f"{job.brief.slug}: {note}")
        return _Result(data, pages, note)

    def _failed(self, job: _Job, error: PressbriefError) -> _Result:
        self._report(f"{job.brief.slug}: failed")
        return _Result(error=error)

    def _in_workers(self, todo: list[_Job]) -> dict[Key, _Result]:
        # Workers come from a fork server that never held a font configuration: WeasyPrint's
        # FontConfiguration does not survive being inherited through fork.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pressbrief.pdf"])
        results = {}
        workers = min(self.jobs, len(todo))
        log.info("rendering %d briefs in %d worker processes", len(todo), workers)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures: dict[Future[tuple[bytes, int, str]], _Job] = {
                pool.submit(_render_job, *self._arguments(job)): job for job in todo
            }
            for future in as_completed(futures):
                job = futures[future]
                try:
                    results[job.key] = self._rendered(job, future.result())
                except PressbriefError as error:  # pickled back with its class and message
                    results[job.key] = self._failed(job, error)
        return results

    def _finish(
        self,
        output: Path,
        key: Key,
        result: _Result,
        built: list[Built],
        failures: list[PressbriefError],
    ) -> None:
        if result.error is not None:
            log.error("%s", result.error)
            failures.append(result.error)
            return
        if self.force or not self.cache.is_current(output, key):
            write_atomic(finish(result.pdf, self.config), output)
            self.cache.record(output, key)
            note = result.note
        else:
            note = "up to date"
        built.append(Built(output, result.pages, note))
        log.info("%s (%s)", output, note)

    def _kit(
        self,
        kit: Kit,
        output: Path,
        jobs: list[_Job],
        results: dict[Key, _Result],
        built: list[Built],
        failures: list[PressbriefError],
    ) -> None:
        key, result = self._kit_result(kit, jobs, results, failures)
        self._report(f"{kit.slug}: {'failed' if result.error else result.note}")
        self._finish(output, key, result, built, failures)
        if self.imposition is not None and result.error is None:
            self._impose(output, key, built, failures)

    def _impose(
        self, kit_pdf: Path, key: Key, built: list[Built], failures: list[PressbriefError]
    ) -> None:
        """The kit imposed for printing, beside it; redone only when the kit or the
        imposition changed."""
        from .impose import impose

        assert self.imposition is not None
        spec = self.imposition
        output = kit_pdf.with_name(f"{kit_pdf.stem}-{spec.layout}.pdf")
        imposed_key = f"{key}:{spec}"
        if not self.force and self.cache.is_current(output, imposed_key):
            from .kit import page_count

            built.append(Built(output, page_count(output.read_bytes()), "up to date"))
            return
        try:
            result = impose(kit_pdf, output, spec.layout, fit=spec.fit, marks=spec.marks)
        except PressbriefError as error:
            failures.append(error)
            return
        self.cache.record(output, imposed_key)
        note = f"{spec.layout}, {result.sheets} sheet sides"
        built.append(Built(output, result.sheets, note))

    def _kit_result(
        self,
        kit: Kit,
        jobs: list[_Job],
        results: dict[Key, _Result],
        failures: list[PressbriefError],
    ) -> tuple[Key, _Result]:
        failed = [s for s in kit.briefs if s not in {job.brief.slug for job in jobs}]
        failed += [job.brief.slug for job in jobs if results[job.key].error is not None]
        if failed:
            for job in jobs:  # each member's own reason is reported once
                error = results[job.key].error
                if error is not None and all(error is not f for f in failures):
                    failures.append(error)
            message = f"{kit.source}: not built, because these briefs failed: {', '.join(failed)}"
            return "", _Result(error=KitError(message))
        key = self.cache.kit_key(kit, self._kit_config(kit), [job.key for job in jobs])
        cached = None if self.force else self.cache.get(key)
        if cached is not None:
            return key, _Result(cached, cached.pages, "from the cache")
        try:
            data, pages = self._assemble(kit, jobs, results)
        except PressbriefError as error:
            return key, _Result(error=error)
        self.cache.put(key, data, pages)
        return key, _Result(data, pages, f"kit of {len(jobs)} brief{'s' if len(jobs) != 1 else ''}")

    def _assemble(
        self, kit: Kit, jobs: list[_Job], results: dict[Key, _Result]
    ) -> tuple[bytes, int]:
        from .html import build_blank_html, build_kit_html
        from .kit import Member, assemble, contents_entries, plan

        assert kit.source is not None
        config = self._kit_config(kit)
        members = [Member(job.brief, results[job.key].pdf, results[job.key].pages) for job in jobs]
        starts, _ = plan([results[job.key].pages for job in jobs], kit.duplex)
        layout = find_layout("kit-cover", self.project.root)
        keywords = list(dict.fromkeys(tag for job in jobs for tag in job.brief.tags))
        entries = contents_entries([job.brief for job in jobs], starts)
        front = render_document(
            build_kit_html(kit, config, layout, entries, keywords), kit.source, config, layout
        )
        blank = None
        if kit.duplex:
            blank = render_document(
                build_blank_html(kit, config, layout), kit.source, config, layout
            )
        return assemble(kit, front, blank, members, self.cache.folder / "fonts")

    def _report(self, what: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, what)
