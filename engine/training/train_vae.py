"""Train a small RGB `AutoencoderKL` from scratch: the latent space of the built-in backbone.

    accelerate launch -m engine.training.train_vae --config vae.json

Why a VAE and not pixel space, at 64x64: Flux-style transformers see 2x2
patches of their input, so pixel space at 64x64 would be 1024 tokens per
branch (a dual-branch batch with guidance: 4096 tokens in every attention)
and 12 values per token, too much for a CPU. A VAE that downsamples 4x gives
16x16 latents = 64 tokens, about 200x less attention work; and it keeps the
BFS pieces exactly as they are for Flux (an RGBA VAE converted from the RGB
one, a compositor in latent space). The price is the VAE's blur; with 8
latent channels (6x compression) small objects and their shadows survive.

Trained on composites and backgrounds with |decode(mean(z)) - x|_1 + kl_weight * KL
(the posterior mean, see `build_task`). At the end the latent statistics of a
few batches set `shift_factor` and `scaling_factor` (unit variance, as Flux
normalises its latents). Writes `<output_dir>/vae/`.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import torch

from engine.errors import InvalidInput

from .config import TrainConfig
from .data import STAGE2_FILES, Always, SampleFolders, StepBatches
from .loop import Task


@dataclass(kw_only=True)
class VAETrainConfig(TrainConfig):
    data: str                      # a folder of samples (stage-2 layout is enough: composites + backgrounds)
    block_out_channels: list[int] = field(default_factory=lambda: [32, 64, 64])  # 3 levels: 4x downsampling
    layers_per_block: int = 1
    latent_channels: int = 8
    # GroupNorm needs several channels per group: with one channel per group the decoder's
    # last norm erases each channel's level and the colours collapse (a first run did that).
    norm_num_groups: int = 8
    kl_weight: float = 1e-6
    statistics_batches: int = 8    # batches used to set shift_factor / scaling_factor


def new_vae(config: VAETrainConfig):
    from diffusers import AutoencoderKL

    levels = len(config.block_out_channels)
    return AutoencoderKL(in_channels=3, out_channels=3, latent_channels=config.latent_channels,
                         down_block_types=("DownEncoderBlock2D",) * levels,
                         up_block_types=("UpDecoderBlock2D",) * levels,
                         block_out_channels=tuple(config.block_out_channels),
                         layers_per_block=config.layers_per_block, norm_num_groups=config.norm_num_groups,
                         sample_size=config.resolution, scaling_factor=1.0, shift_factor=0.0)


def build_task(config: VAETrainConfig, accelerator) -> Task:
    vae = new_vae(config).to(accelerator.device).train()

    if min(config.block_out_channels) // config.norm_num_groups < 2:
        raise InvalidInput(f"norm_num_groups {config.norm_num_groups} leaves fewer than 2 channels per group "
                           f"in a {min(config.block_out_channels)}-channel level: colours would be lost.")

    def loss(module, batch, generator):
        x = torch.cat([batch["composite"], batch["background"]])
        posterior = module.encode(x).latent_dist
        # The mean, not a sample: at the start the posterior's unit noise drowns the small
        # latents, and with a KL weight this low the sampled VAE learns colours far more slowly
        # (a first run was still grey after 250 steps). It is an autoencoder with a tiny KL.
        reconstruction = module.decode(posterior.mode()).sample
        l1 = (reconstruction.float() - x.float()).abs().mean()
        kl = posterior.kl().mean()
        return l1 + config.kl_weight * kl, {"l1": l1.item(), "kl": kl.item()}

    def finish(trained, output: Path) -> None:
        set_latent_statistics(trained, batches, config.statistics_batches, accelerator.device)
        trained.save_pretrained(output / "vae", safe_serialization=True)

    sources = {"layered": SampleFolders(config.data, STAGE2_FILES, config.resolution)}
    batches = StepBatches(sources, Always("layered"), config.batch_size, config.seed + 1, accelerator.process_index)
    return Task(module=vae, batches=batches, loss=loss, finish=finish)


def set_latent_statistics(vae, batches: StepBatches, count: int, device) -> None:
    """shift_factor = mean, scaling_factor = 1 / std of the latents (mode) of `count` batches."""
    values = []
    with torch.no_grad():
        vae.eval()
        for step in range(count):
            batch = batches[step]
            x = torch.cat([batch["composite"], batch["background"]]).to(device)
            values.append(vae.encode(x).latent_dist.mode().float().flatten())
    latents = torch.cat(values)
    vae.register_to_config(shift_factor=float(latents.mean()), scaling_factor=float(1 / latents.std()))


if __name__ == "__main__":
    from .launch import main

    sys.exit(main(__doc__.splitlines()[0], VAETrainConfig, build_task))
