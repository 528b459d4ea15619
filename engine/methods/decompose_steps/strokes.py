"""Correcting an object mask with the user's strokes: GrabCut as it was designed (Rother et al. 2004).

The user sees the proposed mask and paints over what it missed ("add") or
over what it wrongly took ("remove"). The strokes are hard constraints:
painted pixels are surely object or surely background. GrabCut starts from
the current mask (probably object inside, probably background outside),
relearns both colour models with the strokes' pixels and cuts again, so a
stroke on a missed part brings the part along to its edges, not only the
pixels under the brush.

A correction must not move the mask anywhere else: the new cut is taken
only in the parts where it differs from the old mask *and* that a stroke
touches; everywhere else the mask stays as it was, pixel for pixel.
Like the segmenter, GrabCut runs on a crop around the mask and the strokes
reduced to at most `max_side` pixels.
"""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from ...box import Box
from .segment import mask_bounds, shading_damped

REACH = 0.2   # how far a stroke's correction reaches, as a share of the corrected region's side


def correct_mask(image: np.ndarray, mask: np.ndarray, add: Optional[np.ndarray] = None,
                 remove: Optional[np.ndarray] = None, valid: Optional[np.ndarray] = None, *,
                 max_side: int = 480, iterations: int = 3,
                 lightness_weight: float = 0.4, margin: float = 0.25,
                 reach: float = REACH) -> np.ndarray:
    """The object mask (H, W bool) after the user's strokes.

    `image` is RGB uint8; `mask` the current mask; `add` / `remove` (H, W) are
    nonzero where the user painted "this is object" / "this is not"; `valid` is
    False where the layer is transparent. Changes are confined to the parts the
    strokes touch, no farther than `reach` (a share of the worked region's longer
    side) from them. GrabCut works on the strokes' and mask's bounds grown by
    `margin` (a share of their longer side), reduced to `max_side` pixels. The
    Quick Selection tool (`editor.model.quick_select`) passes a wider margin and reach.
    """
    h, w = mask.shape
    mask = np.asarray(mask, bool)
    add = np.zeros((h, w), bool) if add is None else np.asarray(add) > 0
    remove = np.zeros((h, w), bool) if remove is None else np.asarray(remove) > 0
    remove &= ~add   # a pixel painted both ways keeps the later intent: object
    valid = np.ones((h, w), bool) if valid is None else np.asarray(valid, bool)
    if not (add.any() or remove.any()):
        return mask.copy()
    region = mask_bounds(mask | add | remove)
    margin = max(8, int(margin * max(region.w, region.h)))
    crop = region.expand(margin).clip(w, h)
    scale = min(1.0, max_side / max(crop.w, crop.h))
    size = (max(1, round(crop.w * scale)), max(1, round(crop.h * scale)))
    cs = crop.slices()

    def small(a: np.ndarray, interpolation=cv2.INTER_NEAREST) -> np.ndarray:
        return cv2.resize(a[cs].astype(np.uint8), size, interpolation=interpolation) > 0

    colours = shading_damped(cv2.resize(image[cs][..., :3], size, interpolation=cv2.INTER_AREA),
                             lightness_weight)
    old = cv2.resize(mask[cs].astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.5
    add_s, remove_s = small(add), small(remove)
    labels = np.where(old, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    # A stroke corrects the part it is drawn on: nothing farther than `reach` changes
    # (a dab on a fringe must not take away a whole object of a similar colour).
    reach = max(3, int(reach * max(size)))
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    near = cv2.dilate((add_s | remove_s).astype(np.uint8), disk) > 0
    # GrabCut's colour models are learned from its first labels: a part of the mask
    # coloured like a "remove" stroke would otherwise teach the object model that
    # colour, and stay. Such pixels nearby start as probably background (and the like
    # for "add").
    labels[old & near & like(colours, remove_s)] = cv2.GC_PR_BGD
    labels[~old & near & like(colours, add_s)] = cv2.GC_PR_FGD
    labels[add_s] = cv2.GC_FGD
    labels[remove_s] = cv2.GC_BGD
    labels[~small(valid)] = cv2.GC_BGD
    fg = (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
    if fg.any() and (~fg).any():
        bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
        cv2.setRNGSeed(0)
        try:
            cv2.grabCut(colours, labels, None, bgd, fgd,
                        iterations, cv2.GC_INIT_WITH_MASK)
        except cv2.error:
            pass   # too few colours to model: the strokes alone change the mask
    new = (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
    region_s = touched_changes(old, new, add_s, remove_s) & near
    up = lambda a: cv2.resize(a.astype(np.float32), (crop.w, crop.h),  # noqa: E731
                              interpolation=cv2.INTER_LINEAR) > 0.5
    out = mask.copy()
    where = up(region_s) & valid[cs]
    out[cs] = np.where(where, up(new), mask[cs])
    out |= add & valid
    out &= ~remove
    return out


def touched_changes(old: np.ndarray, new: np.ndarray, add: np.ndarray,
                    remove: np.ndarray) -> np.ndarray:
    """Where a new cut may replace the old mask: the parts of the change that a stroke
    touches. A one-pixel wobble along the old edge is not a part (opened away)."""
    changed = cv2.morphologyEx((new != old).astype(np.uint8), cv2.MORPH_OPEN,
                               np.ones((3, 3), np.uint8)) | (add & ~old) | (remove & old)
    n, parts = cv2.connectedComponents(changed.astype(np.uint8), connectivity=8)
    touched = np.unique(parts[cv2.dilate((add | remove).astype(np.uint8),
                                         np.ones((3, 3), np.uint8)) > 0])
    return np.isin(parts, touched[touched > 0])


def like(colours: np.ndarray, stroke: np.ndarray, tolerance: float = 14.0) -> np.ndarray:
    """Pixels whose colour (uint8 Lab) lies within `tolerance` of one of the stroke's main colours."""
    if not stroke.any():
        return np.zeros(stroke.shape, bool)
    samples = colours[stroke].astype(np.float32)
    k = int(min(3, len(samples)))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    cv2.setRNGSeed(0)
    _, _, centres = cv2.kmeans(samples, k, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    flat = colours.reshape(-1, 3).astype(np.float32)
    dist = np.min(np.linalg.norm(flat[:, None, :] - centres[None], axis=2), axis=1)
    return (dist < tolerance).reshape(stroke.shape)


def simulate_strokes(mask: np.ndarray, truth: np.ndarray, *, count: int = 3,
                     radius: Optional[int] = None) -> tuple[np.ndarray, np.ndarray]:
    """(add, remove) strokes a user would paint to correct `mask` towards `truth` (bench, tests).

    For each of the `count` largest missed parts (and wrongly taken parts), one
    round dab of the brush at the point deepest inside the part, as a user
    clicks into the middle of what is wrong.
    """
    h, w = mask.shape
    if radius is None:
        b = mask_bounds(truth) if truth.any() else Box(0, 0, w, h)
        radius = max(2, int(0.02 * max(b.w, b.h)))
    strokes = []
    for wrong in (truth & ~mask, mask & ~truth):
        painted = np.zeros((h, w), np.uint8)
        wrong = cv2.morphologyEx(wrong.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        n, parts, stats, _ = cv2.connectedComponentsWithStats(wrong, connectivity=8)
        order = np.argsort(stats[1:, cv2.CC_STAT_AREA])[::-1][:count] + 1
        for i in order:
            if stats[i, cv2.CC_STAT_AREA] < (2 * radius) ** 2:
                continue
            part = (parts == i).astype(np.uint8)
            dist = cv2.distanceTransform(part, cv2.DIST_L2, 3)
            y, x = np.unravel_index(int(np.argmax(dist)), dist.shape)
            r = int(min(radius, max(1, dist[y, x] - 1)))
            cv2.circle(painted, (int(x), int(y)), r, 1, -1)
        strokes.append(painted > 0)
    return strokes[0], strokes[1]

