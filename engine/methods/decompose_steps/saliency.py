"""A saliency map from background priors: how much each pixel stands out as an object.

Zhu, Liang, Wei and Sun, "Saliency Optimization from Robust Background Detection"
(CVPR 2014), on superpixels (`superpixels`, a small SLIC in numpy: OpenCV's contrib
module and scikit-image are not dependencies of the engine):

- boundary connectivity: a region is background when much of what it is connected to (by
  geodesic colour distance over neighbouring superpixels) lies on the picture's border.
  Unlike the old "the border is the background" rule, an object may touch the border
  (a person's body running off the bottom), and a background region in the middle of the
  picture (a sky between two towers) is still background, since it reaches the border
  through pixels of its own colour;
- background-weighted contrast: a superpixel is foreground by how different it is from
  the likely-background superpixels near it;
- both as the unary terms of a least-squares smoothing over neighbouring superpixels
  (similar neighbours get similar saliency), solved as one small linear system.

`salient.find_main_object` uses the map to check, and where needed replace, GrabCut's
guess at the main object. No Qt, no model weights.
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

SUPERPIXELS = 250        # about this many superpixels, as in the paper
COMPACTNESS = 10.0       # SLIC's weight of distance against colour (Lab, L 0-100)
SLIC_ITERATIONS = 10
SLIC_BLUR = 1.0          # Gaussian sigma (pixels) of the picture the superpixels are made on
SIGMA_COLOUR = 10.0      # geodesic and smoothing colour scale (Lab units), the paper's
SIGMA_BOUNDARY = 1.0     # boundary connectivity at which a region is 39 % background
SIGMA_SPACE = 0.25       # contrast is weighed over this share of the picture's long side
SMOOTH_FLOOR = 0.1       # the smoothing weight of neighbours however different (the paper's mu)


def superpixels(lab: np.ndarray, count: int = SUPERPIXELS,
                compactness: float = COMPACTNESS) -> np.ndarray:
    """(H, W) int labels 0..K-1 of about `count` SLIC superpixels of a Lab picture.

    Each pixel is compared with the centres of its own grid cell and the eight around it
    (the centres stay near their cells in a few iterations); labels of centres that lost
    all their pixels are compacted away. Parts of a superpixel need not be connected,
    which is of no matter for the adjacency graph built on them."""
    h, w = lab.shape[:2]
    step = max(2, int(round(np.sqrt(h * w / count))))
    ny, nx = max(1, h // step), max(1, w // step)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy = np.minimum(yy.astype(np.int32) // step, ny - 1)
    cx = np.minimum(xx.astype(np.int32) // step, nx - 1)
    gy, gx = np.meshgrid((np.arange(ny) + 0.5) * h / ny, (np.arange(nx) + 0.5) * w / nx,
                         indexing="ij")
    ci, cj = np.clip(gy.astype(int), 0, h - 1), np.clip(gx.astype(int), 0, w - 1)
    centres = np.concatenate([lab[ci, cj], gy[..., None], gx[..., None]], axis=-1)
    centres = np.ascontiguousarray(centres.reshape(-1, 5).T, np.float32)    # (5, K)
    features = np.concatenate([lab, yy[..., None], xx[..., None]], axis=-1)
    features = np.ascontiguousarray(features.reshape(-1, 5).T, np.float32)  # (5, N)
    # Distances in space count (compactness / step)^2 as much as in colour.
    weight = np.array([1, 1, 1, compactness / step, compactness / step], np.float32)[:, None]
    features *= weight
    centres *= weight
    candidates = np.stack([(np.clip(cy + dy, 0, ny - 1) * nx + np.clip(cx + dx, 0, nx - 1))
                           .ravel() for dy in (-1, 0, 1) for dx in (-1, 0, 1)])   # (9, N)
    pixels = np.arange(h * w)
    distance = np.empty(candidates.shape, np.float32)
    for _ in range(SLIC_ITERATIONS):
        for i, idx in enumerate(candidates):
            distance[i] = ((features - centres[:, idx]) ** 2).sum(0)
        labels = candidates[distance.argmin(0), pixels]
        counts = np.bincount(labels, minlength=centres.shape[1]).astype(np.float32)
        moved = counts > 0
        for c in range(5):
            sums = np.bincount(labels, features[c], centres.shape[1])
            centres[c, moved] = sums[moved] / counts[moved]
    return np.unique(labels, return_inverse=True)[1].reshape(h, w)


def saliency_map(rgb: np.ndarray) -> np.ndarray:
    """(H, W) float32 in 0..1: how salient each pixel of the small RGB picture is.

    All zeros when nothing stands out (a picture of one colour). Meant for pictures of a
    few hundred pixels a side (the finder's FIND_SIDE): the geodesic distances are
    all-pairs over the superpixels."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    # Superpixels of the picture smoothed a little: unsmoothed, single noisy or glinting
    # pixels form fragments of their own, which the contrast then finds salient.
    seg = superpixels(cv2.GaussianBlur(lab, (0, 0), SLIC_BLUR))
    k = int(seg.max()) + 1
    if k < 3:
        return np.zeros(seg.shape, np.float32)
    h, w = seg.shape
    flat = seg.ravel()
    count = np.bincount(flat, minlength=k).astype(np.float32)
    colour = np.stack([np.bincount(flat, lab[..., c].ravel(), k) for c in range(3)], 1) \
        / count[:, None]
    yy, xx = np.mgrid[0:h, 0:w] / float(max(h, w))
    place = np.stack([np.bincount(flat, yy.ravel(), k), np.bincount(flat, xx.ravel(), k)], 1) \
        / count[:, None]
    border = np.zeros(k, bool)
    border[np.unique(np.r_[seg[0], seg[-1], seg[:, 0], seg[:, -1]])] = True
    adjacent = np.zeros((k, k), bool)
    a = np.r_[seg[:, :-1].ravel(), seg[:-1].ravel()]
    b = np.r_[seg[:, 1:].ravel(), seg[1:].ravel()]
    adjacent[a, b] = adjacent[b, a] = True
    # The border's superpixels are all neighbours of each other (the paper's choice): the
    # background around an object is one region even where the object cuts it in two.
    adjacent[np.ix_(border, border)] = True
    np.fill_diagonal(adjacent, False)
    apart = np.sqrt(((colour[:, None] - colour[None]) ** 2).sum(-1))

    # Boundary connectivity. Steps smaller than the typical step to the most similar
    # neighbour cost nothing (the paper's code does the same): a smooth gradient such as an
    # evening sky is one region, not a chain of ever more different ones.
    nearest = np.where(adjacent, apart, np.inf).min(1)
    clip = float(np.mean(nearest[np.isfinite(nearest)])) if np.isfinite(nearest).any() else 0.0
    step = np.where(apart > clip, apart, 0.0) + 1e-3
    geodesic = shortest_path(csr_matrix(np.where(adjacent, step, 0.0)), method="D",
                             directed=False)
    similar = np.exp(-geodesic ** 2 / (2 * SIGMA_COLOUR ** 2))
    connectivity = similar[:, border].sum(1) / np.sqrt(similar.sum(1))
    background = 1.0 - np.exp(-connectivity ** 2 / (2 * SIGMA_BOUNDARY ** 2))

    # Background-weighted contrast.
    near = np.exp(-((place[:, None] - place[None]) ** 2).sum(-1) / (2 * SIGMA_SPACE ** 2))
    contrast = (apart * near * background[None]).sum(1)
    foreground = contrast / max(float(contrast.max()), 1e-6)

    # min sum_i bg_i s_i^2 + fg_i (1 - s_i)^2 + sum_i sum_j w_ij (s_i - s_j)^2, j neighbours of i.
    smooth = np.where(adjacent, np.exp(-apart ** 2 / (2 * SIGMA_COLOUR ** 2)) + SMOOTH_FLOOR, 0)
    laplacian = np.diag(smooth.sum(1)) - smooth
    s = np.linalg.solve(np.diag(background + foreground) + 2 * laplacian, foreground)
    spread = float(s.max() - s.min())
    if spread < 1e-6:
        return np.zeros(seg.shape, np.float32)
    return ((s - s.min()) / spread).astype(np.float32)[seg]
