"""Edit > Auto-Align Layers and Auto-Blend Layers. Align: seconds to match (the worker's part: ORB corners on copies
reduced to 1024 px, ratio test, RANSAC) and to move (the GUI thread's resampling, one undo
step) a turned, scaled copy of a real photograph onto it, at 1, 4 and 12 MP, and how far the
copy then lies from the photo (mean level difference where both are opaque). Blend: seconds
to make the two layers' masks on the worker (Stack Images, Panorama) once they are aligned.

    python bench/bench_auto_layers.py [--runs 3]
"""
from __future__ import annotations

import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.timing import median_ms  # noqa: E402
from editor.model import Document, auto_align, auto_blend  # noqa: E402
from editor.model.resample import perspective_pixels  # noqa: E402


def photo(width: int, height: int) -> np.ndarray:
    import cv2
    from skimage import data

    rgb = cv2.resize(data.coffee(), (width, height), interpolation=cv2.INTER_CUBIC)
    return np.dstack([rgb, np.full((height, width), 255, np.uint8)])


def turned(width: int, height: int) -> np.ndarray:
    a, s = math.radians(5.0), 1.06
    c, n = s * math.cos(a), s * math.sin(a)
    cx, cy = width / 2, height / 2
    return np.array([[c, -n, cx - c * cx + n * cy + 0.03 * width],
                     [n, c, cy - n * cx - c * cy - 0.02 * height], [0, 0, 1]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for width, height in ((1200, 800), (2400, 1600), (4200, 2800)):
        picture = photo(width, height)
        moved, x, y = perspective_pixels(picture, turned(width, height))

        def setup():
            doc = Document(width, height)
            base = doc.add_image(picture.copy(), "Photo", 0, 0)
            shot = doc.add_image(moved.copy(), "Shot", x, y)
            return doc, auto_align.prepare(doc, [base, shot], "collage")

        doc, prepared = setup()
        match = median_ms(lambda: auto_align.run(prepared), args.runs)
        aligned = auto_align.run(prepared)

        ready = [setup() for _ in range(args.runs)]
        moving = median_ms(lambda: auto_align.apply(*ready.pop(), aligned), args.runs)
        auto_align.apply(doc, prepared, aligned)
        base, shot = prepared.reference, prepared.moving[0]
        canvas = np.zeros_like(picture)
        box = shot.bounds().intersect(doc.canvas)
        canvas[box.slices()] = shot.pixels[box.translate(-shot.x, -shot.y).slices()]
        both = (canvas[..., 3] == 255) & (base.pixels[..., 3] == 255)
        error = np.abs(canvas[..., :3].astype(int) - base.pixels[..., :3])[both].mean()
        blend = {method: median_ms(lambda m=method: auto_blend.run(
            auto_blend.prepare(doc, [base, shot], m)), args.runs) for method in auto_blend.METHODS}
        print(f"{width}x{height} ({width * height / 1e6:.1f} MP): align: match {match:.0f} ms, "
              f"move {moving:.0f} ms, misfit after {error:.2f} levels; blend: stack "
              f"{blend['stack']:.0f} ms, panorama {blend['panorama']:.0f} ms")


if __name__ == "__main__":
    main()
