"""Untrusted content stays inert: no template code, no HTML, no files outside the project."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressbrief import render_brief
from pressbrief.assets import LAYOUTS_DIR

from .conftest import MINIMAL, pdf_text, run, structure

HOSTILE = """\
title: "{{ 7*7 }} {% raw %}<b>bold</b> {{ config.__class__ }}"
summary: "<script>alert(1)</script> <img src='file:///etc/passwd'> <style>*{color:red}</style>"
talking_points:
  - "[click](javascript:alert(1)) and <a href='https://evil.example'>x</a>"
  - "{{ lipsum.__globals__ }}"
"""


def test_template_code_and_html_print_literally(project: Callable[..., Path]) -> None:
    folder = project(h=HOSTILE)
    render_brief(folder / "content" / "h.yaml", folder / "h.pdf")
    text = pdf_text(folder / "h.pdf")
    squashed = "".join(text.split())  # the headline breaks where its lines balance
    assert "{{7*7}}{%raw%}<b>bold</b>" in squashed
    assert "{{ config.__class__ }}" in text
    assert "<script>alert(1)</script>" in text
    assert "<img src=‘file:///etc/passwd’>" in text  # typographic quotes, still text
    assert "<style>*{color:red}</style>" in text
    assert "49" not in text
    links = [
        annot.get_object().get("/A", {}).get("/URI")
        for annot in PdfReader(folder / "h.pdf").pages[0].get("/Annots", [])
    ]
    assert not any(uri and ("javascript" in uri or "evil" in uri) for uri in links)


def test_an_image_outside_the_project_is_refused(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL + "analysis: '![the password file](../../../../../etc/passwd)'\n")
    out = folder / "b.pdf"
    assert run("render", folder / "content" / "b.yaml", "-o", out) == 1
    err = capsys.readouterr().err
    assert "b.yaml:5: analysis: image '../../../../../etc/passwd' is outside the project" in err
    assert not out.exists()


def test_a_symlink_out_of_the_project_is_refused(
    project: Callable[..., Path],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.png"
    outside.write_bytes(b"\x89PNG not really")
    folder = project(b=MINIMAL + "analysis: '![a chart](chart.png)'\n")
    (folder / "content" / "chart.png").symlink_to(outside)
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 1
    assert "image 'chart.png' is outside the project folder" in capsys.readouterr().err


def test_the_fetcher_serves_only_files_inside_its_roots(tmp_path: Path) -> None:
    from pressbrief.pdf.weasy import SandboxFetcher

    inside = tmp_path / "in"
    inside.mkdir()
    (inside / "ok.css").write_text("p {}")
    (inside / "escape.css").symlink_to("/etc/hostname")
    fetcher = SandboxFetcher([inside])
    assert fetcher.fetch((inside / "ok.css").as_uri()).read() == b"p {}"
    for url in [
        "file:///etc/passwd",
        (inside / "escape.css").as_uri(),
        (inside / ".." / "in" / ".." / "x").as_uri(),
        "http://127.0.0.1:9/x.png",
        "https://example.com/x.css",
        "data:text/css,p{}",
        "file://otherhost/etc/passwd",
    ]:
        with pytest.raises(ValueError, match="pressbrief does not fetch"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_a_layout_reaching_for_the_network_fails_the_render(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL)
    own = folder / "layouts" / "issue-brief"
    shutil.copytree(LAYOUTS_DIR / "issue-brief", own)
    with (own / "style.css").open("a") as css:
        css.write('\nbody { background: url("http://127.0.0.1:9/track.png"); }\n')
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    err = capsys.readouterr().err
    assert "refused to load http://127.0.0.1:9/track.png" in err
    assert not (folder / "b.pdf").exists()


def test_an_unreadable_image_fails_the_render(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL + "analysis: '![a chart](chart.png)'\n")
    (folder / "content" / "chart.png").write_text("not an image")
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 4
    assert "Failed to load image at" in capsys.readouterr().err
    assert not (folder / "b.pdf").exists()


def test_an_image_inside_the_project_renders_with_alt_text(
    project: Callable[..., Path], with_logo: str
) -> None:
    folder = project(with_logo, b=MINIMAL + "analysis: '![our emblem](../assets/logo.svg)'\n")
    render_brief(folder / "content" / "b.yaml", folder / "b.pdf")
    kinds, alts = structure(folder / "b.pdf")
    assert "/Figure" in kinds
    assert "our emblem" in alts


def test_a_project_whose_folder_name_looks_escaped(
    tmp_path: Path, with_logo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "é%20x"
    (folder / "content").mkdir(parents=True)
    shutil.copytree(tmp_path / "assets", folder / "assets")
    (folder / "pressbrief.yaml").write_text(with_logo)
    (folder / "content" / "b.yaml").write_text(
        MINIMAL + "analysis: '![emblem](../assets/logo.svg)'\n"
    )
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 0, (
        capsys.readouterr().err
    )
    assert "emblem" in structure(folder / "b.pdf")[1]
