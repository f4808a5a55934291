"""The bundled fonts' character list, read by `check` instead of the fonts themselves."""

from __future__ import annotations

from pressbrief.content.fonts import COVERAGE, coverage, faces


def test_the_coverage_list_is_that_of_the_bundled_fonts() -> None:
    written = COVERAGE.read_text(encoding="ascii")
    assert written == coverage((face.path, 0) for face in faces()), (
        "the bundled fonts changed: run scripts/font_coverage.py"
    )
    assert "0041-" in written or any(
        int(a, 16) <= 0x41 <= int(b, 16) for a, b in (r.split("-") for r in written.split())
    )
