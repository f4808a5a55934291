"""A city and a U.S. state → the dateline a press release opens with, in AP style:
"WASHINGTON —", "PORTLAND, Ore. —", "AUSTIN, Texas —".

The city is set in capitals; the state follows in AP's abbreviation (AP spells out the
eight short names: Alaska, Hawaii, Idaho, Iowa, Maine, Ohio, Texas, Utah), except after
the cities AP's dateline list lets stand alone. A state is written as its USPS code ("OR")
or its name ("Oregon"); a schema declares `state` as a choice of `STATES`, so `check`
reports any other with a "did you mean".
"""

from __future__ import annotations

_AP: dict[str, tuple[str, str]] = {
    "AL": ("Alabama", "Ala."),
    "AK": ("Alaska", "Alaska"),
    "AZ": ("Arizona", "Ariz."),
    "AR": ("Arkansas", "Ark."),
    "CA": ("California", "Calif."),
    "CO": ("Colorado", "Colo."),
    "CT": ("Connecticut", "Conn."),
    "DE": ("Delaware", "Del."),
    "DC": ("District of Columbia", "D.C."),
    "FL": ("Florida", "Fla."),
    "GA": ("Georgia", "Ga."),
    "HI": ("Hawaii", "Hawaii"),
    "ID": ("Idaho", "Idaho"),
    "IL": ("Illinois", "Ill."),
    "IN": ("Indiana", "Ind."),
    "IA": ("Iowa", "Iowa"),
    "KS": ("Kansas", "Kan."),
    "KY": ("Kentucky", "Ky."),
    "LA": ("Louisiana", "La."),
    "ME": ("Maine", "Maine"),
    "MD": ("Maryland", "Md."),
    "MA": ("Massachusetts", "Mass."),
    "MI": ("Michigan", "Mich."),
    "MN": ("Minnesota", "Minn."),
    "MS": ("Mississippi", "Miss."),
    "MO": ("Missouri", "Mo."),
    "MT": ("Montana", "Mont."),
    "NE": ("Nebraska", "Neb."),
    "NV": ("Nevada", "Nev."),
    "NH": ("New Hampshire", "N.H."),
    "NJ": ("New Jersey", "N.J."),
    "NM": ("New Mexico", "N.M."),
    "NY": ("New York", "N.Y."),
    "NC": ("North Carolina", "N.C."),
    "ND": ("North Dakota", "N.D."),
    "OH": ("Ohio", "Ohio"),
    "OK": ("Oklahoma", "Okla."),
    "OR": ("Oregon", "Ore."),
    "PA": ("Pennsylvania", "Pa."),
    "RI": ("Rhode Island", "R.I."),
    "SC": ("South Carolina", "S.C."),
    "SD": ("South Dakota", "S.D."),
    "TN": ("Tennessee", "Tenn."),
    "TX": ("Texas", "Texas"),
    "UT": ("Utah", "Utah"),
    "VT": ("Vermont", "Vt."),
    "VA": ("Virginia", "Va."),
    "WA": ("Washington", "Wash."),
    "WV": ("West Virginia", "W.Va."),
    "WI": ("Wisconsin", "Wis."),
    "WY": ("Wyoming", "Wyo."),
}
"""USPS code → (name, AP abbreviation), the 50 states and the District of Columbia."""

STATES = (*_AP, *(name for name, _ in _AP.values()))
"""Every way a state may be written: its USPS code or its name."""

_CODES = {name.casefold(): code for code, (name, _) in _AP.items()} | {c.casefold(): c for c in _AP}

STAND_ALONE = {
    "ATLANTA": "GA",
    "BALTIMORE": "MD",
    "BOSTON": "MA",
    "CHICAGO": "IL",
    "CINCINNATI": "OH",
    "CLEVELAND": "OH",
    "DALLAS": "TX",
    "DENVER": "CO",
    "DETROIT": "MI",
    "HONOLULU": "HI",
    "HOUSTON": "TX",
    "INDIANAPOLIS": "IN",
    "LAS VEGAS": "NV",
    "LOS ANGELES": "CA",
    "MIAMI": "FL",
    "MILWAUKEE": "WI",
    "MINNEAPOLIS": "MN",
    "NEW ORLEANS": "LA",
    "NEW YORK": "NY",
    "OKLAHOMA CITY": "OK",
    "PHILADELPHIA": "PA",
    "PHOENIX": "AZ",
    "PITTSBURGH": "PA",
    "ST. LOUIS": "MO",
    "SALT LAKE CITY": "UT",
    "SAN ANTONIO": "TX",
    "SAN DIEGO": "CA",
    "SAN FRANCISCO": "CA",
    "SEATTLE": "WA",
    "WASHINGTON": "DC",
}
"""The U.S. cities AP's datelines name without a state, with the state each is in (a
Washington elsewhere, "WASHINGTON, Pa.", keeps its state)."""


def dateline(city: str, state: str = "") -> str:
    """The dateline of `city` in `state` (a USPS code or name; empty for a city that stands
    alone), ending in " —", the text to follow after a space; ValueError for a state that
    is not one."""
    city = " ".join(city.split()).upper()
    if not city:
        return ""
    code = _CODES.get(state.strip().casefold()) if state.strip() else None
    if state.strip() and code is None:
        raise ValueError(f"'{state}' is not a U.S. state (a USPS code or name)")
    if code is None or STAND_ALONE.get(city) == code:
        return f"{city} —"
    return f"{city}, {_AP[code][1]} —"
