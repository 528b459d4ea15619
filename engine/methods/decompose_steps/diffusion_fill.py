"""The background behind the object by a diffusers inpainting model (SD, SDXL, FLUX.1-Fill).

A learned alternative to the pyramid fill for step 3 of the decomposition,
used when an inpainting model from the catalogue is on this computer and a
GPU is there (or when named explicitly: on a CPU a real model takes minutes).
It is the same model, loader and model cache as "add a generated
foreground" (`engine.methods.add_foreground`, `engine.models.loading`),
with the same planning of regions and sizes:

1. the region to fill is the hole's bounding box (the object, its edge band
   and its shadow's footprint); the context window around it is planned as
   for a generated layer (`add_foreground.plan_regions`: the region plus
   half its size on every side, never thinner than 2:1);
2. the window is scaled to the model's working size (about its native
   resolution squared, sides a multiple of the latent cell) and the hole,
   grown by one latent cell, is the mask;
3. the model paints the mask from a prompt asking for empty background,
   reporting every denoising step (a cancel stops it within one step);
4. the painting is scaled back to the window, and only the hole's pixels are
   taken. The model shifts colours slightly (VAE round trip, its own idea of
   the light), so the difference between picture and painting along the
   hole's rim is spread smoothly over the hole (a push-pull fill of the
   rim's differences) and added: the seam disappears and no pixel outside
   the hole changes.
"""
from __future__ import annotations

import os
from typing import Optional

import cv2
import numpy as np

from engine.models import loading

from ...compose import to_uint8
from ...models.locate import find_model
from ...progress import ProgressFn, no_progress
from .. import inpainting
from ..add_foreground import plan_regions
from .fill import pyramid_fill
from .segment import mask_bounds

FILL_PROMPT = "empty background, nothing in front, natural continuation of the scene"
FILL_NEGATIVE = "object, person, animal, text, watermark, frame"
RIM = 3  # pixels of the picture around the hole that set the colour correction


class DiffusionInpainter:
    """Inpainter backed by a diffusers inpainting pipeline (catalogue id, repo id or folder)."""

    name = "diffusion"

    def __init__(self, model: str, *, steps: Optional[int] = None,
                 guidance: Optional[float] = None, seed: int = 0,
                 resolution: Optional[int] = None, margin: float = 0.5,
                 prompt: str = FILL_PROMPT, negative_prompt: str = FILL_NEGATIVE,
                 device: str = "auto", dtype: str = "auto",
                 cache_dir: str | os.PathLike | None = None):
        self.model = model
        # The catalogue entry (or the family's defaults) gives steps before anything loads,
        # so the progress bar knows its length from the start.
        info = find_model(model, cache_dir=cache_dir).info
        self.steps = steps or info.default_steps
        self.guidance = info.default_guidance if guidance is None else guidance
        self.resolution = resolution or info.resolution
        self.seed, self.margin = seed, margin
        self.prompt, self.negative_prompt = prompt, negative_prompt
        self.device, self.dtype, self.cache_dir = device, dtype, cache_dir
        self.weight = self.steps + 1

    @property
    def settings(self) -> dict:
        """What the recipe records besides the model."""
        return {"seed": self.seed, "steps": self.steps, "guidance": self.guidance,
                "resolution": self.resolution}

    def __call__(self, image: np.ndarray, hole: np.ndarray, known: Optional[np.ndarray] = None,
                 progress: ProgressFn = no_progress) -> np.ndarray:
        """`image` float RGB 0..1 with `hole` filled; pixels outside `hole` are returned as given."""
        if not hole.any():
            progress(self.weight, self.weight)
            return image
        h, w = image.shape[:2]
        loaded = loading.get_pipeline(self.model, device=self.device, dtype=self.dtype,
                              cache_dir=self.cache_dir, progress=progress)
        pipe, family, device = loaded.pipeline, loaded.family, loaded.plan.device

        # 1-2. The window around the hole, at the model's working size.
        _, window = plan_regions(mask_bounds(hole), w, h, grow=0.0, margin=self.margin)
        ws = window.slices()
        multiple = inpainting.size_multiple(pipe, family)
        work_w, work_h = inpainting.working_size(window.w, window.h, self.resolution, multiple)
        crop = image[ws]
        shrink = work_w * work_h < window.w * window.h
        picture = cv2.resize(to_uint8(crop), (work_w, work_h),
                             interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
        cell = pipe.vae_scale_factor
        mask = cv2.resize(hole[ws].astype(np.uint8), (work_w, work_h),
                          interpolation=cv2.INTER_AREA if shrink else cv2.INTER_NEAREST) > 0
        mask = cv2.dilate(mask.astype(np.uint8) * 255, np.ones((2 * cell + 1, 2 * cell + 1), np.uint8))

        # 3. Paint the hole.
        try:
            painted = self._paint(pipe, family, picture, mask, progress)
        except BaseException:
            inpainting.release(pipe, device)
            raise

        # 4. Back to the window; only the hole changes, its rim matched to the picture.
        painted = cv2.resize(painted, (window.w, window.h),
                             interpolation=cv2.INTER_AREA if not shrink else cv2.INTER_CUBIC)
        filled = match_rim(crop, np.clip(painted, 0.0, 1.0), hole[ws], known[ws]
                           if known is not None else ~hole[ws])
        out = image.copy()
        out[ws] = np.where(hole[ws][..., None], filled, crop)
        progress(self.weight, self.weight)
        return out

    def _paint(self, pipe, family: str, picture: np.ndarray, mask: np.ndarray,
               progress: ProgressFn) -> np.ndarray:
        import torch
        from PIL import Image

        def on_step_end(pipeline, step, timestep, tensors):
            progress(step + 1, self.weight)  # may raise Cancelled: the run stops here
            return tensors

        height, width = picture.shape[:2]
        kwargs = inpainting.pipeline_kwargs(
            family, prompt=self.prompt, negative_prompt=self.negative_prompt,
            image=Image.fromarray(picture), mask=Image.fromarray(mask), width=width,
            height=height, steps=self.steps, guidance=self.guidance,
            generator=torch.Generator("cpu").manual_seed(self.seed), on_step_end=on_step_end)
        return np.asarray(pipe(**kwargs).images[0], np.float32)


def match_rim(picture: np.ndarray, painted: np.ndarray, hole: np.ndarray,
              known: np.ndarray) -> np.ndarray:
    """`painted` corrected so that it meets `picture` without a seam at the hole's rim.

    The difference picture - painted on the known pixels within RIM pixels of
    the hole is spread over the hole by a push-pull fill (smooth, so the
    painting's own detail stays) and added to the painting.
    """
    near = cv2.dilate(hole.astype(np.uint8), np.ones((2 * RIM + 1, 2 * RIM + 1), np.uint8)) > 0
    rim = near & ~hole & known
    if not rim.any():
        return painted
    offset = pyramid_fill(picture - painted, rim.astype(np.float32))
    return np.clip(painted + offset, 0.0, 1.0).astype(np.float32)
