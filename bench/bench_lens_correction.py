"""Cost of Filter > Lens Correction on a photo (2000 x 1500 by default).

    python bench/bench_lens_correction.py [--runs 3] [--size 2000x1500] [--transparent]

Times `filter_ops.run` (what the dialog's worker runs for a preview and for OK, in bands)
for one correction at a time and all of them together (three channel maps: red, green and
blue fringes set), median of `--runs` after one warm-up, and `show` + `take_back`.
Figures on the shared 2-core machine are noisy.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_distort import photo  # noqa: E402
from bench_filters import time_filters  # noqa: E402
from editor.model import Document  # noqa: E402
from editor.model.layers import Layer  # noqa: E402
from editor.model.lens_correction import LensCorrection as L  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="2000x1500")
    parser.add_argument("--transparent", action="store_true")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    ops = [L(distortion=40), L(red=30, blue=-20), L(vignette=-50), L(vertical=-30),
           L(angle=3.5, scale=110),
           L(distortion=40, red=30, green=10, blue=-20, vignette=-50, vertical=-30,
             horizontal=10, angle=3.5, scale=110, edge="extend")]
    pixels = photo(w, h)
    if args.transparent:
        pixels[:, : w // 2, 3] = 0
    doc = Document(w, h)
    layer = Layer("bench", pixels)
    doc.add_layer(layer)
    print(f"{w}x{h}, {'half transparent' if args.transparent else 'opaque'}:")
    time_filters(doc, layer, ops, args.runs)


if __name__ == "__main__":
    main()
