"""The same bytes on every machine with the same libraries: at any time, in any folder, with
either of WeasyPrint's font subsetters (HarfBuzz, or fontTools when libharfbuzz-subset is
missing)."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fontTools.misc.timeTools import timestampToString
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from pressbrief import BuildOptions, build_project, load_config
from pressbrief.content.read import load_briefs
from pressbrief.pdf import engine
from pressbrief.typeset.render import render_pdf

from .conftest import MINIMAL, REPO

SUBSETTERS = ("harfbuzz", "fonttools")


def use_subsetter(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this test's renders subset fonts with `name`: 'harfbuzz', or 'fonttools' as on a
    machine without libharfbuzz-subset (through PRESSBRIEF_SUBSETTER, which worker
    processes see too)."""
    if name == "fonttools":
        monkeypatch.setenv(engine.SUBSETTER, "fonttools")
    else:
        monkeypatch.delenv(engine.SUBSETTER, raising=False)
        if engine.subsetter() != "harfbuzz":
            pytest.skip("libharfbuzz-subset is not installed")


def subset_dates(pdf: Path) -> set[str]:
    """The modification dates in the head tables of the fonts embedded in `pdf`: fontTools
    stamps a subset with one, HarfBuzz keeps the font's own."""
    dates = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
            program = descriptor.get("/FontFile2") or descriptor["/FontFile3"]
            with TTFont(io.BytesIO(program.get_object().get_data())) as subset:
                dates.add(timestampToString(subset["head"].modified))
    return dates


EPOCH = "Thu Jan  1 00:00:00 1970"


def copy_project(source: Path, folder: Path, names: tuple[str, ...]) -> Path:
    """`names` (files and folders) of the project in `source`, copied into `folder`."""
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, folder / name)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / name, folder / name)
    return folder


def pdfs(folder: Path) -> dict[str, bytes]:
    """Every PDF under `folder`, by its path relative to it."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.pdf"))}


@pytest.mark.parametrize("name", SUBSETTERS)
def test_a_brief_rendered_later_has_the_same_bytes(
    name: str, project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    use_subsetter(name, monkeypatch)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    brief = project(b=MINIMAL) / "content" / "b.yaml"
    config = load_config(brief)
    (loaded,) = load_briefs([brief], config)
    outputs = []
    for clock in (1_700_000_000.0, 1_700_000_002.0):  # two seconds apart
        # In this process (a worker's clock cannot be faked from here): what a worker runs.
        monkeypatch.setattr(time, "time", lambda clock=clock: clock)
        _, data, _ = render_pdf(loaded, config)
        outputs.append(brief.with_name(f"{clock}.pdf"))
        outputs[-1].write_bytes(data)
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    # The path under test is the one taken: fontTools' subsets carry a pinned date.
    assert (subset_dates(outputs[0]) == {EPOCH}) == (name == "fonttools")


@pytest.mark.parametrize("name", SUBSETTERS)
def test_the_example_built_in_two_folders_has_the_same_bytes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_subsetter(name, monkeypatch)
    names = ("pressbrief.yaml", "content", "kits", "assets")
    built = []
    for folder in (tmp_path / "one", tmp_path / "two levels" / "déjà vu"):
        copy_project(REPO, folder, names)
        build_project(folder, None, BuildOptions(jobs=2, force=True))
        built.append(pdfs(folder / "dist"))
    examples = sorted((REPO / "content").glob("*.yaml"))
    assert list(built[0]) == [f"briefs/{e.stem}.pdf" for e in examples] + ["kits/debate-night.pdf"]
    for output, data in built[0].items():
        assert data == built[1][output], f"{output} differs between the two folders"
    brief = tmp_path / "one" / "dist" / "briefs" / "russia-syria.pdf"
    assert (subset_dates(brief) == {EPOCH}) == (name == "fonttools")


def test_print_files_in_two_folders_have_the_same_bytes(
    project: Callable[..., Path], with_logo: str, tmp_path: Path
) -> None:
    original = project(with_logo, b=MINIMAL)
    (original / "kits").mkdir()
    (original / "kits" / "k.yaml").write_text("title: K\nbriefs: [b]\nduplex: true\n")
    names = ("pressbrief.yaml", "content", "kits", "assets")
    built = []
    for folder in (tmp_path / "one", tmp_path / "two"):
        copy_project(original, folder, names)
        build_project(folder, None, BuildOptions(jobs=1, force=True, profile="print"))
        built.append(pdfs(folder / "dist" / "print"))
    assert list(built[0]) == ["briefs/b.pdf", "kits/k.pdf"]
    assert built[0] == built[1]
