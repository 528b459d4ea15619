"""The healing blend's cost (`engine.healing.heal`, what the Healing Brush and the Patch
tool run on release) and its accuracy against SuperLU's exact solve of the same system.

    python bench/bench_healing.py [--root DIR]   # --root: another checkout, for "before"

Cases: a 500 x 500 patch (a square selection, one-pixel ring), a 100 px-wide stroke across
a 1000 x 1000 photo (a horizontal band with round ends, then corner to corner, where the
array healed is the whole photo), a 150 px disk, 400 x 400. Prints
the median of 3 runs (after one warm-up that compiles numba) and the largest difference
from the exact membrane, in levels. The machine is shared: figures are provisional.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cases():
    yield "500 x 500 patch", _square(500)
    h, w = 102, 1002            # the stroke's box and its one-pixel ring
    yy, xx = np.mgrid[:h, :w] + 0.5
    band = (np.abs(yy - h / 2) < 50) & (xx > 50) & (xx < w - 50)
    ends = (np.hypot(xx - 51, yy - h / 2) < 50) | (np.hypot(xx - (w - 51), yy - h / 2) < 50)
    yield "100 px stroke across 1000", band | ends
    n = 1002                    # the same stroke corner to corner: its box is the photo
    yy, xx = np.mgrid[:n, :n] + 0.5
    t = np.clip((xx + yy) / 2, 51, n - 51)          # the nearest point of the stroke's axis
    yield "100 px stroke, diagonal", np.hypot(xx - t, yy - t) < 50
    yy, xx = np.mgrid[:154, :154] + 0.5
    yield "150 px disk", np.hypot(xx - 77, yy - 77) < 75
    yield "400 x 400", _square(400)


def _square(n):
    region = np.zeros((n + 2, n + 2), bool)
    region[1:-1, 1:-1] = True
    return region


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=ROOT)
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import cv2
    import skimage.data

    from engine.healing import heal
    from test_healing_solve import exact_heal   # the reference the accuracy test uses

    photo = cv2.resize(skimage.data.astronaut(), (1100, 1100)).astype(np.float32)
    for name, region in cases():
        h, w = region.shape
        dest, source = photo[:h, :w], photo[40:40 + h, 90:90 + w]
        heal(dest, source, region)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            out = heal(dest, source, region)
            times.append(time.perf_counter() - t)
        err = np.abs(out - exact_heal(dest, source, region))[region].max()
        print(f"{name:28s} {statistics.median(times) * 1000:7.0f} ms  "
              f"(runs {', '.join(f'{t * 1000:.0f}' for t in times)})  "
              f"max error vs exact {err:.3f} levels")


if __name__ == "__main__":
    main()
