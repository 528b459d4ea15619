"""Cost of Image > Adjustments and the Filter menu on a 4000 x 3000 (12 MP) layer.

    python bench/bench_filters.py [--runs 3] [--size 4000x3000]

Times `filter_ops.run` (what the dialogs' worker runs for a preview and for OK),
median of `--runs` after one warm-up run (numba kernels load, OpenCV threads
start), on an opaque photo-like layer and on one half transparent (the blurs'
premultiplied float path), and `show` + `take_back` (the preview put on the
layer and taken off). Figures on the shared 2-core machine are noisy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from editor.model import Document, adjustments as adj, filter_ops, pixel_filters as pf  # noqa: E402
from editor.model import more_filters as mf  # noqa: E402
from editor.model.layers import Layer  # noqa: E402


def layer_pixels(w: int, h: int, transparent: bool) -> np.ndarray:
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (h // 16 + 1, w // 16 + 1, 3), np.uint8)
    pixels = np.empty((h, w, 4), np.uint8)
    pixels[..., :3] = np.repeat(np.repeat(small, 16, 0), 16, 1)[:h, :w]  # flat patches
    pixels[..., 3] = 255
    if transparent:
        pixels[:, : w // 2, 3] = 0
    return pixels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="4000x3000")
    parser.add_argument("--only", default="", help="labels to time, comma-separated")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    ops = [pf.GaussianBlur(10.0), pf.GaussianBlur(100.0), pf.UnsharpMask(100, 2, 3),
           pf.MotionBlur(30, 20), pf.AddNoise(10, "gaussian", False, 1), pf.invert(),
           pf.Desaturate(), pf.Adjust(adj.Levels(rgb=(10, 240, 1.2, 0, 255))),
           pf.Adjust(adj.HueSaturation(hue=20, saturation=10)),
           # The Filter menu's other filters, at Photoshop's defaults and a larger radius.
           mf.BoxBlur(10), mf.BoxBlur(200), mf.SurfaceBlur(5, 15), mf.SurfaceBlur(20, 40),
           mf.Median(1), mf.Median(10), mf.DustScratches(3, 10), mf.HighPass(10.0),
           mf.Maximum(5, "square"), mf.Maximum(10, "round"), mf.Minimum(50, "round"),
           mf.Offset(100, 50, "wrap"), mf.Offset(100, 50, "repeat"), mf.Emboss(135, 3, 100),
           mf.FindEdges(), mf.Mosaic(8)]
    for transparent in (False, True):
        doc = Document(w, h)
        layer = Layer("bench", layer_pixels(w, h, transparent))
        doc.add_layer(layer)
        print(f"{w}x{h}, {'half transparent' if transparent else 'opaque'}:")
        time_filters(doc, layer, [op for op in ops
                                  if not args.only or op.label in args.only.split(",")],
                     args.runs)


def time_filters(doc, layer, ops, runs: int) -> None:
    """Prints, per filter, the median of `runs` `filter_ops.run` after one warm-up run, and
    `show` + `take_back` (the preview put on the layer and taken off)."""
    target = filter_ops.prepare(doc, layer)
    for op in ops:
        times = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            result = filter_ops.run(target, op)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        filter_ops.take_back(doc, filter_ops.show(doc, target, result))
        shown = time.perf_counter() - start
        print(f"  {op!r:70.70} run {statistics.median(times[1:]):6.2f} s"
              f"  show+take back {shown:5.2f} s")


if __name__ == "__main__":
    main()
