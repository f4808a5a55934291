"""Accessibility a validator accepts: every output passes the PyPI checker `pdfua`, and
every tag painted on a page belongs to the structure tree (checked here, with pikepdf)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pytest
from pdfua import validate

from pressbrief import load_config
from pressbrief.content.read import load_briefs
from pressbrief.pdf import tagging
from pressbrief.typeset.render import render_pdf

from .conftest import MINIMAL, REPO, run
from .test_kits import TITLES, copy_example

EXAMPLES = sorted((REPO / "content").glob("*.yaml"))

PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "BI", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
"""Operators that put something on the page (text, images, forms, shadings, paths)."""

UNCHECKED = {"UA-14-001"}
"""pdfua 0.1.3 cannot run its empty-heading rule with pikepdf 10 (`getattr` on an array
raises ValueError); `tagging_problems` checks headings instead."""


def assert_accessible(path: Path) -> None:
    """`path` passes every rule pdfua runs, and has no tagging problem of our own."""
    report = validate(str(path))
    assert [f"{f.rule_id}: {f.message}" for f in report.findings] == []
    assert {o.rule_id for o in report.outcomes if o.skipped} <= UNCHECKED
    assert tagging_problems(path) == []


def tagging_problems(path: Path) -> list[str]:
    """What a screen reader would stumble on: marked content that no element reachable
    from the structure tree root owns (an orphan), content painted outside any tagged or
    artifact sequence, tags inside an artifact, empty headings, and annotations the tree
    names that are not on their page."""
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot
        owners = _parent_tree(tree)
        reached: set[tuple[tuple[int, int], int]] = set()
        problems += _walk(tree, None, reached)
        for number, page in enumerate(pdf.pages, 1):
            mcids, loose = _marked_content(page.obj, page.obj)
            problems += [f"page {number}: {what}" for what in loose]
            parents = owners.get(int(page.obj.get("/StructParents", -1)), [])
            for mcid in mcids:
                owned = mcid < len(parents) and parents[mcid] is not None
                if not owned or (page.obj.objgen, mcid) not in reached:
                    problems.append(f"page {number}: MCID {mcid} is an orphan")
    return problems


def _parent_tree(tree: pikepdf.Dictionary) -> dict[int, list[object]]:
    numbers = tree.ParentTree.Nums
    return {
        int(numbers[i]): list(numbers[i + 1]) if isinstance(numbers[i + 1], pikepdf.Array) else []
        for i in range(0, len(numbers), 2)
    }


def _walk(
    node: pikepdf.Dictionary, page: pikepdf.Object | None, reached: set[tuple[tuple[int, int], int]]
) -> list[str]:
    """Record the (page, MCID) pairs the elements below `node` own; report empty headings."""
    problems = []
    page = node.get("/Pg", page)
    kids = node.get("/K", [])
    before = len(reached)
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            assert page is not None
            reached.add((page.objgen, int(kid)))
        elif kid.get("/Type") == "/MCR":
            reached.add((kid.get("/Pg", page).objgen, int(kid.MCID)))
        elif kid.get("/Type") == "/OBJR":
            shown = kid.get("/Pg", page).get("/Annots", [])
            if kid.Obj.objgen not in {a.objgen for a in shown}:
                problems.append(f"{node.S} names an annotation that is not on its page")
        elif "/S" in kid:
            problems += _walk(kid, page, reached)
    role = str(node.get("/S", ""))
    if role[1:2] == "H" and role[2:].isdigit() and len(reached) == before:
        problems.append(f"empty heading {role}")
    return problems


def _marked_content(
    content: pikepdf.Object, resources_owner: pikepdf.Object
) -> tuple[list[int], list[str]]:
    """The MCIDs painted by a page or form, and what it paints outside any sequence."""
    mcids: list[int] = []
    loose: list[str] = []
    stack: list[str] = []
    xobjects = resources_owner.get("/Resources", {}).get("/XObject", {})
    for operands, operator in pikepdf.parse_content_stream(content):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            if op == "BDC" and not isinstance(operands[1], pikepdf.Name) and "/MCID" in operands[1]:
                if "Artifact" in stack:
                    loose.append(f"MCID {int(operands[1].MCID)} inside an artifact")
                mcids.append(int(operands[1].MCID))
            stack.append("Artifact" if tag == "/Artifact" else tag)
        elif op == "EMC":
            stack.pop()
        elif op in PAINTING and not stack:
            form = xobjects.get(operands[0]) if op == "Do" else None
            if form is not None and form.Subtype == "/Form":
                inner, inner_loose = _marked_content(form, form)
                mcids += inner
                loose += inner_loose
            else:
                loose.append(f"{op} painted outside any tagged or artifact sequence")
    return mcids, loose


@pytest.fixture(scope="module")
def print_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built for a print shop, its kit printed duplex (notes pages)."""
    folder = copy_example(tmp_path_factory.mktemp("print"))
    with (folder / "kits" / "debate-night.yaml").open("a", encoding="utf-8") as kit:
        kit.write("duplex: true\n")
    assert run("build", folder, "--profile", "print") == 0
    return folder / "dist"


def outputs(folder: Path) -> Iterator[Path]:
    yield from sorted(folder.rglob("*.pdf"))


def test_every_screen_output_is_accessible(example_dist: Path) -> None:
    pdfs = list(outputs(example_dist.parent))
    assert len(pdfs) == len(EXAMPLES) + 1  # the one-pagers and the kit
    for pdf in pdfs:
        assert_accessible(pdf)


def test_every_print_output_is_accessible_and_claims_pdf_ua(print_dist: Path) -> None:
    pdfs = list(outputs(print_dist))
    assert len(pdfs) == len(EXAMPLES) + 1
    with pikepdf.open(print_dist / "print" / "kits" / "debate-night.pdf") as kit:
        assert len(kit.pages) == 2 + 2 * len(TITLES)  # cover, contents, each with its notes
    for pdf in pdfs:
        assert_accessible(pdf)
        with pikepdf.open(pdf) as document, document.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"


def test_the_footer_is_a_pagination_artifact(example_dist: Path) -> None:
    with pikepdf.open(example_dist / "russia-syria.pdf") as pdf:
        content = pdf.pages[0].Contents.read_bytes()
    assert content.count(b"/Artifact <</Type /Pagination>> BDC") == 3  # two footer boxes
    assert content.rstrip().endswith(b"Q")


def test_list_markers_are_labels(example_dist: Path) -> None:
    with pikepdf.open(example_dist / "russia-syria.pdf") as pdf:
        items = [e for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/LI"]
    roles = [[str(k.S) for k in item.K] for item in items]
    # Five numbered talking points (a label, then the body); three bulleted questions,
    # whose bullet is drawn, not written, so only a body.
    assert roles == [["/Lbl", "/LBody"]] * 5 + [["/LBody"]] * 3


def test_one_link_per_kit_contents_entry(example_dist: Path) -> None:
    kit = example_dist.parent / "kits" / "debate-night.pdf"
    with pikepdf.open(kit) as pdf:
        links = [a for a in pdf.pages[1].Annots if a.Subtype == "/Link"]
        cover = next(e for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Figure")
        assert str(cover.Alt) == "John Hay Initiative emblem"
    assert [str(a.Contents) for a in links] == [f"Go to: {title}" for title in TITLES]


def test_the_check_finds_what_weasyprint_leaves_untagged(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without `tagging`, WeasyPrint's own PDF: the footer's text is orphaned."""
    brief = project(b=MINIMAL) / "content" / "b.yaml"
    config = load_config(brief)
    (loaded,) = load_briefs([brief], config)
    monkeypatch.setattr(tagging, "complete", lambda pdf, print_shop: pdf)
    _, data, _ = render_pdf(loaded, config)  # in this process, so the patch holds
    brief.with_suffix(".pdf").write_bytes(data)
    problems = tagging_problems(brief.with_suffix(".pdf"))
    # The footer's organization line (no contact here; a one-pager prints no page number).
    assert len(problems) == 1 and all(p.endswith("is an orphan") for p in problems)


def _elements(node: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)
