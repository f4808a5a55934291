"""Layout name → `Layout`: lookup over an explicit, ordered search path, and the Jinja
environment its template renders in.

The search path is the project's own `layouts/` first, the built-in layouts last; a
layout folder holds `template.html` (Jinja2), `layout.yaml` (its role, and the tightening
steps fit-to-page may use) and, for PDFs, `style.css` (print CSS). A missing layout error
prints the path. Templates may include the built-in partials in `layouts/_shared/`.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path, PurePath
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..content.types import lineage, search_path, setting
from ..errors import LayoutError
from ..files import read_regular

LAYOUT_FILES = ("template.html", "layout.yaml")


@dataclass(frozen=True)
class Step:
    """One fit-to-page step: CSS custom properties and their values, and how tall content
    set in this step is, relative to the natural step (its `scale`)."""

    name: str
    variables: tuple[tuple[str, str], ...]
    scale: float = 1.0

    def css(self) -> str:
        """The step as a `:root` rule."""
        body = " ".join(f"--{name}: {value};" for name, value in self.variables)
        return f":root {{ {body} }}"


@dataclass(frozen=True)
class Fit:
    """A layout's fit-to-page steps, roomiest first; the natural one, where a brief starts;
    the share of the text area content should fill (None: never grow past natural); and,
    per paper, how full the natural step is for a length of text (`estimated`)."""

    steps: tuple[Step, ...]
    natural: int = 0
    fill: tuple[float, float] | None = None
    estimate: tuple[tuple[str, float, float], ...] = ()
    """(paper, share of the page the natural step fills without text, characters of text
    that fill a page at the natural step)."""
    pages: int = 1
    """The page budget: how many pages a document may take; fill is a share of them all."""

    def estimated(self, characters: int, paper: str) -> float | None:
        """The share of the page `characters` of text should fill at the natural step, on
        `paper`; None if the layout does not say."""
        for name, empty, per_page in self.estimate:
            if name == paper:
                return empty + characters / per_page
        return None


STEP_SCALE = 0.04
"""Without a declared `scale`, each step from the natural one is taken to make content 4 %
shorter (tighter) or taller (roomier); the first measured layout corrects the guess."""


@dataclass(frozen=True)
class Layout:
    """A layout found on the search path."""

    name: str
    folders: tuple[Path, ...]
    """Its own folder, then those of the layouts it extends."""
    fit: Fit
    environment: jinja2.Environment

    @property
    def folder(self) -> Path:
        return self.folders[0]

    @property
    def stylesheet(self) -> str:
        """The layout's print CSS: the style.css of each layout it extends, then its own
        (a layout for email has none)."""
        sheets = []
        for css in (folder / "style.css" for folder in reversed(self.folders)):
            if not css.exists():
                continue
            try:
                sheets.append(read_regular(css).decode("utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                raise LayoutError(f"{css}: cannot read the layout's stylesheet: {error}") from error
        return "\n".join(sheets)

    def render(self, template: str = "template.html", **context: Any) -> str:
        """One of the layout's templates rendered with `context` (autoescaped, strict)."""
        try:
            return self.environment.get_template(template).render(**context)
        except jinja2.TemplateError as error:  # SecurityError (the sandbox) included
            where = f"{getattr(error, 'filename', None) or self.folder / template}"
            line = getattr(error, "lineno", None)
            raise LayoutError(
                f"{where}:{line or 1}: layout '{self.name}' failed: {error}"
            ) from error
        except Exception as error:  # the layout's own mistake, e.g. 1/0 or a runaway loop
            where, line = _template_line(error) or (str(self.folder / template), 1)
            raise LayoutError(
                f"{where}:{line}: layout '{self.name}' failed: {type(error).__name__}: {error}"
            ) from error


def _template_line(error: BaseException) -> tuple[str, int] | None:
    """Where in a template `error` was raised: Jinja maps the frames of compiled templates
    back to the template file and line."""
    found = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename.endswith((".html", ".txt")):
            found = (frame.f_code.co_filename, line)
    return found


def find_layout(name: str, project_root: Path | None) -> Layout:
    """The layout of type `name` (the first folder of that name on the search path, with
    what it inherits); LayoutError listing the path if there is none."""
    folders = tuple(lineage(name, project_root))
    for folder in folders:
        for file in LAYOUT_FILES:  # a FIFO in a layout would block; name it instead
            if (folder / file).exists() and not (folder / file).is_file():
                raise LayoutError(f"{folder / file}: not a regular file")
    if not any((folder / "template.html").is_file() for folder in folders):
        raise LayoutError(f"layout '{name}' in {folders[0]} lacks template.html")
    searched = tuple(search_path(project_root))
    return Layout(name, folders, _fit(name, project_root), _environment(folders + searched))


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, narrowed to what a layout needs: the fields of pressbrief's models
    (never a file path), text, numbers, dates, lists and mappings, Jinja's own loop helpers
    and the macros of a template it imports. Anything else (a `Path` that could read or
    write files, a module, a function's globals) is out of reach, so a layout from
    elsewhere can shape a page and nothing more."""

    _PLAIN = (str, int, float, bool, date, tuple, list, dict, Markup)
    _JINJA = (jinja2.runtime.LoopContext, jinja2.utils.Cycler, jinja2.utils.Joiner)

    _DATE = frozenset(
        ("year", "month", "day", "hour", "minute", "second", "tzinfo", "isoformat", "strftime")
    )
    """What a layout may ask of a date: not the clock (`today`, `now`), which would make
    the same input give other bytes tomorrow."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(value, PurePath) or (isinstance(obj, date) and attr not in self._DATE):
            return False
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return attr in {field.name for field in dataclasses.fields(obj)}
        if isinstance(obj, jinja2.environment.TemplateModule):  # {% import … as parts %}
            return isinstance(value, jinja2.runtime.Macro)
        if isinstance(obj, self._PLAIN + self._JINJA + (jinja2.utils.Namespace,)):
            return bool(super().is_safe_attribute(obj, attr, value))
        return False


class _Loader(jinja2.FileSystemLoader):
    """Jinja's file loader, held to the sandbox's rules: a template is a regular `.html` or
    `.txt` file that is, symlinks resolved, inside the folders searched (a layout cannot
    include a project's CSV, its pressbrief.yaml or a file elsewhere through a link)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            path = Path(folder, *split_template_path(template))
            if path.is_file():
                inside = path.resolve().is_relative_to(Path(folder).resolve())
                if not inside or path.suffix not in (".html", ".txt"):
                    raise jinja2.TemplateNotFound(
                        template, f"{path}: a layout may include only its own .html or .txt files"
                    )
                return super().get_source(environment, template)
        raise jinja2.TemplateNotFound(template)


@cache
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """One environment per layout folder and process, so templates compile once; Jinja
    reloads a template whose file changed (auto_reload). Sandboxed: a layout downloaded
    from somewhere can shape the page but cannot reach Python's internals (no
    `__globals__`, no `os`), so it cannot run commands."""
    return _Sandbox(
        loader=_Loader(list(folders)),  # inherited templates, other layouts, _shared/
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _fit(name: str, project_root: Path | None) -> Fit:
    """Read `fit:` from layout.yaml: a list of steps, roomiest first (the first is natural),
    or a mapping with `steps:`, `natural:` (a step's name), `fill: [at least, at most]` and
    `pages:` (the page budget, 1 unless it says).
    A step is {name, scale (optional), CSS variable: value, …}."""
    try:
        data = setting(name, "fit", project_root)
        if data is None:
            raise KeyError("fit")
        settings = data if isinstance(data, dict) else {"steps": data}
        items = [dict(item) for item in settings["steps"]]
        names = [str(item.get("name")) for item in items]
        natural = names.index(str(settings.get("natural", names[0]))) if items else 0
        steps = tuple(
            _step(item, 1 + STEP_SCALE * (natural - index)) for index, item in enumerate(items)
        )
        fill = settings.get("fill")
        if fill is not None:
            low, high = (float(value) for value in fill)
            if not 0 < low <= high <= 1:
                raise ValueError(f"fill {fill} is not [at least, at most] between 0 and 1")
            fill = (low, high)
        estimate = tuple(
            (str(paper), float(empty), float(per_page))
            for paper, (empty, per_page) in dict(settings.get("estimate") or {}).items()
        )
        pages = int(settings.get("pages", 1))
        if pages < 1:
            raise ValueError(f"pages: {pages} is not a page budget of 1 or more")
    except (KeyError, TypeError, ValueError) as error:
        raise LayoutError(
            f"{lineage(name, project_root)[0]}/layout.yaml: expected 'fit:' with a list of "
            "steps (or 'steps:', 'natural:', 'fill:' "
            f"and 'estimate:'), each step with a 'name' and CSS variables ({error})"
        ) from error
    if not steps:
        raise LayoutError(f"layout '{name}': 'fit:' needs at least one step")
    return Fit(steps, natural, fill, estimate, pages)


def _step(item: dict[str, Any], scale: float) -> Step:
    """A step from its layout.yaml entry; `scale` unless it declares its own."""
    name = str(item.pop("name"))
    scale = float(item.pop("scale", scale))
    if not scale > 0:
        raise ValueError(f"step '{name}': scale must be above 0")
    return Step(name, tuple((str(k), str(v)) for k, v in item.items()), scale)
