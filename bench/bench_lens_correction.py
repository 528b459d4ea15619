"""Cost of Filter > Lens Correction on a photo (2000 x 1500 by default).

    python bench/bench_lens_correction.py [--runs 3] [--size 2000x1500] [--transparent]

Times `filter_ops.run` (what the dialog's worker runs for a preview and for OK, in bands)
for one correction at a time and all of them together (three channel maps: red, green and
blue fringes set), median of `--runs` after one warm-up, and `show` + `take_back`.
Figures on the shared 2-core machine are noisy.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_distort import photo_bench  # noqa: E402
from editor.model.lens_correction import LensCorrection as L  # noqa: E402


def lens_ops(w: int, h: int) -> list:
    return [L(distortion=40), L(red=30, blue=-20), L(vignette=-50), L(vertical=-30),
            L(angle=3.5, scale=110),
            L(distortion=40, red=30, green=10, blue=-20, vignette=-50, vertical=-30,
              horizontal=10, angle=3.5, scale=110, edge="extend")]


if __name__ == "__main__":
    photo_bench(lens_ops)
