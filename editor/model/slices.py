"""Slices (Photoshop's Slice and Slice Select tools): rectangles of the canvas, each written
as an image of its own for a web page.

The document keeps its *user* slices (`Document.slices`, `Slice`s, never changed in
place; one undo step per change through `Document.set_slices`). The rest of the canvas
is covered by *auto* slices, made again whenever the user slices change, as Photoshop
makes them (`auto_boxes`): the canvas is cut into a grid on every user slice's edges, and
the free cells are taken in reading order, each one widened to the right over free cells,
then lengthened down over rows free along all its width. Every slice, user or auto, is
numbered top to bottom, then left to right (`numbered`); a slice with no name of its own
is called `<document name>_<number, 2 digits>` (`default_name`), as Photoshop names them.

The image's operations (Crop and the Crop tool, Canvas Size, Image Size, Image Rotation,
Flip Canvas, Perspective Crop) take the user slices with the pixels, in their own undo
step (`move_slices`, called by `image_ops.move_boxes` beside the artboards): moved, scaled,
turned or mirrored, clipped to the new canvas, and a slice left wholly off it deleted, as
Photoshop's crop deletes the slices it cuts away.

Slices From Guides (`from_guides`) replaces the slices by the cells the guides cut;
Divide Slice (`divide`) cuts one into rows and/or columns, evenly into N or every N
pixels.

PSD: image resource 1050 'slices', read in its three versions (6: a fixed record per
slice, then a descriptor; 7 and 8: a descriptor only) and written as Photoshop CS6 and
later write it, version 6 with the descriptor after the records (`slices_resource`): the
user slices (origin 2, 'userGenerated'), the auto slices (origin 0) and last the slice 0
round the whole canvas that every Photoshop file known here ends with (`psd_tools_files/
slices.psd`, `ag_psd_files/slices.psd`: Photoshop's own, read by tests/test_slices.py). Slice Background Type is kept
as Photoshop keeps it: each record's a, r, g, b bytes (0, 0, 0, 0 none; alpha 0 over white
the matte; alpha 255 and the colour) and the descriptor's bgColorType ('None', 'matte',
'Clr ') with a 'Clr ' slice's bgColor. On reading, user
and layer-based slices become user slices (a layer-based slice keeps its box, no longer
following the layer); auto slices are made again.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

import numpy as np

from engine.box import Box

from .errors import DocumentError

# Photoshop's slice origins (the 'origin' of a version-6 record).
AUTO, LAYER, USER = 0, 1, 2


@dataclass(frozen=True)
class Slice:
    """A user slice: its box on the canvas and Slice Options' fields."""

    box: Box
    name: str = ""          # "" -> default_name
    url: str = ""
    target: str = ""
    alt: str = ""           # Alt Tag
    message: str = ""       # Message Text
    image: bool = True      # Slice Type Image (False: No Image)
    uid: int = 0            # Photoshop's sliceID, kept through a save
    # Slice Background Type: "none", "matte" (Save for Web's matte) or "color" (White,
    # Black and Other are colours, as Photoshop stores them), and that colour (r, g, b).
    background: str = "none"
    background_color: tuple = (255, 255, 255)


# Photoshop's ESliceBGColorType values (the descriptor's), by our name.
BACKGROUND_ENUM = {"none": b"None", "matte": b"matte", "color": b"Clr "}


def default_name(base: str, number: int) -> str:
    """Photoshop's name for slice `number` of the document called `base` (no extension)."""
    return f"{base}_{number:02d}"


def auto_boxes(width: int, height: int, boxes: Iterable[Box]) -> list[Box]:
    """The auto slices that cover what `boxes` (the user slices) leave of the canvas."""
    boxes = [b.clip(width, height) for b in boxes]
    boxes = [b for b in boxes if not b.is_empty()]
    xs = np.unique([0, width] + [v for b in boxes for v in (b.x, b.x1)])
    ys = np.unique([0, height] + [v for b in boxes for v in (b.y, b.y1)])
    # taken[row, column]: the grid cell lies in a user slice or an auto slice made already
    taken = np.zeros((len(ys) - 1, len(xs) - 1), bool)
    for b in boxes:
        taken[np.searchsorted(ys, b.y):np.searchsorted(ys, b.y1),
              np.searchsorted(xs, b.x):np.searchsorted(xs, b.x1)] = True
    out = []
    for r, c in zip(*np.nonzero(~taken)):  # (row-major: reading order)
        if taken[r, c]:
            continue
        c1 = c + 1
        while c1 < taken.shape[1] and not taken[r, c1]:
            c1 += 1
        r1 = r + 1
        while r1 < taken.shape[0] and not taken[r1, c:c1].any():
            r1 += 1
        taken[r:r1, c:c1] = True
        out.append(Box.from_corners(int(xs[c]), int(ys[r]), int(xs[c1]), int(ys[r1])))
    return out


def numbered(width: int, height: int, slices: Sequence[Slice]
             ) -> list[tuple[int, Box, Optional[Slice]]]:
    """Every slice of the canvas, user (with its `Slice`) and auto (None), as (number, box,
    slice), numbered from 1 top to bottom, then left to right."""
    items = [(s.box.clip(width, height), s) for s in slices]
    items = [(b, s) for b, s in items if not b.is_empty()]
    items += [(b, None) for b in auto_boxes(width, height, [b for b, _ in items])]
    items.sort(key=lambda item: (item[0].y, item[0].x))
    return [(i, box, s) for i, (box, s) in enumerate(items, 1)]


def named(width: int, height: int, slices: Sequence[Slice], base: str
          ) -> list[tuple[Box, Optional[Slice], str]]:
    """Every slice as `numbered` orders them, as (box, user slice or None, the name it is
    written under: its own, else `default_name`)."""
    return [(box, s, s.name if s is not None and s.name else default_name(base, number))
            for number, box, s in numbered(width, height, slices)]


def name_of(slices: Sequence[Slice], width: int, height: int, base: str, index: int) -> str:
    """The name user slice `slices[index]` is written under (its own, else the default)."""
    target = slices[index]
    return next(name for _, s, name in named(width, height, slices, base) if s is target)


def slice_at(slices: Sequence[Slice], x: float, y: float) -> Optional[int]:
    """The index of the user slice under (x, y) (the last drawn on top), or None."""
    for i in range(len(slices) - 1, -1, -1):
        b = slices[i].box
        if b.x <= x < b.x1 and b.y <= y < b.y1:
            return i
    return None


def next_uid(slices: Sequence[Slice]) -> int:
    return max((s.uid for s in slices), default=0) + 1


# -- edits (each one undo step) ------------------------------------------------------------
def add_slice(doc, box: Box, name: str = "Slice") -> Slice:
    """Slice tool: a user slice round `box` (clipped to the canvas)."""
    box = box.clip(doc.width, doc.height)
    if box.is_empty():
        raise DocumentError("A slice needs a width and a height on the canvas.")
    made = Slice(box, uid=next_uid(doc.slices))
    doc.set_slices(doc.slices + (made,), name)
    return made


def replace_slice(doc, index: int, new: Slice, name: str) -> None:
    slices = list(doc.slices)
    slices[index] = new
    doc.set_slices(slices, name)


def delete_slice(doc, index: int) -> None:
    slices = list(doc.slices)
    del slices[index]
    doc.set_slices(slices, "Delete Slice")


def promote(doc, box: Box) -> int:
    """An auto slice made a user slice (Photoshop's Promote, done on editing one); returns
    its index."""
    add_slice(doc, box, "Promote to User Slice")
    return len(doc.slices) - 1


def moved(slices: Sequence[Slice], change, width: int, height: int) -> list[Slice]:
    """`slices` with each box through `change` (Box -> Box) and clipped to a `width` ×
    `height` canvas; those left with nothing on it dropped."""
    out = []
    for s in slices:
        box = change(s.box).clip(width, height)
        if not box.is_empty():
            out.append(dataclasses.replace(s, box=box))
    return out


def move_slices(doc, name: str, change, size: tuple[int, int]) -> None:
    """The document's user slices through an image operation's `change` onto its new
    canvas of `size` (a step of the operation's macro; none when nothing changes)."""
    if doc.slices:
        doc.set_slices(moved(doc.slices, change, *size), name)


def from_guides(doc) -> None:
    """Slices From Guides: the slices replaced by the cells the guides cut the canvas into."""
    xs = sorted({0, doc.width} | {round(v) for h, v in doc.guides if not h and 0 < v < doc.width})
    ys = sorted({0, doc.height} | {round(v) for h, v in doc.guides
                                   if h and 0 < v < doc.height})
    if len(xs) == 2 and len(ys) == 2:
        raise DocumentError("There are no guides on the canvas to make slices from.")
    made = [Slice(Box.from_corners(x0, y0, x1, y1), uid=i)
            for i, (y0, y1, x0, x1) in enumerate(
                ((y0, y1, x0, x1) for y0, y1 in zip(ys, ys[1:]) for x0, x1 in zip(xs, xs[1:])),
                1)]
    doc.set_slices(made, "Slices From Guides")


def cuts(length: int, count: Optional[int] = None, every: Optional[int] = None) -> list[int]:
    """The edges (0 .. length) that cut `length` into `count` even parts or parts of
    `every` pixels (the last one what remains)."""
    if count is not None:
        if not 1 <= count <= length:
            raise DocumentError(f"A slice {length} px long divides into 1 to {length} parts.")
        return [round(i * length / count) for i in range(count + 1)]
    if every is None or not 1 <= every <= length:
        raise DocumentError(f"A slice {length} px long divides every 1 to {length} px.")
    return list(range(0, length, every)) + [length]


def divide(box: Box, down: Optional[dict] = None, across: Optional[dict] = None) -> list[Box]:
    """Divide Slice: `box` cut horizontally into rows (`down`: {"count": N} or {"every": px})
    and/or vertically into columns (`across`, the same), rows first, left to right."""
    ys = cuts(box.h, **down) if down else [0, box.h]
    xs = cuts(box.w, **across) if across else [0, box.w]
    return [Box.from_corners(box.x + x0, box.y + y0, box.x + x1, box.y + y1)
            for y0, y1 in zip(ys, ys[1:]) for x0, x1 in zip(xs, xs[1:])]


def divide_slice(doc, index: int, down: Optional[dict] = None,
                 across: Optional[dict] = None) -> None:
    """Divide Slice… on user slice `index`: it becomes the first part (keeping its options),
    the others new slices after it; one undo step."""
    old = doc.slices[index]
    parts = divide(old.box, down, across)
    uid = next_uid(doc.slices)
    new = [dataclasses.replace(old, box=parts[0])] + [
        Slice(b, uid=uid + i) for i, b in enumerate(parts[1:])]
    slices = list(doc.slices)
    slices[index:index + 1] = new
    doc.set_slices(slices, "Divide Slice")


# -- PSD image resource 1050 -----------------------------------------------------------------
def _text(value) -> str:
    """A psd-tools string (a plain one, or a descriptor's `String`) without its NUL."""
    return str(getattr(value, "value", value) or "").rstrip("\x00")


def _record_background(item) -> tuple[str, tuple]:
    """A version-6 record's background (its a, r, g, b bytes, as ag-psd reads them: all 0
    none, alpha 0 the matte, else a colour)."""
    a, rgb = int(item.alpha), (int(item.red), int(item.green), int(item.blue))
    if a == 0:
        return ("none", (255, 255, 255)) if rgb == (0, 0, 0) else ("matte", (255, 255, 255))
    return "color", rgb


def _described_background(d) -> tuple[str, tuple]:
    """A descriptor's bgColorType and bgColor."""
    kind = {v: k for k, v in BACKGROUND_ENUM.items()}.get(
        getattr(d.get(b"bgColorType"), "enum", b"None"), "none")
    colour = d.get(b"bgColor")
    if kind != "color" or colour is None:
        return kind, (255, 255, 255)
    return kind, tuple(int(round(float(getattr(colour.get(k), "value", colour.get(k)) or 0)))
                       for k in (b"Rd  ", b"Grn ", b"Bl  "))


def read_slices(psd) -> tuple[Slice, ...]:
    """The user slices of psd-tools' `psd` (resource 1050), none when it has none; a
    malformed resource reads as none."""
    from psd_tools.constants import Resource

    data = psd.image_resources.get_data(Resource.SLICES)
    if data is None:
        return ()
    try:
        if data.version == 6:
            return tuple(Slice(Box.from_corners(*(int(v) for v in item.bbox)),
                               _text(item.name), _text(item.url), _text(item.target),
                               _text(item.alt_tag), _text(item.message),
                               int(item.slice_type) == 1, int(item.slice_id),
                               *_record_background(item))
                         for item in data.data.items if item.origin in (LAYER, USER))
        out = []
        for d in data.data.get(b"slices", []):
            origin = getattr(d.get(b"origin"), "enum", b"")
            if origin not in (b"userGenerated", b"layer"):  # (ag-psd's ESliceOrigin names)
                continue
            b = d[b"bounds"]
            box = Box.from_corners(int(b[b"Left"]), int(b[b"Top "]), int(b[b"Rght"]),
                                   int(b[b"Btom"]))
            out.append(Slice(box, _text(d.get(b"Nm  ")), _text(d.get(b"url")),
                             _text(d.get(b"null")), _text(d.get(b"altTag")),
                             _text(d.get(b"Msge")),
                             getattr(d.get(b"Type"), "enum", b"Img ") == b"Img ",
                             int(d.get(b"sliceID", 0)), *_described_background(d)))
        return tuple(out)
    except (AttributeError, KeyError, TypeError, ValueError):
        return ()


def slices_resource(doc):
    """Image resource 1050 for the slices of `doc`, or None when it has no user slice. A
    slice without a name of its own is written without one (as Photoshop writes a slice
    it has not named yet: `psd_tools_files/smart-object-slice.psd`)."""
    from psd_tools.constants import Resource
    from psd_tools.psd.descriptor import (Bool, Descriptor, DescriptorBlock, Enumerated,
                                          Integer, List, String)
    from psd_tools.psd.image_resources import ImageResource, Slices, SlicesV6, SliceV6

    if not doc.slices:
        return None
    w, h = doc.width, doc.height
    uid = next_uid(doc.slices)
    auto = [(box, uid + i) for i, box in enumerate(
        box for _, box, s in numbered(w, h, doc.slices) if s is None)]
    # (box, slice id, group id, origin, name, slice or None); the user slices in their
    # stacking order (the last on top), as they are read back
    entries = [(s.box.clip(w, h), s.uid or uid + len(auto) + i, i + 1, USER, s.name, s)
               for i, s in enumerate(doc.slices)]
    entries += [(box, sid, 0, AUTO, "", None) for box, sid in auto]
    entries.append((Box(0, 0, w, h), 0, 0, AUTO, "", None))

    def rect(box: Box):
        r = Descriptor(classID=b"Rct1")
        r[b"Top "], r[b"Left"] = Integer(box.y), Integer(box.x)
        r[b"Btom"], r[b"Rght"] = Integer(box.y1), Integer(box.x1)
        return r

    def text(value: str):
        return String(value + "\x00")  # (Photoshop's strings end with their NUL)

    records, described = [], []
    for box, sid, group, origin, name, s in entries:
        s = s or Slice(box)
        # (the record's a, r, g, b: 0 none; alpha 0 and white the matte; else the colour)
        argb = {"none": (0, 0, 0, 0), "matte": (0, 255, 255, 255)}.get(
            s.background, (255, *s.background_color))
        records.append(SliceV6(slice_id=sid, group_id=group, origin=origin, name=name,
                               slice_type=1 if s.image else 0,
                               bbox=[box.x, box.y, box.x1, box.y1], url=s.url,
                               target=s.target, message=s.message, alt_tag=s.alt,
                               cell_is_html=True, alpha=argb[0], red=argb[1], green=argb[2],
                               blue=argb[3]))
        d = Descriptor(classID=b"null")
        d[b"sliceID"], d[b"groupID"] = Integer(sid), Integer(group)
        d[b"origin"] = Enumerated(b"ESliceOrigin",
                                  b"userGenerated" if origin == USER else b"autoGenerated")
        if name:
            d[b"Nm  "] = text(name)
        d[b"Type"] = Enumerated(b"ESliceType", b"Img " if s.image else b"noImage")
        d[b"bounds"] = rect(box)
        d[b"url"], d[b"null"] = text(s.url), text(s.target)
        d[b"Msge"], d[b"altTag"] = text(s.message), text(s.alt)
        d[b"cellTextIsHTML"], d[b"cellText"] = Bool(True), text("")
        d[b"horzAlign"] = Enumerated(b"ESliceHorzAlign", b"default")
        d[b"vertAlign"] = Enumerated(b"ESliceVertAlign", b"default")
        d[b"bgColorType"] = Enumerated(b"ESliceBGColorType", BACKGROUND_ENUM[s.background])
        if s.background == "color":
            colour = Descriptor(classID=b"NativeQuad")  # (Photoshop's class)
            for key, value in zip((b"Rd  ", b"Grn ", b"Bl  ", b"alpha"),
                                  (*s.background_color, 0)):  # (alpha 0, as Photoshop writes it)
                colour[key] = Integer(value)
            d[b"bgColor"] = colour
        for key in (b"topOutset", b"leftOutset", b"bottomOutset", b"rightOutset"):
            d[key] = Integer(0)
        described.append(d)
    block = DescriptorBlock(classID=b"null", name="\x00")
    block[b"bounds"] = rect(Box(0, 0, w, h))
    block[b"slices"] = List(described)
    # psd-tools reads the descriptor that follows the records as the last record's data.
    records[-1].data = block
    return ImageResource(key=Resource.SLICES, data=Slices(
        version=6, data=SlicesV6(bbox=[0, 0, h, w], name="", items=records)))
