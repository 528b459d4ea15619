"""Clean edges: the object's soft edge re-measured along the line between its colour and the ground's.

Matting alone leaves a fringe. Closed-form matting tends to overrate the
alpha of a thin, soft edge (fur, blur) - measured on a red disc with strands
on green grass: 0.46 where the truth was 0.31. With the composite fixed,
too much alpha forces the ground's colour into the object's edge
(F = (I - (1 - a) B) / a turns greenish), and too little leaves the
object's colour in the ground's ring.

Once the ground under the edge is known (the fill) and the object's own
colour has been carried out from its solid inside, every edge pixel should
lie on the segment between the two: I = a F + (1 - a) B. The alpha that
puts it there is the projection

    a' = <I - B, F - B> / |F - B|^2

(the colour-line model closed-form matting itself rests on, with the two
colours now known instead of fitted). It is trusted in proportion to how far
apart F and B are against the ground's own variation near the edge,
|F - B|^2 / (|F - B|^2 + var): on a textured ground the fill is right only
on average and the matting alpha keeps its say; where object and ground
differ clearly, the projection decides. With that alpha, the foreground
solve (`layers.solve_foreground`) finds the object's own colour on the edge
and the ground's ring keeps no trace of the object.
"""
from __future__ import annotations

import cv2
import numpy as np

from .fill import pyramid_fill

SOLID = 0.95        # alpha from which a pixel shows the object's own colour
MIN_ALPHA = 0.02    # a re-measured alpha below this is the ground's noise, not object
NOISE_FLOOR = 0.03  # the least colour variation assumed in the ground (8-bit noise, grain)


def object_colour(image: np.ndarray, alpha: np.ndarray, inset: int) -> np.ndarray:
    """The object's colour carried outward from its solid pixels `inset` pixels inside
    its outline (H, W, 3): smooth across the edge and the rim."""
    solid = alpha >= SOLID
    deep = _erode(solid, inset)
    seeds = deep if deep.any() else solid
    if not seeds.any():
        seeds = alpha >= 0.5
    if not seeds.any():
        return image.copy()
    return pyramid_fill(image, seeds.astype(np.float32))


def ground_variance(background: np.ndarray, known: np.ndarray, radius: int) -> np.ndarray:
    """The ground's local colour variance (H, W) around the edge, from known pixels, carried in."""
    k = known.astype(np.float32)
    size = (2 * radius + 1, 2 * radius + 1)
    den = np.maximum(cv2.blur(k, size), 1e-6)[..., None]
    mean = cv2.blur(background * k[..., None], size) / den
    sq = cv2.blur(background * background * k[..., None], size) / den
    var = np.clip(sq - mean * mean, 0.0, None).sum(axis=2)
    covered = cv2.blur(k, size) > 0.25
    if covered.any():
        var = pyramid_fill(var, covered.astype(np.float32))
    return np.maximum(var, NOISE_FLOOR ** 2).astype(np.float32)


def refine_alpha(image: np.ndarray, alpha: np.ndarray, background: np.ndarray,
                 band: np.ndarray, known: np.ndarray, radius: int) -> np.ndarray:
    """The object's alpha with its soft edge re-measured along the object-ground colour line.

    `image` and `background` (the filled ground) are float RGB 0..1; `band` (bool)
    marks where alpha may change (the object, its unknown band and the hole's margin):
    there its soft pixels and its solid rim are re-measured. `known` marks the ground
    pixels the object never covered (for the ground's variance). Outside `band` alpha
    is returned unchanged.
    """
    if not band.any():
        return alpha
    # Only the edge changes: the work happens in a crop around it (wide enough to hold the
    # solid pixels the object's colour is carried from and the ground's variance window).
    h, w = alpha.shape
    ys, xs = np.nonzero(band & ((alpha < SOLID) | ~_erode(alpha >= SOLID, radius)))
    if ys.size == 0:
        return alpha
    m = 4 * max(3, radius) + 8
    y0, y1, x0, x1 = max(0, ys.min() - m), min(h, ys.max() + m + 1), max(0, xs.min() - m), \
        min(w, xs.max() + m + 1)
    if (y1 - y0) * (x1 - x0) < 0.8 * h * w:
        c = (slice(y0, y1), slice(x0, x1))
        out = alpha.copy()
        out[c] = refine_alpha(image[c], alpha[c], background[c], band[c], known[c], radius)
        return out
    # The segmenter's outline may lie outside the true soft edge, leaving some of it as
    # "surely object": the rim, `radius` pixels in, is re-measured too.
    solid = alpha >= SOLID
    rim = solid & ~_erode(solid, radius)
    fg = object_colour(image, alpha, radius)
    diff = fg - background
    norm = (diff * diff).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        projected = np.clip(((image - background) * diff).sum(axis=2) / np.maximum(norm, 1e-6),
                            0.0, 1.0)
    # Trusted as far as the two colours stand apart against the variation of the ground
    # near the edge and of the object inside it (a textured object's darker fibres must
    # not read as ground).
    var = ground_variance(background, known, max(3, radius)) \
        + ground_variance(image, _erode(solid, radius), max(3, radius))
    trust = norm / (norm + 4.0 * var)
    # A pixel far off the line between the two colours is not their mix (the carried colour
    # is not the object's there, e.g. a shadow's edge far from the object): matting decides.
    off = image - background - projected[..., None] * diff
    miss = (off * off).sum(axis=2)
    trust *= var / (var + miss)
    refined = trust * projected + (1.0 - trust) * alpha
    refined[refined < MIN_ALPHA] = 0.0
    where = band & (~solid | rim)
    return np.where(where, refined, alpha).astype(np.float32)


def ground_covariance(background: np.ndarray, known: np.ndarray, radius: int) -> np.ndarray:
    """The ground's local colour covariance (H, W, 3, 3) from `known` pixels, carried into
    the rest, with NOISE_FLOOR squared added on the diagonal."""
    k = known.astype(np.float32)
    size = (2 * radius + 1, 2 * radius + 1)
    count = cv2.blur(k, size)
    den = np.maximum(count, 1e-6)
    mean = cv2.blur(background * k[..., None], size) / den[..., None]
    parts = []
    for i in range(3):
        for j in range(i, 3):
            sq = cv2.blur(background[..., i] * background[..., j] * k, size) / den
            parts.append(sq - mean[..., i] * mean[..., j])
    parts = np.dstack(parts)
    covered = count > 0.25
    if covered.any() and not covered.all():
        parts = pyramid_fill(parts, covered.astype(np.float32))
    cov = np.empty(background.shape[:2] + (3, 3), np.float32)
    n = 0
    for i in range(3):
        for j in range(i, 3):
            cov[..., i, j] = cov[..., j, i] = parts[..., n]
            n += 1
    return cov + (NOISE_FLOOR ** 2) * np.eye(3, dtype=np.float32)


def _erode(mask: np.ndarray, r: int) -> np.ndarray:
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.erode(mask.astype(np.uint8), k, borderType=cv2.BORDER_REPLICATE) > 0
