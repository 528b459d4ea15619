"""Edit > Perspective Warp's resampling (editor/model/perspective_warp.py) of a 2000x1500
photo-sized layer with two joined planes warped; prints the median ms of the live preview
(the mode's own `_bent_preview` in an offscreen window: the layer reduced to 1024 px wide
once, then warped on the preview's mesh and made a picture for the canvas) and of a
commit's full-size `warp_pixels`.

    QT_QPA_PLATFORM=offscreen python bench/bench_perspective_warp.py [--size 2000x1500]

The preview figure is what one drag move costs.
The machine is shared; figures vary with its load.
"""
from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from timing import opaque_noise, size_and_runs  # noqa: E402


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from editor.model import Document, perspective_warp as pw
    from editor.ui.main_window import MainWindow
    from editor.ui.settings import Settings

    w, h, runs = size_and_runs(__doc__.splitlines()[0])
    pixels = opaque_noise(w, h)
    # Two planes sharing a side, over most of the layer; four corners dragged.
    s = np.array([w, h], np.float64)
    points = np.array([(0.1, 0.1), (0.5, 0.12), (0.52, 0.9), (0.08, 0.92), (0.9, 0.15),
                       (0.92, 0.85)]) * s
    quads = np.array([(0, 1, 2, 3), (1, 4, 5, 2)])
    warped = points + np.array([(0, 0), (0.02, -0.03), (0.01, 0.02), (0, 0), (-0.03, 0.0),
                                (0.0, 0.03)]) * s
    app = QApplication.instance() or QApplication([])
    settings = Settings()
    settings.warm_up = False
    window = MainWindow(settings)
    window.resize(1200, 800)
    window.show()
    doc = Document(w, h)
    doc.add_image(pixels, "Layer", 0, 0)
    window.add_session(doc, "bench")
    app.processEvents()
    window.actions["perspective_warp"].trigger()
    tool = window.tools.mode
    tool.points, tool.quads, tool.mode = points, quads, "warp"

    def preview(k):
        tool.warped = warped.copy()
        tool.warped[1] += k + 1  # each move a new key: no cached picture
        return tool._bent_preview()

    cases = [("preview (one drag move)", preview),
             ("commit (full size)", lambda k: pw.warp_pixels(pixels, (0, 0), points, quads,
                                                             warped))]
    preview(0)  # imports and first-call set-up out of the figures
    app.processEvents()
    print(f"{w}x{h} layer, median of {runs} runs")
    for name, run in cases:
        times = []
        for k in range(runs):
            t = time.perf_counter()
            run(k)
            times.append(time.perf_counter() - t)
        print(f"  {name:28s} {statistics.median(times) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
