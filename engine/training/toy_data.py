"""A toy BFS dataset in the folder layout of `engine.training.data`, for tests and smoke runs.

Not training data: coloured discs and squares with a soft drop shadow over
smooth random backgrounds. It exercises every file of both layouts (stage 1:
background, foreground RGBA with its shadow, composite, box mask, caption;
stage 2: background, composite, box mask, caption) so the trainers can be run
end to end on a laptop in seconds.

    python -m engine.training.toy_data OUT_DIR [--count 8] [--size 64]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from engine.compose import over, to_uint8

COLOURS = {"red": (0.85, 0.15, 0.1), "green": (0.1, 0.7, 0.2), "blue": (0.15, 0.3, 0.9),
           "yellow": (0.95, 0.85, 0.1)}
SHAPES = ("ball", "box")


def make_toy_dataset(root: str | Path, count: int = 8, size: int = 64, seed: int = 0) -> tuple[Path, Path]:
    """Writes `root/stage1` and `root/stage2` with `count` samples each; returns both paths."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    for stage in ("stage1", "stage2"):
        for i in range(count):
            background = _background(rng, size)
            foreground, box, caption = _foreground(rng, size)
            composite = over(foreground, background)
            folder = root / stage / f"{i:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(to_uint8(background)).save(folder / "background.png")
            Image.fromarray(to_uint8(composite)).save(folder / "composite.png")
            mask = np.zeros((size, size), np.uint8)
            mask[box[1]:box[3], box[0]:box[2]] = 255
            Image.fromarray(mask).save(folder / "mask.png")
            (folder / "caption.txt").write_text(caption + "\n", encoding="utf-8")
            if stage == "stage1":
                Image.fromarray(to_uint8(foreground), "RGBA").save(folder / "foreground.png")
    return root / "stage1", root / "stage2"


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size] / size
    top, bottom = rng.uniform(0.3, 1.0, 3), rng.uniform(0.0, 0.7, 3)
    image = top * (1 - yy[..., None]) + bottom * yy[..., None]
    image += 0.05 * np.sin(xx[..., None] * rng.uniform(4, 12) + rng.uniform(0, 6, 3))
    return np.clip(image, 0, 1)


def _foreground(rng: np.random.Generator, size: int):
    """A straight-alpha RGBA float layer (object + translucent shadow), its box and caption."""
    colour_name = rng.choice(list(COLOURS))
    shape = rng.choice(SHAPES)
    r = rng.uniform(0.12, 0.22) * size
    cx, cy = rng.uniform(0.3, 0.7) * size, rng.uniform(0.3, 0.6) * size
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    if shape == "ball":
        body = np.clip(r - np.hypot(xx - cx, yy - cy) + 0.5, 0, 1)
    else:
        body = np.clip(r - np.maximum(abs(xx - cx), abs(yy - cy)) + 0.5, 0, 1)
    shadow_y = cy + r * 1.1
    shadow = 0.45 * np.clip(1 - np.hypot((xx - cx - 0.3 * r) / (1.3 * r), (yy - shadow_y) / (0.35 * r)), 0, 1)
    alpha = body + shadow * (1 - body)
    colour = np.where(body[..., None] > 0, np.array(COLOURS[colour_name]), 0.0)
    # Straight colour: the body's colour where it is, black (shadow) elsewhere, weighted by coverage.
    premultiplied = colour * body[..., None]
    rgb = np.where(alpha[..., None] > 0, premultiplied / np.maximum(alpha[..., None], 1e-6), 0.0)
    rgba = np.dstack([np.clip(rgb, 0, 1), alpha])
    ys, xs = np.nonzero(alpha > 0.02)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return rgba, box, f"a {colour_name} {shape}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    stage1, stage2 = make_toy_dataset(args.out, args.count, args.size, args.seed)
    print(f"wrote {stage1} and {stage2}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
