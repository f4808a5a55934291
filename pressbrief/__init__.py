"""pressbrief: structured briefing content (YAML) in, branded print-ready PDF one-pagers out.

The public API, one function per job:

- `render_brief(path, output)`: one brief file → one PDF (fit to one page).
- `build_project(folder, output)`: every brief in `folder/content/` → PDFs in
  `dist/briefs/`, every kit in `folder/kits/` → `dist/kits/`; parallel and incremental.
- `build_kit(path, output)`: one press kit (cover, contents, briefs) → one PDF.
- `check_project(folder)`: validate the config and every brief; renders nothing.
- `new_brief(slug, folder, today)`: scaffold `content/SLUG.yaml`.
- `impose_pdf(source, output, layout)`: a PDF's pages on printer sheets (2-up, 4-up,
  booklet).
- `load_config(path)`: the project config that applies to a file or folder.

Errors are the classes in `pressbrief.errors`, all subclasses of `PressbriefError`.
Importing pressbrief does not import WeasyPrint; only rendering does.
"""

from .assets import VERSION as __version__
from .build import (
    BuildOptions,
    Built,
    Checked,
    Imposition,
    Progress,
    build_kit,
    build_project,
    check_project,
)
from .config import load_config
from .errors import (
    BuildError,
    ContentError,
    DoesNotFitError,
    ImposeError,
    KitError,
    LayoutError,
    OutputError,
    PressbriefError,
    Problem,
    ProjectError,
)
from .impose import SHEETS, Imposed
from .impose import impose as impose_pdf
from .model import Brand, Brief, Config, Contact, Kit, Link, Organization, Statement
from .printing import PROFILES
from .project import new_brief
from .render import Rendered, render_brief

__all__ = [
    "PROFILES",
    "SHEETS",
    "Brand",
    "Brief",
    "BuildError",
    "BuildOptions",
    "Built",
    "Checked",
    "Config",
    "Contact",
    "ContentError",
    "DoesNotFitError",
    "ImposeError",
    "Imposed",
    "Imposition",
    "Kit",
    "KitError",
    "LayoutError",
    "Link",
    "Organization",
    "OutputError",
    "PressbriefError",
    "Problem",
    "Progress",
    "ProjectError",
    "Rendered",
    "Statement",
    "__version__",
    "build_kit",
    "build_project",
    "check_project",
    "impose_pdf",
    "load_config",
    "new_brief",
    "render_brief",
]
