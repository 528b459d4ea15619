"""The object mask by Segment Anything (SAM, transformers `SamModel`) from the user's box.

A learned alternative to GrabCut for step 1 of the decomposition, used when a
SAM model from the catalogue is on this computer (or named explicitly). SAM
was trained to answer exactly this prompt: "the object in this box". It
sees a crop around the box (the box plus a quarter of its size on each side,
so a small object still fills much of SAM's 1024-pixel input), and returns
one mask for the unambiguous box prompt. A brush mask adds up to three
positive points at the most interior painted pixels, and its bounds serve as
the box when no box is given.

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

CONTEXT = 0.25    # crop = box grown by this x its larger side on every side
MAX_POINTS = 3


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
        import torch
        from transformers import SamProcessor

        sam = MASK_MODELS.get(self.model, device=self.device, dtype=self.dtype,
                              cache_dir=self.cache_dir).pipeline
        h, w = image.shape[:2]
        region = box if box is not None else mask_bounds(hint)
        crop = region.expand(max(8, int(CONTEXT * max(region.w, region.h)))).clip(w, h)
        prompt = region.translate(-crop.x, -crop.y)
        kwargs = {"input_boxes": [[[prompt.x, prompt.y, prompt.x1, prompt.y1]]]}
        if hint is not None:
            points = interior_points(hint[crop.slices()], MAX_POINTS)
            kwargs["input_points"] = [[points]]
            kwargs["input_labels"] = [[[1] * len(points)]]
        processor = SamProcessor(image_processor=sam.processor)
        inputs = processor(images=np.ascontiguousarray(image[crop.slices()]), return_tensors="pt",
                           **kwargs)
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
        progress(1, 1)
        found = masks[0][0, 0].numpy().astype(bool)
        mask = np.zeros((h, w), bool)
        inside = region.translate(-crop.x, -crop.y).slices()
        mask[region.slices()] = found[inside]
        return clean_mask(mask & valid)


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
