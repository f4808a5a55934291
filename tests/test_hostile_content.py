"""Odd or hostile content files become FILE:LINE problems from `check` (never a traceback,
never a hang), ordinary YAML is accepted, and one rule decides a file's project."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pressbrief import load_config
from pressbrief.assets import LAYOUTS_DIR
from pressbrief.content.project import project_root_of

from .conftest import MINIMAL, REPO, run
from .test_validation import check


def test_control_characters_are_named_at_their_line_and_column(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "title: Pasted\n"
        "summary: From Word\x0bwith a line break.\n"
        "talking_points:\n"
        "  - One\x00.\n"
        "statement:\n"
        "  quote: |-\n"
        "    First line.\n"
        "    An \x1b[31mescape.\n"
        "speeker: x\n"
        "# a comment \x7f\n"
        'series: "escaped \\x1b and \\0"\n'
        "tags: [one, tw\x0co]\n"
    )
    folder = project(p=text)
    code, lines = check(folder, capsys)
    file = folder / "content" / "p.yaml"
    assert code == 1
    assert lines == [
        f"{file}:2: summary: control character U+000B (LINE TABULATION) at column 19; "
        "delete it (such characters often come from pasting out of Word or a PDF)",
        f"{file}:4: talking_points[0]: control character U+0000 (NULL) at column 8; "
        "delete it (such characters often come from pasting out of Word or a PDF)",
        f"{file}:8: statement.quote: control character U+001B (ESCAPE) at column 8; "
        "delete it (such characters often come from pasting out of Word or a PDF)",
        f"{file}:9: speeker: unknown field; allowed: title, series, "
        "statement, summary, talking_points, analysis, press_questions, related, priority, "
        "type, date, url, tags, lang, status, embargo, fit",
        f"{file}:10: control character U+007F (DELETE) at column 13; "
        "delete it (such characters often come from pasting out of Word or a PDF)",
        f"{file}:11: series: control character U+001B (ESCAPE) written as an escape; delete it",
        f"{file}:12: tags[1]: control character U+000C (FORM FEED) at column 15; "
        "delete it (such characters often come from pasting out of Word or a PDF)",
    ]
    assert run("render", file) == 1
    assert "p.yaml:2: summary: control character U+000B" in capsys.readouterr().err
    file.write_text(MINIMAL + "analysis: '" + "x\x01\x86" * 6 + "'\n")
    (folder / "pressbrief.yaml").write_text("organization:\n  name: Us\x07\n")
    code, lines = check(folder, capsys)
    config = folder / "pressbrief.yaml"
    assert (  # reported together with the brief's own problems
        f"{config}:2: organization.name: control character U+0007 (ALERT) at column 11; "
        "delete it (such characters often come from pasting out of Word or a PDF)"
    ) in lines
    (folder / "pressbrief.yaml").write_text("")
    code, lines = check(folder, capsys)
    assert len(lines) == 11
    assert lines[-2:] == [
        f"{file}:5: analysis: control character U+0086 (a C1 control) at column 26; "
        "delete it (such characters often come from pasting out of Word or a PDF)",
        f"{file}:5: analysis: and 2 more after this one",
    ]


def test_markdown_nested_too_deeply_is_refused_before_rendering(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    nested = "*" * 500 + "x" + "*" * 500
    deep = MINIMAL + f"analysis: '{nested}'\n"
    folder = project(deep=deep, good=MINIMAL)
    code, lines = check(folder, capsys)
    file = folder / "content" / "deep.yaml"
    assert code == 1
    assert lines == [
        f"{file}:5: analysis: Markdown nested 251 levels deep (emphasis, links, lists or "
        "quotes inside each other); the limit is 20"
    ]
    assert run("render", file) == 1
    assert "deep.yaml:5: analysis: Markdown nested 251 levels deep" in capsys.readouterr().err
    assert run("build", folder) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "1 problem; 1 PDF built" in err
    assert (folder / "dist" / "briefs" / "good.pdf").exists()


def test_a_key_that_is_a_list_and_yaml_nested_too_deeply(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    key = "[" * 250 + "]" * 250
    deep = "[" * 1000 + "]" * 1000
    statement = "statement:\n  [x]: 1\n  quote: See ![](m.png)\n"
    folder = project(key=MINIMAL + f"{key}: 1\n" + statement, deep=f"title: {deep}\n")
    code, lines = check(folder, capsys)
    content = folder / "content"
    assert code == 1
    assert lines == [
        f"{content / 'deep.yaml'}:1: not valid YAML: exceeded maximum nesting depth",
        f"{content / 'key.yaml'}:5: a key must be text, got a list",
        f"{content / 'key.yaml'}:7: statement: a key must be text, got a list",
        f"{content / 'key.yaml'}:8: statement.quote: image 'm.png' has no alt text; write it as "
        "![what the image shows](m.png)",
        f"{content / 'key.yaml'}:8: statement.quote: image 'm.png' not found (looked for "
        f"{content / 'm.png'})",
    ]


def test_yaml_nested_too_deeply_without_libyaml(
    project: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    monkeypatch.setattr("pressbrief.content.read.COMPOSER", yaml.SafeLoader)
    folder = project(deep="title: " + "[" * 990 + "]" * 990 + "\n")
    code, lines = check(folder, capsys)
    assert code == 1
    assert lines == [
        f"{folder / 'content' / 'deep.yaml'}:1: not valid YAML: nested too deeply",
    ]


def test_only_regular_files_are_read(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(None, b=MINIMAL + "analysis: '![a chart](chart.png)'\n")
    content = folder / "content"
    os.mkfifo(content / "pipe.yaml")
    os.mkfifo(content / "chart.png")
    (content / ".#b.yaml").symlink_to("someone@host.1234")  # an editor's lock: not a brief
    (folder / "pressbrief.yaml").mkdir()
    code, lines = check(folder, capsys)
    assert code == 1
    assert f"{folder / 'pressbrief.yaml'}:1: the file is a folder, not a regular file" in lines
    (folder / "pressbrief.yaml").rmdir()
    os.mkfifo(folder / "logo.png")
    (folder / "pressbrief.yaml").write_text(
        "organization:\n  logo: logo.png\n  logo_alt: Our logo\n"
    )
    code, lines = check(folder, capsys)
    assert (
        f"{folder / 'pressbrief.yaml'}:2: organization.logo: 'logo.png' is a FIFO (named pipe), "
        "not a regular file"
    ) in lines
    (folder / "pressbrief.yaml").write_text("")
    code, lines = check(folder, capsys)
    assert lines == [
        f"{content / 'b.yaml'}:5: analysis: image 'chart.png' is a FIFO (named pipe), "
        "not a regular file",
        f"{content / 'pipe.yaml'}:1: the file is a FIFO (named pipe), not a regular file",
    ]
    assert run("render", content / "pipe.yaml") == 1  # returns: a FIFO never blocks
    assert "pipe.yaml:1: the file is a FIFO (named pipe)" in capsys.readouterr().err


def test_two_files_with_one_slug(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(x=MINIMAL, y=MINIMAL)
    shutil.copy(folder / "content" / "x.yaml", folder / "content" / "x.yml")
    (folder / "kits").mkdir()
    kit = folder / "kits" / "k.yaml"
    kit.write_text("title: K\nbriefs: [y, x]\n")
    code, lines = check(folder, capsys)
    content = folder / "content"
    assert code == 1
    assert lines == [
        f"{content / 'x.yaml'}:1: x.yaml and x.yml would both be written as x.pdf; "
        "rename or remove one",
        f"{content / 'x.yml'}:1: x.yaml and x.yml would both be written as x.pdf; "
        "rename or remove one",
        f"{kit}:2: briefs[1]: 'x' is two files in content/, x.yaml and x.yml; remove one",
    ]
    assert run("kit", kit) == 1
    assert "k.yaml:2: briefs[1]: 'x' is two files in content/" in capsys.readouterr().err


def test_quoted_dates_are_dates(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good = MINIMAL + "date: \"2026-07-09\"\nembargo: '2026-07-09T09:00:00-04:00'\n"
    bad = MINIMAL + "date: '2026-13-45'\nembargo: \"2026-07-09 09:00:00\"\n"
    folder = project(good=good)
    assert check(folder, capsys) == (0, [])
    (folder / "content" / "bad.yaml").write_text(bad)
    file = folder / "content" / "bad.yaml"
    assert check(folder, capsys) == (
        1,
        [
            f"{file}:5: date: expected a date as YYYY-MM-DD, e.g. 2016-10-10; got '2026-13-45'",
            f"{file}:6: embargo: '2026-07-09 09:00:00' has no time zone; add one, e.g. "
            "2026-07-09T09:00:00-04:00 or 2026-07-09T09:00 America/New_York",
        ],
    )


def test_every_problem_of_a_file_in_the_first_round(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "title: [mistyped]\n"
        "summary: See ![a map](map.png).\n"
        "talking_points: [One, [two]]\n"
        "lang: english\n"
        "related:\n"
        "  - title: Bad\n"
        "    url: javascript:alert(1)\n"
        "  - title: [x]\n"
        "    url: [y]\n"
        "  - just text\n"
        "statement:\n"
        "  context: Said in ![](x.png)\n"
    )
    folder = project(b=text)
    code, lines = check(folder, capsys)
    file = folder / "content" / "b.yaml"
    assert code == 1
    assert lines == [
        f"{file}:1: title: expected text, got a list",
        f"{file}:2: summary: image 'map.png' not found (looked for {file.parent / 'map.png'})",
        f"{file}:3: talking_points[1]: expected text, got a list",
        f"{file}:4: lang: 'english' is not a language tag; expected e.g. 'en', 'en-GB', 'fr', 'uk'",
        f"{file}:7: related[0].url: 'javascript:alert(1)' is not an http, https or mailto address",
        f"{file}:8: related[1].title: expected text, got a list",
        f"{file}:9: related[1].url: expected text, got a list",
        f"{file}:10: related[2]: expected a mapping of fields, got 'just text'",
        f"{file}:12: statement.context: image 'x.png' has no alt text; write it as "
        "![what the image shows](x.png)",
        f"{file}:12: statement.context: image 'x.png' not found (looked for "
        f"{file.parent / 'x.png'})",
        f"{file}:12: statement.quote: required field is missing: The words quoted, without "
        "quotation marks.",
    ]


def test_one_project_root_for_every_command(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    brief = MINIMAL + "type: op-ed\nanalysis: '![our map](../assets/map.svg)'\n"
    folder = project(None, b=brief)
    shutil.copytree(LAYOUTS_DIR / "issue-brief", folder / "layouts" / "op-ed")
    (folder / "assets").mkdir()
    shutil.copy(REPO / "assets" / "logo.svg", folder / "assets" / "map.svg")
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text("title: K\nbriefs: [b]\n")
    (folder / "loose.yaml").write_text(MINIMAL)
    for file in ("content/b.yaml", "kits/k.yaml", "."):
        assert project_root_of(folder / file) == folder
        assert load_config(folder / file).root == folder
    assert project_root_of(folder / "loose.yaml") == folder
    assert load_config(folder / "assets" / "map.svg").root == folder / "assets"
    assert check(folder, capsys) == (0, [])
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 0
    (folder / "sub" / "content").mkdir(parents=True)
    (folder / "pressbrief.yaml").write_text("paper: a4\n")
    assert project_root_of(folder / "sub" / "content" / "c.yaml") == folder


def test_a_kit_and_its_briefs_in_the_first_round(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(a=MINIMAL + "lang: english\n")
    (folder / "kits").mkdir()
    kit = folder / "kits" / "k.yaml"
    kit.write_text("title: K\nbriefs: [a, missing]\nduplex: maybe\n")
    assert run("kit", kit) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.removeprefix("error: ").splitlines() == [
        f"{folder / 'content' / 'a.yaml'}:5: lang: 'english' is not a language tag; expected "
        "e.g. 'en', 'en-GB', 'fr', 'uk'",
        f"{kit}:2: briefs[1]: no brief 'missing' in content/; available: a",
        f"{kit}:3: duplex: expected true or false, got 'maybe'",
    ]


def test_odd_yaml_values_are_problems(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    brief = MINIMAL + "date: !!timestamp soon\nanalysis: '![a chart](%00.png)'\n"
    folder = project(b=brief)
    (folder / "kits").mkdir()
    kit = folder / "kits" / "k.yaml"
    kit.write_text("title: K\nbriefs: [b]\nduplex: !!bool maybe\n")
    code, lines = check(folder, capsys)
    file = folder / "content" / "b.yaml"
    assert code == 1
    assert lines == [
        f"{file}:5: date: expected a date as YYYY-MM-DD, e.g. 2016-10-10; got 'soon'",
        f"{file}:6: analysis: image '%00.png' is not a file in the project; images must be "
        "local files (no network at render time)",
        f"{kit}:3: duplex: expected true or false, got 'maybe'",
    ]


@pytest.mark.parametrize(
    "text",
    [">" * 20 + " deep text", "".join(f"{'  ' * i}- level {i}\n" for i in range(12))],
    ids=["quotes", "lists"],
)
def test_markdown_at_the_nesting_limit_is_refused_not_lost(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str], text: str
) -> None:
    folder = project(deep=MINIMAL + "analysis: " + json.dumps(text) + "\n")
    code, lines = check(folder, capsys)
    assert code == 1
    assert "analysis: Markdown nested" in lines[0] and "the limit is 20" in lines[0]


def test_links_a_printed_reader_cannot_follow_are_refused(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    summary = "See [the annex](annex.pdf), [up](../../etc/passwd) and [below](#b-analysis)."
    folder = project(b=MINIMAL.replace("One sentence of summary.", summary))
    code, lines = check(folder, capsys)
    file = folder / "content" / "b.yaml"
    assert code == 1
    assert lines == [
        f"{file}:2: summary: link '{href}' is not an http, https or mailto address; a reader "
        "of the PDF could not follow it (write the address in full)"
        for href in ("annex.pdf", "../../etc/passwd")
    ]


def test_image_names_and_link_schemes_as_a_url_reads_them(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = "[x](HTTPS://EXAMPLE.ORG) ![a chart](a#b.png)"
    folder = project(b=MINIMAL.replace("One sentence of summary.", json.dumps(text)))
    (folder / "content" / "a#b.png").write_bytes(b"")
    code, lines = check(folder, capsys)
    assert code == 1
    assert lines == [
        f"{folder / 'content' / 'b.yaml'}:2: summary: image 'a#b.png': write '#' as %23 and "
        "'?' as %3F in a file name"
    ]
