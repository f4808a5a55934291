"""The built wheel carries layouts and fonts and renders a brief outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from .conftest import MINIMAL, REPO


def test_wheel_renders_outside_the_repository(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", wheels, REPO],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("pressbrief-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--target",
            target,
            wheel,
        ],
        check=True,
        capture_output=True,
    )
    assert (target / "pressbrief" / "layouts" / "issue-brief" / "template.html").is_file()
    assert list((target / "pressbrief" / "fonts").glob("*/*.otf"))
    assert (target / "pressbrief" / "color" / "ISOcoated_v2_300_bas.icc").is_file()
    work = tmp_path / "elsewhere"
    (work / "content").mkdir(parents=True)
    (work / "content" / "b.yaml").write_text(MINIMAL)
    code = (
        "import pressbrief, sys; assert pressbrief.__file__.startswith(sys.argv[1]), "
        "pressbrief.__file__; from pressbrief.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    for extra in ([], ["--profile", "print"]):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                code,
                str(target),
                "render",
                "content/b.yaml",
                "-o",
                "b.pdf",
                *extra,
            ],
            cwd=work,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(target)},
        )
        assert done.returncode == 0, done.stderr
        assert len(PdfReader(work / "b.pdf").pages) == 1
    assert "/OutputIntents" in PdfReader(work / "b.pdf").trailer["/Root"]
