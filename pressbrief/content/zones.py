"""IANA time zone names → zones read from the `tzdata` package; a date and time → the same
instant in a zone, checked, and the zone's name as a press office prints it.

Zones come from the tzdata package only, never from the machine's time zone database, so
a zone's rules and abbreviations (EST, CET, BST…) are the same on every machine and the
same embargo prints the same words everywhere.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Self
from zoneinfo import ZoneInfo

_AP_STYLE: dict[tuple[str, float], str] = {
    ("EST", -5): "ET",
    ("EDT", -4): "ET",
    ("CST", -6): "CT",
    ("CDT", -5): "CT",
    ("MST", -7): "MT",
    ("MDT", -6): "MT",
    ("PST", -8): "PT",
    ("PDT", -7): "PT",
}
"""North American abbreviations → AP style ("ET" whether daylight time or not). Keyed with
the offset too: Cuba's CST is UTC−5, China's is UTC+8; neither is Central Time."""


class Zone(ZoneInfo):
    """A zone read from the tzdata package. Pickled by its name, so a worker process reads
    it from tzdata too (a zone read from a file could not be pickled otherwise)."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return zone, (str(self.key),)

    @classmethod
    def from_tzdata(cls, name: str) -> Self:
        data = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
        with data.open("rb") as file:
            return cls.from_file(file, key=name)


@cache
def names() -> frozenset[str]:
    """Every zone name tzdata knows, e.g. 'America/New_York', 'Europe/Paris', 'UTC'."""
    return frozenset(resources.files("tzdata").joinpath("zones").read_text().split())


@cache
def zone(name: str) -> Zone:
    """The zone called `name`; ValueError saying what is wrong if tzdata has none."""
    if name not in names():
        raise ValueError(f"'{name}' is not a time zone{_suggestion(name)}; {EXPECTED}")
    return Zone.from_tzdata(name)


EXPECTED = "expected an IANA name such as America/New_York, Europe/Paris or UTC"


def _suggestion(name: str) -> str:
    """' (did you mean 'America/New_York'?)' for 'new york', 'America/New_Yrok'…, or ''."""
    wanted = name.strip().replace(" ", "_").casefold()
    known = sorted(names())
    same = [k for k in known if wanted in (k.casefold(), k.rpartition("/")[2].casefold())]
    close = same or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def utc_offset(offset: timedelta) -> str:
    """An offset as people write it: 'UTC−5', 'UTC+5:30' (a real minus sign), 'UTC'."""
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "\u2212"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def label(value: datetime) -> str:
    """The zone of an aware `value` as a press office names it: 'ET', 'CT', 'MT', 'PT' for
    North American time (AP style); else the tzdata abbreviation at that date ('CET',
    'BST'); else, when the zone has no lettered abbreviation or only an offset is known,
    the offset ('UTC+3', 'UTC−5')."""
    offset = value.utcoffset() or timedelta(0)
    if not isinstance(value.tzinfo, ZoneInfo):
        return utc_offset(offset)
    abbreviation = value.tzname() or ""
    hours = offset.total_seconds() / 3600
    if (abbreviation, hours) in _AP_STYLE:
        return _AP_STYLE[(abbreviation, hours)]
    return abbreviation if abbreviation.isalpha() else utc_offset(offset)


def localize(value: datetime, name: str) -> datetime:
    """`value` in the zone `name`: a naive `value` is a wall-clock time there, an aware one
    must have the zone's offset at that instant. ValueError saying why not: an unknown
    zone, an offset the zone does not have then, a time the clocks skip or pass twice."""
    where = zone(name)
    if value.tzinfo is not None:
        local = value.astimezone(where)
        if local.utcoffset() != value.utcoffset():
            raise ValueError(
                f"the offset {_offset(value)} is not {name}'s on {value:%Y-%m-%d}: it is "
                f"{utc_offset(local.utcoffset() or timedelta(0))} ({local.tzname()}) then; "
                f"write {_offset(local)} or leave the offset out"
            )
        return local
    local = value.replace(tzinfo=where)
    written = f"{value:%Y-%m-%dT%H:%M}"
    if local.astimezone(UTC).astimezone(where).replace(tzinfo=None) != value:
        raise ValueError(
            f"{written} does not exist in {name}: the clocks skip that hour; "
            "write the time after the change"
        )
    if local.utcoffset() != local.replace(fold=1).utcoffset():
        raise ValueError(
            f"{written} happens twice in {name}, as the clocks go back; add the offset to "
            f"say which, e.g. {written}{_offset(local)} {name}"
        )
    return local


def _offset(value: datetime) -> str:
    """The offset of an aware `value` as ISO 8601 writes it, e.g. '-05:00'."""
    return value.isoformat(timespec="minutes")[16:]
