"""Project fonts declared in pressbrief.yaml: embedded and subset like the bundled ones (a
collection's font, a variable font's instances), shared once per face in a kit, part of the
build cache's key; bad declarations named at their line."""

from __future__ import annotations

import copy
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fontTools import subset, varLib
from fontTools.designspaceLib import AxisDescriptor, DesignSpaceDocument, SourceDescriptor
from fontTools.ttLib import TTCollection, TTFont
from pypdf import PdfReader

from pressbrief import BuildOptions, build_project, render_brief

from .conftest import MINIMAL, REPO, embedded_fonts, pdf_text, run

NOTO = REPO / "fonts" / "noto-serif"
FACES = {"Regular": (400, "normal"), "Bold": (700, "normal"), "Italic": (400, "italic")}
BRIEF = "title: Brand Fonts\nsummary: Every word *set* in the **project** font.\n"
BRIEF += "talking_points:\n  - One point.\n"


def renamed(source: Path, target: Path, family: str, variant: str) -> None:
    """`source` saved as `target` under another family name (and PostScript name)."""
    font = TTFont(source)
    postscript = f"{family.replace(' ', '')}-{variant}"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (4,):
            record.string = f"{family} {variant}"
        elif record.nameID == 6:
            record.string = postscript
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)


def variable(source: Path, target: Path) -> None:
    """A variable font (weight 400 to 700) from `source`'s Latin glyphs: the bold master is
    the regular one widened."""
    regular = TTFont(source)
    options = subset.Options()
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[*range(0x20, 0x250), *range(0x2000, 0x2070)])
    subsetter.subset(regular)
    bold = copy.deepcopy(regular)
    for name in bold.getGlyphOrder():
        glyph = bold["glyf"][name]
        if glyph.numberOfContours > 0:
            glyph.coordinates.scale((1.4, 1))
        width, side = bold["hmtx"][name]
        bold["hmtx"][name] = (round(width * 1.4), round(side * 1.4))
    design = DesignSpaceDocument()
    design.addAxis(AxisDescriptor(tag="wght", name="Weight", minimum=400, default=400, maximum=700))
    for font, weight in ((regular, 400), (bold, 700)):
        master = SourceDescriptor()
        master.font, master.location = font, {"Weight": weight}
        design.addSource(master)
    target.parent.mkdir(parents=True, exist_ok=True)
    varLib.build(design)[0].save(target)


def declare(family: str, files: list[str], **brand: str) -> str:
    """pressbrief.yaml with `family` declared from `files` ('path: …, weight: …' each)."""
    lines = [f"  {key}: {value}" for key, value in brand.items()]
    lines += ["  fonts:", f"    - family: {family}", "      files:"]
    lines += [f"        - {{{file}}}" for file in files]
    return "brand:\n" + "\n".join(lines) + "\n"


@pytest.fixture
def brand_serif(project: Callable[..., Path]) -> Path:
    """A project whose body font is 'Brand Serif', three static TTFs in its fonts/."""
    folder = project(None)
    files = []
    for variant, (weight, style) in FACES.items():
        path = f"fonts/BrandSerif-{variant}.ttf"
        renamed(NOTO / f"NotoSerif-{variant}.ttf", folder / path, "Brand Serif", variant)
        files.append(f"path: {path}, weight: {weight}, style: {style}")
    config = declare("Brand Serif", files, body_font="Brand Serif")
    (folder / "pressbrief.yaml").write_text(config)
    return folder


def made_by(project: Path, postscript: str) -> list[Path]:
    """The font files made for the project (its .pressbrief/fonts/) with that name."""
    made = (project / ".pressbrief" / "fonts").glob("*.ttf")
    return [path for path in made if TTFont(path)["name"].getDebugName(6) == postscript]


def programs(pdf: Path) -> dict[str, set[int]]:
    """PostScript name of each embedded font program → the objects holding it."""
    found: dict[str, set[int]] = {}
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            program = descriptor.raw_get(
                "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
            )
            with TTFont(io.BytesIO(program.get_object().get_data())) as embedded:
                assert "fvar" not in embedded, "a variable font program was embedded"
                name = str(embedded["name"].getDebugName(6))
            found.setdefault(name, set()).add(program.idnum)
    return found


def test_a_project_font_prints_the_body_text(brand_serif: Path) -> None:
    (brand_serif / "content" / "b.yaml").write_text(BRIEF)
    render_brief(brand_serif / "content" / "b.yaml", brand_serif / "b.pdf")
    fonts = embedded_fonts(brand_serif / "b.pdf")
    assert {"Brand-Serif", "Brand-Serif-Bold", "Brand-Serif-Italic"} <= fonts, fonts
    assert not any(name.startswith("Noto-Serif") for name in fonts), fonts
    assert "Every word set in the project font." in " ".join(
        pdf_text(brand_serif / "b.pdf").split()
    )


def test_a_kit_shares_one_subset_of_each_project_face(brand_serif: Path) -> None:
    (brand_serif / "content" / "a.yaml").write_text(BRIEF)
    (brand_serif / "content" / "b.yaml").write_text(BRIEF.replace("Every", "Each"))
    (brand_serif / "kits").mkdir()
    (brand_serif / "kits" / "k.yaml").write_text("title: K\nbriefs: [a, b]\n")
    build_project(brand_serif, None, BuildOptions(jobs=1))
    kit = brand_serif / "dist" / "kits" / "k.pdf"
    found = programs(kit)
    assert {"BrandSerif-Regular", "BrandSerif-Bold", "BrandSerif-Italic"} <= set(found)
    assert all(len(ids) == 1 for ids in found.values()), found
    text = " ".join(pdf_text(kit).split())
    assert "Every word set in the project font." in text
    assert "Each word set in the project font." in text


def test_a_changed_font_file_renders_again(brand_serif: Path) -> None:
    (brand_serif / "content" / "b.yaml").write_text(BRIEF)
    notes = {b.output.name: b.note for b in build_project(brand_serif, None, BuildOptions())}
    assert notes["b.pdf"].startswith("step")
    again = {b.output.name: b.note for b in build_project(brand_serif, None, BuildOptions())}
    assert again == {"b.pdf": "up to date"}
    first = (brand_serif / "dist" / "briefs" / "b.pdf").read_bytes()
    regular = NOTO / "NotoSerif-Bold.ttf"  # a heavier regular: the page must change
    renamed(regular, brand_serif / "fonts" / "BrandSerif-Regular.ttf", "Brand Serif", "Regular")
    notes = {b.output.name: b.note for b in build_project(brand_serif, None, BuildOptions())}
    assert notes["b.pdf"].startswith("step")
    assert (brand_serif / "dist" / "briefs" / "b.pdf").read_bytes() != first


def test_a_font_of_a_collection_is_taken_out_once_and_the_same(
    project: Callable[..., Path],
) -> None:
    folder = project(None, b=BRIEF)
    collection = TTCollection()
    collection.fonts = [TTFont(REPO / "fonts" / "inter" / "Inter-Regular.otf")]
    collection.fonts.append(TTFont(NOTO / "NotoSerif-Regular.ttf"))
    (folder / "fonts").mkdir()
    collection.save(folder / "fonts" / "Both.ttc")
    files = ["path: fonts/Both.ttc, index: 1"]
    for variant in ("Bold", "Italic"):
        renamed(
            NOTO / f"NotoSerif-{variant}.ttf", folder / "fonts" / f"N-{variant}.ttf", "N", variant
        )
        weight, style = FACES[variant]
        files.append(f"path: fonts/N-{variant}.ttf, weight: {weight}, style: {style}")
    (folder / "pressbrief.yaml").write_text(declare("Collected", files, body_font="Collected"))
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    assert "NotoSerif-Regular" in programs(folder / "b.pdf")  # index 1, not Inter
    (made,) = made_by(folder, "NotoSerif-Regular")
    first = made.read_bytes()
    made.unlink()
    render_brief(folder / "content" / "b.yaml", folder / "again.pdf")
    assert made.read_bytes() == first
    assert (folder / "again.pdf").read_bytes() == (folder / "b.pdf").read_bytes()


def test_a_variable_font_is_instanced_at_each_declared_weight(
    project: Callable[..., Path],
) -> None:
    folder = project(None, b=BRIEF)
    variable(NOTO / "NotoSerif-Regular.ttf", folder / "fonts" / "Var.ttf")
    renamed(NOTO / "NotoSerif-Italic.ttf", folder / "fonts" / "Var-Italic.ttf", "Var", "Italic")
    files = ["path: fonts/Var.ttf", "path: fonts/Var.ttf, weight: 700"]
    files.append("path: fonts/Var-Italic.ttf, style: italic")
    (folder / "pressbrief.yaml").write_text(declare("Var Serif", files, body_font="Var Serif"))
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    found = programs(folder / "b.pdf")  # no program with fvar: checked in programs()
    assert {"VarSerif-W400", "VarSerif-W700", "Var-Italic"} <= set(found), found
    widths = {}
    for name in ("VarSerif-W400", "VarSerif-W700"):
        (made,) = made_by(folder, name)
        widths[name] = TTFont(made)["hmtx"]["o"][0]
    assert widths["VarSerif-W700"] > widths["VarSerif-W400"]


def test_bad_font_declarations_are_named_at_their_line(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(None, b=MINIMAL)
    renamed(NOTO / "NotoSerif-Regular.ttf", folder / "fonts" / "Good-Regular.ttf", "G", "Regular")
    locked = TTFont(NOTO / "NotoSerif-Bold.ttf")
    locked["OS/2"].fsType = 0x0002
    locked.save(folder / "fonts" / "Locked-Bold.ttf")
    (folder / "fonts" / "Broken.ttf").write_text("not a font")
    files = [
        "path: fonts/Good-Regular.ttf",
        "path: fonts/Locked-Bold.ttf, weight: 700",
        "path: fonts/Good-Regualr.ttf, weight: 500",
        "path: fonts/Broken.ttf, weight: 600",
        "path: ../outside.ttf, weight: 300",
        "path: fonts/Good-Regular.ttf, weight: 200, index: 2",
        "path: fonts/Good-Regular.ttf, weight: 400",
    ]
    config = declare("Good", files, heading_font="Good", body_font="Goood")
    (folder / "pressbrief.yaml").write_text(config)
    assert run("check", folder) == 1
    file = folder / "pressbrief.yaml"
    assert capsys.readouterr().err.splitlines() == [
        f"error: {file}:3: brand.body_font: 'Goood' is not a bundled font nor one declared in "
        "brand.fonts (did you mean 'Good'?); available: Inter, Noto Naskh Arabic, Noto Sans "
        "Arabic, Noto Sans Devanagari, Noto Sans Hebrew, Noto Serif, Noto Serif Devanagari, "
        "Noto Serif Hebrew, Good",
        f"{file}:7: brand.fonts[0].files: 'Good' has no italic (400) face, which the layouts "
        "use; add {path: ..., weight: 400, style: italic}",
        f"{file}:8: brand.fonts[0].files[1].path: 'fonts/Locked-Bold.ttf' does not allow "
        "embedding (OS/2 fsType: restricted licence embedding); ask its foundry for an "
        "embeddable licence or use another font",
        f"{file}:9: brand.fonts[0].files[2].path: 'fonts/Good-Regualr.ttf' not found (did you "
        "mean 'fonts/Good-Regular.ttf'?)",
        f"{file}:10: brand.fonts[0].files[3].path: 'fonts/Broken.ttf' cannot be read as a "
        "font: Not a TrueType or OpenType font (not enough data)",
        f"{file}:11: brand.fonts[0].files[4].path: '../outside.ttf' is outside the project "
        "folder; copy it into the project's fonts/",
        f"{file}:12: brand.fonts[0].files[5].index: 'fonts/Good-Regular.ttf' is one font, not "
        "a collection (.ttc)",
        f"{file}:13: brand.fonts[0].files[6].weight: a second normal 400 face of 'Good'",
    ]


def test_a_font_that_needs_the_network_or_is_not_declared_is_refused(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("brand:\n  heading_font: Source Sans\n", b=MINIMAL)
    assert run("check", folder) == 1
    assert "brand.heading_font: 'Source Sans' is not a bundled font nor one declared" in (
        capsys.readouterr().err
    )


BRAND_YML = """\
meta:
  name: {short: ACME, full: Acme Institute}
logo:
  images:
    mark: {path: assets/logo.svg, alt: Acme mark}
  medium: mark
color:
  palette:
    navy: "#123"
    red: "#aa0000"
  primary: navy
  secondary: red
  light: "#f0f0e0"
typography:
  fonts:
    - family: Brand Serif
      source: file
      files:
        - fonts/BrandSerif-Regular.ttf
        - {path: fonts/BrandSerif-Bold.ttf, weight: bold}
        - {path: fonts/BrandSerif-Italic.ttf, style: italic}
  base: Brand Serif
  headings: {family: Inter}
"""


def test_brand_yml_gives_what_pressbrief_yaml_does_not(brand_serif: Path) -> None:
    (brand_serif / "assets").mkdir()
    (brand_serif / "assets" / "logo.svg").write_text((REPO / "assets" / "logo.svg").read_text())
    (brand_serif / "pressbrief.yaml").write_text('brand:\n  accent: "#00aa00"\n')
    (brand_serif / "_brand.yml").write_text(BRAND_YML)
    (brand_serif / "content" / "b.yaml").write_text(BRIEF)
    render_brief(brand_serif / "content" / "b.yaml", brand_serif / "b.pdf")
    assert {"Brand-Serif", "Brand-Serif-Bold", "Brand-Serif-Italic"} <= embedded_fonts(
        brand_serif / "b.pdf"
    )
    page = PdfReader(brand_serif / "b.pdf").pages[0]
    assert "ACME" in page.extract_text()
    content = page.get_contents().get_data().decode("latin-1")
    assert "0.066667 0.133333 0.2 rg" in content  # primary #112233 (navy, #123)
    assert "0.941176 0.941176 0.878431 rg" in content  # tint, from color.light
    assert "0 0.666667 0 rg" in content  # accent: pressbrief.yaml's, not _brand.yml's red
    assert "0.666667 0 0 rg" not in content


def test_brand_yml_problems_are_named_at_its_lines(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("paper: a4\n", b=MINIMAL)
    (folder / "_brand.yml").write_text(
        "color:\n  primary: blue\ntypography:\n  fonts:\n    - family: Open Sans\n"
        "      source: google\n    - family: Lit\n      source: file\n"
        "      files: [fonts/Lit.ttf]\n  base: Lit\n"
    )
    assert run("check", folder) == 1
    file = folder / "_brand.yml"
    assert capsys.readouterr().err.splitlines() == [
        f"error: {file}:2: color.primary: 'blue' is not a colour; expected #rrggbb, e.g. #14284b",
        f"{file}:6: typography.fonts[0].source: 'Open Sans' from google cannot be fetched (no "
        "network at run time); download the font files into the project's fonts/ and declare "
        "them with source: file",
        f"{file}:9: typography.fonts[1].files: 'Lit' has no bold (700) face, which the layouts "
        "use; add {path: ..., weight: 700, style: normal}",
        f"{file}:9: typography.fonts[1].files: 'Lit' has no italic (400) face, which the "
        "layouts use; add {path: ..., weight: 400, style: italic}",
        f"{file}:9: typography.fonts[1].files[0].path: 'fonts/Lit.ttf' not found",
    ]


def test_check_of_project_fonts_does_not_import_weasyprint(brand_serif: Path) -> None:
    (brand_serif / "content" / "b.yaml").write_text(BRIEF)
    code = (
        f"import sys; from pressbrief.cli import main; rc = main(['check', {str(brand_serif)!r}]); "
        "assert 'weasyprint' not in sys.modules, 'renderer imported'; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 document OK (1 issue-brief)"
