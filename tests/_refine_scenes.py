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


def composite(pair: tuple[str, str], size: tuple[int, int] = (600, 492), alpha=None):
    """(image uint8 RGB, true alpha float): the object photo seen through the horse-shaped
    matte (or `alpha`) over the ground photo."""
    alpha = true_alpha(size) if alpha is None else alpha
    fg = photo(pair[0], size).astype(np.float32)
    bg = photo(pair[1], size).astype(np.float32)
    image = alpha[..., None] * fg + (1 - alpha[..., None]) * bg
    return np.clip(np.rint(image), 0, 255).astype(np.uint8), alpha


def furry(pair: tuple[str, str], size: tuple[int, int] = (600, 492), seed: int = 0):
    """(image, true alpha, strokes): the horse of `composite` with fur along the outline
    where it faces up (back, neck, head): thin strands, about a pixel wide and
    anti-aliased, growing up to 28 px (at 600 px wide) out of it. `strokes` are where a
    user would paint the Refine Edge Brush over the fur: for each run of the furry
    outline, the points (x, y) of a line about 12 px out of it, in order."""
    w, h = size
    scale = w / 600
    inside = (true_alpha(size) >= 0.5).astype(np.uint8)
    smooth = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), 3)
    gy, gx = np.gradient(smooth)
    contours, _ = cv2.findContours(inside, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=len)[:, 0]  # (n, 2): x, y in order along the outline
    rng = np.random.default_rng(seed)
    k = 4  # the strands are drawn 4 x larger, then reduced: anti-aliased
    hair = np.zeros((h * k, w * k), np.uint8)
    strokes, run, last = [], [], None
    for x, y in contour[::2]:
        nx, ny = -gx[y, x], -gy[y, x]  # the outward normal
        n = np.hypot(nx, ny)
        if n < 1e-6 or ny / n > -0.5:  # only where the outline faces up
            continue
        nx, ny = nx / n, ny / n
        if last is not None and np.hypot(x - last[0], y - last[1]) > 6:
            strokes.append(run)
            run = []
        last = (x, y)
        run.append((x + 12 * scale * nx, y + 12 * scale * ny))
        turn = rng.uniform(-0.45, 0.45)
        bend = rng.uniform(-0.02, 0.02)
        length = rng.uniform(0.35, 1.0) * 28 * scale
        points, px, py = [], float(x), float(y)
        for step in range(8):
            angle = np.arctan2(ny, nx) + turn + bend * step * 8
            px += np.cos(angle) * length / 8
            py += np.sin(angle) * length / 8
            points.append((px, py))
        line = np.rint((np.array([(x, y)] + points) + 0.5) * k - 0.5).astype(np.int32)
        cv2.polylines(hair, [line], False, 255, max(1, round(0.9 * k * scale)), cv2.LINE_AA)
    strokes.append(run)
    strands = cv2.resize(hair.astype(np.float32) / 255, size, interpolation=cv2.INTER_AREA)
    alpha = np.maximum(true_alpha(size), strands).astype(np.float32)
    image, alpha = composite(pair, size, alpha)
    return image, alpha, [np.array(r, np.float64) for r in strokes if len(r) >= 2]


def brushed(painted: np.ndarray, strokes, size: float, remove: bool = False) -> np.ndarray:
    """`painted` (uint8, in place, returned) with Refine Edge Brush strokes along `strokes`
    (each an (n, 2) array of x, y) painted as the dialog's brush paints a drag through
    those points (`StrokePath`, `refine_brush.paint_dabs`); `remove` as with Alt."""
    from PySide6.QtCore import QPointF

    from editor.ui.refine_brush import paint_dabs
    from editor.ui.tools.brush import StrokePath

    for points in strokes:
        path = StrokePath()
        centres = [QPointF(float(points[0][0]), float(points[0][1]))]
        path.start(centres[0])
        for x, y in points[1:]:
            centres += path.to(QPointF(float(x), float(y)), size)
        paint_dabs(painted, centres, size, remove)
    return painted


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
