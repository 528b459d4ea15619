"""Train the built-in backbone: a `TinyFillTransformer` inpainting model, Flux-Fill style, from scratch.

    accelerate launch -m engine.training.train_backbone --config backbone.json

BFS freezes a pretrained inpainting transformer (FLUX.1-Fill-dev) and trains
only its bridges. The built-in model has no pretrained backbone to freeze, so
this trainer makes one on the world's composites, with Flux-Fill's objective:
rectified flow on the composite latents (x_t = (1 - t) z + t e, target
velocity e - z), conditioned on Flux-Fill's tokens (packed condition latents
+ packed box mask) and on the caption.

Two conditions are mixed, so the frozen backbone serves both uses it has:

* with probability `bfs_condition_probability`: the condition BFS uses,
  `FillBackbone.condition(background, mask)` - the known background
  (the composite branch of BFS and the inpaint-then-extract method);
* otherwise plain Flux-Fill inpainting: the composite blanked inside the box.

Captions are dropped (the empty prompt) with probability
`caption_dropout`, which makes classifier-free guidance possible.

Starts from a trained VAE (`train_vae`); writes a `TinyFillBackbone` folder
`<output_dir>/backbone/` (transformer/, vae/, scheduler/).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from engine.nets.fill_backbone import TinyFillBackbone
from engine.nets.fill_layout import fill_condition, image_ids, pack_latents, unpack_latents

from .config import TrainConfig
from .data import STAGE2_FILES, Always, SampleFolders, StepBatches
from .loop import Task, sample_sigmas


@dataclass(kw_only=True)
class BackboneTrainConfig(TrainConfig):
    vae_path: str                   # output of train_vae: <run>/vae
    data: str                       # composites with their backgrounds, boxes, captions (stage-2 layout)
    num_layers: int = 2             # double-stream blocks
    num_single_layers: int = 4
    attention_head_dim: int = 32
    num_attention_heads: int = 4
    vocab_size: int = 1024
    text_dim: int = 64
    max_prompt_words: int = 8
    axes_dims_rope: list[int] = (8, 12, 12)
    caption_dropout: float = 0.1
    bfs_condition_probability: float = 0.5
    logit_mean: float = 0.0
    logit_std: float = 1.0


def new_backbone(config: BackboneTrainConfig):
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler

    from engine.nets.tiny_fill_transformer import TinyFillTransformer

    vae = AutoencoderKL.from_pretrained(config.vae_path, use_safetensors=True)
    channels = vae.config.latent_channels
    scale = 2 ** (len(vae.config.block_out_channels) - 1)
    # Flux-Fill token: packed noisy latents + packed condition latents + packed scale x scale mask.
    transformer = TinyFillTransformer(
        in_channels=2 * 4 * channels + 4 * scale * scale, out_channels=4 * channels,
        num_layers=config.num_layers, num_single_layers=config.num_single_layers,
        attention_head_dim=config.attention_head_dim, num_attention_heads=config.num_attention_heads,
        vocab_size=config.vocab_size, text_dim=config.text_dim, max_prompt_words=config.max_prompt_words,
        axes_dims_rope=tuple(config.axes_dims_rope))
    return TinyFillBackbone(transformer, vae, FlowMatchEulerDiscreteScheduler())


def build_task(config: BackboneTrainConfig, accelerator) -> Task:
    device = accelerator.device
    backbone = new_backbone(config).to(device)
    transformer = backbone.transformer
    transformer.requires_grad_(True).train()  # FillBackbone freezes it: here it is what trains

    def loss(module, batch, generator):
        composite, background, mask = batch["composite"], batch["background"], batch["mask"]
        b = composite.shape[0]
        coins = torch.rand(b, 2, generator=generator, device=device)
        with torch.no_grad():
            z = backbone.encode(backbone.vae, composite)
            bfs = backbone.condition(background, mask)
            inpaint = fill_condition(backbone.encode(backbone.vae, composite * (1 - mask)), mask,
                                     backbone.vae_scale_factor)
            use_bfs = (coins[:, 0] < config.bfs_condition_probability).view(b, 1, 1)
            condition = torch.where(use_bfs, bfs, inpaint)
            captions = ["" if coin < config.caption_dropout else caption
                        for coin, caption in zip(coins[:, 1].tolist(), batch["caption"])]
            text = backbone.encode_prompts(captions, device)
        _, _, h, w = z.shape
        sigma = sample_sigmas(b, generator, device, config.logit_mean, config.logit_std)
        t = sigma.view(b, 1, 1, 1)
        noise = torch.randn(z.shape, generator=generator, device=device)
        x = (1 - t) * z + t * noise
        hidden = torch.cat([pack_latents(x), condition], dim=2)
        velocity = backbone.predict(module, hidden, sigma, image_ids(h, w, device), text)
        value = F.mse_loss(unpack_latents(velocity, h, w).float(), (noise - z).float())
        return value, {"fm": value.item()}

    def finish(trained, output: Path) -> None:
        backbone.transformer = trained
        trained.eval()
        backbone.save_pretrained(output / "backbone")

    sources = {"layered": SampleFolders(config.data, STAGE2_FILES, config.resolution)}
    batches = StepBatches(sources, Always("layered"), config.batch_size, config.seed, accelerator.process_index)
    return Task(module=transformer, batches=batches, loss=loss, finish=finish)


if __name__ == "__main__":
    from .launch import main

    sys.exit(main(__doc__.splitlines()[0], BackboneTrainConfig, build_task))
