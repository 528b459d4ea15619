"""Select > Color Range on a 4000x3000 photo: how long the range takes to compute.

    python bench/bench_color_range.py [--runs 5]

A real photo (skimage's astronaut, resized to 4000x3000 with Lanczos, so it holds
about 0.8 million distinct colours as a camera's picture does) is run through
`color_range.range_mask` for each kind of range: Sampled Colors with one sample,
with three (one subtracted), with Localized Color Clusters (Range 30 %), Reds and
Midtones. "cold" starts from the picture (the distinct colours found first, as OK
does); "warm" reuses them (`Colours`, as a dialog would between slider moves).
Median of `--runs`; figures on the shared 2-core machine are provisional.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from editor.model import color_range as cr  # noqa: E402


def photo(w: int = 4000, h: int = 3000) -> np.ndarray:
    import skimage.data
    from PIL import Image

    rgb = np.asarray(Image.fromarray(skimage.data.astronaut()).resize(
        (w, h), Image.Resampling.LANCZOS))
    return np.ascontiguousarray(np.dstack([rgb, np.full((h, w), 255, np.uint8)]))


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    image = photo()
    sky = cr.sample_of(image, 3600, 300)
    suit = cr.sample_of(image, 1500, 2500)
    flag = cr.sample_of(image, 3300, 2100, subtract=True)
    cases = {
        "sampled, 1 sample": cr.ColorRange(samples=(sky,)),
        "sampled, 3 samples (1 subtracted)": cr.ColorRange(samples=(sky, suit, flag)),
        "sampled, localized (Range 30 %)": cr.ColorRange(samples=(sky, suit), localized=True,
                                                         range_pct=30),
        "reds": cr.ColorRange(select="reds"),
        "midtones": cr.ColorRange(select="midtones", fuzziness=20, tone_range=(105, 150)),
    }
    colours = cr.Colours(image)
    print(f"4000x3000, {len(colours.rgb)} distinct colours; "
          f"finding them: {timed(lambda: cr.Colours(image), args.runs):.3f} s")
    for name, settings in cases.items():
        cold = timed(lambda: cr.range_mask(image, settings), args.runs)
        warm = timed(lambda: cr.range_mask(colours, settings), args.runs)
        print(f"{name:36s} cold {cold:.3f} s   warm {warm:.3f} s")


if __name__ == "__main__":
    main()
