"""The healing blend of the Healing Brush and the Patch tool: a source's detail laid on a
smooth membrane that meets the destination at the region's border (Perez et al. 2003).

Within `region` the result is `source + m`, where the membrane `m` is harmonic (its
Laplacian is nil) and equals `dest - source` on the pixels just outside the region: the
source's gradients (its texture, its edges) are kept exactly, and its colour and light are
bent smoothly onto the destination's all round the border, so no seam shows and a source
brighter than the destination comes out as bright as the destination. This is Poisson
image editing with the source's own gradients as the guidance, solved for the membrane.

The system is Content-Aware Fill's (`patchmatch_fill.sor_solve`'s), unscreened: Spot
Healing's `blend_seams` holds each pixel to its copy so that a step is spread over only ~16
pixels, but healing must match the destination across the whole region, as Photoshop's
does, and relaxation alone needs O(width) sweeps for that (2.2 s for a 500 x 500 patch), so
it is solved by multigrid-preconditioned conjugate gradients (`membrane_solve.solve`) to
within a fifth of a level of the exact solution (0.2 s for that patch). The membrane
starts from a push-pull interpolation of the border's differences (`fill.pyramid_fill`),
already smooth and close. No Qt here; numba is imported with the solver, so import this
module lazily from the editor.
"""
from __future__ import annotations

import cv2
import numpy as np

from .methods.decompose_steps.fill import pyramid_fill
from .membrane_solve import solve
from .methods.decompose_steps.matting import _numba_without_openmp


def heal(dest: np.ndarray, source: np.ndarray, region: np.ndarray, progress=None) -> np.ndarray:
    """`source` (float (H, W, C)) healed into `dest` (same shape) over `region` (H, W bool).

    Returns float32 (H, W, C): `source + m` inside the region, `dest` outside. Pixels of
    the region on the array's edge have no border there (the membrane runs on freely), so
    pass arrays one pixel larger than the region where the destination goes on.
    `progress(step, total)`, if given, is called at each step of the solve (it may raise
    to cancel).
    """
    dest = np.asarray(dest, np.float32)
    source = np.asarray(source, np.float32)
    region = np.asarray(region, bool)
    out = dest.copy()
    if not region.any():
        return out
    _numba_without_openmp()
    h, w = region.shape
    diff = dest - source
    inside = region.astype(np.float32)
    # The border: pixels outside the region with a 4-neighbour inside it.
    near = cv2.dilate(region.astype(np.uint8), np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]],
                                                        np.uint8)).astype(bool)
    border = near & ~region
    if not border.any():  # the region fills the array: nothing to match, keep the source
        out[region] = source[region]
        return out
    # The system of `sor_solve`: n_p m_p - sum of region neighbours m_q = sum of border
    # neighbours' differences, n_p counting the neighbours within the array.
    known = np.where(border[..., None], diff, 0.0).astype(np.float32)
    field = np.zeros_like(diff)
    weight = np.zeros((h, w), np.float32)
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        ys = slice(max(0, -dy), h - max(0, dy))
        yq = slice(max(0, dy), h - max(0, -dy))
        xs = slice(max(0, -dx), w - max(0, dx))
        xq = slice(max(0, dx), w - max(0, -dx))
        weight[ys, xs] += 1.0
        field[ys, xs] += known[yq, xq]
    weight = np.where(region, weight, 1.0).astype(np.float32)
    field *= inside[..., None]
    membrane = pyramid_fill(known, border.astype(np.float32))
    membrane = np.ascontiguousarray(np.where(region[..., None], membrane, known), np.float32)
    solve(membrane, np.ascontiguousarray(region), np.ascontiguousarray(field),
          np.ascontiguousarray(weight), progress=progress)
    out[region] = source[region] + membrane[region]
    return out
