"""Press releases and statements: the shared parts (AP dateline, QR code), both types
rendered from their examples and fixtures (text, page budgets, "-more-", tags, bytes,
paper, draft, embargo, print), their validation messages and their email bodies."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pypdfium2 as pdfium
import pytest
import yaml
from pypdf import PdfReader

from pressbrief import Rendered, render_brief
from pressbrief.assets import LAYOUTS_DIR
from pressbrief.content.recipients import Recipient
from pressbrief.delivery.packet import open_packet, packet_letters
from pressbrief.pdf.images import MAX_SVG_ELEMENTS
from pressbrief.pdf.weasy import SandboxFetcher
from pressbrief.typeset import qr
from pressbrief.typeset.dateline import STATES, dateline

from .conftest import REPO, pdf_text, run, structure
from .test_accessibility import assert_accessible
from .test_kits import copy_example

RELEASE = "release-debate-fact-check"
STATEMENT = "statement-second-debate"
TWO_PAGES = REPO / "tests" / "fixtures" / "types" / "release-two-pages.yaml"
QR_ALT = "QR code: link to https://jhi.example/debates/fact-check"
SHORT_STATEMENT = """\
type: statement
speaker: Daniel Okafor
speaker_title: Fact-Check Desk Editor
topic: the Vice-Presidential Debate
issued: 2016-10-04T22:40 America/New_York
text: >-
  Our desk checked every national-security claim made tonight. The findings are posted
  with their sources, and our reviewers are available for interviews tomorrow morning.
"""


# --- shared parts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "state", "printed"),
    [
        ("Washington", "DC", "WASHINGTON —"),
        ("Washington", "District of Columbia", "WASHINGTON —"),
        ("Washington", "", "WASHINGTON —"),
        ("Portland", "OR", "PORTLAND, Ore. —"),
        ("Portland", "Maine", "PORTLAND, Maine —"),
        ("Austin", "TX", "AUSTIN, Texas —"),
        ("new  york", "New York", "NEW YORK —"),
        ("Albany", "ny", "ALBANY, N.Y. —"),
        ("Washington", "PA", "WASHINGTON, Pa. —"),
        ("Los Angeles", "CA", "LOS ANGELES —"),
        ("Sacramento", "California", "SACRAMENTO, Calif. —"),
        ("Charleston", "WV", "CHARLESTON, W.Va. —"),
        ("Honolulu", "HI", "HONOLULU —"),
    ],
)
def test_dateline_is_ap_style(city: str, state: str, printed: str) -> None:
    assert dateline(city, state) == printed


def test_dateline_refuses_what_is_not_a_state() -> None:
    with pytest.raises(ValueError, match=r"'Oregan' is not a U\.S\. state"):
        dateline("Portland", "Oregan")


def test_the_release_accepts_as_state_exactly_what_the_dateline_knows() -> None:
    schema = yaml.safe_load((LAYOUTS_DIR / "press-release" / "layout.yaml").read_text())
    assert tuple(schema["schema"]["state"]["choices"]) == STATES
    assert len(STATES) == 2 * 51  # 50 states and D.C., by USPS code or by name


def test_a_qr_code_is_one_vector_path_the_same_every_time() -> None:
    drawn = qr.svg("https://jhi.example/debates/fact-check")
    assert drawn == qr.svg("https://jhi.example/debates/fact-check")
    assert drawn != qr.svg("https://jhi.example/debates/other")
    assert drawn.count("<path") == 1 and "<image" not in drawn
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', drawn)[1])  # type: ignore[index]
    modules = size - 2 * qr.QUIET_ZONE  # a QR code is 21 modules wide, 4 more per version
    assert modules >= 21 and (modules - 21) % 4 == 0
    assert qr.data_uri("") == ""
    assert qr.data_uri("https://jhi.example/x").startswith("data:image/svg+xml;base64,")


# --- rendered ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project with the release fixtures beside its examples."""
    folder = copy_example(tmp_path_factory.mktemp("types"))
    content = folder / "content"
    shutil.copy(TWO_PAGES, content / "two-pages.yaml")
    (content / "short-statement.yaml").write_text(SHORT_STATEMENT, encoding="utf-8")
    release = (content / f"{RELEASE}.yaml").read_text(encoding="utf-8")
    (content / "no-url.yaml").write_text(re.sub(r"(?m)^url: .*\n", "", release), encoding="utf-8")
    for slug in (RELEASE, STATEMENT):
        text = (content / f"{slug}.yaml").read_text(encoding="utf-8")
        (content / f"{slug}-draft.yaml").write_text(text + "status: draft\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(project: Path) -> dict[str, Rendered]:
    slugs = (RELEASE, STATEMENT, "two-pages", "short-statement", "no-url")
    return {slug: render_brief(project / "content" / f"{slug}.yaml") for slug in slugs}


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_release_prints_every_part_on_one_page(rendered: dict[str, Rendered]) -> None:
    release = rendered[RELEASE]
    assert release.pages == 1
    text = " ".join(pdf_text(release.output).split())
    for part in (
        "PRESS RELEASE · SEPTEMBER 21, 2016",
        "FOR IMMEDIATE RELEASE",
        "Former Officials Open a Nonpartisan Desk to Fact-Check the Presidential Debates",
        "Sixty diplomats and officers will rate national-security claims",
        "WASHINGTON — The John Hay Initiative will check every national-security claim",
        "“Voters will hear a great deal about Syria",
        "— Margaret Ellison, executive director, John Hay Initiative",
        "ABOUT JOHN HAY INITIATIVE",
        "The John Hay Initiative is a nonpartisan policy network",
        "# # #",
        "MEDIA CONTACT",
        "(202) 555-0148",
        "jhi.example/debates/fact-check",
    ):
        assert part in text, part
    assert "-more-" not in text and "page 2" not in text


def test_a_two_page_release_says_more_at_the_foot_and_names_itself_on_page_two(
    rendered: dict[str, Rendered],
) -> None:
    release = rendered["two-pages"]
    assert release.pages == 2  # its budget
    first, second = pages_text(release.output)
    assert first.rstrip().endswith("-more-")
    assert "-more-" not in second
    slug = "Nonpartisan Network Publishes Its Findings on the Second Presidential Debate — page 2"
    assert slug in second
    assert slug not in first
    # Embargoed: the release line is the band, in AP's wording, printed once.
    embargo = "EMBARGOED UNTIL 9:00 a.m. ET, Monday, October 10, 2016"
    assert first.count(embargo) == 1 and "FOR IMMEDIATE RELEASE" not in first
    assert "ST. LOUIS — Reviewers" in " ".join(first.split())  # AP: St. Louis stands alone
    assert "MEDIA CONTACTS" in first and "desk@jhi.example" in first
    assert "# # #" in second


def test_the_statement_is_titled_dated_and_printed_without_quotation_marks(
    rendered: dict[str, Rendered],
) -> None:
    statement = rendered[STATEMENT]
    assert statement.pages == 1
    text = " ".join(pdf_text(statement.output).split())
    title = (
        "Statement by Margaret Ellison, Executive Director, John Hay Initiative, "
        "on the Second Presidential Debate"
    )
    assert title in text
    assert "October 9, 2016, 11:15 p.m. ET" in text
    assert "FOR INTERVIEWS" in text and "press@jhi.example" in text
    words = text[text.index("Tonight both") : text.index("third debate.") + len("third debate.")]
    assert not set('“”"') & set(words)
    assert PdfReader(statement.output).metadata["/Title"] == title  # type: ignore[index]


def test_a_short_statement_is_not_inflated(rendered: dict[str, Rendered]) -> None:
    short, full = rendered["short-statement"], rendered[STATEMENT]
    assert short.pages == 1 and short.step == full.step == "regular"  # the natural step
    # It stays short: its end mark is in the top half of the page, not pushed to the foot.
    page = pdfium.PdfDocument(short.output)[0]
    text = page.get_textpage()
    mark = text.get_text_range().index("#")
    _, bottom, _, _ = text.get_charbox(mark)
    assert bottom > page.get_height() / 2


def test_a_document_with_an_address_carries_its_qr_code_tagged_with_alt_text(
    rendered: dict[str, Rendered],
) -> None:
    kinds, alts = structure(rendered[RELEASE].output)
    assert QR_ALT in alts and kinds.count("/Figure") == 2  # the logo and the QR code
    without_kinds, without = structure(rendered["no-url"].output)
    assert not [alt for alt in without if alt.startswith("QR code")]
    assert without_kinds.count("/Figure") == 1
    assert "jhi.example/debates/fact-check" not in pdf_text(rendered["no-url"].output)


@pytest.mark.parametrize("slug", [RELEASE, STATEMENT, "two-pages"])
def test_press_documents_are_accessible(rendered: dict[str, Rendered], slug: str) -> None:
    assert_accessible(rendered[slug].output)
    kinds, _ = structure(rendered[slug].output)
    assert kinds.count("/H1") == 1 and "/H2" in kinds and "/L" in kinds


@pytest.mark.parametrize("slug", [RELEASE, STATEMENT])
def test_press_documents_render_the_same_bytes_twice(
    project: Path, rendered: dict[str, Rendered], slug: str, tmp_path: Path
) -> None:
    again = render_brief(project / "content" / f"{slug}.yaml", tmp_path / "again.pdf")
    assert again.output.read_bytes() == rendered[slug].output.read_bytes()


@pytest.mark.parametrize("slug", [RELEASE, STATEMENT])
def test_a_draft_has_its_notice_and_the_same_layout(
    project: Path, rendered: dict[str, Rendered], slug: str
) -> None:
    draft = render_brief(project / "content" / f"{slug}-draft.yaml")
    assert (draft.pages, draft.step) == (rendered[slug].pages, rendered[slug].step)
    assert "DRAFT — NOT FOR DISTRIBUTION" in pdf_text(draft.output)
    assert "DRAFT" not in pdf_text(rendered[slug].output)
    assert_accessible(draft.output)


def test_on_a4_and_in_print_both_types_stay_within_their_budgets(
    tmp_path: Path,
) -> None:
    folder = copy_example(tmp_path / "a4")
    config = folder / "pressbrief.yaml"
    config.write_text(config.read_text().replace("paper: letter", "paper: a4"))
    shutil.copy(TWO_PAGES, folder / "content" / "two-pages.yaml")
    for slug, budget in ((RELEASE, 1), (STATEMENT, 1), ("two-pages", 2)):
        a4 = render_brief(folder / "content" / f"{slug}.yaml")
        assert a4.pages == budget, slug
        width = float(PdfReader(a4.output).pages[0].mediabox.width)
        assert round(width) == 595  # A4, in points
        printed = render_brief(
            folder / "content" / f"{slug}.yaml", tmp_path / f"{slug}-print.pdf", profile="print"
        )
        assert printed.pages == budget, slug
        root = PdfReader(printed.output).trailer["/Root"]
        assert "PDF/X-4" in root["/Metadata"].get_object().get_data().decode()


# --- validation -----------------------------------------------------------------------


def test_a_missing_headline_and_a_wrong_state_are_reported_by_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project.parent / "invalid"
    copy_example(folder)
    release = folder / "content" / f"{RELEASE}.yaml"
    text = release.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^headline: .*\n", "", text).replace(
        "city: Washington\n", "city: Portland\nstate: Oregan\n"
    )
    release.write_text(text, encoding="utf-8")
    statement = folder / "content" / f"{STATEMENT}.yaml"
    statement.write_text(
        statement.read_text(encoding="utf-8").replace(
            "issued: 2016-10-09T23:15 America/New_York", "issued: 2016-10-09"
        ),
        encoding="utf-8",
    )
    assert run("check", folder) == 1
    out = capsys.readouterr()
    report = out.out + out.err
    lines = text.splitlines()
    state_line = next(i for i, line in enumerate(lines, 1) if line.startswith("state:"))
    assert re.search(rf"{RELEASE}\.yaml:\d+: headline: .*required", report), report
    assert f"{RELEASE}.yaml:{state_line}: state: " in report
    assert "did you mean 'Oregon'" in report
    assert re.search(rf"{STATEMENT}\.yaml:\d+: issued: expected a date and time", report)
    assert "Traceback" not in report


# --- email ----------------------------------------------------------------------------


def test_the_email_shows_the_release_lead_and_quotes_and_the_statement_text() -> None:
    reader = Recipient("ann@paper.example", "Ann Reporter", "The Paper")
    now = datetime(2016, 9, 1, tzinfo=UTC)
    ((release,), (statement,)) = (
        packet_letters(open_packet(REPO / "content" / f"{slug}.yaml"), [(reader, False)], now)
        for slug in (RELEASE, STATEMENT)
    )
    for body in (release.text, release.html):
        assert "FOR IMMEDIATE RELEASE" in body
        assert "WASHINGTON —" in body
        assert "will check every national-security claim" in body
        assert "Voters will hear a great deal about Syria" in body
        assert "Margaret Ellison" in body
    assert "&#39;" not in release.text  # plain text is not escaped
    for body in (statement.text, statement.html):
        assert "Issued October 9, 2016, 11:15 p.m. ET" in body
        assert "Tonight both candidates were asked about Syria" in body
        assert "“Tonight" not in body


def test_the_sandbox_serves_svg_data_urls_only_within_the_limits(tmp_path: Path) -> None:
    fetcher = SandboxFetcher([tmp_path])
    served = fetcher.fetch(qr.data_uri("https://jhi.example/x"))
    assert served.content_type == "image/svg+xml"
    assert b"<path" in served.read()
    with pytest.raises(ValueError, match="does not fetch data:text/html"):
        fetcher.fetch("data:text/html,<p>hello</p>")
    flood = "<svg xmlns='http://www.w3.org/2000/svg'>" + "<rect/>" * (MAX_SVG_ELEMENTS + 1)
    with pytest.raises(ValueError, match="more than"):
        fetcher.fetch("data:image/svg+xml," + quote(flood + "</svg>"))
