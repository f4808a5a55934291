"""Languages and scripts: Arabic set right to left and mirrored, a Hebrew quote in an
English brief set right to left in its box, Devanagari shaped in the bundled Noto faces,
hyphenation by the brief's language. Briefs: tests/fixtures/scripts/."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pyphen
import pytest
from PIL import Image
from pypdf import PdfReader

from pressbrief import render_brief

from .conftest import REPO, pdf_text, word_box

FIXTURES = REPO / "tests" / "fixtures" / "scripts"
RIGHT_MARGIN = 612 - 36  # letter paper, 0.5 in margins, in points (one pixel each at 72 dpi)


def rendered(
    project: Callable[..., Path], name: str, edit: Callable[[str], str] = str, config: str = ""
) -> Path:
    """The fixture brief `name` rendered in a scratch project: its PDF."""
    text = edit((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))
    folder = project(config, **{name: text})
    render_brief(folder / "content" / f"{name}.yaml", folder / f"{name}.pdf")
    return folder / f"{name}.pdf"


def page_image(pdf: Path) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=1).to_pil().convert("L")
    document.close()
    return image


def lines(
    image: Image.Image, top: int, bottom: int, left: int, right: int
) -> list[tuple[int, int, int]]:
    """The leftmost and rightmost ink column and the last row of each line of text (a band
    of rows with ink, four at least: not a lone accent) between rows `top` and `bottom`,
    looking only between columns `left` and `right`."""
    pixels = image.load()
    found: list[tuple[int, int, int]] = []
    band: list[tuple[int, int]] = []
    for y in range(top, bottom + 1):
        ink = [x for x in range(left, right) if pixels[x, y] < 110] if y < bottom else []
        if ink:
            band.append((min(ink), max(ink)))
        elif band:
            if len(band) >= 4:
                found.append((min(b[0] for b in band), max(b[1] for b in band), y))
            band = []
    return found


def char_boxes(pdf: Path, wanted: Callable[[str], bool]) -> list[tuple[float, float, float, float]]:
    """Left, top, right, bottom (points from the top left) of every character on the first
    page for which `wanted` is true."""
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage()
    height = page.get_height()
    boxes = []
    for index in range(text.count_chars()):
        if wanted(text.get_text_range(index, 1)):
            left, bottom, right, top = text.get_charbox(index)
            boxes.append((left, height - top, right, height - bottom))
    document.close()
    return boxes


def fonts(pdf: Path) -> set[str]:
    """The base names of the fonts embedded on the first page, subset prefix dropped."""
    resources = PdfReader(pdf).pages[0]["/Resources"]["/Font"]
    return {str(font["/BaseFont"]).split("+")[-1] for font in resources.values()}


def is_rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def test_an_arabic_brief_is_set_right_to_left_and_mirrored(
    project: Callable[..., Path],
) -> None:
    pdf = rendered(project, "arabic", config="contact:\n  email: press@example.org\n")
    assert len(PdfReader(pdf).pages) == 1
    assert "Noto-Naskh-Arabic" in fonts(pdf)
    text = pdf_text(pdf)
    for word in ("للشبكات", "الألياف", "الميزانيات"):
        assert word in text, word
    # The summary and talking points: every line starts at the same right-hand edge (the
    # text's, inside the rule and the number markers), and ends where it ends on the left.
    arabic = char_boxes(pdf, is_rtl)
    top = round(min(box[1] for box in arabic if box[1] > 100)) - 3  # below the headline
    image = page_image(pdf)
    found = lines(image, top, 500, 36, RIGHT_MARGIN - 14)
    assert len(found) >= 8, found
    starts = [right for _, right, _ in found]
    edge = max(starts)
    assert edge > RIGHT_MARGIN - 24, f"text starts at {edge}, not at the right margin"
    assert sum(abs(start - edge) <= 3 for start in starts) >= 0.8 * len(found), found
    ends = [left for left, _, _ in found]
    assert max(ends) - min(ends) > 100, f"the left edge is not ragged: {ends}"
    # The mirrored furniture: the markers, the summary's rule and the footer on the right.
    pixels = image.load()
    right_side = sum(
        pixels[x, y] < 110 for x in range(RIGHT_MARGIN - 14, RIGHT_MARGIN) for y in range(top, 500)
    )
    left_side = sum(pixels[x, y] < 110 for x in range(36, 50) for y in range(top, 500))
    assert right_side > 5 * left_side, (right_side, left_side)
    (footer,) = char_boxes(pdf, lambda c: c == "@")
    assert footer[0] > 612 / 2, "the footer is not in the right-hand corner"


ANALYSIS = """\
analysis: |-
  يقترح المجلس الاقتراض لبناء شبكة ألياف تصل إلى كل عنوان خلال أربع سنوات.

  ومع ذلك لا يعني هذا أن على المدينة ألا تفعل شيئًا، بل أن تبني على مراحل تبدأ حيث الفجوة
  أكبر، وأن تنشر أرقامها كل ثلاثة أشهر، وأن تتوقف إذا تأخر الاشتراك عن التوقعات المعلنة.
"""


def test_right_to_left_paragraphs_are_spaced_not_indented(
    project: Callable[..., Path],
) -> None:
    """The analysis's second paragraph is not indented (WeasyPrint 70 would put the indent
    at the end of its first line, on the left) but set apart by space."""
    pdf = rendered(project, "arabic", lambda text: text + ANALYSIS)
    first, second = word_box(pdf, "يقترح"), word_box(pdf, "ومع")
    assert abs(first[2] - second[2]) < 2, (first, second)
    found = lines(page_image(pdf), round(first[1]) - 4, round(second[1]) + 60, 36, 560)
    assert len(found) >= 3, found
    (_, _, one), (_, _, two), (_, _, three) = found[:3]
    assert two - one > three - two + 3, "no space between the paragraphs"


def test_a_hebrew_quote_in_an_english_brief_starts_at_the_right_of_its_box(
    project: Callable[..., Path],
) -> None:
    pdf = rendered(project, "hebrew-quote")
    assert {"Noto-Serif-Hebrew", "Noto-Sans-Hebrew-Bold"} <= fonts(pdf)
    assert "אם השוק הפרטי" in pdf_text(pdf)
    (dash,) = char_boxes(pdf, lambda c: c == "\u2014")  # the speaker's, under the quote
    quote = [box for box in char_boxes(pdf, is_rtl) if box[3] < dash[1]]
    top, bottom = round(min(b[1] for b in quote)) - 2, round(max(b[3] for b in quote)) + 2
    found = lines(page_image(pdf), top, bottom, 130, RIGHT_MARGIN + 1)
    assert len(found) == 2, found
    for _, right, _ in found:
        assert right >= RIGHT_MARGIN - 4, f"a quote line starts at {right}, not at the box's right"
    assert found[1][0] - found[0][0] > 100, "the short last line does not end on the left"
    # The English context above the quote still starts at the left of the box.
    assert min(box[0] for box in char_boxes(pdf, lambda c: c == "A")) < 140


def test_a_hebrew_name_in_english_text_is_isolated(project: Callable[..., Path]) -> None:
    """ "Council Member דנה לוי 3 times": the 3 stays after the name, on its right, rather
    than joining the name's right-to-left run and printing before it."""
    pdf = rendered(project, "hebrew-quote")
    (dash,) = char_boxes(pdf, lambda c: c == "\u2014")  # the speaker's, above the summary
    name = [box for box in char_boxes(pdf, is_rtl) if box[1] > dash[3] + 5]
    summary_top = min(box[1] for box in name)
    (three,) = [b for b in char_boxes(pdf, lambda c: c == "3") if abs(b[1] - summary_top) < 4]
    member = [b for b in char_boxes(pdf, lambda c: c == "M") if abs(b[1] - summary_top) < 4]
    assert member[0][2] < min(b[0] for b in name) < max(b[2] for b in name) < three[0]


def test_hindi_is_shaped_in_the_bundled_devanagari_faces(
    project: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = rendered(project, "hindi")
    assert ".notdef" not in caplog.text
    assert {"Noto-Serif-Devanagari", "Noto-Sans-Devanagari-Bold"} <= fonts(pdf)
    text = pdf_text(pdf)
    # Conjuncts (क्य, ब्र, ड़) come back as the letters typed; words with the vowel sign
    # ि, drawn before its consonant, do not: WeasyPrint 70 maps each glyph to one text.
    for phrase in ("क्या शहरों को अपना ब्रॉडबैंड", "ब्रॉडबैंड कवरेज की कमी को दूर कर सकता है", "बनाना"):
        assert phrase in text, phrase


def hyphenated(text: str) -> list[tuple[str, int]]:
    """Each word broken at a line's end by a hyphen, and where: ('durchgerechneten', 7)."""
    return [(a + b, len(a)) for a, b in re.findall(r"(\w+)[\u2010-]\n(\w+)", text)]


def test_a_german_brief_is_hyphenated_with_german_patterns(
    project: Callable[..., Path],
) -> None:
    broken = hyphenated(pdf_text(rendered(project, "german")))
    assert broken, "no word hyphenated"
    german, english = pyphen.Pyphen(lang="de"), pyphen.Pyphen(lang="en")
    for word, at in broken:
        assert at in german.positions(word.lower()), (word, at)
    assert any(at not in english.positions(word.lower()) for word, at in broken), broken
    # German capitalizes every noun: a capital does not make a word a name kept whole.
    assert any(word[0].isupper() for word, _ in broken), broken


def test_a_language_without_a_dictionary_is_left_unhyphenated(
    project: Callable[..., Path],
) -> None:
    assert "sw" not in pyphen.LANGUAGES
    pdf = rendered(project, "german", lambda text: text.replace("lang: de", "lang: sw"))
    text = pdf_text(pdf)
    assert "verwaltungsorganisatorisch" in text
    assert not hyphenated(text)
