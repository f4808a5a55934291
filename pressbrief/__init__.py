"""pressbrief: structured briefing content (YAML) in, branded print-ready PDF one-pagers out.

The public API, one function per job:

- `render_brief(path, output)`: one brief file → one PDF (fit to one page).
- `build_project(folder, output)`: every brief in `folder/content/` → PDFs in
  `dist/briefs/`, every kit in `folder/kits/` → `dist/kits/`; parallel and incremental.
- `build_kit(path, output)`: one press kit (cover, contents, briefs) → one PDF.
- `check_project(folder)`: validate the config and every brief; renders nothing.
- `new_brief(slug, folder, today, type_name)`: scaffold `content/SLUG.yaml` of any type.
- `document_types(folder)`, `type_reference(name, folder)`, `type_json_schema(name, folder)`:
  the types a project can use, their fields, their JSON Schema.
- `impose_pdf(source, output, layout)`: a PDF's pages on printer sheets (2-up, 4-up,
  booklet).
- `email_packet(source, recipients)`: a kit or brief emailed to each reporter, through
  an outbox that makes re-runs safe.
- `proof_project(folder)`: every page of every brief and kit compared with its approved
  picture in `folder/proof/` (or, with `approve=True`, approved).
- `load_config(path)`: the project config that applies to a file or folder.

Errors are the classes in `pressbrief.errors`, all subclasses of `PressbriefError`.
Importing pressbrief does not import WeasyPrint; only rendering does.
"""

from .assets import VERSION as __version__
from .build.build import (
    BuildOptions,
    Built,
    Checked,
    Imposition,
    Progress,
    build_kit,
    build_project,
    check_project,
)
from .build.impose import SHEETS, Imposed
from .build.impose import impose as impose_pdf
from .build.proof import Difference, Proof, proof_project
from .content.config import load_config
from .content.model import (
    Brand,
    Config,
    Contact,
    Document,
    Image,
    Kit,
    Link,
    MediaContact,
    Organization,
)
from .content.project import (
    TypeInfo,
    document_types,
    new_brief,
    type_json_schema,
    type_reference,
)
from .content.schema import FieldSpec, Schema
from .delivery.packet import ATTACH, email_packet
from .errors import (
    BuildError,
    ContentError,
    DeliveryError,
    DoesNotFitError,
    ImposeError,
    Interrupted,
    KitError,
    LayoutError,
    MailError,
    OutputError,
    PressbriefError,
    Problem,
    ProjectError,
    ProofError,
)
from .pdf.printing import PROFILES
from .typeset.render import Rendered, render_brief

__all__ = [
    "ATTACH",
    "PROFILES",
    "SHEETS",
    "Brand",
    "BuildError",
    "BuildOptions",
    "Built",
    "Checked",
    "Config",
    "Contact",
    "ContentError",
    "DeliveryError",
    "Difference",
    "Document",
    "DoesNotFitError",
    "FieldSpec",
    "Image",
    "ImposeError",
    "Imposed",
    "Imposition",
    "Interrupted",
    "Kit",
    "KitError",
    "LayoutError",
    "Link",
    "MailError",
    "MediaContact",
    "Organization",
    "OutputError",
    "PressbriefError",
    "Problem",
    "Progress",
    "ProjectError",
    "Proof",
    "ProofError",
    "Rendered",
    "Schema",
    "TypeInfo",
    "__version__",
    "build_kit",
    "build_project",
    "check_project",
    "document_types",
    "email_packet",
    "impose_pdf",
    "load_config",
    "new_brief",
    "proof_project",
    "render_brief",
    "type_json_schema",
    "type_reference",
]
