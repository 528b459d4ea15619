"""CPU time per photo of the recommended decomposition models, SlimSAM and ViTMatte-small.

No download: each model is built with RANDOM weights in its real architecture
from transformers configs, saved as a folder and run through Layered's own
components (`SamSegmenter`, `VitMatteMatter`: the same loading, pre- and
post-processing as with the real weights), on a 1 MP photo from skimage.data
(the astronaut, resized to 1000x1000). Random weights give meaningless masks
but the same arithmetic, so the time is the real models' time.

The sizes: SlimSAM-uniform-50 is SAM ViT-B with its embedding and MLP widths
pruned to half (Chen et al. 2023, "0.5 uniform"): ViT of 12 layers, width 384,
MLP 1536, same prompt encoder and mask decoder; ViTMatte-small is ViTMatte on a
ViT-S VitDet backbone (width 384, 12 layers, 6 heads) as in hustvl's config.
The parameter count printed is checked against the catalogue's download size.

    python bench/bench_decompose_models.py [--repeats 3] [--threads N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def slimsam(folder: Path) -> int:
    from transformers import (SamConfig, SamImageProcessorPil, SamMaskDecoderConfig, SamModel,
                              SamPromptEncoderConfig, SamVisionConfig)

    vision = SamVisionConfig(hidden_size=384, mlp_dim=1536, num_hidden_layers=12,
                             num_attention_heads=12, global_attn_indexes=[2, 5, 8, 11],
                             output_channels=256, image_size=1024, patch_size=16, window_size=14)
    model = SamModel(SamConfig(vision_config=vision, prompt_encoder_config=SamPromptEncoderConfig(),
                               mask_decoder_config=SamMaskDecoderConfig())).eval()
    model.save_pretrained(folder)
    SamImageProcessorPil().save_pretrained(folder)  # 1024 longest edge, as SAM's
    return sum(p.numel() for p in model.parameters())


def vitmatte_small(folder: Path) -> int:
    from transformers import (VitDetConfig, VitMatteConfig, VitMatteForImageMatting,
                              VitMatteImageProcessorPil)

    backbone = VitDetConfig(hidden_size=384, num_hidden_layers=12, num_attention_heads=6,
                            mlp_ratio=4, num_channels=4, image_size=512, pretrain_image_size=224,
                            patch_size=16, window_size=14, out_features=["stage12"],
                            window_block_indices=[0, 1, 3, 4, 6, 7, 9, 10],
                            residual_block_indices=[2, 5, 8, 11],
                            use_relative_position_embeddings=True)
    model = VitMatteForImageMatting(VitMatteConfig(
        backbone_config=backbone, hidden_size=384, convstream_hidden_sizes=[48, 96, 192],
        fusion_hidden_sizes=[256, 128, 64, 32])).eval()
    model.save_pretrained(folder)
    VitMatteImageProcessorPil().save_pretrained(folder)
    return sum(p.numel() for p in model.parameters())


def photo():
    """The astronaut at 1000x1000 (1 MP), her box, and a trimap with a 16 px unknown band."""
    import cv2
    from skimage import data

    image = cv2.resize(data.astronaut(), (1000, 1000), interpolation=cv2.INTER_CUBIC)
    from engine.box import Box

    box = Box(160, 60, 640, 900)  # x, y, w, h around the astronaut
    mask = np.zeros((1000, 1000), np.uint8)
    cv2.ellipse(mask, (480, 520), (300, 440), 0, 0, 360, 255, -1)
    kernel = np.ones((17, 17), np.uint8)
    trimap = np.where(cv2.erode(mask, kernel) > 0, 255, 0).astype(np.uint8)
    trimap[(cv2.dilate(mask, kernel) > 0) & (trimap == 0)] = 128
    return image, box, trimap


def median_seconds(fn, repeats: int) -> tuple[float, float]:
    """(first call, median of `repeats` further calls) in seconds."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return first, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's own)")
    args = parser.parse_args()
    import torch

    from engine.methods.decompose_steps.sam_segment import SamSegmenter
    from engine.methods.decompose_steps.vitmatte import VitMatteMatter
    from engine.models.catalogue import load_catalogue

    if args.threads:
        torch.set_num_threads(args.threads)
    catalogue = load_catalogue()
    image, box, trimap = photo()
    valid = np.ones(image.shape[:2], bool)
    print(f"CPU: {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} "
          f"threads; load average {os.getloadavg()[0]:.2f} (1 min) at start")
    print(f"photo: skimage astronaut at {image.shape[1]}x{image.shape[0]} (1 MP); "
          f"median of {args.repeats} after one warm-up call; random weights, real architectures")
    rows = []
    with tempfile.TemporaryDirectory(prefix="layered-bench-models-") as root:
        for name, model_id, build, run in (
                ("SlimSAM (mask from a box)", "Zigeng/SlimSAM-uniform-50", slimsam,
                 lambda m: lambda: m(image, box, None, valid)),
                ("ViTMatte small (matting)", "hustvl/vitmatte-small-composition-1k",
                 vitmatte_small, lambda m: lambda: m(image, trimap))):
            folder = Path(root) / model_id.split("/")[1]
            params = build(folder)
            component = (SamSegmenter if "SAM" in name else VitMatteMatter)(
                str(folder), device="cpu", dtype="float32")
            first, median = median_seconds(run(component), args.repeats)
            rows.append((name, params, catalogue.get(model_id).download_gb, first, median))
    print(f"\n{'model':28} {'params':>8} {'fp32 GB':>8} {'catalogue GB':>13} "
          f"{'1st call s':>11} {'median s':>9}")
    for name, params, gb, first, median in rows:
        print(f"{name:28} {params / 1e6:7.1f}M {params * 4 / 1e9:8.2f} {gb:13.2f} "
              f"{first:11.2f} {median:9.2f}")
    print(f"\nload average {os.getloadavg()[0]:.2f} (1 min) at the end")


if __name__ == "__main__":
    main()
