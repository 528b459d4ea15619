"""What a History snapshot costs on a 20-layer 4000x3000 document (editor/model/snapshots.py).

    python bench/bench_snapshot_memory.py

Twenty opaque 4000x3000 layers (48 MB each, 960 MB in all). Prints the memory (tracemalloc:
numpy's allocations included) and time of: taking a snapshot; the first brush stroke on
one layer afterwards (the snapshot shares the array and saves the 64x64 tiles the stroke
touches, as they were, before they change: no copy of the layer); what the snapshot then
keeps; restoring the snapshot (one undoable step: the changed layer comes back as a copy
of its array with the saved tiles pasted); and the restore's count in the history's
memory bound. (The peaks of the strokes are the stroke's own coverage buffer, as big as
the layer, not the snapshot's.)
"""
from __future__ import annotations

import os
import sys
import time
import tracemalloc

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from editor.model import Document, Layer  # noqa: E402
from editor.model.brush_stroke import BrushStroke, pixel_layer  # noqa: E402

W, H, LAYERS = 4000, 3000, 20
MB = 1 << 20


def measure(label: str, fn):
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    after, peak = tracemalloc.get_traced_memory()
    print(f"{label:<44} {(after - before) / MB:8.2f} MB kept  {(peak - before) / MB:8.2f} MB peak"
          f"  {dt * 1000:7.1f} ms")
    return out


def main() -> None:
    doc = Document(W, H, max_history_bytes=4 << 30)
    base = np.full((H, W, 4), 255, np.uint8)
    for i in range(LAYERS):
        pixels = base.copy()
        pixels[..., 0] = i
        doc.root.children.append(Layer(f"Layer {i}", pixels))
        doc.root.children[-1].parent = doc.root
    doc.set_active(doc.root.children[10])
    tracemalloc.start()
    print(f"document: {LAYERS} layers of {W}x{H}, {doc.nbytes() / MB:.0f} MB of pixels")
    snap = measure("take a snapshot", lambda: doc.snapshots.take())

    def stroke():
        layer = doc.active_layer
        edit = doc.begin_pixel_edit(layer, "Brush")
        s = BrushStroke(doc, edit, (0, 0), 60, 1.0, 1.0, pixel_layer((0, 0, 0), 1.0, False, False))
        s.dabs([(500 + 15 * k, 500.0) for k in range(40)])
        doc.end_pixel_edit(edit)

    measure("first brush stroke after it (tiles saved)", stroke)
    print(f"the snapshot keeps {doc.snapshots.nbytes() / MB:.2f} MB of saved tiles")
    measure("a second stroke (nothing more saved)", stroke)
    measure("restore the snapshot (one step)", lambda: doc.snapshots.restore(snap))
    print(f"the restore step counts {doc.history._commands[-1].nbytes() / MB:.1f} MB "
          f"in the history's bound")
    measure("undo the restore", doc.history.undo)


if __name__ == "__main__":
    main()
