"""Cost of the filters of `extra_filters` and `cell_filters` (Average ... Wind, Crystallize ...)
on a 2000 x 1500 photo (skimage's astronaut): `filter_ops.run`, what a dialog's preview and
OK run, once each after numba's kernel has loaded. Figures on the shared 2-core machine are
noisy.

    python bench/bench_extra_filters.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from editor.model import Document, cell_filters as cf, extra_filters as ef, filter_ops  # noqa: E402
from editor.model.layers import Layer  # noqa: E402
from ui_helpers import photo  # noqa: E402

W, H = 2000, 1500
pix = photo(W, H, "astronaut")
ops = [ef.Average(), ef.Blur(), ef.BlurMore(), ef.LensBlur(), ef.LensBlur(8, 50, 50, 0, 50, 230),
       ef.RadialBlur(10, "spin", "draft"),
       ef.RadialBlur(10, "spin", "good"), ef.RadialBlur(10, "spin", "best"),
       ef.RadialBlur(100, "spin", "good"), ef.RadialBlur(30, "zoom", "good"),
       ef.RadialBlur(100, "zoom", "best"), ef.Sharpen(), ef.SharpenEdges(), ef.SharpenMore(),
       ef.SmartSharpen(), ef.SmartSharpen(200, 10.0, 10, "lens"),
       ef.SmartSharpen(200, 5.0, 10, "motion", 30),
       ef.SmartSharpen(shadow_fade=50, highlight_fade=50, shadow_radius=30),
       ef.Despeckle(), ef.ReduceNoise(),
       ef.ReduceNoise(10, 0, 100, 50),
       ef.Diffuse(), ef.OilPaint(), ef.OilPaint(10, 10, 10, 10), ef.Solarize(), ef.Wind(), ef.Wind("blast"), ef.Wind("stagger"), ef.Tiles(),
       cf.ColorHalftone(), cf.Crystallize(10), cf.Crystallize(100), cf.Facet(), cf.Fragment(),
       cf.Pointillize(), cf.Pointillize(50)]


def main() -> None:
    doc = Document(W, H)
    layer = Layer("photo", pix.copy())
    doc.add_layer(layer)
    target = filter_ops.prepare(doc, layer)
    filter_ops.run(target, cf.Crystallize(10))  # (numba's kernel compiled or loaded)
    for op in ops:
        t0 = time.perf_counter()
        filter_ops.run(target, op)
        print(f"{time.perf_counter() - t0:6.2f} s  {op!r}")


if __name__ == "__main__":
    main()
