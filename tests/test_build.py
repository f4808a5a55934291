"""Whole-project builds: parallel, incremental, every failure reported, progress."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressbrief import BuildOptions, Built, build_project
from pressbrief.assets import LAYOUTS_DIR

from .conftest import MINIMAL, run

KIT = "title: K\nbriefs: [a, b]\n"


@pytest.fixture
def built_project(project: Callable[..., Path], with_logo: str) -> Path:
    folder = project(with_logo, a=MINIMAL, b=MINIMAL.replace("Minimal", "Second"), c=MINIMAL)
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text(KIT)
    build_project(folder, None, BuildOptions(jobs=1))
    return folder


def notes(built: list[Built]) -> dict[str, str]:
    return {item.output.name: item.note for item in built}


def rebuild(folder: Path, force: bool = False) -> dict[str, str]:
    """Build the project again (no workers); what each output's note says."""
    return notes(build_project(folder, None, BuildOptions(jobs=1, force=force)))


def test_a_second_build_renders_nothing(built_project: Path) -> None:
    again = rebuild(built_project)
    assert again == {
        "a.pdf": "up to date",
        "b.pdf": "up to date",
        "c.pdf": "up to date",
        "k.pdf": "up to date",
    }


def test_editing_a_brief_rebuilds_it_and_its_kits_only(built_project: Path) -> None:
    brief = built_project / "content" / "a.yaml"
    brief.write_text(brief.read_text().replace("One point.", "One sharper point."))
    again = rebuild(built_project)
    assert again["a.pdf"].startswith("step 'ample'")
    assert again["b.pdf"] == again["c.pdf"] == "up to date"
    assert again["k.pdf"] == "kit of 2 briefs"
    (built_project / "content" / "c.yaml").write_text(MINIMAL.replace("Minimal", "Third"))
    again = rebuild(built_project)
    assert again["c.pdf"].startswith("step")
    assert again["k.pdf"] == "up to date"  # c is not in the kit


def test_editing_the_kit_reassembles_it(built_project: Path) -> None:
    (built_project / "kits" / "k.yaml").write_text(KIT + "subtitle: Now with a subtitle\n")
    again = rebuild(built_project)
    assert again["k.pdf"] == "kit of 2 briefs"
    assert again["a.pdf"] == "up to date"


def test_config_and_layout_changes_rebuild_everything(built_project: Path) -> None:
    config = built_project / "pressbrief.yaml"
    config.write_text(config.read_text() + 'brand:\n  accent: "#aa3300"\n')
    assert set(rebuild(built_project).values()) != {"up to date"}
    assert set(rebuild(built_project).values()) == {"up to date"}
    own = built_project / "layouts" / "issue-brief"
    shutil.copytree(LAYOUTS_DIR / "issue-brief", own)
    (own / "style.css").write_text((own / "style.css").read_text() + "\nh1 { color: black; }\n")
    again = rebuild(built_project)
    assert all(again[name].startswith("step") for name in ("a.pdf", "b.pdf", "c.pdf"))
    assert again["k.pdf"] == "kit of 2 briefs"


def test_a_font_change_rebuilds_everything(
    built_project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pressbrief.build import cache

    fonts = tmp_path_factory.mktemp("fonts") / "fonts"
    shutil.copytree(cache.FONTS_DIR, fonts)
    monkeypatch.setattr(cache, "FONTS_DIR", fonts)
    assert set(rebuild(built_project).values()) == {"up to date"}
    (fonts / "inter" / "COPYRIGHT-debian").write_text("a changed font folder")
    assert "up to date" not in rebuild(built_project).values()


def test_force_rebuilds_and_a_deleted_output_is_restored(built_project: Path) -> None:
    (built_project / "dist" / "briefs" / "b.pdf").unlink()
    again = rebuild(built_project)
    assert again["b.pdf"] == "from the cache"
    assert (built_project / "dist" / "briefs" / "b.pdf").exists()
    forced = rebuild(built_project, force=True)
    assert "up to date" not in forced.values() and "from the cache" not in forced.values()


def test_workers_make_the_same_bytes(
    project: Callable[..., Path], with_logo: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = project(with_logo, a=MINIMAL, b=MINIMAL.replace("Minimal", "Second"), c=MINIMAL)
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text(KIT)
    serial, parallel = (tmp_path_factory.mktemp(name) for name in ("serial", "parallel"))
    build_project(folder, serial, BuildOptions(jobs=1, force=True))
    build_project(folder, parallel, BuildOptions(jobs=2, force=True))
    for name in ("briefs/a.pdf", "briefs/b.pdf", "briefs/c.pdf", "kits/k.pdf"):
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name


def test_progress_is_reported_for_every_output(built_project: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    build_project(built_project, None, BuildOptions(jobs=1, force=True), lambda *a: calls.append(a))
    assert [(done, total) for done, total, _ in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert calls[-1][2] == "k: kit of 2 briefs"


def test_every_failure_is_reported_and_the_rest_is_built(
    built_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (built_project / "content" / "a.yaml").write_text("title: [broken\n")
    (built_project / "content" / "c.yaml").write_text(MINIMAL + "analysis: '![x](missing.png)'\n")
    assert run("build", built_project, "--jobs", "2", "--force") == 1
    err = capsys.readouterr().err
    assert "a.yaml:2: not valid YAML" in err
    assert "c.yaml:5: analysis: image 'missing.png' not found" in err
    assert "kits/k.yaml: not built, because these briefs failed: a" in err
    assert "3 problems; 1 PDF built" in err
    assert (built_project / "dist" / "briefs" / "b.pdf").exists()


def test_plain_progress_lines_when_not_a_terminal(
    built_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (built_project / "content" / "b.yaml").write_text(MINIMAL.replace("Minimal", "Other"))
    assert run("build", built_project, "--jobs", "1") == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "[1/2] b: step 'ample', 1 layout pass",
        "[2/2] k: kit of 2 briefs",
    ]
    assert f"{built_project / 'dist' / 'briefs' / 'a.pdf'} (1 page, up to date)" in captured.out


def test_kits_are_also_imposed_when_asked(
    built_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("build", built_project, "--jobs", "1", "--impose", "booklet", "--fit", "--marks")
    assert run(*args) == 0
    imposed = built_project / "dist" / "kits" / "k-booklet.pdf"
    out = capsys.readouterr().out
    assert f"{imposed} (2 pages, booklet, 2 sheet sides)" in out
    reader = PdfReader(imposed)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    assert run(*args) == 0
    assert f"{imposed} (2 pages, up to date)" in capsys.readouterr().out
    assert run("build", built_project, "--impose", "booklets") == 8
    assert "unknown imposition layout 'booklets' (did you mean 'booklet'?)" in (
        capsys.readouterr().err
    )


def test_a_progress_bar_on_a_terminal(built_project: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "pressbrief", "build", str(built_project), "--force", "-j", "1"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=120,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"\x1b[" in screen and b"4/4" in screen  # drawn and redrawn by rich
    assert b"[1/4]" not in screen  # not the plain lines meant for logs
    assert b"k.pdf (4 pages, kit of 2 briefs)" in done.stdout
