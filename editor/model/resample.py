"""Resampling layer pixels through an affine transform (Free Transform, Image Size), a
projective one (Distort, Perspective), and the premultiplied sampling that Warp shares.

The work is done by Pillow on premultiplied RGBA ("RGBa"), so transparent
edges do not turn dark. Shrinking first goes through a Lanczos resize, which
filters properly, and the remaining rotation/flip/sub-pixel placement uses
bicubic interpolation; enlarging uses bicubic directly.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from engine.box import Box

# (a, b, c, d, e, f): a layer-local point (u, v) lands on canvas point
# (a*u + b*v + c, d*u + e*v + f). Coordinates are continuous: pixel (0, 0)
# covers [0, 1) x [0, 1).
Affine = tuple[float, float, float, float, float, float]


def transformed_bounds(affine: Affine, width: int, height: int) -> Box:
    a, b, c, d, e, f = affine
    xs = [a * u + b * v + c for u, v in ((0, 0), (width, 0), (0, height), (width, height))]
    ys = [d * u + e * v + f for u, v in ((0, 0), (width, 0), (0, height), (width, height))]
    # Tolerate float noise so that exact placements do not grow by a pixel.
    x0, y0 = math.floor(min(xs) + 1e-6), math.floor(min(ys) + 1e-6)
    x1, y1 = math.ceil(max(xs) - 1e-6), math.ceil(max(ys) - 1e-6)
    return Box(x0, y0, x1 - x0, y1 - y0)


def transform_pixels(pixels: np.ndarray, affine: Affine,
                     clip: Optional[Box] = None) -> tuple[np.ndarray, int, int]:
    """Straight RGBA `pixels` transformed by `affine`; returns (pixels, x, y) on the canvas.

    `clip` limits the result to a canvas box (to bound memory when a layer is
    enlarged far beyond the canvas).
    """
    from PIL import Image

    h, w = pixels.shape[:2]
    bounds = transformed_bounds(affine, w, h)
    if clip is not None:
        bounds = bounds.intersect(clip)
    if bounds.is_empty() or w == 0 or h == 0:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    a, b, c, d, e, f = affine
    source = Image.fromarray(np.ascontiguousarray(pixels), "RGBA").convert("RGBa")
    # Shrink along each layer axis with a proper low-pass filter first.
    su, sv = math.hypot(a, d), math.hypot(b, e)
    ru, rv = 1.0, 1.0
    if su < 1.0 or sv < 1.0:
        nw = max(1, round(w * min(1.0, su)))
        nh = max(1, round(h * min(1.0, sv)))
        if (nw, nh) != (w, h):
            source = source.resize((nw, nh), Image.Resampling.LANCZOS)
            ru, rv = nw / w, nh / h
    a, d = a / ru, d / ru
    b, e = b / rv, e / rv
    det = a * e - b * d
    if abs(det) < 1e-12:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    # Pillow wants, for each output point, the source point: the inverse map.
    ia, ib = e / det, -b / det
    id_, ie = -d / det, a / det
    ox, oy = bounds.x - c, bounds.y - f
    data = (ia, ib, ia * ox + ib * oy, id_, ie, id_ * ox + ie * oy)
    out = source.transform((bounds.w, bounds.h), Image.Transform.AFFINE, data,
                           resample=Image.Resampling.BICUBIC)
    return np.asarray(out.convert("RGBA")).copy(), bounds.x, bounds.y


def perspective_pixels(pixels: np.ndarray, matrix, clip: Optional[Box] = None,
                       out: Optional[Box] = None) -> tuple[np.ndarray, int, int]:
    """Straight RGBA `pixels` through the 3x3 projective `matrix` (layer-local continuous
    coordinates -> canvas, column vectors); returns (pixels, x, y) on the canvas. Bilinear,
    on premultiplied alpha (Perspective and Distort of Free Transform, Perspective Crop).

    `out`, when given, is the canvas box to fill, taken as it is: the caller knows that
    every pixel of it comes from before the horizon (Perspective Crop: the output is the
    picture of a convex quad), though the layer's own corners may not."""
    import cv2

    h, w = pixels.shape[:2]
    m = np.asarray(matrix, np.float64)
    if out is not None:
        bounds = out
    else:
        corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], np.float64) @ m.T
        if (corners[:, 2] <= 1e-9).any():
            raise ValueError("the corners cross the horizon: the layer cannot be drawn so")
        xy = corners[:, :2] / corners[:, 2:3]
        bounds = Box.from_corners(math.floor(xy[:, 0].min() + 1e-6),
                                  math.floor(xy[:, 1].min() + 1e-6),
                                  math.ceil(xy[:, 0].max() - 1e-6), math.ceil(xy[:, 1].max() - 1e-6))
    if clip is not None:
        bounds = bounds.intersect(clip)
    if bounds.is_empty() or w == 0 or h == 0:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    # Pixel centres: OpenCV puts them at integers, our coordinates at half-integers.
    to_centres = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]], np.float64)
    from_canvas = np.array([[1, 0, -bounds.x - 0.5], [0, 1, -bounds.y - 0.5], [0, 0, 1]], np.float64)
    full = from_canvas @ m @ to_centres
    out = cv2.warpPerspective(premultiplied_float(pixels), full, (bounds.w, bounds.h),
                              flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return straight_uint8(out), bounds.x, bounds.y


def premultiplied_float(pixels: np.ndarray) -> np.ndarray:
    """Straight RGBA uint8 -> premultiplied float32 (0..255), for OpenCV's samplers: colours
    then mix in proportion to their cover, so transparent edges do not turn dark."""
    premultiplied = pixels.astype(np.float32)
    premultiplied[..., :3] *= premultiplied[..., 3:4] / 255.0
    return premultiplied


def straight_uint8(premultiplied: np.ndarray) -> np.ndarray:
    """`premultiplied_float`'s inverse, after sampling: straight RGBA uint8. Works in place
    on its float32 argument (a sampler's fresh output): a large layer's copies cost time."""
    alpha = premultiplied[..., 3]
    unpremultiply = np.zeros_like(alpha)
    np.divide(255.0, alpha, out=unpremultiply, where=alpha > 0)
    premultiplied[..., :3] *= unpremultiply[..., None]
    np.clip(premultiplied, 0, 255, out=premultiplied)
    return np.rint(premultiplied, out=premultiplied).astype(np.uint8)


def warp_mask(mask, warp):
    """A layer mask sent through `warp` (straight RGBA pixels -> (pixels, x, y), e.g.
    transform_pixels with the mask's own affine), so that it resamples exactly as its
    layer does. The mask travels as the alpha of RGBA pixels, stored so that its default
    colour is transparent: its edges then do not fade towards the wrong colour."""
    rgba = np.zeros((mask.height, mask.width, 4), np.uint8)
    rgba[..., 3] = mask.pixels if mask.default == 0 else 255 - mask.pixels
    pixels, x, y = warp(rgba)
    out = mask.copy()
    values = np.ascontiguousarray(pixels[..., 3])
    out.pixels = values if mask.default == 0 else 255 - values
    out.x, out.y = int(x), int(y)
    return out
