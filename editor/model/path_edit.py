"""Path geometry for the path tools (no Qt): knots made from clicks and drags, finding
the anchor, handle or segment under the pointer, moving an anchor (its handles go with
it) or a handle (a smooth anchor's other handle turns with it, keeping its length, as
Photoshop's Direct Selection does), adding an anchor on a segment without changing the
shape (Add Anchor Point), removing one (Delete Anchor Point), and turning an anchor into
a corner or a smooth point (Convert Point).

The shape tools' shapes are made here too: what a drag defines (`shape_box`,
`shape_drag`) and each shape's knots (`rectangle_knots`, `rounded_rectangle_knots`,
`ellipse_knots`, `polygon_knots`, `line_knots`).

A knot is a (3, 2) array of (preceding handle, anchor, leaving handle) in canvas pixels,
as `vector_mask.Subpath` keeps them. Every function returns new arrays or a new path: the
vector mask is never changed in place (undo keeps the old one).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .vector_mask import Subpath, VectorMask

PRECEDING, ANCHOR, LEAVING = 0, 1, 2
# A handle nearer its anchor than this (pixels) is no handle: the anchor is a corner there.
TINY = 1e-6
# A quarter ellipse as one cubic Bezier: its handles KAPPA times the radius along the
# tangents (4/3 (sqrt 2 - 1) = 0.5523, the usual choice: the curve strays 0.03 % of the
# radius from the circle; Photoshop's Ellipse tool draws the same four knots).
KAPPA = 4 * (np.sqrt(2) - 1) / 3


def corner_knot(x: float, y: float) -> np.ndarray:
    """A corner anchor at (x, y): both handles on it (straight segments either side)."""
    return np.array([(x, y)] * 3, np.float64)


def smooth_knot(x: float, y: float, hx: float, hy: float) -> np.ndarray:
    """A smooth anchor at (x, y) whose leaving handle is at (hx, hy) and whose preceding
    handle mirrors it (the Pen tool's click-and-drag)."""
    return np.array([(2 * x - hx, 2 * y - hy), (x, y), (hx, hy)], np.float64)


def is_smooth(knot: np.ndarray, tolerance: float = 1e-3) -> bool:
    """Both handles off the anchor and on one line through it, on opposite sides."""
    a = knot[PRECEDING] - knot[ANCHOR]
    b = knot[LEAVING] - knot[ANCHOR]
    la, lb = np.hypot(*a), np.hypot(*b)
    if la < TINY or lb < TINY:
        return False
    return float(np.dot(a, b)) / (la * lb) < -1 + tolerance


def shape_box(ax: float, ay: float, x: float, y: float, *, square: bool = False,
              centred: bool = False, aspect: float = 1.0) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) a shape tool's drag from (ax, ay) to (x, y) draws, as
    Photoshop's: `square` (Shift) makes both sides the longer one (for a custom shape: the
    box of its own proportions, width over height `aspect`, that holds the drag), `centred`
    (Alt) takes the press as the centre rather than a corner."""
    dx, dy = x - ax, y - ay
    if square:
        width = max(abs(dx), abs(dy) * aspect)
        dx, dy = np.copysign(width, dx), np.copysign(width / aspect, dy)
    if centred:
        return ax - abs(dx), ay - abs(dy), ax + abs(dx), ay + abs(dy)
    return min(ax, ax + dx), min(ay, ay + dy), max(ax, ax + dx), max(ay, ay + dy)


def rectangle_knots(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """A rectangle's four corner knots, clockwise from the top left (a closed subpath)."""
    return np.stack([corner_knot(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))])


def ellipse_knots(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """The ellipse inscribed in the box: four smooth knots (top, right, bottom, left,
    clockwise), each quarter one cubic Bezier with handles KAPPA times its radius."""
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    kx, ky = KAPPA * rx, KAPPA * ry
    return np.array([[(cx - kx, y0), (cx, y0), (cx + kx, y0)],
                     [(x1, cy - ky), (x1, cy), (x1, cy + ky)],
                     [(cx + kx, y1), (cx, y1), (cx - kx, y1)],
                     [(x0, cy + ky), (x0, cy), (x0, cy - ky)]], np.float64)


def rounded_rectangle_knots(x0: float, y0: float, x1: float, y1: float,
                            radius: float) -> np.ndarray:
    """A rectangle whose corners are quarter circles of `radius` (at most half its shorter
    side), each one cubic Bezier with handles KAPPA times the radius, as Photoshop's
    Rounded Rectangle draws them: two corner anchors per corner, clockwise from the top
    edge; where the arcs meet (a radius of half a side) the two anchors are one smooth
    anchor. Radius 0: the rectangle."""
    r = max(0.0, min(float(radius), (x1 - x0) / 2, (y1 - y0) / 2))
    if r <= TINY:
        return rectangle_knots(x0, y0, x1, y1)
    k = KAPPA * r
    # (anchor, preceding handle, leaving handle): each arc leaves one anchor along its edge
    # towards the corner and reaches the next from the corner along the other edge.
    knots = [((x0 + r, y0), (x0 + r - k, y0), (x0 + r, y0)),
             ((x1 - r, y0), (x1 - r, y0), (x1 - r + k, y0)),
             ((x1, y0 + r), (x1, y0 + r - k), (x1, y0 + r)),
             ((x1, y1 - r), (x1, y1 - r), (x1, y1 - r + k)),
             ((x1 - r, y1), (x1 - r + k, y1), (x1 - r, y1)),
             ((x0 + r, y1), (x0 + r, y1), (x0 + r - k, y1)),
             ((x0, y1 - r), (x0, y1 - r + k), (x0, y1 - r)),
             ((x0, y0 + r), (x0, y0 + r), (x0, y0 + r - k))]
    out: list[np.ndarray] = []
    for anchor, preceding, leaving in knots:
        if out and np.hypot(*(out[-1][ANCHOR] - anchor)) <= TINY:
            out[-1][LEAVING] = leaving  # a straight edge of no length: one anchor
        else:
            out.append(np.array([preceding, anchor, leaving], np.float64))
    return np.stack(out)


def polygon_knots(cx: float, cy: float, x: float, y: float, sides: int) -> np.ndarray:
    """A regular polygon of `sides` corners (at least 3) centred on (cx, cy), one corner at
    (x, y): corner knots, clockwise on the canvas."""
    n = max(3, int(sides))
    radius = np.hypot(x - cx, y - cy)
    angles = np.arctan2(y - cy, x - cx) + 2 * np.pi * np.arange(n) / n
    return np.stack([corner_knot(cx + radius * np.cos(a), cy + radius * np.sin(a))
                     for a in angles])


def line_knots(x0: float, y0: float, x1: float, y1: float, weight: float) -> np.ndarray:
    """Photoshop's Line: a rectangle `weight` wide from (x0, y0) to (x1, y1), its ends
    square across the line (corner knots; nothing for a line of no length)."""
    length = np.hypot(x1 - x0, y1 - y0)
    if length <= TINY:
        return np.zeros((0, 3, 2), np.float64)
    # Half the weight across the line, to either side.
    nx, ny = -(y1 - y0) / length * weight / 2, (x1 - x0) / length * weight / 2
    return np.stack([corner_knot(x, y) for x, y in ((x0 - nx, y0 - ny), (x1 - nx, y1 - ny),
                                                    (x1 + nx, y1 + ny), (x0 + nx, y0 + ny))])


def shape_drag(shape: str, ax: float, ay: float, x: float, y: float, *, shift: bool = False,
               alt: bool = False, aspect: float = 1.0) -> tuple[float, float, float, float]:
    """What a shape tool's drag from (ax, ay) to (x, y) defines, as Photoshop's tools take
    it: for a polygon its centre (the press) and a corner (the pointer; Shift: the corner
    straight above the centre, the polygon upright); for a line its two ends (Shift: at a
    multiple of 45 degrees); for the others their box (`shape_box`: Shift square, Alt
    from the centre)."""
    if shape == "polygon":
        if shift:
            x, y = ax, ay - np.hypot(x - ax, y - ay)
        return ax, ay, float(x), float(y)
    if shape == "line":
        return (ax, ay, *constrained(ax, ay, x, y)) if shift else (ax, ay, x, y)
    return shape_box(ax, ay, x, y, square=shift, centred=alt, aspect=aspect)


@dataclass(frozen=True)
class Hit:
    """What is under the pointer: `part` ANCHOR, PRECEDING or LEAVING of knot `index` of
    subpath `subpath`."""

    subpath: int
    index: int
    part: int


def hit_test(knots: list[np.ndarray], x: float, y: float, radius: float,
             selected: Optional[tuple[int, int]] = None) -> Optional[Hit]:
    """The nearest anchor within `radius` of (x, y), or one of the selected anchor's
    handles (only its handles are shown, so only they can be grabbed; they are tried
    first, as they may lie on other anchors). `knots`: each subpath's (n, 3, 2) array."""
    point = np.array([x, y], np.float64)
    if selected is not None and selected[0] < len(knots) and selected[1] < len(knots[selected[0]]):
        knot = knots[selected[0]][selected[1]]
        best = None
        for part in (PRECEDING, LEAVING):
            if np.hypot(*(knot[part] - knot[ANCHOR])) < TINY:
                continue  # on its anchor: the anchor is grabbed there
            d = float(np.hypot(*(knot[part] - point)))
            if d <= radius and (best is None or d < best[0]):
                best = (d, Hit(selected[0], selected[1], part))
        if best is not None:
            return best[1]
    best = None
    for s, sub in enumerate(knots):
        if not len(sub):
            continue
        d = np.hypot(*(sub[:, ANCHOR] - point).T)
        i = int(np.argmin(d))
        if d[i] <= radius and (best is None or d[i] < best[0]):
            best = (float(d[i]), Hit(s, i, ANCHOR))
    return best[1] if best is not None else None


@dataclass(frozen=True)
class SegmentHit:
    """A point on a segment: at parameter `t` (0..1) of the cubic from knot `index` of
    subpath `subpath` to the next knot (the first one, for a closed subpath's last)."""

    subpath: int
    index: int
    t: float


def segment_count(knots: np.ndarray, closed: bool) -> int:
    """How many segments a subpath of `knots` has (a closed one also joins last to first)."""
    if len(knots) < 2:
        return 0
    return len(knots) if closed else len(knots) - 1


def segment_controls(knots: np.ndarray, index: int) -> np.ndarray:
    """The four control points (4, 2) of segment `index`: its anchor, that anchor's
    leaving handle, the next knot's preceding handle and the next anchor."""
    a, b = knots[index], knots[(index + 1) % len(knots)]
    return np.array([a[ANCHOR], a[LEAVING], b[PRECEDING], b[ANCHOR]], np.float64)


def bezier_points(controls: np.ndarray, t) -> np.ndarray:
    """Points (len(t), 2) of the cubic with `controls` (4, 2) at parameters `t`."""
    t = np.asarray(t, np.float64).reshape(-1, 1)
    u = 1 - t
    p0, p1, p2, p3 = controls
    return u ** 3 * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t ** 3 * p3


def nearest_on_segment(controls: np.ndarray, point: np.ndarray) -> tuple[float, float]:
    """(distance, t) of the point of the cubic nearest `point`: the nearest of evenly
    spaced samples, then narrowed around it (a cubic is smooth enough between samples
    that the nearest point lies beside the nearest sample)."""
    lo, hi, count = 0.0, 1.0, 65
    for _ in range(6):  # each round narrows the interval 16 times: far below a pixel
        t = np.linspace(lo, hi, count)
        d = np.hypot(*(bezier_points(controls, t) - point).T)
        i = int(np.argmin(d))
        step = (hi - lo) / (count - 1)
        lo, hi = max(0.0, t[i] - step), min(1.0, t[i] + step)
    return float(d[i]), float(t[i])


def segment_hit(subpaths: list[Subpath], x: float, y: float,
                radius: float) -> Optional[SegmentHit]:
    """The point of a segment nearest (x, y), if within `radius` (Add Anchor Point's
    click). `subpaths` where they are drawn (`current_subpaths`)."""
    point = np.array([x, y], np.float64)
    best = None
    for s, sub in enumerate(subpaths):
        for i in range(segment_count(sub.knots, sub.closed)):
            controls = segment_controls(sub.knots, i)
            low, high = controls.min(axis=0) - radius, controls.max(axis=0) + radius
            if (point < low).any() or (point > high).any():
                continue  # the curve lies inside its control points' box
            d, t = nearest_on_segment(controls, point)
            if d <= radius and (best is None or d < best[0]):
                best = (d, SegmentHit(s, i, t))
    return best[1] if best is not None else None


def split_segment(knots: np.ndarray, index: int, t: float) -> np.ndarray:
    """`knots` with an anchor added at parameter `t` of segment `index`, by de Casteljau's
    construction: the two new cubics together are exactly the old one, so the shape does
    not change. The new knot is smooth (its handles on the curve's tangent), and the
    neighbours' handles on that segment shorten to match. It is inserted after knot
    `index` (at the end, for a closed subpath's last segment)."""
    p0, p1, p2, p3 = segment_controls(knots, index)
    p01, p12, p23 = p0 + t * (p1 - p0), p1 + t * (p2 - p1), p2 + t * (p3 - p2)
    p012, p123 = p01 + t * (p12 - p01), p12 + t * (p23 - p12)
    p0123 = p012 + t * (p123 - p012)
    out = knots.copy()
    out[index, LEAVING] = p01
    out[(index + 1) % len(knots), PRECEDING] = p23
    return np.insert(out, index + 1, np.array([p012, p0123, p123]), axis=0)


def retracted(knots: np.ndarray, index: int) -> np.ndarray:
    """`knots` with knot `index` a corner: both handles back on its anchor (Convert Point's
    click on a smooth anchor)."""
    out = knots.copy()
    out[index] = corner_knot(*knots[index, ANCHOR])
    return out


def pulled(knots: np.ndarray, index: int, x: float, y: float) -> np.ndarray:
    """`knots` with knot `index` smooth, its leaving handle at (x, y) and its preceding one
    mirrored (Convert Point's drag from an anchor, as the Pen's click-and-drag)."""
    out = knots.copy()
    out[index] = smooth_knot(*knots[index, ANCHOR], x, y)
    return out


def has_handles(knot: np.ndarray) -> bool:
    """Whether either handle lies off the anchor (the anchor is not a plain corner)."""
    return bool(np.hypot(*(knot[[PRECEDING, LEAVING]] - knot[ANCHOR]).T).max() >= TINY)


def moved_anchor(knots: np.ndarray, index: int, dx: float, dy: float) -> np.ndarray:
    """`knots` with anchor `index` and its two handles moved by (dx, dy)."""
    out = knots.copy()
    out[index] += np.array([dx, dy], np.float64)
    return out


def moved_handle(knots: np.ndarray, index: int, part: int, x: float, y: float,
                 keep_smooth: bool = True) -> np.ndarray:
    """`knots` with handle `part` of knot `index` at (x, y). On a smooth anchor the other
    handle turns to stay opposite, keeping its length; on a corner, or without
    `keep_smooth` (Alt in Photoshop: the anchor becomes a corner), it stays."""
    out = knots.copy()
    knot = out[index]
    smooth = keep_smooth and is_smooth(knot)
    knot[part] = (x, y)
    if smooth:
        other = LEAVING if part == PRECEDING else PRECEDING
        length = np.hypot(*(knots[index][other] - knot[ANCHOR]))
        direction = knot[ANCHOR] - knot[part]
        norm = np.hypot(*direction)
        if norm > TINY:
            knot[other] = knot[ANCHOR] + direction / norm * length
    return out


def constrained(x0: float, y0: float, x: float, y: float) -> tuple[float, float]:
    """(x, y) moved onto the nearest of the lines at multiples of 45 degrees through
    (x0, y0) (Shift with the Pen)."""
    dx, dy = x - x0, y - y0
    angle = np.round(np.arctan2(dy, dx) / (np.pi / 4)) * (np.pi / 4)
    ux, uy = np.cos(angle), np.sin(angle)
    length = dx * ux + dy * uy
    return float(x0 + length * ux), float(y0 + length * uy)


def without_anchor(subpaths: list[Subpath], subpath: int, index: int) -> list[Subpath]:
    """The subpaths with that anchor removed; a subpath left with fewer than two anchors
    is removed (nothing of it would be filled)."""
    out = list(subpaths)
    sub = out[subpath]
    knots = np.delete(sub.knots, index, axis=0)
    if len(knots) < 2:
        del out[subpath]
        if subpath < len(out) and out[subpath].operation == -1:
            # The next subpath was part of the removed one's component: it starts its own.
            nxt = out[subpath]
            out[subpath] = Subpath(nxt.knots, nxt.closed, sub.operation)
    else:
        out[subpath] = Subpath(knots, sub.closed, sub.operation)
    return out


def replaced(subpaths: list[Subpath], subpath: int, knots: np.ndarray) -> list[Subpath]:
    """The subpaths with subpath `subpath`'s knots replaced by `knots`."""
    out = list(subpaths)
    old = out[subpath]
    out[subpath] = Subpath(np.asarray(knots, np.float64), old.closed, old.operation)
    return out


def current_subpaths(vector: VectorMask) -> list[Subpath]:
    """The path's subpaths with their knots where they are drawn now (canvas pixels)."""
    return [Subpath(k, s.closed, s.operation)
            for s, k in zip(vector.subpaths, vector.moved_knots())]


def with_new_subpath(vector: Optional[VectorMask], knots: np.ndarray, closed: bool,
                     canvas) -> VectorMask:
    """`vector` with a subpath of `knots` added, combined with the rest (psd-tools'
    operation 1, Photoshop's Combine Shapes); without a vector mask, a new one holding it
    alone (Photoshop's Layer > Vector Mask > Current Path)."""
    sub = Subpath(np.asarray(knots, np.float64).reshape(-1, 3, 2), bool(closed), 1)
    if vector is None:
        out = VectorMask([sub], canvas)
        out.edited = True
        return out
    return vector.with_subpaths(current_subpaths(vector) + [sub])
