"""Edit > Perspective Warp: planes laid over a picture, then their corners moved; the picture
inside each plane follows that plane's homography.

The planes are quads over shared corners: `points` (N, 2) canvas points where the corners lie
in the picture as it is (Photoshop's Layout), `quads` (P, 4) indices into them, clockwise
on screen from the top-left as drawn, and `warped` (N, 2) where the corners go (its Warp).
Two planes that share an edge share its two corners, so however the corners move the edge
stays one edge in both.

The mapping of the picture: a point inside plane i goes through the homography H_i that
takes the plane's layout corners to its warped ones. A point outside every plane follows
each plane's homography continued along its tangent from the plane's nearest point (a
homography itself would run off to infinity beyond the plane). Where several planes have a
say their answers are averaged, each weighted by 1 / (reach + signed distance to its
outline)^4 (negative inside): deeper than `reach` inside a plane (BAND of the smallest
plane's size) that plane's homography alone counts; outside them all the nearest ones
count most; and on a side two planes share, their homographies (which send the side's
points to the same segment but not always to the same places along it: each also follows
its plane's other corners) are averaged, the hand-over spread over `reach` on either side.
So the mapping is continuous everywhere: no gap and no tear where planes meet.

The pixels are resampled as Warp's are: a forward mesh over the array (`forward_mesh`),
bent by that mapping, inverse-mapped at a quarter of the resolution and enlarged
(`warp.mesh_inverse_map`), sampled bilinearly and premultiplied (`triangle_map.remap`).

Pure numpy/OpenCV: no Qt here; the mode is `editor/ui/tools/perspective_warp.py`.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from engine.box import Box

from . import warp
from .triangle_map import remap

BAND = 0.2  # of the smallest plane's side (the root of its area): the hand-over band
MIN_SIDE = 2.0  # px: a plane's sides at least this long
CELL = 8.0  # output px: the mesh's cells (piecewise affine: ~0.1 px off a homography)
MAX_CELLS = 512  # per axis: bounds the work for a big layer


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 3 x 3 projective map taking the four points `src` onto `dst` ((4, 2) each),
    scaled so that its denominator is positive over `src`. ValueError when three of either
    four lie on a line."""
    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    a = np.zeros((8, 8))
    b = np.zeros(8)
    for k, ((x, y), (u, v)) in enumerate(zip(src, dst)):
        a[2 * k] = (x, y, 1, 0, 0, 0, -u * x, -u * y)
        a[2 * k + 1] = (0, 0, 0, x, y, 1, -v * x, -v * y)
        b[2 * k], b[2 * k + 1] = u, v
    try:
        h = np.append(np.linalg.solve(a, b), 1.0).reshape(3, 3)
    except np.linalg.LinAlgError:
        raise ValueError("a plane has collapsed to a line") from None
    if not np.isfinite(h).all():
        raise ValueError("a plane has collapsed to a line")
    w = src @ h[2, :2] + h[2, 2]
    if (w <= 0).all():
        h = -h
    elif not (w > 0).all():
        raise ValueError("a plane folds over itself")
    return h


def is_convex(quad: np.ndarray, min_side: float = MIN_SIDE) -> bool:
    """Whether the four corners make a convex quad (either way round) with no side shorter
    than `min_side`: one a homography can take."""
    q = np.asarray(quad, np.float64)
    e = np.roll(q, -1, axis=0) - q
    if (np.hypot(e[:, 0], e[:, 1]) < min_side).any():
        return False
    cross = e[:, 0] * np.roll(e, -1, axis=0)[:, 1] - e[:, 1] * np.roll(e, -1, axis=0)[:, 0]
    return bool((cross > 0).all() or (cross < 0).all())


def homographies(points: np.ndarray, quads: np.ndarray, warped: np.ndarray) -> np.ndarray:
    """Each plane's homography, layout -> warped: (P, 3, 3)."""
    return np.array([homography(points[q], warped[q]) for q in np.asarray(quads, int)]
                    ).reshape(-1, 3, 3)


def _nearest(quad: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The nearest point of the convex `quad` to each of the points `p` ((M, 2)): p itself
    inside, else on the nearest side; and the signed distance to its outline (negative
    inside: how deep) ((M, 2), (M,))."""
    a = quad
    b = np.roll(quad, -1, axis=0)
    e = b - a  # (4, 2)
    orient = np.sign(np.sum(a[:, 0] * b[:, 1] - b[:, 0] * a[:, 1])) or 1.0
    rel = p[:, None, :] - a[None]  # (M, 4, 2)
    cross = e[None, :, 0] * rel[..., 1] - e[None, :, 1] * rel[..., 0]
    inside = (orient * cross >= 0).all(axis=1)
    t = np.clip((rel * e[None]).sum(-1) / np.maximum((e * e).sum(-1), 1e-12)[None], 0, 1)
    foot = a[None] + t[..., None] * e[None]  # (M, 4, 2)
    d2 = ((p[:, None, :] - foot) ** 2).sum(-1)
    k = np.argmin(d2, axis=1)
    rows = np.arange(len(p))
    near = np.where(inside[:, None], p, foot[rows, k])
    dist = np.sqrt(d2[rows, k])
    return near, np.where(inside, -dist, dist)


def _area(quad: np.ndarray) -> float:
    x, y = quad[:, 0], quad[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def map_points(points: np.ndarray, quads: np.ndarray, warped: np.ndarray, q: np.ndarray,
               hs: Optional[np.ndarray] = None) -> np.ndarray:
    """Canvas points `q` ((M, 2)) of the picture as it is, where the warp sends them (see the
    module docstring): (M, 2). Without planes, where they are."""
    q = np.asarray(q, np.float64).reshape(-1, 2)
    quads = np.asarray(quads, int).reshape(-1, 4)
    if len(q) == 0 or len(quads) == 0:
        return q.copy()
    if hs is None:
        hs = homographies(points, quads, warped)
    points = np.asarray(points, np.float64)
    # The band (source px) over which two planes' say hands over at a side they share.
    reach = BAND * min(math.sqrt(abs(_area(points[quad]))) for quad in quads)
    floor = (1e-3 * reach) ** 4 + 1e-12
    total = np.zeros_like(q)
    weight = np.zeros(len(q))
    for quad, h in zip(quads, hs):
        near, signed = _nearest(points[quad], q)
        w = near @ h[2, :2] + h[2, 2]  # > 0 on the plane
        u = (near @ h[0, :2] + h[0, 2]) / w
        v = (near @ h[1, :2] + h[1, 2]) / w
        # The homography's derivative at the nearest point: its tangent continuation outside.
        d = q - near
        du = ((h[0, 0] - u * h[2, 0]) * d[:, 0] + (h[0, 1] - u * h[2, 1]) * d[:, 1]) / w
        dv = ((h[1, 0] - v * h[2, 0]) * d[:, 0] + (h[1, 1] - v * h[2, 1]) * d[:, 1]) / w
        # Deeper than `reach` inside the plane its weight is ~1e12 times any other's; on its
        # outline 1 / reach^4, as its neighbour's there; outside it falls as 1 / distance^4.
        k = 1.0 / (np.maximum(reach + signed, 0.0) ** 4 + floor)
        total += k[:, None] * np.column_stack([u + du, v + dv])
        weight += k
    return total / weight[:, None]


def _stretch(box, points, quads, warped) -> tuple[float, float]:
    """The most and the least output pixels per source pixel along the box's axes (on a
    lattice of 16 steps each way)."""
    x, y, w, h = box
    n = 16
    lattice = np.stack(np.meshgrid(np.linspace(x, x + w, n + 1), np.linspace(y, y + h, n + 1)),
                       axis=-1)
    out = map_points(points, quads, warped, lattice.reshape(-1, 2)).reshape(n + 1, n + 1, 2)
    along_x = np.hypot(*np.diff(out, axis=1).transpose(2, 0, 1)) * n / max(w, 1e-9)
    along_y = np.hypot(*np.diff(out, axis=0).transpose(2, 0, 1)) * n / max(h, 1e-9)
    return float(max(along_x.max(), along_y.max())), float(min(along_x.min(), along_y.min()))


def forward_mesh(box, points, quads, warped, cell: float = CELL
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The forward mesh over the canvas box (x, y, w, h): (output points, source points),
    each (rows + 1, cols + 1, 2), its cells about `cell` output pixels wide where the warp
    stretches most; its lines on the box's edges, and one ring of cells beyond them two
    coarse pixels of output wide (`warp.mesh_inverse_map` interpolates the edges from it)."""
    x, y, w, h = (float(v) for v in box)
    most, least = _stretch(box, points, quads, warped)
    pad = min(2.0 * warp._COARSE / max(least, 1e-3), 4.0 * warp._COARSE * 16)
    cols = int(min(MAX_CELLS, max(1, math.ceil(most * w / cell))))
    rows = int(min(MAX_CELLS, max(1, math.ceil(most * h / cell))))
    xs = np.concatenate([[x - pad], np.linspace(x, x + w, cols + 1), [x + w + pad]])
    ys = np.concatenate([[y - pad], np.linspace(y, y + h, rows + 1), [y + h + pad]])
    src = np.stack(np.meshgrid(xs, ys), axis=-1)
    out = map_points(points, quads, warped, src.reshape(-1, 2)).reshape(src.shape)
    return out, src


def inverse_map(size: tuple[int, int], origin: tuple[float, float], points, quads, warped,
                clip: Optional[Box] = None, cell: float = CELL
                ) -> Optional[tuple[np.ndarray, np.ndarray, Box]]:
    """For an array of `size` (w, h) whose pixel (0, 0) lies at canvas `origin`: the canvas
    box its warped picture covers (within `clip`) and, for every pixel there, the array's
    point that lands on it (map_x, map_y, box) for `cv2.remap`, through Warp's mesh
    resampling (`warp.mesh_inverse_map`); None when the box is empty."""
    w, h = size
    if w == 0 or h == 0:
        return None
    ox, oy = float(origin[0]), float(origin[1])
    out, src = forward_mesh((ox, oy, w, h), points, quads, warped, cell)
    # The lattice's lines lie on the array's edges: its inner points are the warped array.
    inner = out[1:-1, 1:-1].reshape(-1, 2)
    lo, hi = inner.min(axis=0), inner.max(axis=0)
    bounds = Box.from_corners(math.floor(lo[0] + 1e-6), math.floor(lo[1] + 1e-6),
                              math.ceil(hi[0] - 1e-6), math.ceil(hi[1] - 1e-6))
    if clip is not None:
        bounds = bounds.intersect(clip)
    if bounds.is_empty():
        return None
    map_x, map_y = warp.mesh_inverse_map(out, src - (ox, oy), (0, 0, w, h), bounds)
    return map_x, map_y, bounds


def warp_pixels(pixels: np.ndarray, origin: tuple[float, float], points, quads, warped,
                clip: Optional[Box] = None, cell: float = CELL) -> tuple[np.ndarray, int, int]:
    """Straight RGBA `pixels` (pixel (0, 0) at canvas `origin`) warped by the planes
    (`inverse_map`, then `triangle_map.remap`: bilinear, premultiplied). Returns (pixels,
    x, y): the warped array and its canvas corner."""
    found = inverse_map((pixels.shape[1], pixels.shape[0]), origin, points, quads, warped,
                        clip, cell)
    if found is None:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    map_x, map_y, bounds = found
    return remap(pixels, map_x, map_y), bounds.x, bounds.y


# -- Layout: drawing and joining planes ---------------------------------------------------
def add_rectangle(points: np.ndarray, quads: np.ndarray, a, b
                  ) -> tuple[np.ndarray, np.ndarray]:
    """A new plane, the rectangle with opposite corners `a` and `b`, appended (its corners
    new points, clockwise from the top-left)."""
    (x0, x1), (y0, y1) = sorted((a[0], b[0])), sorted((a[1], b[1]))
    n = len(points)
    points = np.vstack([np.asarray(points, np.float64).reshape(-1, 2),
                        [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]])
    quads = np.vstack([np.asarray(quads, int).reshape(-1, 4), [(n, n + 1, n + 2, n + 3)]])
    return points, quads


def edges(quads: np.ndarray) -> np.ndarray:
    """The planes' sides as (E, 2) point indices, each once (a shared side once)."""
    quads = np.asarray(quads, int).reshape(-1, 4)
    e = np.concatenate([quads[:, [k, (k + 1) % 4]] for k in range(4)])
    return np.unique(np.sort(e, axis=1), axis=0) if len(e) else np.zeros((0, 2), int)


def join(points: np.ndarray, quads: np.ndarray, plane: int, reach: float
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plane `plane`'s sides that lie within `reach` of another plane's side (both ends near
    its ends) snap onto it and become that side: its corners are the other plane's there.
    The points no plane uses any more are dropped (indices renumbered). Returns (points,
    quads, kept): `kept` the old indices of the points left (to renumber `warped` alike)."""
    points = np.asarray(points, np.float64).copy()
    quads = np.asarray(quads, int).copy()
    mine = quads[plane]
    others = [quads[k] for k in range(len(quads)) if k != plane]
    for k in range(4):
        a, b = mine[k], mine[(k + 1) % 4]
        best = None
        for other in others:
            for j in range(4):
                c, d = other[j], other[(j + 1) % 4]
                if {a, b} & {c, d}:
                    continue
                for p, q in ((c, d), (d, c)):
                    gap = max(np.hypot(*(points[a] - points[p])),
                              np.hypot(*(points[b] - points[q])))
                    if gap <= reach and (best is None or gap < best[0]):
                        best = (gap, p, q)
        if best is not None:
            _, p, q = best
            quads[quads == a] = p
            quads[quads == b] = q
            mine = quads[plane]
    used = np.unique(quads)
    renumber = np.full(len(points), -1)
    renumber[used] = np.arange(len(used))
    return points[used], renumber[quads], used


# -- Warp: straightening ------------------------------------------------------------------
def straighten(quads: np.ndarray, warped: np.ndarray, vertical: bool, horizontal: bool,
               sides: Optional[np.ndarray] = None) -> np.ndarray:
    """Photoshop's automatic straightening: every side (of `sides`, default all) nearer
    vertical than horizontal made vertical (`vertical`), the others horizontal
    (`horizontal`). Sides that chain through shared corners line up together: each chain's
    corners take its mean x (or y). Returns the new warped points."""
    out = np.asarray(warped, np.float64).copy()
    sides = edges(quads) if sides is None else np.asarray(sides, int).reshape(-1, 2)
    d = out[sides[:, 1]] - out[sides[:, 0]]
    upright = np.abs(d[:, 1]) > np.abs(d[:, 0])
    for on, chosen, axis in ((vertical, upright, 0), (horizontal, ~upright, 1)):
        if not on:
            continue
        group = np.arange(len(out))  # union-find over the chosen sides

        def root(i):
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

        for a, b in sides[chosen]:
            group[root(a)] = root(b)
        roots = np.array([root(i) for i in range(len(out))])
        touched = np.unique(sides[chosen])
        for r in np.unique(roots[touched]):
            members = np.flatnonzero(roots == r)
            out[members, axis] = out[members, axis].mean()
    return out
