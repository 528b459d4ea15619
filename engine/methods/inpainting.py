"""What add_foreground needs to know about each inpainting pipeline family.

The three families (Stable Diffusion 1.x/2.x inpainting, SDXL inpainting,
FLUX.1-Fill) are run through their own diffusers pipeline classes; this
module holds the few places where they differ: the size multiple their
latents need, the call arguments, the latent layout seen in
`callback_on_step_end`, and the VAE round trip that shows how the model
reproduces the background. It also makes cheap previews from latents.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from engine.compose import to_uint8
from engine.models import devices

FAMILIES = ("sd-inpaint", "sdxl-inpaint", "flux-fill")  # the pipeline families handled here


def size_multiple(pipe, family: str) -> int:
    """Image sides must be multiples of this (Flux packs 2x2 latent cells into one token)."""
    return pipe.vae_scale_factor * (2 if family == "flux-fill" else 1)


def working_size(width: int, height: int, resolution: int, multiple: int) -> tuple[int, int]:
    """The size a width x height window is generated at: about resolution^2 pixels, same shape."""
    scale = resolution / math.sqrt(width * height)

    def side(n: int) -> int:
        return max(multiple, int(round(n * scale / multiple)) * multiple)

    return side(width), side(height)


def pipeline_kwargs(family: str, *, prompt: str, negative_prompt: str, image, mask, width: int,
                    height: int, steps: int, guidance: float, generator,
                    on_step_end: Callable) -> dict[str, Any]:
    """The arguments of one pipeline call (full-strength inpainting, float output)."""
    kwargs = dict(prompt=prompt, image=image, mask_image=mask, width=width, height=height,
                  strength=1.0, num_inference_steps=steps, guidance_scale=guidance,
                  generator=generator, output_type="np", callback_on_step_end=on_step_end,
                  callback_on_step_end_tensor_inputs=["latents"])
    if family != "flux-fill":  # FLUX.1-Fill is guidance-distilled: it has no negative prompt
        kwargs["negative_prompt"] = negative_prompt or None
    return kwargs


def vae_round_trip(pipe, image: np.ndarray, device: str):
    """Encodes and decodes `image` (float RGB, 0..1) with the pipeline's VAE.

    Returns the reproduction (float RGB, same size, C-contiguous) and the latents
    (torch, 1 x C x h x w, as the VAE makes them). The latent is the distribution's
    mode, so the reproduction is deterministic. VAEs that overflow in float16
    (config `force_upcast`) run in float32, as their pipelines do.
    """
    import torch

    vae = pipe.vae
    upcast = vae.dtype == torch.float16 and bool(getattr(vae.config, "force_upcast", False))
    x = torch.from_numpy(to_planes(image, 2.0, -1.0))[None]  # -1..1, as the VAE expects
    x = x.to(device=device, dtype=torch.float32 if upcast else vae.dtype)
    if upcast:
        vae.to(dtype=torch.float32)
    try:
        with torch.inference_mode():
            latents = vae.encode(x).latent_dist.mode()
            decoded = vae.decode(latents).sample
    finally:
        if upcast:
            vae.to(dtype=torch.float16)
    out = from_planes(decoded[0].float().cpu().numpy(), 0.5, 0.5)
    return np.clip(out, 0.0, 1.0, out=out), latents.float().cpu()


def to_planes(image: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> np.ndarray:
    """(H, W, C) -> contiguous (C, H, W) float32 planes, times `scale` plus `offset`.

    OpenCV splits the channels; a numpy or torch transpose copy of a megapixel image
    costs ten times more."""
    import cv2

    planes = np.empty((image.shape[2],) + image.shape[:2], np.float32)
    for plane, channel in zip(planes, cv2.split(np.ascontiguousarray(image, np.float32))):
        np.multiply(channel, np.float32(scale), out=plane)
        plane += np.float32(offset)
    return planes


def from_planes(planes: np.ndarray, scale: float = 1.0, offset: float = 0.0) -> np.ndarray:
    """(C, H, W) planes -> contiguous (H, W, C) float32, times `scale` plus `offset`."""
    import cv2

    image = cv2.merge([np.ascontiguousarray(p, np.float32) for p in planes])
    image = image.reshape(planes.shape[1], planes.shape[2], planes.shape[0])
    image *= np.float32(scale)
    image += np.float32(offset)
    return image


class LinearPreview:
    """Turns latents into a small RGB image without the decoder: a linear map from latent
    channels to RGB, fitted (least squares) on the latents of a known picture against that
    picture seen at latent size, so it suits whatever VAE the model has, at no model cost."""

    def __init__(self, latents: np.ndarray, image: np.ndarray):
        """`latents`: (C, h, w) of `image` (float RGB 0..1, any size)."""
        import cv2

        c, h, w = latents.shape
        target = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA).reshape(-1, 3)
        self.weights = np.linalg.lstsq(_features(latents), target, rcond=None)[0]

    def __call__(self, latents: np.ndarray) -> np.ndarray:
        """(C, h, w) latents in the space of the fit -> (h, w, 3) uint8 RGB."""
        c, h, w = latents.shape
        return to_uint8((_features(latents) @ self.weights).reshape(h, w, 3))


def _features(latents: np.ndarray) -> np.ndarray:
    c, h, w = latents.shape
    return np.concatenate([latents.reshape(c, -1).T, np.ones((h * w, 1), np.float32)], axis=1)


class LatentPreview:
    """A pipeline's step latents as a small RGB image (see `LinearPreview`), fitted on the
    background's own latents."""

    def __init__(self, pipe, family: str, latents, image: np.ndarray):
        self.family = family
        self.scaling = float(pipe.vae.config.scaling_factor or 1.0)
        self.shift = float(getattr(pipe.vae.config, "shift_factor", None) or 0.0)
        z = latents[0].numpy()  # C x h x w
        self.size = z.shape[1:]
        self.linear = LinearPreview(z, image)

    def __call__(self, step_latents) -> np.ndarray:
        z = step_latents[:1].float()
        if self.family == "flux-fill":  # packed: 1 x (h/2 * w/2) x (C * 4)
            h, w = self.size
            z = z.view(1, h // 2, w // 2, -1, 2, 2).permute(0, 3, 1, 4, 2, 5).reshape(1, -1, h, w)
        z = z[0].cpu().numpy() / self.scaling + self.shift  # back to the VAE's own latent space
        return self.linear(z)


def release(pipe: Optional[Any], device: str) -> None:
    """After a cancelled or failed run: put offloaded models back and free device memory."""
    if pipe is not None and hasattr(pipe, "maybe_free_model_hooks"):
        pipe.maybe_free_model_hooks()
    devices.free_memory(device)
