"""Nothing hangs and one bad document never sinks a build: render limits in worker
processes, image caps, writes as renders finish, Ctrl-C and kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressbrief.errors import LayoutError
from pressbrief.pdf.workers import Pool, Task

from .conftest import MINIMAL, own_layout, pdf_text, run

GB = 1_000_000_000


def until(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Poll `condition` until it holds or `seconds` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    workers = Pool(1)
    yield workers
    workers.close()


def test_a_task_past_its_time_limit_is_stopped_and_its_worker_replaced(pool: Pool) -> None:
    slow = Task("content/slow.yaml", time.sleep, (60,), 0.5, GB)
    fine = Task("content/fine.yaml", sum, ((1, 2),), 30, GB)
    (first, _, error), (second, value, none) = pool.run([slow, fine])
    assert first is slow and isinstance(error, LayoutError)
    assert str(error) == (
        "content/slow.yaml: rendering took longer than the limit of 0.5 s "
        "(limits.render_seconds in pressbrief.yaml); stopped"
    )
    assert second is fine and value == 3 and none is None


def test_a_task_over_its_memory_limit_fails_alone(pool: Pool) -> None:
    greedy = Task("content/greedy.yaml", bytearray, (3 * GB,), 30, GB // 2)
    fine = Task("content/fine.yaml", sum, ((1, 2),), 30, GB)
    results = list(pool.run([greedy, fine]))
    assert str(results[0][2]) == (
        "content/greedy.yaml: rendering needed more memory than the limit of 500 MB "
        "(limits.render_memory in pressbrief.yaml); stopped"
    )
    assert results[1][1:] == (3, None)


def test_a_worker_that_dies_fails_only_its_own_task(pool: Pool) -> None:
    crash = Task("content/crash.yaml", os.abort, (), 30, GB)
    fine = Task("content/fine.yaml", sum, ((1, 2),), 30, GB)
    results = list(pool.run([crash, fine]))
    assert str(results[0][2]).startswith(
        "content/crash.yaml: the rendering process died (signal SIGABRT)"
    )
    assert results[1][1:] == (3, None)


def slow_project(folder: Path, config: str = "") -> Path:
    """A project with a brief that fits at once and one that takes its whole time limit
    (100,000 opening brackets, one word of them, keep the layout busy for about a minute)."""
    (folder / "content").mkdir(parents=True)
    (folder / "pressbrief.yaml").write_text(config)
    (folder / "content" / "a-fast.yaml").write_text(MINIMAL)
    slow = MINIMAL.replace("One sentence of summary.", '"' + "[" * 100_000 + '"')
    (folder / "content" / "b-slow.yaml").write_text(slow)
    return folder


def test_a_render_over_its_time_limit_fails_that_brief_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = slow_project(tmp_path, "limits:\n  render_seconds: 1\n")
    assert run("build", folder, "--jobs", "2") == 4
    err = capsys.readouterr().err
    slow = folder / "content" / "b-slow.yaml"
    assert f"{slow}: rendering took longer than the limit of 1 s (limits.render_seconds" in err
    assert "1 problem; 1 PDF built" in err
    assert (folder / "dist" / "briefs" / "a-fast.pdf").exists()
    assert not (folder / "dist" / "briefs" / "b-slow.pdf").exists()


def session_processes(session: int) -> list[int]:
    """Processes whose session id is `session` (the build and the workers it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[3]) == session and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _as_at_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it: a shell runs a background job (CI started with
    `&`) with SIGINT ignored, and a child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_build(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pressbrief", "build", str(folder), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_as_at_a_terminal,
    )


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "kill"])
def test_each_pdf_is_written_as_it_is_rendered_and_a_killed_build_leaves_no_worker(
    tmp_path: Path, how: signal.Signals
) -> None:
    folder = slow_project(tmp_path)
    fast = folder / "dist" / "briefs" / "a-fast.pdf"
    build = start_build(folder)
    try:
        assert until(fast.exists), "the fast brief was not written while the slow one rendered"
        assert build.poll() is None
        assert len(session_processes(build.pid)) >= 3  # the build, a fork server, workers
        os.kill(build.pid, how)  # the slow brief's worker is busy for a minute
        build.wait()
        assert until(lambda: not session_processes(build.pid), 10), "workers outlived the build"
    finally:
        for pid in session_processes(build.pid):
            os.kill(pid, signal.SIGKILL)
        build.communicate()
    assert pdf_text(fast)  # complete, readable


def test_ctrl_c_stops_the_build_with_exit_130_and_no_partial_file(tmp_path: Path) -> None:
    folder = slow_project(tmp_path)
    fast = folder / "dist" / "briefs" / "a-fast.pdf"
    build = start_build(folder)
    try:
        assert until(fast.exists)
        os.killpg(build.pid, signal.SIGINT)  # as a terminal does: the whole process group
        _, err = build.communicate(timeout=30)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 130
    assert b"interrupted" in err and b"Traceback" not in err
    assert until(lambda: not session_processes(build.pid), 10)
    written = sorted(p.name for p in (folder / "dist").rglob("*") if p.is_file())
    assert "a-fast.pdf" in written and "b-slow.pdf" not in written
    assert not [name for name in written if name.endswith(".tmp")]


def test_a_write_failure_is_reported_with_the_rest(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(a=MINIMAL, b=MINIMAL.replace("Minimal", "Second"))
    (folder / "dist" / "briefs" / "a.pdf").mkdir(parents=True)  # in the way of the PDF
    assert run("build", folder, "--jobs", "1") == 5
    err = capsys.readouterr().err
    assert f"{folder / 'dist' / 'briefs' / 'a.pdf'}: is a folder, not a regular file" in err
    assert "1 problem; 1 PDF built" in err
    assert (folder / "dist" / "briefs" / "b.pdf").is_file()
    (folder / "dist" / "briefs" / "a.pdf").rmdir()
    assert run("build", folder, "--jobs", "1") == 0
    out = capsys.readouterr().out
    assert "b.pdf (1 page, up to date)" in out  # the cache index kept what succeeded
    assert "a.pdf (1 page, from the cache)" in out


def nested_use_svg(levels: int, fan: int, use: str = 'href="#l{}"') -> str:
    """An SVG of `levels` groups, each drawing the one below `fan` times: small, and
    `fan ** levels` elements once expanded. `use` writes the reference to level {}."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 10 10"><defs>'
    ]
    parts.append('<rect id="l0" width="1" height="1"/>')
    for level in range(1, levels + 1):
        uses = "".join(f"<use {use.format(level - 1)}/>" for _ in range(fan))
        parts.append(f'<g id="l{level}">{uses}</g>')
    parts.append(f"</defs><use {use.format(levels)}/></svg>")
    return "".join(parts)


def png_bomb(width: int, height: int) -> bytes:
    """A 1-bit PNG of `width` × `height` white pixels: kilobytes on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "bomb.svg",
            nested_use_svg(10, 10).encode(),
            "an SVG that draws more than 50,000 elements once its references (<use>, patterns, "
            "markers) are expanded",
        ),
        (
            "xlink.svg",
            nested_use_svg(8, 10, 'xlink:href="#l{}" href="#nothing"').encode(),
            "an SVG that draws more than 50,000 elements",
        ),
        (
            "named.svg",
            nested_use_svg(8, 10, 'href="named.svg#l{}"').encode(),
            "an SVG that draws more than 50,000 elements",
        ),
        (
            "huge.png",
            png_bomb(15_000, 15_000),
            "a picture of more than 179 megapixels; the limit is 40",
        ),
        (
            "twice.svg",
            nested_use_svg(5, 10)  # decoys with the same ids after the real groups
            .replace("</defs>", "".join(f'<rect id="l{i}"/>' for i in range(6)) + "</defs>")
            .encode(),
            "an SVG that draws more than 50,000 elements",
        ),
        (
            "pattern.svg",
            (
                '<svg xmlns="http://www.w3.org/2000/svg"><defs><pattern id="p">'
                + '<rect width="1" height="1"/>' * 1000
                + "</pattern></defs>"
                + '<rect width="9" height="9" fill="url(#p)"/>' * 200
                + "</svg>"
            ).encode(),
            "an SVG that draws more than 50,000 elements",
        ),
        (
            "marker.svg",
            (
                '<svg xmlns="http://www.w3.org/2000/svg"><defs><marker id="m">'
                + '<rect width="1" height="1"/>' * 500
                + '</marker></defs><polyline style="marker-mid: url(#m)" points="'
                + " ".join(f"{i},{i}" for i in range(2000))
                + '"/></svg>'
            ).encode(),
            "an SVG that draws more than 50,000 elements",
        ),
        (
            "loop.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>',
            "or that refers to itself",
        ),
        (
            "bomb.png",
            png_bomb(12_000, 12_000),
            "a picture of 12,000 × 12,000 pixels (144 megapixels); the limit is 40 "
            "(limits.image_megapixels in pressbrief.yaml)",
        ),
    ],
)
def test_image_bombs_are_refused_before_they_are_drawn(
    project: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    message: str,
) -> None:
    assert len(data) < 200_000
    folder = project(b=MINIMAL + f"analysis: '![a chart]({name})'\n")
    (folder / "content" / name).write_bytes(data)
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    err = capsys.readouterr().err
    assert f"{folder / 'content' / 'b.yaml'}: refused to load " in err
    assert message in err
    assert "Warning" not in err and "Traceback" not in err
    assert not (folder / "b.pdf").exists()


def test_an_image_over_the_file_size_limit_is_refused(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("limits:\n  image_size: 10KB\n", b=MINIMAL + "analysis: '![x](x.png)'\n")
    picture = folder / "content" / "x.png"
    picture.write_bytes(png_bomb(100, 100) + b"\0" * 20_000)
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    size = picture.stat().st_size
    assert f"x.png: is {size:,} bytes; the limit is 10,000 (limits.image_size" in (
        capsys.readouterr().err
    )


def test_the_fetcher_serves_what_a_page_shows_and_nothing_else(tmp_path: Path) -> None:
    from pressbrief.pdf.weasy import SandboxFetcher

    for name in ("ok.css", "ok.png", "reporters.csv", "brief.yaml", "outbox/x.png", "a.eml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(png_bomb(2, 2) if name.endswith(".png") else b"p {}")
    os.mkfifo(tmp_path / "pipe.png")
    fetcher = SandboxFetcher([tmp_path])
    assert fetcher.fetch((tmp_path / "ok.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch((tmp_path / "ok.png").as_uri()).read().startswith(b"\x89PNG")
    for name, why in [
        ("reporters.csv", "a page shows only images, fonts, stylesheets and colour profiles"),
        ("brief.yaml", "a page shows only images"),
        ("a.eml", "a page shows only images"),
        ("outbox/x.png", "nothing in outbox/, sent/ or .pressbrief/ goes into a PDF"),
        ("pipe.png", "is a FIFO (named pipe), not a regular file"),
    ]:
        with pytest.raises(ValueError, match="pressbrief does not fetch"):
            fetcher.fetch((tmp_path / name).as_uri())
        assert fetcher.refused[-1].endswith(why) or why in fetcher.refused[-1]


def test_a_layout_cannot_run_commands(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    marker = folder / "pwned"
    attack = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    own_layout(folder, lambda text: text.replace("<main>", f"<main>{attack}"))
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    err = capsys.readouterr().err
    assert "layout 'issue-brief' failed" in err and "unsafe" in err
    assert not marker.exists() and not (folder / "b.pdf").exists()


def test_a_layout_cannot_attach_project_files(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    (folder / "reporters.csv").write_text("email,name\nann@paper.example,Ann\n")
    link = '<link rel="attachment" href="../reporters.csv"><a rel="attachment" href="x.png">x</a>'
    own_layout(folder, lambda text: text.replace("</head>", f"{link}</head>"))
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    assert "the layout embeds a file in the PDF" in capsys.readouterr().err
    assert not (folder / "b.pdf").exists()


URL = "https://example.org/reports/" + "x" * 400


def test_a_long_unbroken_token_wraps_inside_the_page(project: Callable[..., Path]) -> None:
    folder = project(b=MINIMAL.replace("One sentence of summary.", f"See {URL} today."))
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 0
    assert "x" * 400 in "".join(pdf_text(folder / "b.pdf").split())


def test_text_off_the_page_edge_is_not_a_fit(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL.replace("One sentence of summary.", f"See {URL} today."))
    own_layout(folder)
    with (folder / "layouts" / "issue-brief" / "style.css").open("a") as css:
        css.write("\nhtml { overflow-wrap: normal; hyphens: manual; }\n")
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 3
    err = capsys.readouterr().err
    assert "a line runs past the edge of the page and would be cut off" in err
    assert not (folder / "b.pdf").exists()


def test_an_idle_worker_killed_from_outside_is_replaced(pool: Pool) -> None:
    fine = Task("content/fine.yaml", sum, ((1, 2),), 30, GB)
    ((_, value, _),) = pool.run([fine])
    assert value == 3
    for worker in pool.idle:
        worker.process.kill()
        worker.process.join()
    ((_, value, error),) = pool.run([fine])
    assert (value, error) == (3, None)


def test_a_layout_cannot_reach_files_through_the_objects_it_is_given(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    marker = folder / "written"
    for attack in (
        f'{{{{ config.root.joinpath("{marker}").write_text("owned") }}}}',
        '{{ config.root.joinpath("/etc/hostname").read_text() }}',
        "{{ brief.source.read_text() }}",
        "{{ brief.__class__.__init__.__globals__ }}",
        "{{ brief.talking_points.__class__.__mro__ }}",
        "{{ brief.date.today() }}",  # the clock: other bytes tomorrow
    ):
        own_layout(folder, lambda text, attack=attack: text.replace("<main>", f"<main>{attack}"))
        assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4, attack
        assert "layout 'issue-brief' failed" in capsys.readouterr().err
        assert not marker.exists() and not (folder / "b.pdf").exists()
        shutil.rmtree(folder / "layouts")


def test_an_alias_bomb_in_a_layout_is_refused(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    own_layout(folder)
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    bomb = "\n".join(levels) + "\nfit: [{name: comfortable, size: *i}]\n"
    (folder / "layouts" / "issue-brief" / "layout.yaml").write_text(bomb)
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    assert "aliases (*name) are not allowed" in capsys.readouterr().err


def test_limits_out_of_range_are_reported_by_check(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("limits:\n  render_seconds: 2147484\n  image_megapixels: 0\n", b=MINIMAL)
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    config = folder / "pressbrief.yaml"
    assert f"{config}:2: limits.render_seconds: must be from 1 to 86,400" in err
    assert f"{config}:3: limits.image_megapixels: must be from 1 to 10,000" in err


def test_a_cache_folder_that_cannot_be_written_costs_speed_not_the_build(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(a=MINIMAL, b=MINIMAL.replace("Minimal", "Second"))
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text("title: K\nbriefs: [a, b]\n")
    (folder / ".pressbrief").write_text("a file where the cache folder goes")
    assert run("build", folder, "--jobs", "1") == 0
    err = capsys.readouterr().err
    assert "not cached" in err and "Traceback" not in err
    assert len(PdfReader(folder / "dist" / "kits" / "k.pdf").pages) == 4


def test_a_layout_cannot_include_files_through_a_link(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    (folder / "reporters.csv").write_text("email,name\nsecret@paper.example,Ann\n")
    own_layout(
        folder, lambda text: text.replace("<main>", '<main>{% include "proj/reporters.csv" %}')
    )
    (folder / "layouts" / "issue-brief" / "proj").symlink_to("../..")
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    assert "a layout may include only its own .html or .txt files" in capsys.readouterr().err
    own = folder / "layouts" / "issue-brief"
    (own / "part.html").symlink_to(folder / "reporters.csv")
    (own / "template.html").write_text(
        (own / "template.html").read_text().replace('"proj/reporters.csv"', '"part.html"')
    )
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    assert not (folder / "b.pdf").exists()


def test_a_layout_printing_a_model_shows_no_path(project: Callable[..., Path]) -> None:
    folder = project(b=MINIMAL + "date: 2016-10-10\n")
    own_layout(folder, lambda text: text.replace("<main>", "<main><p>{{ brief }} {{ config }}</p>"))
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 0
    text = "".join(pdf_text(folder / "b.pdf").split())
    assert "Brief(title=" in text and str(folder).replace(" ", "") not in text
