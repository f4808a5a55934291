"""pressbrief.yaml's brand.fonts → problems with them, and the static font files WeasyPrint
embeds (`Face`s).

A declared file is used as WeasyPrint needs it, cached in PROJECT/.pressbrief/fonts/ under a
digest of what it is made from: one font of a collection (.ttc) is taken out of it, and a
variable font is instanced at the declared weight (WeasyPrint would otherwise fix the
instance only when subsetting, and a kit's union subset of a variable font would be wrong).
fontTools is imported only when a project declares fonts.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import read_regular, write_atomic
from .fonts import Face, families
from .model import Config, FontFamily, FontFile
from .yamlfile import suggest

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

CACHE = Path(".pressbrief") / "fonts"
"""Where the static files made from declared fonts are kept, in the project folder."""
SUFFIXES = (".ttf", ".otf", ".ttc")
NEEDED = ((400, "normal"), (700, "normal"), (400, "italic"))
"""The faces a layout asks of its heading and body fonts (600 is served by 700)."""
_NAMES = {(400, "normal"): "regular (400)", (700, "normal"): "bold (700)"}
_RESTRICTED = 0x0002  # OS/2 fsType: restricted licence embedding


def declared(config: Config) -> list[str]:
    """The family names of the project's fonts."""
    return [family.family for family in config.brand.fonts]


def problems(config: Config) -> Iterator[tuple[str, str]]:
    """(field path, message) for each problem of the declared fonts: files that are
    missing, outside the project, unreadable or not embeddable, and families a layout
    cannot use."""
    assert config.root is not None
    seen: list[str] = []
    used = {config.brand.heading_font, config.brand.body_font}
    for i, family in enumerate(config.brand.fonts):
        where = f"brand.fonts[{i}]"
        if family.family in families():
            yield f"{where}.family", f"'{family.family}' is a bundled font; name yours otherwise"
        elif family.family in seen:
            yield f"{where}.family", f"'{family.family}' is declared twice"
        seen.append(family.family)
        if family.licence:
            why = _outside_or_missing(config.root, family.licence)
            if why:
                yield f"{where}.licence", why
        faces: list[tuple[int, str]] = []
        for j, file in enumerate(family.files):
            path = f"{where}.files[{j}]"
            if (file.weight, file.style) in faces:
                yield (
                    f"{path}.weight",
                    f"a second {file.style} {file.weight} face of '{family.family}'",
                )
            faces.append((file.weight, file.style))
            missing = _outside_or_missing(config.root, file.path)
            if missing:
                yield f"{path}.path", missing
            elif unusable := _unusable(config.root, file):
                yield f"{path}.{unusable[0]}", unusable[1]
        if family.family in used:
            for weight, style in NEEDED:
                if (weight, style) not in faces:
                    name = _NAMES.get((weight, style), f"{style} ({weight})")
                    yield (
                        f"{where}.files",
                        f"'{family.family}' has no {name} face, which the layouts use; add "
                        f"{{path: ..., weight: {weight}, style: {style}}}",
                    )


def _outside_or_missing(root: Path, written: str) -> str | None:
    path = (root / written).resolve()
    if not path.is_relative_to(root.resolve()):
        return f"'{written}' is outside the project folder; copy it into the project's fonts/"
    if not path.is_file():
        folder, written_folder = path.parent, Path(written).parent
        near = [str(written_folder / p.name) for p in folder.glob("*") if p.is_file()]
        return f"'{written}' not found{suggest(written, near)}"
    return None


def _unusable(root: Path, file: FontFile) -> tuple[str, str] | None:
    """The field and why the declared `file` (in the project, present) cannot be
    embedded, or None."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    path = root / file.path
    if path.suffix.lower() not in SUFFIXES:
        return "path", f"'{file.path}' is not a .ttf, .otf or .ttc font file"
    try:
        data = read_regular(path)
        if path.suffix.lower() == ".ttc":
            count = len(TTCollection(io.BytesIO(data), lazy=True).fonts)
            if file.index >= count:
                return "index", f"'{file.path}' holds {count} fonts: index 0 to {count - 1}"
        elif file.index:
            return "index", f"'{file.path}' is one font, not a collection (.ttc)"
        font = TTFont(io.BytesIO(data), fontNumber=file.index, lazy=True)
        fs_type = int(font["OS/2"].fsType) if "OS/2" in font else 0
        axis = _weight_axis(font)
    except (OSError, TTLibError, AssertionError, KeyError, ValueError) as error:
        return "path", f"'{file.path}' cannot be read as a font: {error}"
    if fs_type & _RESTRICTED:
        return "path", (
            f"'{file.path}' does not allow embedding (OS/2 fsType: restricted licence "
            "embedding); ask its foundry for an embeddable licence or use another font"
        )
    if axis and not axis[0] <= file.weight <= axis[1]:
        return "weight", (
            f"'{file.path}' is a variable font with weights {axis[0]:g} to {axis[1]:g}; "
            f"weight {file.weight} is not among them"
        )
    return None


def _weight_axis(font: TTFont) -> tuple[float, float] | None:
    if "fvar" not in font:
        return None
    axes = [(a.minValue, a.maxValue) for a in font["fvar"].axes if a.axisTag == "wght"]
    return axes[0] if axes else None


def faces(config: Config) -> tuple[Face, ...]:
    """The declared fonts of a checked config as static files WeasyPrint can embed, made
    (and cached) when needed; every file is a copy named by a digest of what it is made
    from, so a changed font is a new file to a font configuration that saw the old one."""
    assert config.root is not None
    return tuple(
        Face(family.family, file.weight, file.style, _static(config.root, family, file))
        for family in config.brand.fonts
        for file in family.files
    )


def _static(root: Path, family: FontFamily, file: FontFile) -> Path:
    data = read_regular(root / file.path)
    digest = hashlib.sha256(data)
    digest.update(f"{family.family} {file.index} {file.weight} {file.style}".encode())
    suffix = ".otf" if data[:4] == b"OTTO" else ".ttf"
    kept = root / CACHE / f"{digest.hexdigest()[:32]}{suffix}"
    if not kept.is_file():
        kept.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(_made(data, family, file), kept)
    return kept


def _made(data: bytes, family: FontFamily, file: FontFile) -> bytes:
    """The font `file` declares, as a static single font: its font of a collection,
    instanced at its weight if variable, with no clock time in it."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(io.BytesIO(data), fontNumber=file.index, recalcTimestamp=False)
    if "fvar" in font:
        pinned = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
        if "wght" in pinned:
            pinned["wght"] = file.weight
        font = instancer.instantiateVariableFont(font, pinned)
        # Names of its own for each instance: Pango tells faces apart by name, and a kit
        # shares one subset per PostScript name.
        style = f"W{file.weight}" + ("Italic" if file.style == "italic" else "")
        postscript = re.sub(r"[^A-Za-z0-9]", "", family.family) + f"-{style}"
        names = {1: family.family, 2: style, 4: f"{family.family} {style}", 6: postscript}
        for name_id in (1, 2, 4, 6, 16, 17):
            font["name"].removeNames(nameID=name_id)
        for name_id, text in names.items():
            font["name"].setName(text, name_id, 3, 1, 0x409)
    output = io.BytesIO()
    font.save(output)
    return output.getvalue()
