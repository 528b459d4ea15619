"""Cost of Filter > Camera Raw Filter on a photo (2000 x 1500 by default).

    python bench/bench_camera_raw.py [--runs 3] [--size 2000x1500]

Times `filter_ops.run` (what OK runs at full size) for the global sliders alone, the local
ones (Shadows, Highlights, Clarity, Texture), Dehaze, and everything at once; and the
dialog's preview of a reduced copy (`camera_raw.preview` at VIEW_SIDE px), median of
`--runs` after one warm-up. Figures on the shared 2-core machine are noisy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_distort import photo  # noqa: E402
from bench_filters import time_filters  # noqa: E402
from editor.model import Document  # noqa: E402
from editor.model import camera_raw as cr  # noqa: E402
from editor.model.layers import Layer  # noqa: E402

EVERYTHING = cr.CameraRaw(temperature=15, tint=5, exposure=0.3, contrast=20, highlights=-50,
                          shadows=50, whites=10, blacks=-10, texture=20, clarity=30, dehaze=20,
                          vibrance=25, saturation=5)


def main() -> None:
    import cv2

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="2000x1500")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    ops = [cr.CameraRaw(temperature=20, exposure=0.5, contrast=30, whites=20, blacks=-20,
                        vibrance=30),
           cr.CameraRaw(shadows=60, highlights=-60, clarity=40, texture=30),
           cr.CameraRaw(dehaze=50), EVERYTHING]
    doc = Document(w, h)
    pixels = photo(w, h)
    layer = Layer("bench", pixels)
    doc.add_layer(layer)
    print(f"{w}x{h}: global sliders, local sliders, Dehaze, everything:")
    time_filters(doc, layer, ops, args.runs)
    side = 720  # (camera_raw_dialog.VIEW_SIDE)
    f = side / max(w, h)
    small = cv2.resize(pixels, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    times = []
    for _ in range(args.runs + 1):
        start = time.perf_counter()
        cr.preview(EVERYTHING, small, f)
        times.append(time.perf_counter() - start)
    print(f"  the dialog's preview ({small.shape[1]}x{small.shape[0]}), everything: "
          f"{statistics.median(times[1:]) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
