"""Inputs of a brief or kit → a key; keys → cached PDFs and up-to-date outputs.

A key is a digest of everything that affects a PDF's bytes: the brief (or kit) file, the
images it shows, its layout's files, the project config, logo and fonts, the bundled fonts, the
pressbrief version and source, SOURCE_DATE_EPOCH, the options, and the libraries that make
the bytes (`engine.py`). PDFs are kept by key in `PROJECT/.pressbrief/cache/`; each output
folder records which key each of its PDFs was written from (`.pressbrief-build.json`), so
an unchanged output is neither rendered nor rewritten.

Every cached PDF and every output carries a checksum, verified before it is used: a damaged
entry is dropped with a warning and built again, so it never reaches `dist/`, a kit or an
email.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypedDict, get_type_hints
from urllib.parse import unquote

from ..assets import COLOR_DIR, FONTS_DIR, LAYOUTS_DIR, VERSION
from ..content import markdown
from ..content.model import Config, Document, Kit
from ..files import write_atomic
from ..pdf import engine
from ..typeset.layouts import find_layout

log = logging.getLogger(__name__)

Key = str
CACHE_DIR = Path(".pressbrief") / "cache"
_PACKAGE = Path(__file__).resolve().parent.parent
"""The pressbrief package: its code, every stage of it, is part of every key."""
MANIFEST = ".pressbrief-build.json"


@dataclass(frozen=True)
class Cached:
    """A PDF from the cache, its checksum verified."""

    pdf: bytes
    pages: int


class _Entry(TypedDict):
    """What the index knows of a cached PDF."""

    pages: int
    sha256: str
    """Digest of the page count and the PDF's bytes."""


class _Output(TypedDict):
    """What the manifest knows of an output."""

    key: Key
    sha256: str
    """SHA-256 of the output's bytes."""


class BuildCache:
    """The cache of one build: keys, stored PDFs and the output folder's manifest."""

    def __init__(self, project_root: Path, target: Path) -> None:
        self.folder = project_root / CACHE_DIR
        self.index_file = self.folder / "index.json"
        self.index: dict[Key, _Entry] = {
            key: entry
            for key, entry in _read_json(self.index_file).items()
            if _fields(entry, _Entry)
        }
        self.target = target
        self.manifest_file = target / MANIFEST
        self.manifest: dict[str, _Output] = {
            name: output
            for name, output in _read_json(self.manifest_file).items()
            if _fields(output, _Output)
        }
        self._digests: dict[Path, str] = {}
        self.found_file = self.folder / "found.json"
        self.found: dict[Key, list[str]] = {
            base: files
            for base, files in _read_json(self.found_file).items()
            if isinstance(files, list) and all(isinstance(f, str) for f in files)
        }
        self._bases: dict[Key, tuple[Key, set[str], tuple[Path, ...]]] = {}
        self._names: dict[Key, str] = {}

    # --- keys --------------------------------------------------------------------------

    def brief_key(self, brief: Document, config: Config, allow_overflow: bool, trim: bool) -> Key:
        """The key of a brief rendered with `config`."""
        assert brief.source is not None and config.root is not None
        images = [
            (brief.source.parent / unquote(image.src)).resolve()
            for _, text in markdown.fields(brief)
            for image in markdown.images(text)
        ]
        layout = find_layout(brief.type, config.root).folder
        base = _digest(
            "brief",
            self._common(config),
            self._folder(layout),
            brief.slug,  # anchors in the PDF carry it
            _read(brief.source),
            *(self._file(path) for path in images),
            str(allow_overflow),
            str(trim),
        )
        # Files its last render loaded that the digest above does not cover (a picture a
        # stylesheet or an SVG shows): their bytes are part of the key too.
        key = self._with(base, self.found.get(base, []))
        logo = config.root / config.organization.logo if config.organization.logo else None
        covered = {str(p) for p in images} | ({str(logo.resolve())} if logo else set())
        self._bases[key] = (base, covered, (layout, FONTS_DIR, COLOR_DIR, LAYOUTS_DIR))
        self._names[key] = f"brief '{brief.slug}'"
        return key

    def loaded(self, key: Key, files: Iterable[str]) -> Key:
        """Note the files the render of `key` loaded, so that a change to any of them not
        already in the key (a picture a stylesheet shows) makes the next build render it;
        the key the PDF is to be kept under (another one if such files were found)."""
        base, covered, folders = self._bases[key]
        extra = sorted(
            file
            for file in files
            if file not in covered
            and not any(Path(file).is_relative_to(folder.resolve()) for folder in folders)
        )
        if extra == self.found.get(base, []):
            return key
        self.found[base] = extra
        new = self._with(base, extra)
        self._bases[new] = self._bases[key]
        self._names[new] = self._names.get(key, new)
        return new

    def _with(self, base: Key, files: list[str]) -> Key:
        """`base` with the bytes of `files` added; `base` itself when there are none."""
        return _digest(base, *(f"{f}:{self._file(Path(f))}" for f in files)) if files else base

    def kit_key(self, kit: Kit, config: Config, members: list[Key]) -> Key:
        """The key of a kit built from briefs with keys `members`."""
        assert kit.source is not None and config.root is not None
        key = _digest(
            "kit",
            self._common(config),
            self._folder(find_layout("kit-cover", config.root).folder),
            _read(kit.source),
            *members,
        )
        self._names[key] = f"kit '{kit.slug}'"
        return key

    @cached_property
    def engine(self) -> str:
        """`engine.fingerprint()`, read once per build."""
        return engine.fingerprint()

    def _common(self, config: Config) -> str:
        settings = (
            config.organization,
            config.brand,
            config.paper,
            config.contact,
            config.timezone,  # names the zone of an embargo's offset
            config.print,
            config.profile,
        )
        logo = (
            config.root / config.organization.logo
            if config.root and config.organization.logo
            else None
        )
        assert config.root is not None
        project_fonts = [
            self._file(config.root / file.path)
            for family in config.brand.fonts
            for file in family.files
        ]
        return _digest(
            VERSION,
            self.engine,
            os.environ.get("SOURCE_DATE_EPOCH", ""),
            repr(settings),
            self._file(logo) if logo else "",
            *project_fonts,
            self._folder(FONTS_DIR),
            self._folder(LAYOUTS_DIR),  # built-in layouts: their partials, what extends them
            self._folder(_PACKAGE, "*.py"),  # a changed pressbrief renders differently too
        )

    def _folder(self, folder: Path, pattern: str = "*") -> str:
        if folder not in self._digests:
            files = sorted(p for p in folder.rglob(pattern) if p.is_file())
            self._digests[folder] = _digest(
                *(f"{p.relative_to(folder)}:{self._file(p)}" for p in files)
            )
        return self._digests[folder]

    def _file(self, path: Path) -> str:
        if path not in self._digests:
            self._digests[path] = _digest(_read(path))
        return self._digests[path]

    # --- stored PDFs and outputs ---------------------------------------------------------

    def get(self, key: Key) -> Cached | None:
        """The PDF stored under `key`, if any and undamaged (a damaged one is dropped)."""
        entry = self.index.get(key)
        if entry is None:
            return None
        path = self.folder / f"{key}.pdf"
        try:
            pdf = path.read_bytes()
        except OSError:
            pdf = b""
        if _digest(str(entry["pages"]), pdf) == entry["sha256"]:
            return Cached(pdf, entry["pages"])
        log.warning("cache entry for %s was damaged; rebuilt", self._names.get(key, key))
        del self.index[key]
        path.unlink(missing_ok=True)
        return None

    def put(self, key: Key, pdf: bytes, pages: int) -> None:
        """Store a PDF of `pages` pages under `key`."""
        write_atomic(pdf, self.folder / f"{key}.pdf")
        self.index[key] = {"pages": pages, "sha256": _digest(str(pages), pdf)}

    def is_current(self, output: Path, key: Key) -> bool:
        """Whether `output` was written from `key` and is still as it was written."""
        recorded = self.manifest.get(self._name(output))
        if recorded is None or recorded["key"] != key or not output.is_file():
            return False
        if _sha256(output) == recorded["sha256"]:
            return True
        log.warning("%s was damaged since it was written; writing it again", output)
        return False

    def record(self, output: Path, key: Key) -> None:
        """Note that `output` was just written from `key`."""
        self.manifest[self._name(output)] = {"key": key, "sha256": _sha256(output)}

    def save(self) -> None:
        """Write the index and the manifest."""
        if self.index:
            write_atomic(json.dumps(self.index, sort_keys=True).encode(), self.index_file)
        if self.manifest:
            write_atomic(json.dumps(self.manifest, sort_keys=True).encode(), self.manifest_file)
        if self.found:
            write_atomic(json.dumps(self.found, sort_keys=True).encode(), self.found_file)

    def _name(self, output: Path) -> str:
        return str(output.resolve().relative_to(self.target.resolve()))


def _digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(_read(path)).hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"(missing)"


def _fields(item: object, kind: type) -> bool:
    """Whether `item` has the fields of the TypedDict `kind` (an older cache's may not)."""
    fields = get_type_hints(kind).items()
    return isinstance(item, dict) and all(isinstance(item.get(k), t) for k, t in fields)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
