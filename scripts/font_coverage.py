"""Write fonts/coverage.txt: the characters the bundled fonts have (run after changing
them; tests/test_fonts_coverage.py checks it is up to date).

    .venv/bin/python scripts/font_coverage.py
"""

from pressbrief.content.fonts import COVERAGE, coverage, faces

COVERAGE.write_text(coverage((face.path, 0) for face in faces()), encoding="ascii")
print(f"{COVERAGE}: {len(COVERAGE.read_text().split())} ranges")
