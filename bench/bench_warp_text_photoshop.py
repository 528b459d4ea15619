"""How close our Warp Text lands to Photoshop's: ag-psd's text-complex.psd
(tests/ag_psd_files) holds a point type layer warped by Photoshop's Arc at +50 %, its
warped pixels and its text box (the 'TySh' block's edges). Its text mixes fonts (Myriad
Pro Bold, Arial, Courier New) at one size, which Layered does not draw live; here it is
drawn in Arial alone (Liberation Sans where Arial is absent), centred as Photoshop set it,
bent by our Arc over Photoshop's box (`text_warp`'s grid, as a type layer draws), and
compared with Photoshop's stored pixels.

Prints both ink boxes about the anchor and two overlaps of the inks: the plain one
(sum of the smaller alpha over the sum of the larger) and one with both blurred by 4 px
(how near the strokes land when they do not land on each other)."""
from __future__ import annotations

import os
import struct
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    import cv2
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    from editor.model import text_warp, warp
    from editor.model.psd_type import read_warp
    from editor.model.text_layer import TextSettings, draw

    path = os.path.join(ROOT, "tests", "ag_psd_files", "text-complex.psd")
    (item,) = [i for i in PSDImage.open(path) if i.kind == "type"]
    setting = item._record.tagged_blocks.get_data(Tag.TYPE_TOOL_OBJECT_SETTING)
    # The text box about the anchor: the block's edges, 32-bit floats (psd-tools reads
    # their bits as integers).
    left, top, right, bottom = (struct.unpack(">f", struct.pack(">i", v))[0]
                                for v in (setting.left, setting.top, setting.right,
                                          setting.bottom))
    ax, ay = item.transform[4:]
    theirs = item.numpy()[..., 3] if item.numpy().shape[-1] == 4 else None
    tx, ty = int(item.left - ax), int(item.top - ay)
    settings = TextSettings(str(item.text).replace("\r", "\n").rstrip("\n"), font="Arial",
                            size=25.0, align="center").replace(**read_warp(item))
    flat, ox, oy = draw(settings.replace(warp_style="None"))
    box = (left, top, right - left, bottom - top)
    grid = text_warp._grid(settings, box)
    ours, x, y = warp.warp_pixels(flat, grid, (left + ox, top + oy, box[2], box[3]))
    ours = ours[..., 3].astype(float) / 255
    theirs = theirs.astype(float)
    x0, y0 = min(x, tx), min(y, ty)
    h = max(y + ours.shape[0], ty + theirs.shape[0]) - y0
    w = max(x + ours.shape[1], tx + theirs.shape[1]) - x0
    a, b = np.zeros((h, w)), np.zeros((h, w))
    a[y - y0:y - y0 + ours.shape[0], x - x0:x - x0 + ours.shape[1]] = ours
    b[ty - y0:ty - y0 + theirs.shape[0], tx - x0:tx - x0 + theirs.shape[1]] = theirs

    def ink(m):
        rows, cols = np.nonzero(m > 0.25)
        return f"x {cols.min() + x0}..{cols.max() + x0}, y {rows.min() + y0}..{rows.max() + y0}"

    blur_a, blur_b = (cv2.GaussianBlur(m, (0, 0), 4) for m in (a, b))
    print(f"warp: {read_warp(item)}; box about the anchor {tuple(round(v, 1) for v in box)}")
    print(f"ours      ink {ink(a)}")
    print(f"Photoshop ink {ink(b)}")
    print(f"overlap {np.minimum(a, b).sum() / np.maximum(a, b).sum():.2f}, blurred 4 px "
          f"{np.minimum(blur_a, blur_b).sum() / np.maximum(blur_a, blur_b).sum():.2f}")


if __name__ == "__main__":
    main()
