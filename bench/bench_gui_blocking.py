"""How long the GUI thread is blocked (the longest stretch without its event loop turning)
by Select > Color Range's OK, Content-Aware Scale's OK and a Quick Selection stroke on a
4000 x 3000 photo (scikit-image's coffee resized), in the real main window (offscreen).

    QT_QPA_PLATFORM=offscreen python bench/bench_gui_blocking.py [--repo PATH]

A 2 ms timer ticks on the GUI thread from just before the operation until its undo step
has landed; the longest gap between ticks is the freeze a user sees (the operation's own
time when it runs on the GUI thread; its preparing and landing when it runs as a job).
`--repo` measures another checkout (the code before a change) with this same script:
what runs after the dialog's OK is called the way that checkout's command calls it.

Figures on the shared 2-core machine (2026-12-02, load 1-2.5 from other work), longest
GUI freeze before (main at b2d6419) -> after (offui), two runs each:
  Color Range OK                 1173-1343 ms -> 94-223 ms  (landed after 0.7-1.1 s)
  Quick Selection stroke           771-1161 ms -> 20-28 ms   (landed after 0.3-0.45 s)
  Content-Aware Scale OK (75 %)  6456-8920 ms -> 136-262 ms (landed after 7.4-8.9 s)
What is left after is the landing: the 12 Mpx selection's ants (`CanvasView.mask_outline`,
~0.15 s for Color Range's 1200 contours) and the new layer pixels' recomposite.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--size", default="4000x3000")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.repo))
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QElapsedTimer, QPointF, Qt, QTimer
    from PySide6.QtTest import QTest

    import editor
    from editor.model import color_range as cr, content_scale as cs

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from timing import coffee_window

    print("code from", os.path.dirname(os.path.dirname(os.path.abspath(editor.__file__))))
    app, w = coffee_window(width, height)
    doc = w.doc
    cs.scaled_pixels(np.zeros((40, 40, 4), np.uint8), cs.ScaleOptions(width_pct=90))  # numba

    def measure(name: str, start, done) -> None:
        gaps = []
        clock = QElapsedTimer()
        last = [0]
        timer = QTimer()
        timer.setInterval(2)

        def tick():
            now = clock.elapsed()
            gaps.append(now - last[0])
            last[0] = now

        timer.timeout.connect(tick)
        timer.start()
        spin(app, 0.05)
        gaps.clear()
        clock.start()
        last[0] = 0
        t = time.perf_counter()
        start()
        call = time.perf_counter() - t
        spin_until(app, done, 120)
        total = time.perf_counter() - t
        spin(app, 0.02)
        timer.stop()
        print(f"{name:34s} longest GUI freeze {max(gaps):6.0f} ms (the call itself "
              f"{call * 1000:5.0f} ms)   until landed {total:6.2f} s", flush=True)

    def history_grew(count):
        return lambda: doc.history.count > count and not w.jobs.busy

    # Select > Color Range's OK (Sampled Colors, one sample on the coffee): what runs after it.
    command = w.select_commands.color_range
    image = cr.sampled_image(doc, None)
    settings_ = cr.ColorRange(samples=(cr.sample_of(image, width // 2, height * 3 // 10),))
    count = doc.history.count
    if hasattr(command, "select"):
        go = lambda: command.select(w.session, image, settings_, "replace")  # noqa: E731
    else:
        go = lambda: cr.apply(doc, image, settings_, "replace")  # noqa: E731
    measure("Color Range OK", go, history_grew(count))
    w.actions["deselect"].trigger()

    # A Quick Selection stroke, mouse press to the selection landing.
    w.canvas.set_zoom(0.25)
    w.tools.select("quick_select")
    tool = w.tools.current
    tool.set_size(int(16 * width / 600))
    tool.set_mode("add")
    sx, sy = width / 600, height / 400
    pts = [w.canvas.image_to_widget(QPointF(x * sx, y * sy)).toPoint()
           for x, y in [(200, 110), (245, 122), (290, 130), (335, 122), (380, 110)]]

    def stroke():
        button, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QTest.mousePress(w.canvas, button, none, pts[0])
        for p in pts[1:]:
            QTest.mouseEvent(QTest.MouseAction.MouseMove, w.canvas, button, none, p)
        QTest.mouseRelease(w.canvas, button, none, pts[-1])

    for i in range(2):
        count = doc.history.count
        measure(f"Quick Selection stroke {i + 1}", stroke, history_grew(count))

    # Content-Aware Scale's OK: the layer to 75 % wide.
    w.actions["deselect"].trigger()
    layer = doc.active
    options = cs.ScaleOptions(width_pct=75)
    commands = w.content_scale_commands
    count = doc.history.count
    if hasattr(commands, "scale"):
        go = lambda: commands.scale(doc, options, layer)  # noqa: E731
    else:
        go = lambda: cs.content_aware_scale(doc, options, layer)  # noqa: E731
    measure("Content-Aware Scale OK (75 % wide)", go, history_grew(count))
    w.close()


def spin(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def spin_until(app, done, timeout: float) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("the operation did not land")
        app.processEvents()
        time.sleep(0.001)


if __name__ == "__main__":
    main()
