"""Shared libraries and packages → a fingerprint of what makes a PDF's bytes, and which
font subsetter WeasyPrint uses.

The same HTML gives the same PDF only with the same WeasyPrint, pypdf, fontTools, Pango and
HarfBuzz, and the same subsetter: HarfBuzz's (libharfbuzz-subset) or, where that library is
missing, fontTools'. Each makes other bytes. The same content gives the same HTML only with
the same tzdata, which names the zones of embargoes. `PRESSBRIEF_SUBSETTER=fonttools` makes every
machine use fontTools, for the bytes a machine without libharfbuzz-subset makes. Read
without importing WeasyPrint (half a second), so `check` and a build with nothing to do stay
quick.
"""

from __future__ import annotations

import ctypes
import logging
import os
from contextlib import suppress
from ctypes.util import find_library
from importlib.metadata import version
from itertools import chain

log = logging.getLogger(__name__)

SUBSETTER = "PRESSBRIEF_SUBSETTER"
"""Environment variable: 'fonttools' to subset fonts with fontTools even where HarfBuzz's
subsetter is installed."""

# The names WeasyPrint 70 (weasyprint/text/ffi.py) loads these libraries by.
_LIBRARIES = {
    "pango": (
        "libpango-1.0-0",
        "pango-1.0-0",
        "pango-1.0",
        "libpango-1.0.so.0",
        "libpango-1.0.dylib",
        "libpango-1.0-0.dll",
    ),
    "harfbuzz": (
        "libharfbuzz-0",
        "harfbuzz",
        "harfbuzz-0.0",
        "libharfbuzz.so.0",
        "libharfbuzz.0.dylib",
        "libharfbuzz-0.dll",
    ),
    "harfbuzz-subset": (
        "libharfbuzz-subset-0",
        "harfbuzz-subset",
        "harfbuzz-subset-0.0",
        "libharfbuzz-subset.so.0",
        "libharfbuzz-subset.0.dylib",
        "libharfbuzz-subset-0.dll",
    ),
}


def _library(name: str) -> ctypes.CDLL | None:
    """The shared library `name`, found as WeasyPrint's cffi finds it: by one of its names,
    else through `ctypes.util.find_library` (slower: only where no name loads)."""
    names = _LIBRARIES[name]
    for candidate in chain(names, (find_library(n) for n in names)):
        if candidate is not None:
            with suppress(OSError):
                return ctypes.CDLL(candidate)
    return None


def _version_string(library: str, function: str) -> str:
    """What `function` (a C function returning a version string) of `library` says."""
    loaded = _library(library)
    if loaded is None:
        return "missing"
    call = getattr(loaded, function)
    call.restype = ctypes.c_char_p
    return str(call().decode())


def fonttools_forced() -> bool:
    """Whether SUBSETTER asks for fontTools (an unknown value is reported and ignored)."""
    value = os.environ.get(SUBSETTER, "")
    if value not in ("", "fonttools"):
        log.warning("%s=%s is not 'fonttools'; ignored", SUBSETTER, value)
    return value == "fonttools"


def subsetter() -> str:
    """The font subsetter WeasyPrint uses here, 'harfbuzz' or 'fonttools': fontTools if
    SUBSETTER says so (`pdf.py` then makes WeasyPrint use it), else as WeasyPrint 70 decides
    in `Font.subset` (weasyprint/pdf/fonts.py): HarfBuzz when libharfbuzz-subset loads and
    HarfBuzz is at least 4.1.0. Each makes other (reproducible) bytes."""
    if fonttools_forced():
        return "fonttools"
    harfbuzz = _library("harfbuzz")
    if _library("harfbuzz-subset") is None or harfbuzz is None:
        return "fonttools"
    return "harfbuzz" if harfbuzz.hb_version_atleast(4, 1, 0) else "fonttools"


def fingerprint() -> str:
    """The versions of WeasyPrint, pypdf, fontTools, tzdata, Pango and HarfBuzz, and the
    font subsetter in use, e.g. 'weasyprint 70.0 pypdf 7.1.1 fonttools 4.68.0 tzdata 2026.6
    pango 1.50.12 harfbuzz 6.0.0 subsetter harfbuzz'."""
    names = ("weasyprint", "pypdf", "fonttools", "tzdata")
    packages = " ".join(f"{name} {version(name)}" for name in names)
    pango = _version_string("pango", "pango_version_string")
    harfbuzz = _version_string("harfbuzz", "hb_version_string")
    return f"{packages} pango {pango} harfbuzz {harfbuzz} subsetter {subsetter()}"
