"""Cost of Filter > Distort and Filter > Render on a photo (2000 x 1500 by default).

    python bench/bench_distort.py [--runs 3] [--size 2000x1500] [--transparent]

Times `filter_ops.run` (what a dialog's worker runs for a preview and for OK; the
distortions run whole, one band) at Photoshop's defaults and a stronger setting, median of
`--runs` after one warm-up, and `show` + `take_back` (the preview put on the layer and
taken off). `--transparent`: the left half transparent (the premultiplied, bilinear path).
Figures on the shared 2-core machine are noisy.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_filters import time_filters  # noqa: E402
from editor.model import Document  # noqa: E402
from editor.model import distort_filters as df, render_filters as rf  # noqa: E402
from editor.model.layers import Layer  # noqa: E402


def photo(w: int, h: int) -> np.ndarray:
    import skimage.data
    from PIL import Image

    rgb = np.asarray(Image.fromarray(skimage.data.astronaut()).resize((w, h)))
    return np.dstack([rgb, np.full((h, w), 255, np.uint8)])


def photo_bench(ops_for) -> None:
    """Times the filters `ops_for(w, h)` on `photo` with the command line the photo benches
    share (--runs, --size, --transparent)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="2000x1500")
    parser.add_argument("--transparent", action="store_true")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    ops = ops_for(w, h)
    pixels = photo(w, h)
    if args.transparent:
        pixels[:, : w // 2, 3] = 0
    doc = Document(w, h)
    layer = Layer("bench", pixels)
    doc.add_layer(layer)
    print(f"{w}x{h}, {'half transparent' if args.transparent else 'opaque'}:")
    time_filters(doc, layer, ops, args.runs)


def distort_ops(w: int, h: int) -> list:
    grey = np.full((256, 256, 4), 128, np.uint8)
    grey[..., :2] = np.random.default_rng(0).integers(0, 256, (256, 256, 2))
    return [df.Displace(10, 10, map=df.DisplacementMap(grey, "noise")),
            df.Pinch(50), df.Pinch(-100), df.PolarCoordinates("to_polar"),
            df.PolarCoordinates("to_rect"), df.Ripple(100, "medium"), df.Ripple(999, "large"),
            df.Spherize(100), df.Spherize(100, "horizontal"), df.Twirl(50), df.Twirl(999),
            df.Wave(), df.Wave(generators=999, kind="square", undefined="wrap"),
            df.ZigZag(10, 5, "pond"), df.ZigZag(50, 20, "around"),
            rf.Clouds((0, 0, 0), (255, 255, 255), 1), rf.DifferenceClouds(seed=1),
            rf.LensFlare(100, "zoom", (w / 3, h / 3), (0, 0, w, h)),
            rf.LensFlare(150, "movie", (w / 3, h / 3), (0, 0, w, h))]


if __name__ == "__main__":
    photo_bench(distort_ops)
