"""Edit > Transform > Warp: the bicubic Bezier patch that bends a layer, and its resampling.

A warp is Photoshop's default 4 x 4 grid of control points (`Grid`, shape (4, 4, 2), row by
row from the top, canvas coordinates): the four corners of the layer's box, their eight
tangent handles and four inner points. The patch maps the box's unit square (s, t) to

    P(s, t) = sum_ij B_i(t) B_j(s) grid[i, j]      (B: the cubic Bernstein polynomials)

so the grid of `identity` (points at thirds of the box) leaves every point where it is.

A split warp (Photoshop's Grid menu 3x3 ... Custom, and its Split buttons) is R x C such
patches side by side: a (3R + 1, 3C + 1, 2) grid whose patch (a, b) is the 4 x 4 block
grid[3a:3a + 4, 3b:3b + 4], neighbours sharing their edge points (so no seam opens), over
the spans between its `Knots` (where the lines meet the box's unit square; uniform when
not given). `basis` gives each control row/column's weight at a parameter; `split` adds a
line without changing the picture (the patch it cuts is refitted exactly), `unsplit`
removes one.

`warp_pixels` resamples by inverse mapping: the patch is evaluated to a dense forward mesh,
each cell split into two triangles, and every pixel centre inside a triangle gets the source
position interpolated from the triangle's corners (`inverse_map`, through
`triangle_map.rasterise`; done at a quarter of the resolution and enlarged, see there);
`triangle_map.remap` then samples the premultiplied source bilinearly there (the sampling of
`resample.perspective_pixels`; Puppet Warp resamples its mesh the same way). Where the mesh folds over
itself, the later triangle is drawn over the earlier.

The presets (`preset`) are Photoshop's Warp Style menu, horizontal or vertical (the
transpose), with its Bend (-1..1) and Warp Text's Horizontal and Vertical Distortion
(-1..1, a perspective of the box: `_distortion`): the shape is a function of the box's
points, and the grid is the cubic patch that passes through that function's values at
the thirds of the box (corners exact). Photoshop's own formulas are not published: the
shapes are drawn after its style icons and results (their look, not their pixels).

Pure numpy/OpenCV: no Qt here; the Warp mode (`editor/ui/tools/warp.py`) drives it.
"""
from __future__ import annotations

import math
from typing import Callable, Optional

import numpy as np

from engine.box import Box

from .triangle_map import NOWHERE, rasterise, remap

Grid = np.ndarray  # (3 rows + 1, 3 cols + 1, 2) float64 control points, canvas coordinates,
#                    [row (t), col (s)]; Photoshop's default is one patch: (4, 4, 2)
Knots = tuple  # (s knots, t knots): where the patches' spans meet, ascending 0..1

# Photoshop's Warp Style menu (Transform > Warp's and Warp Text's), in its order.
PRESETS = ("Arc", "Arc Lower", "Arc Upper", "Arch", "Bulge", "Shell Lower", "Shell Upper",
           "Flag", "Wave", "Fish", "Rise", "Fisheye", "Inflate", "Squeeze", "Twist")

_CELL = 4.0  # the forward mesh's cells are about this many map pixels wide
_COARSE = 4  # the inverse map is rasterised at 1 / _COARSE resolution, then enlarged
_MAX_CELLS = 512  # per axis: bounds the work for huge enlargements


def bernstein(t: np.ndarray) -> np.ndarray:
    """The four cubic Bernstein polynomials at `t` (any shape): shape t.shape + (4,)."""
    t = np.asarray(t, np.float64)[..., None]
    u = 1.0 - t
    return np.concatenate([u ** 3, 3 * u * u * t, 3 * u * t * t, t ** 3], axis=-1)


def bernstein_slopes(t: np.ndarray) -> np.ndarray:
    """The derivatives of `bernstein` at `t`: shape t.shape + (4,)."""
    t = np.asarray(t, np.float64)[..., None]
    u = 1.0 - t
    return np.concatenate([-3 * u * u, 3 * u * u - 6 * u * t, 6 * u * t - 3 * t * t, 3 * t * t],
                          axis=-1)


def uniform(patches: int) -> np.ndarray:
    """Knots of `patches` equal spans over 0..1."""
    return np.linspace(0.0, 1.0, int(patches) + 1)


def knots_of(grid: Grid, knots: Optional[Knots] = None) -> Knots:
    """`knots`, or the uniform ones of `grid`'s shape ((3 rows + 1, 3 cols + 1, 2))."""
    if knots is not None:
        return np.asarray(knots[0], np.float64), np.asarray(knots[1], np.float64)
    return uniform((grid.shape[1] - 1) // 3), uniform((grid.shape[0] - 1) // 3)


def basis(u: np.ndarray, knots: np.ndarray, slopes: bool = False) -> np.ndarray:
    """Each control column's (or row's) weight at the parameters `u` (clipped to 0..1):
    shape (len(u), 3 n + 1) for n spans; a parameter's span's four cubic Bernstein
    polynomials at its place in that span (its derivatives by the global parameter with
    `slopes`). The spans share their end points: the patches meet without a gap."""
    u = np.clip(np.asarray(u, np.float64).reshape(-1), 0.0, 1.0)
    knots = np.asarray(knots, np.float64)
    n = len(knots) - 1
    span = np.clip(np.searchsorted(knots, u, side="right") - 1, 0, n - 1)
    width = knots[span + 1] - knots[span]
    local = (u - knots[span]) / width
    values = bernstein_slopes(local) / width[:, None] if slopes else bernstein(local)
    out = np.zeros((len(u), 3 * n + 1))
    rows = np.arange(len(u))[:, None]
    out[rows, 3 * span[:, None] + np.arange(4)] = values
    return out


def identity(box: tuple[float, float, float, float], knots: Optional[Knots] = None) -> Grid:
    """The grid that leaves the box (x, y, w, h) as it is: each patch's points at the thirds
    of its span (one patch, Photoshop's default 4 x 4, without `knots`)."""
    x, y, w, h = box
    ks, kt = knots_of(np.zeros((4, 4, 2)), knots)
    s, t = _nodes(ks), _nodes(kt)
    return np.stack(np.meshgrid(x + s * w, y + t * h), axis=-1)


def _nodes(knots: np.ndarray) -> np.ndarray:
    """The thirds of every span: 3 n + 1 parameters, the control points' places."""
    knots = np.asarray(knots, np.float64)
    inner = knots[:-1, None] + np.outer(np.diff(knots), [0.0, 1 / 3, 2 / 3])
    return np.append(inner.reshape(-1), knots[-1])


def is_identity(grid: Grid, box, knots: Optional[Knots] = None) -> bool:
    return bool(np.allclose(grid, identity(box, knots_of(grid, knots)), atol=1e-9))


def evaluate(grid: Grid, s: np.ndarray, t: np.ndarray, knots: Optional[Knots] = None
             ) -> np.ndarray:
    """The patches at the parameters s (columns) x t (rows): shape (len(t), len(s), 2).
    Beyond the unit square it continues along its edges' tangents (the cubic itself would
    curl back): a margin around the box, and paths reaching past it, stay in order."""
    s, t = np.asarray(s, np.float64), np.asarray(t, np.float64)
    cs, ct = np.clip(s, 0, 1), np.clip(t, 0, 1)
    g = np.asarray(grid, np.float64)
    ks, kt = knots_of(g, knots)
    bs, bt = basis(s, ks), basis(t, kt)

    def at(b_t, b_s):
        return np.einsum("sj,tjk->tsk", b_s, np.tensordot(b_t, g, axes=1))

    out = at(bt, bs)
    if (s != cs).any():
        out += (s - cs)[None, :, None] * at(bt, basis(s, ks, True))
    if (t != ct).any():
        out += (t - ct)[:, None, None] * at(basis(t, kt, True), bs)
    return out


def evaluate_points(grid: Grid, st: np.ndarray, knots: Optional[Knots] = None) -> np.ndarray:
    """The patches at (N, 2) parameter pairs (s, t): (N, 2) canvas points (continued beyond
    the unit square as `evaluate` does)."""
    st = np.asarray(st, np.float64).reshape(-1, 2)
    c = np.clip(st, 0, 1)
    g = np.asarray(grid, np.float64)
    ks, kt = knots_of(g, knots)
    bs, bt = basis(st[:, 0], ks), basis(st[:, 1], kt)
    out = np.einsum("ni,nj,ijk->nk", bt, bs, g)
    out += (st[:, :1] - c[:, :1]) * np.einsum("ni,nj,ijk->nk", bt, basis(st[:, 0], ks, True), g)
    out += (st[:, 1:] - c[:, 1:]) * np.einsum("ni,nj,ijk->nk", basis(st[:, 1], kt, True), bs, g)
    return out


def map_points(grid: Grid, box, points: np.ndarray, knots: Optional[Knots] = None
               ) -> np.ndarray:
    """Canvas points of the unwarped box sent through the warp (paths follow their layer)."""
    x, y, w, h = box
    q = np.asarray(points, np.float64).reshape(-1, 2)
    st = np.column_stack([(q[:, 0] - x) / w, (q[:, 1] - y) / h])
    return evaluate_points(grid, st, knots)


def fit(box, shape: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
        knots: Optional[Knots] = None) -> Grid:
    """The grid whose patches pass through `shape` at the thirds of their spans. `shape(s, t)`
    takes the unit square's points (arrays of one shape) and gives canvas (x, y).

    Each patch interpolates its own 4 x 4 nodes; an edge's control points depend only on
    the values along that edge, so neighbours agree on the points they share, and a shape
    that is itself one bicubic patch is reproduced exactly (splitting keeps the picture)."""
    ks, kt = knots_of(np.zeros((4, 4, 2)), knots)
    s, t = np.meshgrid(_nodes(ks), _nodes(kt))
    xs, ys = shape(s, t)
    values = np.stack([np.asarray(xs, np.float64), np.asarray(ys, np.float64)], axis=-1)
    inverse = np.linalg.inv(bernstein(np.linspace(0.0, 1.0, 4)))  # values -> weights
    out = np.empty_like(values)
    for a in range(len(kt) - 1):
        for b in range(len(ks) - 1):
            block = np.s_[3 * a:3 * a + 4, 3 * b:3 * b + 4]
            out[block] = np.einsum("ip,pqk,jq->ijk", inverse, values[block], inverse)
    return out


def refit(grid: Grid, knots: Optional[Knots], new_knots: Knots, box) -> Grid:
    """The warp `grid` (over `knots`) given on other knots: exact where the new spans only
    split the old ones, the nearest patches through the same points otherwise (a removed
    split, a coarser grid)."""
    x, y, w, h = box

    def shape(s, t):
        p = evaluate_points(grid, np.column_stack([s.reshape(-1), t.reshape(-1)]), knots)
        return p[:, 0].reshape(s.shape), p[:, 1].reshape(s.shape)

    return fit(box, shape, new_knots)


def split(grid: Grid, knots: Optional[Knots], box, s: Optional[float] = None,
          t: Optional[float] = None) -> tuple[Grid, Knots]:
    """Photoshop's Split Vertically (a column line at `s`), Horizontally (a row line at `t`)
    or Crosswise (both): the grid and its knots, the picture unchanged. A line within a
    hundredth of an existing one is not added."""
    ks, kt = knots_of(grid, knots)

    def add(k, u):
        if u is None or not 0.0 < u < 1.0 or np.min(np.abs(k - u)) < 0.01:
            return k
        return np.sort(np.append(k, u))

    new = (add(ks, s), add(kt, t))
    if len(new[0]) == len(ks) and len(new[1]) == len(kt):
        return np.asarray(grid, np.float64).copy(), (ks, kt)
    return refit(grid, (ks, kt), new, box), new


def unsplit(grid: Grid, knots: Optional[Knots], box, s: Optional[float] = None,
            t: Optional[float] = None) -> tuple[Grid, Knots]:
    """Remove Warp Split: the inner column line nearest `s` and/or row line nearest `t`
    taken out, the merged patches refitted through the warp."""
    ks, kt = knots_of(grid, knots)

    def drop(k, u):
        if u is None or len(k) <= 2:
            return k
        i = 1 + int(np.argmin(np.abs(k[1:-1] - u)))
        return np.delete(k, i)

    new = (drop(ks, s), drop(kt, t))
    return refit(grid, (ks, kt), new, box), new


def preset(name: str, bend: float, box, vertical: bool = False,
           knots: Optional[Knots] = None, distortion: tuple[float, float] = (0.0, 0.0)
           ) -> Grid:
    """Photoshop's warp style `name` (one of PRESETS) with `bend` in -1..1 over the box,
    bending horizontally (rows) or, `vertical`, the same shape turned a quarter: the
    transpose of the horizontal one (columns bend; the left edge plays the top's part).
    `distortion` is Warp Text's (horizontal, vertical) in -1..1, applied after the bend.
    On `knots` (a split grid) each patch follows the style's shape."""
    if name not in PRESETS:
        raise ValueError(f"no warp style {name!r}")
    across, down = (float(d) for d in distortion)
    if abs(bend) < 1e-9 and abs(across) < 1e-9 and abs(down) < 1e-9:
        return identity(box, knots)
    x, y, w, h = box
    if abs(bend) < 1e-9:  # the distortions alone (Photoshop's pure perspective)
        def shape(s, t):
            return x + s * w, y + t * h
    elif vertical:
        turned_shape = _shape(name, bend, (y, x, h, w))

        def shape(s, t):
            ty, tx = turned_shape(t, s)
            return tx, ty
    else:
        shape = _shape(name, bend, box)
    if abs(across) < 1e-9 and abs(down) < 1e-9:
        return fit(box, shape, knots)
    perspective = _distortion(box, across, down)

    def distorted(s, t):
        px, py = shape(s, t)
        return perspective(np.asarray(px, np.float64), np.asarray(py, np.float64))

    return fit(box, distorted, knots)


def _distortion(box, across: float, down: float) -> Callable:
    """Warp Text's Horizontal and Vertical Distortion as the perspective (a homography)
    that takes the box to a trapezoid: `across` > 0 makes its right edge taller and the
    left one shorter (each by half of it: 100 % halves the left edge), `down` > 0 its
    bottom edge wider and the top one narrower; the centre lines stay."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    src, dst = [], []
    for u, v in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        src.append((cx + u * w / 2, cy + v * h / 2))
        dst.append((cx + u * w / 2 * (1 + down / 2 * v), cy + v * h / 2 * (1 + across / 2 * u)))
    import cv2

    m = cv2.getPerspectiveTransform(np.float32(src), np.float32(dst)).astype(np.float64)

    def apply(px, py):
        d = m[2, 0] * px + m[2, 1] * py + m[2, 2]
        return ((m[0, 0] * px + m[0, 1] * py + m[0, 2]) / d,
                (m[1, 0] * px + m[1, 1] * py + m[1, 2]) / d)

    return apply


def _shape(name: str, bend: float, box) -> Callable:
    """The horizontal style `name`'s map of the unit square onto the canvas. The edges
    that move, move by `sag` (half the box's height at a bend of 100 %)."""
    x, y, w, h = box
    sag = bend * h / 2
    cx, cy = x + w / 2, y + h / 2

    def arc(s, t):
        # Photoshop's fan: the edge the bend turns from (the bottom for a positive bend)
        # becomes an arc of bend x 180 degrees as long as the edge was (100 %: a half ring),
        # its ends on the edge's line; every other row is an arc about the same centre, the
        # box's height further out, so the far edge spreads wide. Measured on ag-psd's
        # text-complex.psd (Photoshop's Warp Text Arc +50 %), this lands the warped text's
        # width and top within 3 px of Photoshop's.
        half = abs(bend) * math.pi / 2
        inner = w / (2 * half)
        a = (s - 0.5) * 2 * half
        if bend > 0:  # bowed upwards: the bottom's ends on its line, the centre below
            r = inner + (1 - t) * h
            cy = y + h + inner * math.cos(half)
            return x + w / 2 + r * np.sin(a), cy - r * np.cos(a)
        r = inner + t * h    # bowed downwards: the top's ends on its line, the centre above
        cy = y - inner * math.cos(half)
        return x + w / 2 + r * np.sin(a), cy + r * np.cos(a)

    def hump(s):  # 1 in the middle of a row, 0 at its ends: a parabola
        return 1 - (2 * s - 1) ** 2

    # How far Arc Lower's and Arc Upper's ends flare: half the sag, but never more than a
    # third of the box's width inwards (a tall narrow box, or a wide one bent vertically,
    # would otherwise fold over itself).
    flare = max(sag / 2, -w / 3)

    def arc_lower(s, t):  # the top stays; the bottom bows down and its ends flare out
        return x + s * w + t * (2 * s - 1) * flare, y + t * (h + sag * hump(s))

    def arc_upper(s, t):  # the bottom stays; the top bows up and its ends flare out
        return (x + s * w + (1 - t) * (2 * s - 1) * flare,
                y + h - (1 - t) * (h + sag * hump(s)))

    def arch(s, t):  # every row lifts by the same parabola: the sides stay upright
        return x + s * w, y + t * h - sag * hump(s)

    def bulge(s, t):  # the top edge lifts and the bottom edge sinks; the middle row stays
        return x + s * w, y + t * h + sag * (2 * t - 1) * hump(s)

    def shell_lower(s, t):  # the top stays; the bottom's middle sinks, its ends rise
        return x + s * w, y + t * (h + sag * (2 * hump(s) - 1))

    def shell_upper(s, t):  # the bottom stays; the top's middle lifts, its ends come down
        return x + s * w, y + h - (1 - t) * (h + sag * (2 * hump(s) - 1))

    def flag(s, t):  # every row one period of a wave
        return x + s * w, y + t * h - sag / 2 * np.sin(2 * np.pi * s)

    def wave(s, t):  # the top and bottom edges wave against each other
        return x + s * w, y + t * h - sag / 2 * np.sin(2 * np.pi * s) * (1 - 2 * t)

    def fish(s, t):  # a body that swells, a waist, a tail as tall as the head
        return x + s * w, y + t * h + sag * (2 * t - 1) * np.sin(2 * np.pi * s) * 0.75

    def rise(s, t):  # the rows climb from the left end to the right one (sides upright)
        return x + s * w, y + t * h - sag * np.sin(np.pi * (s - 0.5))

    def fisheye(s, t):  # the middle magnified, the corners kept, the edges bowed out
        u, v = 2 * s - 1, 2 * t - 1
        grow = 1 + bend / 2 * (1 - (u * u + v * v) / 2)
        return cx + u * w / 2 * grow, cy + v * h / 2 * grow

    def inflate(s, t):  # every edge bows out, most across the rows
        u, v = 2 * s - 1, 2 * t - 1
        return (cx + u * w / 2 * (1 + bend / 4 * (1 - v * v)),
                cy + v * h / 2 * (1 + bend / 2 * (1 - u * u)))

    def squeeze(s, t):  # the top and bottom pinched in the middle, the middle rows wider
        u, v = 2 * s - 1, 2 * t - 1
        return (cx + u * w / 2 * (1 + bend / 4 * (1 - v * v)),
                cy + v * h / 2 * (1 - bend / 2 * (1 - u * u)))

    def twist(s, t):  # turned about the centre, the most there, none at the corners
        # (turned in the box's own unit square, then stretched back: a wide box of text
        # swirls within its height instead of swinging its ends far above and below)
        u, v = 2 * s - 1, 2 * t - 1
        a = bend * np.pi / 2 * (1 - np.minimum(1.0, np.hypot(u, v) / math.sqrt(2))) ** 2
        return (cx + (u * np.cos(a) - v * np.sin(a)) * w / 2,
                cy + (u * np.sin(a) + v * np.cos(a)) * h / 2)

    shapes = {"Arc": arc, "Arc Lower": arc_lower, "Arc Upper": arc_upper, "Arch": arch,
              "Bulge": bulge, "Shell Lower": shell_lower, "Shell Upper": shell_upper,
              "Flag": flag, "Wave": wave, "Fish": fish, "Rise": rise, "Fisheye": fisheye,
              "Inflate": inflate, "Squeeze": squeeze, "Twist": twist}
    return shapes[name]


def _stretch(grid: Grid, box, knots: Optional[Knots] = None) -> tuple[float, float]:
    """The most and the least output pixels per source pixel along the box's axes (from a
    16 x 16 evaluation per patch, 17 x 17 at least): how fine the mesh must be, how wide
    its margin."""
    x, y, w, h = box
    n = 16 * max(1, (grid.shape[0] - 1) // 3, (grid.shape[1] - 1) // 3)
    coarse = evaluate(grid, np.linspace(0, 1, n + 1), np.linspace(0, 1, n + 1), knots)
    along_s = np.hypot(*np.diff(coarse, axis=1).transpose(2, 0, 1)) * n / max(w, 1e-9)
    along_t = np.hypot(*np.diff(coarse, axis=0).transpose(2, 0, 1)) * n / max(h, 1e-9)
    return float(max(along_s.max(), along_t.max())), float(min(along_s.min(), along_t.min()))


def _mesh(grid: Grid, box, pad: float, cell: float, knots: Optional[Knots] = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """The forward mesh: (output points, source points), each (rows + 1, cols + 1, 2), of cells
    about `cell` output pixels wide where the patch stretches most; the unit square grown by
    `pad` source pixels each side (the patch continued, see `evaluate`)."""
    x, y, w, h = box
    most, _ = _stretch(grid, box, knots)
    cols = int(min(_MAX_CELLS, max(1, math.ceil(most * (w + 2 * pad) / cell))))
    rows = int(min(_MAX_CELLS, max(1, math.ceil(most * (h + 2 * pad) / cell))))
    ks, kt = knots_of(grid, knots)
    s = _with_knots(np.linspace(-pad / w, 1 + pad / w, cols + 1), ks[1:-1])
    t = _with_knots(np.linspace(-pad / h, 1 + pad / h, rows + 1), kt[1:-1])
    return evaluate(grid, s, t, knots), np.stack(np.meshgrid(x + s * w, y + t * h), axis=-1)


def _with_knots(u: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The mesh's parameters `u` with a split grid's inner knots among them: no cell straddles
    a seam (where the warp may kink), so a patch left alone keeps its pixels exactly."""
    if len(inner) == 0:
        return u
    step = (u[-1] - u[0]) / max(1, len(u) - 1)
    far = np.min(np.abs(u[:, None] - inner[None, :]), axis=1) > 0.25 * step
    return np.union1d(u[far], inner)


def _triangles(points: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """The two triangles of each chosen cell ((N, 2) row, col) of a mesh of `points`:
    (2N, 3, 2), each (i, j), (i, j+1), (i+1, j) and its opposite."""
    i, j = cells[:, 0], cells[:, 1]
    first = np.stack([points[i, j], points[i, j + 1], points[i + 1, j]], axis=1)
    second = np.stack([points[i + 1, j + 1], points[i + 1, j], points[i, j + 1]], axis=1)
    return np.concatenate([first, second])


def inverse_map(grid: Grid, box, bounds: Box, knots: Optional[Knots] = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """For every pixel of `bounds`, the source point (in the coordinates `box` is given in)
    whose warp lands on its centre, in OpenCV's convention (pixel centres at integers), as
    (map_x, map_y) for `cv2.remap`; far outside where nothing lands (`mesh_inverse_map` of
    the patch's forward mesh, grown by two coarse pixels of output around the box)."""
    _, least = _stretch(grid, box, knots)
    pad = min(2.0 * _COARSE / max(least, 1e-3), 4.0 * _COARSE * 16)
    out, src = _mesh(grid, box, pad, _CELL * _COARSE, knots)
    return mesh_inverse_map(out, src, box, bounds)


def mesh_inverse_map(out: np.ndarray, src: np.ndarray, box, bounds: Box
                     ) -> tuple[np.ndarray, np.ndarray]:
    """`inverse_map` of a forward mesh: `src` (rows + 1, cols + 1, 2) canvas points on a
    regular lattice (its rows at one y, its columns at one x) over the source `box` grown by
    a margin, `out` where each lands; the cells a few output pixels wide. Perspective Warp
    (`perspective_warp.py`) resamples its planes' mapping through this too.

    The map is rasterised at a quarter of the resolution and enlarged bilinearly: the
    inverse of a smooth patch is smooth, so this is exact for affine grids and within a few
    hundredths of a pixel for the presets, at a sixteenth of the work. So that the edges
    interpolate between true values, the mesh reaches a few coarse pixels beyond the box
    (the patch continued; those source points lie outside the layer: transparent), drawn
    first so the box itself wins where a fold overlaps it."""
    f = _COARSE
    margin = 2  # coarse pixels around the bounds, so the enlargement needs no border
    cw, ch = -(-bounds.w // f) + 2 * margin, -(-bounds.h // f) + 2 * margin
    map_x = np.full((ch, cw), NOWHERE, np.float32)
    map_y = np.full((ch, cw), NOWHERE, np.float32)
    # Canvas -> coarse pixel centres: fine pixel centre i (of the bounds) is coarse
    # (i + 0.5) / f - 0.5 + margin; the source in OpenCV's convention.
    out = (out - (bounds.x, bounds.y)) / f - 0.5 + margin
    src = src - 0.5
    rows, cols = out.shape[0] - 1, out.shape[1] - 1
    cells = np.argwhere(np.ones((rows, cols), bool))
    x, y, w, h = box
    s0, s1 = (src[0, :-1, 0] + 0.5 - x), (src[0, 1:, 0] + 0.5 - x)
    t0, t1 = (src[:-1, 0, 1] + 0.5 - y), (src[1:, 0, 1] + 0.5 - y)
    inner_col = (s0 >= -1e-9) & (s1 <= w + 1e-9)
    inner_row = (t0 >= -1e-9) & (t1 <= h + 1e-9)
    # Cells wholly inside the box are drawn last (partly inside ones count as the margin:
    # they hold the box's own edge, which the ring around needs to meet).
    inner = inner_row[cells[:, 0]] & inner_col[cells[:, 1]]
    for chosen in (cells[~inner], cells[inner]):
        if len(chosen):
            rasterise(_triangles(out, chosen), _triangles(src, chosen), map_x, map_y)
    size = (cw * f, ch * f)
    crop = np.s_[margin * f:margin * f + bounds.h, margin * f:margin * f + bounds.w]
    fine_x = cv2_resize(map_x, size)[crop]
    fine_y = cv2_resize(map_y, size)[crop]
    # A pixel between a drawn and an undrawn coarse sample would land on a mixture of a
    # source point and the far-off marker, which may fall inside the layer (a stray dot):
    # only pixels whose four coarse samples were all drawn keep theirs.
    drawn = cv2_resize((map_x > NOWHERE / 2).astype(np.float32), size)[crop]
    fine_x[drawn < 1 - 1e-4] = NOWHERE
    return np.ascontiguousarray(fine_x), np.ascontiguousarray(fine_y)


def cv2_resize(values: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear enlargement of a float map (OpenCV: output centre j samples (j + 0.5) / f - 0.5)."""
    import cv2

    return cv2.resize(values, size, interpolation=cv2.INTER_LINEAR)


def warped_bounds(grid: Grid, box, knots: Optional[Knots] = None) -> Box:
    """The canvas box the warped box covers: its edges sampled about every output pixel
    and its inside on a lattice of 32 steps per patch (a fold may reach beyond the edges)."""
    most, _ = _stretch(grid, box, knots)
    n = int(min(4 * _MAX_CELLS, max(2, math.ceil(most * max(box[2], box[3])))))
    u, ends = np.linspace(0, 1, n + 1), np.array([0.0, 1.0])
    inside = np.linspace(0, 1, 32 * max(1, (grid.shape[0] - 1) // 3,
                                        (grid.shape[1] - 1) // 3) + 1)
    points = np.concatenate([evaluate(grid, u, ends, knots).reshape(-1, 2),
                             evaluate(grid, ends, u, knots).reshape(-1, 2),
                             evaluate(grid, inside, inside, knots).reshape(-1, 2)])
    lo, hi = points.min(axis=0), points.max(axis=0)
    return Box.from_corners(math.floor(lo[0] + 1e-6), math.floor(lo[1] + 1e-6),
                            math.ceil(hi[0] - 1e-6), math.ceil(hi[1] - 1e-6))


def warp_pixels(pixels: np.ndarray, grid: Grid, box, clip: Optional[Box] = None,
                knots: Optional[Knots] = None) -> tuple[np.ndarray, int, int]:
    """Straight RGBA `pixels` warped: `box` (x, y, w, h) is the warped frame in the array's own
    pixel coordinates, `grid` where it goes, in the coordinates the result is placed in.
    Returns (pixels, x, y). Pixels of the array outside `box` are left behind (a layer's
    frame is its whole box; only a mask larger than its layer has such pixels)."""
    h, w = pixels.shape[:2]
    bounds = warped_bounds(grid, box, knots)
    if clip is not None:
        bounds = bounds.intersect(clip)
    if bounds.is_empty() or w == 0 or h == 0:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    map_x, map_y = inverse_map(grid, box, bounds, knots)
    return remap(pixels, map_x, map_y), bounds.x, bounds.y
