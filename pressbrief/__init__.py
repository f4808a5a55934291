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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assets import VERSION as __version__
    from .build.build import (
        BuildOptions,
        Built,
        Imposition,
        Progress,
        build_kit,
        build_project,
    )
    from .build.impose import SHEETS, Imposed
    from .build.impose import impose as impose_pdf
    from .build.proof import Difference, Proof, proof_project
    from .content.config import load_config
    from .content.model import (
        ATTACH,
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
        Checked,
        TypeInfo,
        check_project,
        document_types,
        new_brief,
        type_json_schema,
        type_reference,
        types_markdown,
    )
    from .content.schema import FieldSpec, Schema
    from .delivery.packet import email_packet
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

_PUBLIC = {
    "__version__": ("assets", "VERSION"),
    "ATTACH": ("content.model", "ATTACH"),
    "Brand": ("content.model", "Brand"),
    "build_kit": ("build.build", "build_kit"),
    "build_project": ("build.build", "build_project"),
    "BuildError": ("errors", "BuildError"),
    "BuildOptions": ("build.build", "BuildOptions"),
    "Built": ("build.build", "Built"),
    "check_project": ("content.project", "check_project"),
    "Checked": ("content.project", "Checked"),
    "Config": ("content.model", "Config"),
    "Contact": ("content.model", "Contact"),
    "ContentError": ("errors", "ContentError"),
    "DeliveryError": ("errors", "DeliveryError"),
    "Difference": ("build.proof", "Difference"),
    "Document": ("content.model", "Document"),
    "document_types": ("content.project", "document_types"),
    "DoesNotFitError": ("errors", "DoesNotFitError"),
    "email_packet": ("delivery.packet", "email_packet"),
    "FieldSpec": ("content.schema", "FieldSpec"),
    "Image": ("content.model", "Image"),
    "impose_pdf": ("build.impose", "impose"),
    "Imposed": ("build.impose", "Imposed"),
    "ImposeError": ("errors", "ImposeError"),
    "Imposition": ("build.build", "Imposition"),
    "Interrupted": ("errors", "Interrupted"),
    "Kit": ("content.model", "Kit"),
    "KitError": ("errors", "KitError"),
    "LayoutError": ("errors", "LayoutError"),
    "Link": ("content.model", "Link"),
    "load_config": ("content.config", "load_config"),
    "MailError": ("errors", "MailError"),
    "MediaContact": ("content.model", "MediaContact"),
    "new_brief": ("content.project", "new_brief"),
    "Organization": ("content.model", "Organization"),
    "OutputError": ("errors", "OutputError"),
    "PressbriefError": ("errors", "PressbriefError"),
    "Problem": ("errors", "Problem"),
    "PROFILES": ("pdf.printing", "PROFILES"),
    "Progress": ("build.build", "Progress"),
    "ProjectError": ("errors", "ProjectError"),
    "Proof": ("build.proof", "Proof"),
    "proof_project": ("build.proof", "proof_project"),
    "ProofError": ("errors", "ProofError"),
    "render_brief": ("typeset.render", "render_brief"),
    "Rendered": ("typeset.render", "Rendered"),
    "Schema": ("content.schema", "Schema"),
    "SHEETS": ("build.impose", "SHEETS"),
    "type_json_schema": ("content.project", "type_json_schema"),
    "type_reference": ("content.project", "type_reference"),
    "TypeInfo": ("content.project", "TypeInfo"),
    "types_markdown": ("content.project", "types_markdown"),
}
"""Each public name → (module, name there). They are imported when first used, so that
`import pressbrief` (and the CLI's commands that render nothing, such as `check`) pays only
for the stages it uses: not WeasyPrint, not Jinja, not the mail code."""


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'pressbrief' has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value
    return value


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
    "types_markdown",
]
