"""Press kits: cover, contents, outline, labels, links, one structure tree, shared fonts."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from pressbrief import BuildOptions, build_kit, build_project

from .conftest import MINIMAL, REPO, normalise, run
from .test_example import seed_sentences

TITLES = [
    "Can the U.S. Cooperate with Russia in Syria?",
    "Can Europe Keep the Lights On This Winter?",
    "Should Cities Build Their Own Broadband Networks?",
    "Former Officials Open a Nonpartisan Desk to Fact-Check the Presidential Debates",
    "JHI Experts Brief Reporters on National Security Before the St. Louis Debate",
    "The 2016 Debates by the Numbers",
]
"""The titles of the example kit's documents, in order (each one page)."""


def copy_example(folder: Path) -> Path:
    """The bundled example project, copied so its cache and outputs stay in `folder`."""
    for name in ("content", "assets", "kits"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "pressbrief.yaml", folder / "pressbrief.yaml")
    return folder


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once (two worker processes)."""
    folder = copy_example(tmp_path_factory.mktemp("example"))
    build_project(folder, None, BuildOptions(jobs=2))
    return folder


@pytest.fixture(scope="module")
def kit_pdf(example: Path) -> Path:
    return example / "dist" / "kits" / "debate-night.pdf"


def test_outline_labels_and_metadata(kit_pdf: Path) -> None:
    reader = PdfReader(kit_pdf)
    outline = reader.outline
    assert [item.title for item in outline] == ["Cover", "Contents", *TITLES]  # type: ignore[union-attr]
    pages = list(range(len(TITLES) + 2))
    assert [reader.get_destination_page_number(item) for item in outline] == pages  # type: ignore[arg-type]
    assert reader.page_labels == ["Cover", "i", *(str(n) for n in range(1, len(TITLES) + 1))]
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Debate Night Briefing Book"
    assert meta.author == "John Hay Initiative"
    assert meta.subject == "Press kit: Second Presidential Debate, St. Louis"
    keywords = meta["/Keywords"].split(", ")
    assert keywords[:3] == ["Russia", "Syria", "ISIS"] and "broadband" in keywords
    assert len(keywords) == len(set(keywords))
    assert reader.trailer["/Root"]["/Lang"] == "en-US"


def test_contents_lists_titles_pages_and_links_to_them(kit_pdf: Path) -> None:
    reader = PdfReader(kit_pdf)
    contents = reader.pages[1]
    text = " ".join(contents.extract_text().split())  # a long title runs over two lines
    for number, title in enumerate(TITLES, 1):
        assert f"{number} {title}" in text
    targets = {}
    for annotation in contents["/Annots"]:
        annotation = annotation.get_object()
        action = annotation["/A"]
        assert action["/S"] == "/GoTo"
        page = reader.get_page_number(action["/D"][0].get_object())
        targets[str(annotation["/Contents"])] = page
    assert targets == {f"Go to: {title}": index for index, title in enumerate(TITLES, 2)}
    for index, title in enumerate(TITLES, 2):
        assert normalise(title) in normalise(reader.pages[index].extract_text())


def test_contents_entries_say_what_each_brief_is(kit_pdf: Path) -> None:
    text = normalise(PdfReader(kit_pdf).pages[1].extract_text())
    # The summary's first sentence ("U.S." does not end it), kind, date, series, embargo.
    for dek, meta in [
        (
            "Trump’s assertion that Washington should collaborate with Moscow in order to "
            "defeat ISIS is based on wishful thinking.",
            "ISSUE BRIEF · JHI ON THE ISSUES 2016",
        ),
        (
            "Europe enters the winter with gas storage above 90 percent and more import "
            "capacity than at any point since 2021.",
            "ISSUE BRIEF · NOVEMBER 20, 2026 · JHI ON THE ISSUES 2026",
        ),
        (
            "Municipal broadband can close coverage gaps, but its record is mixed.",
            "ISSUE BRIEF · MARCH 12, 2026 · JHI ON THE ISSUES 2026",
        ),
    ]:
        assert normalise(f"{dek} {meta}") in text
    assert "Networks that succeed" not in text  # one sentence, not the whole summary
    embargo = normalise("EMBARGOED UNTIL 9:00 A.M. ET, MONDAY, NOVEMBER 23, 2026")
    assert text.count(embargo) == 2  # the band, and the embargoed brief's entry
    assert text.index(embargo) < text.index(normalise(TITLES[0]))
    assert normalise("About this kit Russia, energy and broadband") in text
    assert normalise("Press office press@jhi.example (202) 555-0148") in text


def test_an_embargoed_member_puts_a_band_on_the_cover(
    kit_pdf: Path, project: Callable[..., Path], with_logo: str
) -> None:
    cover = PdfReader(kit_pdf).pages[0].extract_text()
    assert "EMBARGOED UNTIL 9:00 A.M. ET, MONDAY, NOVEMBER 23, 2026" in cover
    folder = kit_project(project, with_logo, k="title: K\nbriefs: [a, b]\n")
    reader = PdfReader(one_kit(folder, "k", "k.pdf"))
    assert not any("EMBARGOED" in page.extract_text() for page in reader.pages)


def test_links_inside_briefs_still_work(kit_pdf: Path) -> None:
    reader = PdfReader(kit_pdf)
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in reader.pages[4].get("/Annots", [])
        if annotation.get_object()["/A"].get("/URI")
    ]
    assert uris == [
        "https://jhi.example/research/wired-cities",
        "https://jhi.example/explainers/open-access",
    ]


def test_a_one_pager_footer_names_the_press_office_and_prints_no_page_number(
    example: Path,
) -> None:
    text = PdfReader(example / "dist" / "briefs" / "russia-syria.pdf").pages[0].extract_text()
    footer = text.splitlines()[-2:]
    assert footer == [
        "JHI on the Issues 2016 · jhi.example/issues",
        "Press Office: press@jhi.example · (202) 555-0148",
    ]
    assert "Page 1" not in text


def test_every_brief_page_carries_the_kit_folio_of_its_contents_entry(kit_pdf: Path) -> None:
    reader = PdfReader(kit_pdf)
    contents = " ".join(reader.pages[1].extract_text().split())
    for index in range(2, len(TITLES) + 2):
        label = reader.page_labels[index]
        footer = reader.pages[index].extract_text().splitlines()[-1]
        assert footer == f"Debate Night Briefing Book · {label}"
        assert f"{label} {TITLES[index - 2]}" in contents
    assert reader.pages[1].extract_text().splitlines()[-1] == "Debate Night Briefing Book · i"


def test_briefs_differ_from_their_one_pagers_in_the_folio_only(
    example: Path, kit_pdf: Path
) -> None:
    kit = pdfium.PdfDocument(kit_pdf)
    for index, slug in enumerate(["russia-syria", "energy-winter", "broadband-compact"], 2):
        alone = pdfium.PdfDocument(example / "dist" / "briefs" / f"{slug}.pdf")
        a = kit[index].render(scale=1).to_pil().convert("RGB")
        b = alone[0].render(scale=1).to_pil().convert("RGB")
        box = ImageChops.difference(a, b).getbbox()
        assert box is not None, slug  # the folio is there
        left, top, right, bottom = box
        # Only in the footer's right-hand corner: below the text area, right of the
        # footer's left-hand block (3.2 in wide from the 0.5 in margin), inside the margin.
        assert top > 792 - 0.6 * 72 and bottom < 792 - 0.1 * 72, (slug, box)
        assert left > (0.5 + 3.2) * 72 and right <= 612 - 0.5 * 72 + 1, (slug, box)
        alone.close()
    kit.close()


def test_the_folio_is_a_pagination_artifact(kit_pdf: Path) -> None:
    page = PdfReader(kit_pdf).pages[2]
    *_, folio = page["/Contents"]
    drawn = folio.get_object().get_data()
    assert drawn.startswith(b"Q\nq\n/Artifact <<\n/Type /Pagination\n/Subtype /Footer\n>> BDC")
    assert b"MCID" not in drawn and drawn.count(b"BDC") == 1
    assert drawn.rstrip().endswith(b"EMC\nQ")
    names = {str(name) for name in page["/Resources"]["/Font"]}
    assert any(name.endswith("-folio") for name in names)


def test_fonts_are_embedded_once_and_text_still_extracts(kit_pdf: Path) -> None:
    reader = PdfReader(kit_pdf)
    programs: dict[str, set[int]] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            program = descriptor.raw_get(
                "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
            )
            name = str(font["/BaseFont"]).split("+", 1)[1]
            programs.setdefault(name, set()).add(program.idnum)
    assert all(len(ids) == 1 for ids in programs.values()), programs
    assert {"Inter-Bold", "NotoSerif-Regular"} <= set(programs)
    text = normalise(reader.pages[2].extract_text())
    assert all(normalise(sentence) in text for sentence in seed_sentences()[1:])


def walk_structure(reader: PdfReader) -> tuple[DictionaryObject, list[DictionaryObject]]:
    """The /Document element and every element below it, checking /P links on the way."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    (document,) = root["/K"]
    document = document.get_object()
    elements: list[DictionaryObject] = []

    def visit(element: DictionaryObject, parent: IndirectObject) -> None:
        assert element.raw_get("/P").idnum == parent.idnum
        elements.append(element)
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, IndirectObject) and "/S" in kid.get_object():
                visit(kid.get_object(), element.indirect_reference)

    for kid in document["/K"]:
        visit(kid.get_object(), document.indirect_reference)
    return document, elements


def test_one_structure_tree_in_reading_order(kit_pdf: Path) -> None:
    reader = PdfReader(kit_pdf)
    document, elements = walk_structure(reader)
    assert document["/S"] == "/Document" and document["/Lang"] == "en-US"
    parts = [kid.get_object() for kid in document["/K"]]
    assert [p["/S"] for p in parts] == ["/Sect"] + ["/Art"] * len(TITLES)
    assert [p["/T"] for p in parts[1:]] == TITLES
    languages = ["en-US", "en-US", "en-GB"] + ["en-US"] * (len(TITLES) - 2)  # each its own
    assert [p["/Lang"] for p in parts] == languages
    # Every page element and marked-content reference points at a page of the kit.
    page_ids = {page.indirect_reference.idnum for page in reader.pages}
    for element in elements:
        if "/Pg" in element:
            assert element.raw_get("/Pg").idnum in page_ids
    # The parent tree has an entry for every page and every tagged annotation.
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys))
    wanted = [int(page["/StructParents"]) for page in reader.pages]
    wanted += [
        int(a.get_object()["/StructParent"])
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/StructParent" in a.get_object()
    ]
    assert sorted(wanted) == sorted(keys)
    assert reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTreeNextKey"] == max(keys) + 1
    # Reading order: the cover and contents first, then each brief's headline.
    headings = [e for e in elements if e["/S"] == "/H1"]
    assert len(headings) == 2 + len(TITLES)  # kit title, "Contents", each document's title


def one_kit(folder: Path, name: str, output: str, force: bool = False) -> Path:
    """Build kits/NAME.yaml of `folder` to `output` (no workers); the PDF written."""
    options = BuildOptions(jobs=1, force=force)
    return build_kit(folder / "kits" / f"{name}.yaml", folder / output, options)[0].output


def kit_project(project: Callable[..., Path], with_logo: str, **kits: str) -> Path:
    folder = project(with_logo, a=MINIMAL, b=MINIMAL.replace("Minimal", "Second"), c=MINIMAL)
    (folder / "kits").mkdir()
    for name, text in kits.items():
        (folder / "kits" / f"{name}.yaml").write_text(text)
    return folder


def test_duplex_starts_every_brief_on_a_right_hand_page_with_notes_on_the_back(
    project: Callable[..., Path], with_logo: str
) -> None:
    questions = "press_questions: [Who pays?, When?]\n"
    folder = kit_project(project, with_logo, d="title: Duplex\nbriefs: [a, b]\nduplex: true\n")
    (folder / "content" / "b.yaml").write_text(MINIMAL.replace("Minimal", "Second") + questions)
    reader = PdfReader(one_kit(folder, "d", "d.pdf"))
    texts = [page.extract_text().replace("\xa0", " ") for page in reader.pages]
    # Cover, contents on the inside cover; each brief on a right-hand page, its notes on
    # the back: no blank page.
    assert len(texts) == 6
    assert reader.page_labels == ["Cover", "i", "1", "2", "3", "4"]
    assert "A Minimal Brief" in texts[2] and "A Second Brief" in texts[4]
    assert "1 A Minimal Brief" in texts[1] and "3 A Second Brief" in texts[1]
    for index, title in ((3, "A Minimal Brief"), (5, "A Second Brief")):
        assert texts[index].startswith(f"NOTES\n{title}\n")
        assert texts[index].endswith(f"Duplex · {reader.page_labels[index]}")
    assert "QUESTIONS THE PRESS SHOULD BE ASKING" not in texts[3]
    # (a paragraph's last two words are tied with a no-break space)
    assert "QUESTIONS THE PRESS SHOULD BE ASKING\nWho pays?" in texts[5].replace("\xa0", " ")
    document, _ = walk_structure(reader)
    assert [kid.get_object()["/S"] for kid in document["/K"]] == ["/Sect", "/Art", "/Art", "/Sect"]


def test_duplex_opening_pages_of_odd_count_end_on_a_notes_page(
    project: Callable[..., Path], with_logo: str
) -> None:
    text = "title: D\nbriefs: [a]\nduplex: true\ncontents: false\n"
    reader = PdfReader(one_kit(kit_project(project, with_logo, d=text), "d", "d.pdf"))
    texts = [page.extract_text().replace("\xa0", " ") for page in reader.pages]
    assert reader.page_labels == ["Cover", "i", "1", "2"]
    assert texts[1].startswith("D\nNotes\n") and "A Minimal Brief" in texts[2]


def test_folios_follow_a_brief_longer_than_a_page(
    project: Callable[..., Path], with_logo: str
) -> None:
    long = MINIMAL.replace("Minimal", "Long") + "analysis: |\n" + "  Words go on and on. \n\n" * 120
    folder = kit_project(project, with_logo, k="title: K\nbriefs: [long, b]\n")
    (folder / "content" / "long.yaml").write_text(long)
    options = BuildOptions(jobs=1, allow_overflow=True)
    (built,) = build_kit(folder / "kits" / "k.yaml", folder / "k.pdf", options)
    reader = PdfReader(built.output)
    texts = [page.extract_text().replace("\xa0", " ") for page in reader.pages]
    pages = len(texts) - 3  # of the long brief: all but the cover, contents and brief b
    assert pages >= 2
    assert reader.page_labels == ["Cover", "i", *(str(n) for n in range(1, pages + 2))]
    assert [t.endswith(f"K · {n}") for n, t in enumerate(texts[2:], 1)] == [True] * (pages + 1)
    assert "Page" not in texts[2]  # the brief's own numbers, from its second page on
    assert all(f"Page {n} of {pages}" in texts[n + 1] for n in range(2, pages + 1))
    assert f"{pages + 1} A Second Brief" in texts[1]


def test_options_and_paper(project: Callable[..., Path], with_logo: str) -> None:
    text = "title: Plain\nbriefs: [b, a]\ncover: false\ncontents: false\npaper: a4\n"
    folder = kit_project(project, with_logo, p=text)
    reader = PdfReader(one_kit(folder, "p", "p.pdf"))
    assert [item.title for item in reader.outline] == ["A Second Brief", "A Minimal Brief"]  # type: ignore[union-attr]
    assert reader.page_labels == ["1", "2"]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_kit_validation(
    project: Callable[..., Path], with_logo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "title: Bad\nbriefs:\n  - a\n  - bb\n  - a\nduplex: maybe\ncolour: red\n"
    folder = kit_project(project, with_logo, bad=text)
    assert run("check", folder) == 1
    err = capsys.readouterr().err
    file = folder / "kits" / "bad.yaml"
    assert f"{file}:6: duplex: expected true or false, got 'maybe'" in err
    assert f"{file}:7: colour: unknown field" in err
    (folder / "kits" / "bad.yaml").write_text("title: Bad\nbriefs:\n  - a\n  - bb\n  - a\n")
    assert run("kit", folder / "kits" / "bad.yaml") == 1
    err = capsys.readouterr().err
    assert f"{file}:4: briefs[1]: no brief 'bb' in content/ (did you mean 'b'?); " in err
    assert f"{file}:5: briefs[2]: 'a' is listed twice" in err
    assert not (folder / "kits" / "bad.pdf").exists()


def test_a_kit_whose_brief_fails_is_not_written(
    project: Callable[..., Path], with_logo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "title: Huge\nsummary: S\ntalking_points:\n" + "  - Far too long a point. \n" * 400
    folder = kit_project(project, with_logo, k="title: K\nbriefs: [a, huge]\n")
    (folder / "content" / "huge.yaml").write_text(huge)
    assert run("build", folder, "--jobs", "1") == 3
    err = capsys.readouterr().err
    assert "huge.yaml: does not fit on one page" in err
    assert f"{folder / 'kits' / 'k.yaml'}: not built, because these briefs failed: huge" in err
    assert not (folder / "dist" / "kits" / "k.pdf").exists()
    assert (folder / "dist" / "briefs" / "a.pdf").exists()


def test_same_inputs_same_kit_bytes(project: Callable[..., Path], with_logo: str) -> None:
    folder = kit_project(project, with_logo, k="title: K\nbriefs: [a, b]\nduplex: true\n")
    first = one_kit(folder, "k", "1.pdf").read_bytes()
    again = one_kit(folder, "k", "2.pdf", force=True)
    assert again.read_bytes() == first


def test_internal_links_of_a_brief_still_land_in_the_kit(
    project: Callable[..., Path], with_logo: str
) -> None:
    folder = kit_project(project, with_logo, k="title: K\nbriefs: [a, linked]\n")
    (folder / "content" / "linked.yaml").write_text(
        "title: Linked\nsummary: See [the analysis](#linked-analysis).\n"
        "talking_points: [One]\nanalysis: Here it is.\n"
    )
    reader = PdfReader(one_kit(folder, "k", "k.pdf"))
    (link,) = [a.get_object() for a in reader.pages[3]["/Annots"]]
    target = reader.named_destinations[str(link["/Dest"])]
    assert reader.get_destination_page_number(target) == 3
    assert "Here it is." in reader.pages[3].extract_text().replace("\xa0", " ")


def test_briefs_with_spaces_quotes_and_accents_in_their_names_join_a_kit(
    project: Callable[..., Path],
) -> None:
    names = ["a b", 'q"uote', "über"]
    folder = project(
        **{name: MINIMAL.replace("Minimal", f"Brief {i}") for i, name in enumerate(names)}
    )
    (folder / "kits").mkdir()
    (folder / "kits" / "k.yaml").write_text(
        "title: K\nbriefs: ['a b', 'q\"uote', über]\n", encoding="utf-8"
    )
    assert run("build", folder, "--jobs", "1") == 0
    reader = PdfReader(folder / "dist" / "kits" / "k.pdf")
    targets = {
        str(annotation["/Contents"]): reader.get_page_number(annotation["/A"]["/D"][0].get_object())
        for annotation in (a.get_object() for a in reader.pages[1].get("/Annots", []))
    }
    assert targets == {f"Go to: A Brief {i} Brief": i + 2 for i in range(3)}


def test_a_kit_mixes_document_types_and_names_each_in_its_contents(kit_pdf: Path) -> None:
    reader = PdfReader(kit_pdf)
    contents = normalise(reader.pages[1].extract_text())
    for kind in ("ISSUE BRIEF", "PRESS RELEASE", "MEDIA ADVISORY", "FACT SHEET"):
        assert normalise(kind) in contents, kind
    pages = [normalise(page.extract_text()) for page in reader.pages[2:]]
    assert normalise("FOR IMMEDIATE RELEASE") in pages[3] and "###" in pages[3]
    assert normalise("For planning purposes only") in pages[4]
    assert normalise("WHO") in pages[4] and normalise("WHERE") in pages[4]
    assert "84.0" in pages[5]  # the fact sheet's chart, as text


def test_a_title_keeps_its_last_two_words_and_a_name_together() -> None:
    from pressbrief.typeset.html import tie

    assert tie("Before the St. Louis Debate") == "Before the St.\u00a0Louis\u00a0Debate"
    assert tie("Debate Night Briefing Book") == "Debate Night Briefing\u00a0Book"
    assert tie("Alone") == "Alone"
