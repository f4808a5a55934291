"""Command line → one library call per command → printed results and an exit code.

Exit codes: 0 success; 1 invalid content or config; 2 wrong command-line usage;
3 a document does not fit its page budget; 4 layout or rendering error; 5 the PDF could not be
written; 6 project folder or scaffolding problem; 7 a kit could not be assembled because
one of its briefs failed; 8 an imposition that cannot be done; 9 a packet that cannot be
emailed at all; 10 some messages were not accepted by the mail server; 11 pages are not
as approved (`proof`); 130 interrupted.
`build` exits with the code of its first failure.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import pressbrief as api

from .assets import VERSION
from .build.impose import SHEETS
from .content.model import ATTACH
from .errors import ContentError, PressbriefError
from .pdf.printing import PROFILES

if TYPE_CHECKING:  # the library's stages are imported when a command runs (`check` is quick)
    from . import BuildOptions, Built, Progress, Rendered

EPILOG = """\b
Exit codes:
  0  success
  1  invalid content or config (every problem is listed as FILE:LINE: field: message)
  2  wrong command-line usage
  3  a document does not fit its page budget (no PDF written; see --allow-overflow)
  4  layout or rendering error (missing layout, template error, refused resource)
  5  the PDF could not be written
  6  project folder or scaffolding problem
  7  a kit could not be assembled because one of its briefs failed
  8  an imposition that cannot be done (unknown layout or sheet, not a PDF,
     pages larger than the sheet)
  9  a packet that cannot be emailed at all (no sender, over the size budget,
     no password for the login, drafts without --allow-draft, an internal
     document without --internal)
 10  some messages were not accepted by the mail server (they stay in outbox/),
     may not have been delivered (kept in unconfirmed/), or the server could
     not be reached
 11  proof: pages changed, new or missing against the approved pictures in
     PROJECT/proof/ (see the diff images in dist/proof/)
130  interrupted (Ctrl-C); `email` says what was sent and what still waits
"""


class _Plain(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        return (
            message
            if record.levelno < logging.WARNING
            else f"{record.levelname.lower()}: {message}"
        )


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain())
    root = logging.getLogger("pressbrief")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    # WeasyPrint's own chatter is noise unless asked for.
    logging.getLogger("weasyprint").setLevel(logging.WARNING if verbose else logging.ERROR)
    logging.getLogger("pypdf").setLevel(logging.WARNING if verbose else logging.ERROR)


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="pressbrief")
@click.option("-v", "--verbose", is_flag=True, help="Log each step (renders, tightening).")
def cli(verbose: bool) -> None:
    """Turn structured briefing content (YAML) into branded one-page PDFs."""
    _setup_logging(verbose)


def _describe(result: Rendered | Built) -> str:
    pages = result.pages
    if isinstance(result, api.Built):
        note = result.note
    else:
        passes = f"{result.renders} layout pass{'es' if result.renders != 1 else ''}"
        note = f"step '{result.step}', {passes}"
        if result.dropped:
            note += f"; trimmed to fit, dropped {', '.join(result.dropped)}"
    return f"{result.output} ({pages} page{'s' if pages != 1 else ''}, {note})"


_profile = click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="screen",
    show_default=True,
    help="print: print-shop files with bleed, crop marks and CMYK brand colours.",
)
_overflow = click.option(
    "--allow-overflow",
    is_flag=True,
    help="Write a multi-page PDF when a brief cannot fit on one page.",
)
_trim = click.option(
    "--trim",
    is_flag=True,
    help="Let a brief that cannot fit drop its items and sections marked with a priority "
    "(low first), and say what was dropped.",
)


@cli.command(epilog=EPILOG)
@click.argument("brief", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PDF to write (default: the brief's name with .pdf).",
)
@_overflow
@_trim
@_profile
def render(
    brief: Path, output: Path | None, allow_overflow: bool, trim: bool, profile: str
) -> None:
    """Render one BRIEF (a YAML file) to a PDF one-pager."""
    result = api.render_brief(
        brief, output, allow_overflow=allow_overflow, trim=trim, profile=profile
    )
    click.echo(_describe(result))


_jobs = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes rendering briefs (default: the number of CPUs; at most twice that).",
)
_force = click.option("--force", is_flag=True, help="Rebuild everything, ignoring the cache.")
_impose = click.option(
    "--impose",
    "imposition",
    help="Also write each kit imposed for printing (2-up, 4-up or booklet) as NAME-LAYOUT.pdf.",
)
_fit = click.option("--fit", is_flag=True, help="Imposition: scale pages onto their own size.")
_marks = click.option("--marks", is_flag=True, help="Imposition: cut or fold marks.")


_project = click.argument(
    "project", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
_build_folder = click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs: briefs/ and kits/ in it (default: PROJECT/dist).",
)


def _build_flags(command: Callable[..., None]) -> Callable[..., None]:
    """The options `build` and `kit` share (they become BuildOptions through `_options`)."""
    for option in reversed((_overflow, _trim, _jobs, _force, _impose, _fit, _marks, _profile)):
        command = option(command)
    return command


def _options(
    allow_overflow: bool,
    trim: bool,
    jobs: int | None,
    force: bool,
    imposition: str | None,
    fit: bool,
    marks: bool,
    profile: str,
) -> BuildOptions:
    spec = api.Imposition(imposition, fit, marks) if imposition else None
    return api.BuildOptions(allow_overflow, trim, jobs, force, spec, profile)


@cli.command(epilog=EPILOG)
@_project
@_build_folder
@_build_flags
def build(project: Path, output: Path | None, **flags: Any) -> None:
    """Render every brief in PROJECT/content/ and every kit in PROJECT/kits/."""
    with _progress() as progress:
        built = api.build_project(project, output, _options(**flags), progress)
    for item in built:
        click.echo(_describe(item))


@cli.command(epilog=EPILOG)
@click.argument("kit", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="PDF to write (default: the kit's name with .pdf).",
)
@_build_flags
def kit(kit: Path, output: Path | None, **flags: Any) -> None:
    """Build one press KIT (kits/NAME.yaml): cover, contents and its briefs in one PDF."""
    with _progress() as progress:
        built = api.build_kit(kit, output, _options(**flags), progress)
    for item in built:
        click.echo(_describe(item))


@cli.command(epilog=EPILOG)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Imposed PDF to write.",
)
@click.option(
    "--layout",
    "layout",
    required=True,
    help="2-up, 4-up or booklet (saddle-stitched, padded to a multiple of 4 pages).",
)
@click.option("--fit", is_flag=True, help="Scale the pages onto a sheet of their own size.")
@click.option("--marks", is_flag=True, help="Cut marks (n-up) or a fold mark (booklet).")
@click.option("--sheet", help=f"Sheet size: {', '.join(SHEETS)} (default: what the pages need).")
def impose(
    source: Path, output: Path, layout: str, fit: bool, marks: bool, sheet: str | None
) -> None:
    """Impose the pages of SOURCE (a PDF) on printer sheets."""
    result = api.impose_pdf(source, output, layout, fit=fit, marks=marks, sheet=sheet)
    width, height = (round(v / 72, 2) for v in result.sheet_size)
    click.echo(
        f"{result.output} ({result.pages} pages on {result.sheets} sheet sides of "
        f"{width:g} × {height:g} in)"
    )


@cli.command("email", epilog=EPILOG)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--to",
    "recipients",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of recipients: columns email, name, outlet.",
)
@click.option(
    "--attach",
    type=click.Choice(ATTACH),
    default="kit",
    show_default=True,
    help="For a kit: attach the kit PDF, or each brief's one-pager.",
)
@click.option("--dry-run", is_flag=True, help="Write the messages to outbox/ and stop there.")
@click.option(
    "--allow-draft", is_flag=True, help="Send a packet holding drafts (the subject says DRAFT)."
)
@click.option(
    "--internal",
    "allow_internal",
    is_flag=True,
    help="Send a packet holding internal documents (talking points) to an internal list.",
)
@click.option(
    "--resend",
    is_flag=True,
    help="Send again to those who had this packet already, as a correction (CORRECTION: in "
    "the subject).",
)
@click.option(
    "--resend-unconfirmed",
    is_flag=True,
    help="Send again this packet's messages in unconfirmed/ (their delivery is unknown).",
)
@_jobs
def email_command(
    source: Path,
    recipients: Path,
    attach: str,
    dry_run: bool,
    allow_draft: bool,
    allow_internal: bool,
    resend: bool,
    resend_unconfirmed: bool,
    jobs: int | None,
) -> None:
    """Email a kit (kits/NAME.yaml) or a brief (content/SLUG.yaml) to reporters."""
    with _progress() as progress:
        report = api.email_packet(
            source,
            recipients,
            attach=attach,
            dry_run=dry_run,
            options=api.BuildOptions(jobs=jobs),
            progress=progress,
            allow_draft=allow_draft,
            allow_internal=allow_internal,
            resend=resend,
            resend_unconfirmed=resend_unconfirmed,
        )
    queued = len(report.queued)
    click.echo(
        f"{queued} message{'s' if queued != 1 else ''} in the outbox"
        + (f", {report.already_sent} already sent before" if report.already_sent else "")
    )
    if not dry_run:
        click.echo(f"{len(report.sent)} sent")
    if report.elsewhere:
        click.echo(f"{report.elsewhere} message(s) were being sent by another run", err=True)
    if report.others_waiting:
        click.echo(
            f"{report.others_waiting} other message(s) in outbox/ belong to another packet or "
            "to recipients no longer on this list; they were not sent (re-run that packet, or "
            "delete them)",
            err=True,
        )


@cli.command(epilog=EPILOG)
@_project
@_build_folder
@click.option(
    "--approve",
    is_flag=True,
    help="Accept the pages as they render now: they replace the pictures in PROJECT/proof/.",
)
@_jobs
@_profile
def proof(
    project: Path, output: Path | None, approve: bool, jobs: int | None, profile: str
) -> None:
    """Build PROJECT and compare every page with its approved picture in PROJECT/proof/
    (changed and new pages are written to OUTPUT/proof/, with a diff image)."""
    options = api.BuildOptions(jobs=jobs, profile=profile)
    with _progress() as progress:
        result = api.proof_project(project, output, options, progress, approve=approve)
    for difference in result.approved:
        done = "removed" if difference.status == "missing" else "approved"
        click.echo(f"{difference.approved}: {difference.status}, {done}")
    pages = len(result.pages)
    state = "approved" if approve else "as approved"
    click.echo(f"{pages} page{'s' if pages != 1 else ''} {state}")


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress bar on a terminal; elsewhere a plain line on stderr for each step."""
    if not sys.stderr.isatty():

        def line(done: int, total: int, what: str) -> None:
            click.echo(f"[{done}/{total}] {what}", err=True)

        yield line
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("building", total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        yield update


@cli.command(epilog=EPILOG)
@_project
def check(project: Path) -> None:
    """Validate the config and every brief of PROJECT without rendering."""
    checked = api.check_project(project)
    if checked.problems:
        raise ContentError(list(checked.problems))
    kinds = Counter(document.type for document in checked.briefs)
    each = ", ".join(f"{count} {name}" for name, count in sorted(kinds.items()))
    count = len(checked.briefs)
    click.echo(f"{count} document{'s' if count != 1 else ''} OK" + (f" ({each})" if each else ""))


_PROJECT_OPTION = click.option(
    "-p",
    "--project",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Project folder (default: the current folder).",
)


@cli.command(epilog=EPILOG)
@click.argument("slug")
@click.option("-t", "--type", "type_name", default="", help="Document type (see `types`).")
@_PROJECT_OPTION
def new(slug: str, type_name: str, project: Path) -> None:
    """Scaffold content/SLUG.yaml, a draft document to fill in (and its type's JSON
    Schema in schemas/, so an editor completes and checks fields as you type)."""
    click.echo(api.new_brief(slug, project, date.today().isoformat(), type_name))


@cli.command(epilog=EPILOG)
@click.argument("name", required=False)
@click.option("--markdown", is_flag=True, help="Every type's fields as Markdown (the README's).")
@_PROJECT_OPTION
def types(name: str | None, markdown: bool, project: Path) -> None:
    """List the document types PROJECT can use, or document the fields of type NAME."""
    if markdown:
        click.echo(api.types_markdown(project), nl=False)
        return
    if name:
        click.echo(api.type_reference(name, project), nl=False)
        return
    for found in api.document_types(project):
        where = "built-in" if found.built_in else str(found.folder)
        click.echo(f"{found.schema.name:16} {found.schema.doc} [{where}]")


@cli.command(epilog=EPILOG)
@click.argument("name")
@_PROJECT_OPTION
def schema(name: str, project: Path) -> None:
    """Print the JSON Schema of document type NAME (for editors' YAML language server)."""
    click.echo(api.type_json_schema(name, project), nl=False)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting."""
    try:
        cli.main(args=argv, prog_name="pressbrief", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code or 0)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort as abort:  # click turns KeyboardInterrupt into Abort
        if isinstance(abort.__cause__, KeyboardInterrupt):
            click.echo(
                "interrupted: every file already written is complete; nothing half-written is left",
                err=True,
            )
            return 130
        click.echo("aborted", err=True)
        return 1
    except PressbriefError as error:
        click.echo(f"error: {error}", err=True)
        return error.exit_code
    finally:  # the handler holds this run's stderr; a later run (or test) has its own
        logging.getLogger("pressbrief").handlers.clear()
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
