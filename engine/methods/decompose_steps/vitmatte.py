"""Alpha by ViTMatte (transformers `VitMatteForImageMatting`): a learned matting model.

A learned alternative to closed-form matting for step 2 of the decomposition,
used when a ViTMatte model from the catalogue is on this computer (or named
explicitly). It takes the same input, the picture and the trimap, and
predicts alpha everywhere; only its answer in the unknown band is kept,
the trimap's sure object and sure background stay 1 and 0.

ViTMatte sees the bounding box of the unknown band (which holds the object
itself as context) padded by a few pixels. A crop larger than the model's
working size (`resolution` in the catalogue, 1024) is solved on a reduced
copy and brought back with the guided-filter upsampling the closed-form
matter uses (`matting.solve_reduced`): global attention grows with the
square of the pixel count, and the fine edge is restored from the colours.
"""
from __future__ import annotations

import os

import numpy as np

from ...models.loading import MATTING_MODELS
from ...progress import ProgressFn, no_progress
from .matting import UNKNOWN, solve_reduced

PAD = 8  # context around the unknown band's bounding box, pixels


class VitMatteMatter:
    """Matter backed by a ViTMatte model (a catalogue id, a cached repo id or a folder)."""

    name = "vitmatte"
    weight = 1

    def __init__(self, model: str, *, device: str = "auto", dtype: str = "auto",
                 cache_dir: str | os.PathLike | None = None, max_side: int | None = None):
        self.model = model
        self.device, self.dtype, self.cache_dir = device, dtype, cache_dir
        self.max_side = max_side  # None: the model's working resolution

    def __call__(self, image: np.ndarray, trimap: np.ndarray,
                 progress: ProgressFn = no_progress) -> np.ndarray:
        """Alpha (H, W) float32 in 0..1 for RGB uint8 `image` and uint8 `trimap`."""
        tri = trimap.astype(np.float32) / 255.0
        unknown = trimap == UNKNOWN
        if not unknown.any():
            progress(1, 1)
            return tri
        loaded = MATTING_MODELS.get(self.model, device=self.device, dtype=self.dtype,
                                    cache_dir=self.cache_dir)
        ys, xs = np.nonzero(unknown)
        y0, y1 = max(0, ys.min() - PAD), min(trimap.shape[0], ys.max() + 1 + PAD)
        x0, x1 = max(0, xs.min() - PAD), min(trimap.shape[1], xs.max() + 1 + PAD)
        colours = image[y0:y1, x0:x1].astype(np.float32) / 255.0
        crop_tri = tri[y0:y1, x0:x1]
        side = self.max_side or loaded.info.resolution
        scale = min(1.0, side / max(colours.shape[:2]))

        def solve(c: np.ndarray, t: np.ndarray) -> np.ndarray:
            return _predict(loaded.pipeline, c, t)

        alpha = solve(colours, crop_tri) if scale >= 1.0 else solve_reduced(colours, crop_tri,
                                                                           scale, solve)
        out = tri.copy()
        band = unknown[y0:y1, x0:x1]
        out[y0:y1, x0:x1][band] = alpha[band]
        progress(1, 1)
        return np.clip(out, 0.0, 1.0)


def _predict(vitmatte, colours: np.ndarray, trimap: np.ndarray) -> np.ndarray:
    """The model's alpha for float RGB `colours` and a float 0 / 0.5 / 1 trimap, same size."""
    import torch

    h, w = trimap.shape
    rgb = np.clip(np.rint(colours * 255.0), 0, 255).astype(np.uint8)
    tri = np.clip(np.rint(trimap * 255.0), 0, 255).astype(np.uint8)
    inputs = vitmatte.processor(images=rgb, trimaps=tri, return_tensors="pt")
    model = vitmatte.model
    with torch.inference_mode():
        alphas = model(pixel_values=inputs["pixel_values"].to(model.device, model.dtype)).alphas
    # The processor pads to a multiple of 32 on the right and bottom.
    return alphas[0, 0, :h, :w].float().cpu().numpy()
