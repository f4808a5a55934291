"""Front matter + brief PDFs → one press-kit PDF, assembled with pypdf.

Why two tools: WeasyPrint lays out the kit's own pages (cover and contents) in one pass,
as it does every page we print; the briefs are already PDFs (cached, rendered in worker
processes), so re-laying them out would waste the build. pypdf puts the pages in order and
adds what only the whole kit knows: duplex blank pages, contents links, outline, page
labels, metadata, one structure tree for the whole kit (`_StructureMerge`) and one font
subset per face shared by every page (`kitfonts.share_fonts`).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from .html import Entry
from .kitfonts import as_dict, as_int, share_fonts
from .model import Brief, Kit
from .pdfpack import write_compact
from .tagging import kids

log = logging.getLogger(__name__)

LINK_SCHEME = "pressbrief-kit:"
"""Contents entries link to `pressbrief-kit:SLUG`; assembly turns them into page links."""


@dataclass(frozen=True)
class Member:
    """A brief of the kit and its one-pager PDF."""

    brief: Brief
    pdf: bytes
    pages: int


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def plan(page_counts: list[int], duplex: bool) -> tuple[list[int], list[bool]]:
    """Printed page number where each brief starts (the first brief page is 1), and whether
    a blank page precedes it so that, printed duplex, it starts on a right-hand page.

    The kit's own pages are padded to an even count in duplex, so page number parity is
    physical parity: odd numbers are right-hand pages.
    """
    starts, blanks, number = [], [], 1
    for count in page_counts:
        blank = duplex and number % 2 == 0
        number += blank
        starts.append(number)
        blanks.append(blank)
        number += count
    return starts, blanks


def contents_entries(members: list[Brief], starts: list[int]) -> list[Entry]:
    """The contents lines of a kit."""
    return [Entry(b.slug, b.title, b.series, page) for b, page in zip(members, starts, strict=True)]


def assemble(
    kit: Kit, front: bytes, blank: bytes | None, members: list[Member], fonts: Path
) -> tuple[bytes, int]:
    """The kit PDF from its front matter (cover, contents), blank page and briefs, and its
    page count; `fonts` is a folder where shared font subsets are kept between builds."""
    writer = PdfWriter()
    structure = _StructureMerge(writer)
    front_reader = PdfReader(io.BytesIO(front))
    if kit.cover or kit.contents:  # else the front matter only lends its metadata
        structure.add(front_reader, [writer.add_page(p) for p in front_reader.pages], "Sect")
    front_count = len(writer.pages)
    if kit.duplex and front_count % 2:
        _add_blank(writer, blank)
    first_pages: dict[str, int] = {}
    _, blanks = plan([m.pages for m in members], kit.duplex)
    for member, blank_first in zip(members, blanks, strict=True):
        if blank_first:
            _add_blank(writer, blank)
        reader = PdfReader(io.BytesIO(member.pdf))
        first_pages[member.brief.slug] = len(writer.pages)
        added = [writer.add_page(p) for p in reader.pages]
        structure.add(reader, added, "Art", title=member.brief.title)
        _copy_destinations(writer, reader, added)
    structure.finish(kit.lang)
    body_start = front_count + (kit.duplex and front_count % 2)
    _link_contents(writer, front_count, first_pages, members)
    _outline(writer, front_reader, kit, members, first_pages)
    _labels(writer, kit, body_start)
    _metadata(writer, front_reader, kit)
    share_fonts(writer, fonts)
    return write_compact(writer), len(writer.pages)


def _copy_destinations(
    writer: PdfWriter, reader: PdfReader, pages: Sequence[DictionaryObject]
) -> None:
    """A brief's named destinations (its anchors, prefixed with its slug so they cannot
    collide), pointing at its pages in the kit: the brief's internal links use them."""
    for name, destination in sorted(reader.named_destinations.items()):
        page = pages[_page_index(reader, destination.page)].indirect_reference
        array = ArrayObject([page, *destination.dest_array[1:]])
        writer.add_named_destination_array(TextStringObject(name), array)


def _add_blank(writer: PdfWriter, blank: bytes | None) -> None:
    """A page marked "This page intentionally left blank"; its text is an untagged artifact,
    so every copy can share nothing with the structure tree."""
    assert blank is not None, "duplex kits render a blank page"
    writer.add_page(PdfReader(io.BytesIO(blank)).pages[0])


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
