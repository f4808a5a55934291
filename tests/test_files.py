"""Only regular files are read: a FIFO never blocks, a folder or an oversized file is refused."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pressbrief.files import check_regular, read_regular

from .conftest import MINIMAL, run


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "brief.yaml"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"is a FIFO \(named pipe\), not a regular file"):
        read_regular(fifo)
    with pytest.raises(OSError, match="FIFO"):
        check_regular(fifo)


def test_a_folder_and_an_oversized_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="is a folder, not a regular file"):
        read_regular(tmp_path)
    big = tmp_path / "big.png"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(OSError, match="is 2,000 bytes; the limit is 1,000"):
        read_regular(big, limit=1000)
    assert read_regular(big, limit=2000) == b"x" * 2000
    link = tmp_path / "link.png"
    link.symlink_to(big)
    assert read_regular(link) == b"x" * 2000


def test_commands_refuse_a_fifo_by_name(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    pipe = folder / "in.pdf"
    os.mkfifo(pipe)
    assert run("impose", pipe, "-o", folder / "out.pdf", "--layout", "2-up") == 8
    assert f"{pipe}: cannot read it: is a FIFO (named pipe), not a regular file" in (
        capsys.readouterr().err
    )
    own = folder / "layouts" / "issue-brief"
    own.mkdir(parents=True)
    os.mkfifo(own / "layout.yaml")
    (own / "template.html").write_text("<p>{{ brief.title }}</p>")
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    assert f"{own / 'layout.yaml'}: not a regular file" in capsys.readouterr().err
    assert not (folder / "b.pdf").exists()


def test_an_output_never_replaces_a_source_or_a_device(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    brief = folder / "content" / "b.yaml"
    for target in (brief, folder / "pressbrief.yaml", folder / "b"):
        assert run("render", brief, "-o", target) == 5
        assert f"{target}: not a .pdf file name" in capsys.readouterr().err
    assert brief.read_text() == MINIMAL
    pipe = folder / "pipe.pdf"
    os.mkfifo(pipe)
    assert run("render", brief, "-o", pipe) == 5
    assert f"{pipe}: is a FIFO (named pipe), not a regular file" in capsys.readouterr().err
    assert pipe.is_fifo()
    assert run("impose", pipe, "-o", brief, "--layout", "2-up") == 5
    assert brief.read_text() == MINIMAL


def test_a_very_long_file_name_is_written(project: Callable[..., Path]) -> None:
    slug = "a-" + "long-" * 49  # 247 characters: the temporary name must not grow it
    folder = project(**{slug: MINIMAL})
    assert run("build", folder, "--jobs", "1") == 0
    assert (folder / "dist" / "briefs" / f"{slug}.pdf").is_file()
