"""Front matter + brief PDFs → one press-kit PDF, assembled with pypdf.

Why two tools: WeasyPrint lays out the kit's own pages (cover and contents) in one pass,
as it does every page we print; the briefs are already PDFs (cached, rendered in worker
processes), so re-laying them out would waste the build. pypdf puts the pages in order and
adds what only the whole kit knows: the kit's folio on every brief page (`_stamp`), duplex
notes pages, contents links, outline, page labels, metadata, one structure tree for the
whole kit (`_StructureMerge`) and one font subset per face shared by every page
(`kitfonts.share_fonts`).

A brief in a kit is its one-pager with the kit's folio ("Debate Night Briefing Book · 3")
printed in the footer's right-hand corner, which briefs leave empty. The kit-cover layout
lays out all the folios in one document, one page each, set exactly like the kit's own
footer; assembly draws each over its brief page as a pagination artifact, and their glyphs
join the shared font subsets. Stamping costs no render per kit position: a kit re-uses the
cached one-pagers.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from ..content.fonts import Face
from ..content.model import Document, Kit
from ..content.schema import dek, document_schema
from ..content.schema import notes as notes_of
from ..pdf.kitfonts import as_dict, as_int, share_fonts
from ..pdf.pdfpack import write_compact
from ..pdf.tagging import kids
from ..typeset.html import Entry, Verso, first_sentence, format_embargo

log = logging.getLogger(__name__)

LINK_SCHEME = "pressbrief-kit:"
"""Contents entries link to `pressbrief-kit:SLUG`; assembly turns them into page links."""


@dataclass(frozen=True)
class Member:
    """A brief of the kit and its one-pager PDF."""

    brief: Document
    pdf: bytes
    pages: int


@dataclass(frozen=True)
class OwnPages:
    """The kit's own pages, laid out by the kit-cover layout."""

    front: bytes
    """Cover and contents."""
    notes: bytes | None
    """Duplex notes pages: a plain one ending the opening pages when they are odd in
    number, then one after each brief that ends on a right-hand page."""
    folios: bytes
    """One page per brief page, holding nothing but its folio."""


@dataclass(frozen=True)
class Plan:
    """Where a kit's pages go; page numbers are folios: the first brief page is 1."""

    starts: list[int]
    """The folio of each brief's first page."""
    notes: list[int | None]
    """The folio of the notes page after each brief, or None."""

    def folios(self, page_counts: list[int]) -> list[int]:
        """The folio of every brief page, in order."""
        return [n for s, c in zip(self.starts, page_counts, strict=True) for n in range(s, s + c)]


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def plan(page_counts: list[int], duplex: bool) -> Plan:
    """Where each brief starts and, in duplex, which briefs a notes page follows: one that
    ends on a right-hand page, so that the next starts on a right-hand page too.

    The kit's own pages are padded to an even count in duplex, so page number parity is
    physical parity: odd numbers are right-hand pages.
    """
    starts: list[int] = []
    notes: list[int | None] = []
    number = 1
    for count in page_counts:
        starts.append(number)
        number += count
        notes.append(number if duplex and number % 2 == 0 else None)
        number += notes[-1] is not None
    return Plan(starts, notes)


def roman(number: int) -> str:
    """A page number in lower-case roman numerals, as the kit's opening pages are labelled."""
    digits = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        digits.append(letters * count)
    return "".join(digits)


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
_ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def contents_entries(members: list[Document], starts: list[int]) -> list[Entry]:
    """The contents entries of a kit."""
    return [
        Entry(
            slug=b.slug,
            title=b.title,
            series=str(getattr(b, "series", "")),
            page=page,
            kind=document_schema(b).called,
            day=b.date,
            dek=first_sentence(dek(b)),
            embargo=format_embargo(b.embargo) if b.embargo else None,
        )
        for b, page in zip(members, starts, strict=True)
    ]


def embargo_of(members: list[Document]) -> str | None:
    """Until when the kit as a whole is embargoed: its latest embargo, if any."""
    embargoes = [b.embargo for b in members if b.embargo is not None]
    return format_embargo(max(embargoes)) if embargoes else None


def versos(members: list[Document], notes: list[int | None]) -> list[Verso]:
    """The notes pages of a duplex kit, in order."""
    return [
        Verso(folio, b.title, notes_of(b))
        for b, folio in zip(members, notes, strict=True)
        if folio is not None
    ]


def assemble(
    kit: Kit, own: OwnPages, members: list[Member], fonts: Path, project: tuple[Face, ...]
) -> tuple[bytes, int]:
    """The kit PDF from its own pages and its briefs, and its page count; `fonts` is a
    folder where shared font subsets are kept between builds, `project` the project's
    fonts (`projectfonts.faces`)."""
    writer = PdfWriter()
    structure = _StructureMerge(writer)
    front_reader = PdfReader(io.BytesIO(own.front))
    if kit.cover or kit.contents:  # else the front matter only lends its metadata
        structure.add(front_reader, [writer.add_page(p) for p in front_reader.pages], "Sect")
    front_count = len(writer.pages)
    notes_reader = PdfReader(io.BytesIO(own.notes)) if own.notes else None
    notes = iter(notes_reader.pages if notes_reader else ())
    notes_added = []
    if kit.duplex and front_count % 2:
        notes_added.append(writer.add_page(next(notes)))
    folios = iter(PdfReader(io.BytesIO(own.folios)).pages)
    save = DecodedStreamObject()
    save.set_data(b"q\n")
    save_state = writer._add_object(save)
    first_pages: dict[str, int] = {}
    layout = plan([m.pages for m in members], kit.duplex)
    for member, note in zip(members, layout.notes, strict=True):
        reader = PdfReader(io.BytesIO(member.pdf))
        first_pages[member.brief.slug] = len(writer.pages)
        added = [writer.add_page(p) for p in reader.pages]
        for page in added:
            _stamp(writer, page, next(folios), save_state)
        structure.add(reader, added, "Art", title=member.brief.title)
        _copy_destinations(writer, reader, added)
        if note is not None:
            notes_added.append(writer.add_page(next(notes)))
    if notes_reader is not None:
        structure.add(notes_reader, notes_added, "Sect", title="Notes")
    structure.finish(kit.lang)
    body_start = front_count + (kit.duplex and front_count % 2)
    _link_contents(writer, front_count, first_pages, members)
    _outline(writer, front_reader, kit, members, first_pages)
    _labels(writer, kit, body_start)
    _metadata(writer, front_reader, kit)
    share_fonts(writer, fonts, project)
    return write_compact(writer), len(writer.pages)


_FOLIO_MARK = DictionaryObject(
    {NameObject("/Type"): NameObject("/Pagination"), NameObject("/Subtype"): NameObject("/Footer")}
)
_MARKED_CONTENT = {b"BDC", b"BMC", b"EMC", b"MP", b"DP"}


def _stamp(writer: PdfWriter, page: PageObject, stamp: PageObject, save: IndirectObject) -> None:
    """Draw `stamp` (a page holding only a folio) over `page`, as a pagination artifact.

    The page's own content is wrapped in q (the stream `save`) … Q, so the stamp starts
    from the default graphics state; the stamp's resources join the page's under names of
    their own (so its fonts join the kit's shared subsets), and its marked content, which
    belonged to another document's structure tree, becomes one artifact."""
    renamed: dict[str, NameObject] = {}
    page_resources = as_dict(page["/Resources"])
    for category, entries in as_dict(stamp["/Resources"]).items():
        if not isinstance(entries.get_object(), DictionaryObject):
            continue
        target = as_dict(page_resources.setdefault(NameObject(category), DictionaryObject()))
        for name, value in as_dict(entries).items():
            renamed[name] = NameObject(f"{name}-folio")
            target[renamed[name]] = value.clone(writer)
    operations: list[tuple[list[PdfObject], bytes]] = [
        ([], b"Q"),
        ([], b"q"),
        ([NameObject("/Artifact"), _FOLIO_MARK], b"BDC"),
    ]
    for operands, operator in ContentStream(stamp.get_contents(), stamp.pdf).operations:
        if operator not in _MARKED_CONTENT:
            operations.append(([renamed.get(str(o), o) for o in operands], operator))
    operations += [([], b"EMC"), ([], b"Q")]
    drawn = ContentStream(None, writer)
    drawn.operations = operations
    folio = DecodedStreamObject()
    folio.set_data(drawn.get_data())
    own = page.raw_get("/Contents")
    own = own.get_object() if isinstance(own.get_object(), ArrayObject) else [own]
    page[NameObject("/Contents")] = ArrayObject(
        [save, *own, writer._add_object(folio.flate_encode())]
    )


def _copy_destinations(
    writer: PdfWriter, reader: PdfReader, pages: Sequence[DictionaryObject]
) -> None:
    """A brief's named destinations (its anchors, prefixed with its slug so they cannot
    collide), pointing at its pages in the kit: the brief's internal links use them."""
    for name, destination in sorted(reader.named_destinations.items()):
        page = pages[_page_index(reader, destination.page)].indirect_reference
        array = ArrayObject([page, *destination.dest_array[1:]])
        writer.add_named_destination_array(TextStringObject(name), array)


def _link_contents(
    writer: PdfWriter, front_count: int, first_pages: dict[str, int], members: list[Member]
) -> None:
    """Turn the contents' `pressbrief-kit:SLUG` links into links to the brief's first page."""
    titles = {m.brief.slug: m.brief.title for m in members}
    for page in writer.pages[:front_count]:
        for annotation in _annotations(page):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(LINK_SCHEME):
                continue
            slug = unquote(uri.removeprefix(LINK_SCHEME))  # WeasyPrint escapes the URL
            target = writer.pages[first_pages[slug]].indirect_reference
            annotation[NameObject("/A")] = DictionaryObject(
                {
                    NameObject("/S"): NameObject("/GoTo"),
                    NameObject("/D"): ArrayObject([target, NameObject("/Fit")]),
                }
            )
            annotation[NameObject("/Contents")] = TextStringObject(f"Go to: {titles[slug]}")


def _annotations(page: DictionaryObject) -> Iterator[DictionaryObject]:
    for annotation in page.get("/Annots", ArrayObject()):
        yield as_dict(annotation)


def _page_index(reader: PdfReader, page: PdfObject | int | None) -> int:
    """The index in `reader` of a destination's page (a number or a page reference)."""
    if isinstance(page, int):
        return page
    assert isinstance(page, IndirectObject), f"expected a page reference, got {page!r}"
    numbers = [p.indirect_reference.idnum if p.indirect_reference else -1 for p in reader.pages]
    return numbers.index(page.idnum)


def _outline(
    writer: PdfWriter,
    front: PdfReader,
    kit: Kit,
    members: list[Member],
    first_pages: dict[str, int],
) -> None:
    """Bookmarks: cover, contents, then one per brief titled by the brief's title."""
    named = front.named_destinations
    for anchor, title in (("kit-cover", "Cover"), ("kit-contents", "Contents")):
        if anchor in named:
            writer.add_outline_item(title=title, page_number=_page_index(front, named[anchor].page))
    for member in members:
        writer.add_outline_item(
            title=member.brief.title, page_number=first_pages[member.brief.slug]
        )
    writer.page_mode = "/UseOutlines"


def _labels(writer: PdfWriter, kit: Kit, body_start: int) -> None:
    """Page labels: "Cover", roman numerals for the kit's other own pages, then 1…N."""
    front_start = 0
    if kit.cover:
        writer.set_page_label(0, 0, prefix="Cover")
        front_start = 1
    if body_start > front_start:
        writer.set_page_label(front_start, body_start - 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    if len(writer.pages) > body_start:
        writer.set_page_label(
            body_start, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL, start=1
        )


def _metadata(writer: PdfWriter, front: PdfReader, kit: Kit) -> None:
    """Document info and XMP from the front matter (kit title, organization, keywords)."""
    info = front.metadata
    if info is not None:
        writer.add_metadata({key: value for key, value in info.items()})
    catalog = writer.root_object
    source = as_dict(front.trailer["/Root"])
    for key in ("/Metadata", "/OutputIntents"):  # XMP; PDF/X's output intent in print
        if key in source:
            catalog[NameObject(key)] = source.raw_get(key).clone(writer)
    catalog[NameObject("/Lang")] = TextStringObject(kit.lang)
    catalog[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )


class _StructureMerge:
    """Merges the structure trees of the source PDFs into one tree for the kit.

    pypdf's page copying keeps marked content but not the trees, so each source's
    /Document element is cloned (with its /Pg and /Obj references now pointing at the
    copied pages and annotations), renamed to a grouping element (/Sect for the kit's own
    pages, /Art for each brief, with its /Lang and title), and hung under one /Document;
    the parent tree is renumbered so every page's /StructParents and every annotation's
    /StructParent stays unique.
    """

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root_ref = writer._add_object(self.root)
        self.document = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/Document"),
                NameObject("/P"): self.root_ref,
            }
        )
        self.document_ref = writer._add_object(self.document)
        self.kids = ArrayObject()
        self.nums = ArrayObject()
        self.next_key = 0

    def add(
        self, reader: PdfReader, pages: Sequence[DictionaryObject], role: str, title: str = ""
    ) -> None:
        """Graft the tree of `reader`, whose pages were copied as `pages`, under /Document."""
        source_root = as_dict(reader.trailer["/Root"])
        if "/StructTreeRoot" not in source_root:
            return
        tree = as_dict(source_root["/StructTreeRoot"])
        base = self.next_key
        for source_page, page in zip(reader.pages, pages, strict=True):
            if "/StructParents" in source_page:
                key = as_int(source_page["/StructParents"]) + base
                page[NameObject("/StructParents")] = NumberObject(key)
            for annotation in _annotations(page):
                if "/StructParent" in annotation:
                    key = as_int(annotation["/StructParent"]) + base
                    annotation[NameObject("/StructParent")] = NumberObject(key)
        for source_kid in kids(tree):
            element = source_kid.clone(self.writer, ignore_fields=["/P"])
            element_object = as_dict(element)
            if element_object.get("/S") == "/Document":
                element_object[NameObject("/S")] = NameObject(f"/{role}")
            if title:
                element_object[NameObject("/T")] = TextStringObject(title)
            if "/Lang" in source_root:
                element_object[NameObject("/Lang")] = TextStringObject(str(source_root["/Lang"]))
            _set_parents(element_object, self.document_ref)
            self.kids.append(element)
        numbers = as_dict(tree["/ParentTree"]).get("/Nums", ArrayObject())
        highest = -1
        for i in range(0, len(numbers), 2):
            key = as_int(numbers[i]) + base
            self.nums.extend([NumberObject(key), numbers[i + 1].clone(self.writer)])
            highest = max(highest, key)
        self.next_key = max(self.next_key, highest + 1)

    def finish(self, lang: str) -> None:
        """Hang the merged tree from the catalog."""
        self.document[NameObject("/K")] = self.kids
        self.document[NameObject("/Lang")] = TextStringObject(lang)
        parent_tree = DictionaryObject({NameObject("/Nums"): self.nums})
        self.root[NameObject("/K")] = ArrayObject([self.document_ref])
        self.root[NameObject("/ParentTree")] = self.writer._add_object(parent_tree)
        self.root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)
        self.writer.root_object[NameObject("/StructTreeRoot")] = self.root_ref


def _set_parents(element: DictionaryObject, parent: IndirectObject) -> None:
    """Set /P of `element` and of every structure element below it (clone dropped them)."""
    element[NameObject("/P")] = parent
    own = element.indirect_reference
    for kid in kids(element):
        kid_object = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(kid_object, DictionaryObject) and "/S" in kid_object:
            assert own is not None, "structure elements are indirect objects"
            _set_parents(kid_object, own)
