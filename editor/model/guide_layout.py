"""View > New Guide…, View > New Guide Layout… and View > New Guides From Shape, as Photoshop's.

New Guide puts one guide, horizontal or vertical, at a position in pixels, in per cent of
the canvas's height or width (`new_guide`; 25 % of a 96 px wide canvas: x = 24) or in any
of the rulers' units by the document's resolution (1 in at 300 ppi: 300 px).

A layout is columns (number, width, gutter), rows (number, height, gutter) and margins
(top, left, bottom, right), each on or off. Columns share the width between the left and
right margins when their width is left out (0), gutters between them; with a width they
start at the left margin, or with Center Columns sit in the middle of that space. A guide
goes at each edge of every column and row (a gutter of 0 makes neighbours share one), and
at each margin. Positions are image pixels, fractions kept (Photoshop places fractional
guides too). New Guides From Shape puts guides at the active layer's left, centre and right
and top, middle and bottom. Both are one undo step through `Document.set_guides`.
No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from engine.box import Box, opaque_bounds

from .document import Document
from .errors import DocumentError
from .layers import FillLayer, Layer
from .resolution import SUFFIX, TYPED, to_pixels


@dataclass(frozen=True)
class Track:
    """Columns or rows: how many, each one's size (0: shared out) and the gutter between."""
    number: int
    size: float = 0.0
    gutter: float = 0.0


@dataclass(frozen=True)
class GuideLayout:
    columns: Optional[Track] = None
    rows: Optional[Track] = None
    margins: Optional[tuple[float, float, float, float]] = None   # top, left, bottom, right
    center_columns: bool = False


def _track(track: Track, start: float, end: float, center: bool, what: str) -> list[float]:
    if track.number < 1:
        raise DocumentError(f"The number of {what} is at least 1.")
    if track.size < 0 or track.gutter < 0:
        raise DocumentError(f"The {what}' sizes and gutter cannot be negative.")
    space = end - start
    gutters = (track.number - 1) * track.gutter
    size = track.size if track.size > 0 else (space - gutters) / track.number
    total = track.number * size + gutters
    if size <= 0 or total > space + 1e-9:
        raise DocumentError(f"{track.number} {what} of that size and gutter do not fit in "
                            f"{space:g} px.")
    first = start + (space - total) / 2 if center else start
    out = []
    for i in range(track.number):
        a = first + i * (size + track.gutter)
        out += [a, a + size]
    return out


def layout_guides(width: int, height: int, layout: GuideLayout) -> list[tuple[bool, float]]:
    """The (horizontal, position) guides of `layout` on a `width` × `height` canvas, each
    once, verticals first, in order; a DocumentError (one line) for a layout that does not
    fit."""
    top, left, bottom, right = layout.margins or (0.0, 0.0, 0.0, 0.0)
    if min(top, left, bottom, right) < 0:
        raise DocumentError("Margins cannot be negative.")
    if left + right >= width or top + bottom >= height:
        raise DocumentError("The margins leave no room on the canvas.")
    xs: list[float] = []
    ys: list[float] = []
    if layout.margins is not None:
        xs += [left, width - right]
        ys += [top, height - bottom]
    if layout.columns is not None:
        xs += _track(layout.columns, left, width - right, layout.center_columns, "columns")
    if layout.rows is not None:
        ys += _track(layout.rows, top, height - bottom, False, "rows")
    return ([(False, v) for v in _unique(xs)]) + [(True, v) for v in _unique(ys)]


def _unique(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(round(v, 6) for v in values):  # (no 389.9999 for a margin at 390)
        if not out or abs(v - out[-1]) > 1e-6:
            out.append(float(v))
    return out


def merged(old, new, clear: bool) -> list[tuple[bool, float]]:
    """`new` guides added to `old` (or instead of them with Clear Existing Guides), one of
    each position kept."""
    out = [] if clear else [(bool(h), float(v)) for h, v in old]
    for h, v in new:
        if not any(h == oh and abs(v - ov) < 1e-6 for oh, ov in out):
            out.append((h, v))
    return out


GUIDE_UNITS = tuple(SUFFIX.values())  # px, %, in, cm, mm, pt, pica (or the long names)


def guide_position(size: int, value: float, unit: str = "px", ppi: float = 72.0) -> float:
    """A New Guide position typed in `unit` (GUIDE_UNITS; "%" of `size`) in image pixels at
    `ppi`."""
    if unit not in TYPED:
        raise DocumentError(f"Unknown unit {unit!r} for a guide ({', '.join(GUIDE_UNITS)}).")
    return to_pixels(float(value), TYPED[unit], ppi, size)


def new_guide(doc: Document, horizontal: bool, value: float, unit: str = "px") -> float:
    """View > New Guide…'s OK: one guide at `value` `unit` down (horizontal) or across, one
    undo step ("New Guide", as a guide dragged from a ruler). Returns its position (px);
    raises `DocumentError` for one outside the canvas (and adds nothing on top of a guide
    already there: no undo step)."""
    size = doc.height if horizontal else doc.width
    at = guide_position(size, value, unit, doc.resolution)
    if not 0 <= at <= size:
        raise DocumentError(f"A guide must lie on the canvas: 0 to {size} px "
                            f"{'down' if horizontal else 'across'} (got {at:g} px).")
    doc.set_guides(merged(doc.guides, [(bool(horizontal), at)], False), "New Guide")
    return at


def apply_guide_layout(doc: Document, layout: GuideLayout, clear: bool = False) -> None:
    """View > New Guide Layout…'s OK: one undo step."""
    guides = layout_guides(doc.width, doc.height, layout)
    doc.set_guides(merged(doc.guides, guides, clear), "New Guide Layout")


def shape_bounds(layer) -> Box:
    """What of `layer` shows (a pixel layer's opaque pixels, a shape's or fill's extent)."""
    if isinstance(layer, FillLayer):
        return layer.content_bounds(Box(-(1 << 20), -(1 << 20), 1 << 21, 1 << 21))
    if isinstance(layer, Layer) and not layer.is_empty():
        box = opaque_bounds(layer.pixels)
        if box is not None:
            return box.translate(layer.x, layer.y)
    return Box(0, 0, 0, 0)


def guides_from_shape(doc: Document) -> None:
    """View > New Guides From Shape: guides at the active layer's bounds and centre, one
    undo step; a DocumentError if it shows nothing."""
    layer = doc.active
    box = shape_bounds(layer) if layer is not None else Box(0, 0, 0, 0)
    if box.is_empty():
        raise DocumentError("Select a layer with a shape or pixels to make guides from.")
    new = [(False, float(box.x)), (False, box.x + box.w / 2), (False, float(box.x1)),
           (True, float(box.y)), (True, box.y + box.h / 2), (True, float(box.y1))]
    doc.set_guides(merged(doc.guides, new, False), "New Guides From Shape")
