"""Select > Subject on scikit-image photos enlarged to 1-2 MP: time from the command to the
selection (`editor.model.select_subject`: prepare, the worker's run, the undo step) and, where
a rough truth exists, IoU; writes a grid of the selections over the photos to look at.

    python bench/bench_select_subject.py [--grid OUT.png]

Photos: astronaut (1200x1200), coffee (1500x1000), chelsea (1500x1000), rocket (800x1200),
with the classical components (GrabCut, closed-form matting), as on a computer without
models. The only truth is coffee's: cup and saucer as two ellipses fitted by eye on the
600x400 original (rough: the spoon's handle and the saucer's shadow are not in it). The
grid shows what is not selected darkened and tinted blue. Figures on the shared 2-core
machine are provisional.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from editor.model import select_subject, selection_ops  # noqa: E402
from editor.model.decompose_apply import StepChoices  # noqa: E402
from editor.model.document import Document  # noqa: E402

PHOTOS = (("astronaut", (1200, 1200)), ("coffee", (1500, 1000)), ("chelsea", (1500, 1000)),
          ("rocket", (800, 1200)))
# coffee's cup and saucer (600x400 original): ellipses (x0, y0, x1, y1) fitted by eye
COFFEE_TRUTH = ((78, 72, 478, 388), (172, 12, 416, 300))


def photo(name: str, size: tuple[int, int]) -> np.ndarray:
    import skimage.data
    from PIL import Image

    rgb = np.asarray(Image.fromarray(getattr(skimage.data, name)()).resize(
        size, Image.Resampling.LANCZOS))
    return np.ascontiguousarray(np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]))


def coffee_truth(size: tuple[int, int]) -> np.ndarray:
    w, h = size
    sx, sy = w / 600, h / 400
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    truth = np.zeros((h, w), bool)
    for x0, y0, x1, y1 in COFFEE_TRUTH:
        cx, cy, ax, ay = (x0 + x1) / 2 * sx, (y0 + y1) / 2 * sy, (x1 - x0) / 2 * sx, \
            (y1 - y0) / 2 * sy
        truth |= ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 <= 1
    return truth


def tile(pixels: np.ndarray, mask: np.ndarray, side: int = 600):
    from PIL import Image

    rgb = pixels[..., :3].astype(np.float32)
    a = (mask.astype(np.float32) / 255.0)[..., None]
    out = rgb * a + (0.3 * rgb + 0.7 * np.array([20, 40, 200], np.float32)) * (1 - a)
    im = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    im.thumbnail((side, side))
    return im


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", default="select_subject_grid.png")
    args = parser.parse_args()
    from PIL import Image

    tiles = []
    print(f"{'photo':10s} {'size':>10s} {'MP':>5s} {'seconds':>8s} {'selected':>9s} {'IoU':>6s}")
    for name, size in PHOTOS:
        pixels = photo(name, size)
        doc = Document(*size)
        doc.add_image(pixels, name, 0, 0)
        start = time.perf_counter()
        prepared = select_subject.prepare(doc, doc.active, StepChoices.classical())
        mask = select_subject.run(prepared)
        select_subject.apply(doc, mask)
        seconds = time.perf_counter() - start
        chosen = selection_ops.current_mask(doc)
        share = float((chosen >= 128).mean())
        score = ""
        if name == "coffee":
            truth = coffee_truth(size)
            sel = chosen >= 128
            score = f"{(sel & truth).sum() / (sel | truth).sum():.3f}"
        print(f"{name:10s} {size[0]:>4d}x{size[1]:<5d} {size[0] * size[1] / 1e6:5.2f} "
              f"{seconds:8.2f} {share:9.3f} {score:>6s}")
        tiles.append(tile(pixels, chosen))
    grid = Image.new("RGB", (sum(t.width for t in tiles), max(t.height for t in tiles)), "white")
    x = 0
    for t in tiles:
        grid.paste(t, (x, 0))
        x += t.width
    grid.save(args.grid)
    print(f"grid: {args.grid}")


if __name__ == "__main__":
    main()
