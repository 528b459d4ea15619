"""Real photographs composited with a known matte, and rough selections of the object, for
the Select and Mask tests and bench."""
from __future__ import annotations

import cv2
import numpy as np

# (object photo, ground photo): the object's texture is one photo, the ground another.
PAIRS = (("chelsea", "coffee"), ("astronaut", "rocket"), ("coffee", "chelsea"))


def photo(name: str, size: tuple[int, int]) -> np.ndarray:
    """scikit-image's photograph `name` resized to (w, h), RGB uint8."""
    import skimage.data

    return cv2.resize(getattr(skimage.data, name)(), size, interpolation=cv2.INTER_AREA)


def true_alpha(size: tuple[int, int]) -> np.ndarray:
    """scikit-image's horse silhouette scaled to (w, h) with an anti-aliased, slightly soft
    edge (about 2 px): float32 0..1."""
    import skimage.data

    horse = ~skimage.data.horse()  # True on the horse
    w, h = size
    big = cv2.resize(horse.astype(np.float32), (4 * w, 4 * h), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.resize((big > 0.5).astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    return np.clip(cv2.GaussianBlur(alpha, (0, 0), 0.8), 0, 1).astype(np.float32)


def composite(pair: tuple[str, str], size: tuple[int, int] = (600, 492)):
    """(image uint8 RGB, true alpha float): the object photo seen through the horse-shaped
    matte over the ground photo."""
    alpha = true_alpha(size)
    fg = photo(pair[0], size).astype(np.float32)
    bg = photo(pair[1], size).astype(np.float32)
    image = alpha[..., None] * fg + (1 - alpha[..., None]) * bg
    return np.clip(np.rint(image), 0, 255).astype(np.uint8), alpha


def rough(alpha: np.ndarray, kind: str, amount: int = 6) -> np.ndarray:
    """A deliberately rough selection (uint8 0/255) of the object of matte `alpha`:
    "grown" or "shrunk" by `amount` px, or "blocky" (drawn on a grid of 2 x `amount` px)."""
    inside = (alpha >= 0.5).astype(np.uint8)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * amount + 1,) * 2)
    if kind == "grown":
        out = cv2.dilate(inside, disk)
    elif kind == "shrunk":
        out = cv2.erode(inside, disk)
    elif kind == "blocky":
        h, w = inside.shape
        cell = 2 * amount
        small = cv2.resize(inside.astype(np.float32), (w // cell, h // cell),
                           interpolation=cv2.INTER_AREA) >= 0.5
        out = cv2.resize(small.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    else:
        raise ValueError(kind)
    return out * 255


def mae(mask: np.ndarray, alpha: np.ndarray) -> float:
    """Mean absolute error in 0..255 of a mask (uint8 or float 0..1) against a float matte."""
    m = mask.astype(np.float32) / 255.0 if mask.dtype == np.uint8 else mask
    return float(np.abs(m - alpha).mean() * 255)
