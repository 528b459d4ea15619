"""What Allow Non-Linear History costs (editor/model/history.py): a linear history and a
non-linear one after the same work on a 4000x3000 layer.

    python bench/bench_history_branches.py

Ten in-place edits of 512x512 each (a stroke's kind of step: `PixelEdit`, which keeps
the tiles it changed as they were), then back to step 5 and five more edits. The linear
history forgets the five undone steps; the non-linear one keeps them as a branch.
Prints each history's steps and bytes (`History.nbytes`, what its memory bound counts),
and the time to click from the newest step to the old branch's last one and back
(undo up to the state both share, redo down).
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from editor.model import Document  # noqa: E402
from engine.box import Box  # noqa: E402

W, H, SIDE = 4000, 3000, 512
MB = 1 << 20


def edit(doc: Document, layer, i: int) -> None:
    pixel_edit = doc.begin_pixel_edit(layer, f"Edit {i}")
    box = Box((i * 331) % (W - SIDE), (i * 197) % (H - SIDE), SIDE, SIDE)
    pixel_edit.apply(doc, box, lambda view: view.__setitem__(Ellipsis, i * 20 % 255))
    doc.end_pixel_edit(pixel_edit)


def run(non_linear: bool) -> None:
    doc = Document(W, H)
    layer = doc.add_image(np.full((H, W, 4), 128, np.uint8), "Photo", 0, 0)
    doc.history.clear()
    doc.history.non_linear = non_linear
    for i in range(10):
        edit(doc, layer, i)
    doc.history.goto(5)
    for i in range(10, 15):
        edit(doc, layer, i)
    h = doc.history
    line = (f"{'non-linear' if non_linear else 'linear':>10}: {h.count} steps, "
            f"{h.nbytes() / MB:.1f} MB")
    if non_linear:
        start = time.perf_counter()
        h.goto(10)       # the old branch's last step (5 undone, 5 redone)
        there = time.perf_counter() - start
        start = time.perf_counter()
        h.goto(h.count)  # back to the newest
        back = time.perf_counter() - start
        line += f"; to the old branch {there * 1000:.0f} ms, back {back * 1000:.0f} ms"
    print(line)


if __name__ == "__main__":
    print(f"load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    run(False)
    run(True)
