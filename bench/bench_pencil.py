"""The Brush group's cost per dab on a 2000 x 1500 photo layer: Brush, Pencil (aliased dabs
through the same `BrushStroke`), Color Replacement (each of its Limits) and the Mixer Brush
(whose dabs fall 5 % of the diameter apart, Smudge's spacing, against the others' 25 %),
as the tools run them (dab coverage, selection, `PixelEdit.apply`, the tool's maths); prints the median
ms per dab for each brush size, and the stroke's set-up (its press) once.

    python bench/bench_pencil.py [--sizes 30,100,300]

The redraw is not included (bench_brush.py measures it for the brush's dabs). The machine
is shared: figures are provisional.
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

W, H = 2000, 1500


def main() -> None:
    import skimage.data
    from PIL import Image

    from editor.model import Document
    from editor.model.brush_stroke import BrushStroke, pixel_layer
    from editor.model.color_replace import ColorReplaceStroke
    from editor.model.dabs import SPACING, dab_centres
    from editor.model.focus import SMUDGE_SPACING
    from editor.model.mixer import MixerStroke

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,100,300")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rgb = np.asarray(Image.fromarray(skimage.data.astronaut()).resize((W, H)))
    doc = Document(W, H)
    layer = doc.add_image(np.dstack([rgb, np.full((H, W), 255, np.uint8)]), "Photo", 0, 0)

    def brush(edit, size, aliased):
        return BrushStroke(doc, edit, (0, 0), size, 1.0, 1.0,
                           pixel_layer((200, 40, 30), 1.0, False, False), aliased)

    def replace(edit, size, limits):
        return ColorReplaceStroke(doc, layer, edit, size, 1.0, (40, 170, 60), "color", 0.3,
                                  "continuous", limits, True)

    strokes = {"brush": lambda e, s: brush(e, s, False),
               "pencil": lambda e, s: brush(e, s, True),
               "replace/discontiguous": lambda e, s: replace(e, s, "discontiguous"),
               "replace/contiguous": lambda e, s: replace(e, s, "contiguous"),
               "replace/find_edges": lambda e, s: replace(e, s, "find_edges"),
               "mixer": lambda e, s: MixerStroke(doc, layer, e, s, 0.8, (40, 170, 60), 0.5,
                                                 0.5, 0.5, 1.0)}
    path = np.array([(200, 700), (1800, 700), (1800, 1100), (200, 1100)], float)
    for name, make in strokes.items():
        figures = []
        for size in sizes:
            t = time.perf_counter()
            edit = doc.begin_pixel_edit(layer, name, cover=doc.canvas)
            stroke = make(edit, size)
            press = time.perf_counter() - t
            times = []
            spacing = SMUDGE_SPACING / SPACING if name == "mixer" else 1.0
            for c in dab_centres(path, size * spacing)[:200]:
                t = time.perf_counter()
                stroke.dabs([tuple(c)])
                times.append(time.perf_counter() - t)
            doc.end_pixel_edit(edit)
            doc.history.undo()
            figures.append(f"{size:4d} px {statistics.median(times[1:]) * 1000:6.2f} ms"
                           f" (press {press * 1000:.0f} ms)")
        print(f"{name:22s}" + "   ".join(figures))


if __name__ == "__main__":
    main()
