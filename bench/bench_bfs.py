"""Cost of the BFS dual branch: one dual-branch forward vs one plain forward of the same backbone.

    python bench/bench_bfs.py [--runs 15] [--threads 1] [--flux-width]

For each configuration (random weights, CPU, no grad) it times, median of
`--runs` after a warm-up:
  * plain forward, batch 1      (the backbone making one image, the paper's Flux-Fill baseline)
  * plain forward, batch 2      (same batch as BFS)
  * dual-branch forward, batch 2 (composite + foreground, bridges active)
and then splits the bridges' time with forward hooks: the frozen projection
copies (q/k/v/out matmuls on the shared weights), the LoRA matmuls, peft's
mixed-batch bookkeeping (per-adapter gather/scatter), the mixer, and the
cross-attention itself (q/k norms, RoPE, softmax attention). Hooks add a
little time of their own, so the split is measured in a separate pass.

Configurations: "tiny" is the test model (dim 32), "small" the default
built-in `TinyFillTransformer` size (dim 128, 2+4 blocks); `--flux-width` adds
one double-stream and two single-stream blocks at Flux's width (dim 3072,
24 heads) with 256 image + 64 text tokens — slow on a CPU (~GB of weights).
Figures on a shared CPU are provisional; one thread is the default because
on a busy 2-core machine a second OpenMP thread mostly waits for a free core.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.nets.dual_branch import BranchBridge, DualBranchTransformer, SharedProjection  # noqa: E402
from engine.nets.fill_layout import image_ids  # noqa: E402


def flux(dim_heads: int, head_dim: int, double: int, single: int, grid: int, text: int, in_channels: int = 48):
    from diffusers import FluxTransformer2DModel

    axes = (head_dim // 4, 3 * head_dim // 8, 3 * head_dim // 8)
    model = FluxTransformer2DModel(in_channels=in_channels, out_channels=16, num_layers=double,
                                   num_single_layers=single, attention_head_dim=head_dim,
                                   num_attention_heads=dim_heads, joint_attention_dim=64, pooled_projection_dim=64,
                                   guidance_embeds=True, axes_dims_rope=axes)

    def inputs(batch):
        g = torch.Generator().manual_seed(0)
        return dict(hidden_states=torch.randn(batch, (grid // 2) ** 2, in_channels, generator=g),
                    encoder_hidden_states=torch.randn(batch, text, 64, generator=g),
                    pooled_projections=torch.randn(batch, 64, generator=g), timestep=torch.full((batch,), 0.5),
                    guidance=torch.full((batch,), 30.0), img_ids=image_ids(grid, grid),
                    txt_ids=torch.zeros(text, 3), return_dict=False)
    return model, inputs


def own(grid: int):
    from engine.nets.tiny_fill_transformer import TinyFillTransformer

    model = TinyFillTransformer(in_channels=48)

    def inputs(batch):
        g = torch.Generator().manual_seed(0)
        return dict(hidden_states=torch.randn(batch, (grid // 2) ** 2, 48, generator=g),
                    prompt_ids=model.tokenize(["a red ball on the grass"] * batch),
                    timestep=torch.full((batch,), 0.5), img_ids=image_ids(grid, grid), return_dict=False)
    return model, inputs


def median_time(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def split_bridge_time(model: DualBranchTransformer, run, runs: int) -> dict[str, float]:
    """Seconds per dual forward spent in each part of the bridges (forward hooks)."""
    spent: dict[str, float] = defaultdict(float)
    starts: dict[int, float] = {}
    handles = []

    def watch(module, label):
        def before(mod, args, kwargs=None):
            starts[id(mod)] = time.perf_counter()

        def after(mod, args, *rest):
            spent[label] += time.perf_counter() - starts.pop(id(mod))

        handles.append(module.register_forward_pre_hook(before))
        handles.append(module.register_forward_hook(after))

    for module in model.bridges.modules():
        if isinstance(module, BranchBridge):
            watch(module, "bridge total")
            watch(module.mix, "mixer")
        elif isinstance(module, SharedProjection):
            watch(module, "frozen projection copies")
        elif hasattr(module, "lora_A") and hasattr(module, "base_layer"):
            watch(module, "peft layers total")
            for adapter in module.lora_A:
                watch(module.lora_A[adapter], "LoRA matmuls")
                watch(module.lora_B[adapter], "LoRA matmuls")
    run()
    spent.clear()
    for _ in range(runs):
        run()
    for h in handles:
        h.remove()
    per_run = {k: v / runs for k, v in spent.items()}
    peft_total = per_run.pop("peft layers total")
    bookkeeping = peft_total - per_run["frozen projection copies"] - per_run["LoRA matmuls"]
    attention = per_run["bridge total"] - peft_total - per_run["mixer"]
    return {"frozen projection copies": per_run["frozen projection copies"],
            "LoRA matmuls": per_run["LoRA matmuls"], "peft mixed-batch bookkeeping": bookkeeping,
            "mixer": per_run["mixer"], "cross-attention (norms, RoPE, softmax)": attention,
            "bridge total": per_run["bridge total"]}


def measure(name: str, backbone, inputs, runs: int) -> None:
    one, two = inputs(1), inputs(2)
    with torch.no_grad():
        plain_1 = median_time(lambda: backbone(**one), runs)
        plain_2 = median_time(lambda: backbone(**two), runs)
        dual = DualBranchTransformer(backbone)
        g = torch.Generator().manual_seed(0)
        for p in dual.trainable_parameters():  # as after training: non-zero bridges
            p.copy_(torch.randn(p.shape, generator=g) * 0.02)
        dual_2 = median_time(lambda: dual(**two), runs)
        parts = split_bridge_time(dual, lambda: dual(**two), max(3, runs // 3))
    params = sum(p.numel() for p in backbone.parameters())
    new = sum(p.numel() for p in dual.trainable_parameters())
    print(f"\n== {name}: {params / 1e6:.2f} M backbone parameters, {new / 1e6:.3f} M new, "
          f"{two['hidden_states'].shape[1]} image tokens")
    print(f"plain forward, batch 1     {plain_1 * 1e3:9.2f} ms")
    print(f"plain forward, batch 2     {plain_2 * 1e3:9.2f} ms")
    print(f"dual-branch forward, 2     {dual_2 * 1e3:9.2f} ms   "
          f"x{dual_2 / plain_2:.2f} vs plain batch 2, x{dual_2 / plain_1:.2f} vs plain batch 1")
    extra = dual_2 - plain_2
    print(f"extra time                 {extra * 1e3:9.2f} ms, of which (hooked pass):")
    for part, seconds in parts.items():
        print(f"  {part:38s} {seconds * 1e3:8.2f} ms")
    print(f"  {'outside the bridges (processor glue)':38s} {(extra - parts['bridge total']) * 1e3:8.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--flux-width", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, CPU, {args.threads} threads, median of {args.runs} runs")
    model, inputs = flux(2, 16, 1, 1, grid=16, text=7)
    measure("tiny Flux (test config: dim 32, 1+1 blocks)", model, inputs, args.runs)
    model, inputs = own(grid=32)
    measure("small built-in TinyFillTransformer (dim 128, 2+4 blocks)", model, inputs, args.runs)
    if args.flux_width:
        model, inputs = flux(24, 128, 1, 2, grid=32, text=64)
        measure("Flux width (dim 3072, 1 double + 2 single blocks)", model, inputs, max(3, args.runs // 5))
    print("\nGPU at Flux size (bf16, 512x512, one step): not measured: no GPU lent to this session.")
    print("Paper (Flux-Fill, GPU): 25 s vs 12 s per image, about x2.1.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
