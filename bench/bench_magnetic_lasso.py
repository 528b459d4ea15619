"""How long the Magnetic Lasso holds the GUI thread on a 2000 x 1500 photo (scikit-image's
coffee resized), in the real main window (offscreen): the first click (the picture taken,
the first point put on an edge), each mouse move while tracing round the cup's rim (the
outline found and painted, points fastening themselves), a click as far again along the
rim (a long segment: the worst case for the map), and Enter (the outline closed back to
the first point along the edges and selected), at 50 % and 100 %; and the Polygonal
Lasso's moves (the canvas's repaint alone) for comparison.

    QT_QPA_PLATFORM=offscreen python bench/bench_magnetic_lasso.py [--size 2000x1500]

Each figure is the handler plus the repaint it asks for (events processed until idle).
Figures: see the README's Magnetic Lasso paragraph."""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="2000x1500")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    from timing import coffee_window

    app, w = coffee_window(width, height)
    doc, canvas = w.doc, w.canvas
    w.tools.select("lasso")
    tool = w.tools.current
    tool.set_shape("magnetic")
    button, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # The cup's rim in the coffee photo (fractions of the picture), traced round.
    cx, cy, rx, ry = 0.5 * width, 0.42 * height, 0.33 * width, 0.3 * height

    def at(t: float):
        return canvas.image_to_widget(QPointF(cx + rx * math.cos(t), cy + ry * math.sin(t))).toPoint()

    def settle(seconds: float = 1.5) -> None:
        """Lets the canvas finish its idle work (the exact redraw after a zoom) first."""
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)

    def timed(action) -> float:
        t = time.perf_counter()
        action()
        app.processEvents()  # the repaint it asked for
        return (time.perf_counter() - t) * 1000

    # Fitted-ish, the quarter of the rim on the right and below in view; at 100 % a fifth
    # of it, the view panned to show it (events outside the canvas never reach the tool).
    for zoom, arc in ((0.5, math.pi / 2), (1.0, math.pi / 5)):
        canvas.set_zoom(zoom)
        middle = at(arc / 2)
        canvas.pan_by(canvas.width() / 2 - middle.x(), canvas.height() / 2 - middle.y())
        settle()
        first = timed(lambda: (QTest.mousePress(canvas, button, none, at(0.0)),
                               QTest.mouseRelease(canvas, button, none, at(0.0))))
        settle()
        moves = [timed(lambda p=at(t): QTest.mouseMove(canvas, p))
                 for t in np.linspace(0, arc, 150)[1:]]
        slowest = int(np.argmax(moves))
        trace = tool.magnetic
        builds = trace.wire.builds
        far = timed(lambda: (QTest.mousePress(canvas, button, none, at(2 * arc)),
                             QTest.mouseRelease(canvas, button, none, at(2 * arc))))
        settle()
        count = doc.history.count
        close = timed(lambda: QTest.keyClick(canvas, Qt.Key.Key_Return))
        assert doc.history.count > count and doc.history.undo_name() == "Magnetic Lasso"
        moves.sort()
        print(f"zoom {zoom:.0%}: first click {first:6.1f} ms; 149 moves median "
              f"{moves[len(moves) // 2]:5.1f} ms, 95th {moves[int(len(moves) * 0.95)]:5.1f} ms, "
              f"max {moves[-1]:6.1f} ms (move {slowest}; {builds} maps built); a click as far again along the rim "
              f"{far:6.1f} ms; Enter {close:6.1f} ms", flush=True)
        w.actions["deselect"].trigger()
        # The same moves with the Polygonal Lasso (a straight line to the pointer): what
        # the canvas's repaint alone costs.
        tool.set_shape("polygon")
        settle()
        QTest.mouseClick(canvas, button, none, at(0.0))
        plain = sorted(timed(lambda p=at(t): QTest.mouseMove(canvas, p))
                       for t in np.linspace(0, arc, 150)[1:])
        QTest.keyClick(canvas, Qt.Key.Key_Escape)
        tool.set_shape("magnetic")
        print(f"          Polygonal Lasso's moves for comparison: median "
              f"{plain[len(plain) // 2]:5.1f} ms, max {plain[-1]:6.1f} ms", flush=True)
    w.close()


if __name__ == "__main__":
    main()
