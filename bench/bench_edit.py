"""Time per phase of the text edit (engine.methods.edit) with the tiny test model on the CPU.

    python bench/bench_edit.py [--threads 1] [--embedding-steps 500] [--finetune-steps 250]
                               [--guidance-steps 50] [--resolution 64] [--runs 1]

Runs the whole edit (LayerDiffusion, the paper's step counts by default) on
the tiny random-weight Stable Diffusion of engine.testing.tiny, loaded
through the real loading code, at a 64x64 working size, once with LoRA
fine-tuning and once with full fine-tuning, and prints seconds per phase
(embedding optimisation, fine-tuning, sampling) and milliseconds per step.
The tiny UNet is a few hundred thousand weights: these figures measure the
method's own overhead (optimiser, masks, schedulers, hooks), not what a real
SD model costs. A GPU run at 512x512 with an SD-sized UNet is not part of
this script. Figures on a shared CPU are provisional.

`--fit` prints instead how far 150 fine-tuning steps lower the loss of eq. 6
with LoRA on the attention projections alone, LoRA on the method's layers
(edit.LORA_TARGETS) and full fine-tuning.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.methods.edit import EditRequest, edit_image  # noqa: E402
from engine.models.loading import load_pipeline  # noqa: E402
from engine.testing import tiny  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--embedding-steps", type=int, default=500)
    parser.add_argument("--finetune-steps", type=int, default=250)
    parser.add_argument("--guidance-steps", type=int, default=50)
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--fit", action="store_true",
                        help="instead: how well each way of fine-tuning fits the picture")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.fit:
        return fit()

    from skimage import data
    import cv2

    image = cv2.resize(data.chelsea(), (80, 64), interpolation=cv2.INTER_AREA)
    mask = np.zeros((64, 80), bool)
    mask[8:60, 16:56] = True
    model = load_pipeline(str(tiny.cached_tiny("sd")), device="cpu", dtype="float32")
    steps = {"embeddings_s": args.embedding_steps, "finetune_s": args.finetune_steps,
             "sample_s": args.guidance_steps}
    print(f"tiny SD, CPU, {args.threads} thread(s), working size ~{args.resolution}^2, "
          f"steps {args.embedding_steps}/{args.finetune_steps}/{args.guidance_steps}, "
          f"median of {args.runs}")
    for finetune in ("lora", "full"):
        times: dict[str, list[float]] = {k: [] for k in steps}
        total = []
        for run in range(args.runs):
            request = EditRequest(image, "a cat jumping", "in a snowy forest", mask=mask,
                                  embedding_steps=args.embedding_steps,
                                  finetune_steps=args.finetune_steps,
                                  guidance_steps=args.guidance_steps, finetune=finetune,
                                  resolution=args.resolution, seed=run)
            t0 = time.perf_counter()
            result = edit_image(request, model=model)
            total.append(time.perf_counter() - t0)
            for k in steps:
                times[k].append(result.timings[k])
        parts = []
        for k, n in steps.items():
            s = statistics.median(times[k])
            parts.append(f"{k[:-2]} {s:.2f} s ({1000 * s / max(1, n):.1f} ms/step)")
        whole = statistics.median(total)
        print(f"{finetune:5s}: " + ", ".join(parts) + f"; whole edit {whole:.2f} s")


def fit(steps: int = 150, lr: float = 1e-2) -> None:
    """Mean fine-tuning loss (eq. 6) of the first and last 30 of `steps` steps: LoRA on the
    attention projections alone (rank 16), LoRA on edit.LORA_TARGETS (rank 4), full."""
    import cv2
    from diffusers import DDPMScheduler
    from skimage import data

    from engine.methods import edit

    image = cv2.resize(data.chelsea(), (64, 64), interpolation=cv2.INTER_AREA)
    mask = np.zeros((64, 64), bool)
    mask[8:60, 16:56] = True
    pipe = load_pipeline(str(tiny.cached_tiny("sd")), device="cpu", dtype="float32").pipeline
    x0, _ = edit.encode_image(pipe, image, (64, 64), "cpu")
    m = edit.mask_at(mask, x0.shape[-2:], "cpu")
    e = edit.encode_text(pipe, "a cat", "cpu")
    noise = DDPMScheduler.from_config(pipe.scheduler.config)
    targets = edit.LORA_TARGETS
    print(f"tiny SD, fine-tuning loss over {steps} steps at lr {lr} (first 30 -> last 30 mean)")
    for name, mode, rank, lora_targets in (
            ("LoRA, attention only, rank 16", "lora", 16, ("to_q", "to_k", "to_v", "to_out.0")),
            ("LoRA, LORA_TARGETS, rank 4", "lora", 4, targets),
            ("full fine-tuning", "full", 0, targets)):
        edit.LORA_TARGETS = lora_targets
        restore = edit.keep_original(pipe.unet, mode)
        if mode == "lora":
            edit.add_lora(pipe.unet, rank)
        trained = sum(p.numel() for p in pipe.unet.parameters() if p.requires_grad) \
            if mode == "lora" else sum(p.numel() for p in pipe.unet.parameters())
        losses = edit.finetune_model(pipe.unet, noise, x0, m, e, steps, lr, 2.0, 1.0,
                                     torch.Generator().manual_seed(0), full=mode == "full")
        restore()
        first, last = np.mean(losses[:30]), np.mean(losses[-30:])
        print(f"{name:32s} {trained:7d} weights trained: {first:.3f} -> {last:.3f} "
              f"({100 * (1 - last / first):.0f} % lower)")
    edit.LORA_TARGETS = targets


if __name__ == "__main__":
    main()
