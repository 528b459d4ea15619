"""Cost of snapping per mouse move (move tool, marquee), on a 20-layer 4000x3000 document.

    python bench/bench_snap.py [--repeat 2000]

Times `CanvasChrome.snap_offset` (a layer's box against guides, the canvas edges and,
with Snap to Layers, every other layer's edges) and `snap_point`, per call. The layers
are small here: snapping reads only their boxes, never their pixels.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    import numpy as np
    from PySide6.QtCore import QPointF, QSettings

    from editor.app import create_application
    from editor.model import Document
    from editor.ui.main_window import MainWindow
    from editor.ui.settings import Settings

    create_application()
    tmp = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".bench_snap.ini")
    window = MainWindow(Settings(QSettings(tmp, QSettings.Format.IniFormat)))
    doc = Document(4000, 3000)
    rng = np.random.default_rng(0)
    for i in range(20):
        doc.add_image(np.full((8, 8, 4), 255, np.uint8), f"L{i}", int(rng.integers(0, 3900)),
                      int(rng.integers(0, 2900)))
    session = window.add_session(doc, "bench")
    chrome = session.canvas.chrome
    chrome.guides.extend([(False, 1000.0), (True, 700.0), (False, 2500.0)])
    layer = doc.active
    for snap_layers in (False, True):
        chrome.options.snap, chrome.options.snap_layers = True, snap_layers
        t = time.perf_counter()
        for i in range(args.repeat):
            chrome.snap_offset(layer.bounds(), i % 50, i % 30, skip=layer)
        offset_us = (time.perf_counter() - t) / args.repeat * 1e6
        t = time.perf_counter()
        for i in range(args.repeat):
            chrome.snap_point(QPointF(i % 4000, i % 3000))
        point_us = (time.perf_counter() - t) / args.repeat * 1e6
        print(f"snap to layers {'on ' if snap_layers else 'off'}: snap_offset {offset_us:.1f} us, "
              f"snap_point {point_us:.1f} us per call (budget per move: 30 ms)")
    os.remove(tmp) if os.path.exists(tmp) else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
