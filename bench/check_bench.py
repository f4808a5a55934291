"""Benchmark: `pressbrief check` as a whole process over 100 documents of mixed types.

A scratch project gets the example content (every built-in type) and scaffolds of every
type (`pressbrief new --type`) until it holds 100 documents. `check` then runs as its own
process, several times; the figure is its CPU time (user + system, from the kernel), the
target at most 0.3 s, with the CPU of a bare `python -c pass` beside it for scale and
whether the process imported WeasyPrint (it must not). The package's bytecode is compiled
first, as an installed wheel's is (where PYTHONDONTWRITEBYTECODE is set, as on this
machine, Python would otherwise compile every module again in every run). Run:

    .venv/bin/python bench/check_bench.py [--repeat N] [--documents N]
"""

from __future__ import annotations

import argparse
import compileall
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pressbrief
from pressbrief import document_types, new_brief

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import sys, runpy; sys.argv = ['pressbrief', 'check', {folder!r}];\n"
    "try: runpy.run_module('pressbrief', run_name='__main__')\n"
    "except SystemExit as done: code = done.code\n"
    "print('weasyprint' in sys.modules, file=sys.stderr); sys.exit(code)"
)


def cpu_of(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """CPU seconds (user + system) the command's process took, and how it ended."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used, done


def make_project(folder: Path, documents: int) -> int:
    """The example project's config, assets, layouts and content, then scaffolds of every
    type until there are `documents` documents; how many types they are."""
    shutil.copy(ROOT / "pressbrief.yaml", folder / "pressbrief.yaml")
    for name in ("assets", "content"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name)
    names = [found.schema.name for found in document_types(folder)]
    count = len(list((folder / "content").glob("*.yaml")))
    index = 0
    while count < documents:
        name = names[index % len(names)]
        new_brief(f"scaffold-{index:03d}", folder, "2026-11-25", name)
        index, count = index + 1, count + 1
    return len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--documents", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        kinds = make_project(folder, args.documents)
        package = Path(pressbrief.__file__).parent
        compileall.compile_dir(package, quiet=1)
        command = [sys.executable, "-c", PROBE.format(folder=str(folder))]
        cpu_of(command)  # warm the disk cache and the bytecode
        runs = [cpu_of(command) for _ in range(args.repeat)]
        bare = statistics.median(cpu_of([sys.executable, "-c", "pass"])[0] for _ in range(5))
    done = runs[-1][1]
    if done.returncode != 0:
        sys.exit(f"check failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    cpu = statistics.median(used for used, _ in runs)
    imported = done.stderr.strip().splitlines()[-1] == "True"
    print(f"check over {args.documents} documents of {kinds} types: {done.stdout.strip()}")
    print(f"  CPU per run (median of {args.repeat}): {cpu:.3f} s  (target ≤ 0.300 s)")
    print(f"  bare python -c pass:            {bare:.3f} s  (ratio {cpu / bare:.1f}×)")
    print(f"  WeasyPrint imported: {'YES (must not)' if imported else 'no'}")


if __name__ == "__main__":
    main()
