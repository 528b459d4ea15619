"""BFS on the real FLUX.1-Fill-dev architecture with random weights, on a GPU (nothing downloaded).

    python bench/bench_bfs_gpu.py [--sizes 512 1024] [--steps 50] [--modes resident model sequential]
    python bench/bench_bfs_gpu.py --tiny      # the same code paths on a tiny model (CPU is fine)

Prints, per window side:
  * single branch (the Flux-Fill baseline: the plain transformer, batch 1) and dual branch (BFS:
    composite + foreground with the bridges, batch 2): seconds per denoising step (median of the
    timed steps) and seconds for a `--steps` denoising loop (transformer + Euler update only);
  * the peak GPU memory of a whole BFS job (prompt encoding, denoising for `--job-steps` steps,
    both decodes) for each offload mode of `engine.nets.bfs_devices`, VAE tiling on;
  * the bridges' parameter count.
The paper reports 25 s (BFS) against 12 s (Flux-Fill) per image, GPU unstated.

Weights are random (bf16), so the pictures are noise; timings and memory do not depend on the
values. The tokenizers are character-level stand-ins (the real ones cannot be downloaded): the
text encoders see 512 (T5) and 77 (CLIP) tokens as in FLUX.1-Fill. Without a CUDA GPU (and
without --tiny) the script says so and exits 0. On a GPU, building and saving the random
17 B-parameter model and loading it once per mode takes most of the run (expect 10-20 minutes).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FLUX = dict(in_channels=384, out_channels=64, num_layers=19, num_single_layers=38, attention_head_dim=128,
            num_attention_heads=24, joint_attention_dim=4096, pooled_projection_dim=768, guidance_embeds=True,
            axes_dims_rope=(16, 56, 56))
TINY = dict(in_channels=48, out_channels=16, num_layers=1, num_single_layers=2, attention_head_dim=16,
            num_attention_heads=2, joint_attention_dim=32, pooled_projection_dim=32, guidance_embeds=True,
            axes_dims_rope=(4, 6, 6))


def randomise(module: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    g = torch.Generator(device="cpu").manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_((torch.randn(p.shape, generator=g) * 0.02).to(p.dtype))
    return module


def build_pipeline(tiny: bool, dtype, folder: Path):
    """A FluxFillPipeline with random weights (saved to `folder` so the BFS loader can read it)."""
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxFillPipeline, FluxTransformer2DModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer, T5Config, T5EncoderModel

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for c in "abcdefghijklmnopqrstuvwxyz":
        vocab[c], vocab[c + "</w>"] = len(vocab), len(vocab) + 1
    (folder / "tok").mkdir(parents=True, exist_ok=True)
    (folder / "tok" / "vocab.json").write_text(json.dumps(vocab))
    (folder / "tok" / "merges.txt").write_text("#version: 0.2\n")
    clip_tok = CLIPTokenizer(str(folder / "tok" / "vocab.json"), str(folder / "tok" / "merges.txt"),
                             model_max_length=77)
    t5_tok = CLIPTokenizer(str(folder / "tok" / "vocab.json"), str(folder / "tok" / "merges.txt"),
                           model_max_length=512)
    if tiny:
        clip = CLIPTextModel(CLIPTextConfig(vocab_size=64, hidden_size=32, intermediate_size=37, num_attention_heads=4,
                                            num_hidden_layers=1, max_position_embeddings=77, projection_dim=32))
        t5 = T5EncoderModel(T5Config(vocab_size=64, d_model=32, d_ff=37, d_kv=8, num_heads=4, num_layers=1))
        vae_args = dict(block_out_channels=(8, 16), latent_channels=4, norm_num_groups=8,
                        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                        layers_per_block=1)
        transformer = FluxTransformer2DModel(**TINY)
    else:
        clip = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                            num_hidden_layers=12, num_attention_heads=12,
                                            max_position_embeddings=77, projection_dim=768))
        t5 = T5EncoderModel(T5Config(vocab_size=32128, d_model=4096, d_ff=10240, d_kv=64, num_heads=64,
                                     num_layers=24, feed_forward_proj="gated-gelu"))
        vae_args = dict(block_out_channels=(128, 256, 512, 512), latent_channels=16,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        layers_per_block=2)
        transformer = FluxTransformer2DModel(**FLUX)
    vae = AutoencoderKL(in_channels=3, out_channels=3, shift_factor=0.1159, scaling_factor=0.3611, **vae_args)
    scheduler = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.5, max_shift=1.15,
                                                base_image_seq_len=256, max_image_seq_len=4096, shift=3.0)
    parts = [randomise(m, i).to(dtype) for i, m in enumerate((clip, t5, vae, transformer))]
    pipe = FluxFillPipeline(scheduler=scheduler, vae=parts[2], text_encoder=parts[0], tokenizer=clip_tok,
                            text_encoder_2=parts[1], tokenizer_2=t5_tok, transformer=parts[3])
    pipe.save_pretrained(folder / "backbone", safe_serialization=True)
    return pipe


def bfs_folder(pipe, folder: Path, resolution: int, dtype):
    """Wraps the pipeline's transformer with random bridges and saves a BFS model folder;
    returns (folder, bridge parameter count, the dual-branch transformer)."""
    from engine.nets.bfs_model import BFSModel
    from engine.nets.dual_branch import DualBranchTransformer
    from engine.nets.fill_backbone import FluxFillBackbone
    from engine.nets.rgba_vae import rgba_vae_from_rgb

    backbone = FluxFillBackbone(pipe)
    transformer = DualBranchTransformer(pipe.transformer, rank=4)
    bridge_params = sum(p.numel() for p in transformer.trainable_parameters())
    randomise(transformer.bridges, 7)
    rgba = rgba_vae_from_rgb(pipe.vae.float()).to(dtype)
    pipe.vae.to(dtype)
    settings = {"resolution": resolution, "steps": 2, "guidance_scale": 30.0, "max_sequence_length": 512}
    BFSModel(backbone, transformer, rgba, settings).save(folder / "bfs", backbone_path=str(folder / "backbone"))
    return folder / "bfs", bridge_params, transformer


def time_loop(transformer, batch: int, side: int, steps: int, device, dtype, config: dict,
              factor: int) -> tuple[float, float]:
    """(median s/step, s for `steps` steps) of the denoising loop: transformer + Euler update."""
    from engine.nets.fill_layout import image_ids

    h = w = side // factor
    tokens = (h // 2) * (w // 2)
    latent = config["out_channels"]
    g = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(batch, tokens, latent, generator=g).to(device, dtype)
    cond = torch.randn(batch, tokens, config["in_channels"] - latent, generator=g).to(device, dtype)
    text = torch.randn(batch, 512, config["joint_attention_dim"], generator=g).to(device, dtype)
    pooled = torch.randn(batch, config["pooled_projection_dim"], generator=g).to(device, dtype)
    ids, txt_ids = image_ids(h, w, device), torch.zeros(512, 3, device=device)
    sigmas = torch.linspace(1.0, 1.0 / steps, steps)
    times = []

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    with torch.no_grad():
        for i in range(steps):
            sync()
            start = time.perf_counter()
            v = transformer(hidden_states=torch.cat([x, cond], dim=2), timestep=sigmas[i].expand(batch).to(device),
                            guidance=torch.full((batch,), 30.0, device=device), pooled_projections=pooled,
                            encoder_hidden_states=text, txt_ids=txt_ids, img_ids=ids, return_dict=False)[0]
            x = x + (sigmas[i + 1] - sigmas[i] if i + 1 < steps else -sigmas[i]) * v
            sync()
            times.append(time.perf_counter() - start)
    timed = times[1:] or times
    return statistics.median(timed), sum(times)


def job_peaks(folder: Path, mode: str, sides: list[int], steps: int, device: str, dtype_name: str) -> dict:
    """{side: peak GiB of one BFS job} for one offload mode (the model is loaded once per mode)."""
    from engine.box import Box
    from engine.methods.bfs import BFSRequest, synthesize
    from engine.models.devices import DevicePlan
    from engine.models.loading import load_bfs_model

    plan = DevicePlan(device, dtype_name, cpu_offload=mode == "model", sequential_offload=mode == "sequential",
                      vae_tiling=True)
    try:
        model = load_bfs_model(folder, plan)
    except Exception as exc:  # e.g. out of memory in the resident mode on a small card
        return {side: f"failed: {type(exc).__name__}" for side in sides}
    peaks = {}
    for side in sides:
        model.settings["resolution"] = side
        background = np.random.default_rng(0).integers(0, 255, (side, side, 3), np.uint8)
        request = BFSRequest(background, Box(side // 4, side // 4, side // 2, side // 2), "a lamp",
                             steps=steps, context=1.0, previews=False)
        if device == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        try:
            synthesize(request, model)
            peaks[side] = torch.cuda.max_memory_allocated() / 1024 ** 3 if device == "cuda" else "n/a (CPU)"
        except Exception as exc:
            peaks[side] = f"failed: {type(exc).__name__}"
    del model
    return peaks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--job-steps", type=int, default=2, help="denoising steps of each memory job")
    parser.add_argument("--modes", nargs="+", default=["resident", "model", "sequential"])
    parser.add_argument("--tiny", action="store_true", help="tiny random model: a smoke run of this script")
    args = parser.parse_args(argv)
    cuda = torch.cuda.is_available()
    if not cuda and not args.tiny:
        print("No CUDA GPU on this machine: bench_bfs_gpu.py measures GPU time and memory, so nothing was "
              "run. (--tiny runs the same code paths on a tiny model.)")
        return 0
    device = torch.device("cuda" if cuda else "cpu")
    dtype, dtype_name = (torch.bfloat16, "bfloat16") if cuda else (torch.float32, "float32")
    config = TINY if args.tiny else FLUX
    factor = 4 if args.tiny else 16  # pixels per packed token side: VAE factor x 2
    sizes = [64, 128] if args.tiny else args.sizes
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"building {'tiny' if args.tiny else 'FLUX.1-Fill-dev'} with random weights ({dtype_name})...",
              flush=True)
        pipe = build_pipeline(args.tiny, dtype, tmp)
        rows = []
        plain = pipe.transformer.to(device)
        for side in sizes:
            rows.append([side, *time_loop(plain, 1, side, args.steps, device, dtype, config, factor)])
        folder, bridge_params, dual = bfs_folder(pipe, tmp, sizes[0], dtype)
        dual.to(device)
        for row, side in zip(rows, sizes):
            row.extend(time_loop(dual, 2, side, args.steps, device, dtype, config, factor))
        del dual, plain, pipe
        if cuda:
            torch.cuda.empty_cache()
        by_mode = {mode: job_peaks(folder, mode, sizes, args.job_steps, device.type, dtype_name)
                   for mode in args.modes}
        peaks = {side: {mode: by_mode[mode][side] for mode in args.modes} for side in sizes}

    print(f"\nbridges: {bridge_params:,} parameters (rank 4)")
    print(f"device: {torch.cuda.get_device_name() if cuda else 'CPU (tiny smoke run)'}\n")
    print(f"{'side':>6s} {'single s/step':>14s} {'single ' + str(args.steps):>10s} "
          f"{'dual s/step':>12s} {'dual ' + str(args.steps):>9s} {'dual/single':>11s}")
    for side, s_step, s_total, d_step, d_total in rows:
        print(f"{side:>5d}² {s_step:>14.3f} {s_total:>10.1f} {d_step:>12.3f} {d_total:>9.1f} "
              f"{d_step / s_step:>11.2f}")
    print("\npeak GPU memory of one BFS job (GiB), VAE tiling on:")
    print(f"{'side':>6s} " + " ".join(f"{m:>12s}" for m in args.modes))
    for side in sizes:
        cells = [f"{v:>12.1f}" if isinstance(v, float) else f"{v:>12s}" for v in peaks[side].values()]
        print(f"{side:>5d}² " + " ".join(cells))
    print("\npaper: 25 s (BFS) vs 12 s (Flux-Fill) per image; compare the 50-step columns at the paper's size.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
