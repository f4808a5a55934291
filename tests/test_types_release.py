"""Press releases and statements: the shared parts (dateline, QR code), the two types
rendered from their examples, their page budgets, tags, email bodies and errors."""

from __future__ import annotations

import pytest

from pressbrief.typeset.dateline import dateline


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
