"""Fact sheets and media advisories: each rendered from its example to one tagged,
deterministic page (Letter and A4, draft, embargoed, print); the fact sheet's chart drawn
from its data in real text, to scale, whatever its labels say; their email bodies; their
validation messages."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from pressbrief import Rendered, load_config, render_brief
from pressbrief.content.recipients import Recipient
from pressbrief.delivery.packet import open_packet, packet_letters
from pressbrief.pdf.printing import palette
from pressbrief.typeset import chart

from .conftest import REPO, normalise, pdf_text, run, structure
from .test_accessibility import assert_accessible
from .test_email_layout import NOW
from .test_kits import copy_example
from .test_print import PRINT, painted

FACT = "fact-sheet-debate-audience"
ADVISORY = "advisory-debate-briefing"
SVG = "{http://www.w3.org/2000/svg}"
SCREEN = {"primary": "#14284b", "ink": "#1d1d1f", "ink-muted": "#5b6270", "paper": "#fff"}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("types"))


@pytest.fixture(scope="module")
def rendered(example: Path) -> dict[str, Rendered]:
    """Both examples as they are, each rendered twice (for the bytes)."""
    result = {}
    for slug in (FACT, ADVISORY):
        source = example / "content" / f"{slug}.yaml"
        result[slug] = render_brief(source)
        result[f"{slug}-again"] = render_brief(source, source.with_name(f"{slug}-again.pdf"))
    return result


def text_of(path: Path) -> str:
    return pdf_text(path).replace("\u00a0", " ")


def test_the_fact_sheet_prints_its_call_outs_chart_key_facts_and_notes(
    rendered: dict[str, Rendered],
) -> None:
    result = rendered[FACT]
    text = normalise(text_of(result.output))
    assert result.pages == 1
    for part in (
        "The 2016 Debates by the Numbers",
        "FACT SHEET · UPDATED OCTOBER 12, 2016",
        "84.0 million",
        "viewers of the first debate, the most on record",
        "37.0 million",
        "TELEVISION VIEWERS OF EACH CYCLE’S FIRST PRESIDENTIAL DEBATE, IN MILLIONS",
        "Source: Nielsen, live-plus-same-day viewing",
        "Vice-presidential debate",
        "debates.org",
    ):
        assert normalise(part) in text, part
    lines = text_of(result.output).splitlines()
    for year, viewers in (("1992", "62.4"), ("2008", "52.4"), ("2016", "84.0")):
        assert year in lines and viewers in lines  # the chart's labels are real text
    # Seven rows, two sources: each row marked with its note's number, a note for each.
    assert "foxnews1" in text and "reagandebatein19802" in text
    source = "(Commission on Presidential Debates|Nielsen)"
    notes = [n for n in lines if re.fullmatch(rf"\d{source}|{source}\d", n)]
    assert sorted(re.sub(r"\D", "", n) for n in notes) == ["1", "2"]


def test_the_advisory_prints_its_form_schedule_credentials_and_contacts(
    rendered: dict[str, Rendered],
) -> None:
    result = rendered[ADVISORY]
    text = " ".join(text_of(result.output).split())
    assert result.pages == 1
    assert "FOR IMMEDIATE RELEASE" not in text  # an advisory is for planning, not release
    for part in (
        "FOR PLANNING PURPOSES ONLY",
        "JHI Experts Brief Reporters on National Security",
        "WHO",
        "WHAT",
        "WHEN",
        "WHERE",
        "WHY",
        "Sunday, October 9, 2016, 2:00–3:45 p.m. CT",
        "1:15 p.m.",
        "Questions from reporters",
        "RSVP by 5:00 p.m. CT, Saturday, October 8, 2016",
        "Check-in from 1:15 p.m.",
        "jhi.example/live/st-louis",
        "Panelists at the briefing table",
        "Live trucks:",
        "Claire Whitfield Director of Communications (202) 555-0151 cwhitfield@jhi.example",
        "Marcus Reed Press Secretary (202) 555-0163 mreed@jhi.example",
    ):
        assert part in text, part
    assert text.index("FOR PLANNING PURPOSES ONLY") < text.index("JHI Experts Brief")
    assert text.index("WHO") < text.index("WHAT") < text.index("WHEN") < text.index("WHERE")


def test_both_are_tagged_with_headings_tables_and_a_described_chart(
    rendered: dict[str, Rendered],
) -> None:
    for slug in (FACT, ADVISORY):
        assert_accessible(rendered[slug].output)
        kinds, _ = structure(rendered[slug].output)
        assert kinds.count("/H1") == 1 and "/H2" in kinds and "/TH" in kinds, slug
    kinds, alts = structure(rendered[FACT].output)
    assert kinds.index("/H1") < kinds.index("/Caption") < kinds.index("/Table")  # the chart
    (described,) = [alt for alt in alts if alt.startswith("Bar chart")]
    assert "1992: 62.4; 1996: 46.1" in described and "2016: 84.0." in described


def test_the_same_input_gives_the_same_bytes(rendered: dict[str, Rendered]) -> None:
    for slug in (FACT, ADVISORY):
        first = rendered[slug].output.read_bytes()
        assert first == rendered[f"{slug}-again"].output.read_bytes(), slug


def test_a4_drafts_and_embargoes_stay_on_one_page(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a4"
    shutil.copytree(example / "content", folder / "content")
    shutil.copytree(example / "assets", folder / "assets")
    config = (example / "pressbrief.yaml").read_text(encoding="utf-8")
    (folder / "pressbrief.yaml").write_text(config.replace("paper: letter", "paper: a4"))
    for slug in (FACT, ADVISORY):
        source = folder / "content" / f"{slug}.yaml"
        a4 = render_brief(source)
        assert a4.pages == 1 and round(float(PdfReader(a4.output).pages[0].mediabox.height)) == 842
        draft = source.with_name(f"{slug}-draft.yaml")
        draft.write_text(source.read_text() + "status: draft\n")
        result = render_brief(draft)
        assert (result.pages, result.step) == (1, a4.step), slug
        assert "DRAFT — NOT FOR DISTRIBUTION" in pdf_text(result.output)
        embargoed = source.with_name(f"{slug}-embargoed.yaml")
        embargoed.write_text(source.read_text() + "embargo: 2016-10-09T06:00 America/New_York\n")
        result = render_brief(embargoed)
        assert result.pages == 1
        printed = text_of(result.output).upper()  # a band in capitals, or the release line
        assert "EMBARGOED UNTIL 6:00 A.M. ET, SUNDAY, OCTOBER 9, 2016" in printed
    advisory = text_of(folder / "content" / f"{ADVISORY}-embargoed.pdf")
    assert "FOR IMMEDIATE RELEASE" not in advisory  # the release line says the embargo


def test_in_print_the_chart_is_in_the_brands_cmyk_and_its_text_k_only(
    project: Callable[..., Path],
) -> None:
    example = (REPO / "content" / f"{FACT}.yaml").read_text(encoding="utf-8")
    folder = project(PRINT, f=example)
    result = render_brief(folder / "content" / "f.yaml", profile="print")
    assert result.pages == 1
    texts, colours = painted(PdfReader(result.output).pages[0])
    assert ("/DeviceCMYK", (1, 0.78, 0.25, 0.4)) in colours  # the bars, in the brand's navy
    assert not [paint for paint in colours if paint[0] == "/DeviceRGB"]
    chart_text = {paint for text, paint in texts if text in ("62.4", "1992", "2016")}
    assert chart_text and all(values[:3] == (0, 0, 0) for _, values in chart_text)


# --- the chart, as drawn ------------------------------------------------------------------


def points(*pairs: tuple[str, float]) -> tuple[SimpleNamespace, ...]:
    return tuple(SimpleNamespace(label=label, value=value) for label, value in pairs)


def drawn(kind: str, *pairs: tuple[str, float], unit: str = "") -> ElementTree.Element:
    data = SimpleNamespace(kind=kind, title="T", unit=unit, points=points(*pairs), source="")
    return ElementTree.fromstring(str(chart.svg(data, SCREEN, '"Inter"')))


def texts(svg: ElementTree.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def baseline(svg: ElementTree.Element) -> float:
    (line,) = svg.iter(f"{SVG}line")
    return float(line.get("y1", ""))


def test_bars_are_as_tall_as_their_values_and_labelled_with_them() -> None:
    svg = drawn("bar", ("a", 10), ("b", 25), ("c", 40), unit="%")
    heights = [float(r.get("height", "")) for r in svg.iter(f"{SVG}rect")]
    assert [round(h / heights[0], 6) for h in heights] == [1, 2.5, 4]
    assert all(
        float(r.get("y", "")) + float(r.get("height", "")) == pytest.approx(baseline(svg))
        for r in svg.iter(f"{SVG}rect")
    )  # every bar stands on the baseline
    assert texts(svg) == ["10%", "a", "25%", "b", "40%", "c"]
    assert {r.get("fill") for r in svg.iter(f"{SVG}rect")} == {"#14284b"}


def test_negative_values_reach_below_the_baseline() -> None:
    svg = drawn("bar", ("up", 2.5), ("down", -3.5), unit="million")
    up, down = svg.iter(f"{SVG}rect")
    zero = baseline(svg)
    assert float(up.get("y", "")) + float(up.get("height", "")) == pytest.approx(zero)
    assert float(down.get("y", "")) == pytest.approx(zero)
    ratio = float(down.get("height", "")) / float(up.get("height", ""))
    assert ratio == pytest.approx(3.5 / 2.5, rel=1e-3)
    assert texts(svg)[2] == "\u22123.5\u00a0million"  # a true minus, the unit kept with it
    label = next(t for t in svg.iter(f"{SVG}text") if "".join(t.itertext()).startswith("\u2212"))
    assert float(label.get("y", "")) > zero  # the value under its bar


def test_a_line_runs_through_its_points_to_scale() -> None:
    svg = drawn("line", ("2012", 0), ("2014", 5), ("2016", 10))
    (line,) = svg.iter(f"{SVG}polyline")
    ys = [float(pair.split(",")[1]) for pair in line.get("points", "").split()]
    zero = baseline(svg)
    assert ys[0] == pytest.approx(zero) and (zero - ys[2]) == pytest.approx(2 * (zero - ys[1]))
    assert len(list(svg.iter(f"{SVG}circle"))) == 3 and not list(svg.iter(f"{SVG}rect"))


def test_all_zero_values_draw_flat_without_failing() -> None:
    svg = drawn("bar", ("a", 0), ("b", 0))
    assert [float(r.get("height", "")) for r in svg.iter(f"{SVG}rect")] == [0, 0]


def test_a_hostile_label_is_drawn_as_text(project: Callable[..., Path]) -> None:
    hostile = '<script>alert("x")</script> & "quoted"'
    svg = drawn("bar", (hostile, 1))
    assert hostile in " ".join(texts(svg))  # wrapped onto lines, every character kept
    assert not list(svg.iter("script")) and not list(svg.iter(f"{SVG}script"))
    example = (REPO / "content" / f"{FACT}.yaml").read_text(encoding="utf-8")
    escaped = hostile.replace("\\", "\\\\").replace('"', '\\"')
    folder = project("", f=example.replace('label: "2016"', f'label: "{escaped}"'))
    text = text_of(render_brief(folder / "content" / "f.yaml").output)
    assert "<script>alert(“x”)</script>" in text and "& “quoted”" in text  # typographic quotes


def test_a_long_label_wraps_within_its_bar() -> None:
    svg = drawn("bar", ("Vice-presidential debate, October 4", 37.0), ("b", 1), ("c", 2))
    label = [t for t in svg.iter(f"{SVG}text")][1]
    assert len(list(label)) > 1  # tspans: the words on lines under the bar


def test_print_colours_reach_the_drawing() -> None:
    config = load_config(REPO / "pressbrief.yaml")
    colours = palette(dataclasses.replace(config, profile="print"))
    data = SimpleNamespace(kind="bar", title="T", unit="", points=points(("a", 1)), source="")
    svg = ElementTree.fromstring(str(chart.svg(data, colours, "Inter")))
    (bar,) = svg.iter(f"{SVG}rect")
    assert bar.get("fill") == "device-cmyk(1 0.78 0.25 0.4)"
    assert {t.get("fill") for t in svg.iter(f"{SVG}text")} <= {
        "device-cmyk(0 0 0 1)",
        "device-cmyk(0 0 0 0.75)",
    }


# --- validation -----------------------------------------------------------------------------

MINIMAL_FACTS = """\
type: fact-sheet
title: Facts
summary: One sentence.
chart:
  title: A chart
  points:
    - {label: a, value: 1}
"""


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        (lambda t: t.replace("summary: One sentence.\n", ""), 1, "summary: required field"),
        (
            lambda t: t + "stats:\n  - {value: lots, label: x}\n",
            9,
            "stats[0].value: expected a number",
        ),
        (
            lambda t: t.replace("title: A chart", "kind: pie\n  title: A chart"),
            5,
            "chart.kind: 'pie'",
        ),
        (
            lambda t: t.replace("points:\n    - {label: a, value: 1}", "points: []"),
            6,
            "chart.points: the list is empty",
        ),
        (
            lambda t: t.replace("value: 1}", "value: one}"),
            7,
            "chart.points[0].value: expected a number",
        ),
    ],
)
def test_fact_sheet_mistakes_are_reported_at_their_line(
    project: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[str], str],
    line: int,
    message: str,
) -> None:
    folder = project("", f=edit(MINIMAL_FACTS))
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'content' / 'f.yaml'}:{line}: {message}" in err
    assert "Traceback" not in err


def test_advisory_mistakes_are_reported_at_their_line(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    example = (REPO / "content" / f"{ADVISORY}.yaml").read_text(encoding="utf-8")
    broken = example.replace("where: >-", "wher: >-").replace(
        "deadline: 2016-10-08T17:00 America/Chicago", "deadline: Saturday"
    )
    folder = project("", a=broken)
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    file = folder / "content" / "a.yaml"
    lines = broken.splitlines()
    assert f"{file}:{lines.index('wher: >-') + 1}: wher: unknown field" in err
    assert "did you mean 'where'" in err
    deadline = next(i for i, s in enumerate(lines, 1) if "deadline:" in s)
    assert f"{file}:{deadline}: rsvp.deadline:" in err
    assert ": where: required field is missing" in err


# --- email ------------------------------------------------------------------------------------

READER = Recipient("ann@paper.example", "Ann Reporter", "The Paper")


def test_emails_show_the_call_outs_and_who_what_when_where() -> None:
    (facts,) = packet_letters(
        open_packet(REPO / "content" / f"{FACT}.yaml"), [(READER, False)], NOW
    )
    for part in ("84.0\u00a0million", "viewers of the first debate, the most on record", "Nielsen"):
        assert part in facts.html and part in facts.text, part
    assert "By the numbers" in facts.html and "By the numbers:" in facts.text
    (advisory,) = packet_letters(
        open_packet(REPO / "content" / f"{ADVISORY}.yaml"), [(READER, False)], NOW
    )
    for label in ("Who", "What", "When", "Where"):
        assert f">{label}</th>" in advisory.html
    assert "Sunday, October 9, 2016, 2:00–3:45 p.m. CT" in advisory.html
    assert "Forsyth Room, Clayton Plaza Hotel" in advisory.html
    assert "WHO: Margaret Ellison" in advisory.text and "WHEN: Sunday, October 9" in advisory.text
