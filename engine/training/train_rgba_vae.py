"""Fine-tune the RGBA VAE of the foreground branch on foreground layers.

    accelerate launch -m engine.training.train_rgba_vae --config rgba_vae.json

Starts from the backbone's RGB VAE (`engine.nets.rgba_vae.rgba_vae_from_rgb`)
or from an earlier RGBA VAE, and trains the whole autoencoder on the
stage-1 foregrounds (RGBA in [-1, 1], premultiplied or straight as `rgba`
says: the convention the BFS model folder will name) with

    |decode(z) - x|_1  +  kl_weight * KL  +  latent_weight * |mean_rgba(x) - mean_rgb(x_rgb)|^2

The last term keeps the RGBA latents where the frozen backbone expects
them: next to the RGB VAE's latent of the colour channels.
Writes `<output_dir>/rgba_vae/`.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from engine.nets.rgba_vae import rgba_vae_from_rgb, to_model_range

from .config import TrainConfig, check_rgba
from .data import STAGE1_FILES, Always, SampleFolders, StepBatches
from .loop import Task, weight_dtype


@dataclass(kw_only=True)
class RGBAVAETrainConfig(TrainConfig):
    rgb_vae_path: str          # the backbone's VAE folder, e.g. FLUX.1-Fill-dev/vae
    data: str                  # layered data (stage-1 layout); its foreground.png files are used
    init_rgba_vae: str = ""    # continue from an RGBA VAE folder instead of converting the RGB VAE
    kl_weight: float = 1e-6
    latent_weight: float = 1.0
    rgba: str = "premultiplied"  # "premultiplied" | "straight": the convention the VAE learns

    def validate(self) -> None:
        super().validate()
        check_rgba(self.rgba)


def build_task(config: RGBAVAETrainConfig, accelerator) -> Task:
    from diffusers import AutoencoderKL

    dtype = weight_dtype(config.mixed_precision)
    device = accelerator.device
    if config.init_rgba_vae:
        vae = AutoencoderKL.from_pretrained(config.init_rgba_vae, use_safetensors=True, dtype=torch.float32)
    else:
        vae = rgba_vae_from_rgb(AutoencoderKL.from_pretrained(config.rgb_vae_path, use_safetensors=True,
                                                              dtype=torch.float32))
    rgb_vae = AutoencoderKL.from_pretrained(config.rgb_vae_path, use_safetensors=True, dtype=dtype)
    rgb_vae.to(device).requires_grad_(False).eval()
    vae.to(device).requires_grad_(True).train()
    if config.gradient_checkpointing:
        vae.enable_gradient_checkpointing()

    def loss(module, batch, generator):
        x = to_model_range((batch["foreground"] + 1) / 2, config.rgba)
        posterior = module.encode(x).latent_dist
        reconstruction = module.decode(posterior.sample(generator)).sample
        l1 = (reconstruction.float() - x.float()).abs().mean()
        kl = posterior.kl().mean()
        with torch.no_grad():
            target = rgb_vae.encode(x[:, :3].to(rgb_vae.dtype)).latent_dist.mean
        latent = F.mse_loss(posterior.mean.float(), target.float())
        total = l1 + config.kl_weight * kl + config.latent_weight * latent
        return total, {"l1": l1.item(), "kl": kl.item(), "latent": latent.item()}

    def finish(trained, output: Path) -> None:
        trained.save_pretrained(output / "rgba_vae", safe_serialization=True)

    sources = {"layered": SampleFolders(config.data, STAGE1_FILES, config.resolution)}
    batches = StepBatches(sources, Always("layered"), config.batch_size, config.seed, accelerator.process_index)
    return Task(module=vae, batches=batches, loss=loss, finish=finish)


if __name__ == "__main__":
    from .launch import main

    sys.exit(main(__doc__.splitlines()[0], RGBAVAETrainConfig, build_task))
