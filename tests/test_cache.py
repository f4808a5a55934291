"""A damaged cache never reaches a reporter: every cache entry is checked before use, and a
bad one is dropped, rebuilt and reported; the key names the libraries that make the bytes."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressbrief import BuildOptions, build_project
from pressbrief.pdf import engine

from .conftest import MINIMAL, own_layout, run
from .test_determinism import use_subsetter

KIT = "title: K\nbriefs: [a, b]\nduplex: true\n"


@pytest.fixture
def built(project: Callable[..., Path], with_logo: str) -> Path:
    """A project of two briefs and a duplex kit of both, built once."""
    config = with_logo + "contact:\n  name: Press\n  email: press@org.example\n"
    folder = project(config, a=MINIMAL, b=MINIMAL.replace("Minimal", "Second"))
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text(KIT)
    build_project(folder, None, BuildOptions(jobs=1))
    return folder


def rebuild(folder: Path) -> dict[str, str]:
    """Build again; what each output's note says."""
    return {b.output.name: b.note for b in build_project(folder, None, BuildOptions(jobs=1))}


def outputs(folder: Path) -> dict[str, bytes]:
    dist = folder / "dist"
    return {str(p.relative_to(dist)): p.read_bytes() for p in sorted(dist.rglob("*.pdf"))}


def cached_pdf(folder: Path, text: str, pages: int = 1) -> Path:
    """The cached PDF of `pages` pages that shows `text`."""
    found = []
    for path in (folder / ".pressbrief" / "cache").glob("*.pdf"):
        reader = PdfReader(path)
        if len(reader.pages) == pages and text in reader.pages[0].extract_text():
            found.append(path)
    (path,) = found
    return path


def edit_kit(folder: Path) -> None:
    """Change the kit so that it is assembled again from its (cached) briefs."""
    (folder / "kits" / "k.yaml").write_text(KIT + "subtitle: Again\n")


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_damaged_cached_brief_is_rebuilt_and_never_copied(
    damage: str, built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = outputs(built)
    cached = cached_pdf(built, "A Minimal Brief")
    data = cached.read_bytes()
    cached.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"%PDF-1.7\n" * 9)
    # Ask the build to copy both briefs from the cache (their outputs are gone) and into
    # the kit (which changed).
    for brief in ("a", "b"):
        (built / "dist" / "briefs" / f"{brief}.pdf").unlink()
    edit_kit(built)
    with caplog.at_level(logging.WARNING, logger="pressbrief"):
        notes = rebuild(built)
    assert "cache entry for brief 'a' was damaged; rebuilt" in caplog.text
    assert notes == {
        "a.pdf": "step 'ample', 1 layout pass",
        "b.pdf": "from the cache",
        "k.pdf": "kit of 2 briefs",
    }
    assert outputs(built)["briefs/a.pdf"] == good["briefs/a.pdf"]
    assert outputs(built)["briefs/b.pdf"] == good["briefs/b.pdf"]
    assert len(PdfReader(built / "dist" / "kits" / "k.pdf").pages) == 6


def test_a_wrong_page_count_in_the_index_never_reaches_a_kit(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index = built / ".pressbrief" / "cache" / "index.json"
    entries = json.loads(index.read_text())
    entries[cached_pdf(built, "A Minimal Brief").stem]["pages"] = 2
    index.write_text(json.dumps(entries))
    edit_kit(built)
    with caplog.at_level(logging.WARNING, logger="pressbrief"):
        rebuild(built)
    assert "cache entry for brief 'a' was damaged; rebuilt" in caplog.text
    # Duplex: cover, contents, then each one-page brief on a right-hand page and its notes
    # page on the back. A two-page count for brief a would drop the notes page after a and
    # misnumber b.
    kit = PdfReader(built / "dist" / "kits" / "k.pdf")
    texts = [page.extract_text().replace("\xa0", " ") for page in kit.pages]
    assert [text.startswith("NOTES") for text in texts] == [False, False, False, True, False, True]
    assert "3 A Second Brief" in texts[1]


def test_garbage_in_a_stored_font_subset_is_never_embedded(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = outputs(built)["kits/k.pdf"]
    fonts = sorted((built / ".pressbrief" / "cache" / "fonts").glob("*"))
    assert fonts
    for font in fonts:
        font.write_bytes(b"garbage!")
    (built / "dist" / "kits" / "k.pdf").unlink()
    assert run("build", built, "--jobs", "1", "--force") == 0
    assert "cache entry for a font subset of Inter" in caplog.text
    assert outputs(built)["kits/k.pdf"] == good


def test_a_damaged_output_is_written_again(built: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = outputs(built)
    kit = built / "dist" / "kits" / "k.pdf"
    kit.write_bytes(kit.read_bytes()[:1000])
    with caplog.at_level(logging.WARNING, logger="pressbrief"):
        notes = rebuild(built)
    assert notes["k.pdf"] == "from the cache" and notes["a.pdf"] == "up to date"
    assert "was damaged" in caplog.text
    assert outputs(built) == good


def test_an_index_without_checksums_is_read_as_empty(built: Path) -> None:
    index = built / ".pressbrief" / "cache" / "index.json"
    index.write_text(json.dumps({cached_pdf(built, "A Minimal Brief").stem: 1}))
    for output in (built / "dist").rglob("*.pdf"):
        output.unlink()
    notes = rebuild(built)
    assert "from the cache" not in notes.values()


def test_the_key_names_the_libraries_and_the_subsetter(monkeypatch: pytest.MonkeyPatch) -> None:
    import fontTools
    import pypdf
    import weasyprint
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz, pango

    monkeypatch.delenv(engine.SUBSETTER, raising=False)
    fingerprint = engine.fingerprint()
    version = pango.pango_version()
    assert f"weasyprint {weasyprint.__version__}" in fingerprint
    assert f"pypdf {pypdf.__version__}" in fingerprint
    assert f"fonttools {fontTools.version}" in fingerprint
    assert f"pango {version // 10000}.{version // 100 % 100}.{version % 100}" in fingerprint
    assert re.search(r"harfbuzz \d+\.\d+\.\d+", fingerprint)
    # The subsetter the cache names is the one WeasyPrint 70's Font.subset chooses.
    uses_harfbuzz = fonts.harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0)
    assert f"subsetter {'harfbuzz' if uses_harfbuzz else 'fonttools'}" in fingerprint


def test_a_misspelt_subsetter_is_reported(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(engine.SUBSETTER, raising=False)
    installed = engine.subsetter()
    monkeypatch.setenv(engine.SUBSETTER, "fonttool")
    assert engine.subsetter() == installed
    assert "PRESSBRIEF_SUBSETTER=fonttool is not 'fonttools'; ignored" in caplog.text


def test_another_subsetter_renders_again(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(b=MINIMAL)
    use_subsetter("harfbuzz", monkeypatch)  # skips where HarfBuzz is missing
    assert rebuild(folder) == {"b.pdf": "step 'ample', 1 layout pass"}
    use_subsetter("fonttools", monkeypatch)
    assert rebuild(folder) == {"b.pdf": "step 'ample', 1 layout pass"}
    assert rebuild(folder) == {"b.pdf": "up to date"}


def test_a_build_with_nothing_to_do_does_not_import_weasyprint(built: Path) -> None:
    """The engine's versions are read without WeasyPrint, whose import takes half a second."""
    code = (
        "import sys; from pressbrief.cli import main; "
        f"rc = main(['build', {str(built)!r}, '--jobs', '1']); "
        "assert 'weasyprint' not in sys.modules, 'WeasyPrint imported'; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("up to date") == 3


def test_a_damaged_cached_kit_is_never_emailed(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = outputs(built)["kits/k.pdf"]
    cached = cached_pdf(built, "PRESS KIT", pages=6)
    cached.write_bytes(cached.read_bytes()[:2000])
    (built / "dist" / "kits" / "k.pdf").unlink()
    (built / "reporters.csv").write_text("email,name\nann@paper.example,Ann Reporter\n")
    args = ("email", built / "kits" / "k.yaml", "--to", built / "reporters.csv", "--dry-run")
    assert run(*args) == 0
    assert "cache entry for kit 'k' was damaged; rebuilt" in caplog.text
    (queued,) = (built / "outbox").rglob("*.eml")
    message = email.message_from_bytes(queued.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    (attachment,) = message.iter_attachments()
    assert attachment.get_content() == good


def test_pictures_a_stylesheet_or_an_svg_shows_are_part_of_the_key(
    project: Callable[..., Path],
) -> None:
    from PIL import Image

    folder = project(b=MINIMAL + "analysis: '![a chart](chart.svg)'\n", c=MINIMAL)
    own = own_layout(folder)
    with (own / "style.css").open("a") as css:
        css.write('\n.summary { background: url("../../assets/texture.png"); }\n')
    (folder / "assets").mkdir()
    Image.new("RGB", (8, 8), (250, 0, 0)).save(folder / "assets" / "texture.png")
    Image.new("RGB", (8, 8), (0, 0, 250)).save(folder / "content" / "inner.png")
    (folder / "content" / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 8 8"><image width="8" height="8" xlink:href="inner.png"/></svg>'
    )
    assert rebuild(folder) == {"b.pdf": "step 'ample', 1 layout pass"} | {
        "c.pdf": "step 'ample', 1 layout pass"
    }
    assert set(rebuild(folder).values()) == {"up to date"}
    first = outputs(folder)
    Image.new("RGB", (8, 8), (0, 250, 0)).save(folder / "assets" / "texture.png")
    assert "up to date" not in rebuild(folder).values()  # both show the texture
    Image.new("RGB", (8, 8), (0, 250, 0)).save(folder / "content" / "inner.png")
    again = rebuild(folder)
    assert again["b.pdf"].startswith("step") and again["c.pdf"] == "up to date"
    assert outputs(folder)["briefs/b.pdf"] != first["briefs/b.pdf"]
    assert set(rebuild(folder).values()) == {"up to date"}


def test_the_key_covers_the_code_of_every_stage() -> None:
    """A change to the fit engine or a template filter renders differently: every module
    of the package, whichever stage's folder it is in, is part of the key."""
    import pressbrief
    from pressbrief.build import cache as build_cache

    package = Path(pressbrief.__file__).resolve().parent
    assert package == build_cache._PACKAGE
    assert (package / "typeset" / "fit.py").is_file()
