"""The package's shape: folders by pipeline stage, imports pointing one way (down)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pressbrief"
STAGES = ("errors", "files", "assets", "content", "pdf", "typeset", "build", "delivery")
"""Lowest first: a module may import from its own stage and the stages before it. The
foundation (errors, files, assets) is one stage; `__init__`, `cli` and `__main__` sit on top."""
FOUNDATION = {"errors", "files", "assets"}


def _stage(parts: tuple[str, ...]) -> int:
    name = parts[0]
    if name in FOUNDATION:
        return 0
    if name in STAGES:
        return STAGES.index(name) - len(FOUNDATION) + 1
    return len(STAGES)  # __init__, cli, __main__


def _imports(file: Path) -> list[tuple[int, tuple[str, ...]]]:
    """(line, module path inside the package) of every relative import, lazy ones too;
    imports for type checking only (`if TYPE_CHECKING:`) do not run and are left out."""
    here = file.relative_to(PACKAGE).parent.parts
    tree = ast.parse(file.read_text())
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - node.level + 1]
            module = tuple(node.module.split(".")) if node.module else ()
            targets = [base + module] if module else [(*base, a.name) for a in node.names]
            found += [(node.lineno, target) for target in targets if target]
    return found


def test_imports_point_down_the_pipeline() -> None:
    wrong = []
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = file.relative_to(PACKAGE).with_suffix("").parts
        for line, target in _imports(file):
            if _stage(target) > _stage(parts):
                wrong.append(f"{file.relative_to(PACKAGE)}:{line} imports {'.'.join(target)}")
    assert not wrong, "imports pointing up the pipeline:\n" + "\n".join(wrong)


def test_every_stage_is_a_folder_of_modules() -> None:
    flat = {f.stem for f in PACKAGE.glob("*.py")}
    assert flat == FOUNDATION | {"__init__", "__main__", "cli"}
    for stage in STAGES[len(FOUNDATION) :]:
        modules = list((PACKAGE / stage).glob("*.py"))
        assert len(modules) > 2, stage
        for module in modules:
            if module.name != "__init__.py":
                assert ast.get_docstring(ast.parse(module.read_text())), (
                    f"{module} has no docstring"
                )
