"""RGBA maths on numpy arrays: conversions, alpha compositing and blend modes.

Conventions: 8-bit arrays are straight (not premultiplied) RGBA of shape
(H, W, 4); float arrays are in 0..1. Blend-mode formulas are the separable
modes of the PDF / W3C compositing specification, which is what Photoshop
and psd-tools use for 8-bit RGB documents.
"""
from __future__ import annotations

import numpy as np

BLEND_MODES = (
    "normal", "multiply", "screen", "overlay", "darken", "lighten",
    "color_dodge", "color_burn", "hard_light", "soft_light", "difference", "exclusion",
)

# Colour dodge and burn jump at black and white. Colours within half an 8-bit
# step of those edges count as on them, so that a backdrop recovered from a
# premultiplied buffer (white comes back as 0.99998) takes the same branch as
# the 8-bit colour it came from.
_EDGE = 0.5 / 255


def to_float(img: np.ndarray) -> np.ndarray:
    """uint8 -> float32 in 0..1 (float input is returned as float32)."""
    if img.dtype == np.uint8:
        return img.astype(np.float32) * np.float32(1.0 / 255.0)
    return img.astype(np.float32, copy=False)


def to_uint8(img: np.ndarray) -> np.ndarray:
    """float 0..1 -> uint8 with rounding and clipping."""
    return np.clip(np.rint(np.asarray(img, np.float32) * 255.0), 0, 255).astype(np.uint8)


def ensure_rgba(img: np.ndarray) -> np.ndarray:
    """Gray, gray+alpha, RGB or RGBA uint8 -> RGBA uint8 (opaque where no alpha)."""
    img = np.asarray(img)
    if img.ndim == 2:
        img = img[..., None]
    c = img.shape[2]
    if c == 4:
        return img
    h, w = img.shape[:2]
    out = np.empty((h, w, 4), img.dtype)
    if c == 1:
        out[..., :3] = img
        out[..., 3] = 255 if img.dtype == np.uint8 else 1.0
    elif c == 2:
        out[..., :3] = img[..., :1]
        out[..., 3] = img[..., 1]
    elif c == 3:
        out[..., :3] = img
        out[..., 3] = 255 if img.dtype == np.uint8 else 1.0
    else:
        raise ValueError(f"cannot make RGBA from {c} channels")
    return out


def premultiply(rgba: np.ndarray) -> np.ndarray:
    """Straight float RGBA -> premultiplied float RGBA."""
    out = rgba.copy()
    out[..., :3] *= rgba[..., 3:4]
    return out


def unpremultiply(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied float RGBA -> straight float RGBA (colour 0 where alpha is 0)."""
    out = rgba.copy()
    a = rgba[..., 3:4]
    np.divide(rgba[..., :3], a, out=out[..., :3], where=a > 0)
    out[..., :3][np.broadcast_to(a <= 0, out[..., :3].shape)] = 0
    return np.clip(out, 0.0, 1.0)


def blend(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    """The blend function B(cb, cs) of a separable mode, on straight float colours."""
    if mode == "normal":
        return cs
    if mode == "multiply":
        return cb * cs
    if mode == "screen":
        return cb + cs - cb * cs
    if mode == "overlay":
        return blend("hard_light", cs, cb)
    if mode == "darken":
        return np.minimum(cb, cs)
    if mode == "lighten":
        return np.maximum(cb, cs)
    if mode == "color_dodge":
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.minimum(1.0, cb / (1.0 - cs))
        return np.where(cb <= _EDGE, 0.0, np.where(cs >= 1.0 - _EDGE, 1.0, r)).astype(np.float32)
    if mode == "color_burn":
        with np.errstate(divide="ignore", invalid="ignore"):
            r = 1.0 - np.minimum(1.0, (1.0 - cb) / cs)
        return np.where(cb >= 1.0 - _EDGE, 1.0, np.where(cs <= _EDGE, 0.0, r)).astype(np.float32)
    if mode == "hard_light":
        return np.where(cs <= 0.5, cb * 2 * cs, blend("screen", cb, 2 * cs - 1))
    if mode == "soft_light":
        d = np.where(cb <= 0.25, ((16 * cb - 12) * cb + 4) * cb, np.sqrt(cb))
        return np.where(cs <= 0.5, cb - (1 - 2 * cs) * cb * (1 - cb), cb + (2 * cs - 1) * (d - cb))
    if mode == "difference":
        return np.abs(cb - cs)
    if mode == "exclusion":
        return cb + cs - 2 * cb * cs
    raise ValueError(f"unknown blend mode {mode!r}")


def composite_premultiplied(backdrop: np.ndarray, source: np.ndarray, mode: str = "normal",
                            opacity: float = 1.0) -> np.ndarray:
    """Blends straight float RGBA `source` onto premultiplied float RGBA `backdrop`.

    Returns premultiplied float RGBA. This is the general W3C formula
    co = cs*as*(1-ab) + cb*ab*(1-as) + as*ab*B(cb, cs).
    """
    ab = backdrop[..., 3:4]
    with np.errstate(divide="ignore", invalid="ignore"):
        cb = np.where(ab > 0, backdrop[..., :3] / np.maximum(ab, 1e-12), 0.0)
    cb = np.clip(cb, 0.0, 1.0)
    cs = source[..., :3]
    a_s = source[..., 3:4] * np.float32(opacity)
    mixed = blend(mode, cb, cs)
    co = cs * a_s * (1 - ab) + backdrop[..., :3] * (1 - a_s) + a_s * ab * mixed
    ao = a_s + ab * (1 - a_s)
    return np.concatenate([co, ao], axis=-1).astype(np.float32)


def over(fg: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Straight-alpha "normal" compositing of float RGBA `fg` over float RGB(A) `bg`.

    Returns RGB when `bg` is RGB (an opaque background), else straight RGBA.
    """
    a = fg[..., 3:4]
    if bg.shape[-1] == 3:
        return fg[..., :3] * a + bg * (1 - a)
    ab = bg[..., 3:4]
    ao = a + ab * (1 - a)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(ao > 0, (fg[..., :3] * a + bg[..., :3] * ab * (1 - a)) / np.maximum(ao, 1e-12), 0.0)
    return np.concatenate([c, ao], axis=-1)
