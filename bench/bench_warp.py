"""Edit > Transform > Warp's resampling (editor/model/warp.py) of a 2000x1500 photo-sized
layer; prints the median ms per commit for each style, and the Free Transform perspective
resampling of the same layer for comparison.

    python bench/bench_warp.py [--size 2000x1500] [--runs 5]

Each figure is `warp_pixels` as a commit calls it (bounds, inverse map, premultiplied
bilinear remap, back to straight RGBA), with Bend 50 % and a custom grid whose corner and
handles were dragged, split grids (3x3, 5x5, 12x12 patches) with one anchor dragged, and
two vertical styles. The machine is shared; figures vary with its load.
"""
from __future__ import annotations

import os
import statistics
import sys
import time


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from timing import opaque_noise, size_and_runs  # noqa: E402


def main() -> None:
    from editor.model import warp
    from editor.model.resample import perspective_pixels

    w, h, runs = size_and_runs(__doc__.splitlines()[0])
    pixels = opaque_noise(w, h)  # (its alpha does not matter to a warp's cost)
    box = (0, 0, w, h)
    custom = warp.identity(box)
    custom[2:, 2:] += (-0.25 * w, -0.2 * h)
    custom[1, 1] += (0.1 * w, 0.1 * h)
    cases = [("identity", lambda: warp.warp_pixels(pixels, warp.identity(box), box)),
             ("custom", lambda: warp.warp_pixels(pixels, custom, box))]
    for style in warp.PRESETS:
        grid = warp.preset(style, 0.5, box)
        cases.append((style, lambda g=grid: warp.warp_pixels(pixels, g, box)))
    for n in (3, 5, 12):  # split grids (Grid menu): an anchor's block dragged
        knots = (warp.uniform(n), warp.uniform(n))
        grid = warp.identity(box, knots)
        grid[2:5, 2:5] += (0.04 * w, 0.05 * h)
        cases.append((f"{n}x{n} grid, anchor dragged",
                      lambda g=grid, k=knots: warp.warp_pixels(pixels, g, box, knots=k)))
    for style in ("Arc", "Flag"):
        grid = warp.preset(style, 0.5, box, vertical=True)
        cases.append((f"{style} vertical", lambda g=grid: warp.warp_pixels(pixels, g, box)))
    skew = [[1.0, 0.1, 0.0], [0.05, 1.0, 0.0], [0.0001 / w, 0.0, 1.0]]
    cases.append(("perspective (Free Transform)", lambda: perspective_pixels(pixels, skew)))
    cases[0][1]()  # imports and first-call set-up out of the figures
    print(f"{w}x{h} layer, median of {runs} runs")
    for name, run in cases:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            out, _, _ = run()
            times.append(time.perf_counter() - start)
        print(f"  {name:30s} {1000 * statistics.median(times):7.0f} ms   -> {out.shape[1]}x{out.shape[0]}")


if __name__ == "__main__":
    main()
