"""Photomerge's Cylindrical and Spherical layouts: each photo reprojected onto a cylinder
or a sphere round the camera before the photos are placed side by side.

A camera turned about its centre between shots sees the same scene through different
planes; on a cylinder (or sphere) round it the shots differ by a shift only, so after
`project` the photos are placed by a move (Auto-Align's Reposition), and a long row does
not bow-tie as one plane does (Szeliski, "Image Alignment and Stitching", 2006, §2.3).

The focal length (in pixels) comes from the photos themselves: the one under which the
matches between neighbouring photos (ORB, `auto_align`) are best explained by a turn of the
camera (`focal_from_photos`); a JPEG's EXIF
35 mm-equivalent focal length comes first when it has one. Without either the photo's
width is taken (a 53° field of view), and the caller is told so.

Pure numpy/OpenCV: no Qt.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from .auto_align import MIN_INLIERS, _corners, _matched, fit

KINDS = ("cylindrical", "spherical")


def exif_focal(path: str, width: int) -> Optional[float]:
    """The focal length in pixels from a file's EXIF 35 mm-equivalent focal length (a 36 mm
    wide frame), or None."""
    from .file_info import exif_tag

    try:
        from PIL import Image

        with Image.open(path) as image:
            value = exif_tag(image.getexif(), 0xA405)  # FocalLengthIn35mmFilm
    except Exception:  # (no EXIF, or a file PIL does not read: the photos decide)
        return None
    return float(value) / 36.0 * width if value else None


def focal_from_photos(pictures: Sequence[np.ndarray]) -> Optional[float]:
    """The focal length (px) under which neighbouring photos differ by a turn of the camera
    about its centre, or None when no pair shares enough. For each pair the matches that
    agree with their homography (ORB, `auto_align`) are kept; for a focal length f each
    pair's best rotation (orthogonal Procrustes on the rays K^-1 p) sends one photo's points
    onto the other's with a pixel error; the f with the least mean error over all pairs is
    the answer (searched on a log scale, then refined). Szeliski and Shum's closed form from
    the homography alone was tried first: on a turn about one axis it rests on the
    homography's near-zero terms, and measured matches put it 13 % off."""
    from scipy.optimize import minimize_scalar

    pairs = []
    corners = [_corners(p, 0, 0) for p in pictures]
    for (a, pa), (b, pb) in zip(zip(corners, pictures), zip(corners[1:], pictures[1:])):
        source, target = _matched(a, b)  # (b's points, a's points)
        matrix, agreed = fit(source, target, "perspective")
        if agreed < MIN_INLIERS:
            continue
        h = np.column_stack([source, np.ones(len(source))]) @ matrix.T
        keep = np.hypot(*(h[:, :2] / h[:, 2:3] - target).T) < 3.0
        if keep.sum() < MIN_INLIERS:
            continue
        pairs.append((source[keep] - (pb.shape[1] / 2, pb.shape[0] / 2),
                      target[keep] - (pa.shape[1] / 2, pa.shape[0] / 2)))
    if not pairs:
        return None

    def error(log_f: float) -> float:
        f = math.exp(log_f)
        total = 0.0
        for pb, pa in pairs:
            rb = np.column_stack([pb, np.full(len(pb), f)])
            ra = np.column_stack([pa, np.full(len(pa), f)])
            rb /= np.linalg.norm(rb, axis=1, keepdims=True)
            ra /= np.linalg.norm(ra, axis=1, keepdims=True)
            u, _s, vt = np.linalg.svd(rb.T @ ra)
            d = np.sign(np.linalg.det(u @ vt))
            rotation = (u @ np.diag([1.0, 1.0, d]) @ vt).T  # rb -> ra
            moved = rb @ rotation.T
            with np.errstate(divide="ignore", invalid="ignore"):
                seen = f * moved[:, :2] / moved[:, 2:3]
            miss = np.hypot(*(seen - pa).T)
            total += float(np.mean(np.where(np.isfinite(miss), np.minimum(miss, 50.0), 50.0)))
        return total / len(pairs)

    width = max(p.shape[1] for p in pictures)
    grid = np.linspace(math.log(0.2 * width), math.log(10 * width), 41)
    best = grid[int(np.argmin([error(g) for g in grid]))]
    step = grid[1] - grid[0]
    found = minimize_scalar(error, bounds=(best - step, best + step), method="bounded",
                            options={"xatol": 1e-4})
    return float(math.exp(found.x))


def project(pixels: np.ndarray, focal: float, kind: str) -> np.ndarray:
    """Straight RGBA `pixels` reprojected onto a cylinder (`kind` "cylindrical") or a sphere
    ("spherical") of radius `focal` px round the camera, unrolled: x = f θ (the angle round
    the vertical axis), y = f h / r on the cylinder, f φ (the angle above the horizon) on
    the sphere; the photo's centre stays in the middle, with its scale there. Transparent
    where the photo does not reach; sampled bilinearly, premultiplied."""
    import cv2

    from .resample import premultiplied_float, straight_uint8

    if kind not in KINDS:
        raise ValueError(f"the projections are {', '.join(KINDS)}, not {kind!r}")
    h, w = pixels.shape[:2]
    f = float(focal)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    half_w = math.atan(max(cx, 1.0) / f)
    if kind == "cylindrical":
        half_h = cy / f  # (at the photo's centre column: the cylinder's height there)
    else:
        half_h = math.atan(max(cy, 1.0) / f)
    out_w = 2 * int(math.ceil(f * half_w)) + 1
    out_h = 2 * int(math.ceil(f * half_h)) + 1
    u = (np.arange(out_w, dtype=np.float64) - (out_w - 1) / 2) / f  # θ
    v = (np.arange(out_h, dtype=np.float64) - (out_h - 1) / 2) / f  # h or φ
    theta, t = np.meshgrid(u, v)
    if kind == "cylindrical":
        x = f * np.tan(theta)
        y = f * t / np.cos(theta)
    else:  # the ray (sin θ cos φ, sin φ, cos θ cos φ) through the photo's plane z = f
        x = f * np.tan(theta)
        y = f * np.tan(t) / np.cos(theta)
    map_x = (x + cx).astype(np.float32)
    map_y = (y + cy).astype(np.float32)
    warped = cv2.remap(premultiplied_float(pixels), map_x, map_y, cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return straight_uint8(warped)
