"""pressbrief.yaml → `Config`: finding the project, reading its config, checking brand,
print and email values.

One rule decides which project a file or folder belongs to (`project_root_of`), for every
command: the folder of the nearest pressbrief.yaml in it or above it (as git finds .git).
Without one the built-in defaults (`model.Config()`) apply, and the project is the folder
itself, or for a file, the folder holding its content/ or kits/ folder, else its own folder.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import ContentError, Problem
from . import brandyml, fonts, markdown, projectfonts, zones
from .model import Config
from .read import read_model, unusable
from .recipients import address_problem
from .yamlfile import suggest

CONFIG_NAME = "pressbrief.yaml"
MAX_INK = 300
"""Total ink, in percent, the output profile (ISO Coated v2 300%) allows for any colour."""
CONTENT_DIR = "content"
KITS_DIR = "kits"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_LENGTH = re.compile(r"\d+(\.\d+)?(mm|cm|in|pt)")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(KB|MB|GB)", re.IGNORECASE)
_SIZE_UNITS = {"KB": 1000, "MB": 1_000_000, "GB": 1_000_000_000}
_CMYK = re.compile(r"\d+(\.\d+)?( \d+(\.\d+)?){3}")


def find_config(start: Path) -> Path | None:
    """The nearest pressbrief.yaml in `start` (a folder or a file's folder) or above; one
    that is not a readable file (a folder, a broken link) is found too, and refused when read."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / CONFIG_NAME):
            return candidate / CONFIG_NAME
    return None


def _root_without_config(start: Path) -> Path:
    start = start.resolve()
    if start.is_dir():
        return start
    return start.parent.parent if start.parent.name in (CONTENT_DIR, KITS_DIR) else start.parent


def project_root_of(start: Path) -> Path:
    """The project a file or folder belongs to, for every command (see the module's doc)."""
    config = find_config(start)
    return config.parent if config is not None else _root_without_config(start)


def load_config(start: Path) -> Config:
    """The config of the project `start` belongs to; raises ContentError listing every problem."""
    file = find_config(start)
    if file is None:
        return Config(root=_root_without_config(start))
    problems: list[Problem] = []
    config, reader = read_model(Config, file, problems, empty_ok=True)
    if config is not None:
        config = dataclasses.replace(config, root=file.parent, source=file)
        problem: Callable[[str, str], None] = reader.problem_at
        brand = brandyml.read(file.parent, problems)
        if brand is not None:
            config, problem = brand.merged(config, set(reader.lines), problem)
        _check(config, problem)
    if problems or config is None:
        raise ContentError(problems)
    return markdown.typeset(config)


def size_in_bytes(text: str) -> int:
    """A validated size such as '10MB' or '500 KB' in bytes (decimal units)."""
    match = _SIZE.fullmatch(text.strip())
    assert match is not None, f"unvalidated size {text!r}"
    return int(float(match[1]) * _SIZE_UNITS[match[2].upper()])


def _check(config: Config, problem: Callable[[str, str], None]) -> None:
    """Checks beyond the types; `problem(path, message)` reports at the field's line."""
    brand = config.brand
    for name in ("primary", "accent", "tint"):
        value = getattr(brand, name)
        if not _COLOUR.fullmatch(value):
            problem(f"brand.{name}", f"'{value}' is not a colour; expected #rrggbb, e.g. #14284b")
    available = [*fonts.families(), *projectfonts.declared(config)]
    for name in ("heading_font", "body_font"):
        value = getattr(brand, name)
        if value not in available:
            problem(
                f"brand.{name}",
                f"'{value}' is not a bundled font nor one declared in brand.fonts"
                f"{suggest(value, available)}; available: {', '.join(available)}",
            )
    for path, message in projectfonts.problems(config):
        problem(path, message)
    if config.timezone:
        try:
            zones.zone(config.timezone)
        except ValueError as error:
            problem("timezone", str(error))
    if not _LENGTH.fullmatch(config.print.bleed):
        problem(
            "print.bleed", f"'{config.print.bleed}' is not a length; expected e.g. 3mm, 0.125in"
        )
    if config.print.cmyk is not None:
        for name in ("primary", "accent", "tint"):
            value = getattr(config.print.cmyk, name)
            if not _CMYK.fullmatch(value) or any(float(v) > 100 for v in value.split()):
                problem(
                    f"print.cmyk.{name}",
                    f"'{value}' is not a CMYK colour; expected four "
                    "percentages from 0 to 100, e.g. '100 80 20 10'",
                )
            elif (ink := sum(float(v) for v in value.split())) > MAX_INK:
                problem(
                    f"print.cmyk.{name}",
                    f"'{value}' is {ink:g} % ink; the press profile takes at most {MAX_INK} %",
                )
    email = config.email
    if not _SIZE.fullmatch(email.max_size):
        problem("email.max_size", f"'{email.max_size}' is not a size; expected e.g. 10MB, 500KB")
    for name, value in (
        ("email.sender", email.sender),
        ("email.reply_to", email.reply_to),
        ("contact.email", config.contact.email),
    ):
        wrong = address_problem(value) if value else None
        if wrong:
            problem(name, wrong)
    for name, value in (
        ("email.sender_name", email.sender_name),
        ("contact.name", config.contact.name),
        ("email.list_unsubscribe", email.list_unsubscribe),
    ):
        if "\r" in value or "\n" in value:
            problem(name, "a line break here would end the mail header; write it on one line")
    unsubscribe = email.list_unsubscribe
    if unsubscribe and (
        not unsubscribe.startswith(("mailto:", "https:"))
        or any(c.isspace() or c in "<>" for c in unsubscribe)
    ):
        problem(
            "email.list_unsubscribe",
            "expected a mailto: or https: address (no spaces, no angle brackets)",
        )
    smtp = email.smtp
    if not 1 <= smtp.port <= 65535:
        problem("email.smtp.port", f"{smtp.port} is not a port; expected 1 to 65535")
    if smtp.ca_file:
        _project_file(config, "email.smtp.ca_file", smtp.ca_file, problem)
    limits = config.limits
    for name in ("render_memory", "image_size"):
        value = getattr(limits, name)
        if not _SIZE.fullmatch(value.strip()):
            problem(f"limits.{name}", f"'{value}' is not a size; expected e.g. 1GB, 25MB")
    for name, most in (("render_seconds", 86_400), ("image_megapixels", 10_000)):
        if not 1 <= getattr(limits, name) <= most:
            problem(f"limits.{name}", f"must be from 1 to {most:,}")
    org = config.organization
    if org.logo:
        _project_file(config, "organization.logo", org.logo, problem)
        if not org.logo_alt:
            problem("organization.logo", "a logo needs alternative text: add organization.logo_alt")


def _project_file(
    config: Config, field: str, name: str, problem: Callable[[str, str], None]
) -> None:
    """`name` (the value of `field`) must be a regular file inside the project."""
    assert config.root is not None
    path = (config.root / name).resolve()
    if not path.is_relative_to(config.root.resolve()):
        problem(field, f"'{name}' is outside the project folder")
    elif not path.exists():
        problem(field, f"'{name}' does not exist (looked for {path})")
    elif reason := unusable(path):  # a FIFO, a folder
        problem(field, f"'{name}' {reason}")
