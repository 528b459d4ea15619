"""Paint Symmetry's cost: one 60-px dab (paint, then the redraw) on a 2000x1500 layer with
symmetry Off, Vertical, Radial 6 and Mandala 6; prints medians per dab, wall and CPU.

    python bench/bench_symmetry.py [--dabs N] [--size 60]

The stroke is laid as the Brush tool lays it (editor/model/brush_stroke.py, the renderer
told the layer is the focus and updated after each dab, as the canvas redraws on every
mouse move), along a line away from the centre so that the copies lie apart. A "dab" is
one spacing step: with Radial 6 it paints six dabs. The machine is shared: the load is
printed, and CPU seconds beside wall seconds.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

W, H = 2000, 1500


def stroke(doc, layer, size: int, dabs: int, symmetry) -> tuple[float, float]:
    """Median (wall ms, CPU ms) per dab of one stroke with `symmetry`."""
    from bench_brush import time_dabs
    from editor.model.brush_stroke import BrushStroke, pixel_layer
    from editor.model.render import Renderer

    renderer = Renderer(doc)
    renderer.update()
    renderer.set_focus(layer)
    edit = doc.begin_pixel_edit(layer, "Brush", cover=doc.canvas)
    brush = BrushStroke(doc, edit, (0, 0), size, 0.8, 1.0,
                        pixel_layer((200, 40, 30), 1.0, False, False), symmetry=symmetry)
    step = max(1.0, size / 4)
    timing = time_dabs(brush, renderer, lambda k: (300 + k * step, 400.0), dabs)
    doc.end_pixel_edit(edit)
    renderer.close()
    doc.history.undo()
    return timing


def main() -> None:
    from editor.model import Document, Layer
    from editor.model.symmetry import Symmetry

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dabs", type=int, default=40, help="dabs per stroke (median)")
    parser.add_argument("--size", type=int, default=60, help="brush diameter in pixels")
    args = parser.parse_args()
    doc = Document(W, H)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    layer = Layer("paint", pixels)
    layer.parent = doc.root
    doc.root.children.append(layer)
    print(f"Paint Symmetry, {args.size} px dabs on a {W}x{H} layer; median of {args.dabs} "
          f"dabs; {os.cpu_count()} CPU cores; load {os.getloadavg()[0]:.1f}")
    for kind, n in (("off", 6), ("vertical", 6), ("radial", 6), ("mandala", 6)):
        wall, cpu = stroke(doc, layer, args.size, args.dabs, Symmetry(kind, W / 2, H / 2, n))
        label = f"{kind} {n}" if kind in ("radial", "mandala") else kind
        print(f"  {label:<10} {wall:7.1f} ms wall {cpu:7.1f} ms CPU per dab (paint + redraw)")
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
