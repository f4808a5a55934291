"""The bio and qa (talking points) document types: each example renders within its page
budget on Letter and A4, tagged and deterministic, as a draft, under embargo and for print;
bad input is reported at its line; talking points are internal: never emailed to reporters
unless asked for, and marked so on every page."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from pressbrief import DoesNotFitError, Rendered, render_brief

from .conftest import pdf_text, run, structure
from .test_accessibility import assert_accessible
from .test_kits import copy_example

BIO = "bio-claire-whitfield"
QA = "qa-debate-night"
MARK = "INTERNAL — NOT FOR THE PRESS"


def text_of(path: Path) -> str:
    """A PDF's text, its runs of white space (a name kept on one line too) read as one."""
    return " ".join(pdf_text(path).split())


def page_texts(path: Path) -> list[str]:
    return [page.extract_text().replace("\u00a0", " ") for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("bioqa"))


@pytest.fixture(scope="module")
def rendered(example: Path) -> dict[str, Rendered]:
    """Each example as it is, and again into a second file (for its bytes)."""
    result = {}
    for slug in (BIO, QA):
        source = example / "content" / f"{slug}.yaml"
        result[slug] = render_brief(source)
        result[f"{slug}-again"] = render_brief(source, example / f"{slug}-again.pdf")
    return result


def variant(folder: Path, slug: str, name: str, extra: str = "", edit: str = "") -> Path:
    """A copy of example `slug` in `folder` with `extra` lines appended and, where `edit`
    is 'old=>new', one text replaced."""
    text = (folder / "content" / f"{slug}.yaml").read_text(encoding="utf-8")
    if edit:
        old, new = edit.split("=>")
        assert old in text
        text = text.replace(old, new)
    path = folder / "content" / f"{name}.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


# --- bio ------------------------------------------------------------------------------


def test_the_bio_prints_the_person_their_picture_credit_and_how_to_book_them(
    rendered: dict[str, Rendered],
) -> None:
    result = rendered[BIO]
    assert (result.pages, result.step) == (1, "regular")  # short: never inflated
    text = text_of(result.output)
    for part in (
        "Claire Whitfield",
        "Director of Communications and Senior Fellow for Alliance Policy",
        "Washington, D.C.",
        "Placeholder image, John Hay Initiative",  # the headshot's credit
        "NATO and European security",
        "English, French, Polish",
        "TO BOOK AN INTERVIEW",
        "Marcus Reed",
        "(202) 555-0163",
        "mreed@jhi.example",
        "live television on debate nights.",
    ):
        assert part in text, part
    meta = PdfReader(result.output).metadata
    assert meta is not None and meta.title == "Claire Whitfield"  # title: "{name}"


def test_the_bio_is_tagged_with_the_headshot_as_a_figure_with_its_alt_text(
    rendered: dict[str, Rendered],
) -> None:
    path = rendered[BIO].output
    assert_accessible(path)
    kinds, alts = structure(path)
    assert kinds.index("/H1") < kinds.index("/H2")
    assert kinds.count("/Figure") == 2  # the logo and the headshot
    assert "/LI" in kinds  # expertise is a list
    assert alts == ["John Hay Initiative emblem", "Placeholder portrait of Claire Whitfield"]


def test_bio_image_problems_are_reported_at_their_line(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_example(example.parent / "bio-images")
    alt = "  alt: Placeholder portrait of Claire Whitfield\n"
    no_alt = variant(folder, BIO, "no-alt", edit=f"{alt}=>")
    missing = variant(folder, BIO, "missing", edit="headshot-placeholder.svg=>gone.png")
    untitled = variant(folder, BIO, "untitled", edit="job_title: Director=># job_title: Director")
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{no_alt}:9: headshot.alt: required field is missing: What the picture shows" in err
    assert (
        f"{missing}:9: headshot.src: image 'assets/gone.png' not found (looked for "
        f"{folder / 'content' / 'assets' / 'gone.png'})"
    ) in err
    assert f"{untitled}:2: job_title: required field is missing: Their position" in err


# --- qa -------------------------------------------------------------------------------


def test_the_talking_points_print_every_part_on_one_page_and_are_marked_internal(
    rendered: dict[str, Rendered],
) -> None:
    result = rendered[QA]
    assert (result.pages, result.step) == (1, "regular")  # never inflated to two
    text = text_of(result.output)
    for part in (
        "Second Presidential Debate:",
        MARK,
        "VERSION 3",
        "APPROVED BY Claire Whitfield, Director of Communications",
        "VALID UNTIL October 10, 2016",
        "CORE MESSAGE",
        "Voters deserve specifics",
        "Alliances are an American advantage",
        "Russia’s conduct in Syria works against U.S. aims",
        "Specifics matter more than slogans",
        "Moscow’s first objective is to keep the Assad regime in power.",
        "Who won tonight’s debate on foreign policy?",
        "“Let me put that in context…”",
    ):
        assert part in text, part
    assert text.count("HOSTILE") == 2  # the two hostile questions, marked
    assert "Release" not in text and "FOR IMMEDIATE" not in text  # no release line


def test_the_talking_points_are_tagged_with_headings_lists_and_pillar_headings(
    rendered: dict[str, Rendered],
) -> None:
    path = rendered[QA].output
    assert_accessible(path)
    kinds, _ = structure(path)
    assert kinds.count("/H1") == 1 and kinds.count("/H3") == 3  # one per pillar
    assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/H3")
    assert kinds.count("/L") >= 4  # pillars, their proof points, bridging, questions


@pytest.mark.parametrize("classification", ["internal", "confidential"])
def test_every_page_of_a_long_sheet_carries_the_classification(
    example: Path, classification: str
) -> None:
    questions = "".join(
        f"  - question: Follow-up question number {n} on the alliance?\n"
        "    answer: >-\n"
        "      An answer of two sentences that comes back to the core message. Alliances "
        "make us safer, and voters deserve specifics.\n"
        for n in range(12)
    )
    source = variant(
        example,
        QA,
        f"long-{classification}",
        edit=f"questions:\n=>questions:\n{questions}",
    )
    source.write_text(
        source.read_text().replace("classification: internal", f"classification: {classification}")
    )
    result = render_brief(source)
    assert result.pages == 2  # within the budget of two
    mark = f"{classification.upper()} — NOT FOR THE PRESS"
    first, second = page_texts(result.output)
    assert mark in first and mark in second
    assert "(continued)" in second and "(continued)" not in first
    assert "Follow-up question number 11" in second


def test_talking_points_longer_than_two_pages_do_not_fit(example: Path) -> None:
    questions = "".join(
        f"  - question: Question {n} asked again, at some length, by another reporter?\n"
        f"    answer: {'An answer that runs on and on, and on again. ' * 6}\n"
        for n in range(40)
    )
    source = variant(example, QA, "too-long", edit=f"questions:\n=>questions:\n{questions}")
    with pytest.raises(DoesNotFitError, match="does not fit on 2 pages"):
        render_brief(source)


def test_qa_input_problems_are_reported_at_their_line(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_example(example.parent / "qa-bad")
    bad = variant(folder, QA, "bad", edit="hostile: true=>hostile: maybe")
    bad.write_text(
        bad.read_text()
        .replace("valid_until: 2016-10-10", "valid_until: next week")
        .replace("classification: internal", "classification: secret")
        .replace("core_message: >-\n  Voters", "# core_message: >-\n#  Voters")
    )
    assert run("check", folder) == 1
    lines = capsys.readouterr().err.strip().removeprefix("error: ").splitlines()
    assert lines == [
        f"{bad}:3: core_message: required field is missing: The one sentence every answer "
        "comes back to (15 words or fewer).",
        f"{bad}:29: questions[1].hostile: expected true or false, got 'maybe'",
        f"{bad}:40: questions[3].hostile: expected true or false, got 'maybe'",
        f"{bad}:56: valid_until: expected a date as YYYY-MM-DD, e.g. 2016-10-10; got 'next week'",
        f"{bad}:57: classification: 'secret' is not allowed; expected one of 'internal', "
        "'confidential'",
    ]


def test_a_core_message_over_fifteen_words_is_a_warning_not_an_error(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_example(example.parent / "qa-wordy")
    wordy = variant(
        folder,
        QA,
        "wordy",
        edit="Voters deserve specifics:=>Voters deserve specifics tonight and every night from "
        "now until November:",
    )
    assert run("check", folder) == 0
    err = capsys.readouterr().err
    assert f"{wordy}:7: core_message: 21 words; keep it to 15 or fewer" in err
    assert f"{folder / 'content' / QA}.yaml" not in err  # the example has 13


# --- both: paper, determinism, draft, embargo, print -----------------------------------


def test_same_input_same_bytes(rendered: dict[str, Rendered]) -> None:
    for slug in (BIO, QA):
        assert rendered[slug].output.read_bytes() == rendered[f"{slug}-again"].output.read_bytes()


def test_a4_paper_within_the_budget(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    config = folder / "pressbrief.yaml"
    config.write_text(config.read_text().replace("paper: letter", "paper: a4"))
    for slug in (BIO, QA):
        result = render_brief(folder / "content" / f"{slug}.yaml")
        assert result.pages == 1, slug
        width, height = PdfReader(result.output).pages[0].mediabox[2:]
        assert (round(float(width)), round(float(height))) == (595, 842)


def test_draft_watermark_and_embargo_band(example: Path, rendered: dict[str, Rendered]) -> None:
    embargo = "status: draft\nembargo: 2016-10-09T21:00 America/New_York\n"
    for slug in (BIO, QA):
        draft = render_brief(variant(example, slug, f"{slug}-draft", embargo))
        assert draft.pages == 1, slug
        text = text_of(draft.output)
        assert "DRAFT — NOT FOR DISTRIBUTION" in text
        assert "EMBARGOED UNTIL 9:00 P.M. ET, SUNDAY, OCTOBER 9, 2016" in text
        assert_accessible(draft.output)
        # The watermark runs corner to corner over the page, not only where text moved.
        final = rendered[slug].output
        box = ImageChops.difference(raster(final), raster(draft.output)).getbbox()
        assert box is not None
        left, top, right, bottom = box
        assert right - left > 0.6 * 612 and bottom - top > 0.6 * 792, slug


def raster(pdf: Path) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=1).to_pil().convert("RGB")
    document.close()
    return image


def test_the_print_profile_renders_both(example: Path) -> None:
    for slug in (BIO, QA):
        source = example / "content" / f"{slug}.yaml"
        result = render_brief(source, example / f"{slug}-print.pdf", profile="print")
        assert result.pages == 1
        page = PdfReader(result.output).pages[0]
        assert [round(float(v)) for v in page.trimbox] == [0, 0, 612, 792]
        assert ("Claire Whitfield" if slug == BIO else MARK) in text_of(result.output)


# --- email ----------------------------------------------------------------------------

READERS = "email,name,outlet\nann@paper.example,Ann Reporter,The Paper\n"


@pytest.fixture
def mailing(tmp_path: Path) -> Path:
    """The example project, with a reporters' list (messages only go to outbox/ here)."""
    folder = copy_example(tmp_path)
    (folder / "reporters.csv").write_text(READERS)
    return folder


def queued(folder: Path) -> list[EmailMessage]:
    messages = []
    for path in sorted((folder / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_talking_points_are_not_emailed_without_internal(
    mailing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = mailing / "content" / f"{QA}.yaml"
    assert run("email", source, "--to", mailing / "reporters.csv", "--dry-run") == 9
    err = capsys.readouterr().err
    assert (
        f"{QA}.yaml is marked internal (qa): it is never emailed to reporters; pass "
        "--internal to send it to an internal list. Nothing was sent."
    ) in err
    assert not (mailing / "outbox").exists()


def test_a_kit_holding_talking_points_is_refused_too(
    mailing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kit = mailing / "kits" / "debate-night.yaml"
    kit.write_text(kit.read_text() + f"  - {QA}\n")
    assert run("email", kit, "--to", mailing / "reporters.csv", "--dry-run") == 9
    err = capsys.readouterr().err
    assert f"{QA}.yaml is marked internal (qa)" in err and "--internal" in err
    assert not (mailing / "outbox").exists() and not (mailing / "dist").exists()


def test_with_internal_the_talking_points_go_out_with_core_message_and_pillars(
    mailing: Path,
) -> None:
    source = mailing / "content" / f"{QA}.yaml"
    assert run("email", source, "--to", mailing / "reporters.csv", "--dry-run", "--internal") == 0
    (message,) = queued(mailing)
    assert message["Subject"] == (
        "INTERNAL: Second Presidential Debate: Foreign Policy on Debate Night"
    )  # a forwarded message still says so
    for body in bodies(message):
        assert "internal — not for the press" in body.casefold()
        assert "Voters deserve specifics" in body
        assert "Specifics matter more than slogans" in body
        assert "Moscow’s first objective is to keep the Assad regime in power." in body
        assert "Isn’t the John Hay Initiative" not in body  # the Q&A stays in the PDF
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == f"{QA}.pdf"


def test_a_bio_email_shows_the_job_title_expertise_and_booking(mailing: Path) -> None:
    source = mailing / "content" / f"{BIO}.yaml"
    assert run("email", source, "--to", mailing / "reporters.csv", "--dry-run") == 0
    (message,) = queued(mailing)
    assert message["Subject"] == "Claire Whitfield"
    for body in bodies(message):
        assert "Director of Communications and Senior Fellow for Alliance Policy" in body
        assert "NATO and European security" in body and "Sanctions policy" in body
        assert "Marcus Reed" in body and "mreed@jhi.example" in body
