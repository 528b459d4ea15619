"""Filter > Vanishing Point: planes seen in perspective, and copying, cloning and pasting
along them so that what is moved shrinks towards the vanishing point as the plane does.

A `Plane` is four canvas corners (top-left first, clockwise) of a rectangle seen in
perspective. Its own coordinates (u, v) run over a `width` x `height` rectangle, the quad's
mean edge lengths (Perspective Crop's `natural_size`), so one plane unit is about one
canvas pixel; `to_canvas` is the homography from there to the canvas (`perspective_crop.
homography`), `to_plane` its inverse. A plane is "valid" (Photoshop draws it blue), "doubtful"
(yellow: a convex quad whose far side is so foreshortened or whose corner so sharp that the
perspective is likely wrong) or "invalid" (red: the edges cross, or three corners in a line).

Every edit moves pixels by a translation in plane coordinates, d = (du, dv), so on the
canvas a point p goes to H T(d) H^-1 p: a patch taken near the viewer and put further
away comes out smaller and leaning as the plane does.

- `Floating` is a marquee's contents being moved: pixels with a matrix from their own
  pixel coordinates into the plane (a copy of the picture inside a marquee, Alt+drag:
  H^-1 shifted to the patch's corner; the clipboard's image: one pixel per plane unit),
  shifted by `offset`. `composite` draws it on the picture through
  `resample.perspective_pixels` (bilinear, premultiplied), the one perspective sampler.
- `stamp_dab` is the Stamp tool's dab: a disc in plane coordinates (so an ellipse,
  smaller towards the vanishing point, on the canvas) whose pixels are read at the plane
  point `offset` away (the Alt+clicked source), OpenCV's remap on premultiplied colour.

`VanishingPoint` is the filter (`pixel_filters.Operation`) that puts the picture edited in
the dialog on the layer through `filter_ops` (inside the selection's soft edge, one undo
step). Qt-free.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar, Optional, Sequence

import numpy as np

from engine.box import Box

from . import filter_ops
from .distort_filters import WHOLE
from .document import Document
from .errors import DocumentError
from .perspective_crop import homography, is_convex, natural_size, project
from .pixel_filters import Operation, _blend_premultiplied
from .resample import perspective_pixels, premultiplied_float, straight_uint8
from .smart_object import SmartObjectLayer

Point = tuple[float, float]
GRID_SIZE = 100        # Edit Plane's Grid Size by default (plane units, about canvas pixels)
FORESHORTENED = 8.0    # a far edge this many times shorter than its opposite: doubtful
SHARPEST = 12.0        # a corner sharper than this (degrees): doubtful
HARDNESS = 0.5         # the stamp's disc: full strength out to this share of its radius


def translation(x: float, y: float) -> np.ndarray:
    return np.array([[1, 0, x], [0, 1, y], [0, 0, 1]], np.float64)


@dataclass
class Plane:
    """A rectangle seen in perspective: its four canvas corners (any order when made)."""
    quad: list = field(default_factory=list)
    grid: int = GRID_SIZE

    def __post_init__(self) -> None:
        self.quad = in_order(self.quad)

    def moved(self, i: int, to: Point) -> "Plane":
        """The plane with corner `i` at `to` (Edit Plane's drag), its order kept."""
        quad = list(self.quad)
        quad[i] = (float(to[0]), float(to[1]))
        plane = Plane.__new__(Plane)
        plane.quad, plane.grid = quad, self.grid
        return plane

    def state(self) -> str:
        """"valid", "doubtful" or "invalid" (Photoshop's blue, yellow and red)."""
        if not is_convex(self.quad):
            return "invalid"
        try:
            self.to_canvas()
        except ValueError:
            return "invalid"
        pts = np.asarray(self.quad, np.float64)
        edges = [np.linalg.norm(pts[(i + 1) % 4] - pts[i]) for i in range(4)]
        if min(edges) < 2:
            return "invalid"
        if max(edges[0] / edges[2], edges[2] / edges[0],
               edges[1] / edges[3], edges[3] / edges[1]) > FORESHORTENED:
            return "doubtful"
        for i in range(4):
            a, b = pts[i - 1] - pts[i], pts[(i + 1) % 4] - pts[i]
            cos = float(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b))
            if math.degrees(math.acos(max(-1.0, min(1.0, cos)))) < SHARPEST:
                return "doubtful"
        return "valid"

    def size(self) -> tuple[int, int]:
        """The plane's own width and height (plane units)."""
        return natural_size(self.quad)

    def to_canvas(self) -> np.ndarray:
        """Plane (u, v) -> canvas: the rectangle's corners to the quad's."""
        w, h = self.size()
        return homography([(0, 0), (w, 0), (w, h), (0, h)], self.quad)

    def to_plane(self) -> np.ndarray:
        return np.linalg.inv(self.to_canvas())

    def plane_point(self, p: Point) -> Point:
        u, v = project(self.to_plane(), [p])[0]
        return float(u), float(v)

    def canvas_point(self, q: Point) -> Point:
        x, y = project(self.to_canvas(), [q])[0]
        return float(x), float(y)

    def contains(self, p: Point) -> bool:
        if self.state() == "invalid":
            return False
        u, v = self.plane_point(p)
        w, h = self.size()
        return 0 <= u <= w and 0 <= v <= h

    def rect_quad(self, rect: Sequence[float]) -> np.ndarray:
        """A rectangle (u0, v0, u1, v1) of the plane on the canvas: four corners, (4, 2)."""
        u0, v0, u1, v1 = rect
        return project(self.to_canvas(), [(u0, v0), (u1, v0), (u1, v1), (u0, v1)])

    def grid_lines(self) -> list[tuple[Point, Point]]:
        """The perspective grid's lines on the canvas: every `grid` plane units across and
        down, and the edges."""
        w, h = self.size()
        m = self.to_canvas()
        us = sorted(set(list(np.arange(0, w, max(1, self.grid))) + [w]))
        vs = sorted(set(list(np.arange(0, h, max(1, self.grid))) + [h]))
        lines = []
        for u in us:
            a, b = project(m, [(u, 0), (u, h)])
            lines.append((tuple(a), tuple(b)))
        for v in vs:
            a, b = project(m, [(0, v), (w, v)])
            lines.append((tuple(a), tuple(b)))
        return lines

    def clamp(self, q: Point) -> Point:
        w, h = self.size()
        return min(max(q[0], 0.0), float(w)), min(max(q[1], 0.0), float(h))


def in_order(quad: Sequence[Point]) -> list[Point]:
    """The corners as clicked, turned clockwise on screen and starting from the one nearest
    the top-left. Unlike Perspective Crop's `ordered`, crossed edges stay crossed: a plane
    clicked as a bow-tie is shown red, as Photoshop's is."""
    pts = [(float(x), float(y)) for x, y in quad]
    area = sum(pts[i][0] * pts[i - 3][1] - pts[i - 3][0] * pts[i][1] for i in range(4))
    if area < 0:  # (y down: a positive area is clockwise on screen)
        pts.reverse()
    first = min(range(4), key=lambda i: pts[i][0] + pts[i][1])
    return pts[first:] + pts[:first]


def quad_coverage(quad, box: Box) -> np.ndarray:
    """How much of each pixel of canvas `box` a convex canvas quad covers (uint8,
    anti-aliased edges)."""
    import cv2

    out = np.zeros((box.h, box.w), np.uint8)
    # OpenCV's pixel centres are at integers, ours at half-integers; 4 bits of sub-pixel.
    pts = (np.asarray(quad, np.float64) - [box.x + 0.5, box.y + 0.5]) * 16
    cv2.fillConvexPoly(out, np.rint(pts).astype(np.int32), 255, cv2.LINE_AA, 4)
    return out


@dataclass
class Floating:
    """A marquee's contents being moved along `plane`: `pixels` (straight RGBA), `into`
    (3x3: their pixel coordinates -> the plane's), shifted by `offset` plane units. With no
    plane (a paste not yet dragged into one) they lie flat: `into` then goes to the canvas
    and `offset` is in canvas pixels."""
    plane: Optional[Plane]
    pixels: np.ndarray
    into: np.ndarray
    offset: tuple = (0.0, 0.0)

    def canvas_matrix(self) -> np.ndarray:
        flat = translation(*self.offset) @ self.into
        return flat if self.plane is None else self.plane.to_canvas() @ flat

    def own_point(self, p: Point) -> Point:
        """Canvas point `p` in the coordinates `offset` counts in (the plane's, or the
        canvas's while flat)."""
        return (float(p[0]), float(p[1])) if self.plane is None else self.plane.plane_point(p)

    def holds(self, p: Point) -> bool:
        """Whether canvas point `p` lies on the contents (their box, in their coordinates)."""
        u, v = self.own_point(p)
        u0, v0, u1, v1 = self.rect()
        return u0 <= u <= u1 and v0 <= v <= v1

    def enter(self, plane: Plane, p: Point, grab: Point) -> None:
        """Flat contents dragged into `plane`: from now on they lie in it, one pixel a plane
        unit, the pixel `grab` (their own coordinates) under canvas point `p`."""
        u, v = plane.plane_point(p)
        self.plane, self.into = plane, translation(u - grab[0], v - grab[1])
        self.offset = (0.0, 0.0)

    def rect(self) -> tuple[float, float, float, float]:
        """Where the contents lie in the plane, (u0, v0, u1, v1) (the box round them)."""
        h, w = self.pixels.shape[:2]
        uv = project(translation(*self.offset) @ self.into, [(0, 0), (w, 0), (w, h), (0, h)])
        return (float(uv[:, 0].min()), float(uv[:, 1].min()),
                float(uv[:, 0].max()), float(uv[:, 1].max()))

    def corners(self) -> np.ndarray:
        """The contents' four corners on the canvas, (4, 2)."""
        h, w = self.pixels.shape[:2]
        return project(self.canvas_matrix(), [(0, 0), (w, 0), (w, h), (0, h)])


def lift(picture: np.ndarray, plane: Plane, rect: Sequence[float]) -> Floating:
    """The picture (canvas-sized) inside a marquee `rect` of the plane, as floating
    contents that move along the plane (Alt+drag): its box's pixels, transparent outside
    the marquee's quad, sent through the plane's own coordinates."""
    quad = plane.rect_quad(rect)
    h, w = picture.shape[:2]
    box = Box.from_corners(math.floor(quad[:, 0].min()), math.floor(quad[:, 1].min()),
                           math.ceil(quad[:, 0].max()), math.ceil(quad[:, 1].max())
                           ).intersect(Box(0, 0, w, h))
    if box.is_empty():
        raise ValueError("the marquee lies outside the picture")
    pixels = picture[box.slices()].copy()
    cover = quad_coverage(quad, box).astype(np.uint16)
    pixels[..., 3] = (pixels[..., 3] * cover + 127) // 255
    return Floating(plane, pixels, plane.to_plane() @ translation(box.x, box.y))


def pasted(image: np.ndarray, plane: Optional[Plane], at: Point = (0.0, 0.0)) -> Floating:
    """The clipboard's `image` floating with its corner at `at`: a point of `plane` (one
    pixel a plane unit), or with no plane flat on the canvas (Photoshop's paste, at the
    top-left, to be dragged into a plane)."""
    return Floating(plane, np.ascontiguousarray(image), translation(*at))


def composite(picture: np.ndarray, floating: Floating) -> np.ndarray:
    """A copy of the picture with the floating contents drawn over it in perspective;
    ValueError when they would reach past the plane's horizon."""
    h, w = picture.shape[:2]
    pixels, x, y = perspective_pixels(floating.pixels, floating.canvas_matrix(),
                                      clip=Box(0, 0, w, h))
    out = picture.copy()
    if pixels.size:
        box = Box(x, y, pixels.shape[1], pixels.shape[0])
        out[box.slices()] = over(pixels, picture[box.slices()])
    return out


def over(fg: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Straight uint8 `fg` over `bg` ("normal"), in premultiplied float32 (the samplers'
    form: a whole canvas in a fraction of a second)."""
    if fg[..., 3].all() and (fg[..., 3] == 255).all():
        return fg.copy()  # (an opaque layer hides what is under it)
    out = premultiplied_float(bg)
    out *= 1.0 - fg[..., 3:4].astype(np.float32) * np.float32(1 / 255)
    out += premultiplied_float(fg)
    return straight_uint8(out)


def disc_weight(r: np.ndarray, hardness: float = HARDNESS) -> np.ndarray:
    """The stamp's weight at r radii: 1 out to `hardness`, a smooth step to 0 at the rim."""
    t = np.clip((r - hardness) / max(1e-6, 1.0 - hardness), 0.0, 1.0)
    return 1.0 - t * t * (3.0 - 2.0 * t)


def stamp_dab(picture: np.ndarray, source: np.ndarray, plane: Plane, offset: Point,
              centre: Point, diameter: float, opacity: float = 1.0) -> Optional[Box]:
    """One Stamp dab, in place on `picture`: a disc of `diameter` plane units round canvas
    point `centre`, inside the plane, painted with `source` (the picture as the stroke
    began, premultiplied float: `premultiplied_float`) read `offset` plane units away
    (source = dab - offset). Returns the canvas box changed, or None."""
    import cv2

    h, w = picture.shape[:2]
    m, inv = plane.to_canvas(), plane.to_plane()
    qc = np.asarray(plane.plane_point(centre))
    radius = diameter / 2.0
    ring = [qc + radius * np.array([math.cos(t), math.sin(t)])
            for t in np.linspace(0, 2 * math.pi, 24, endpoint=False)]
    xy = project(m, ring)
    box = Box.from_corners(math.floor(xy[:, 0].min()) - 1, math.floor(xy[:, 1].min()) - 1,
                           math.ceil(xy[:, 0].max()) + 1, math.ceil(xy[:, 1].max()) + 1
                           ).intersect(Box(0, 0, w, h))
    if box.is_empty():
        return None
    xs = np.arange(box.x, box.x1, dtype=np.float64)[None, :] + 0.5
    ys = np.arange(box.y, box.y1, dtype=np.float64)[:, None] + 0.5
    u, v = _projected(inv, xs, ys)
    pw, ph = plane.size()
    inside = (u >= 0) & (u <= pw) & (v >= 0) & (v <= ph)
    weight = disc_weight(np.hypot(u - qc[0], v - qc[1]) / max(radius, 1e-6)) * inside * opacity
    if not weight.any():
        return None
    # Where each pixel reads: the same plane point `offset` back, on the canvas (OpenCV's
    # pixel centres at integers).
    sx, sy = _projected(m @ translation(-offset[0], -offset[1]) @ inv, xs, ys)
    sampled = cv2.remap(source, (sx - 0.5).astype(np.float32), (sy - 0.5).astype(np.float32),
                        cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    coverage = (weight * 255 + 0.5).astype(np.uint8)
    picture[box.slices()] = _blend_premultiplied(picture[box.slices()],
                                                 straight_uint8(sampled), coverage)
    return box


def _projected(m: np.ndarray, xs: np.ndarray, ys: np.ndarray):
    """A pixel grid (a row of x, a column of y) through the projective `m`, element-wise:
    far quicker than `project`'s matrix product on a brush's hundred thousand points."""
    w = m[2, 0] * xs + m[2, 1] * ys + m[2, 2]
    return (m[0, 0] * xs + m[0, 1] * ys + m[0, 2]) / w, (m[1, 0] * xs + m[1, 1] * ys + m[1, 2]) / w


def stroke_dabs(start: Point, end: Point, spacing: float) -> list[Point]:
    """The dab centres after `start` up to `end`, `spacing` canvas pixels apart."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    n = max(1, int(math.hypot(dx, dy) / max(spacing, 0.5)))
    return [(start[0] + dx * i / n, start[1] + dy * i / n) for i in range(1, n + 1)]


def stroke_source(picture: np.ndarray) -> np.ndarray:
    """What a Stamp stroke reads: the picture as the stroke began, premultiplied."""
    return premultiplied_float(picture)


def prepare(doc: Document) -> filter_ops.Target:
    """The active layer ready for the dialog (an empty one too: Photoshop's habit of a new
    layer for the results), or a DocumentError in one line: a smart object, as Photoshop's
    Vanishing Point refuses it (no smart filter), or a targeted mask."""
    node = doc.active
    if isinstance(node, SmartObjectLayer):
        raise DocumentError(f"'{node.name}' is a smart object: Vanishing Point works on "
                            f"pixels. Rasterize it first (Layer > Rasterize > Smart Object).")
    target = filter_ops.prepare(doc, node, "filter", empty_ok=True, smart=False)
    if target.on_mask:
        raise DocumentError("Vanishing Point works on a layer's pixels: click the layer's "
                            "thumbnail in the Layers panel.")
    return target


class VanishingPoint(Operation):
    """The picture edited in the Vanishing Point dialog (canvas-sized straight RGBA) put
    on the layer: the canvas part of the layer replaced, inside the selection's soft
    edge; what lies beyond the canvas stays."""

    label: ClassVar[str] = "Vanishing Point"
    grows: ClassVar[bool] = True  # pixels may be cloned or pasted where the layer had none

    def __init__(self, picture: np.ndarray, original: np.ndarray):
        self.picture, self.original = picture, original

    def reach(self) -> int:
        return WHOLE  # (the region is the layer and the canvas, read whole)

    def banded(self) -> bool:
        return False

    def is_identity(self) -> bool:
        return np.array_equal(self.picture, self.original)

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        out = old.copy()
        h, w = self.picture.shape[:2]
        inter = where.intersect(Box(0, 0, w, h))
        if not inter.is_empty():
            out[inter.translate(-where.x, -where.y).slices()] = self.picture[inter.slices()]
        return _blend_premultiplied(old, out, coverage)
