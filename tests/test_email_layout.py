"""The HTML email as a reporter's phone shows it: the example kit's and a one-brief packet's
letters opened in a real headless Chromium (Debian's `chromium`) at phone widths (320 px,
390 px) and a desktop pane's (700 px).

Screenshots land in shots/ (at the repository root) to be looked at."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pressbrief.content.recipients import Recipient
from pressbrief.delivery.mail import Letter
from pressbrief.delivery.packet import open_packet, packet_letters

from .conftest import MINIMAL, REPO
from .test_kits import TITLES

CHROMIUM = shutil.which("chromium")
SHOTS = REPO / "shots"
WIDTHS = (320, 390, 700)
NOW = datetime(2016, 10, 1, tzinfo=UTC)
READER = Recipient("ann@paper.example", "Ann Reporter", "The Paper")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (scripts/install.sh installs it)"
)


def letter(source: str) -> Letter:
    """The letter the example project's packet `source` writes to one reporter."""
    (written,) = packet_letters(open_packet(REPO / source), [(READER, False)], NOW)
    return written


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole module."""
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def kit() -> Letter:
    return letter("kits/debate-night.yaml")


@pytest.fixture(scope="module")
def brief() -> Letter:
    return letter("content/russia-syria.yaml")


def opened(browser: Browser, html: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.set_default_timeout(5000)  # a missing element fails fast, not after 30 s
    page.set_content(html)
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("packet", ["kit", "brief"])
def test_the_email_fits_the_screen_and_the_phone_number_holds_together(
    browser: Browser, request: pytest.FixtureRequest, packet: str, width: int
) -> None:
    html = request.getfixturevalue(packet).html
    page = opened(browser, html, width)
    try:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / f"email-{packet}-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        phone = page.locator('a[href^="tel:"]')
        assert phone.inner_text() == "(202) 555-0148"
        assert phone.get_attribute("href") == "tel:2025550148"
        assert phone.evaluate("e => e.getClientRects().length") == 1
        if packet == "kit":  # an energy brief is embargoed: its date is not split
            day = page.get_by_text("November 23, 2026", exact=True)
            assert day.evaluate("e => e.getClientRects().length") == 1
        mail = page.locator('a[href^="mailto:"]')
        assert mail.get_attribute("href") == "mailto:press@jhi.example"
        assert page.evaluate("document.querySelector('meta[name=viewport]').content") == (
            "width=device-width, initial-scale=1"
        )
    finally:
        page.close()


def test_the_summary_panel_has_no_stray_paragraph_margins(browser: Browser, brief: Letter) -> None:
    """The summary's text sits as far from the panel's bottom edge as from its top."""
    page = opened(browser, brief.html, 390)
    try:
        gaps = page.evaluate(
            """() => {
              const p = [...document.querySelectorAll('p')]
                .find(e => e.textContent.startsWith('Trump’s assertion'));
              const panel = p.parentElement.getBoundingClientRect();
              const text = p.getBoundingClientRect();
              return [text.top - panel.top, panel.bottom - text.bottom];
            }"""
        )
        assert gaps == [12, 12]
    finally:
        page.close()


def test_the_preheader_comes_first_hidden_and_is_not_the_subject(
    browser: Browser, kit: Letter, brief: Letter
) -> None:
    for written, opening in (
        (kit, "Russia, energy and broadband — what the candidates said"),
        (brief, "Trump’s assertion that Washington should collaborate with Moscow"),
    ):
        page = opened(browser, written.html, 390)
        try:
            first = page.locator("body > *").first
            assert first.evaluate("e => getComputedStyle(e).display") == "none"
            text = first.text_content()
            assert text is not None and text.startswith(opening)
            assert written.subject not in text
            visible = page.evaluate("document.body.innerText")
            assert opening not in visible.split("\n")[0]  # hidden, not the masthead
        finally:
            page.close()


def test_a_kit_email_opens_with_a_linked_index_and_gives_the_press_questions(
    browser: Browser, kit: Letter
) -> None:
    page = opened(browser, kit.html, 390)
    try:
        links = page.locator('a[href^="#brief-"]')
        assert links.all_inner_texts() == TITLES
        for index, title in enumerate(TITLES, 1):
            links.nth(index - 1).click()
            target = page.locator(f"#brief-{index}")
            assert target.locator("h2").inner_text() == title
            top = target.evaluate("e => Math.round(e.getBoundingClientRect().top)")
            assert top == 0 or (index == len(TITLES) and 0 < top < 800)  # the last: in view
        labels = page.get_by_text("Questions the press should be asking").count()
        assert labels == 3
        assert "Wouldn’t strategic collaboration with Russia in Syria signal" in kit.html
        assert "Wouldn’t strategic collaboration with Russia in Syria signal" in kit.text
    finally:
        page.close()


def test_a_one_brief_email_prints_its_title_once(brief: Letter) -> None:
    title = "Can the U.S. Cooperate with Russia in Syria?"
    assert brief.subject == title
    assert brief.html.count(title) == 2  # the <title> and the one heading
    assert brief.text.count(title) == 1
    assert brief.html.count("JHI on the Issues 2016") == 1


def test_a_long_unbroken_address_does_not_widen_the_phone_screen(
    browser: Browser, project: Callable[..., Path]
) -> None:
    address = "https://example.org/" + "averylongpathsegment" * 8
    folder = project(
        "contact:\n  phone: +1 202 555 0148\n",
        long=MINIMAL.replace("One sentence of summary.", f"See <{address}>."),
    )
    (written,) = packet_letters(
        open_packet(folder / "content" / "long.yaml"), [(READER, False)], NOW
    )
    page = opened(browser, written.html, 320)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert page.locator(f'a[href="{address}"]').count() == 1
        assert page.locator('a[href="tel:+12025550148"]').count() == 1
    finally:
        page.close()
