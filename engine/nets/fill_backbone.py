"""Frozen inpainting backbones in Flux-Fill layout, behind one small interface.

BFS needs the same few things from its backbone in training and inference:
encode/decode images with a VAE, turn prompts into the transformer's text
inputs, and call the transformer (plain or wrapped by `DualBranchTransformer`)
on packed tokens at a flow-matching sigma. Two backbones provide them:

* `FluxFillBackbone`: a local diffusers `FluxFillPipeline` folder
  (FLUX.1-Fill-dev: T5 + CLIP text encoders, 16-channel VAE, guidance-distilled
  transformer), or the official single transformer `.safetensors` with the
  other parts from such a folder (`components`, see
  `engine.models.flux_single_file`); prompts go through the pipeline's own
  `encode_prompt`.
* `TinyFillBackbone`: our small `TinyFillTransformer` with its hashed-word
  embedding table and a small `AutoencoderKL` (folder with `transformer/`,
  `vae/`, `scheduler/` sub-folders); uses classifier-free guidance.

Every file is read with `use_safetensors=True`: a folder holding only pickled
weights is refused by diffusers/transformers instead of being unpickled.
"""
from __future__ import annotations

from pathlib import Path

import torch

from engine.models.flux_single_file import DEFAULT_COMPONENTS, load_flux_fill_single_file

from .fill_layout import fill_condition


class FillBackbone:
    kind = ""

    def __init__(self, transformer, vae, scheduler):
        self.transformer = transformer
        self.vae = vae
        self.scheduler = scheduler
        for module in self.frozen_modules():
            module.requires_grad_(False).eval()

    # ---- what the subclasses provide
    guidance_embeds = False

    def encode_prompts(self, prompts: list[str], device) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def predict(self, transformer, hidden_states, sigma, img_ids, text, guidance=None) -> torch.Tensor:
        raise NotImplementedError

    def frozen_modules(self) -> list[torch.nn.Module]:
        return [self.transformer, self.vae]

    def text_modules(self) -> list[torch.nn.Module]:
        """The separate text encoders (none when the transformer embeds the prompt itself)."""
        return []

    # ---- shared
    @property
    def vae_scale_factor(self) -> int:
        return 2 ** (len(self.vae.config.block_out_channels) - 1)

    @property
    def size_multiple(self) -> int:
        """Image sides must be multiples of this (VAE downsampling x 2x2 packing)."""
        return self.vae_scale_factor * 2

    @property
    def latent_channels(self) -> int:
        return self.vae.config.latent_channels

    @property
    def device(self) -> torch.device:
        return self.vae.device

    @property
    def dtype(self) -> torch.dtype:
        return self.vae.dtype

    def to(self, device=None, dtype=None) -> "FillBackbone":
        for module in self.frozen_modules():
            move(module, device, dtype)
        return self

    @staticmethod
    def encode(vae, images: torch.Tensor) -> torch.Tensor:
        """Images in [-1, 1] -> the normalised latents the transformer works in."""
        latents = vae.encode(images.to(vae.dtype)).latent_dist.mode()
        return (latents - (vae.config.shift_factor or 0.0)) * vae.config.scaling_factor

    @staticmethod
    def decode(vae, latents: torch.Tensor) -> torch.Tensor:
        latents = latents / vae.config.scaling_factor + (vae.config.shift_factor or 0.0)
        return vae.decode(latents.to(vae.dtype)).sample

    def condition(self, background: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Flux-Fill condition tokens from a background in [-1, 1] and a {0, 1} mask, both (B, ., H, W).

        The WHOLE background is encoded, not blanked inside the mask as
        FluxFillPipeline does for inpainting: in BFS the background is known
        (the object is added over it, the pixels under the box stay in the
        picture), and the paper conditions on "the background latent and a
        bounding box mask" (its inference paragraph); the authors' release encodes the
        unmasked background too. Training and inference both come here.
        """
        return fill_condition(self.encode(self.vae, background), mask, self.vae_scale_factor)


class FluxFillBackbone(FillBackbone):
    kind = "flux-fill"

    def __init__(self, pipeline, max_sequence_length: int = 512):
        self.pipeline = pipeline
        self.max_sequence_length = max_sequence_length
        super().__init__(pipeline.transformer, pipeline.vae, pipeline.scheduler)
        self.guidance_embeds = bool(pipeline.transformer.config.guidance_embeds)

    @classmethod
    def from_pretrained(cls, path: str | Path, dtype=torch.float32, max_sequence_length: int = 512,
                        components: str | None = None) -> "FluxFillBackbone":
        """A FluxFillPipeline folder, or a single transformer file + the `components` folder/repo id."""
        from diffusers import FluxFillPipeline

        if Path(path).is_file():
            pipeline = load_flux_fill_single_file(path, components or DEFAULT_COMPONENTS, dtype)
        else:
            pipeline = FluxFillPipeline.from_pretrained(str(path), dtype=dtype, use_safetensors=True,
                                                        local_files_only=True)
        return cls(pipeline, max_sequence_length)

    def frozen_modules(self):
        return [self.pipeline.transformer, self.pipeline.vae, self.pipeline.text_encoder,
                self.pipeline.text_encoder_2]

    def text_modules(self):
        return [self.pipeline.text_encoder, self.pipeline.text_encoder_2]

    def encode_prompts(self, prompts, device):
        embeds, pooled, _ = self.pipeline.encode_prompt(
            prompt=list(prompts), prompt_2=None, device=device,
            max_sequence_length=self.max_sequence_length)
        return {"encoder_hidden_states": embeds, "pooled_projections": pooled}

    def predict(self, transformer, hidden_states, sigma, img_ids, text, guidance=None):
        embeds = text["encoder_hidden_states"]
        txt_ids = torch.zeros(embeds.shape[1], 3, device=embeds.device, dtype=img_ids.dtype)
        guidance_vec = None
        if self.guidance_embeds:
            guidance_vec = torch.full((hidden_states.shape[0],), float(guidance or 1.0),
                                      device=hidden_states.device, dtype=torch.float32)
        return transformer(hidden_states=hidden_states, timestep=sigma, guidance=guidance_vec,
                           pooled_projections=text["pooled_projections"], encoder_hidden_states=embeds,
                           txt_ids=txt_ids, img_ids=img_ids, return_dict=False)[0]


class TinyFillBackbone(FillBackbone):
    kind = "tiny"

    @classmethod
    def from_pretrained(cls, path: str | Path, dtype=torch.float32, **unused_options) -> "TinyFillBackbone":
        from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler

        from .tiny_fill_transformer import TinyFillTransformer

        path = str(path)
        transformer = TinyFillTransformer.from_pretrained(path, subfolder="transformer", use_safetensors=True,
                                                          dtype=dtype)
        vae = AutoencoderKL.from_pretrained(path, subfolder="vae", use_safetensors=True, dtype=dtype)
        scheduler = FlowMatchEulerDiscreteScheduler.from_pretrained(path, subfolder="scheduler")
        return cls(transformer, vae, scheduler)

    def save_pretrained(self, path: str | Path) -> None:
        path = Path(path)
        self.transformer.save_pretrained(path / "transformer", safe_serialization=True)
        self.vae.save_pretrained(path / "vae", safe_serialization=True)
        self.scheduler.save_pretrained(path / "scheduler")

    def encode_prompts(self, prompts, device):
        return {"prompt_ids": self.transformer.tokenize(list(prompts)).to(device)}

    def predict(self, transformer, hidden_states, sigma, img_ids, text, guidance=None):
        return transformer(hidden_states=hidden_states, prompt_ids=text["prompt_ids"], timestep=sigma,
                           img_ids=img_ids, return_dict=False)[0]


BACKBONES = {FluxFillBackbone.kind: FluxFillBackbone, TinyFillBackbone.kind: TinyFillBackbone}


def load_backbone(kind: str, path: str | Path, dtype=torch.float32, max_sequence_length: int = 512,
                  components: str | None = None) -> FillBackbone:
    """Loads a backbone folder (flux-fill: or a single transformer file, the rest from `components`);
    `max_sequence_length` is the T5 prompt length of flux-fill."""
    if kind not in BACKBONES:
        raise ValueError(f"unknown backbone kind {kind!r}; expected one of {sorted(BACKBONES)}")
    if kind == FluxFillBackbone.kind and Path(path).is_file():
        return FluxFillBackbone.from_pretrained(path, dtype, max_sequence_length, components)
    if not Path(path).is_dir():
        raise FileNotFoundError(f"backbone folder {path} does not exist")
    return BACKBONES[kind].from_pretrained(path, dtype=dtype, max_sequence_length=max_sequence_length)


def move(module: torch.nn.Module, device=None, dtype=None) -> torch.nn.Module:
    """`module.to` with only the arguments that change something (diffusers warns about any dtype)."""
    if dtype is not None and getattr(module, "dtype", None) == dtype:
        dtype = None
    kwargs = {k: v for k, v in (("device", device), ("dtype", dtype)) if v is not None}
    return module.to(**kwargs) if kwargs else module


def repeat_text(text: dict[str, torch.Tensor], times: int) -> dict[str, torch.Tensor]:
    """Batch-first text inputs repeated for `times` branches (composite first)."""
    return {k: torch.cat([v] * times) for k, v in text.items()}
