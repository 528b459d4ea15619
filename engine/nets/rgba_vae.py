"""The RGBA VAE of the foreground branch: an `AutoencoderKL` with 4 input and output channels.

Two conventions for what its four channels mean, each channel mapped from
[0, 1] to [-1, 1]; a model folder names its own in bfs.json (`"rgba"`), so
weights run as they were trained:

* "premultiplied" (this project's default): colour times alpha, alpha as
  the fourth channel. It is what compositing uses
  (composite = fg_premul + (1 - alpha) * bg) and it has no undefined colour
  under fully transparent pixels: they are all (-1, -1, -1, -1).
* "straight" (the authors' release's transparency VAE): colour and alpha
  apart. Fully transparent pixels carry colour 0 (-1 in model range) here;
  their colour has no meaning and is multiplied away on decoding.

Everything outside the VAE (data loader, inference output) stays
premultiplied; `to_model_range` and `from_model_range` convert at the VAE's
door.

`rgba_vae_from_rgb` starts it from a trained RGB VAE with the same latent
space, so the frozen diffusion backbone understands its latents from the
first step:

* encoder `conv_in`: RGB weights copied, alpha input weights zero, so an
  untrained RGBA VAE encodes a layer exactly as the RGB VAE encodes its
  premultiplied colour (the layer over black);
* decoder `conv_out`: RGB weights and biases copied; the alpha output starts
  as the mean of the three colour outputs (bright premultiplied colour ~
  opaque, black ~ transparent), a starting point that fine-tuning
  (`engine.training.train_rgba_vae`) turns into a real alpha.
"""
from __future__ import annotations

import torch


def rgba_vae_from_rgb(rgb_vae):
    """A new trainable 4-channel `AutoencoderKL` initialised from a 3-channel one."""
    from diffusers import AutoencoderKL

    config = dict(rgb_vae.config)
    if config["in_channels"] != 3 or config["out_channels"] != 3:
        raise ValueError("rgba_vae_from_rgb needs an RGB (3-channel) VAE")
    config.update(in_channels=4, out_channels=4)
    config = {k: v for k, v in config.items() if not k.startswith("_")}
    vae = AutoencoderKL.from_config(config)
    state = {k: v.clone() for k, v in rgb_vae.state_dict().items()}
    w_in = state["encoder.conv_in.weight"]
    state["encoder.conv_in.weight"] = torch.cat([w_in, torch.zeros_like(w_in[:, :1])], dim=1)
    w_out, b_out = state["decoder.conv_out.weight"], state["decoder.conv_out.bias"]
    state["decoder.conv_out.weight"] = torch.cat([w_out, w_out.mean(0, keepdim=True)], dim=0)
    state["decoder.conv_out.bias"] = torch.cat([b_out, b_out.mean(0, keepdim=True)], dim=0)
    vae.load_state_dict(state, strict=True)
    return vae if rgb_vae.dtype == vae.dtype else vae.to(rgb_vae.dtype)


RGBA_CONVENTIONS = ("premultiplied", "straight")


def check_convention(convention: str) -> str:
    if convention not in RGBA_CONVENTIONS:
        raise ValueError(f"unknown RGBA convention {convention!r}; expected one of {RGBA_CONVENTIONS}")
    return convention


def to_model_range(premultiplied_rgba: torch.Tensor, convention: str = "premultiplied") -> torch.Tensor:
    """(B, 4, H, W) premultiplied RGBA in [0, 1] -> VAE input in [-1, 1], in `convention`."""
    if check_convention(convention) == "straight":
        alpha = premultiplied_rgba[:, 3:4]
        colour = torch.where(alpha > 0, premultiplied_rgba[:, :3] / alpha.clamp(min=1e-6), 0.0).clamp(0, 1)
        premultiplied_rgba = torch.cat([colour, alpha], dim=1)
    return premultiplied_rgba * 2 - 1


def from_model_range(decoded: torch.Tensor, convention: str = "premultiplied") -> torch.Tensor:
    """VAE output in [-1, 1], in `convention` -> valid premultiplied RGBA in [0, 1] (colour <= alpha)."""
    rgba = ((decoded + 1) / 2).clamp(0, 1)
    alpha = rgba[:, 3:4]
    if check_convention(convention) == "straight":
        return torch.cat([rgba[:, :3] * alpha, alpha], dim=1)
    return torch.cat([torch.minimum(rgba[:, :3], alpha), alpha], dim=1)
