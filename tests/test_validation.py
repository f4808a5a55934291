"""Bad input: every problem in every file, as FILE:LINE: field: message, exit 1, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pressbrief.content.types import available

from .conftest import MINIMAL, run

BUILT_IN = ", ".join(available(None))
"""The built-in document types, as a report lists them."""

BAD = """\
title: Bad
sumary: Misspelt.
talking_points: []
date: 2016-13-45
embargo: 2016-10-10T09:00:00
status: drafty
type: isue-brief
statement:
  quote: [not, text]
  speeker: Somebody
related:
  - title: A link
    url: javascript:alert(1)
"""


def check(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = run("check", folder)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err.strip().removeprefix("error: ").splitlines()


def test_every_problem_in_every_file(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(
        bad=BAD, worse="title: [1, 2]\nsummary: ok\ntalking_points: [ok]\n", good=MINIMAL
    )
    code, lines = check(folder, capsys)
    bad, worse = folder / "content" / "bad.yaml", folder / "content" / "worse.yaml"
    assert code == 1
    assert lines == [
        f"{bad}:1: summary: required field is missing: The summary, set apart near the top.",
        f"{bad}:2: sumary: unknown field (did you mean 'summary'?); allowed: title, series, "
        "statement, summary, talking_points, analysis, press_questions, related, priority, "
        "type, date, url, tags, lang, status, embargo, fit",
        f"{bad}:3: talking_points: the list is empty; give at least one item or leave it out",
        f"{bad}:4: date: expected a date as YYYY-MM-DD, e.g. 2016-10-10; got '2016-13-45'",
        f"{bad}:5: embargo: '2016-10-10T09:00:00' has no time zone; add one, e.g. "
        "2016-10-10T09:00:00-04:00 or 2016-10-10T09:00 America/New_York",
        f"{bad}:6: status: 'drafty' is not allowed; expected one of 'final', 'draft' "
        "(did you mean 'draft'?)",
        f"{bad}:7: type: unknown document type 'isue-brief' (did you mean 'issue-brief'?); "
        f"available: {BUILT_IN}",
        f"{bad}:9: statement.quote: expected text, got a list",
        f"{bad}:10: statement.speeker: unknown field (did you mean 'speaker'?); allowed: "
        "quote, label, context, speaker",
        f"{bad}:13: related[0].url: 'javascript:alert(1)' is not an http, https or mailto address",
        f"{worse}:1: title: expected text, got a list",
    ]


def test_unknown_type_and_unsafe_link(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        MINIMAL + "type: isue-brief\nrelated:\n  - title: A link\n    url: javascript:alert(1)\n"
        "lang: english please\n"
    )
    folder = project(b=text)
    code, lines = check(folder, capsys)
    file = folder / "content" / "b.yaml"
    assert code == 1
    assert lines == [
        f"{file}:5: type: unknown document type 'isue-brief' (did you mean 'issue-brief'?); "
        f"available: {BUILT_IN}",
        f"{file}:8: related[0].url: 'javascript:alert(1)' is not an http, https or mailto address",
        f"{file}:9: lang: 'english please' is not a language tag; expected e.g. 'en', 'en-GB', "
        "'fr', 'uk'",
    ]


def test_config_problems(project: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    config = (
        "organisation:\n  name: X\nbrand:\n  primary: navy\n  body_font: Noto Serf\npaper: legal\n"
    )
    folder = project(config, b=MINIMAL)
    code, lines = check(folder, capsys)
    file = folder / "pressbrief.yaml"
    assert code == 1
    assert lines == [
        f"{file}:1: organisation: unknown field (did you mean 'organization'?); allowed: "
        "organization, brand, paper, contact, timezone, default_type, print, email, limits",
        f"{file}:4: brand.primary: 'navy' is not a colour; expected #rrggbb, e.g. #14284b",
        f"{file}:5: brand.body_font: 'Noto Serf' is not a bundled font nor one declared in "
        "brand.fonts (did you mean "
        "'Noto Serif'?); available: Inter, Noto Naskh Arabic, Noto Sans Arabic, Noto Sans "
        "Devanagari, Noto Sans Hebrew, Noto Serif, Noto Serif Devanagari, Noto Serif Hebrew",
        f"{file}:6: paper: 'legal' is not allowed; expected one of 'letter', 'a4'",
    ]


def test_yaml_errors_aliases_and_size(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\ntitle: *c\n'
    folder = project(broken="title: [unclosed\n", bomb=bomb, empty="", big="x" * 1_000_001)
    code, lines = check(folder, capsys)
    content = folder / "content"
    assert code == 1
    assert lines == [
        f"{content / 'big.yaml'}:1: the file is 1,000,001 bytes; the limit is 1,000,000",
        f"{content / 'bomb.yaml'}:2: not valid YAML: aliases (*name) are not allowed in "
        "pressbrief files",
        f"{content / 'broken.yaml'}:2: not valid YAML: did not find expected ',' or ']'",
        f"{content / 'empty.yaml'}:1: the file is empty",
    ]


def test_images_need_alt_text_and_a_local_file(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        MINIMAL + "analysis: |-\n  Look: ![](map.png)\n\n  And ![a map](https://x.example/m.png)\n"
    )
    folder = project(b=text)
    code, lines = check(folder, capsys)
    file = folder / "content" / "b.yaml"
    assert code == 1
    assert lines == [
        f"{file}:5: analysis: image 'map.png' has no alt text; write it as "
        "![what the image shows](map.png)",
        f"{file}:5: analysis: image 'map.png' not found (looked for {file.parent / 'map.png'})",
        f"{file}:5: analysis: image 'https://x.example/m.png' is not a file in the project; "
        "images must be local files (no network at render time)",
    ]


def test_a_character_no_bundled_font_has_is_named(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b=MINIMAL + "series: สวัสดี series\n")
    code, lines = check(folder, capsys)
    file = folder / "content" / "b.yaml"
    assert code == 1
    assert lines == [
        f"{file}:5: series: no font has U+0E14 THAI CHARACTER DO DEK, U+0E27 THAI "
        "CHARACTER WO WAEN, U+0E2A THAI CHARACTER SO SUA, U+0E31 THAI CHARACTER MAI HAN-AKAT "
        "(and 1 more); "
        "they would print in a system font or not at all"
    ]


def test_a_chinese_japanese_or_korean_character_asks_for_a_project_font(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(b="title: 中国\nsummary: ひらがな and 한국.\ntalking_points:\n  - x\n")
    code, lines = check(folder, capsys)
    file = folder / "content" / "b.yaml"
    hint = (
        "Chinese, Japanese and Korean need a project font: e.g. take NotoSansCJK-Regular.ttc "
        "from Debian's fonts-noto-cjk package into fonts/ and declare it in pressbrief.yaml "
        "(see README: Brand fonts)"
    )
    assert code == 1
    assert lines == [
        f"{file}:1: title: no font has U+4E2D CJK UNIFIED IDEOGRAPH-4E2D, U+56FD CJK UNIFIED "
        f"IDEOGRAPH-56FD; {hint}",
        f"{file}:2: summary: no font has U+304C HIRAGANA LETTER GA, U+306A HIRAGANA LETTER NA, "
        f"U+3072 HIRAGANA LETTER HI, U+3089 HIRAGANA LETTER RA (and 2 more); {hint}",
    ]


def test_build_reports_bad_briefs_and_builds_the_rest(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(bad="title: x\n", good=MINIMAL)
    assert run("build", folder) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:1: summary: required field is missing" in err
    assert "2 problems; 1 PDF built" in err
    assert (folder / "dist" / "briefs" / "good.pdf").exists()
    assert not (folder / "dist" / "briefs" / "bad.pdf").exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("render", "no-such-file.yaml") == 2
    assert "does not exist" in capsys.readouterr().err
    assert run("frobnicate") == 2


def test_a_wrong_config_does_not_hide_the_briefs_problems(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("paper: legal\n", bad=MINIMAL.replace("summary:", "sumary:"), good=MINIMAL)
    for command in ("check", "build"):
        assert run(command, folder) == 1
        err = capsys.readouterr().err
        assert f"{folder / 'pressbrief.yaml'}:1: paper: 'legal' is not allowed" in err
        assert f"{folder / 'content' / 'bad.yaml'}:2: sumary: unknown field" in err
    assert not (folder / "dist").exists()  # nothing built with the defaults in its place
