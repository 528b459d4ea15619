"""Cost of the Filter Gallery's Distort filters, the Artistic ones of `gallery_artistic` and the
Brush Strokes, Sketch and Texture ones of `gallery_brush_strokes`, `gallery_sketch` and
`gallery_texture` (each at its defaults, and some at their costliest settings) on a 1 MP photo (skimage's astronaut at 1155 x 866): `filter_ops.run`, what the gallery's
preview and OK run, best of two runs each (the shared 2-core machine is noisy: the load
average is printed with the figures).

    python bench/bench_gallery_more.py ["Stained Glass" ...]
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from editor.model import Document, filter_ops  # noqa: E402
from editor.model import gallery_artistic as ga, gallery_distort as gd  # noqa: E402
from editor.model import gallery_brush_strokes as gb, gallery_sketch as gs  # noqa: E402
from editor.model import gallery_texture as gt  # noqa: E402
from editor.model.layers import Layer  # noqa: E402
from ui_helpers import photo  # noqa: E402

W, H = 1155, 866  # 1.0 MP
ops = [gd.DiffuseGlow(), gd.Glass(), gd.Glass(20, 15, "blocks"), gd.Glass(texture="canvas"),
       gd.Glass(texture="tiny_lens"), gd.OceanRipple(), gd.OceanRipple(15, 20)] + \
    [cls() for cls in ga.EFFECTS.values()] + \
    [ga.PaintDaubs(50, 40, "wide_sharp"), ga.PaletteKnife(50, 1, 10), ga.Underpainting(40, 40)] + \
    [cls() for m in (gb, gs, gt) for cls in m.EFFECTS.values()] + \
    [gb.Spatter(25, 15), gb.SprayedStrokes(20, 25), gs.WaterPaper(50), gs.Stamp(25, 50),
     gt.Grain(type="clumped"), gt.Grain(type="vertical"), gt.MosaicTiles(100, 15),
     gt.Patchwork(10, 25), gt.StainedGlass(2, 1), gt.StainedGlass(50, 20, 10)]
ONLY = sys.argv[1:]  # labels to time (all when none given)


def main() -> None:
    pix = photo(W, H, "astronaut")
    doc = Document(W, H)
    layer = Layer("photo", pix.copy())
    doc.add_layer(layer)
    target = filter_ops.prepare(doc, layer)
    print(f"{W} x {H}, load average {os.getloadavg()[0]:.1f}")
    for op in ops:
        if ONLY and op.label not in ONLY:
            continue
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            filter_ops.run(target, op)
            best = min(best, time.perf_counter() - t0)
        print(f"{best:6.2f} s  {op!r}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
