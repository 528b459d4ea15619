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
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

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
        print(f"{finetune:5s}: " + ", ".join(parts) + f"; whole edit {statistics.median(total):.2f} s")


if __name__ == "__main__":
    main()
