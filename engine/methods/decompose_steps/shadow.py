"""The object's cast shadow: darker-than-surroundings pixels attached to its base.

A shadow darkens what lies under it, channel by channel, and keeps its
texture: composite = ratio * ground, with ratio (per channel) smooth. On the
foreground layer it becomes a translucent colour K at opacity s over the
ground,  composite = s*K + (1 - s)*ground,  with s = 1 - min(ratio) and
K = lighting * (ratio - min(ratio)) / s: black for a grey shadow, tinted
where the object throws coloured light (a red saucer on a wooden table).

To find the ratio, the lighting the ground would have without the object is
estimated by a pyramid fill of the smoothed image from pixels well away
from the object, then (second round) from everywhere but the object and the
shadow found in the first, and compared with what is there. Pixels clearly
darker than that estimate, beside or below the lower half of the object and
connected to a ring around its base (where a cast shadow meets it), are
candidates. Guards keep dark things from passing as shadows:
- a pixel more than `DARK_THING` darker than its lighting is a dark object
  (a tyre, a black table), and a region mostly bordering such pixels is its rim;
- a cast shadow is a broad patch: thin dark lines (a cup's handle, a crack)
  vanish under a morphological opening, and parts under `MIN_AREA` of the
  object are dropped;
- across a shadow's outline the ground goes on, so the chromaticity just
  inside and just outside it must agree within `MAX_EDGE_HUE`; where a
  saucer, a stripe of fur or a wheel ends, the colour changes as well.
The last guard is strict on purpose. Measured on the benchmark's pictures,
neutral shadows differ by 0.002-0.014 across their outline and dark things
by 0.028-0.23; but real shadows whose colour shifts (the coffee photo's
shadow is redder and more saturated than the lit wood, 0.04) are missed
and stay in the background. Leaving a shadow behind is the safe failure:
taking a dark thing for a shadow damages both layers.

All of this happens on a reduced image: a shadow is a low-frequency thing,
and smoothing away the ground's texture is exactly what keeps that texture
in the background layer (relit) instead of in the shadow.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .fill import pyramid_fill

MIN_DARKENING = 0.12   # a shadow is at least 12 % darker than the lighting around it
DARK_THING = 0.93      # 93 % darker or more: a dark object, not a shadow
MAX_OPACITY = 0.85
MAX_EDGE_HUE = 0.02    # chromaticity change across a shadow's outline (sum over r, g, b)
MIN_AREA = 0.01        # a shadow part smaller than 1 % of the object is noise


@dataclass
class Shadow:
    opacity: np.ndarray   # (H, W) float32 0..MAX_OPACITY
    colour: np.ndarray    # (H, W, 3) float32 0..1, the shadow's colour K

    @classmethod
    def none(cls, h: int, w: int) -> "Shadow":
        return cls(np.zeros((h, w), np.float32), np.zeros((h, w, 3), np.float32))


def detect_shadow(image: np.ndarray, alpha: np.ndarray, valid: np.ndarray, *,
                  max_side: int = 320) -> Shadow:
    """The object's shadow in float RGB `image` (0..1), given the object's `alpha`.

    `valid` is False where the source layer is transparent.
    """
    h, w = alpha.shape
    scale = min(1.0, max_side / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small_alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    obj = small_alpha > 0.5
    if not obj.any():
        return Shadow.none(h, w)
    near_obj = small_alpha > 0.02       # the object's soft edge counts as object here
    ok = cv2.resize(valid.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    # A median removes the ground's texture but keeps a shadow's edge.
    smooth = cv2.medianBlur(np.clip(small * 255, 0, 255).astype(np.uint8), 5).astype(np.float32) / 255
    smooth += 1.0 / 255
    luma = smooth @ np.array([0.299, 0.587, 0.114], np.float32)

    ys, xs = np.nonzero(obj)
    y0, y1 = ys.min(), ys.max() + 1
    extent = max(y1 - y0, xs.max() + 1 - xs.min())
    ring_r = max(2, int(0.04 * extent))
    grown = _dilate(near_obj, ring_r)
    base = grown & ~near_obj
    base[: y0 + int(0.6 * (y1 - y0))] = False
    search = _dilate(obj, max(3, int(0.6 * extent))) & ~near_obj & ok
    search[: y0 + (y1 - y0) // 2] = False    # a cast shadow lies on the ground, by the lower half

    shadow = np.zeros_like(obj)
    lighting = smooth
    darkening = np.zeros(luma.shape, np.float32)
    # First round: lighting from pixels well away from the object, where its
    # shadow is unlikely to reach; second round: from everywhere but the
    # object and the shadow found in the first.
    for reach in (0.5, 0.3, 0.15):   # as far as the picture leaves ground to see
        away = _dilate(obj, max(3, int(reach * extent)))
        if (ok & ~away).sum() >= 0.05 * ok.size:
            break
    for exclude in (away, None):
        known = ok & (~exclude if exclude is not None else ~grown & ~_dilate(shadow, ring_r))
        if not known.any():
            break
        lighting = np.maximum(pyramid_fill(cv2.GaussianBlur(smooth, (0, 0), 1.0),
                                           known.astype(np.float32)), 1.0 / 255)
        lighting_luma = lighting @ np.array([0.299, 0.587, 0.114], np.float32)
        darkening = np.clip(1.0 - luma / lighting_luma, 0.0, 1.0)
        dark_thing = (darkening >= DARK_THING) & ok
        candidates = (darkening > MIN_DARKENING) & ~dark_thing & search
        # A cast shadow is a broad patch; thin dark lines (a handle, a rim, a
        # crack) vanish under an opening and small specks fall under the area.
        candidates = _open(candidates, max(1, ring_r // 2))
        shadow = _touching(candidates, _dilate(base, ring_r))
        shadow = _drop_rims(shadow, dark_thing)
        shadow = _drop_small(shadow, MIN_AREA * int(obj.sum()))
        shadow = _drop_foreign(shadow, smooth, near_obj | ~ok | (darkening > MIN_DARKENING))
    if not shadow.any() or darkening[shadow].mean() < 1.5 * MIN_DARKENING:
        return Shadow.none(h, w)

    ratio = np.clip(smooth / lighting, 0.0, 1.0)
    # The shadow goes on under the object's soft edge, where the object's own
    # colours hide it from the ratio: carry it in from the shadow beside it,
    # or the ground there would keep a dark rim.
    under = near_obj & _dilate(shadow, 2 * ring_r)
    ratio = np.where(under[..., None], pyramid_fill(ratio, shadow.astype(np.float32)), ratio)
    shadow = shadow | under
    lowest = ratio.min(axis=2)
    # Feathered across the outline so the shadow fades instead of ending in a cut.
    feather = cv2.GaussianBlur(shadow.astype(np.float32), (0, 0), max(1.0, ring_r / 2))
    opacity = np.clip(1.0 - lowest, 0.0, MAX_OPACITY) * np.maximum(feather, shadow)
    with np.errstate(divide="ignore", invalid="ignore"):
        tint = np.where(lowest[..., None] < 1.0,
                        (ratio - lowest[..., None]) / np.maximum(1.0 - lowest[..., None], 1e-3), 0.0)
    colour = np.clip(lighting * tint, 0.0, 1.0)
    opacity = cv2.resize(opacity, (w, h), interpolation=cv2.INTER_LINEAR)
    colour = cv2.resize(colour, (w, h), interpolation=cv2.INTER_LINEAR)
    opacity = np.where(valid, np.clip(opacity, 0.0, MAX_OPACITY), 0.0).astype(np.float32)
    return Shadow(opacity, colour.astype(np.float32))


def _touching(candidates: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """The connected parts of `candidates` that overlap `seed`."""
    n, labels = cv2.connectedComponents(candidates.astype(np.uint8), connectivity=8)
    hit = np.unique(labels[seed & candidates])
    return np.isin(labels, hit[hit > 0])


def _drop_rims(shadow: np.ndarray, dark_thing: np.ndarray) -> np.ndarray:
    """Drops parts of `shadow` that are mostly the blurred outline of a dark object."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(shadow.astype(np.uint8), connectivity=8)
    if n <= 1:
        return shadow
    near_dark = _dilate(dark_thing, 2) & shadow
    touching = np.bincount(labels[near_dark], minlength=n)
    rims = np.flatnonzero(touching[1:] > 0.3 * stats[1:, cv2.CC_STAT_AREA]) + 1
    return shadow & ~np.isin(labels, rims)


def _open(mask: np.ndarray, r: int) -> np.ndarray:
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, k) > 0


def _drop_small(mask: np.ndarray, min_area: float) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    small = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] < min_area) + 1
    return mask & ~np.isin(labels, small)


def _drop_foreign(shadow: np.ndarray, smooth: np.ndarray, not_ground: np.ndarray) -> np.ndarray:
    """Drops parts of `shadow` whose outline is a change of material, not of light.

    Just inside and just outside a cast shadow's outline lies the same ground:
    its chromaticity (r, g, b over their sum) is nearly the same on both sides.
    Where a dark thing ends, the colour changes too.
    """
    n, labels = cv2.connectedComponents(shadow.astype(np.uint8), connectivity=8)
    if n <= 1:
        return shadow
    chroma = smooth / smooth.sum(axis=2, keepdims=True)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        part = labels == i
        outside = _dilate(part, 2) & ~part & ~not_ground
        if outside.sum() < 4:
            continue
        inside = part & ~_erode(part, 2)
        w_in = cv2.blur(inside.astype(np.float32), (7, 7))
        near_in = cv2.blur(chroma * inside[..., None], (7, 7)) / np.maximum(w_in, 1e-6)[..., None]
        pairs = outside & (w_in > 0)
        if pairs.sum() < 4:
            continue
        distance = float(np.median(np.abs(near_in[pairs] - chroma[pairs]).sum(axis=1)))
        keep[i] = distance <= MAX_EDGE_HUE
    return shadow & keep[labels]


def _erode(mask: np.ndarray, r: int) -> np.ndarray:
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.erode(mask.astype(np.uint8), k) > 0


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.dilate(mask.astype(np.uint8), k) > 0


def contact_shadow(image: np.ndarray, background: np.ndarray, alpha: np.ndarray,
                   band: np.ndarray, radius: int) -> np.ndarray:
    """Opacity of the thin dark line where an object meets what it stands on.

    Around its outline an object often darkens the pixels it touches
    (occlusion, a rim that matting left as background). Within `band` (the
    unknown band of the trimap, `radius` pixels wide outside the object) and
    outside the object, a thin line clearly darker than the inpainted
    `background` is that line; it becomes black at the opacity of its
    darkening, so it moves with the object instead of staying behind as a
    ghost outline. A dark area filling the band's width (a black collar
    where the box cut a person off) is not a line, and stays in the ground.
    """
    weights = np.array([0.299, 0.587, 0.114], np.float32)
    seen = image @ weights
    expected = np.maximum(background @ weights, 1.0 / 255)
    darkening = np.clip(1.0 - seen / expected, 0.0, MAX_OPACITY)
    dark = band & (alpha < 0.5) & (darkening > MIN_DARKENING)
    thick = _dilate(_open(dark, max(1, radius // 3)), 1)
    # A soft threshold: grain a little darker than the fill stays with the ground.
    ramp = np.clip((darkening - MIN_DARKENING) / MIN_DARKENING, 0.0, 1.0)
    return np.where(band & (alpha < 0.5) & ~thick, darkening * ramp, 0.0).astype(np.float32)
