"""A tagged PDF as WeasyPrint writes it → the same PDF with every tag painted on a page
reachable from its structure tree, ready for an accessibility checker.

WeasyPrint 70 tags the content of page-margin boxes (the running footer) but leaves those
elements out of the tree on purpose, so a reader meets marked content that belongs to
nothing. Here that content becomes what it is, a pagination artifact, and the orphaned
elements go. Three more repairs: a list label that WeasyPrint put inside the item's body
(`Lbl` in `LBody`, see `pdf._list_labels`) moves up to the item, or goes when it has no
text (a bullet drawn as a background); a table's header cells get the /Scope WeasyPrint
leaves out (row headers beside data, column headers in a row of their own); and a link's
annotations that lie inside another annotation of the same link (WeasyPrint writes one per
box of a link, five for a contents entry) are dropped, so each link is one annotation. A
print file (PDF/X-4) also claims PDF/UA-1 in its XMP metadata, as the screen file does.

Page content is rewritten at the bytes of its `BDC` operators, never parsed as a whole: a
parse would cost more than the layout of the page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from .kitfonts import as_array, as_dict, as_int
from .pdfpack import write_compact

_TAGGED = re.compile(rb"/\w+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
"""A tagged marked-content sequence opening as pydyf writes it (`/Span <</MCID 3>> BDC`);
WeasyPrint shows text as hex strings, so the pattern cannot occur inside a string."""
_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"
_SLACK = 0.5  # points an annotation may stick out of the one it is part of

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


def complete(pdf: bytes, print_shop: bool) -> bytes:
    """`pdf` (tagged, from WeasyPrint) with its page furniture marked as artifacts, list
    labels beside list bodies, one annotation per link, and for a print shop (`print_shop`:
    PDF/X-4) the PDF/UA-1 claim in its XMP."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    tree = as_dict(writer.root_object["/StructTreeRoot"])
    parents = _parent_tree(tree)
    _artifact_orphans(writer, tree, parents)
    for element in _elements(tree):
        if element.get("/S") == NameObject("/LI"):
            _lift_label(element)
        elif element.get("/S") == NameObject("/TR"):
            _scope_headers(element)
    for page in writer.pages:
        _one_annotation_per_link(page, tree, parents)
    if print_shop:
        _claim_pdfua(writer)
    return write_compact(writer)


def _artifact_orphans(
    writer: PdfWriter, tree: DictionaryObject, parents: dict[int, PdfObject]
) -> None:
    """Mark the content of elements the tree does not reach as pagination artifacts and
    drop them from the parent tree (the elements themselves are then unreachable)."""
    reached = {id(element) for element in _elements(tree)}
    for page in writer.pages:
        if "/StructParents" not in page:
            continue
        owners = as_array(parents[as_int(page["/StructParents"])])
        orphans = {
            mcid
            for mcid, owner in enumerate(owners)
            if not isinstance(owner, NullObject) and id(as_dict(owner)) not in reached
        }
        if not orphans:
            continue
        for mcid in orphans:
            owners[mcid] = NullObject()
        while owners and isinstance(owners[-1], NullObject):  # margin boxes are drawn last
            owners.pop()
        contents = page["/Contents"].get_object()
        assert isinstance(contents, StreamObject), "WeasyPrint writes one stream per page"
        contents.set_data(_TAGGED.sub(_artifact_if(orphans), contents.get_data()))


def _artifact_if(orphans: set[int]) -> Callable[[re.Match[bytes]], bytes]:
    """The replacement of a tagged sequence's opening: a pagination artifact's if its
    MCID is one of `orphans`, else itself."""
    return lambda match: _PAGINATION if int(match[1]) in orphans else match[0]


def _lift_label(item: DictionaryObject) -> None:
    """An `Lbl` first in the `LBody` first in list item `item` becomes the item's first
    child, or goes if it marks no content."""
    body = _first_kid(item, "/LBody")
    label = _first_kid(body, "/Lbl") if body is not None else None
    if body is None or label is None:
        return
    moved = _kid_array(body).pop(0)
    if _marks_content(label):
        assert item.indirect_reference is not None, "structure elements are indirect objects"
        label[NameObject("/P")] = item.indirect_reference
        _kid_array(item).insert(0, moved)


def _scope_headers(row: DictionaryObject) -> None:
    """Each header cell of table row `row` says what it heads (/Scope): its row, when the
    row holds data cells too (a label column), else its column (a header row). WeasyPrint
    links data cells to their headers (/Headers) but gives the headers no scope."""
    cells = [as_dict(kid) for kid in kids(row) if isinstance(kid.get_object(), DictionaryObject)]
    scope = "/Row" if any(cell.get("/S") == NameObject("/TD") for cell in cells) else "/Column"
    for cell in cells:
        if cell.get("/S") == NameObject("/TH"):
            attributes = as_dict(cell.setdefault(NameObject("/A"), DictionaryObject()))
            attributes[NameObject("/O")] = NameObject("/Table")
            attributes[NameObject("/Scope")] = NameObject(scope)


def _first_kid(element: DictionaryObject, role: str) -> DictionaryObject | None:
    """The first kid of `element` if it is a structure element of type `role`."""
    first = kids(element)[:1]
    found = first[0].get_object() if first else None
    if isinstance(found, DictionaryObject) and found.get("/S") == NameObject(role):
        return found
    return None


def _one_annotation_per_link(
    page: DictionaryObject, tree: DictionaryObject, parents: dict[int, PdfObject]
) -> None:
    """Drop each link annotation of `page` that lies inside another one with the same
    action, with its place in the structure tree."""
    annotations = page.get("/Annots")
    if annotations is None:
        return
    links = [a for a in annotations if as_dict(a).get("/Subtype") == "/Link"]
    kept: list[PdfObject] = []
    dropped: list[PdfObject] = []
    for link in sorted(links, key=lambda a: -_area(as_dict(a)["/Rect"])):  # outer ones first
        rect, target = as_dict(link)["/Rect"], _target(link)
        inside = any(_target(k) == target and _inside(rect, as_dict(k)["/Rect"]) for k in kept)
        (dropped if inside else kept).append(link)
    if not dropped:
        return
    gone = {id(as_dict(a)) for a in dropped}
    page[NameObject("/Annots")] = ArrayObject(a for a in annotations if id(as_dict(a)) not in gone)
    for annotation in dropped:
        key = as_dict(annotation).get("/StructParent")
        if key is not None:
            parents.pop(as_int(key), None)

    def to_dropped(kid: PdfObject) -> bool:  # an object reference to a dropped annotation
        objr = kid.get_object()
        return isinstance(objr, DictionaryObject) and "/Obj" in objr and id(objr["/Obj"]) in gone

    for element in _elements(tree):
        if any(map(to_dropped, kids(element))):
            _kid_array(element)[:] = [k for k in kids(element) if not to_dropped(k)]
    _write_parent_tree(tree, parents)


def _claim_pdfua(writer: PdfWriter) -> None:
    """Add `pdfuaid:part="1"` to the XMP metadata (WeasyPrint writes only PDF/X's claim)."""
    metadata = writer.root_object["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject), "WeasyPrint writes XMP metadata"
    text = metadata.get_data()
    start, end = text.index(b"<rdf:RDF"), text.index(b"</rdf:RDF>") + len(b"</rdf:RDF>")
    ElementTree.register_namespace("pdfuaid", _PDFUAID)
    rdf = ElementTree.fromstring(text[start:end])
    description = rdf.find(f"{{{_RDF}}}Description")
    assert description is not None, "WeasyPrint's XMP has a description"
    description.set(f"{{{_PDFUAID}}}part", "1")
    metadata.set_data(text[:start] + ElementTree.tostring(rdf, encoding="utf-8") + text[end:])


def _parent_tree(tree: DictionaryObject) -> dict[int, PdfObject]:
    """The parent tree's entries by key (WeasyPrint writes one flat /Nums array)."""
    numbers = as_array(as_dict(tree["/ParentTree"])["/Nums"])
    return {as_int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}


def _write_parent_tree(tree: DictionaryObject, parents: dict[int, PdfObject]) -> None:
    numbers = ArrayObject()
    for key, value in sorted(parents.items()):
        numbers.extend([NumberObject(key), value])
    as_dict(tree["/ParentTree"])[NameObject("/Nums")] = numbers


def kids(element: DictionaryObject) -> list[PdfObject]:
    """The kids of a structure element (its /K: one kid or an array, maybe indirect)."""
    found = element.raw_get("/K") if "/K" in element else ArrayObject()
    if isinstance(found, IndirectObject) and isinstance(found.get_object(), ArrayObject):
        found = found.get_object()
    return list(found) if isinstance(found, ArrayObject) else [found]


def _elements(node: DictionaryObject) -> Iterator[DictionaryObject]:
    """Every structure element below `node`, depth first."""
    for kid in kids(node):
        element = kid.get_object()
        if isinstance(element, DictionaryObject) and "/S" in element:
            yield element
            yield from _elements(element)


def _kid_array(node: DictionaryObject) -> ArrayObject:
    """The /K of `node` as an array that edits change in place (made one if need be)."""
    kids = node.get("/K")
    if not isinstance(kids, ArrayObject):
        kids = ArrayObject([] if kids is None else [node.raw_get("/K")])
        node[NameObject("/K")] = kids
    return kids


def _marks_content(element: DictionaryObject) -> bool:
    """Whether `element` or an element below it marks content (an MCID)."""
    return any(
        isinstance(kid.get_object(), NumberObject)
        or (isinstance(kid.get_object(), DictionaryObject) and _marks_content(as_dict(kid)))
        for kid in kids(element)
    )


def _target(annotation: PdfObject) -> str:
    """What a link does: its action, or its destination."""
    link = as_dict(annotation)
    action = link.get("/A")
    return repr(action.get_object() if action is not None else link.get("/Dest"))


def _inside(inner: PdfObject, outer: PdfObject) -> bool:
    a, b = _box(inner), _box(outer)
    return (
        a[0] >= b[0] - _SLACK
        and a[1] >= b[1] - _SLACK
        and a[2] <= b[2] + _SLACK
        and a[3] <= b[3] + _SLACK
    )


def _area(rect: PdfObject) -> float:
    x1, y1, x2, y2 = _box(rect)
    return (x2 - x1) * (y2 - y1)


def _box(rect: PdfObject) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in as_array(rect))
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)
