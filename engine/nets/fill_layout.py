"""Flux-Fill's token layout: packed latents, packed masks and image position ids.

A Flux-style transformer sees an image as a sequence of 2x2 latent patches
("packed" latents, `4 * C` channels per token). Flux-Fill appends two
conditions to every token along the channel axis: the packed latents of the
background (masked for inpainting; BFS passes it whole) and the packed box
mask at image resolution
(`4 * vae_scale_factor**2` channels). These functions reproduce the layout of
diffusers' `FluxFillPipeline` (`_pack_latents`, `_unpack_latents`,
`prepare_mask_latents`, `_prepare_latent_image_ids`; the tests check the
match) as small public functions that training, inference and our own small
transformer share.
"""
from __future__ import annotations

import torch


def pack_latents(latents: torch.Tensor) -> torch.Tensor:
    """(B, C, h, w) latents -> (B, h/2 * w/2, 4C) tokens of 2x2 patches."""
    b, c, h, w = latents.shape
    if h % 2 or w % 2:
        raise ValueError(f"latent size {h}x{w} must be even to pack 2x2 patches")
    x = latents.view(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(b, (h // 2) * (w // 2), c * 4)


def unpack_latents(tokens: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(B, N, 4C) tokens -> (B, C, height, width) latents (height, width: latent size)."""
    b, n, c4 = tokens.shape
    if n != (height // 2) * (width // 2):
        raise ValueError(f"{n} tokens do not make a {height}x{width} latent")
    x = tokens.view(b, height // 2, width // 2, c4 // 4, 2, 2).permute(0, 3, 1, 4, 2, 5)
    return x.reshape(b, c4 // 4, height, width)


def pack_mask(mask: torch.Tensor, vae_scale_factor: int) -> torch.Tensor:
    """(B, 1, H, W) mask at image resolution -> (B, N, 4 * vae_scale_factor**2) tokens.

    Each latent pixel carries the `vae_scale_factor`x`vae_scale_factor` mask
    pixels it covers, as Flux-Fill expects.
    """
    b, _, height, width = mask.shape
    f = vae_scale_factor
    h, w = height // f, width // f
    x = mask[:, 0].reshape(b, h, f, w, f).permute(0, 2, 4, 1, 3).reshape(b, f * f, h, w)
    return pack_latents(x)


def fill_condition(background_latents: torch.Tensor, mask: torch.Tensor,
                   vae_scale_factor: int) -> torch.Tensor:
    """The Flux-Fill condition tokens: packed background latents + packed mask."""
    return torch.cat([pack_latents(background_latents),
                      pack_mask(mask.to(background_latents.dtype), vae_scale_factor)], dim=2)


def image_ids(latent_height: int, latent_width: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """(N, 3) position ids of the packed tokens (0, row, column), as Flux uses for RoPE."""
    h, w = latent_height // 2, latent_width // 2
    ids = torch.zeros(h, w, 3)
    ids[..., 1] = torch.arange(h)[:, None]
    ids[..., 2] = torch.arange(w)[None, :]
    return ids.reshape(h * w, 3).to(device=device, dtype=dtype)
