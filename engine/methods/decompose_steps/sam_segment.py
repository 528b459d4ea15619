"""The object mask by Segment Anything (SAM, transformers `SamModel`) from the user's box.

A learned alternative to GrabCut for step 1 of the decomposition, used when a
SAM model from the catalogue is on this computer (or named explicitly). SAM
was trained to answer exactly this prompt: "the object in this box". It
sees a crop around the box (the box plus a quarter of its size on each side,
so a small object still fills much of SAM's 1024-pixel input), and returns
one mask for the unambiguous box prompt. A brush mask adds up to three
positive points at the most interior painted pixels, and its bounds serve as
the box when no box is given. Correction strokes on a proposed mask become
point prompts too (`SamSegmenter.correct`): positive for "add", negative
for "remove".

The mask is kept inside the box and on visible pixels, and cleaned of
specks (`segment.clean_mask`), like GrabCut's. Its edge is uncertain by
about one pixel of SAM's 256-pixel low-resolution mask, which the matting
step's unknown band covers (`matting.band_radius`).
"""
from __future__ import annotations

import os
from typing import Optional

import cv2
import numpy as np

from ...box import Box
from ...models.loading import MASK_MODELS
from ...progress import ProgressFn, no_progress
from .segment import clean_mask, mask_bounds
from .strokes import REACH, touched_changes

CONTEXT = 0.25    # crop = box grown by this x its larger side on every side
MAX_POINTS = 3
KEEP_POINTS = 2   # points inside the current mask that tell SAM to keep the object


class SamSegmenter:
    """Segmenter backed by a SAM model (a catalogue id, a cached repo id or a folder)."""

    name = "sam"
    weight = 1

    def __init__(self, model: str, *, device: str = "auto", dtype: str = "auto",
                 cache_dir: str | os.PathLike | None = None):
        self.model = model
        self.device, self.dtype, self.cache_dir = device, dtype, cache_dir

    def __call__(self, image: np.ndarray, box: Optional[Box], hint: Optional[np.ndarray],
                 valid: np.ndarray, progress: ProgressFn = no_progress) -> np.ndarray:
        """Returns the object mask (H, W) bool; arguments as `decompose.Segmenter`."""
        h, w = image.shape[:2]
        region = box if box is not None else mask_bounds(hint)
        crop = region.expand(max(8, int(CONTEXT * max(region.w, region.h)))).clip(w, h)
        points, labels = [], []
        if hint is not None:
            points = interior_points(hint[crop.slices()], MAX_POINTS)
            labels = [1] * len(points)
        found = self._predict(image, crop, region, points, labels)
        progress(1, 1)
        mask = np.zeros((h, w), bool)
        inside = region.translate(-crop.x, -crop.y).slices()
        mask[region.slices()] = found[inside]
        return clean_mask(mask & valid)

    def correct(self, image: np.ndarray, mask: np.ndarray, add: Optional[np.ndarray] = None,
                remove: Optional[np.ndarray] = None,
                valid: Optional[np.ndarray] = None) -> np.ndarray:
        """The object mask after the user's strokes, with SAM: each "add" stroke becomes a
        positive point prompt, each "remove" stroke a negative one, with points inside the
        current mask keeping the object and its box (grown over what was added) as the box
        prompt. As with GrabCut's correction (`strokes.correct_mask`), only the parts of the
        change that a stroke touches are taken; the rest of the mask stays as it was."""
        h, w = mask.shape
        mask = np.asarray(mask, bool)
        add = np.zeros((h, w), bool) if add is None else np.asarray(add) > 0
        remove = np.zeros((h, w), bool) if remove is None else np.asarray(remove) > 0
        remove &= ~add
        valid = np.ones((h, w), bool) if valid is None else np.asarray(valid, bool)
        if not (add.any() or remove.any()):
            return mask.copy()
        region = mask_bounds(mask | add) if (mask | add).any() else Box(0, 0, w, h)
        crop = region.expand(max(8, int(CONTEXT * max(region.w, region.h)))).clip(w, h)
        cs = crop.slices()
        keep = interior_points(mask[cs] & ~remove[cs], KEEP_POINTS)
        plus = interior_points(add[cs], MAX_POINTS)
        minus = interior_points(remove[cs], MAX_POINTS)
        found = self._predict(image, crop, region, keep + plus + minus,
                              [1] * (len(keep) + len(plus)) + [0] * len(minus))
        new = mask.copy()
        new[cs] = found
        reach = max(3, int(REACH * max(region.w, region.h)))
        disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
        near = cv2.dilate((add | remove).astype(np.uint8), disk) > 0
        where = touched_changes(mask, new, add, remove) & near & valid
        out = np.where(where, new, mask)
        return (out | (add & valid)) & ~remove

    def _predict(self, image: np.ndarray, crop: Box, box: Box, points: list,
                 labels: list) -> np.ndarray:
        """SAM's mask (crop-sized bool) for the crop of `image`, prompted with `box` (image
        pixels) and (x, y) `points` in crop pixels, labelled 1 (object) or 0 (not object)."""
        import torch
        from transformers import SamProcessor

        sam = MASK_MODELS.get(self.model, device=self.device, dtype=self.dtype,
                              cache_dir=self.cache_dir).pipeline
        prompt = box.translate(-crop.x, -crop.y)
        kwargs = {"input_boxes": [[[prompt.x, prompt.y, prompt.x1, prompt.y1]]]}
        if points:
            kwargs["input_points"] = [[points]]
            kwargs["input_labels"] = [[labels]]
        processor = SamProcessor(image_processor=sam.processor)
        inputs = processor(images=np.ascontiguousarray(image[crop.slices()][..., :3]),
                           return_tensors="pt", **kwargs)
        model = sam.model
        with torch.inference_mode():
            out = model(pixel_values=inputs["pixel_values"].to(model.device, model.dtype),
                        input_boxes=inputs["input_boxes"].to(model.device, model.dtype),
                        input_points=_to(inputs.get("input_points"), model),
                        input_labels=_to(inputs.get("input_labels"), model, integer=True),
                        multimask_output=False)
        masks = sam.processor.post_process_masks(out.pred_masks.float().cpu(),
                                                 inputs["original_sizes"],
                                                 inputs["reshaped_input_sizes"])
        return masks[0][0, 0].numpy().astype(bool)


def interior_points(paint: np.ndarray, count: int) -> list[list[float]]:
    """Up to `count` (x, y) points deep inside the painted area, far from each other."""
    dist = cv2.distanceTransform(np.pad(paint.astype(np.uint8), 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    points = []
    for _ in range(count):
        y, x = np.unravel_index(int(np.argmax(dist)), dist.shape)
        if dist[y, x] <= 0:
            break
        points.append([float(x), float(y)])
        # The next point must lie outside this one's inscribed circle.
        cv2.circle(dist, (int(x), int(y)), int(np.ceil(2 * dist[y, x])), 0.0, -1)
    return points


def _to(tensor, model, integer: bool = False):
    if tensor is None:
        return None
    return tensor.to(model.device) if integer else tensor.to(model.device, model.dtype)
