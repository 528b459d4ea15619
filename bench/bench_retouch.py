"""The retouching brushes' cost per dab (Dodge, Burn, Sponge, Blur, Sharpen, Smudge): the
model's stroke as the tools run it (dab coverage, selection, `PixelEdit.apply`, the tool's
maths) on a 2048 x 2048 photo; prints the median ms per dab for each brush size.

    python bench/bench_retouch.py [--sizes 60,300]

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


def main() -> None:
    import skimage.data
    from PIL import Image

    from editor.model import Document
    from editor.model.dabs import SPACING, dab_centres
    from editor.model.focus import SMUDGE_SPACING, FocusStroke, SmudgeStroke
    from editor.model.tone import dodge_burn_stroke, sponge_stroke

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="60,300")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rgb = np.asarray(Image.fromarray(skimage.data.astronaut()).resize((2048, 2048)))
    doc = Document(2048, 2048)
    layer = doc.add_image(np.dstack([rgb, np.full((2048, 2048), 255, np.uint8)]), "Photo", 0, 0)
    brushes = {
        "dodge": (lambda e, s: dodge_burn_stroke(doc, layer, e, s, 0.0, "midtones", 0.5, False),
                  SPACING),
        "burn": (lambda e, s: dodge_burn_stroke(doc, layer, e, s, 0.0, "shadows", 0.5, True),
                 SPACING),
        "sponge": (lambda e, s: sponge_stroke(doc, layer, e, s, 0.0, 0.5, True, True), SPACING),
        "blur": (lambda e, s: FocusStroke(doc, layer, e, s, 0.0, 0.5, False), SPACING),
        "sharpen": (lambda e, s: FocusStroke(doc, layer, e, s, 0.0, 0.5, True), SPACING),
        "smudge": (lambda e, s: SmudgeStroke(doc, layer, e, s, 0.0, 0.5), SMUDGE_SPACING),
    }
    path = np.array([(200, 1000), (1800, 1000), (1800, 1400), (200, 1400)], float)
    for name, (make, spacing) in brushes.items():
        figures = []
        for size in sizes:
            edit = doc.begin_pixel_edit(layer, name, cover=layer.bounds())
            stroke = make(edit, size)
            times = []
            for c in dab_centres(path, size * spacing / SPACING):
                t = time.perf_counter()
                stroke.dabs([tuple(c)])
                times.append(time.perf_counter() - t)
            doc.end_pixel_edit(edit)
            figures.append(f"{size:4d} px {statistics.median(times[1:]) * 1000:6.2f} ms")
        print(f"{name:8s}" + "   ".join(figures))


if __name__ == "__main__":
    main()
