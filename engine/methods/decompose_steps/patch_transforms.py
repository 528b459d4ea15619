"""Content-Aware Fill's adaptations (Photoshop's names): the source patches the PatchMatch
fill (`patchmatch_fill`) may copy rotated, scaled or mirrored, and with their contrast and
brightness fitted to the target (Generalized PatchMatch, Barnes et al. 2010; Image
Melding, Darabi et al. 2012).

A **transform** maps a target patch's pixel at offset (dy, dx) from its centre to the
source pixel at the source centre + round(M (dy, dx)), M = scale x rotation x mirror.
`transform_table` lists the transforms an option set allows as a table of those integer
offsets, one row per transform, the identity first (index 0): the kernels read a patch
through the table, so a transformed source costs a table look-up per pixel and the
search over transforms is one more random index. Nearest-pixel sampling: a rotated copy
is a little jagged, never blurred (a bilinear copy would soften every rotated texture).

**Color Adaptation** (`color_fit`): the copy is g * source + b per colour channel, with
g = std(target) / std(source) and b = mean(target) - g mean(source), each clamped to the
option's range (Image Melding's gain and bias); the means and deviations are the known
picture's around target and source (`color_stats`), so contrast and brightness follow
the hole's surroundings. The patch distance and the vote both see the adapted copy.
"""
from __future__ import annotations

import cv2
import numpy as np
from numba import njit

# Rotation Adaptation -> the largest rotation (degrees) either way.
ROTATION_ADAPTATION = {"none": 0.0, "low": 15.0, "medium": 45.0, "high": 90.0, "full": 180.0}
ROTATION_STEP = 7.5       # degrees between the rotations tried: the patch's corner moves 0.6 px
SCALES = (0.8, 0.894, 1.0, 1.118, 1.25)   # Scale: geometric steps up to a quarter either way


def transform_table(r: int, rotation: str = "none", scale: bool = False,
                    mirror: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(offsets (T, (2r+1)^2, 2) int32, radius (T,) int32): for each allowed transform, the
    source offset of every patch pixel (row-major over dy, dx) and how far its footprint
    reaches (a source is valid where that many pixels around it are known).
    Transform 0 is the identity (the plain translation-only fill)."""
    if rotation not in ROTATION_ADAPTATION:
        raise ValueError(f"Rotation Adaptation is one of {', '.join(ROTATION_ADAPTATION)}")
    top = ROTATION_ADAPTATION[rotation]
    n = int(round(top / ROTATION_STEP))
    angles = [0.0] + [s * k * ROTATION_STEP for k in range(1, n + 1) for s in (1, -1)]
    if top >= 180.0:   # +180 and -180 are one rotation
        angles = angles[:-1]
    scales = [1.0] + [s for s in SCALES if s != 1.0] if scale else [1.0]
    flips = (False, True) if mirror else (False,)
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1].reshape(2, -1).astype(np.float64)
    offsets, radius = [], []
    for flip in flips:
        for s in scales:
            for a in angles:
                t = np.deg2rad(a)
                fx = -dx if flip else dx   # Mirror: flipped left to right, as Photoshop's
                oy = s * (np.cos(t) * dy + np.sin(t) * fx)
                ox = s * (-np.sin(t) * dy + np.cos(t) * fx)
                o = np.floor(np.stack([oy, ox], 1) + 0.5).astype(np.int32)
                offsets.append(o)
                radius.append(int(np.abs(o).max()))
    return np.ascontiguousarray(np.stack(offsets)), np.asarray(radius, np.int32)


def color_stats(image: np.ndarray, known: np.ndarray, r: int) -> np.ndarray:
    """(h, w, 6) float32: the local mean and standard deviation of each colour channel of
    the known picture around each pixel (a Gaussian window as wide as a patch), carried
    smoothly into the hole (push-pull, `fill.pyramid_fill`) where the window holds too
    little known picture: the brightness and contrast the fill should have there.

    They are measured on the known picture alone, not on the fill so far: fitted to the
    first, smooth guess of the hole, a gain would keep the copy as flat as the guess."""
    from .fill import pyramid_fill

    sigma = float(2 * r + 1)
    k = cv2.GaussianBlur(known.astype(np.float32), (0, 0), sigma)
    rgb = image[..., :3].astype(np.float32) * known[..., None]
    mean = cv2.GaussianBlur(rgb, (0, 0), sigma) / np.maximum(k, 1e-6)[..., None]
    square = cv2.GaussianBlur(rgb * rgb, (0, 0), sigma) / np.maximum(k, 1e-6)[..., None]
    std = np.sqrt(np.maximum(square - mean * mean, 0.0))
    stats = np.dstack([mean, std]).astype(np.float32)
    trusted = (k > 0.5).astype(np.float32)
    if trusted.all():
        return np.ascontiguousarray(stats)
    return np.ascontiguousarray(np.where(trusted[..., None] > 0, stats,
                                         pyramid_fill(stats, trusted)), np.float32)


@njit(cache=True, inline="always")
def color_fit(stats, y, x, sy, sx, limits):
    """(g0, g1, g2, b0, b1, b2): the gain and bias per colour channel that give the source
    at (sy, sx) the local mean and contrast `stats` (`color_stats`) has at the target
    (y, x), clamped to `limits` = (lowest gain, highest gain, largest |bias|)."""
    g = np.ones(3)
    b = np.zeros(3)
    for ch in range(3):
        # The floor keeps flat patches at a gain near 1 rather than at a limit.
        gain = (stats[y, x, 3 + ch] + 0.01) / (stats[sy, sx, 3 + ch] + 0.01)
        gain = min(max(gain, limits[0]), limits[1])
        g[ch] = gain
        b[ch] = min(max(stats[y, x, ch] - gain * stats[sy, sx, ch], -limits[2]), limits[2])
    return g[0], g[1], g[2], b[0], b[1], b[2]
