"""Edit > Puppet Warp: a triangle mesh over a layer's opaque pixels, bent as rigidly as it
can be around pins the user places and drags.

The mesh (`build_mesh`) is an equilateral lattice laid over the layer: the triangles that
hold an opaque pixel (after the region is grown by Photoshop's Expansion, in pixels) are
kept. Density sets the lattice's spacing: Fewer, Normal or More points along the region's
longer side.

The deformation (`Deformer`) is Igarashi, Moscovich and Hughes' "As-Rigid-As-Possible
Shape Manipulation" (SIGGRAPH 2005), its two-step closed form on the mesh's vertices:

1. similarity: each corner of each triangle is kept where the two other corners put it
   (its coordinates in the frame of the opposite edge, fixed at rest); a least-squares
   problem whose answer may rotate and scale each triangle, but not shear it;
2. rigidity: each triangle of step 1 is fitted by a rotation of its rest shape (2-D
   Procrustes), and the vertices are solved for so that every edge is as near as possible
   to its fitted edge (a Laplacian-like least squares, x and y apart).

Pins lie anywhere in the mesh, held by their triangle's barycentric weights as heavily
weighted soft constraints (`PIN_WEIGHT`). A pin may also be given an angle (Photoshop's
Alt-drag around a pin, its Rotate: Fixed): the edges of the triangles around it are then held
turned by that angle (`TURN_WEIGHT`), in both steps. Both matrices depend only on the mesh,
on where the pins are bound and on which are turned, so they are factorised (sparse LU) when
that changes; a pin drag, or a turn, solves two sparse triangular pairs and a vectorised Procrustes (milliseconds for
thousands of vertices). A part of the mesh with no pin stays where it is and a part with a
single pin moves along with it, as in Photoshop (turned about it by its angle, if it has one).

Mode: Rigid is step 2; Distort is step 1 (triangles may grow and shrink); Normal is their
mean.

Pin Depth (`depth_order`): where the bent mesh folds over itself, the part held by a pin
brought forward lies over the rest, one sent backward under it.

`warp_pixels` resamples through the bent triangles: every output pixel centre inside a bent
triangle samples the source at the point the triangle's affine map sends back
(`triangle_map`, Warp's own rasteriser and bilinear premultiplied remap); outside the mesh the
layer is transparent.

Pure numpy/scipy/OpenCV: no Qt here; the Puppet Warp mode (`editor/ui/tools/puppet.py`)
drives it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.box import Box

from .triangle_map import NOWHERE, rasterise, remap

DENSITIES = {"Fewer Points": 10, "Normal": 18, "More Points": 30}  # lattice steps, longer side
MODES = ("Rigid", "Normal", "Distort")
MIN_SPACING = 2.5  # px: a small layer's lattice is no finer than this
PIN_WEIGHT = 1e5  # a pin's pull against one triangle corner's (unit) rigidity residual
TURN_WEIGHT = 1e3  # a turned pin's hold on the edges around it (per edge)
_CORNERS = ((0, 1, 2), (1, 2, 0), (2, 0, 1))  # (i, j, k): corner k in the frame of edge i -> j


@dataclass
class Mesh:
    """Vertices at rest (N, 2), canvas coordinates (pixel (u, v) of a layer at (x, y) covers
    [x + u, x + u + 1] x [y + v, y + v + 1]) and triangles (M, 3) of vertex indices."""

    points: np.ndarray
    triangles: np.ndarray

    def edges(self) -> np.ndarray:
        """The unique edges (E, 2), for drawing."""
        t = self.triangles
        e = np.concatenate([t[:, [0, 1]], t[:, [1, 2]], t[:, [2, 0]]])
        return np.unique(np.sort(e, axis=1), axis=0)


def build_mesh(alpha: np.ndarray, x: int, y: int, density: str = "Normal",
               expansion: float = 2.0) -> Mesh:
    """The mesh over the pixels of `alpha` (a layer's alpha, its pixel (0, 0) at canvas (x, y))
    that are not transparent, grown by `expansion` px (negative: shrunk). Raises ValueError
    when no pixel is left."""
    import cv2

    region = alpha > 0
    e = int(round(expansion))
    if e:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(e) + 1,) * 2)
        op = cv2.dilate if e > 0 else cv2.erode
        pad = max(e, 0)
        grown = np.pad(region.astype(np.uint8), pad)
        region = op(grown, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
        x, y = x - pad, y - pad
    rows, cols = np.nonzero(region)
    if rows.size == 0:
        raise ValueError("the layer has no opaque pixels to put a mesh on")
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    spacing = max(MIN_SPACING, max(r1 - r0, c1 - c0) / DENSITIES[density])
    step_y = spacing * math.sqrt(3) / 2
    # The lattice covers the region's box with a step to spare on every side.
    ox, oy = c0 - spacing, r0 - step_y / 2
    n_cols = int(math.ceil((c1 - c0) / spacing)) + 3
    n_rows = int(math.ceil((r1 - r0 + step_y / 2) / step_y)) + 2
    j, i = np.mgrid[0:n_rows, 0:n_cols]
    lattice = np.stack([ox + i * spacing + (j % 2) * spacing / 2, oy + j * step_y], axis=-1)
    index = np.arange(n_rows * n_cols).reshape(n_rows, n_cols)
    tris = []
    for r in range(n_rows - 1):
        top, bottom = index[r], index[r + 1]
        if r % 2 == 0:  # the row below is shifted right by half a step
            tris.append(np.stack([top[:-1], top[1:], bottom[:-1]], axis=1))
            tris.append(np.stack([top[1:], bottom[1:], bottom[:-1]], axis=1))
        else:  # this row is the shifted one
            tris.append(np.stack([top[:-1], bottom[1:], bottom[:-1]], axis=1))
            tris.append(np.stack([top[:-1], top[1:], bottom[1:]], axis=1))
    tris = np.concatenate(tris)
    points = lattice.reshape(-1, 2)
    # Which triangles hold a pixel centre of the region, worked out on the lattice: in the
    # strip between two rows the triangles are bounded by the two families of slanted
    # lines a = u - v / 2 and b = u + v / 2 (u: across in steps, v: down the strip, 0..1,
    # measured from the strip's top-left vertex), so floor(a) and floor(b) name the triangle.
    px, py = cols + 0.5 - ox, rows + 0.5 - oy
    r = np.floor(py / step_y).astype(np.int64)
    v = py / step_y - r
    odd = (r % 2).astype(bool)
    u = px / spacing - np.where(odd, 0.5, 0.0)
    a = np.floor(np.where(odd, u + v / 2, u - v / 2)).astype(np.int64)
    b = np.floor(np.where(odd, u - v / 2, u + v / 2)).astype(np.int64)
    per_row = n_cols - 1
    # Even strips list their down triangles first (a == b), then the up ones (b == a + 1);
    # odd strips their up ones first (b == a - 1), then the down ones (a == b).
    second = np.where(odd, a == b, b == a + 1)
    ids = r * 2 * per_row + second * per_row + a
    tris = tris[np.unique(ids)]
    used, tris = np.unique(tris, return_inverse=True)
    return Mesh(points[used] + (x, y), tris.reshape(-1, 3).astype(np.int64))


def locate(points: np.ndarray, triangles: np.ndarray, at: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of the (K, 2) points `at`: the triangle holding it (or the nearest: the one
    whose least barycentric weight is largest), its barycentric weights (K, 3), and whether
    it lies inside the mesh."""
    at = np.asarray(at, np.float64).reshape(-1, 2)
    tri = points[triangles]  # (M, 3, 2)
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    e1, e2 = b - a, c - a
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    det = np.where(np.abs(det) < 1e-12, 1e-12, det)
    found, weights, inside = [], [], []
    for chunk in np.array_split(at, max(1, len(at) // 256 + 1)):
        if len(chunk) == 0:
            continue
        r = chunk[:, None, :] - a[None]  # (K, M, 2)
        l1 = (r[..., 0] * e2[:, 1] - r[..., 1] * e2[:, 0]) / det
        l2 = (e1[:, 0] * r[..., 1] - e1[:, 1] * r[..., 0]) / det
        l0 = 1 - l1 - l2
        least = np.minimum(np.minimum(l0, l1), l2)
        best = least.argmax(axis=1)
        k = np.arange(len(chunk))
        found.append(best)
        weights.append(np.stack([l0[k, best], l1[k, best], l2[k, best]], axis=1))
        inside.append(least[k, best] >= -1e-9)
    return np.concatenate(found), np.concatenate(weights), np.concatenate(inside)


def _components(mesh: Mesh) -> np.ndarray:
    """The connected part of the mesh each vertex belongs to."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    e = mesh.edges()
    n = len(mesh.points)
    graph = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


class Deformer:
    """The mesh bent by pins: bound once (and the two systems factorised) for a set of pins
    at `anchors` (rest canvas points, (K, 2)), of which those marked in `turned` (K,) hold an
    angle; `solve(targets, angles)` for each drag."""

    def __init__(self, mesh: Mesh, anchors: np.ndarray, mode: str = "Rigid",
                 turned: Optional[np.ndarray] = None):
        from scipy.sparse import coo_matrix, csc_matrix, diags
        from scipy.sparse.linalg import splu

        if mode not in MODES:
            raise ValueError(f"no Puppet Warp mode {mode!r}")
        self.mesh, self.mode = mesh, mode
        p, t = mesh.points, mesh.triangles
        n, m = len(p), len(t)
        self.anchors = np.asarray(anchors, np.float64).reshape(-1, 2)
        k = len(self.anchors)
        self.pin_triangles, self.pin_weights, _ = locate(p, t, self.anchors) if k else (
            np.zeros(0, int), np.zeros((0, 3)), None)
        # B: (K, N), each pin a barycentric mix of its triangle's corners.
        pin_rows = np.repeat(np.arange(k), 3)
        pin_cols = t[self.pin_triangles].ravel() if k else np.zeros(0, int)
        B = csc_matrix((self.pin_weights.ravel(), (pin_rows, pin_cols)), shape=(k, n))
        # Parts with fewer than two pins are held (at rest, or moved with their one pin)
        # by a unit pull on every vertex toward where that puts them.
        part = _components(mesh)
        pinned = np.bincount(part[pin_cols[::3]] if k else np.zeros(0, int),
                             minlength=part.max() + 1)
        self._held = pinned[part] < 2
        self._part, self._pin_of_part = part, np.full(part.max() + 1, -1)
        if k:
            self._pin_of_part[part[pin_cols[::3]]] = np.arange(k)
        hold = diags(self._held.astype(np.float64))
        # A turned pin holds the edges of the triangles that share a corner with its own.
        self.turned = np.zeros(k, bool) if turned is None else np.asarray(turned, bool)
        turn_edges, turn_owner = [], []
        for pin in np.flatnonzero(self.turned):
            ring = t[np.isin(t, t[self.pin_triangles[pin]]).any(axis=1)]
            e = np.unique(np.sort(np.concatenate([ring[:, [0, 1]], ring[:, [1, 2]],
                                                  ring[:, [2, 0]]]), axis=1), axis=0)
            turn_edges.append(e)
            turn_owner.append(np.full(len(e), pin))
        self._turn_edges = np.concatenate(turn_edges) if turn_edges else np.zeros((0, 2), int)
        self._turn_owner = np.concatenate(turn_owner) if turn_owner else np.zeros(0, int)
        r = len(self._turn_edges)
        T = coo_matrix((np.concatenate([-np.ones(r), np.ones(r)]),
                        (np.tile(np.arange(r), 2), self._turn_edges.T.ravel())),
                       shape=(r, n)).tocsc()
        T2 = _interleaved(T)
        self._T, self._T2 = T, T2

        # Step 1: each triangle corner in the frame of its opposite edge; rows of A in the
        # interleaved unknowns (x0, y0, x1, y1, ...).
        rows, cols, vals = [], [], []
        for c, (i, j, kk) in enumerate(_CORNERS):
            vi, vj, vk = t[:, i], t[:, j], t[:, kk]
            d = p[vj] - p[vi]
            e = p[vk] - p[vi]
            l2 = np.maximum((d * d).sum(axis=1), 1e-12)
            a = (e * d).sum(axis=1) / l2
            b = (e[:, 1] * d[:, 0] - e[:, 0] * d[:, 1]) / l2  # e . perp(d), perp(d) = (-dy, dx)
            rx = 2 * (c * m + np.arange(m))
            ry = rx + 1
            # r = v_k - v_i - a (v_j - v_i) - b perp(v_j - v_i)
            for r, v, w in ((rx, 2 * vk, 1.0), (rx, 2 * vi, a - 1), (rx, 2 * vj, -a),
                            (rx, 2 * vj + 1, b), (rx, 2 * vi + 1, -b),
                            (ry, 2 * vk + 1, 1.0), (ry, 2 * vi + 1, a - 1), (ry, 2 * vj + 1, -a),
                            (ry, 2 * vj, -b), (ry, 2 * vi, b)):
                rows.append(r)
                cols.append(v)
                vals.append(np.broadcast_to(w, r.shape))
        A = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                       shape=(6 * m, 2 * n)).tocsc()
        B2 = _interleaved(B)
        hold2 = _interleaved(hold)
        self._B, self._B2 = B, B2
        self._hold, self._hold2 = hold, hold2
        self._step1 = splu(csc_matrix(A.T @ A + PIN_WEIGHT * (B2.T @ B2) + hold2
                                      + TURN_WEIGHT * (T2.T @ T2)))
        # Step 2: every triangle's three edges, x and y apart.
        ends = np.concatenate([t[:, [i, j]] for i, j, _ in _CORNERS])  # (3M, 2)
        D = coo_matrix((np.concatenate([-np.ones(3 * m), np.ones(3 * m)]),
                        (np.tile(np.arange(3 * m), 2), ends.T.ravel())), shape=(3 * m, n)).tocsc()
        self._D, self._ends = D, ends
        self._step2 = splu(csc_matrix(D.T @ D + PIN_WEIGHT * (B.T @ B) + hold
                                      + TURN_WEIGHT * (T.T @ T)))

    def _held_at(self, targets: np.ndarray, angles: np.ndarray) -> np.ndarray:
        """Where held vertices go: at rest, moved by their part's one pin if it has one (and
        turned about it by its angle)."""
        p = self.mesh.points
        out = p.copy()
        which = self._pin_of_part[self._part]
        moved = which >= 0
        if moved.any():
            rest = self._pin_rest()
            pin = which[moved]
            turn = np.where(self.turned[pin], angles[pin], 0.0)
            offset = p[moved] - rest[pin]
            out[moved] = targets[pin] + _turned(offset, turn)
        return out

    def _turned_edges(self, angles: np.ndarray) -> np.ndarray:
        """The turned pins' held edges, their rest vectors turned by their pins' angles."""
        p, e = self.mesh.points, self._turn_edges
        return _turned(p[e[:, 1]] - p[e[:, 0]], angles[self._turn_owner])

    def _pin_rest(self) -> np.ndarray:
        """The pins' rest points as the mesh holds them (their barycentric mixes)."""
        return np.asarray(self._B @ self.mesh.points)

    def solve(self, targets: np.ndarray, angles: Optional[np.ndarray] = None) -> np.ndarray:
        """The bent vertices (N, 2) for the pins at `targets` (K, 2), canvas points, the
        turned ones by `angles` (K,) radians, clockwise on screen."""
        p, t = self.mesh.points, self.mesh.triangles
        q = np.asarray(targets, np.float64).reshape(-1, 2)
        if len(q) == 0:
            return p.copy()
        angles = np.zeros(len(q)) if angles is None else np.nan_to_num(
            np.asarray(angles, np.float64))
        held = self._held_at(q, angles)
        turned = self._turned_edges(angles)
        rhs = PIN_WEIGHT * (self._B2.T @ q.ravel()) + self._hold2 @ held.ravel() \
            + TURN_WEIGHT * (self._T2.T @ turned.ravel())
        similar = self._step1.solve(rhs).reshape(-1, 2)
        if self.mode == "Distort":
            return similar
        # Each triangle's rotation that best fits its similar shape (2-D Procrustes).
        rest, bent = p[t], similar[t]
        rc = rest - rest.mean(axis=1, keepdims=True)
        bc = bent - bent.mean(axis=1, keepdims=True)
        dot = (rc * bc).sum(axis=(1, 2))
        cross = (rc[..., 0] * bc[..., 1] - rc[..., 1] * bc[..., 0]).sum(axis=1)
        angle = np.arctan2(cross, dot)
        cos, sin = np.cos(angle), np.sin(angle)
        m = len(t)
        edge = p[self._ends[:, 1]] - p[self._ends[:, 0]]  # (3M, 2), rest edges
        c3, s3 = np.tile(cos, 3), np.tile(sin, 3)
        assert len(edge) == 3 * m
        fitted = np.stack([c3 * edge[:, 0] - s3 * edge[:, 1],
                           s3 * edge[:, 0] + c3 * edge[:, 1]], axis=1)
        pins = PIN_WEIGHT * (self._B.T @ q)
        rhs = self._D.T @ fitted + pins + self._hold @ held + TURN_WEIGHT * (self._T.T @ turned)
        rigid = np.column_stack([self._step2.solve(np.ascontiguousarray(rhs[:, 0])),
                                 self._step2.solve(np.ascontiguousarray(rhs[:, 1]))])
        if self.mode == "Rigid":
            return rigid
        return (rigid + similar) / 2


def _turned(vectors: np.ndarray, angles) -> np.ndarray:
    """(N, 2) vectors turned by `angles` (scalar or (N,)), clockwise on screen (y down)."""
    cos, sin = np.cos(angles), np.sin(angles)
    x, y = vectors[:, 0], vectors[:, 1]
    return np.column_stack([cos * x - sin * y, sin * x + cos * y])


def _interleaved(matrix):
    """A (R, N) matrix acting on x and on y alike, as (2R, 2N) on interleaved unknowns."""
    from scipy.sparse import identity, kron

    return kron(matrix, identity(2), format="csc")


def map_points(mesh: Mesh, bent: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Canvas points sent through the bent mesh (paths follow their layer); a point off the
    mesh moves with its nearest triangle's affine map."""
    q = np.asarray(points, np.float64).reshape(-1, 2)
    if len(q) == 0:
        return q.copy()
    tri, w, _ = locate(mesh.points, mesh.triangles, q)
    return np.einsum("kc,kcd->kd", w, bent[mesh.triangles[tri]])


def bent_bounds(bent: np.ndarray) -> Box:
    lo, hi = bent.min(axis=0), bent.max(axis=0)
    return Box.from_corners(math.floor(lo[0] + 1e-6), math.floor(lo[1] + 1e-6),
                            math.ceil(hi[0] - 1e-6), math.ceil(hi[1] - 1e-6))


def depth_order(mesh: Mesh, anchors: np.ndarray, depths: np.ndarray) -> Optional[np.ndarray]:
    """Pin Depth: the order to draw the triangles in where the bent mesh folds over itself
    (the later wins, `triangle_map.rasterise`). Each triangle takes the depth of the pin
    nearest its centre at rest (the part of the layer that pin holds); a stable sort keeps
    the mesh's own order among equal depths, so with every depth 0 nothing changes (None)."""
    depths = np.asarray(depths)
    if not len(depths) or not depths.any():
        return None
    centres = mesh.points[mesh.triangles].mean(axis=1)
    d2 = ((centres[:, None, :] - np.asarray(anchors, np.float64)[None, :, :]) ** 2).sum(-1)
    return np.argsort(depths[np.argmin(d2, axis=1)], kind="stable")


def inverse_map(mesh: Mesh, bent: np.ndarray, origin: tuple[float, float],
                clip: Optional[Box] = None, order: Optional[np.ndarray] = None
                ) -> Optional[tuple[np.ndarray, np.ndarray, Box]]:
    """For every pixel of the box the bent mesh covers (within `clip`): the source point, in
    the pixels of an array whose pixel (0, 0) lies at canvas `origin`, as (map_x, map_y,
    box) for `cv2.remap` (`triangle_map.NOWHERE` off the mesh); None when the box is empty.
    `order`: the triangles' drawing order where the mesh folds (`depth_order`)."""
    bounds = bent_bounds(bent)
    if clip is not None:
        bounds = bounds.intersect(clip)
    if bounds.is_empty():
        return None
    map_x = np.full((bounds.h, bounds.w), NOWHERE, np.float32)
    map_y = np.full((bounds.h, bounds.w), NOWHERE, np.float32)
    t = mesh.triangles if order is None else mesh.triangles[order]
    # Pixel centres at integers (OpenCV's convention) on both sides.
    out = bent[t] - (bounds.x + 0.5, bounds.y + 0.5)
    src = mesh.points[t] - (origin[0] + 0.5, origin[1] + 0.5)
    rasterise(out, src, map_x, map_y)
    return map_x, map_y, bounds


def warp_pixels(pixels: np.ndarray, origin: tuple[float, float], mesh: Mesh, bent: np.ndarray,
                clip: Optional[Box] = None, order: Optional[np.ndarray] = None
                ) -> tuple[np.ndarray, int, int]:
    """Straight RGBA `pixels` (pixel (0, 0) at canvas `origin`) resampled through the mesh bent
    to `bent` (canvas points), folds drawn in `order` (`depth_order`). Returns (pixels, x, y);
    outside the bent mesh: transparent."""
    found = inverse_map(mesh, bent, origin, clip, order)
    if found is None or pixels.size == 0:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    map_x, map_y, bounds = found
    return remap(pixels, map_x, map_y), bounds.x, bounds.y
