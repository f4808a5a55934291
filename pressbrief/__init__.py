"""pressbrief: structured briefing content (YAML) in, branded print-ready PDF one-pagers out.

The public API, one function per job:

- `render_brief(path, output)`: one brief file → one PDF (fit to one page).
- `build_project(folder, output)`: every brief in `folder/content/` → PDFs in `dist/`.
- `check_project(folder)`: validate the config and every brief; renders nothing.
- `new_brief(slug, folder, today)`: scaffold `content/SLUG.yaml`.
- `load_config(path)`: the project config that applies to a file or folder.

Errors are the classes in `pressbrief.errors`, all subclasses of `PressbriefError`.
Importing pressbrief does not import WeasyPrint; only rendering does.
"""

from .assets import VERSION as __version__
from .build import Checked, build_project, check_project
from .config import load_config
from .errors import (
    BuildError,
    ContentError,
    DoesNotFitError,
    LayoutError,
    OutputError,
    PressbriefError,
    Problem,
    ProjectError,
)
from .model import Brand, Brief, Config, Contact, Link, Organization, Statement
from .project import new_brief
from .render import Rendered, render_brief

__all__ = [
    "Brand",
    "Brief",
    "BuildError",
    "Checked",
    "Config",
    "Contact",
    "ContentError",
    "DoesNotFitError",
    "LayoutError",
    "Link",
    "Organization",
    "OutputError",
    "PressbriefError",
    "Problem",
    "ProjectError",
    "Rendered",
    "Statement",
    "__version__",
    "build_project",
    "check_project",
    "load_config",
    "new_brief",
    "render_brief",
]
