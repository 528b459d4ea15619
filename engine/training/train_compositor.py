"""Pre-train the latent compositor C(z_f, z_b) -> z_c on layered data (frozen later in BFS training).

    accelerate launch -m engine.training.train_compositor --config compositor.json

Latents: the foreground through the RGBA VAE (in its `rgba` convention),
background and composite through the backbone's RGB VAE, all normalised as
the transformer sees them.
Loss: |C(z_f, z_b) - z_c|^2. Writes `<output_dir>/compositor/`.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import torch.nn.functional as F

from engine.nets.fill_backbone import FillBackbone
from engine.nets.rgba_vae import to_model_range

from .config import TrainConfig, check_rgba
from .data import STAGE1_FILES, Always, SampleFolders, StepBatches
from .loop import Task, weight_dtype


@dataclass(kw_only=True)
class CompositorTrainConfig(TrainConfig):
    rgb_vae_path: str        # the backbone's VAE folder, e.g. FLUX.1-Fill-dev/vae
    rgba_vae_path: str       # output of train_rgba_vae: <run>/rgba_vae
    data: str                # layered data (stage-1 layout)
    hidden_channels: int = 128
    num_layers: int = 4
    init_compositor: str = ""  # continue from a compositor folder
    rgba: str = "premultiplied"  # the RGBA VAE's convention: "premultiplied" | "straight"

    def validate(self) -> None:
        super().validate()
        check_rgba(self.rgba)


def build_task(config: CompositorTrainConfig, accelerator) -> Task:
    from diffusers import AutoencoderKL

    from engine.nets.compositor import LatentCompositor

    dtype = weight_dtype(config.mixed_precision)
    device = accelerator.device
    rgb_vae = AutoencoderKL.from_pretrained(config.rgb_vae_path, use_safetensors=True, dtype=dtype)
    rgba_vae = AutoencoderKL.from_pretrained(config.rgba_vae_path, use_safetensors=True, dtype=dtype)
    for frozen in (rgb_vae, rgba_vae):
        frozen.requires_grad_(False).eval().to(device)
    if config.init_compositor:
        compositor = LatentCompositor.from_pretrained(config.init_compositor, use_safetensors=True)
    else:
        compositor = LatentCompositor(latent_channels=rgb_vae.config.latent_channels,
                                      hidden_channels=config.hidden_channels, num_layers=config.num_layers)
    compositor.to(device).train()

    def loss(module, batch, generator):
        import torch

        with torch.no_grad():
            z_f = FillBackbone.encode(rgba_vae, to_model_range((batch["foreground"] + 1) / 2, config.rgba))
            z_b = FillBackbone.encode(rgb_vae, batch["background"])
            z_c = FillBackbone.encode(rgb_vae, batch["composite"])
        value = F.mse_loss(module(z_f.float(), z_b.float()).float(), z_c.float())
        return value, {}

    def finish(trained, output: Path) -> None:
        trained.save_pretrained(output / "compositor", safe_serialization=True)

    sources = {"layered": SampleFolders(config.data, STAGE1_FILES, config.resolution)}
    batches = StepBatches(sources, Always("layered"), config.batch_size, config.seed, accelerator.process_index)
    return Task(module=compositor, batches=batches, loss=loss, finish=finish)


if __name__ == "__main__":
    from .launch import main

    sys.exit(main(__doc__.splitlines()[0], CompositorTrainConfig, build_task))
