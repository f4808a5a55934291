"""Render the seed example and rasterize it to docs/example.png for the README.

Run: .venv/bin/python scripts/readme_image.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from pressbrief import render_brief

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "example.pdf"
        render_brief(ROOT / "content" / "russia-syria.yaml", pdf)
        document = pdfium.PdfDocument(pdf)
        image = document[0].render(scale=100 / 72).to_pil()
        document.close()
    target = ROOT / "docs" / "example.png"
    target.parent.mkdir(exist_ok=True)
    image.save(target, optimize=True)
    print(target)


if __name__ == "__main__":
    main()
