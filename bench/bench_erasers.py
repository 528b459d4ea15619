"""The Background Eraser's cost per dab, and a Magic Eraser click, on a 2000x1500 layer.

    python bench/bench_erasers.py [--dabs N] [--sizes 50,200,500]

One pixel layer of a photo (skimage's cat, scaled up) fills a 2000x1500 document. A
Background Eraser stroke runs across it as the tool lays it (editor/model/erasers.py's
`BackgroundErase` weighing each dab of a `BrushStroke`), with a renderer update after each
dab, as the canvas does on every mouse move; medians per dab, wall and CPU, for each
Limits setting (Continuous sampling, Tolerance 50 %). Then a Magic Eraser click
(contiguous and not). The machine is shared: the load is printed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_brush import time_dabs  # noqa: E402

W, H = 2000, 1500


def photo_document():
    import skimage.data
    from PIL import Image

    from editor.model import Layer
    from editor.model.document import Document

    rgb = np.asarray(Image.fromarray(skimage.data.chelsea()).resize((W, H)))
    doc = Document(W, H)
    layer = Layer("Photo", np.dstack([rgb, np.full((H, W), 255, np.uint8)]), 0, 0)
    doc.add_layer(layer)
    return doc, layer


def stroke(doc, layer, size: int, dabs: int, limits: str) -> tuple[float, float]:
    """Median (wall ms, CPU ms) per dab of one Background Eraser stroke."""
    from editor.model import erasers
    from editor.model.brush_stroke import BrushStroke, pixel_layer
    from editor.model.render import Renderer

    renderer = Renderer(doc)
    renderer.update()
    renderer.set_focus(layer)
    edit = doc.begin_pixel_edit(layer, "Background Eraser", cover=layer.bounds())
    edit.overrides_transparency_lock = True
    weigh = erasers.BackgroundErase(edit, 0.5, "continuous", limits)
    brush = BrushStroke(doc, edit, (0, 0), size, 0.5, 1.0,
                        pixel_layer((0, 0, 0), 1.0, True, False), weigh)
    step = max(1.0, size / 4)
    timing = time_dabs(brush, renderer,
                       lambda k: (100 + (k * step) % (W - 200), H / 2 + 200 * np.sin(k / 10)),
                       dabs)
    doc.end_pixel_edit(edit)
    renderer.close()
    doc.history.undo()
    return timing


def main() -> None:
    from editor.model import erasers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dabs", type=int, default=40, help="dabs per stroke (median)")
    parser.add_argument("--sizes", default="50,200,500", help="brush diameters in pixels")
    args = parser.parse_args()
    doc, layer = photo_document()
    print(f"Background Eraser on a {W}x{H} photo layer; median of {args.dabs} dabs; "
          f"{os.cpu_count()} CPU cores; load {os.getloadavg()[0]:.1f}")
    for size in (int(s) for s in args.sizes.split(",")):
        for limits in erasers.LIMITS:
            wall, cpu = stroke(doc, layer, size, args.dabs, limits)
            print(f"  {size:4d} px, {limits:<14} {wall:7.1f} ms wall {cpu:7.1f} ms CPU per dab "
                  f"(erase + redraw)")
    for contiguous in (True, False):
        wall = time.perf_counter()
        erasers.magic_erase(doc, layer, W // 2, H // 2, contiguous=contiguous)
        ms = (time.perf_counter() - wall) * 1000
        doc.history.undo()
        print(f"  Magic Eraser click, {'contiguous' if contiguous else 'not contiguous'}: "
              f"{ms:.0f} ms")
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
