"""Brush dabs on the 4000x3000 document: the cost of one dab (paint, then the redraw) on a
layer's pixels and on its layer mask; prints medians per dab, wall and CPU.

    python bench/bench_brush.py [--dabs N] [--sizes 60,300]

The document is bench_document's "typical" one (a photo and 19 cut-outs) with half its
layers masked (`bench_document.mask_half`). One layer in the middle of the stack is painted
as the Brush tool paints (editor/model/brush_stroke.py): the renderer is told the layer is the
focus, a stroke runs back and forth across the layer in dabs a quarter diameter apart, and
after each dab the renderer updates, as the canvas does on every mouse move. Three cases on
the same layer: (1) its pixels, no mask; (2) its pixels, with a mask; (3) its mask.
Issue 15: painting on a mask keeps the brush's per-dab cost. Three more on its pixels with
Brush Settings' tips (brush_tip.py): flattened and turned, a sampled star, and with
jitters and a scatter of two dabs a step (a "dab" there is one spacing step). The machine is shared: the load
is printed, and CPU seconds beside wall seconds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def time_dabs(brush, renderer, point, dabs: int) -> tuple[float, float]:
    """Median (wall ms, CPU ms) per dab of `brush` at `point(k)`, k = 1..dabs, each dab
    followed by a renderer update as the canvas redraws on every mouse move. Dab 0 builds
    the focus caches and is left out."""
    walls, cpus = [], []
    for k in range(dabs + 1):
        x, y = point(k)
        wall, cpu = time.perf_counter(), time.process_time()
        brush.dabs([(x, y)])
        renderer.update()
        if k:
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def stroke(doc, layer, size: int, dabs: int, on_mask: bool, tip=None) -> tuple[float, float]:
    """Median (wall ms, CPU ms) per dab of one stroke, as the Brush tool paints it."""
    from editor.model import mask_ops
    from editor.model.brush_stroke import BrushStroke, mask_layer, pixel_layer
    from editor.model.render import Renderer

    renderer = Renderer(doc)
    renderer.update()
    renderer.set_focus(layer)
    if on_mask:
        edit = mask_ops.begin_mask_stroke(doc, layer, "Brush", doc.canvas)
        target, lay = layer.mask, mask_layer(0, 1.0)
    else:
        edit = doc.begin_pixel_edit(layer, "Brush", cover=doc.canvas)
        target, lay = layer, pixel_layer((200, 40, 30), 1.0, False, False)
    brush = BrushStroke(doc, edit, (target.x, target.y), size, 0.8, 1.0, lay, tip=tip, seed=1)
    bounds = layer.bounds().intersect(doc.canvas)
    step = max(1.0, size / 4)

    def point(k: int) -> tuple[float, float]:
        along = (k * step) % (2 * max(1, bounds.w - 1))
        return (bounds.x + (along if along < bounds.w else 2 * bounds.w - along),
                bounds.y + bounds.h / 2)

    timing = time_dabs(brush, renderer, point, dabs)
    if on_mask:
        mask_ops.end_mask_stroke(doc, edit)
    else:
        doc.end_pixel_edit(edit)
    renderer.close()
    doc.history.undo()
    return timing


def main() -> None:
    from bench_document import W, H, mask_half, typical_document
    from editor.model import LayerMask

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dabs", type=int, default=40, help="dabs per stroke (median)")
    parser.add_argument("--sizes", default="60,300", help="brush diameters in pixels")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    doc = typical_document()
    mask_half(doc)
    layers = list(doc.layers())
    layer = layers[10]  # unmasked by mask_half (odd layers are masked)
    assert layer.mask is None
    print(f"Brush dabs, {W}x{H} typical document ({len(layers)} layers, "
          f"{sum(n.mask is not None for n in layers)} masked); painted: '{layer.name}' "
          f"{layer.width}x{layer.height}; median of {args.dabs} dabs; {os.cpu_count()} CPU "
          f"cores; load {os.getloadavg()[0]:.1f}")
    h, w = layer.height, layer.width
    yy, xx = np.ogrid[0:h, 0:w]
    r = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2))
    mask = LayerMask(np.clip((1.2 - r) * 255, 0, 255).astype(np.uint8), layer.x, layer.y,
                     default=0)
    from editor.model.brush_tip import BrushTip, default_presets

    star = next(p for p in default_presets() if p.name == "Star").tip
    for size in sizes:
        for label, masked, on_mask, tip in (
                ("pixels, layer without a mask", False, False, None),
                ("pixels, layer with a mask", True, False, None),
                ("its layer mask", True, True, None),
                ("pixels, 50 % round at 30°", False, False, BrushTip(angle=30, roundness=0.5)),
                ("pixels, sampled star tip", False, False, star),
                ("pixels, jitters, scatter x2", False, False,
                 BrushTip(size_jitter=0.5, angle_jitter=0.5, roundness=0.6, scatter=1.0,
                          count=2))):
            layer.mask = mask.copy() if masked else None
            layer.changed()
            wall, cpu = stroke(doc, layer, size, args.dabs, on_mask, tip)
            print(f"  {size:4d} px dab on {label:<30} {wall:7.1f} ms wall {cpu:7.1f} ms CPU "
                  f"per dab (paint + redraw)")
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
