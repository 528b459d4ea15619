"""The Quick Selection Tool on a 2000x1500 photo: how long a stroke takes, mouse release to
selection (`quick_select.select_stroke`: the stroke's pixels, GrabCut on the reduced
window, the guided upsampling, the undo step), and how well the cup is selected.

    python bench/bench_quick_select.py [--runs 5]

The photo is scikit-image's coffee resized to 2000x1500 (Lanczos). The strokes are
a user's: across the coffee (New), along the cup's white rim (Add), a long one across
the whole cup and saucer (Add), a short Alt stroke on the rim (Subtract). The picture
is sampled once at the press (`sampled_picture`, timed apart). IoU is against the cup's
opening (an ellipse fitted by eye, as in tests/test_ui_quick_select.py). Median of
`--runs`; figures on the shared 2-core machine are provisional.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from editor.model import quick_select as qs  # noqa: E402
from editor.model import selection_ops  # noqa: E402
from editor.model.document import Document  # noqa: E402

W, H = 2000, 1500
SX, SY = W / 600, H / 400   # coffee's own size is 600x400


def photo() -> np.ndarray:
    import skimage.data
    from PIL import Image

    rgb = np.asarray(Image.fromarray(skimage.data.coffee()).resize(
        (W, H), Image.Resampling.LANCZOS))
    return np.ascontiguousarray(np.dstack([rgb, np.full((H, W), 255, np.uint8)]))


def scaled(points):
    return [(x * SX, y * SY) for x, y in points]


STROKES = [  # (name, points in the 600x400 picture, brush diameter there, op)
    ("across the coffee (New)", [(200, 110), (245, 122), (290, 130), (335, 122), (380, 110)],
     16, "replace"),
    ("along the rim (Add)", [(215, 60), (250, 46), (290, 40), (330, 46), (370, 60)], 16, "add"),
    ("across cup and saucer (Add)", [(120, 250), (250, 240), (330, 300), (450, 260)], 24, "add"),
    ("Alt on the rim (Subtract)", [(240, 40), (290, 34), (340, 40)], 10, "subtract"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pixels = photo()
    doc = Document(W, H)
    doc.add_image(pixels, "Coffee", 0, 0)
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    cup = ((xx / SX - 290) / 118) ** 2 + ((yy / SY - 112) / 94) ** 2 <= 1
    picture = qs.sampled_picture(doc, doc.active_layer)
    qs.select_stroke(doc, picture, scaled(STROKES[0][1]), STROKES[0][2] * SX, "replace")  # warm
    doc.set_selection(None)
    t = [time.perf_counter()]
    for _ in range(args.runs):
        qs.sampled_picture(doc, doc.active_layer)
    print(f"sampling the layer at the press: {(time.perf_counter() - t[0]) / args.runs:.3f} s")
    composite = [time.perf_counter()]
    qs.sampled_picture(doc, None)
    print(f"sampling all layers at the press: {time.perf_counter() - composite[0]:.3f} s")
    for name, points, size, op in STROKES:
        before = selection_ops.current_mask(doc)
        times = []
        for _ in range(args.runs):
            if before is None:
                doc.set_selection(None)
            else:
                selection_ops.select_mask(doc, before, "replace", "back")
            start = time.perf_counter()
            qs.select_stroke(doc, picture, scaled(points), size * SX, op)
            times.append(time.perf_counter() - start)
        mask = selection_ops.current_mask(doc) >= 128
        iou = (mask & cup).sum() / (mask | cup).sum()
        print(f"{name:32s} {statistics.median(times):.3f} s (max {max(times):.3f})  "
              f"IoU with the cup's opening {iou:.3f}, outside it {(mask & ~cup).sum() / cup.sum():.3f}")


if __name__ == "__main__":
    main()
