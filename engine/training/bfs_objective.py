"""The BFS training losses (paper sec. 4, eqs. 6-10).

Rectified flow as Flux is trained: x_t = (1 - t) z + t e, the network predicts
the velocity v = e - z, and the one-step estimate of the clean latent is
z_hat = x_t - t v_hat. Both branches share t (they denoise together at
inference) and have their own noise.

    fm_composite   = |v_hat_c - (e_c - z_c)|^2                 (eq. 6, composite term)
    fm_foreground  = |v_hat_f - (e_f - z_f)|^2                 (eq. 6, foreground term = eq. 10)
    composition    = |C(z_hat_f, z_b) - z_hat_c|^2             (eq. 7, C: the frozen latent compositor)

Losses per batch kind:

    "layered"    stage 1, layered data:    fm_composite + fm_foreground + lambda * composition  (eq. 8)
    "realism"    stage 2, unlayered data:  fm_composite + lambda * composition                   (eq. 9 + 7)
                 (the foreground branch gets the surrogate foreground as its input)
    "regularise" stage 2, layered data:    fm_foreground + lambda * composition                  (eq. 10 + 7)

The composition loss compares the two branches' estimates with each other,
so its gradient reaches both; the paper's lambda is in its supplement, which
we do not have: `composition_weight` defaults to 1.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from engine.nets.fill_backbone import FillBackbone, repeat_text
from engine.nets.fill_layout import image_ids, pack_latents, unpack_latents
from engine.nets.rgba_vae import check_convention, to_model_range

from .loop import sample_sigmas

LOSS_TERMS = {
    "layered": ("fm_composite", "fm_foreground"),
    "realism": ("fm_composite",),
    "regularise": ("fm_foreground",),
}


class BFSObjective:
    def __init__(self, backbone: FillBackbone, rgba_vae, compositor, composition_weight: float = 1.0,
                 guidance_scale: float | None = None, logit_mean: float = 0.0, logit_std: float = 1.0,
                 rgba: str = "premultiplied"):
        self.rgba = check_convention(rgba)  # the RGBA VAE's input convention
        self.backbone = backbone
        self.rgba_vae = rgba_vae
        self.compositor = compositor
        self.composition_weight = composition_weight
        self.guidance_scale = guidance_scale
        self.logit_mean = logit_mean
        self.logit_std = logit_std

    def __call__(self, model, batch: dict, generator: torch.Generator) -> tuple[torch.Tensor, dict]:
        terms = self.terms(model, batch, generator)
        loss = sum(terms[name] for name in LOSS_TERMS[batch["kind"]])
        loss = loss + self.composition_weight * terms["composition"]
        return loss, {name: value.item() for name, value in terms.items()}

    @torch.no_grad()
    def encode(self, batch: dict) -> dict[str, torch.Tensor]:
        """What the frozen encoders make of a batch of images: the latents of composite, background
        and foreground (or surrogate), the condition tokens and the text inputs ("text.<name>").
        `engine.training.encode_cache` stores exactly this, once per sample and framing."""
        bb = self.backbone
        foreground = batch["foreground"] if "foreground" in batch else batch["surrogate"]
        text = bb.encode_prompts(batch["caption"], batch["composite"].device)
        return {"z_c": bb.encode(bb.vae, batch["composite"]), "z_b": bb.encode(bb.vae, batch["background"]),
                "z_f": bb.encode(self.rgba_vae, to_model_range((foreground + 1) / 2, self.rgba)),
                "condition": bb.condition(batch["background"], batch["mask"]),
                **{f"text.{k}": v for k, v in text.items()}}

    def terms(self, model, batch: dict, generator: torch.Generator) -> dict[str, torch.Tensor]:
        bb = self.backbone
        encoded = batch if "z_c" in batch else self.encode(batch)  # cached batches come encoded
        z_c, z_b, z_f, condition = (encoded[k] for k in ("z_c", "z_b", "z_f", "condition"))
        text = {k[len("text."):]: v for k, v in encoded.items() if k.startswith("text.")}
        device = z_c.device
        b, _, h, w = z_c.shape
        sigma = sample_sigmas(b, generator, device, self.logit_mean, self.logit_std)
        t = sigma.view(b, 1, 1, 1).to(z_c.dtype)
        noise_c = torch.randn(z_c.shape, generator=generator, device=device, dtype=z_c.dtype)
        noise_f = torch.randn(z_f.shape, generator=generator, device=device, dtype=z_f.dtype)
        x_c = (1 - t) * z_c + t * noise_c
        x_f = (1 - t) * z_f + t * noise_f
        hidden = torch.cat([torch.cat([pack_latents(x_c), condition], dim=2),
                            torch.cat([pack_latents(x_f), condition], dim=2)])
        velocity = bb.predict(model, hidden, torch.cat([sigma, sigma]), image_ids(h, w, device),
                              repeat_text(text, 2), self.guidance_scale)
        v_c = unpack_latents(velocity[:b], h, w).float()
        v_f = unpack_latents(velocity[b:], h, w).float()
        t = t.float()
        estimate_c = x_c.float() - t * v_c
        estimate_f = x_f.float() - t * v_f
        composed = self.compositor(estimate_f.to(self.compositor.dtype), z_b.to(self.compositor.dtype))
        return {
            "fm_composite": F.mse_loss(v_c, (noise_c - z_c).float()),
            "fm_foreground": F.mse_loss(v_f, (noise_f - z_f).float()),
            "composition": F.mse_loss(composed.float(), estimate_c),
        }
