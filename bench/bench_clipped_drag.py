"""Dragging a layer that is part of a clipping group, on the 20-layer 4000x3000 photo
document; prints ms per move.

    python bench/bench_clipped_drag.py [--styled] [--base] [--moves N]

The document is bench_document's photo document with half its layers masked and its three
adjustment layers (`--masked --adjusted`); an object-sized cut-out (778x607) is clipped to
the middle layer. The clipped layer (or with --base, its full-canvas base) is moved by
(5, 3) per move and the Renderer updates, as the canvas does on every mouse move: at full
resolution (no view set: every changed pixel) and at the level the canvas draws a
document fitted in a 1600x1000 view (level 2). For each: the first move (it makes the
caches around the clipping group; the editor makes them while idle), the median of the
others, the exact redraw when the drag settles, and whether the settled picture equals a
fresh render. --styled gives the base a Color Overlay in Overlay mode, which Photoshop
draws over the layers clipped to it. The machine is shared; figures vary with its load.
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


def main() -> None:
    import bench_document as B
    from editor.model import Layer
    from editor.model.layer_effects import ColorOverlay, LayerEffects
    from editor.model.render import Renderer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styled", action="store_true", help="a Color Overlay on the base")
    parser.add_argument("--base", action="store_true", help="drag the base, not the clipped")
    parser.add_argument("--moves", type=int, default=6)
    args = parser.parse_args()

    doc = B.photo_document(20)
    B.mask_half(doc)
    B.add_adjustments(doc)
    kids = doc.root.children
    base = kids[9]
    if args.styled:
        base.effects = LayerEffects(color_overlays=(
            ColorOverlay(color=(200, 80, 20), opacity=40.0, blend_mode="overlay"),))
    clipped = Layer("clipped", B.object_layer(np.random.default_rng(1), B.photos()), 1500, 1200)
    clipped.clipping = True
    clipped.parent = doc.root
    kids.insert(10, clipped)
    moving = base if args.base else clipped
    print(f"Dragging {'the base' if args.base else 'a layer clipped to'} '{base.name}'"
          f"{' (Color Overlay)' if args.styled else ''}, {B.W}x{B.H}, load "
          f"{os.getloadavg()[0]:.1f}")
    renderer = Renderer(doc)
    renderer.update()
    for level, label in ((0, "full resolution"), (2, "fitted, level 2")):
        renderer.set_view(level, None)
        renderer.set_focus(moving)
        times = []
        for _ in range(args.moves):
            start = time.perf_counter()
            doc.translate(moving, 5, 3, merge_key="bench")
            renderer.update()
            times.append((time.perf_counter() - start) * 1000)
        renderer.set_focus(None)
        renderer.settle()
        start = time.perf_counter()
        renderer.update()
        settle = (time.perf_counter() - start) * 1000
        print(f"  {label:16s} first move {times[0]:6.0f} ms, then {statistics.median(times[1:]):6.1f}"
              f" ms per move; settling {settle:5.0f} ms")
    fresh = Renderer(doc)
    fresh.update()
    print("  settled picture equals a fresh render:",
          np.array_equal(fresh.composite.array, renderer.composite.array))


if __name__ == "__main__":
    main()
