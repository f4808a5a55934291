"""A kit's pages (pypdf writer) → one font subset per face, shared by every page.

Each brief's PDF embeds its own subsets of the bundled and project fonts (static files, see
`content.projectfonts`), so a merged kit would carry
one copy of each face per brief. WeasyPrint subsets with glyph ids kept (HarfBuzz's
RETAIN_GIDS) and writes Identity-H CID fonts, so the codes in every content stream are
glyph ids of the original font. That lets one subset of the original font, holding the
union of the glyphs every page uses, replace all of them without touching a content
stream; the width arrays and ToUnicode maps are merged the same way.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from ..assets import VERSION
from ..content.fonts import Face, faces
from ..errors import OutputError
from ..files import write_atomic

log = logging.getLogger(__name__)

_CHECKSUM = 32  # bytes of SHA-256 before each subset kept in the store
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")
_DROP_TABLES = ["BASE", "DSIG", "EBDT", "EBLC", "EBSC", "JSTF", "LTSH", "PCLT", *_LAYOUT_TABLES]


@dataclass
class _Face:
    """Everything the kit's pages use of one face."""

    path: Path
    widths: dict[int, float] = field(default_factory=dict)
    text: dict[int, str] = field(default_factory=dict)
    uses: list[tuple[DictionaryObject, NameObject]] = field(default_factory=list)
    model: DictionaryObject | None = None


@cache
def _by_postscript_name(project: tuple[Face, ...]) -> dict[str, Path]:
    names = {}
    for face in (*faces(), *project):
        with TTFont(face.path, lazy=True) as font:
            names[str(font["name"].getDebugName(6))] = face.path
    return names


def share_fonts(writer: PdfWriter, store: Path, project: tuple[Face, ...]) -> None:
    """Replace every page's subsets of a bundled or `project` face by one shared subset;
    subsets are kept in `store`, so re-assembling a kit whose glyphs did not change subsets
    nothing."""
    found: dict[str, _Face] = {}
    names: dict[int, str | None] = {}
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        fonts = fonts.get_object()
        for name, reference in list(fonts.items()):
            font = reference.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            program = _program(descendant)
            if program is None:
                continue
            key = program.indirect_reference.idnum if program.indirect_reference else id(program)
            if key not in names:
                names[key] = _postscript_name(program.get_data())
            postscript = names[key]
            path = _by_postscript_name(project).get(postscript or "")
            if path is None:
                continue  # not a font of ours: left as it is
            face = found.setdefault(str(postscript), _Face(path))
            face.model = face.model or font
            face.widths.update(_widths(descendant.get("/W", ArrayObject())))
            if "/ToUnicode" in font:
                face.text.update(_to_unicode(font["/ToUnicode"].get_object().get_data()))
            face.uses.append((fonts, NameObject(name)))
    for postscript, face in sorted(found.items()):
        shared = _shared_font(writer, postscript, face, store)
        for fonts, name in face.uses:
            fonts[name] = shared


def as_dict(item: PdfObject | None) -> DictionaryObject:
    """The dictionary `item` is or refers to."""
    resolved = item.get_object() if item is not None else None
    assert isinstance(resolved, DictionaryObject), f"expected a dictionary, got {resolved!r}"
    return resolved


def as_array(item: PdfObject | None) -> ArrayObject:
    """The array `item` is or refers to."""
    resolved = item.get_object() if item is not None else None
    assert isinstance(resolved, ArrayObject), f"expected an array, got {resolved!r}"
    return resolved


def as_int(item: PdfObject | None) -> int:
    """The number `item` is or refers to."""
    resolved = item.get_object() if item is not None else None
    assert isinstance(resolved, NumberObject), f"expected a number, got {resolved!r}"
    return int(resolved)


def _program(descendant: DictionaryObject) -> StreamObject | None:
    descriptor = descendant.get("/FontDescriptor")
    if descriptor is None:
        return None
    descriptor = descriptor.get_object()
    for key in ("/FontFile3", "/FontFile2"):
        if key in descriptor:
            program = descriptor[key].get_object()
            assert isinstance(program, StreamObject)
            return program
    return None


def _postscript_name(data: bytes) -> str | None:
    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            return str(font["name"].getDebugName(6))
    except Exception:  # a font program fontTools cannot read is simply not shared
        return None


def _widths(array: ArrayObject) -> Iterator[tuple[int, float]]:
    """Glyph widths from a CID font /W array: `first [w w …]` or `first last w` runs."""
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        following = items[i + 1].get_object()
        if isinstance(following, ArrayObject):
            for offset, width in enumerate(following):
                yield first + offset, float(width)
            i += 2
        else:
            for gid in range(first, int(following) + 1):
                yield gid, float(items[i + 2])
            i += 3


def _to_unicode(data: bytes) -> Iterator[tuple[int, str]]:
    """Glyph → text from the bfchar entries WeasyPrint writes in ToUnicode maps."""
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
        for glyph, text in _BFCHAR.findall(section):
            yield int(glyph, 16), bytes.fromhex(text.decode()).decode("utf-16-be", "replace")


def _stored_subset(path: Path, glyphs: list[int], store: Path) -> bytes:
    """`_subset`, kept in `store` under a digest of the font file, the glyphs and the
    fontTools version, behind a checksum of its bytes: a damaged one is made again (with a
    warning)."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"{VERSION} {fontTools.version} {_DROP_TABLES} {glyphs}".encode())
    kept = store / f"{digest.hexdigest()}.font"
    try:
        stored = kept.read_bytes()
    except OSError:
        stored = b""
    checksum, program = stored[:_CHECKSUM], stored[_CHECKSUM:]
    if stored and hashlib.sha256(program).digest() == checksum:
        return program
    if stored:
        log.warning("cache entry for a font subset of %s was damaged; rebuilt", path.name)
    program = _subset(path, glyphs)
    try:
        store.mkdir(parents=True, exist_ok=True)
        write_atomic(hashlib.sha256(program).digest() + program, kept)
    except (OSError, OutputError) as error:  # a cache that cannot be written costs speed only
        log.warning("font subset not cached: %s", error)
    return program


def _subset(path: Path, glyphs: list[int]) -> bytes:
    options = subset.Options(
        retain_gids=True,
        desubroutinize=True,
        hinting=False,
        notdef_outline=True,
        ignore_missing_glyphs=True,
        passthrough_tables=False,
    )
    options.drop_tables += _DROP_TABLES
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=glyphs)
    with TTFont(path, recalcTimestamp=False) as font:  # no clock time: same bytes every build
        for tag in _LAYOUT_TABLES:  # dropped anyway; deleting them first saves decoding them
            if tag in font:
                del font[tag]
        subsetter.subset(font)
        output = io.BytesIO()
        font.save(output)
    return output.getvalue()


def _shared_font(writer: PdfWriter, postscript: str, face: _Face, store: Path) -> IndirectObject:
    """New Type0 font objects for `face`, modelled on one of the fonts they replace."""
    assert face.model is not None
    glyphs = sorted(set(face.widths) | set(face.text) | {0})
    program = _stored_subset(face.path, glyphs, store)
    tag = "".join(
        chr(65 + b % 26) for b in hashlib.md5(program, usedforsecurity=False).digest()[:6]
    )
    base_font = NameObject(f"/{tag}+{postscript}")

    model_descendant = as_dict(as_array(face.model["/DescendantFonts"])[0])
    model_descriptor = as_dict(model_descendant["/FontDescriptor"])
    file_key = "/FontFile3" if "/FontFile3" in model_descriptor else "/FontFile2"
    decoded = DecodedStreamObject()
    decoded.set_data(program)
    if file_key == "/FontFile3":
        decoded[NameObject("/Subtype")] = NameObject("/OpenType")
    else:
        decoded[NameObject("/Length1")] = NumberObject(len(program))
    stream = decoded.flate_encode()

    descriptor = DictionaryObject(
        {k: v for k, v in model_descriptor.items() if k not in ("/FontFile2", "/FontFile3")}
    )
    descriptor[NameObject("/FontName")] = base_font
    descriptor[NameObject(file_key)] = writer._add_object(stream)
    bbox = list(model_descriptor.get("/FontBBox", [0, 0, 0, 0]))
    bbox[2] = FloatObject(max(face.widths.values(), default=0))
    descriptor[NameObject("/FontBBox")] = ArrayObject(bbox)
    descriptor.pop(NameObject("/CIDSet"), None)

    descendant = DictionaryObject(
        {k: v for k, v in model_descendant.items() if k != "/FontDescriptor"}
    )
    descendant[NameObject("/BaseFont")] = base_font
    descendant[NameObject("/FontDescriptor")] = writer._add_object(descriptor)
    descendant[NameObject("/W")] = _width_array(face.widths)

    to_unicode = DecodedStreamObject()
    to_unicode.set_data(_cmap(face.text))
    font = DictionaryObject(
        {k: v for k, v in face.model.items() if k not in ("/DescendantFonts", "/ToUnicode")}
    )
    font[NameObject("/BaseFont")] = base_font
    font[NameObject("/DescendantFonts")] = ArrayObject([writer._add_object(descendant)])
    font[NameObject("/ToUnicode")] = writer._add_object(to_unicode.flate_encode())
    return writer._add_object(font)


def _width_array(widths: dict[int, float]) -> ArrayObject:
    array = ArrayObject()
    run: ArrayObject | None = None
    for gid in sorted(widths):
        if run is None or gid - 1 not in widths:
            run = ArrayObject()
            array.extend([NumberObject(gid), run])
        run.append(FloatObject(round(widths[gid], 3)))
    return array


def _cmap(text: dict[int, str]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(text.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(
            f"<{gid:04x}> <{value.encode('utf-16-be').hex()}>".encode() for gid, value in batch
        )
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
