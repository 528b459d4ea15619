"""The healing blend's membrane (`engine.healing.heal`) against an exact solve of the same
system: Laplace's equation inside the region, the destination's difference from the source
on the ring round it, built here from that definition and solved by SuperLU. The regions
are large (a 150 px disk, a 400 x 400 square) because that is where relaxation alone fell
short (600 capped sweeps left the middle of a 400 x 400 patch 9 levels off)."""
from __future__ import annotations

import numpy as np
import pytest

from engine.healing import heal


def exact_heal(dest: np.ndarray, source: np.ndarray, region: np.ndarray) -> np.ndarray:
    """`source + m` inside `region`, `dest` outside, with m harmonic inside (each pixel the
    mean of its neighbours within the array) and m = dest - source on the pixels just
    outside: one sparse linear system per channel, solved directly (float64)."""
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    h, w = region.shape
    diff = (dest - source).astype(np.float64)
    index = -np.ones((h, w), np.int64)
    ys, xs = np.nonzero(region)
    n = len(ys)
    index[ys, xs] = np.arange(n)
    rows, cols, vals = [np.arange(n)], [np.arange(n)], []
    diag = np.zeros(n)
    rhs = np.zeros((n, diff.shape[2]))
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        qy, qx = ys + dy, xs + dx
        ok = (qy >= 0) & (qy < h) & (qx >= 0) & (qx < w)
        diag[ok] += 1
        p, q = index[ys[ok], xs[ok]], index[qy[ok], qx[ok]]
        inner = q >= 0
        rows.append(p[inner])
        cols.append(q[inner])
        vals.append(-np.ones(int(inner.sum())))
        np.add.at(rhs, p[~inner], diff[qy[ok][~inner], qx[ok][~inner]])
    matrix = sp.csc_matrix((np.concatenate([diag] + vals),
                            (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    out = dest.astype(np.float64).copy()
    out[ys, xs] = source[ys, xs] + spla.splu(matrix).solve(rhs)
    return out


def square(n: int) -> np.ndarray:
    region = np.zeros((n + 2, n + 2), bool)
    region[1:-1, 1:-1] = True
    return region


def disk(d: int) -> np.ndarray:
    yy, xx = np.mgrid[:d + 4, :d + 4] + 0.5
    return np.hypot(xx - (d + 4) / 2, yy - (d + 4) / 2) < d / 2


@pytest.fixture(scope="module")
def photo():
    """A real photo (skimage's astronaut) at 1100 x 1100: light, shadow and fine detail."""
    import cv2
    import skimage.data

    return cv2.resize(skimage.data.astronaut(), (1100, 1100)).astype(np.float32)


@pytest.mark.parametrize("region, bound", [(disk(150), 1.0), (square(400), 2.0)],
                         ids=["150 px disk", "400 x 400"])
def test_heal_matches_the_exact_solve_of_its_system(photo, region, bound):
    h, w = region.shape
    # The source is another part of the photo: its light differs from the destination's by
    # up to ~200 levels round the border, so the membrane is far from flat.
    dest, source = photo[:h, :w], photo[40:40 + h, 90:90 + w]
    truth = exact_heal(dest, source, region)
    out = heal(dest, source, region)
    assert out.dtype == np.float32 and out.shape == dest.shape
    assert np.array_equal(out[~region], dest[~region])
    spread = np.abs(truth - source)[region].max()
    err = np.abs(out - truth)[region].max()
    print(f"max error {err:.3f} levels (membrane up to {spread:.0f})")
    assert spread > 100          # a real correction to get right, not a nil one
    assert err <= bound, err


def test_heal_reports_progress_and_can_be_cancelled(photo):
    from engine.errors import Cancelled

    region = square(200)
    h, w = region.shape
    dest, source = photo[:h, :w], photo[40:40 + h, 90:90 + w]
    steps = []
    heal(dest, source, region, lambda step, total, preview=None: steps.append((step, total)))
    assert len(steps) >= 2 and steps[0][0] == 0 and all(s < t for s, t in steps)

    def cancel(step, total, preview=None):
        if step == 1:
            raise Cancelled()
    with pytest.raises(Cancelled):
        heal(dest, source, region, cancel)
