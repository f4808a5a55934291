"""A project's `_brand.yml` (Posit's brand.yml, as Quarto and Shiny read it) → the config
values it gives, merged under pressbrief.yaml's own (pressbrief.yaml wins field by field).

What is taken (the rest of brand.yml is ignored):
  meta.name (text, or short / full)     → organization.name, organization.short_name
  meta.link (text, or home)             → organization.website
  logo.medium, else large, else small   → organization.logo (+ logo_alt); a name in
                                          logo.images, a path, or {light, dark} (light)
  color.primary                         → brand.primary
  color.secondary, else tertiary        → brand.accent
  color.light, else background          → brand.tint
  typography.headings (family)          → brand.heading_font
  typography.base (family)              → brand.body_font
  typography.fonts with source: file    → brand.fonts
Colours may name a colour of color.palette. Problems are reported at _brand.yml's lines,
also those `config` finds later in values taken from it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..files import read_regular
from .model import Config, FontFamily, FontFile

BRAND_FILE = "_brand.yml"
_WEIGHTS = {
    "thin": 100,
    "extra-light": 200,
    "ultra-light": 200,
    "light": 300,
    "normal": 400,
    "regular": 400,
    "medium": 500,
    "semi-bold": 600,
    "demi-bold": 600,
    "bold": 700,
    "extra-bold": 800,
    "ultra-bold": 800,
    "black": 900,
}
_SHORT_HEX = re.compile(r"#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])")
_NO_NETWORK = (
    "cannot be fetched (no network at run time); download the font files into the "
    "project's fonts/ and declare them with source: file"
)


@dataclass
class BrandYml:
    """What a _brand.yml gives: config values by field path ('brand.primary'), and where
    each value (and each part of a font declaration) was written: (line, brand.yml path)."""

    file: Path
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, tuple[int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def merged(
        self, config: Config, written: set[str], problem: Callable[[str, str], None]
    ) -> tuple[Config, Callable[[str, str], None]]:
        """`config` with the values pressbrief.yaml did not write (`written` field paths)
        taken from here, and a `problem(path, message)` reporting at the line of the file
        each field's value came from."""
        taken = {path: v for path, v in self.values.items() if path not in written}
        for section in ("organization", "brand"):
            changes = {
                path.split(".", 1)[1]: value
                for path, value in taken.items()
                if path.startswith(f"{section}.")
            }
            if changes:
                updated = dataclasses.replace(getattr(config, section), **changes)
                config = dataclasses.replace(config, **{section: updated})

        def place(path: str, message: str) -> None:
            if path.split("[")[0] not in taken:
                problem(path, message)
                return
            where = path
            while where not in self.origins:  # 'brand.fonts[0].files' → 'brand.fonts[0]'
                where = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", where)
            line, name = self.origins[where]
            self.problems.append(Problem(self.file, line, name, message))

        return config, place


def read(root: Path, problems: list[Problem]) -> BrandYml | None:
    """The _brand.yml in the project folder `root`, None if there is none; problems are
    appended (with them, the values they concern are left out)."""
    file = root / BRAND_FILE
    if not file.exists():
        return None
    brand = BrandYml(file, problems=problems)
    try:
        node = yaml.compose(read_regular(file).decode("utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problems.append(Problem(file, line, "", f"cannot be read: {error}".splitlines()[0]))
        return brand
    _Walk(brand).document(node)
    return brand


class _Walk:
    """Reads the parts of _brand.yml pressbrief uses into a `BrandYml`."""

    def __init__(self, brand: BrandYml) -> None:
        self.brand = brand

    def problem(self, node: yaml.Node, path: str, message: str) -> None:
        self.brand.problems.append(
            Problem(self.brand.file, node.start_mark.line + 1, path, message)
        )

    def take(self, key: str, value: Any, node: yaml.Node, path: str) -> None:
        self.brand.values[key] = value
        self.brand.origins[key] = (node.start_mark.line + 1, path)

    def document(self, node: yaml.Node | None) -> None:
        root = self.mapping(node, "")
        if "meta" in root:
            self.meta(root["meta"])
        if "logo" in root:
            self.logo(root["logo"])
        if "color" in root:
            self.color(root["color"])
        if "typography" in root:
            self.typography(root["typography"])

    def mapping(self, node: yaml.Node | None, path: str) -> dict[str, yaml.Node]:
        """A mapping's values by key; {} (reported) if `node` is not a mapping."""
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "expected a mapping of fields")
            return {}
        return {str(key.value): value for key, value in node.value}

    def text(self, node: yaml.Node, path: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
            return str(node.value).strip()
        self.problem(node, path, "expected text")
        return None

    def text_or_field(self, node: yaml.Node, path: str, name: str) -> tuple[str | None, yaml.Node]:
        """The text of `node`, or of its field `name` when it is a mapping."""
        if isinstance(node, yaml.MappingNode):
            inner = self.mapping(node, path).get(name)
            if inner is None:
                self.problem(node, path, f"expected text or a mapping with '{name}'")
                return None, node
            return self.text(inner, f"{path}.{name}"), inner
        return self.text(node, path), node

    def meta(self, node: yaml.Node) -> None:
        meta = self.mapping(node, "meta")
        if "name" in meta:
            name = meta["name"]
            if isinstance(name, yaml.MappingNode):
                parts = self.mapping(name, "meta.name")
                for key, target in (("full", "name"), ("short", "short_name")):
                    if key in parts and (text := self.text(parts[key], f"meta.name.{key}")):
                        self.take(f"organization.{target}", text, parts[key], f"meta.name.{key}")
            elif text := self.text(name, "meta.name"):
                self.take("organization.name", text, name, "meta.name")
        if "link" in meta:
            link, where = self.text_or_field(meta["link"], "meta.link", "home")
            if link:
                self.take(
                    "organization.website", re.sub(r"^https?://", "", link), where, "meta.link"
                )

    def logo(self, node: yaml.Node) -> None:
        logo = self.mapping(node, "logo")
        images = self.mapping(logo.get("images"), "logo.images")
        size = next((s for s in ("medium", "large", "small") if s in logo), None)
        if size is None:
            return
        chosen, path = logo[size], f"logo.{size}"
        if isinstance(chosen, yaml.MappingNode) and "light" in self.mapping(chosen, path):
            chosen, path = self.mapping(chosen, path)["light"], f"{path}.light"
        name, where = self.text_or_field(chosen, path, "path")
        if name in images:  # a named image: a path, or {path, alt}
            path = f"logo.images.{name}"
            chosen = images[name]
            name, where = self.text_or_field(chosen, path, "path")
        if name is None:
            return
        if re.match(r"^[a-z]+://", name):
            message = (
                f"'{name}' cannot be fetched (no network at run time); copy it into the project"
            )
            self.problem(where, path, message)
            return
        self.take("organization.logo", name, where, path)
        if isinstance(chosen, yaml.MappingNode) and "alt" in self.mapping(chosen, path):
            alt = self.mapping(chosen, path)["alt"]
            if text := self.text(alt, f"{path}.alt"):
                self.take("organization.logo_alt", text, alt, f"{path}.alt")

    def color(self, node: yaml.Node) -> None:
        color = self.mapping(node, "color")
        palette = {
            key: value
            for key, value in self.mapping(color.get("palette"), "color.palette").items()
            if isinstance(value, yaml.ScalarNode)
        }
        for target, names in (
            ("primary", ("primary",)),
            ("accent", ("secondary", "tertiary")),
            ("tint", ("light", "background")),
        ):
            name = next((n for n in names if n in color), None)
            if name is None:
                continue
            value = self.text(color[name], f"color.{name}")
            seen = set()
            while value in palette and value not in seen:  # a palette name, maybe of a name
                seen.add(value)
                value = str(palette[value].value).strip()
            if value:
                if short := _SHORT_HEX.fullmatch(value):
                    value = "#" + "".join(digit * 2 for digit in short.groups())
                self.take(f"brand.{target}", value, color[name], f"color.{name}")

    def typography(self, node: yaml.Node) -> None:
        typography = self.mapping(node, "typography")
        for key, target in (("headings", "heading_font"), ("base", "body_font")):
            if key in typography:
                family, where = self.text_or_field(typography[key], f"typography.{key}", "family")
                if family:
                    self.take(f"brand.{target}", family, where, f"typography.{key}")
        fonts = typography.get("fonts")
        if fonts is None:
            return
        if not isinstance(fonts, yaml.SequenceNode):
            self.problem(fonts, "typography.fonts", "expected a list of fonts")
            return
        families: list[FontFamily] = []
        for i, item in enumerate(fonts.value):
            declared = self.font(item, f"typography.fonts[{i}]", len(families))
            if declared is not None:
                families.append(declared)
        if families:
            self.take("brand.fonts", tuple(families), fonts, "typography.fonts")

    def font(self, node: yaml.Node, path: str, index: int) -> FontFamily | None:
        font = self.mapping(node, path)
        family = self.text(font["family"], f"{path}.family") if "family" in font else None
        if family is None:
            if "family" not in font:
                self.problem(node, path, "no family")
            return None
        source = str(font["source"].value) if "source" in font else "file"
        if source in ("google", "bunny"):
            self.problem(
                font["source"], f"{path}.source", f"'{family}' from {source} {_NO_NETWORK}"
            )
            return None
        if source != "file":
            self.problem(
                font["source"],
                f"{path}.source",
                f"'{family}' from {source}: pressbrief embeds only its bundled fonts and "
                "font files in the project; copy the files into fonts/ and declare them "
                "with source: file",
            )
            return None
        files = font.get("files")
        if not isinstance(files, yaml.SequenceNode) or not files.value:
            self.problem(files or node, f"{path}.files", "expected a list of font files")
            return None
        target = f"brand.fonts[{index}]"
        self.brand.origins[target] = (node.start_mark.line + 1, path)
        self.brand.origins[f"{target}.family"] = (
            font["family"].start_mark.line + 1,
            f"{path}.family",
        )
        self.brand.origins[f"{target}.files"] = (files.start_mark.line + 1, f"{path}.files")
        made = []
        for j, item in enumerate(files.value):
            made.append(self.file(item, f"{path}.files[{j}]", f"{target}.files[{j}]"))
        if None in made:
            return None
        return FontFamily(family, tuple(f for f in made if f is not None))

    def file(self, node: yaml.Node, path: str, target: str) -> FontFile | None:
        written, where = self.text_or_field(node, path, "path")
        if written is None:
            return None
        if re.match(r"^[a-z]+://", written):
            self.problem(where, f"{path}.path", f"'{written}' {_NO_NETWORK}")
            return None
        parts = self.mapping(node, path) if isinstance(node, yaml.MappingNode) else {}
        for name in ("", ".path", ".weight", ".style"):
            line = (
                parts[name[1:]].start_mark.line + 1
                if name[1:] in parts
                else node.start_mark.line + 1
            )
            self.brand.origins[f"{target}{name}"] = (line, f"{path}{name}")
        weight = 400
        if "weight" in parts:
            raw = str(parts["weight"].value).strip().lower()
            weight = _WEIGHTS.get(raw, int(raw) if raw.isdigit() else 0)
            if weight not in range(100, 1000, 100):
                self.problem(
                    parts["weight"],
                    f"{path}.weight",
                    f"'{raw}' is not a weight; expected 100 to 900 in hundreds, or a name "
                    "such as bold or semi-bold",
                )
                return None
        style = str(parts["style"].value).strip() if "style" in parts else "normal"
        if style not in ("normal", "italic"):
            self.problem(parts["style"], f"{path}.style", f"'{style}' is not normal or italic")
            return None
        return FontFile(written, weight, style)  # type: ignore[arg-type]  # checked above
