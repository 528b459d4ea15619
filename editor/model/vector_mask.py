"""Vector masks: a layer's path (Photoshop's pen and shape tools) as a mask.

Photoshop draws a layer through its layer mask and its vector mask: the product of the
two coverages. The path comes from a PSD (psd.py reads it with psd-tools' parsing) as
subpaths of cubic Bezier knots, kept here in canvas pixels. It is filled anti-aliased
with Qt (QPainterPath, even-odd, the rule PSD paths use) into a `LayerMask` over the
path's box, once per path: a moved path shares that raster at its new offset. The
subpaths' shape operations (combine, subtract, intersect, exclude) are combined as
psd-tools combines them (`psd_tools.composite.vector._draw_path`), so both draw the
same file the same way.

A linked vector mask moves with its layer: the knots stay as read and an integer
`offset` follows the moves, so an unmoved path is written back exactly as it was read.
The object is never changed in place (a move makes a new one), so undo keeps the old.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from engine.box import Box

from .layers import LayerMask

# The widest a path is rasterised, around its canvas, in canvas sizes on each side: a
# path whose control points reach far beyond the document is filled only that far.
REACH = 1
FLATNESS = 0.005   # pixels: how far the polyline standing in for a curve may stray from it
MAX_STEPS = 1000   # per curve


@dataclass(frozen=True)
class Subpath:
    """One subpath: knots (n, 3, 2) float64 as (preceding, anchor, leaving) control points,
    each (x, y) in canvas pixels; `operation` is psd-tools' (-1: part of the previous
    component; 0 exclude, 1 combine, 2 subtract, 3 intersect). `non_zero`: its component
    is filled by the non-zero winding rule, not even-odd (Photoshop's newer paths set it
    in the subpath record: ag-psd's winding-non-zero.psd, a self-crossing star filled
    whole, was 74 levels off filled even-odd)."""

    knots: np.ndarray
    closed: bool
    operation: int
    non_zero: bool = False


class VectorMask:
    """A layer's vector mask: subpaths in canvas pixels at `offset`, the flags Photoshop
    keeps with it (inverted, disabled, unlinked), and `source`: what the file stored,
    opaque to all but psd.py, which writes it back with the knots moved."""

    def __init__(self, subpaths: list[Subpath], canvas: Box, *, initial_fill: int = 0,
                 inverted: bool = False, enabled: bool = True, linked: bool = True,
                 offset: tuple[int, int] = (0, 0), source=None, blocks=None,
                 _cache: Optional[dict] = None):
        self.subpaths = list(subpaths)
        self.canvas = canvas  # the document's box when the path was read
        self.initial_fill = int(initial_fill)
        self.inverted = bool(inverted)
        self.enabled = bool(enabled)
        self.linked = bool(linked)
        self.offset = (int(offset[0]), int(offset[1]))
        self.density = 255   # how much the path hides (0..255), as a layer mask's density
        self.feather = 0.0   # pixels (a Gaussian sigma), as a layer mask's feather
        # Photoshop's "Align Edges" ('sn2P' in the file): rectangles drawn on whole pixels
        self.aligned = False
        self.source = source          # psd-tools' VectorMaskSetting as read
        self.blocks = blocks or []    # the other path blocks of the record (live shape...)
        # The filled path and its last product with a layer mask, at offset (0, 0): shared
        # by the moved copies, so a drag fills nothing again.
        self._cache = _cache if _cache is not None else {}
        self.edited = False  # reshaped (not only moved) since it was read

    def _replace(self, **changes) -> "VectorMask":
        density = changes.pop("density", self.density)
        feather = changes.pop("feather", self.feather)
        fields = dict(initial_fill=self.initial_fill, inverted=self.inverted,
                      enabled=self.enabled, linked=self.linked, offset=self.offset,
                      source=self.source, blocks=self.blocks, _cache=self._cache)
        fields.update(changes)
        out = VectorMask(self.subpaths, self.canvas, **fields)
        out.edited, out.density, out.feather = self.edited, int(density), float(feather)
        out.aligned = self.aligned
        return out

    def translated(self, dx: int, dy: int) -> "VectorMask":
        """The same path moved by (dx, dy) canvas pixels."""
        return self._replace(offset=(self.offset[0] + int(dx), self.offset[1] + int(dy)))

    def mapped(self, points) -> "VectorMask":
        """The path sent through `points` ((N, 2) canvas points -> (N, 2)): a flip, a quarter
        turn, Free Transform. Control points are mapped, which is exact for affine maps (a
        perspective map bends the curves between them a little differently)."""
        return self.with_subpaths(
            [Subpath(np.asarray(points(k.reshape(-1, 2)), np.float64).reshape(-1, 3, 2),
                     s.closed, s.operation) for s, k in zip(self.subpaths, self.moved_knots())])

    def with_subpaths(self, subpaths: list[Subpath],
                      initial_fill: Optional[int] = None) -> "VectorMask":
        """The path reshaped (Pen, Direct Selection): `subpaths` in canvas pixels where they
        are drawn now, the flags, density and feather kept; filled anew when drawn."""
        fill = self.initial_fill if initial_fill is None else initial_fill
        out = VectorMask(subpaths, self.canvas, initial_fill=fill,
                         inverted=self.inverted, enabled=self.enabled, linked=self.linked,
                         source=self.source, blocks=self.blocks)
        out.edited, out.density, out.feather = True, self.density, self.feather
        out.aligned = self.aligned
        return out

    def with_flags(self, **flags) -> "VectorMask":
        """A copy with `enabled`, `linked`, `inverted`, `density` or `feather` changed (the
        filled path is shared: none of them changes it)."""
        return self._replace(**flags)

    @property
    def shape(self) -> dict:
        """An object the copies of one path share (moved, or with other flags, density or
        feather) and a reshaped path does not: what a cache of its picture is kept by."""
        return self._cache

    def moved_knots(self) -> list[np.ndarray]:
        """Each subpath's knots at the current offset (canvas pixels)."""
        shift = np.array(self.offset, np.float64)
        return [s.knots + shift for s in self.subpaths]

    def extent(self) -> Optional[tuple[float, float, float, float]]:
        """The box (x, y, width, height, in fractions of a pixel) of the path's curves at
        their current place, as stored (not stretched by Align Edges); None without any."""
        points = [flatten(k, s.closed) for s, k in zip(self.subpaths, self.moved_knots())
                  if len(k) > 1]
        if not points:
            return None
        points = np.concatenate(points)
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        return float(x0), float(y0), float(x1 - x0), float(y1 - y0)

    def bounds(self) -> Box:
        """The canvas box around the path's knots and handles (the curves lie inside it)."""
        points = [k.reshape(-1, 2) for k in self.moved_knots() if len(k)]
        if not points:
            return Box(0, 0, 0, 0)
        allp = np.concatenate(points)
        x0, y0 = np.floor(allp.min(axis=0)).astype(int)
        x1, y1 = np.ceil(allp.max(axis=0)).astype(int)
        return Box(int(x0), int(y0), int(x1 - x0), int(y1 - y0))

    # -- drawing ------------------------------------------------------------------------
    def thumbnail(self, width: int, height: int, scale: float) -> np.ndarray:
        """The path's coverage (uint8, inverted when it is) over the canvas box (0, 0) ..
        (width, height) / `scale`, filled at `scale` from the knots: a small picture (the
        Layers panel's thumbnail) without filling the path at full size."""
        subpaths = [replace(s, knots=k * scale)
                    for s, k in zip(self.subpaths, self.moved_knots())]
        start = 1.0 if self.initial_fill and not subpaths else 0.0
        values = _coverage(subpaths, Box(0, 0, max(1, width), max(1, height)), start)
        return 255 - values if self.inverted else values

    def raster(self) -> LayerMask:
        """The path's coverage as a layer mask at its current place (0 outside the path,
        255 inside; the reverse when inverted); made once for all moved copies."""
        if "raster" not in self._cache:
            pixels, x, y, default = _rasterise(self)
            self._cache["raster"] = [(pixels, x, y, default), (255 - pixels, x, y, 255 - default)]
        pixels, x, y, default = self._cache["raster"][int(self.inverted)]
        return LayerMask(pixels, x + self.offset[0], y + self.offset[1], default=default,
                         density=self.density, feather=self.feather)

    def stroke_raster(self, stroke) -> LayerMask:
        """The coverage of `stroke` (a `shape_stroke.ShapeStroke`) along the path, at its
        current place: centred on the path, or twice as wide and cut by the path's own
        filled coverage (inside) or by what it leaves (outside), antialiased, in its dashes if
        it has them. Made once for
        all moved copies and kept while the stroke's geometry stays (only one at a time)."""
        key = stroke.geometry()
        hit = self._cache.get("stroke")
        if hit is None or hit[0] != key:
            hit = (key, *_stroke_coverage(self, stroke))
            self._cache["stroke"] = hit
        _, pixels, x, y = hit
        return LayerMask(pixels, x + self.offset[0], y + self.offset[1], default=0)

    def through(self, mask: Optional[LayerMask], node) -> LayerMask:
        """The coverage of this path times that of `node`'s enabled mask `mask` (None: the
        path alone), as one mask: what compositing draws the node through. Kept until the
        mask or its settings change; after a stroke on the node (its `revision`), only
        the box the stroke changed is redone, in place, as `masked_pixels` does."""
        path = self.raster()
        if mask is None:
            return path
        dx, dy = self.offset
        mask_far, path_far = _far_value(mask), _far_value(path)
        far = int(_multiply(np.array(mask_far, np.uint8), np.array(path_far, np.uint8)))
        drawn = None
        if far not in (0, 255):
            # Nothing constant holds the product far away (a layer mask that reveals beside
            # a path of less than full density): it is kept over what the node draws, its
            # box (nothing is drawn beyond), or an adjustment's reach, as a path's is.
            drawn = node.drawn_bounds().intersect(_limit(self.canvas))
        # Relative to the path's offset: a layer moved with both masks keeps its product.
        key = (mask.pixels.shape, mask.x - dx, mask.y - dy, mask.default, mask.density,
               mask.feather, self.inverted, drawn and drawn.translate(-dx, -dy))
        hit = self._cache.get("product")
        if hit is not None and hit[0] is mask.pixels and hit[1] == key:
            _, _, revision, values, x, y, default = hit
            product = LayerMask(values, x + dx, y + dy, default=default)
            product.spread = mask.reach
            changed = node.changed_since(revision)  # a group's: all or nothing
            if changed is not None:
                pad = mask.reach
                x0, y0 = getattr(node, "x", 0), getattr(node, "y", 0)
                box = Box(changed.x + x0 - pad, changed.y + y0 - pad,
                          changed.w + 2 * pad, changed.h + 2 * pad).intersect(product.bounds())
                if not box.is_empty():
                    values[box.translate(-product.x, -product.y).slices()] = \
                        _multiply(mask.coverage(box), path.coverage(box))
                self._cache["product"] = hit[:2] + (node.revision,) + hit[3:]
                return product
        # Far from both boxes each mask is a constant; the product is kept where either
        # can differ from it (the box of one that is 0 far away is enough).
        if drawn is not None:
            box = drawn
        elif path_far == 0:
            box = _reach_box(path)
        elif mask_far == 0:
            box = _reach_box(mask)
        else:
            box = _reach_box(path).union(_reach_box(mask))
        values = _multiply(mask.coverage(box), path.coverage(box))
        default = 255 if far == 255 else 0
        self._cache["product"] = (mask.pixels, key, node.revision, values, box.x - dx,
                                  box.y - dy, default)
        product = LayerMask(values, box.x, box.y, default=default)
        product.spread = mask.reach
        return product


def _limit(canvas: Box) -> Box:
    """The widest box a path is drawn in, around the document's box."""
    return Box(canvas.x - REACH * canvas.w, canvas.y - REACH * canvas.h,
               (2 * REACH + 1) * canvas.w, (2 * REACH + 1) * canvas.h)


def _far_value(mask: LayerMask) -> int:
    """The coverage of `mask` far from its box (its default, through its density)."""
    return int(mask.coverage(Box(-(1 << 40), -(1 << 40), 1, 1))[0, 0])


def _reach_box(mask: LayerMask) -> Box:
    """The mask's box grown by how far its feather reaches."""
    box, pad = mask.bounds(), mask.reach
    return Box(box.x - pad, box.y - pad, box.w + 2 * pad, box.h + 2 * pad)


def _multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a * b / 255 for uint8 coverages, exactly rounded."""
    values = a.astype(np.uint32) * b + 128
    return ((values + (values >> 8)) >> 8).astype(np.uint8)


def _combine(planes: list[tuple[int, np.ndarray]], start):
    """psd-tools' combination of the components' coverages (floats 0..1), starting from
    `start` (an array, or a scalar for the value far from every path)."""
    mask = start
    first = True
    for op, plane in planes:
        if op == 0:
            mask = mask + plane - 2 * mask * plane
        elif op == 1:
            mask = mask + plane - mask * plane
        elif op == 2:
            if first:
                mask = 1 - mask
            mask = np.maximum(0, mask - plane)
        elif op == 3:
            if first:
                mask = 1 - mask
            mask = mask * plane
        first = False
    return np.minimum(1, np.maximum(0, mask))


def _components(subpaths: list[Subpath]) -> list[list[Subpath]]:
    groups: list[list[Subpath]] = []
    for sub in subpaths:
        if sub.operation == -1 and groups:
            groups[-1].append(sub)
        else:
            groups.append([sub])
    return groups


def _drawn(vector: VectorMask) -> list[Subpath]:
    """The subpaths as drawn: with Align Edges, the whole path stretched so that its box's
    sides lie on the nearest whole pixels, as Photoshop draws it. A rectangle has its
    corners on whole pixels (psd-tools' mask-density-layermask.psd: sides at 6.47 or 24.54
    drawn at 6 and 25, sharp; the file 1.93 levels off its merged image drawn at the path,
    exact drawn so), a polygon its extremes (layers/shape-layer.psd: a pentagon from 0.92
    to 29.61 drawn from 1 to 30: 7.19 levels off drawn at the path, 0.40 so). The box is
    the whole path's, not each subpath's: stretched one by one, the ellipses of
    path-operations/*-group.psd went from 1.5 to 21 levels off. Rectangles alone have
    each its corners on whole pixels (as measured; the same for one rectangle)."""
    if not vector.aligned:
        return vector.subpaths
    if all(_rectangle(s) for s in vector.subpaths):
        return [replace(s, knots=np.round(s.knots)) for s in vector.subpaths]
    points = [flatten(s.knots, s.closed) for s in vector.subpaths if len(s.knots) > 1]
    if not points:
        return vector.subpaths
    points = np.concatenate(points)
    lo, hi = points.min(axis=0), points.max(axis=0)
    return [replace(s, knots=_stretched(s.knots, lo, hi)) for s in vector.subpaths]


def _stretched(knots: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """`knots` mapped (per axis, affinely: exact for cubics) so that the box `lo`..`hi` has
    its sides on the nearest whole pixels; an axis whose box would vanish stays."""
    new_lo, new_hi = np.round(lo), np.round(hi)
    out = knots.astype(np.float64).copy()
    for axis in range(2):
        if new_hi[axis] > new_lo[axis] and hi[axis] - lo[axis] > 1e-9:
            scale = (new_hi[axis] - new_lo[axis]) / (hi[axis] - lo[axis])
            out[..., axis] = new_lo[axis] + (out[..., axis] - lo[axis]) * scale
    return out


def _rectangle(sub: Subpath) -> bool:
    knots = sub.knots
    if not sub.closed or len(knots) < 2:
        return False
    for a, b in zip(knots, np.roll(knots, -1, axis=0)):
        level_or_upright = abs(a[1][0] - b[1][0]) < 1e-6 or abs(a[1][1] - b[1][1]) < 1e-6
        if not (level_or_upright and _straight(a[1], a[2], b[0], b[1])):
            return False
    return True


def _rasterise(vector: VectorMask) -> tuple[np.ndarray, int, int, int]:
    """(coverage uint8, x, y, default) of the path at offset (0, 0), not inverted."""
    subpaths = _drawn(vector)
    start = 1.0 if vector.initial_fill and not subpaths else 0.0
    groups = _components(subpaths)
    default = int(round(255 * float(_combine([(g[0].operation, 0.0) for g in groups], start))))
    points = [s.knots.reshape(-1, 2) for s in subpaths if len(s.knots) > 1]
    if not points:
        return np.zeros((0, 0), np.uint8), 0, 0, default
    allp = np.concatenate(points)
    x0, y0 = np.floor(allp.min(axis=0)).astype(np.int64) - 1
    x1, y1 = np.ceil(allp.max(axis=0)).astype(np.int64) + 1
    box = Box(int(x0), int(y0), int(x1 - x0), int(y1 - y0)).intersect(_limit(vector.canvas))
    if box.is_empty():
        return np.zeros((0, 0), np.uint8), 0, 0, default
    return _coverage(subpaths, box, start), box.x, box.y, default


def _coverage(subpaths: list[Subpath], box: Box, start: float) -> np.ndarray:
    """The combined components' coverage (uint8) inside `box`."""
    planes = [(g[0].operation, _fill(g, box)) for g in _components(subpaths)]
    values = _combine(planes, np.full((box.h, box.w), start, np.float32))
    return np.rint(values * 255).astype(np.uint8)


def flatten(knots: np.ndarray, closed: bool) -> np.ndarray:
    """The polyline through a subpath's cubics, within FLATNESS pixels of them. (Qt's own
    flattening of QPainterPath curves cut inside a 14-pixel circle by up to 0.08 pixel,
    16/255 of an edge pixel against psd-tools' exact fill; straight edges agreed.)"""
    count = len(knots) if closed else len(knots) - 1
    out = [knots[0, 1][None]]
    for i in range(count):
        a, b = knots[i], knots[(i + 1) % len(knots)]
        p0, p1, p2, p3 = a[1], a[2], b[0], b[1]
        if _straight(p0, p1, p2, p3):
            # A line (its handles on it): its end alone. Cut into steps, its points strayed
            # by rounding (128.00000000000003, 127.99999999999999): Qt's stroker made miter
            # spikes at those zigzags, and the simplified outline filled the whole shape.
            out.append(p3[None])
            continue
        # A uniform n-step polyline strays at most max|B''| / (8 n^2) from the cubic.
        bend = 6 * max(np.hypot(*(p0 - 2 * p1 + p2)), np.hypot(*(p1 - 2 * p2 + p3)))
        n = int(min(MAX_STEPS, max(1, np.ceil(np.sqrt(bend / (8 * FLATNESS))))))
        t = np.linspace(0, 1, n + 1)[1:, None]
        u = 1 - t
        out.append(u ** 3 * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t ** 3 * p3)
    return np.concatenate(out)


def _straight(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray) -> bool:
    """Whether the cubic p0..p3 is the segment p0-p3: both handles on it, between its ends
    (a handle beyond an end would take the curve past it and back)."""
    chord = p3 - p0
    length2 = float(chord @ chord)
    for p in (p1, p2):
        d = p - p0
        if length2 == 0:
            if float(d @ d) > 1e-18:
                return False
            continue
        along = float(d @ chord) / length2
        across = abs(float(d[0] * chord[1] - d[1] * chord[0])) / np.sqrt(length2)
        if across > 1e-9 or not -1e-12 <= along <= 1 + 1e-12:
            return False
    return True


def _fill(subpaths: list[Subpath], box: Box) -> np.ndarray:
    """The area of one component (its subpaths as one path, even-odd or, as its first
    subpath says, non-zero: `_fill_rule`) inside each pixel of `box`, 0..1 float32, by
    Qt's anti-aliased path filling."""
    from PySide6 import QtCore, QtGui

    path = QtGui.QPainterPath()
    path.setFillRule(_fill_rule(subpaths))
    for sub in subpaths:
        if len(sub.knots) < 2:
            continue  # psd-tools skips them too (nothing to fill)
        points = flatten(sub.knots - np.array([box.x, box.y], np.float64), sub.closed)
        path.addPolygon(QtGui.QPolygonF([QtCore.QPointF(x, y) for x, y in points]))
        path.closeSubpath()
    image = QtGui.QImage(box.w, box.h, QtGui.QImage.Format.Format_Alpha8)
    image.fill(0)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.fillPath(path, QtGui.QColor(0, 0, 0, 255))
    painter.end()
    raw = np.frombuffer(image.constBits(), np.uint8, count=box.h * image.bytesPerLine())
    return raw.reshape(box.h, image.bytesPerLine())[:, :box.w].astype(np.float32) / 255


def _fill_rule(component: list[Subpath]):
    """Qt's fill rule for a component: its first subpath's (the one that starts it)."""
    from PySide6 import QtCore

    rule = QtCore.Qt.FillRule
    return rule.WindingFill if component and component[0].non_zero else rule.OddEvenFill


def _outline(groups: list[list[Subpath]]):
    """The combined shape of the components as one QPainterPath, their operations applied
    as `_combine` applies them to coverages, from nothing (a shape that starts by
    subtracting or intersecting is not stroked: `_stroke_coverage`)."""
    from PySide6 import QtCore, QtGui

    region = QtGui.QPainterPath()
    for group in groups:
        part = QtGui.QPainterPath()
        part.setFillRule(_fill_rule(group))
        for sub in group:
            if len(sub.knots) < 2:
                continue
            part.addPolygon(QtGui.QPolygonF([QtCore.QPointF(x, y)
                                             for x, y in flatten(sub.knots, True)]))
            part.closeSubpath()
        op = group[0].operation
        if op == 0:
            region = region.subtracted(part).united(part.subtracted(region))
        elif op == 1:
            region = region.united(part)
        elif op == 2:
            region = region.subtracted(part)
        elif op == 3:
            region = region.intersected(part)
    return region


def _dash_pattern(dashes: tuple, scale: float) -> list[float]:
    """Photoshop's dashes (in stroke widths) as the stroker's pattern: in units of the
    stroker's width, `scale` times the stroke's (inside and outside draw it twice as wide),
    an odd list repeated (PostScript's rule; Qt takes pairs), and a dash of no length made
    a hair long, since Qt's dasher draws nothing for one (Photoshop's dotted line is dashes
    of no length with round caps: a dot each)."""
    return [max(float(v), 1e-3 if i % 2 == 0 else 0.0) / scale
            for i, v in enumerate(dashes * (2 if len(dashes) % 2 else 1))]


def _dash_start(knots: np.ndarray) -> np.ndarray:
    """A closed subpath's knots from the one Photoshop lays its dashes out from: the lowest
    (the largest y; of those, the rightmost), not the first the file lists. Measured: ag-psd's
    vector-complex.psd (an arrow's dashed inside stroke, its fifth knot the lowest: mean
    error of the file 15.7 levels dashed from the first knot, 1.06 from the lowest) and
    psd-tools' stroke.psd (a dashed rectangle, rounded rectangle and custom shape and a
    dotted ellipse: 0.66 -> 0.20; from the lowest's leftmost, 0.50)."""
    anchors = np.round(knots[:, 1], 3)
    first = max(range(len(anchors)), key=lambda i: (anchors[i, 1], anchors[i, 0]))
    return np.roll(knots, -first, axis=0)


def _snapped_band(vector: VectorMask, subpaths: list[Subpath], stroke) -> bool:
    """Whether a centred stroke lies half a pixel right of and below its path: with Align
    Edges, on rectangles (their corners on whole pixels, `_drawn`), a stroke an odd number
    of pixels wide has its edges on half pixels, and Photoshop rounds them up, onto whole
    ones (psd-tools' effects/double-stroke-effects.psd: a 1 px stroke on the path's sides
    at x = 4 and 28 covers the whole pixels 4 and 28, and the Stroke effects made from
    the shape lie round that, 4..29)."""
    width = stroke.width
    return (vector.aligned and stroke.alignment == "center" and width == round(width)
            and int(width) % 2 == 1 and bool(subpaths)
            and all(_rectangle(s) for s in subpaths))


def _stroke_coverage(vector: VectorMask, stroke) -> tuple[np.ndarray, int, int]:
    """(coverage uint8, x, y) of `stroke` along the path at offset (0, 0)."""
    from PySide6 import QtCore, QtGui

    inner = stroke.alignment != "center"
    subpaths = _drawn(vector)
    path = QtGui.QPainterPath()
    for sub in subpaths:
        if len(sub.knots) < 2:
            continue
        knots = _dash_start(sub.knots) if sub.closed and stroke.dashed() else sub.knots
        points = flatten(knots, sub.closed)
        path.moveTo(*points[0])
        for x, y in points[1:]:
            path.lineTo(x, y)
        if sub.closed:
            path.closeSubpath()
    groups = _components(subpaths)
    if groups and groups[0][0].operation in (2, 3):
        # A shape that starts by subtracting from or intersecting with everything: Photoshop
        # (CC 2019) draws no stroke for it at all (psd-tools' path-operations/*-all.psd,
        # intersect-first.psd: their layers' own pixels have none either).
        return np.zeros((0, 0), np.uint8), 0, 0
    if len(groups) > 1 and all(s.closed for s in subpaths):
        # Photoshop strokes the outline of the combined shape, not each shape in it: the
        # parts of a subpath inside a combined neighbour (or cut away) carry no stroke.
        path = _outline(groups)
    stroker = QtGui.QPainterPathStroker()
    # Inside and outside: a stroke twice as wide, half of it cut away by the path's fill.
    stroker.setWidth(stroke.width * (2 if inner else 1))
    stroker.setCapStyle({"butt": QtCore.Qt.PenCapStyle.FlatCap,
                         "round": QtCore.Qt.PenCapStyle.RoundCap,
                         "square": QtCore.Qt.PenCapStyle.SquareCap}[stroke.cap])
    stroker.setJoinStyle({"miter": QtCore.Qt.PenJoinStyle.MiterJoin,
                          "round": QtCore.Qt.PenJoinStyle.RoundJoin,
                          "bevel": QtCore.Qt.PenJoinStyle.BevelJoin}[stroke.join])
    # Photoshop's limit is PostScript's (the miter's length over the stroke's width); Qt's
    # is measured from the join point, in widths: half of it.
    stroker.setMiterLimit(max(0.5, stroke.miter_limit / 2))
    if stroke.dashed():
        stroker.setDashPattern(_dash_pattern(stroke.dashes, 2 if inner else 1))
        stroker.setDashOffset(stroke.dash_offset / (2 if inner else 1))
    # Simplified: the stroker's pieces overlap at joins, and an antialiased fill adds up
    # the coverage of overlapping pieces (an inner corner pixel drawn 255 instead of 191).
    outline = stroker.createStroke(path).simplified()
    if _snapped_band(vector, subpaths, stroke):
        outline.translate(0.5, 0.5)
    rect = outline.boundingRect()
    box = Box.from_corners(int(np.floor(rect.left())) - 1, int(np.floor(rect.top())) - 1,
                           int(np.ceil(rect.right())) + 1, int(np.ceil(rect.bottom())) + 1
                           ).intersect(_limit(vector.canvas))
    if box.is_empty() or stroke.width <= 0:
        return np.zeros((0, 0), np.uint8), 0, 0
    image = QtGui.QImage(box.w, box.h, QtGui.QImage.Format.Format_Alpha8)
    image.fill(0)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.translate(-box.x, -box.y)
    painter.fillPath(outline, QtGui.QColor(0, 0, 0, 255))
    painter.end()
    raw = np.frombuffer(image.constBits(), np.uint8, count=box.h * image.bytesPerLine())
    values = raw.reshape(box.h, image.bytesPerLine())[:, :box.w].copy()
    if inner:
        start = 1.0 if vector.initial_fill and not subpaths else 0.0
        inside = _coverage(subpaths, box, start)
        values = _multiply(values, inside if stroke.alignment == "inside" else 255 - inside)
    return values, box.x, box.y
