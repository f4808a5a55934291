"""Project → every brief and kit built, each page rasterized → compared with its approved
picture in PROJECT/proof/ (`proof_project`), or approved.

A project's approved pictures are `proof/briefs/SLUG-pN.png` and `proof/kits/NAME-pN.png`
(`proof/print/…` for the print profile), one PNG per page at `DPI`, committed with the
content. A proof builds the project as `build` does (same folder, same cache), rasterizes
every page with PDFium and compares it with its picture: a page changed when any pixel
differs by more than `THRESHOLD`, and for each changed page the build folder's `proof/`
gets the page as it renders now and a diff image. Pages without a picture are new; pictures
without a page (fewer pages, a brief removed) are missing. With `approve`, the pictures are
replaced by the current rendering and the missing ones removed.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..content.config import project_root_of
from ..errors import OutputError, ProjectError, ProofError
from ..files import read_regular, write_atomic
from .build import BuildOptions, Progress, build_project, for_profile

if TYPE_CHECKING:
    from PIL import Image

PROOF_DIR = "proof"
"""The approved pictures in a project, and the proof report in a build folder."""
DPI = 72
"""Resolution of the pictures: one pixel per point, enough to see a word move; a Letter
page is 10–70 KB."""
BITS = 5
"""Bits kept of each of red, green and blue: 32 levels from black to white, each value
rounded to the nearest (by at most 4 of 255)."""
THRESHOLD = 40
"""A pixel has changed when one of its red, green and blue values differs by more than this
(of 255): a slightly different antialiasing does not count, a changed letter does."""
MARK = (230, 0, 126)
"""Changed pixels in a diff image: magenta, over the approved page in pale grey."""

Status = Literal["changed", "new", "missing"]


@dataclass(frozen=True)
class Difference:
    """One page that is not as approved."""

    approved: Path
    """Its picture: PROJECT/proof/briefs/SLUG-pN.png or PROJECT/proof/kits/NAME-pN.png."""
    status: Status
    """'changed'; 'new': no picture yet; 'missing': a picture, but no such page now."""
    rendered: Path | None = None
    """The page as it renders now (a proof writes it in the build folder's proof/)."""
    diff: Path | None = None
    """A changed page's diff image: the approved page in pale grey, changed pixels in
    magenta, a box around them."""
    box: tuple[int, int, int, int] | None = None
    """Left, top, right, bottom of a changed page's changed pixels (pixels; at 72 dpi a
    pixel is a point)."""
    share: float = 0.0
    """The share of a changed page's pixels that changed."""

    def __str__(self) -> str:
        if self.status == "missing":
            return (
                f"{self.approved}: missing: approved, but there is no such page now "
                "(fewer pages, or the brief or kit is gone)"
            )
        now = f"; now: {self.rendered}" if self.rendered else ""
        if self.status == "new":
            return f"{self.approved}: new page, not approved yet{now}"
        assert self.box is not None
        left, top, right, bottom = self.box
        diff = f"; diff: {self.diff}" if self.diff else ""
        share = f"{self.share:.1%}" if self.share >= 0.001 else "under 0.1%"
        return (
            f"{self.approved}: changed: {share} of the page, within x {left}–{right}, "
            f"y {top}–{bottom}{diff}{now}"
        )


@dataclass(frozen=True)
class Proof:
    """What `proof_project` compared (and approved)."""

    pages: tuple[Path, ...]
    """The picture of every page rendered now, briefs then kits."""
    approved: tuple[Difference, ...] = ()
    """With `approve`: the pages that were not as approved and now are (empty otherwise:
    a difference is a ProofError)."""


def proof_project(
    folder: Path,
    output: Path | None = None,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
    approve: bool = False,
) -> Proof:
    """Build the project in `folder` (into `output`, as `build_project` does) and compare
    every page with its approved picture; raise ProofError listing every changed, new and
    missing page, after writing those pages as they render now, and the diff images, to
    OUTPUT/proof/. With `approve`, the current pages become the approved pictures."""
    root = project_root_of(folder)
    target = output or for_profile(root / "dist", options.profile)
    pictures = for_profile(root / PROOF_DIR, options.profile)
    report = target / PROOF_DIR
    if _overlap(report, pictures):  # a report there would replace approved pictures
        raise OutputError(
            f"{target}: a proof writes its report to {report}, among the approved pictures "
            f"in {pictures}; build to another folder"
        )
    built = build_project(folder, output, options, progress)
    pages: dict[Path, bytes] = {}
    for item in built:
        place = item.output.relative_to(target)
        for number, png in enumerate(rasterize(read_regular(item.output)), 1):
            pages[pictures / place.parent / f"{place.stem}-p{number}.png"] = png
    for old in report.glob("*/*.png"):  # the last proof's
        _remove(old)
    gone = sorted(set(pictures.glob("*/*.png")) - pages.keys())
    differences = [
        *(d for picture, png in pages.items() if (d := _compare(picture, png))),
        *(Difference(picture, "missing") for picture in gone),
    ]
    if approve:
        for picture, png in pages.items():
            if not picture.exists() or read_regular(picture) != png:
                write_atomic(png, picture)
        for picture in gone:
            _remove(picture)
        return Proof(tuple(pages), tuple(differences))
    if differences:
        places = {d.approved: report / d.approved.relative_to(pictures) for d in differences}
        raise ProofError([_report(d, pages, places[d.approved]) for d in differences], len(pages))
    return Proof(tuple(pages))


def _overlap(one: Path, other: Path) -> bool:
    """Whether one folder is, or is inside, the other."""
    one, other = one.resolve(), other.resolve()
    return one.is_relative_to(other) or other.is_relative_to(one)


def rasterize(pdf: bytes) -> list[bytes]:
    """Every page of a PDF → a PNG at `DPI`, `BITS` bits per channel, no time stamp: the
    same PDF gives the same bytes."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = [page.render(scale=DPI / 72).to_pil() for page in document]
    finally:
        document.close()
    return [_encode(_posterized(image)) for image in images]


def _posterized(image: Image.Image) -> Image.Image:
    """`image` with `BITS` bits per channel, in a palette of its exact colours when it has
    at most 256 (a page of text and flat colour does): a third of the size, and each pixel
    rounded on its own, so that a pixel the same as before stays the same."""
    from PIL import Image

    top = 2**BITS - 1
    levels = [round(round(v * top / 255) * 255 / top) for v in range(256)]  # 0 and 255 kept
    image = image.convert("RGB").point(levels * 3)
    colours = image.getcolors(256)
    if colours is None:
        return image
    palette = Image.new("P", (1, 1))
    exact = [colour for _, colour in colours if isinstance(colour, tuple)]  # RGB: all
    palette.putpalette([value for colour in exact for value in colour])
    return image.quantize(palette=palette, dither=Image.Dither.NONE)


def _compare(picture: Path, png: bytes) -> Difference | None:
    """How the page `png` differs from its approved `picture`; None if it does not."""
    if not picture.exists():
        return Difference(picture, "new")
    try:
        approved = read_regular(picture)
        if approved == png:
            return None
        mask = _changed(approved, png)
    except (OSError, SyntaxError, ValueError) as error:  # what Pillow raises on a bad PNG
        raise ProjectError(
            f"{picture}: not an approved picture pressbrief can read ({error}); delete it "
            "and approve the page again with `pressbrief proof --approve`"
        ) from error
    box = mask.getbbox()
    if box is None:  # within the threshold
        return None
    share = mask.histogram()[255] / (mask.width * mask.height)
    return Difference(picture, "changed", box=box, share=share)


def _report(difference: Difference, pages: dict[Path, bytes], rendered: Path) -> Difference:
    """`difference` with the page as it renders now (in `pages`) written to `rendered`, and
    for a changed page its diff image beside it; a missing page as it is."""
    if difference.status == "missing":
        return difference
    png = pages[difference.approved]
    write_atomic(png, rendered)
    if difference.status == "new":
        return dataclasses.replace(difference, rendered=rendered)
    diff = rendered.with_name(f"{rendered.stem}-diff.png")
    write_atomic(_encode(_diff_image(read_regular(difference.approved), png)), diff)
    return dataclasses.replace(difference, rendered=rendered, diff=diff)


def _encode(image: Image.Image) -> bytes:
    data = io.BytesIO()
    image.save(data, "PNG", compress_level=6)  # 9 saves 2 % and takes 8 times as long
    return data.getvalue()


def _images(*pngs: bytes) -> list[Image.Image]:
    """PNGs → RGB images, all as large as the largest: smaller ones on white, top left on
    top left (a page that changed size is compared where it overlaps, and beyond)."""
    from PIL import Image

    images = []
    for png in pngs:
        with Image.open(io.BytesIO(png)) as opened:
            images.append(opened.convert("RGB"))
    size = (max(i.width for i in images), max(i.height for i in images))
    placed = []
    for image in images:
        canvas = Image.new("RGB", size, "white")
        canvas.paste(image)
        placed.append(canvas)
    return placed


def _changed(approved: bytes, current: bytes) -> Image.Image:
    """A mask (mode L): 255 where a pixel differs by more than `THRESHOLD`, 0 elsewhere."""
    from PIL import ImageChops

    red, green, blue = ImageChops.difference(*_images(approved, current)).split()
    most = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return most.point([255 if v > THRESHOLD else 0 for v in range(256)])


def _diff_image(approved: bytes, current: bytes) -> Image.Image:
    """The approved page in pale grey, the changed pixels in `MARK`, a box around them."""
    from PIL import ImageDraw

    mask = _changed(approved, current)
    page = _images(approved, current)[0].convert("L")
    image = page.point([255 - (255 - v) * 3 // 10 for v in range(256)]).convert("RGB")
    image.paste(MARK, mask=mask)
    box = mask.getbbox()
    assert box is not None
    left, top, right, bottom = box
    frame = (max(left - 4, 0), max(top - 4, 0), right + 3, bottom + 3)
    ImageDraw.Draw(image).rectangle(frame, outline=MARK, width=1)
    return image


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError as error:
        raise OutputError(f"{path}: cannot remove it: {error.strerror or error}") from error
