"""Project folder → checked briefs and kits (`check_project`), or PDFs (`build_project`,
`build_kit`).

A build validates everything first, then renders briefs in worker processes under the
project's time and memory limits (`workers.py`), writing each PDF as soon as it is
rendered; it skips every brief and kit whose inputs are unchanged (`cache.py`), assembles
kits from the brief PDFs, and reports every failure (a render, a write) together at the
end (`BuildError`): one bad brief never stops the others.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..content.model import Config, Document, Kit
from ..content.project import Project, check_project, open_project, project_root_of, valid
from ..content.read import load_brief, load_kit
from ..content.types import available
from ..errors import BuildError, ContentError, KitError, OutputError, PressbriefError, Problem
from ..files import check_output, write_atomic
from ..pdf.printing import finish
from ..pdf.workers import limited, shared_pool
from ..typeset.html import Entry, Verso, build_kit_html
from ..typeset.layouts import find_layout
from ..typeset.render import render_document, render_summary
from .cache import BuildCache, Key

if TYPE_CHECKING:  # pypdf is imported when a kit is assembled, not by `check`
    from .kit import OwnPages

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
    trim: bool = False
    """Let a brief that cannot fit drop the parts its writer gave a priority, lowest first."""
    jobs: int | None = None
    """Worker processes rendering briefs; None: one per CPU (at most two per CPU)."""
    force: bool = False
    """Render and assemble everything again, ignoring the cache."""
    impose: Imposition | None = None
    """Also write each kit imposed, as NAME-LAYOUT.pdf beside it."""
    profile: str = "screen"
    """'screen', or 'print' for print-shop files: bleed, crop marks, CMYK brand colours."""


@dataclass(frozen=True)
class Built:
    """One PDF a build wrote or found up to date."""

    output: Path
    pages: int
    note: str


def for_profile(folder: Path, profile: str) -> Path:
    """Where a profile's files go in `folder` (dist/, or proof/ of `proof`): the print
    profile's in its print/ subfolder, beside the screen files."""
    return folder / "print" if profile == "print" else folder


def build_project(
    folder: Path,
    output: Path | None = None,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
) -> list[Built]:
    """Every brief of the project into `output/briefs/`, every kit into `output/kits/`
    (default output: PROJECT/dist, or PROJECT/dist/print for the print profile)."""
    checked = check_project(folder)
    if not checked.config_ok:  # never build with defaults in place of the project's brand
        raise ContentError(list(checked.problems))
    target = output or for_profile(checked.project.root / "dist", options.profile)
    build = _Build(checked.project, target, options, progress)
    members = {brief.slug: brief for brief in checked.briefs}
    return build.run(checked.briefs, checked.kits, members, checked.problems)


def load_kit_members(file: Path) -> tuple[Project, Kit, list[Document]]:
    """The project of a kit file, the kit and its briefs, validated (ContentError if not).

    The project is `project.project_root_of` the kit file."""
    project = open_project(project_root_of(file))
    slugs = [f.stem for f in project.briefs]
    problems: list[Problem] = []
    kit = load_kit(file, slugs, project.config, problems)
    files = {f.stem: f for f in project.briefs}
    members = [] if kit is None else [files[s] for s in kit.briefs if s in files]
    names = available(project.root)
    briefs = valid(members, problems, lambda f, p: load_brief(f, project.config, p, names))
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
    if output is not None:
        check_output(output)
    target = output or file.with_suffix(".pdf")
    build = _Build(project, target.parent, options, progress)
    kit = dataclasses.replace(kit, slug=target.stem)
    return build.run((), (kit,), {b.slug: b for b in briefs}, (), kit_folder="")


def build_briefs(
    project: Project, briefs: list[Document], options: BuildOptions = BuildOptions()
) -> list[Built]:
    """Some briefs of a project into PROJECT/dist/briefs/ (cached like a build)."""
    build = _Build(project, project.root / "dist", options, None)
    return build.run(briefs, (), {}, ())


@dataclass(frozen=True)
class _Job:
    """One brief to render with one config (a kit may ask for another paper)."""

    key: Key
    brief: Document
    config: Config


@dataclass(frozen=True)
class _Result:
    """A rendered (or cached) brief or kit, or why it failed."""

    pdf: bytes = b""
    pages: int = 0
    note: str = ""
    error: PressbriefError | None = None


def _render_own_pages(
    kit: Kit,
    config: Config,
    entries: list[Entry],
    keywords: list[str],
    embargo: str | None,
    versos: list[Verso],
    folios: list[int],
) -> OwnPages:
    """A kit's own pages: cover and contents, duplex notes pages, and the folios of its
    brief pages (runs in a worker process: a kit's title and its briefs' titles are content
    too)."""
    from .kit import OwnPages, page_count, roman

    source = kit.source
    assert source is not None and config.root is not None
    layout = find_layout("kit-cover", config.root)

    def render(page: str, **context: object) -> bytes:
        html = build_kit_html(kit, config, layout, page, **context)
        return render_document(html, source, config, layout)

    front = render("template.html", entries=entries, keywords=keywords, embargo=embargo)
    count = page_count(front) if kit.cover or kit.contents else 0
    # In duplex, odd opening pages end on a notes page, numbered i, ii… after the cover.
    pad = roman(count + (not kit.cover)) if kit.duplex and count % 2 else ""
    notes = render("notes.html", versos=versos, pad=pad) if versos or pad else None
    return OwnPages(front, notes, render("folios.html", folios=folios))


class _Build:
    """One build: its options, cache and progress, and what it wrote and what failed."""

    def __init__(
        self, project: Project, target: Path, options: BuildOptions, progress: Progress | None
    ) -> None:
        self.project = project
        self.config = dataclasses.replace(project.config, profile=options.profile)
        self.target = target
        self.allow_overflow = options.allow_overflow
        self.trim = options.trim
        self.force = options.force
        self.imposition = options.impose
        if self.imposition is not None:  # refuse a typo before rendering anything
            from .impose import check_layout

            check_layout(self.imposition.layout)
        self.progress = progress
        cpus = os.cpu_count() or 1
        self.pool = shared_pool(min(options.jobs or cpus, 2 * cpus))  # renders are CPU-bound
        self.cache = BuildCache(project.root, target)
        self.done = 0
        self.total = 0
        self.built: list[Built] = []
        self.failures: list[tuple[int, PressbriefError]] = []
        self.kept: dict[Key, Key] = {}
        """A brief's key → the key its PDF is kept under, when its render loaded files its
        key did not cover yet (see `BuildCache.loaded`)."""
        self.order: dict[Path, int] = {}
        """Where each output comes in what a build reports: briefs, then kits, in the order
        they were given, whatever order the workers finish in."""

    def run(
        self,
        briefs: Iterable[Document],
        kits: Iterable[Kit],
        members: dict[str, Document],
        problems: Iterable[Problem],
        kit_folder: str = "kits",
    ) -> list[Built]:
        """Render `briefs` to briefs/, assemble `kits` (of `members`) to `kit_folder`.

        Each brief's PDF is written as soon as it is rendered. Every failure (a render, a
        write) is collected and raised together at the end, after the cache index is saved
        for everything that succeeded."""
        kits, problems = list(kits), list(problems)
        if problems:
            self.failures.append((-1, ContentError(problems)))
        outputs: dict[Key, list[Path]] = {}
        jobs = []
        for brief in briefs:
            job = self._job(brief, self.config)
            jobs.append(job)
            outputs.setdefault(job.key, []).append(self.target / "briefs" / f"{brief.slug}.pdf")
        kit_jobs = {
            kit.slug: [
                self._job(members[s], self._kit_config(kit)) for s in kit.briefs if s in members
            ]
            for kit in kits
        }
        jobs += [job for members_of_kit in kit_jobs.values() for job in members_of_kit]
        kit_outputs = [self.target / kit_folder / f"{kit.slug}.pdf" for kit in kits]
        planned = [path for paths in outputs.values() for path in paths] + kit_outputs
        self.order = {path: i for i, path in enumerate(planned)}
        try:
            results = self._render_all(jobs, len(kits), outputs)
            for kit, output in zip(kits, kit_outputs, strict=True):
                self._kit(kit, output, kit_jobs[kit.slug], results)
        finally:
            try:
                self.cache.save()
            except OutputError as error:  # the PDFs are written; the next build renders more
                log.warning("the cache index was not saved: %s", error)
        self.built.sort(key=lambda item: self._place(item.output))
        if self.failures:
            self.failures.sort(key=lambda item: item[0])
            raise BuildError([error for _, error in self.failures], len(self.built))
        return self.built

    def _place(self, output: Path) -> int:
        return self.order.get(output, len(self.order))

    def _kit_config(self, kit: Kit) -> Config:
        return dataclasses.replace(self.config, paper=kit.paper or self.config.paper)

    def _job(self, brief: Document, config: Config) -> _Job:
        return _Job(
            self.cache.brief_key(brief, config, self.allow_overflow, self.trim), brief, config
        )

    def _render_all(
        self, jobs: list[_Job], kits: int, outputs: dict[Key, list[Path]]
    ) -> dict[Key, _Result]:
        """Results for every job, from the cache or rendered in the workers; the files in
        `outputs` (by key) are written as soon as their result is there."""
        results: dict[Key, _Result] = {}
        todo: dict[Key, _Job] = {}
        for job in jobs:
            if job.key in results or job.key in todo:
                continue
            cached = None if self.force else self.cache.get(job.key)
            if cached is None:
                todo[job.key] = job
                continue
            results[job.key] = _Result(cached.pdf, cached.pages, "from the cache")
            for output in outputs.get(job.key, ()):
                self._finish(output, job.key, results[job.key])
        self.total = len(todo) + kits
        if todo:
            log.info("rendering %d briefs in up to %d processes", len(todo), self.pool.size)
        tasks = {
            key: limited(
                job.brief.source,
                render_summary,
                (job.brief, job.config, self.allow_overflow, self.trim),
                job.config,
            )
            for key, job in todo.items()
        }
        keys = {id(task): key for key, task in tasks.items()}
        for task, value, error in self.pool.run(tasks.values()):
            key = keys[id(task)]
            slug = todo[key].brief.slug
            if error is not None:
                results[key] = _Result(error=error)
                self._report(f"{slug}: failed")
            else:
                self.kept[key] = self.cache.loaded(key, value.loaded)
                self._store(self.kept[key], value.pdf, value.pages)
                results[key] = _Result(value.pdf, value.pages, value.note)
                self._report(f"{slug}: {value.note}")
            for output in outputs.get(key, ()):
                self._finish(output, self.kept.get(key, key), results[key])
        return results

    def _store(self, key: Key, data: bytes, pages: int) -> None:
        """Keep a PDF in the cache; a cache that cannot be written only costs speed."""
        try:
            self.cache.put(key, data, pages)
        except OutputError as error:
            log.warning("not cached: %s", error)

    def _finish(self, output: Path, key: Key, result: _Result) -> None:
        """Write `output` from `result` unless it is up to date; collect any failure."""
        if result.error is not None:
            log.info("%s", result.error)  # reported with every other failure at the end
            self._fail(result.error, output)
            return
        if self.force or not self.cache.is_current(output, key):
            try:
                write_atomic(finish(result.pdf, self.config, output.stem), output)
            except OutputError as error:
                self._fail(error, output)
                return
            self.cache.record(output, key)
            note = result.note
        else:
            note = "up to date"
        self.built.append(Built(output, result.pages, note))
        log.info("%s (%s)", output, note)

    def _fail(self, error: PressbriefError, output: Path) -> None:
        """Collect the failure of `output` once (a brief in two kits is reported once)."""
        if all(error is not known for _, known in self.failures):
            self.failures.append((self._place(output), error))

    def _kit(self, kit: Kit, output: Path, jobs: list[_Job], results: dict[Key, _Result]) -> None:
        key, result = self._kit_result(kit, output, jobs, results)
        self._report(f"{kit.slug}: {'failed' if result.error else result.note}")
        self._finish(output, key, result)
        if self.imposition is not None and result.error is None:
            self._impose(output, key)

    def _impose(self, kit_pdf: Path, key: Key) -> None:
        """The kit imposed for printing, beside it; redone only when the kit or the
        imposition changed."""
        from .impose import impose

        assert self.imposition is not None
        spec = self.imposition
        output = kit_pdf.with_name(f"{kit_pdf.stem}-{spec.layout}.pdf")
        self.order[output] = self._place(kit_pdf)  # reported with its kit
        imposed_key = f"{key}:{spec}"
        if not self.force and self.cache.is_current(output, imposed_key):
            from .kit import page_count

            self.built.append(Built(output, page_count(output.read_bytes()), "up to date"))
            return
        try:
            result = impose(
                kit_pdf, output, spec.layout, fit=spec.fit, marks=spec.marks, config=self.config
            )
        except PressbriefError as error:
            self._fail(error, output)
            return
        self.cache.record(output, imposed_key)
        note = f"{spec.layout}, {result.sheets} sheet sides"
        self.built.append(Built(output, result.sheets, note))

    def _kit_result(
        self, kit: Kit, output: Path, jobs: list[_Job], results: dict[Key, _Result]
    ) -> tuple[Key, _Result]:
        failed = [s for s in kit.briefs if s not in {job.brief.slug for job in jobs}]
        failed += [job.brief.slug for job in jobs if results[job.key].error is not None]
        if failed:
            for job in jobs:  # each member's own reason is reported once
                error = results[job.key].error
                if error is not None:
                    self._fail(error, output)
            message = f"{kit.source}: not built, because these briefs failed: {', '.join(failed)}"
            return "", _Result(error=KitError(message))
        members = [self.kept.get(job.key, job.key) for job in jobs]
        key = self.cache.kit_key(kit, self._kit_config(kit), members)
        cached = None if self.force else self.cache.get(key)
        if cached is not None:
            return key, _Result(cached.pdf, cached.pages, "from the cache")
        try:
            data, pages = self._assemble(kit, jobs, results)
        except PressbriefError as error:
            return key, _Result(error=error)
        except Exception as error:  # pypdf on odd input: this kit fails, the build goes on
            why = f"{kit.source}: could not be assembled: {type(error).__name__}: {error}"
            return key, _Result(error=KitError(why))
        self._store(key, data, pages)
        return key, _Result(data, pages, f"kit of {len(jobs)} brief{'s' if len(jobs) != 1 else ''}")

    def _assemble(
        self, kit: Kit, jobs: list[_Job], results: dict[Key, _Result]
    ) -> tuple[bytes, int]:
        from ..content import projectfonts
        from .kit import Member, assemble, contents_entries, embargo_of, plan, versos

        config = self._kit_config(kit)
        members = [Member(job.brief, results[job.key].pdf, results[job.key].pages) for job in jobs]
        briefs = [job.brief for job in jobs]
        counts = [member.pages for member in members]
        layout = plan(counts, kit.duplex)
        keywords = list(dict.fromkeys(tag for brief in briefs for tag in brief.tags))
        args = (
            kit,
            config,
            contents_entries(briefs, layout.starts),
            keywords,
            embargo_of(briefs),
            versos(briefs, layout.notes),
            layout.folios(counts),
        )
        own = self.pool.one(limited(kit.source, _render_own_pages, args, config))
        project = projectfonts.faces(config)
        return assemble(kit, own, members, self.cache.folder / "fonts", project)

    def _report(self, what: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, what)
