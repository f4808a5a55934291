"""`pressbrief proof`: every page against its approved picture; changes named, located and
drawn; `--approve` accepts them. The example project is held to the pictures in proof/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from pressbrief.build.proof import MARK, rasterize

from .conftest import MINIMAL, REPO, run, word_box


def magenta(diff: Path) -> Image.Image:
    """A mask of the pixels of a diff image in the colour of changes."""
    with Image.open(diff) as image:
        off = ImageChops.difference(image.convert("RGB"), Image.new("RGB", image.size, MARK))
    red, green, blue = off.split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue).point(
        lambda v: 255 if v < 8 else 0
    )


def reported(err: str, picture: str) -> str:
    """The line of the proof report about `picture` (e.g. 'briefs/x-p1.png')."""
    lines = [line for line in err.splitlines() if f"proof/{picture}:" in line]
    assert len(lines) == 1, err
    return lines[0]


def test_an_edit_a_new_page_and_a_lost_page_are_reported_until_approved(
    tmp_path: Path, example_dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "project"
    # The example project, with the cache its build left (cached PDFs do not depend on
    # where the project is): only what the test changes is rendered.
    for name in ("content", "kits", "assets", ".pressbrief"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "pressbrief.yaml", folder)
    assert run("proof", folder, "--approve") == 0
    pictures = sorted(p.relative_to(folder / "proof").as_posix() for p in folder.glob("proof/*/*"))
    pdfs = sorted((folder / "dist").glob("*/*.pdf"))
    assert pictures == sorted(  # one picture per page of each brief and kit
        f"{pdf.parent.name}/{pdf.stem}-p{n}.png"
        for pdf in pdfs
        for n in range(1, len(PdfReader(pdf).pages) + 1)
    )
    approved = {p: (folder / "proof" / p).read_bytes() for p in pictures}
    capsys.readouterr()
    assert run("proof", folder) == 0
    assert f"{len(pictures)} pages as approved" in capsys.readouterr().out

    # One word of the seed brief's summary (after its first sentence, which the kit's
    # contents shows too), swapped for one as long; and a new brief.
    brief = folder / "content" / "russia-syria.yaml"
    brief.write_text(brief.read_text().replace("a viable path", "a usable path"))
    (folder / "content" / "extra.yaml").write_text(MINIMAL)
    assert run("proof", folder) == 11
    err = capsys.readouterr().err
    assert err.count("changed:") == 2 and err.count("new page") == 1, err
    assert "not as approved: 2 changed, 1 new" in err
    assert "briefs/extra-p1.png: new page" in err
    assert (folder / "dist" / "proof" / "briefs" / "extra-p1.png").is_file()
    word = word_box(folder / "dist" / "briefs" / "russia-syria.pdf", "usable")
    (kit_page,) = re.findall(r"kits/debate-night-p\d+\.png(?=: changed)", err)  # the kit too
    for picture in ("briefs/russia-syria-p1.png", kit_page):
        line = reported(err, picture)
        found = re.search(
            r"changed: (?:under )?([\d.]+)% of the page, within x (\d+)–(\d+), y (\d+)–(\d+)",
            line,
        )
        assert found, line
        share, (left, right, top, bottom) = float(found[1]), map(int, found.groups()[1:])
        assert share < 1
        # The box covers the word (its glyphs' pixels; the text box has 1 pt to spare).
        assert left <= word[0] + 1 and word[2] - 1 <= right
        assert top <= word[1] + 1 and word[3] - 1 <= bottom
        assert bottom - top < 40, "more than the edited line changed"
        # The diff image: the changed pixels in magenta, inside the reported box only.
        diff = folder / "dist" / "proof" / picture.replace(".png", "-diff.png")
        assert f"diff: {diff}" in line
        mark = magenta(diff)
        assert mark.crop((left, top, right, bottom)).histogram()[255] > 20
        frame = mark.getbbox()
        assert frame and frame[0] >= left - 4 and frame[1] >= top - 4
        assert frame[2] <= right + 4 and frame[3] <= bottom + 4
    assert (folder / "proof" / "briefs" / "russia-syria-p1.png").read_bytes() == approved[
        "briefs/russia-syria-p1.png"
    ], "a proof changed an approved picture"

    assert run("proof", folder, "--approve") == 0
    out = capsys.readouterr().out
    assert "russia-syria-p1.png: changed, approved" in out
    assert "extra-p1.png: new, approved" in out
    assert run("proof", folder) == 0
    assert not list((folder / "dist" / "proof").glob("*/*.png")), "the last report stayed"

    # A brief removed: its picture is missing until approved (and then removed).
    (folder / "content" / "extra.yaml").unlink()
    capsys.readouterr()
    assert run("proof", folder) == 11
    err = capsys.readouterr().err
    assert "briefs/extra-p1.png: missing" in err and "not as approved: 1 missing" in err
    assert run("proof", folder, "--approve") == 0
    assert not (folder / "proof" / "briefs" / "extra-p1.png").exists()
    assert run("proof", folder) == 0


def test_antialiasing_is_tolerated_and_bad_pictures_or_folders_are_named(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    assert run("proof", folder, "--approve") == 0
    picture = folder / "proof" / "briefs" / "b-p1.png"
    with Image.open(picture) as image:
        page = image.convert("RGB")
    # Another renderer's antialiasing: every pixel a little off, none by more than 40.
    Image.eval(page, lambda v: max(v - 30, 0)).save(picture)
    assert run("proof", folder) == 0
    page.paste((0, 0, 0), (300, 400, 302, 402))  # a dot of four pixels is a change
    page.save(picture)
    assert run("proof", folder) == 11
    assert "within x 300–302, y 400–402" in capsys.readouterr().err
    # A report among the approved pictures would replace them.
    assert run("proof", folder, "-o", folder) == 5
    assert "among the approved pictures" in capsys.readouterr().err
    picture.write_bytes(b"not a PNG")
    assert run("proof", folder) == 6
    err = capsys.readouterr().err
    assert f"{picture}: not an approved picture pressbrief can read" in err
    assert "Traceback" not in err


def test_a_page_rasterizes_to_the_same_bytes_every_time(example_dist: Path) -> None:
    pdf = (example_dist / "russia-syria.pdf").read_bytes()
    (first,) = rasterize(pdf)
    assert rasterize(pdf) == [first]
    assert b"tIME" not in first and b"tEXt" not in first  # no clock, no stamp


def test_the_example_project_looks_as_approved(
    example_dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A change of look is deliberate: regenerate proof/ with `pressbrief proof --approve`
    (see README) and look at what changed before committing it."""
    code = run("proof", REPO, "-o", example_dist.parent)
    assert code == 0, capsys.readouterr().err
