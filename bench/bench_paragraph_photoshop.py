"""How close our paragraph text lands to Photoshop's: the paragraph type layers in
psd-tools' corpus (tests/psd_tools_files: type-layer.psd, effect-stroke-gradient.psd),
drawn by us from their engine data and compared with the pixels Photoshop stored.

Their style has a baseline shift and a set leading (one line each), which our reader
takes and our drawing draws, as opening the file does. Arial is drawn with Liberation
Sans (metric-compatible) where Arial is absent.
Prints each layer's mean alpha level error (0..255) over the union of both inks' boxes,
and the offset of the ink boxes."""
from __future__ import annotations

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def compare(path: str):
    from psd_tools import PSDImage

    from editor.model.psd_type import read_type
    from editor.model.text_layer import draw

    out = []
    for item in PSDImage.open(path).descendants():
        if item.kind != "type":
            continue
        read = read_type(item)
        if not isinstance(read, tuple):
            out.append((item.name, read))
            continue
        settings, (ax, ay) = read
        pixels, ox, oy = draw(settings)
        x0, y0 = ax - ox, ay - oy
        theirs = np.asarray(item.topil().convert("RGBA"))[..., 3].astype(float)
        tx, ty = item.left, item.top
        left, top = min(x0, tx), min(y0, ty)
        right = max(x0 + pixels.shape[1], tx + theirs.shape[1])
        bottom = max(y0 + pixels.shape[0], ty + theirs.shape[0])
        a = np.zeros((bottom - top, right - left))
        b = np.zeros_like(a)
        a[y0 - top:y0 - top + pixels.shape[0], x0 - left:x0 - left + pixels.shape[1]] = \
            pixels[..., 3]
        b[ty - top:ty - top + theirs.shape[0], tx - left:tx - left + theirs.shape[1]] = theirs
        out.append((item.name, settings.describe(), float(np.abs(a - b).mean()),
                    (x0, y0, pixels.shape[1], pixels.shape[0]),
                    (tx, ty, theirs.shape[1], theirs.shape[0])))
    return out


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    for name in ("type-layer.psd", "effect-stroke-gradient.psd"):
        for row in compare(os.path.join(ROOT, "tests", "psd_tools_files", name)):
            print(name, *row)
