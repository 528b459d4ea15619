"""Image > Image Size's Resample methods, as Photoshop names them: Automatic, Preserve
Details (enlargement), Preserve Details 2.0, Bicubic Smoother (enlargement), Bicubic Sharper
(reduction), Bicubic (smooth gradients), Nearest Neighbor (hard edges) and Bilinear, with
Reduce Noise (0-100 %) for the two Preserve Details.

Every method is a separable resampling given as taps and weights per axis (numba kernels in
resample_kernels.py),
on premultiplied float RGBA (`resample.premultiplied_float`), so transparent edges do not turn
dark and a layer at a fractional canvas offset lands where Image Size scales it. Reducing
widens the kernel by the reduction factor (a proper low-pass, no aliasing), except Nearest
Neighbor, which point-samples as Photoshop's does (hard edges stay hard).

Kernels: Bicubic is Catmull-Rom (Keys a = -0.5); Bicubic Sharper a Keys cubic with
a = -1.0 (more overshoot: visibly crisper reductions); Bicubic Smoother the Mitchell-Netravali
cubic (B = C = 1/3, little ringing, softer); Bilinear the triangle. Preserve Details is
classical (no model): Catmull-Rom enlargement refined by iterative back-projection, i.e. the
enlargement is corrected until shrinking it again (area average, the way a photo is shrunk)
gives the source back, which restores edge contrast a plain interpolation smears.
Preserve Details 2.0 does more back-projection rounds and then clamps each pixel into the
range of the source pixels around it, which removes the halos (overshoot) back-projection
leaves beside strong edges. Reduce Noise is an edge-preserving (bilateral) smoothing of the
source before enlargement, so the refinement does not sharpen the grain. Reducing with
either Preserve Details resamples as Bicubic does (Photoshop's are enlargement methods).
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from engine.box import Box

from .resample import premultiplied_float, straight_uint8, transformed_bounds

# (key, Photoshop's label), in Photoshop's menu order.
METHODS = [
    ("automatic", "Automatic"),
    ("preserve_details", "Preserve Details (enlargement)"),
    ("preserve_details_2", "Preserve Details 2.0"),
    ("bicubic_smoother", "Bicubic Smoother (enlargement)"),
    ("bicubic_sharper", "Bicubic Sharper (reduction)"),
    ("bicubic", "Bicubic (smooth gradients)"),
    ("nearest", "Nearest Neighbor (hard edges)"),
    ("bilinear", "Bilinear"),
]
NAMES = dict(METHODS)
NOISE_METHODS = ("preserve_details", "preserve_details_2")

# Back-projection rounds: past these the bench's mean PSNR moves by under 0.01 dB.
_ROUNDS = {"preserve_details": 4, "preserve_details_2": 5}


def check_method(method: str, noise: float = 0.0) -> None:
    if method not in NAMES:
        raise ValueError(f"Unknown resample method '{method}': one of {', '.join(NAMES)}.")
    if not 0 <= noise <= 100:
        raise ValueError(f"Reduce Noise must be 0-100 %, not {noise:g}.")


def resolved(method: str, sx: float, sy: float) -> str:
    """Automatic as Photoshop picks it: Preserve Details 2.0 when enlarging (the area
    grows), Bicubic Sharper when reducing."""
    if method != "automatic":
        return method
    return "preserve_details_2" if sx * sy > 1.0 else "bicubic_sharper"


def _keys(a: float):
    def k(x):
        x = np.abs(x)
        return np.where(x < 1, (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1,
                        np.where(x < 2, a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a, 0.0))
    return k, 2.0


def _mitchell(b: float = 1 / 3, c: float = 1 / 3):
    def k(x):
        x = np.abs(x)
        near = ((12 - 9 * b - 6 * c) * x ** 3 + (-18 + 12 * b + 6 * c) * x ** 2 + (6 - 2 * b)) / 6
        far = ((-b - 6 * c) * x ** 3 + (6 * b + 30 * c) * x ** 2 + (-12 * b - 48 * c) * x
               + (8 * b + 24 * c)) / 6
        return np.where(x < 1, near, np.where(x < 2, far, 0.0))
    return k, 2.0


def _triangle():
    return (lambda x: np.maximum(0.0, 1.0 - np.abs(x))), 1.0


def _box():
    # Half-open, so a tap exactly between two pixels goes to one of them only: the one
    # whose cover [j, j + 1) holds it, as floor() picks.
    return (lambda x: ((x > -0.5) & (x <= 0.5)).astype(np.float64)), 0.5


KERNELS = {
    "bicubic": _keys(-0.5), "bicubic_sharper": _keys(-1.0), "bicubic_smoother": _mitchell(),
    "bilinear": _triangle(), "nearest": _box(), "area": _box(),
    "preserve_details": _keys(-0.5), "preserve_details_2": _keys(-0.5),
}


def weights(n_out: int, n_in: int, a: float, b: float, kernel: str):
    """One axis's resampling as (taps, weights), each (n_out, k): output pixel i's centre
    lies at source coordinate a * (i + 0.5) + b (continuous: source pixel j covers
    [j, j + 1)). Taps beyond the source repeat its edge pixel; rows are normalised."""
    fn, support = KERNELS[kernel]
    widen = max(1.0, a) if kernel != "nearest" else 1.0  # (reducing: a low-pass)
    t = a * (np.arange(n_out) + 0.5) + b - 0.5  # in source pixel-centre coordinates
    reach = support * widen
    taps = int(math.ceil(2 * reach)) + 1
    j = np.floor(t - reach)[:, None] + np.arange(taps)[None, :]
    w = fn((j - t[:, None]) / widen)
    total = w.sum(axis=1, keepdims=True)
    w = np.divide(w, total, out=np.zeros_like(w), where=np.abs(total) > 1e-12)
    return np.clip(j, 0, n_in - 1).astype(np.int64), w.astype(np.float32)


def _apply(wy, wx, img: np.ndarray) -> np.ndarray:
    """`img` (h, w, c) float32 resampled by the row axis `wy` then the column axis `wx`."""
    from .resample_kernels import along_columns, along_rows

    img = np.ascontiguousarray(img, np.float32)
    tmp = np.empty((wy[0].shape[0], img.shape[1], img.shape[2]), np.float32)
    along_rows(img, wy[0], wy[1], tmp)
    out = np.empty((tmp.shape[0], wx[0].shape[0], img.shape[2]), np.float32)
    along_columns(tmp, wx[0], wx[1], out)
    return out


def _denoised(prem: np.ndarray, noise: float) -> np.ndarray:
    """Reduce Noise: a bilateral filter (edges kept) whose colour tolerance grows with `noise`.
    It smooths the straight colour and premultiplies it again by the alpha left as it was:
    smoothing premultiplied colour alone would pull it away from its alpha (dark fringes on
    a transparent layer's soft edges)."""
    import cv2

    if noise <= 0:
        return prem
    alpha = prem[..., 3:4]
    straight = np.zeros_like(prem[..., :3])
    np.divide(prem[..., :3] * 255.0, alpha, out=straight, where=alpha > 0)
    if (alpha[..., 0] < 255).any():
        # Transparent pixels take the colour around them, not black, into the filter.
        colour = cv2.GaussianBlur(prem[..., :3], (0, 0), 2.0)
        cover = cv2.GaussianBlur(np.ascontiguousarray(alpha[..., 0]), (0, 0), 2.0)[..., None]
        fill = np.zeros_like(colour)
        np.divide(colour * 255.0, cover, out=fill, where=cover > 1e-3)
        straight = np.where(alpha > 0, straight, fill)
    sigma = 0.6 * noise  # 100 %: grain up to about 60 levels is smoothed
    smooth = cv2.bilateralFilter(np.ascontiguousarray(straight, np.float32), 5, sigma, 2.0)
    out = prem.copy()
    out[..., :3] = smooth * (alpha / 255.0)
    return out


def resize_pixels(pixels: np.ndarray, sx: float, sy: float, x0: float, y0: float,
                  method: str = "automatic", noise: float = 0.0,
                  clip: Optional[Box] = None) -> tuple[np.ndarray, int, int]:
    """Straight RGBA `pixels` scaled by (sx, sy) with their top-left corner landing at canvas
    point (x0, y0), by `method` (a key of METHODS); returns (pixels, x, y) on the canvas, as
    `resample.transform_pixels` does for the same scaling. `clip` bounds the result."""
    import cv2

    check_method(method, noise)
    h, w = pixels.shape[:2]
    bounds = transformed_bounds((sx, 0.0, x0, 0.0, sy, y0), w, h)
    if clip is not None:
        bounds = bounds.intersect(clip)
    if bounds.is_empty() or w == 0 or h == 0:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    method = resolved(method, sx, sy)
    prem = premultiplied_float(pixels)
    details = method in NOISE_METHODS
    if details:
        prem = _denoised(prem, noise)
    if details and (sx <= 1.0 or sy <= 1.0):
        method, details = "bicubic", False  # enlargement methods: a reduction is bicubic
    up = (weights(bounds.h, h, 1 / sy, (bounds.y - y0) / sy, method),
          weights(bounds.w, w, 1 / sx, (bounds.x - x0) / sx, method))
    out = _apply(*up, prem)
    if details:
        # Iterative back-projection: shrink the estimate as a photo is shrunk (area
        # average), and enlarge what it misses of the source back into it.
        down = (weights(h, bounds.h, sy, y0 - bounds.y, "area"),
                weights(w, bounds.w, sx, x0 - bounds.x, "area"))
        for _ in range(_ROUNDS[method]):
            out += _apply(*up, prem - _apply(*down, out))
        if method == "preserve_details_2":
            # No halos: each pixel stays within the range of the source pixels around it.
            kernel = np.ones((3, 3), np.uint8)
            nearest = (weights(bounds.h, h, 1 / sy, (bounds.y - y0) / sy, "nearest"),
                       weights(bounds.w, w, 1 / sx, (bounds.x - x0) / sx, "nearest"))
            low = _apply(*nearest, cv2.erode(prem, kernel))
            high = _apply(*nearest, cv2.dilate(prem, kernel))
            np.clip(out, low, high, out=out)
    # Output pixels only partly inside the scaled layer (a fractional offset) keep that part.
    cover_x = np.clip(np.minimum(np.arange(bounds.x, bounds.x1) + 1, x0 + w * sx)
                      - np.maximum(np.arange(bounds.x, bounds.x1), x0), 0, 1)
    cover_y = np.clip(np.minimum(np.arange(bounds.y, bounds.y1) + 1, y0 + h * sy)
                      - np.maximum(np.arange(bounds.y, bounds.y1), y0), 0, 1)
    if cover_x.min() < 1 or cover_y.min() < 1:
        out *= (cover_y[:, None] * cover_x[None, :]).astype(np.float32)[..., None]
    np.clip(out, 0, 255, out=out)
    out[..., :3] = np.minimum(out[..., :3], out[..., 3:4])  # premultiplied: colour <= alpha
    return straight_uint8(out), bounds.x, bounds.y
