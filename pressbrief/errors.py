"""Every exception pressbrief raises, each saying who raises it.

The CLI maps each class to an exit code (`exit_code`) and prints `str(error)`;
the library never prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build.proof import Difference


class PressbriefError(Exception):
    """Base class of every error pressbrief raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one file."""

    file: Path
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class ContentError(PressbriefError):
    """Raised by `content` (briefs) and `config` (pressbrief.yaml) with every problem found.

    Also carries characters that no bundled font covers (`fonts.check_coverage`).
    """

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


class DoesNotFitError(PressbriefError):
    """Raised by `fit` when a one-pager does not fit on one page even at its tightest step."""

    exit_code = 3


class LayoutError(PressbriefError):
    """Raised by `layouts` for a missing layout or a template error, and by `pdf` when the
    layout asks for a resource the sandbox refuses."""

    exit_code = 4


class KitError(PressbriefError):
    """Raised by `build` when a kit cannot be assembled because a member brief failed."""

    exit_code = 7


class ImposeError(PressbriefError):
    """Raised by `impose` for a request that cannot be printed: an unknown layout or sheet,
    an input that is not a PDF, pages larger than the sheet asked for."""

    exit_code = 8


class MailError(PressbriefError):
    """Raised by `mail`, `delivery` and `packet` when a packet cannot be composed or sent at
    all: no sender, a message over the size budget, a login without its password, a
    packet holding drafts (without --allow-draft)."""

    exit_code = 9


class DeliveryError(PressbriefError):
    """Raised by `delivery` after trying every message, listing the recipients whose
    message the server did not accept (those messages stay in the outbox), those whose
    delivery is unknown (kept in unconfirmed/), and the messages left waiting when the
    server could not be reached at all."""

    exit_code = 10


class Interrupted(PressbriefError):
    """Raised by `delivery` when a Ctrl-C stopped a run after the message in flight,
    saying what was sent and what still waits."""

    exit_code = 130


class ProofError(PressbriefError):
    """Raised by `proof` when pages are not as approved, listing every changed, new and
    missing page (after writing the pages as they render now and the diff images)."""

    exit_code = 11

    def __init__(self, differences: Sequence[Difference], pages: int) -> None:
        self.differences = list(differences)
        counts = {status: 0 for status in ("changed", "new", "missing")}
        for difference in differences:
            counts[difference.status] += 1
        summary = ", ".join(f"{count} {status}" for status, count in counts.items() if count)
        super().__init__(
            "\n".join(str(d) for d in differences)
            + f"\n{pages} page{'s' if pages != 1 else ''} rendered; not as approved: {summary}. "
            "If this is what you want, accept it with `pressbrief proof --approve`"
        )


class OutputError(PressbriefError):
    """Raised by `output` when the PDF cannot be written where it was asked to go."""

    exit_code = 5


class ProjectError(PressbriefError):
    """Raised by `project` when a project folder or a brief to scaffold is not usable, and
    by `proof` when an approved picture cannot be read."""

    exit_code = 6


class BuildError(PressbriefError):
    """Raised by `build` after rendering every brief it could, listing every failure.

    Its exit code is that of the first failure (briefs are built in file-name order).
    """

    def __init__(self, failures: list[PressbriefError], built: int) -> None:
        self.failures = failures
        self.built = built
        self.exit_code = failures[0].exit_code
        count = sum(len(f.problems) if isinstance(f, ContentError) else 1 for f in failures)
        super().__init__(
            "\n".join(str(f) for f in failures)
            + f"\n{count} problem{'s' if count != 1 else ''}; {built} PDF"
            f"{'s' if built != 1 else ''} built"
        )
