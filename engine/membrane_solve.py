"""Multigrid solve of the healing membrane's system: weight_p f_p - sum of region neighbours
f_q = field_p over a region (the system `patchmatch_fill.sor_solve` relaxes), for regions
hundreds of pixels across in a fraction of a second.

Plain over-relaxation needs O(width) sweeps to carry the border's values to the middle
(600 sweeps, 2.2 s, for a 500 x 500 patch). Here multigrid V-cycles do it: a red-black
Gauss-Seidel sweep takes out the error's fine wiggles, the residual's smooth rest is solved
for on a grid half as wide (recursively, down to a few hundred unknowns solved exactly with
SuperLU) and added back; the cycle preconditions conjugate gradients, which need 6-9
steps whatever the region's size to come within a fifth of a level of the exact solution
(measured against SuperLU on the whole system: 0.05 levels on a 150 px disk, 0.2 on 400 x
400 and 500 x 500, where 600 capped sweeps left 9 and 19; bench/bench_healing.py).

The coarse grids keep the region's shape through their operator, not a resampled mask:
each level is a general 5-point operator (a diagonal, one weight per edge) formed from the
finer one by summing 2 x 2 cells (the Galerkin product for piecewise-constant cells) and
halving (that product is twice the coarser grid's Laplacian: unhalved, each correction
would come out half its size), which in the open is the ordinary Laplacian and at the border
counts exactly the fine pixels' edges onto the fixed ring. A coarse cell is unknown if any
of its pixels is, and no level becomes singular unless the region has no border at all
(which `engine.healing` handles before). No Qt; numba is compiled on first use.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

PRE_SWEEPS = 1            # more sweeps per cycle cost more than the steps they save
POST_SWEEPS = 1
SMOOTH_OMEGA = 1.15       # red-black over-relaxation that damps high frequencies best
COARSEST = 400            # unknowns solved exactly (SuperLU) at the bottom of the V
TOLERANCE = 0.5           # stop once a step changes no value by more than this (levels)
MAX_STEPS = 30


class Level:
    """One grid of the hierarchy: unknown (H, W bool), diag (H, W), east and south edge
    weights (H, W: between (y, x) and (y, x + 1), resp. (y + 1, x))."""

    def __init__(self, unknown, diag, east, south):
        self.unknown = np.ascontiguousarray(unknown)
        self.diag = np.ascontiguousarray(np.where(unknown, diag, 1.0), np.float32)
        self.east = np.ascontiguousarray(east, np.float32)
        self.south = np.ascontiguousarray(south, np.float32)
        self.span = _spans(self.unknown)   # each row's first and past-last unknown column
        self.lu = None          # SuperLU factors at the coarsest level
        self.index = None

    @property
    def args(self):
        """What the kernels take: unknown, span, diag, east, south."""
        return self.unknown, self.span, self.diag, self.east, self.south

    @property
    def shape(self):
        return self.unknown.shape

    def coarser(self) -> "Level":
        h, w = self.shape
        ph, pw = h + h % 2, w + w % 2

        def pad(a):
            return np.pad(a, ((0, ph - h), (0, pw - w)))
        u, d = pad(self.unknown), pad(np.where(self.unknown, self.diag, 0.0))
        e, s = pad(self.east), pad(self.south)
        unknown = u[0::2, 0::2] | u[0::2, 1::2] | u[1::2, 0::2] | u[1::2, 1::2]
        inner = e[0::2, 0::2] + e[1::2, 0::2] + s[0::2, 0::2] + s[0::2, 1::2]
        diag = (d[0::2, 0::2] + d[0::2, 1::2] + d[1::2, 0::2] + d[1::2, 1::2] - 2 * inner) / 2
        east = (e[0::2, 1::2] + e[1::2, 1::2]) / 2
        south = (s[1::2, 0::2] + s[1::2, 1::2]) / 2
        return Level(unknown, diag, east, south)

    def factorise(self) -> None:
        """SuperLU factors of this level's operator (the bottom of the V)."""
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        h, w = self.shape
        index = -np.ones((h, w), np.int64)
        ys, xs = np.nonzero(self.unknown)
        index[ys, xs] = np.arange(len(ys))
        rows, cols, vals = [index[ys, xs]], [index[ys, xs]], [self.diag[ys, xs]]
        for weights, dy, dx in ((self.east, 0, 1), (self.south, 1, 0)):
            ok = (ys + dy < h) & (xs + dx < w)
            y0, x0 = ys[ok], xs[ok]
            p, q = index[y0, x0], index[y0 + dy, x0 + dx]
            a = weights[y0, x0]
            ok = (q >= 0) & (a != 0)
            for i, j in ((p, q), (q, p)):
                rows.append(i[ok])
                cols.append(j[ok])
                vals.append(-a[ok])
        n = len(ys)
        matrix = sp.csc_matrix((np.concatenate(vals).astype(np.float64),
                                (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
        self.lu, self.index = spla.splu(matrix), (ys, xs)

    def solve_exactly(self, rhs: np.ndarray) -> np.ndarray:
        ys, xs = self.index
        out = np.zeros_like(rhs)
        out[ys, xs] = self.lu.solve(rhs[ys, xs].astype(np.float64)).astype(np.float32)
        return out


def _spans(unknown: np.ndarray) -> np.ndarray:
    """(H, 2) int64: each row's first unknown column and the one past its last (0, 0 for a
    row with none), so that a thin region in a wide box (a stroke corner to corner) costs
    its own size, not the box's."""
    any_ = unknown.any(axis=1)
    w = unknown.shape[1]
    first = np.argmax(unknown, axis=1)
    last = w - np.argmax(unknown[:, ::-1], axis=1)
    return np.ascontiguousarray(np.stack([np.where(any_, first, 0), np.where(any_, last, 0)],
                                         axis=1).astype(np.int64))


@njit(cache=True, parallel=True)
def _smooth(f, unknown, span, diag, east, south, rhs, sweeps, omega, first):
    """Red-black over-relaxed Gauss-Seidel on diag_p f_p - sum_q a_pq f_q = rhs_p, colour
    `first` first (the sweeps after the coarse correction run the colours backwards, so
    that the cycle is symmetric)."""
    h, w, c = f.shape
    for _ in range(sweeps):
        for k in range(2):
            colour = (first + k) % 2
            for y in prange(h):
                lo = span[y, 0]
                for x in range(lo + (y + colour + lo) % 2, span[y, 1], 2):
                    if not unknown[y, x]:
                        continue
                    for ch in range(c):
                        acc = rhs[y, x, ch]
                        if y > 0:
                            acc += south[y - 1, x] * f[y - 1, x, ch]
                        if y < h - 1:
                            acc += south[y, x] * f[y + 1, x, ch]
                        if x > 0:
                            acc += east[y, x - 1] * f[y, x - 1, ch]
                        if x < w - 1:
                            acc += east[y, x] * f[y, x + 1, ch]
                        f[y, x, ch] += omega * (acc / diag[y, x] - f[y, x, ch])


@njit(cache=True, parallel=True)
def _residual(f, unknown, span, diag, east, south, rhs, out):
    h, w, c = f.shape
    for y in prange(h):
        for x in range(span[y, 0], span[y, 1]):
            for ch in range(c):
                if not unknown[y, x]:
                    out[y, x, ch] = 0.0
                    continue
                acc = rhs[y, x, ch] - diag[y, x] * f[y, x, ch]
                if y > 0:
                    acc += south[y - 1, x] * f[y - 1, x, ch]
                if y < h - 1:
                    acc += south[y, x] * f[y + 1, x, ch]
                if x > 0:
                    acc += east[y, x - 1] * f[y, x - 1, ch]
                if x < w - 1:
                    acc += east[y, x] * f[y, x + 1, ch]
                out[y, x, ch] = acc


@njit(cache=True, parallel=True)
def _operator(f, unknown, span, diag, east, south, out):
    """out = A f on the unknowns, nil elsewhere; returns f . A f per channel (float64)."""
    h, w, c = f.shape
    rows = np.zeros((h, c))
    for y in prange(h):
        for x in range(span[y, 0], span[y, 1]):
            for ch in range(c):
                if not unknown[y, x]:
                    out[y, x, ch] = 0.0
                    continue
                acc = diag[y, x] * f[y, x, ch]
                if y > 0:
                    acc -= south[y - 1, x] * f[y - 1, x, ch]
                if y < h - 1:
                    acc -= south[y, x] * f[y + 1, x, ch]
                if x > 0:
                    acc -= east[y, x - 1] * f[y, x - 1, ch]
                if x < w - 1:
                    acc -= east[y, x] * f[y, x + 1, ch]
                out[y, x, ch] = acc
                rows[y, ch] += acc * f[y, x, ch]
    return rows.sum(axis=0)


@njit(cache=True, parallel=True)
def _dots(a, b, span):
    """Per channel, the sum over all pixels of a * b (float64)."""
    h, w, c = a.shape
    rows = np.zeros((h, c))
    for y in prange(h):
        for x in range(span[y, 0], span[y, 1]):
            for ch in range(c):
                rows[y, ch] += a[y, x, ch] * b[y, x, ch]
    return rows.sum(axis=0)


@njit(cache=True, parallel=True)
def _step(x, r, p, q, alpha, span):
    """x += alpha p, r -= alpha q (per channel); returns the largest change of x."""
    h, w, c = x.shape
    rows = np.zeros(h)
    for y in prange(h):
        for i in range(span[y, 0], span[y, 1]):
            for ch in range(c):
                d = alpha[ch] * p[y, i, ch]
                x[y, i, ch] += d
                r[y, i, ch] -= alpha[ch] * q[y, i, ch]
                rows[y] = max(rows[y], abs(d))
    return rows.max()


@njit(cache=True, parallel=True)
def _direction(p, z, beta, span):
    """p = z + beta p (per channel)."""
    h, w, c = p.shape
    for y in prange(h):
        for x in range(span[y, 0], span[y, 1]):
            for ch in range(c):
                p[y, x, ch] = z[y, x, ch] + beta[ch] * p[y, x, ch]


@njit(cache=True, parallel=True)
def _restricted_residual(f, unknown, span, diag, east, south, rhs, hc, wc):
    """The coarse grid's right-hand side: each cell the sum of the residual rhs - A f over
    its (up to) 2 x 2 pixels (computed on the fly: the fine residual is never stored)."""
    h, w, c = f.shape
    out = np.zeros((hc, wc, c), np.float32)
    for cy in prange(hc):
        for y in range(2 * cy, min(2 * cy + 2, h)):
            for x in range(span[y, 0], span[y, 1]):
                if not unknown[y, x]:
                    continue
                for ch in range(c):
                    acc = rhs[y, x, ch] - diag[y, x] * f[y, x, ch]
                    if y > 0:
                        acc += south[y - 1, x] * f[y - 1, x, ch]
                    if y < h - 1:
                        acc += south[y, x] * f[y + 1, x, ch]
                    if x > 0:
                        acc += east[y, x - 1] * f[y, x - 1, ch]
                    if x < w - 1:
                        acc += east[y, x] * f[y, x + 1, ch]
                    out[cy, x // 2, ch] += acc
    return out


@njit(cache=True, parallel=True)
def _correct(f, unknown, span, e):
    """f += the coarse correction `e`, each pixel its cell's (piecewise constant: the
    transpose of `_restrict`, which keeps the cycle symmetric), on the unknowns."""
    h, w, c = f.shape
    for y in prange(h):
        for x in range(span[y, 0], span[y, 1]):
            if unknown[y, x]:
                for ch in range(c):
                    f[y, x, ch] += e[y // 2, x // 2, ch]


def hierarchy(region, weight) -> list:
    """The levels for `region`'s system (fine first): unit edges between region pixels."""
    region = np.asarray(region, bool)
    east = np.zeros(region.shape, np.float32)
    south = np.zeros(region.shape, np.float32)
    east[:, :-1] = region[:, :-1] & region[:, 1:]
    south[:-1] = region[:-1] & region[1:]
    levels = [Level(region, weight, east, south)]
    while levels[-1].unknown.sum() > COARSEST and min(levels[-1].shape) > 2:
        levels.append(levels[-1].coarser())
    levels[-1].factorise()
    return levels


def _cycle(levels, i, f, rhs) -> None:
    level = levels[i]
    if i == len(levels) - 1:
        f[...] = level.solve_exactly(rhs)
        return
    args = level.args
    _smooth(f, *args, rhs, PRE_SWEEPS, np.float32(SMOOTH_OMEGA), 0)
    hc, wc = levels[i + 1].shape
    coarse_rhs = _restricted_residual(f, *args, rhs, hc, wc)
    e = np.zeros_like(coarse_rhs)
    _cycle(levels, i + 1, e, coarse_rhs)
    _correct(f, level.unknown, level.span, e)
    _smooth(f, *args, rhs, POST_SWEEPS, np.float32(SMOOTH_OMEGA), 1)


def _apply(level, f, out) -> np.ndarray:
    """out = A f (the operator of `level`) inside its unknowns; returns f . A f."""
    return _operator(f, *level.args, out)


def solve(f, region, field, weight, tolerance: float = TOLERANCE,
          max_steps: int = MAX_STEPS, progress=None) -> int:
    """Solves `sor_solve`'s system in place in `f` (float32 (H, W, C), the starting guess
    inside the region) until a step changes no value by more than `tolerance`. Returns the
    number of steps run. `progress(step, max_steps)` is called before each step (it may
    raise to cancel).

    The V-cycle preconditions conjugate gradients (one per channel): the halved coarse
    operators make each cycle's correction about the right size in the open, but near
    an irregular border a plain repetition of cycles can overshoot level after level and
    diverge; as a preconditioner (symmetric: colours reversed after the correction,
    prolongation the transpose of the restriction) the cycle is positive definite
    whatever its coarse operators, and CG converges on it.
    """
    levels = hierarchy(region, weight)
    fine = levels[0]
    rhs = np.ascontiguousarray(np.where(region[..., None], field, 0.0), np.float32)
    x = np.ascontiguousarray(np.where(region[..., None], f, 0.0), np.float32)
    # Every vector is nil outside the region, and the kernels visit only each row's span.
    r = np.zeros_like(x)
    _residual(x, *fine.args, rhs, r)
    q = np.zeros_like(x)

    def precondition(res):
        z = np.zeros_like(res)
        if len(levels) == 1:
            return fine.solve_exactly(res)
        _cycle(levels, 0, z, res)
        return z   # nil outside the region: the cycle only ever writes unknowns

    z = precondition(r)
    p = z.copy()
    rz = _dots(r, z, fine.span)
    steps = 0
    for steps in range(1, max_steps + 1):
        if progress is not None:
            progress(steps - 1, max_steps)
        pq = _apply(fine, p, q)
        alpha = np.where(pq > 0, rz / np.where(pq > 0, pq, 1.0), 0.0).astype(np.float32)
        if _step(x, r, p, q, alpha, fine.span) <= tolerance:
            break
        z = precondition(r)
        rz_new = _dots(r, z, fine.span)
        beta = np.where(rz > 0, rz_new / np.where(rz > 0, rz, 1.0), 0.0).astype(np.float32)
        _direction(p, z, beta, fine.span)
        rz = rz_new
    f[region] = x[region]
    return steps
