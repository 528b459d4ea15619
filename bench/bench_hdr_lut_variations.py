"""HDR Toning, Color Lookup and Variations on a 12 MP photo (4000 x 3000), as OK runs
them (`filter_ops.run`, bands and all), and HDR Toning's reduced preview (720 px, what
each slider move costs). Prints wall and CPU seconds of a second run (the first loads
the kernels and fills the screen's colour lookups).

    python bench/bench_hdr_lut_variations.py
"""
from __future__ import annotations

import time

import numpy as np


def main() -> None:
    import cv2
    import skimage.data

    from editor.model import adjustments as adj, color_lookup as cl, filter_ops
    from editor.model import hdr_toning as hdr, pixel_filters as pf, variations as var
    from editor.model.document import Document
    from editor.model.layers import Layer
    from editor.ui.color_range import reduced

    rgb = cv2.resize(skimage.data.chelsea(), (4000, 3000), interpolation=cv2.INTER_CUBIC)
    pixels = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    doc = Document(4000, 3000)
    layer = Layer("photo", pixels, 0, 0)
    doc.add_layer(layer)
    target = filter_ops.prepare(doc, layer, "adjust")
    swap = cl.cube_text(np.ascontiguousarray(cl.identity(33)[..., ::-1]))
    ops = {"HDR Toning Default": hdr.PRESETS["Default"],
           "HDR Toning Default + Edge Smoothness": hdr.HDRToning(smooth_edges=True),
           "HDR Toning Surrealistic (radius 150)": hdr.PRESETS["Surrealistic"],
           "HDR Toning Equalize Histogram": hdr.HDRToning(method="equalize"),
           "Color Lookup 33^3 tetrahedral": pf.Adjust(adj.ColorLookup("s", swap)),
           "Color Lookup 33^3 trilinear": pf.Adjust(adj.ColorLookup(
               "s", swap, interpolation="trilinear")),
           "Variations (More Red, Saturation)": var.Variations(midtones=(8, 0, 0),
                                                               saturation=12)}
    for name, op in ops.items():
        if not name.endswith("Edge Smoothness"):  # (kernels loaded, lookups filled)
            filter_ops.run(target, op)
        start, cpu = time.perf_counter(), time.process_time()
        filter_ops.run(target, op)
        print(f"{name}: {time.perf_counter() - start:.2f} s "
              f"(CPU {time.process_time() - cpu:.2f} s)")
    small, scale = reduced(pixels, 720)
    for name in ("Default", "Surrealistic"):
        hdr.preview(hdr.PRESETS[name], small, scale)
        start = time.perf_counter()
        for _ in range(5):
            hdr.preview(hdr.PRESETS[name], small, scale)
        print(f"HDR Toning preview {small.shape[1]}x{small.shape[0]} {name}: "
              f"{(time.perf_counter() - start) / 5 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
