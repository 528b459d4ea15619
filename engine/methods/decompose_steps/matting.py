"""Alpha from a mask: a trimap around the mask's edge, then closed-form matting (pymatting).

The trimap says: deep inside the mask the object is opaque, far outside it
is absent, and in a band along the edge alpha is unknown. The band is as
wide as the segmenter's uncertainty (GrabCut ran on a reduced image) plus a
little for soft edges, fur and motion blur.

Closed-form matting (Levin et al. 2008) assumes colours are a linear blend of
two colours in every 3x3 window and solves one sparse linear system for the
unknown pixels only. Measured on a 1000x1000 crop with 43k unknown pixels
on the 2-core machine: closed form 0.5 s, shared matting 0.3 s (coarser
edges), random walk 3.7 s, KNN 13 s, large-kernel 11 s, all from pymatting;
closed form gives the cleanest soft edges at that cost, so it is the default.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...progress import ProgressFn, no_progress

UNKNOWN = 128


def band_radius(width: int, height: int) -> int:
    """Half-width of the unknown band for an object of this size, in pixels.

    GrabCut ran on a crop of about 1.3x the object scaled to 360 pixels, so its
    edge is uncertain by roughly one reduced pixel, 0.4 % of the object's size;
    the band is a few times that, plus room for soft edges, and at least 3.
    """
    return int(np.clip(0.015 * max(width, height), 3, 40))


def make_trimap(mask: np.ndarray, radius: int) -> np.ndarray:
    """uint8 trimap: 255 surely object, 0 surely not, 128 unknown.

    The unknown band reaches `radius` pixels outside the mask but only a third
    of that (at least 3) inside: the segmenter's edge errs by about that much either way,
    and soft edges (fur, blur, anti-aliasing) lie mostly outside a mask cut
    along the strongest edge. A narrow inner band also keeps matting from
    punching holes in an object's rim where rim and ground share a colour.
    Thin objects that the erosion would wipe out keep a thinner core, so the
    trimap always has some surely-object pixels.
    """
    m = mask.astype(np.uint8)
    outer = cv2.dilate(m, _disk(radius)) > 0
    r = max(3, radius // 3)
    core = np.zeros_like(mask)
    while r >= 1:
        core = cv2.erode(m, _disk(r), borderType=cv2.BORDER_REPLICATE) > 0
        if core.any():
            break
        r //= 2
    if not core.any():
        core = mask.astype(bool)
    trimap = np.zeros(mask.shape, np.uint8)
    trimap[outer] = UNKNOWN
    trimap[core] = 255
    return trimap


class ClosedFormMatter:
    """Default matter: pymatting's closed-form matting on the unknown band."""

    name = "closed_form"
    weight = 1

    def __call__(self, image: np.ndarray, trimap: np.ndarray,
                 progress: ProgressFn = no_progress) -> np.ndarray:
        """Alpha (H, W) float32 in 0..1 for RGB uint8 `image` and uint8 `trimap`."""
        from pymatting import estimate_alpha_cf

        tri = trimap.astype(np.float64) / 255.0
        if not (trimap == UNKNOWN).any():
            alpha = tri
        else:
            alpha = estimate_alpha_cf(image.astype(np.float64) / 255.0, tri)
        progress(1, 1)
        return alpha.astype(np.float32)


def _disk(r: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
