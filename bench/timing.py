"""Helpers shared by the bench scripts: the timing of one call run several times, the
photo-sized opaque noise layer several of them time on, and a real main window (offscreen)
with skimage's coffee opened in it."""
from __future__ import annotations

import statistics
import time

import numpy as np


def median_ms(run, runs: int) -> float:
    """The median wall time of `runs` calls of `run()`, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def opaque_noise(w: int, h: int) -> np.ndarray:
    """A w x h RGBA layer of seeded random colours, fully opaque (the same every run)."""
    pixels = np.random.default_rng(0).integers(0, 256, (h, w, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    return pixels


def size_and_runs(description: str, size: str = "2000x1500", runs: int = 5):
    """The bench's --size WxH and --runs arguments: (width, height, runs)."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", default=size)
    parser.add_argument("--runs", type=int, default=runs)
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    return w, h, args.runs


def coffee_window(width: int, height: int):
    """(app, window): a shown 1200 x 800 main window with settings of its own (no warm-up)
    and skimage's coffee resized to width x height opened through File > Open; the error
    dialog prints instead of waiting."""
    import os
    import tempfile

    import skimage.data
    from PIL import Image
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    import editor.ui.dialogs as dialogs
    from editor.ui.main_window import MainWindow
    from editor.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    tmp = tempfile.mkdtemp()
    settings = Settings(QSettings(os.path.join(tmp, "s.ini"), QSettings.Format.IniFormat))
    settings.recovery_dir = os.path.join(tmp, "recovery")
    settings.warm_up = False
    w = MainWindow(settings)
    w.resize(1200, 800)
    w.show()
    rgb = np.asarray(Image.fromarray(skimage.data.coffee()).resize((width, height),
                                                                  Image.Resampling.LANCZOS))
    png = os.path.join(tmp, "coffee.png")
    Image.fromarray(rgb).save(png)
    dialogs.ask_open_paths = lambda *a, **k: [png]
    dialogs.show_error = lambda parent, title, message: print("ERROR", title, message)
    dialogs.ask_save_changes = lambda parent, name: "discard"
    w.actions["open"].trigger()
    end = time.perf_counter() + 60
    while w.doc is None and time.perf_counter() < end:
        app.processEvents()
    if w.doc is None:
        raise SystemExit("the photo did not open within 60 s")
    return app, w
