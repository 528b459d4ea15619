"""Estimated minimum GPU memory of BFS on FLUX.1-Fill-dev, per offload mode (not a measurement).

    python bench/estimate_bfs_vram.py [--dtype-bytes 2]

Weights: the parameter counts of the real architectures, built on the meta
device (no weights, no download): the FLUX.1-Fill-dev transformer, the BFS
bridges at rank 4 (`engine.nets.dual_branch`), T5-XXL's encoder, CLIP-L's
text model, the 16-channel VAE and its 4-channel RGBA twin.

Activations, counted in bf16 for a batch of 2 (the two branches; Flux-Fill is
guidance-distilled, so no classifier-free batch) and N = (side/16)^2 image +
512 text tokens, assuming memory-efficient attention (no N x N matrix):
  * transformer: the widest moment of a single-stream block, ~61 k channels
    per token live (residual, norm, q/k/v, MLP in and out, their concatenation,
    the projection) plus ~18 k for the bridge's q/k/v/message;
  * VAE decode without tiling: ~8 full-resolution tensors of 128 channels;
    with tiling the 512-px tile's figure.
Plus 0.5 GB for the CUDA context and allocator slack.

Modes (engine.nets.bfs_devices): resident (text encoders visit the GPU only
while encoding), model CPU offload (one part on the GPU at a time), sequential
offload (one layer's weights at a time).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GB = 1024 ** 3
OVERHEAD_GB = 0.5


def flux_fill_transformer():
    from diffusers import FluxTransformer2DModel

    return FluxTransformer2DModel(in_channels=384, out_channels=64, num_layers=19, num_single_layers=38,
                                  attention_head_dim=128, num_attention_heads=24, joint_attention_dim=4096,
                                  pooled_projection_dim=768, guidance_embeds=True, axes_dims_rope=(16, 56, 56))


def parts() -> dict[str, torch.nn.Module]:
    from diffusers import AutoencoderKL
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    from engine.nets.dual_branch import DualBranchTransformer

    vae_args = dict(down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                    block_out_channels=(128, 256, 512, 512), layers_per_block=2, latent_channels=16)
    with torch.device("meta"):
        transformer = flux_fill_transformer()
        bridges = DualBranchTransformer(transformer, rank=4).bridges
        return {
            "transformer": transformer,
            "bridges": bridges,
            "t5": T5EncoderModel(T5Config(vocab_size=32128, d_model=4096, d_ff=10240, d_kv=64, num_heads=64,
                                          num_layers=24, feed_forward_proj="gated-gelu")),
            "clip": CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                                 num_hidden_layers=12, num_attention_heads=12,
                                                 max_position_embeddings=77, projection_dim=768)),
            "vae": AutoencoderKL(in_channels=3, out_channels=3, **vae_args),
            "rgba_vae": AutoencoderKL(in_channels=4, out_channels=4, **vae_args),
        }


def count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def largest_leaf(module: torch.nn.Module) -> int:
    """The most parameters one module holds directly (what sequential offload brings in at once)."""
    return max(sum(p.numel() for p in m.parameters(recurse=False)) for m in module.modules())


def transformer_activations(side: int, nbytes: int) -> float:
    tokens = (side // 16) ** 2 + 512
    return 2 * tokens * (61_440 + 18_432) * nbytes / GB


def vae_activations(side: int, nbytes: int, tiled: bool) -> float:
    side = min(side, 512) if tiled else side
    return 8 * side * side * 128 * nbytes / GB


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype-bytes", type=int, default=2, help="2 for bf16/fp16 (default), 4 for fp32")
    args = parser.parse_args(argv)
    b = args.dtype_bytes
    modules = parts()
    params = {name: count(m) for name, m in modules.items()}
    gb = {name: n * b / GB for name, n in params.items()}
    print("parameters (real architectures on the meta device):")
    for name, n in params.items():
        print(f"  {name:12s} {n / 1e6:10.1f} M  {gb[name]:6.2f} GB")
    leaf = max(largest_leaf(m) for m in modules.values()) * b / GB
    print(f"  largest single layer: {leaf:.2f} GB\n")
    print("estimated minimum GPU memory (GB), BFS on FLUX.1-Fill-dev, batch = 2 branches:")
    print(f"{'side':>6s} {'resident':>10s} {'model offload':>14s} {'sequential':>11s}   (VAE tiling on)")
    rows = {}
    for side in (512, 1024):
        act_t = transformer_activations(side, b)
        act_v = vae_activations(side, b, tiled=True)
        resident_weights = gb["transformer"] + gb["bridges"] + gb["vae"] + gb["rgba_vae"]
        resident = resident_weights + max(gb["t5"] + gb["clip"], act_t, act_v)
        model = max(gb["t5"], gb["transformer"] + gb["bridges"] + act_t, gb["vae"] + act_v)
        sequential = leaf + max(act_t, act_v)
        rows[side] = [round(x + OVERHEAD_GB, 1) for x in (resident, model, sequential)]
        print(f"{side:>5d}² {rows[side][0]:>10.1f} {rows[side][1]:>14.1f} {rows[side][2]:>11.1f}")
    print("\nEstimates, not measurements: run bench/bench_bfs_gpu.py on a GPU for peak figures.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
