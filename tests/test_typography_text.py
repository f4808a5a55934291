"""Text details in print and email: smart punctuation in every prose field, the embargo as
press offices word it (zones from tzdata), related reading's address on paper."""

from __future__ import annotations

import email
import email.policy
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from pressbrief.content import zones
from pressbrief.typeset.html import format_embargo, short_url

from .conftest import MINIMAL, pdf_text, run
from .test_validation import check

CONFIG = """\
organization:
  name: O'Neill Institute
contact:
  name: Press Office
  email: press@oneill.example
"""

SMART = """\
title: What's Next for the Senator's Plan?
series: Senator's Desk -- 2026
summary: One sentence of summary.
talking_points:
  - One point.
statement:
  label: Senator's Statement
  quote: We'll see.
  speaker: Sen. Pat O'Neill
related:
  - title: '"Fixing It": Notes -- and More'
    url: https://www.oneill.example/notes/it's--fine/
  - title: Write to us
    url: mailto:press--desk@oneill.example
"""

KIT = """\
title: Editors' Briefing Book
subtitle: What "fair" means -- and what it doesn't
event: The Senator's Town Hall
briefs: [smart]
"""

EMBARGOES = {
    "new-york": ("2026-11-23T09:00 America/New_York", "9:00 a.m. ET, Monday, November 23, 2026"),
    "new-york-summer": ("2026-07-06T12:00-04:00 America/New_York", "noon ET, Monday, July 6, 2026"),
    "london-summer": ("2026-07-06T17:30 Europe/London", "5:30 p.m. BST, Monday, July 6, 2026"),
    "paris-winter": ("2026-01-05T08:00 Europe/Paris", "8:00 a.m. CET, Monday, January 5, 2026"),
    "day-after-dst": (
        "2026-03-09T06:00 America/Los_Angeles",
        "6:00 a.m. PT, Monday, March 9, 2026",
    ),
    "sao-paulo": (
        "2026-01-05T00:00 America/Sao_Paulo",
        "12:00 a.m. UTC−3, Monday, January 5, 2026",
    ),
    "offset-only": ("2026-11-23T09:00:00-05:00", "9:00 a.m. UTC−5, Monday, November 23, 2026"),
    "utc": ("2026-11-23T14:00:00Z", "2:00 p.m. UTC, Monday, November 23, 2026"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project, built once: the smart-punctuation brief, its kit, a brief per embargo."""
    folder = tmp_path_factory.mktemp("text")
    (folder / "pressbrief.yaml").write_text(CONFIG)
    (folder / "content").mkdir()
    (folder / "content" / "smart.yaml").write_text(SMART)
    for slug, (embargo, _) in EMBARGOES.items():
        (folder / "content" / f"{slug}.yaml").write_text(MINIMAL + f"embargo: {embargo}\n")
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text(KIT)
    assert run("build", folder) == 0
    return folder / "dist"


def words(pdf: Path) -> str:
    """The text of a PDF, its lines joined by single spaces."""
    return " ".join(pdf_text(pdf).split())


def test_every_printed_field_gets_curly_quotes_and_dashes(built: Path) -> None:
    pdf = built / "briefs" / "smart.pdf"
    text = words(pdf)
    assert "What’s Next for the Senator’s Plan?" in text
    assert "SENATOR’S STATEMENT" in text  # the label, set in capitals
    assert "— Sen. Pat O’Neill" in text
    assert "SENATOR’S DESK – 2026" in text  # series in the masthead
    assert "Senator’s Desk – 2026" in text  # and in the footer
    assert "“Fixing It”: Notes – and More" in text
    assert "'" not in text.replace("it's--fine", "")  # no typewriter apostrophe left
    assert PdfReader(pdf).metadata.title == "What’s Next for the Senator’s Plan?"
    kit = words(built / "kits" / "k.pdf")
    assert "Editors’ Briefing Book" in kit
    assert "What “fair” means – and what it doesn’t" in kit
    assert "The Senator’s Town Hall" in kit


def test_addresses_are_never_altered(built: Path) -> None:
    reader = PdfReader(built / "briefs" / "smart.pdf")
    uris = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert uris == [
        "https://www.oneill.example/notes/it's--fine/",
        "mailto:press--desk@oneill.example",
    ]
    text = pdf_text(built / "briefs" / "smart.pdf")
    assert "press@oneill.example" in text  # the footer's contact


def test_related_reading_prints_its_short_address(built: Path) -> None:
    text = words(built / "briefs" / "smart.pdf")
    assert "“Fixing It”: Notes – and More oneill.example/notes/it's--fine" in text
    assert "Write to us press--desk@oneill.example" in text
    assert "https://" not in text and "www." not in text


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        ("https://www.jhi.org/choosing-to-lead/", "jhi.org/choosing-to-lead"),
        ("HTTP://WWW.JHI.ORG:8080/a?utm_source=x#top", "jhi.org/a"),
        ("https://jhi.org/research/2026/reports/choosing-to-lead", "jhi.org/…/choosing-to-lead"),
        (
            "https://jhi.org/why-cities-that-build-their-own-broadband-networks-fail",
            "jhi.org/why-cities-that-build-their-own…",
        ),
        ("https://jhi.org/a%20plan", "jhi.org/a plan"),
        ("mailto:press@jhi.org?subject=Embargo", "press@jhi.org"),
    ],
)
def test_short_address(url: str, printed: str) -> None:
    assert short_url(url) == printed
    assert len(printed) <= 40


@pytest.mark.parametrize("slug", EMBARGOES)
def test_embargo_as_press_offices_write_it(built: Path, slug: str) -> None:
    phrase = EMBARGOES[slug][1]
    assert f"EMBARGOED UNTIL {phrase.upper()}" in pdf_text(built / "briefs" / f"{slug}.pdf")


def test_the_project_time_zone_names_an_offset(project: Callable[..., Path]) -> None:
    folder = project(
        "timezone: America/Chicago\n", b=MINIMAL + "embargo: 2026-07-06T08:00:00-05:00\n"
    )
    assert run("render", folder / "content" / "b.yaml", "-o", folder / "b.pdf") == 0
    assert "EMBARGOED UNTIL 8:00 A.M. CT, MONDAY, JULY 6, 2026" in pdf_text(folder / "b.pdf")


def test_a_wrong_time_zone_is_named_with_its_line(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project("paper: letter\ntimezone: America/New_Yrok\n", b=MINIMAL)
    assert check(folder, capsys) == (
        1,
        [
            f"{folder / 'pressbrief.yaml'}:2: timezone: 'America/New_Yrok' is not a time zone "
            "(did you mean 'America/New_York'?); expected an IANA name such as "
            "America/New_York, Europe/Paris or UTC"
        ],
    )
    (folder / "pressbrief.yaml").write_text("timezone: new york\n")
    code, lines = check(folder, capsys)
    assert code == 1 and "(did you mean 'America/New_York'?)" in lines[0]


def test_embargoes_that_name_no_real_time_are_refused(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    briefs = {
        "summer-offset": "2026-07-09T09:00:00-05:00",  # New York is UTC−4 in July
        "named-contradiction": "2026-01-05T09:00+02:00 Europe/Paris",
        "unknown-zone": "2026-01-05T09:00 Europe/Pariss",
        "skipped": "2026-03-08T02:30 America/New_York",
        "twice": "2026-11-01T01:30 America/New_York",
    }
    folder = project(
        "timezone: America/New_York\n",
        **{slug: MINIMAL + f"embargo: {value}\n" for slug, value in briefs.items()},
    )
    code, lines = check(folder, capsys)
    file = {slug: folder / "content" / f"{slug}.yaml" for slug in briefs}
    assert code == 1
    assert sorted(lines) == sorted(
        [
            f"{file['summer-offset']}:5: embargo: the offset -05:00 is not America/New_York's "
            "on 2026-07-09: it is UTC−4 (EDT) then; write -04:00 or leave the offset out "
            "(timezone: America/New_York in pressbrief.yaml)",
            f"{file['named-contradiction']}:5: embargo: the offset +02:00 is not Europe/Paris's "
            "on 2026-01-05: it is UTC+1 (CET) then; write +01:00 or leave the offset out",
            f"{file['unknown-zone']}:5: embargo: 'Europe/Pariss' is not a time zone (did you "
            "mean 'Europe/Paris'?); expected an IANA name such as America/New_York, "
            "Europe/Paris or UTC",
            f"{file['skipped']}:5: embargo: 2026-03-08T02:30 does not exist in "
            "America/New_York: the clocks skip that hour; write the time after the change",
            f"{file['twice']}:5: embargo: 2026-11-01T01:30 happens twice in America/New_York, "
            "as the clocks go back; add the offset to say which, e.g. "
            "2026-11-01T01:30-04:00 America/New_York",
        ]
    )


def test_the_email_subject_carries_the_phrase(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    brief = MINIMAL.replace("A Minimal Brief", "The Senator's Plan")
    folder = project(CONFIG, b=brief + "embargo: 2036-11-24T09:00 America/New_York\n")
    (folder / "reporters.csv").write_text("email,name\nann@paper.example,Ann\n")
    brief_file = folder / "content" / "b.yaml"
    assert run("email", brief_file, "--to", folder / "reporters.csv", "--dry-run") == 0
    (eml,) = (folder / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    subject = str(message["Subject"])
    assert "embargoed until 9:00 a.m. et, monday, november 24, 2036" in subject.casefold()
    assert "The Senator’s Plan" in subject
    body = message.get_body(("plain",)).get_content().casefold()
    assert "embargoed until 9:00 a.m. et, monday, november 24, 2036" in body


@pytest.fixture
def no_system_zones() -> Iterator[None]:
    """Python's zoneinfo pointed at an empty time zone database."""
    zoneinfo.reset_tzpath(["/nonexistent"])
    try:
        yield
    finally:
        zoneinfo.reset_tzpath()


def test_zones_come_from_tzdata_on_every_machine(no_system_zones: None) -> None:
    paris = zones.Zone.from_tzdata("Europe/Paris")
    assert format_embargo(datetime(2026, 7, 6, 9, tzinfo=paris)) == (
        "9:00 a.m. CEST, Monday, July 6, 2026"
    )
