"""Small synthetic pictures with known layers, for the decomposition tests."""
from __future__ import annotations

import cv2
import numpy as np

from engine.box import Box


def ground(h: int, w: int, seed: int = 0, grain: float = 0.03) -> np.ndarray:
    """A lit floor: a gentle gradient of a warm grey with fine grain (float RGB 0..1)."""
    rng = np.random.default_rng(seed)
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    base = np.array([0.62, 0.58, 0.52], np.float32) * (0.9 + 0.15 * yy)
    noise = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 0.8)
    return np.clip(base + grain * noise[..., None], 0, 1).astype(np.float32)


def disc_alpha(h: int, w: int, cy: float, cx: float, r: float, soft: float = 1.5) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    return np.clip((r - d) / (2 * soft) + 0.5, 0, 1).astype(np.float32)


def scene(size: int = 160, shadow: float = 0.5, seed: int = 0):
    """A blue ball on a grey floor with a soft cast shadow to its lower right.

    Returns (image uint8 RGB, box, truth dict with alpha, colour, shadow, background).
    """
    h = w = size
    bg = ground(h, w, seed)
    cy, cx, r = 0.42 * h, 0.42 * w, 0.2 * size
    alpha = disc_alpha(h, w, cy, cx, r)
    colour = np.zeros((h, w, 3), np.float32)
    colour[:] = (0.15, 0.3, 0.85)
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    ell = (((xx - (cx + 0.5 * r)) / (1.5 * r)) ** 2 + ((yy - (cy + 0.95 * r)) / (0.45 * r)) ** 2) < 1
    s = shadow * cv2.GaussianBlur(ell.astype(np.float32), (0, 0), 0.12 * r)
    seen = bg * (1 - s[..., None])
    comp = alpha[..., None] * colour + (1 - alpha[..., None]) * seen
    image = np.clip(np.rint(comp * 255), 0, 255).astype(np.uint8)
    m = int(0.08 * size)
    box = Box.from_corners(int(cx - r) - m, int(cy - r) - m, int(cx + r) + m, int(cy + r) + m)
    return image, box, {"alpha": alpha, "colour": colour, "shadow": s, "background": bg}


def furry(size: int = 200, soft: float = 3.0, strands: bool = True, seed: int = 0):
    """A red disc (colour A) on green grass (colour B) with a soft edge and, with `strands`,
    a rim of short thin spikes: every edge pixel is a mix of exactly A and B.

    Returns (image uint8 RGB, box, truth dict with alpha, colour A, background).
    """
    h = w = size
    bg = np.clip(ground(h, w, seed) * np.array([0.6, 1.2, 0.6], np.float32), 0, 1)
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    cy, cx, r = 0.45 * h, 0.5 * w, 0.25 * size
    d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    rim = r + (0.12 * r * (0.5 + 0.5 * np.sin(np.arctan2(yy - cy, xx - cx) * 60)) if strands else 0)
    alpha = np.clip((rim - d) / (2 * soft) + 0.5, 0, 1).astype(np.float32)
    colour = np.array([0.85, 0.15, 0.1], np.float32)
    comp = alpha[..., None] * colour + (1 - alpha[..., None]) * bg
    image = np.clip(np.rint(comp * 255), 0, 255).astype(np.uint8)
    m = int(0.6 * r)
    box = Box.from_corners(int(cx - r) - m, int(cy - r) - m, int(cx + r) + m, int(cy + r) + m)
    return image, box, {"alpha": alpha, "colour": colour, "background": bg}


def standing(size: int = 160, shadow: float = 0.45, seed: int = 0):
    """An upright orange block standing on a grey floor, with a soft contact shadow hugging
    its base (wider than the block, darkest where they meet).

    Returns (image uint8 RGB, box, truth dict with alpha, colour, shadow, background).
    """
    h = w = size
    bg = ground(h, w, seed)
    x0, x1, y0, y1 = int(0.38 * w), int(0.62 * w), int(0.25 * h), int(0.7 * h)
    sil = np.zeros((h, w), np.float32)
    sil[y0:y1, x0:x1] = 1
    alpha = cv2.GaussianBlur(sil, (0, 0), 0.8)
    colour = np.zeros((h, w, 3), np.float32)
    colour[:] = (0.9, 0.5, 0.15)
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    ell = (((xx - (x0 + x1) / 2) / (0.75 * (x1 - x0))) ** 2 + ((yy - y1) / (0.06 * h)) ** 2) < 1
    s = shadow * cv2.GaussianBlur(ell.astype(np.float32), (0, 0), 0.02 * h) * (alpha < 0.99)
    seen = bg * (1 - s[..., None])
    comp = alpha[..., None] * colour + (1 - alpha[..., None]) * seen
    image = np.clip(np.rint(comp * 255), 0, 255).astype(np.uint8)
    m = int(0.06 * size)
    box = Box.from_corners(x0 - m, y0 - m, x1 + m, y1 + m)
    return image, box, {"alpha": alpha, "colour": colour, "shadow": s, "background": bg}
