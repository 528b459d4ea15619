"""Image Size's Resample methods measured against ground truth: scikit-image photos shrunk
by 2x and 4x (OpenCV INTER_AREA), enlarged back with each method, PSNR / SSIM against the
originals, a sharpness figure (mean Sobel gradient magnitude as a % of the original's) and
a halo figure (mean grey levels by which a pixel overshoots the original's 3x3 range around
it: ringing beside edges), per photo and mean; also a grid of crops (bench/out/upscale_crops.png) to look at.

    python bench/bench_upscale.py [--factors 2 4] [--grid PATH]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from editor.model.image_resample import resize_pixels  # noqa: E402

PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "camera"]
METHODS = ["nearest", "bilinear", "bicubic", "bicubic_smoother", "bicubic_sharper",
           "preserve_details", "preserve_details_2"]


def photo(name: str) -> np.ndarray:
    import skimage.data

    rgb = getattr(skimage.data, name)()
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    return rgb[..., :3]


def shrunk(rgb: np.ndarray, factor: int) -> np.ndarray:
    import cv2

    h, w = rgb.shape[:2]
    h, w = h - h % factor, w - w % factor
    return rgb[:h, :w], cv2.resize(rgb[:h, :w], (w // factor, h // factor),
                                   interpolation=cv2.INTER_AREA)


def enlarged(small: np.ndarray, factor: int, method: str, noise: float = 0) -> np.ndarray:
    rgba = np.dstack([small, np.full(small.shape[:2], 255, np.uint8)])
    out, x, y = resize_pixels(rgba, factor, factor, 0, 0, method, noise)
    assert (x, y) == (0, 0)
    return out[..., :3]


def sharpness(rgb: np.ndarray) -> float:
    import cv2

    g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)
    return float(np.hypot(gx, gy).mean())


def halo(truth: np.ndarray, got: np.ndarray) -> float:
    import cv2

    kernel = np.ones((3, 3), np.uint8)
    g = got.astype(np.float32)
    over = np.maximum(0, g - cv2.dilate(truth, kernel)) + np.maximum(0, cv2.erode(truth, kernel) - g)
    return float(over.mean())


def scores(truth: np.ndarray, got: np.ndarray) -> tuple[float, float, float, float]:
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    return (peak_signal_noise_ratio(truth, got, data_range=255),
            structural_similarity(truth, got, channel_axis=2, data_range=255),
            100 * sharpness(got) / sharpness(truth), halo(truth, got))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--factors", type=int, nargs="+", default=[2, 4])
    p.add_argument("--grid", default=os.path.join(os.path.dirname(__file__), "out",
                                                  "upscale_crops.png"))
    args = p.parse_args()
    crops = []
    for factor in args.factors:
        print(f"\n== {factor}x: PSNR dB / SSIM / sharpness % of original / halo (time s, "
              "all photos)")
        table = {m: [] for m in METHODS}
        times = {m: 0.0 for m in METHODS}
        for name in PHOTOS:
            truth, small = shrunk(photo(name), factor)
            row = []
            for m in METHODS:
                t = time.perf_counter()
                got = enlarged(small, factor, m)
                times[m] += time.perf_counter() - t
                s = scores(truth, got)
                table[m].append(s)
                row.append(f"{m}={s[0]:.2f}/{s[1]:.3f}/{s[2]:.0f}/{s[3]:.2f}")
                if factor == args.factors[-1] and name in ("astronaut", "camera"):
                    crops.append((name, m, got))
            print(f"{name:10s} " + "  ".join(row))
        print(f"{'method':20s} {'PSNR':>7s} {'SSIM':>6s} {'sharp%':>6s} {'halo':>6s} {'time':>6s}")
        for m in METHODS:
            mean = np.mean(table[m], axis=0)
            print(f"{m:20s} {mean[0]:7.2f} {mean[1]:6.3f} {mean[2]:6.0f} {mean[3]:6.2f} "
                  f"{times[m]:6.2f}")
    if crops:
        _grid(crops, args.grid)


def _grid(crops, path: str) -> None:
    """Rows: photos; columns: methods; a 128 px crop of each, shown 2x (nearest)."""
    import cv2
    from PIL import Image

    places = {"astronaut": (40, 140), "camera": (60, 200)}  # (y, x): a face, the camera
    tiles = []
    for name in ("astronaut", "camera"):
        row = []
        for m in METHODS:
            got = next(g for n, mm, g in crops if n == name and mm == m)
            y, x = places[name]
            tile = cv2.resize(got[y:y + 128, x:x + 128], (256, 256),
                              interpolation=cv2.INTER_NEAREST)
            cv2.putText(tile, m[:18], (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 0, 0), 1)
            row.append(tile)
        tiles.append(np.hstack(row))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(np.vstack(tiles)).save(path)
    print("crops:", path)


if __name__ == "__main__":
    main()
