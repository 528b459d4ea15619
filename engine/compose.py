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
    # Photoshop's further modes, blended with psd-tools' functions (pinned there against
    # Photoshop's own renders); their names are psd-tools' BlendMode names, so PSDs keep them.
    "linear_dodge", "linear_burn", "vivid_light", "linear_light", "pin_light", "hard_mix",
    "subtract", "divide", "hue", "saturation", "color", "luminosity",
    # Darker / Lighter Color take the whole colour of the layer or of the backdrop, whichever
    # has the lower / higher luminosity (Photoshop's, measured: tests/test_blend_modes_photoshop.py).
    "darker_color", "lighter_color",
    # Dissolve shows each pixel fully or not at all, by a fixed pattern (`dissolve`); its
    # colour blends as Normal. (Last, so the others keep their places: tests seed by them.)
    "dissolve",
)
_PSD_TOOLS_MODES = frozenset(BLEND_MODES[12:BLEND_MODES.index("dissolve")])

# Photoshop's "special" modes under a Fill below 100 %: the Fill does not fade the layer
# over its backdrop but fades its colour towards the mode's neutral one (the colour that
# changes nothing), and only where nothing lies below does the layer show at alpha x Fill
# (`composite_premultiplied`). Measured on ag-psd's fill-opacity.psd (Linear Light at
# Fill 20 %: 10.1 levels off faded as by opacity, 0.4 so); the neutral colours of the
# others follow from their formulas, unchecked against Photoshop's pixels. Hard Mix, the
# eighth, is left out: its threshold has no neutral colour.
FILL_NEUTRAL = {"color_burn": 1.0, "linear_burn": 1.0, "color_dodge": 0.0,
                "linear_dodge": 0.0, "vivid_light": 0.5, "linear_light": 0.5,
                "difference": 0.0}

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


def unpremultiply(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied float RGBA -> straight float RGBA (colour 0 where alpha is 0)."""
    out = rgba.copy()
    a = rgba[..., 3:4]
    np.divide(rgba[..., :3], a, out=out[..., :3], where=a > 0)
    out[..., :3][np.broadcast_to(a <= 0, out[..., :3].shape)] = 0
    return np.clip(out, 0.0, 1.0)


def dissolve_noise(x: int, y: int, w: int, h: int) -> np.ndarray:
    """Dissolve's fixed pattern over the canvas box (x, y, w, h): per canvas pixel a value
    in [0, 1) from an integer hash of its position (so the same pixel gets the same value
    on every path and redraw, and a moved layer shows other pixels, as in Photoshop)."""
    xs = (np.arange(x, x + w, dtype=np.int64) & 0xFFFFFFFF).astype(np.uint32)
    ys = (np.arange(y, y + h, dtype=np.int64) & 0xFFFFFFFF).astype(np.uint32)
    with np.errstate(over="ignore"):
        v = xs[None, :] * np.uint32(0x9E3779B1) ^ ys[:, None] * np.uint32(0x85EBCA77)
        # A 32-bit avalanche (MurmurHash3's finaliser): neighbours' values unrelated.
        v ^= v >> np.uint32(16)
        v *= np.uint32(0x85EBCA6B)
        v ^= v >> np.uint32(13)
        v *= np.uint32(0xC2B2AE35)
        v ^= v >> np.uint32(16)
    return (v >> np.uint32(8)).astype(np.float32) * np.float32(1.0 / (1 << 24))


def dissolve(source: np.ndarray, opacity: float, x: int, y: int) -> np.ndarray:
    """Straight float RGBA `source` (its top-left pixel at canvas (x, y)) as Dissolve
    shows it at `opacity`: each pixel opaque where the pattern lies below its alpha times
    the opacity (so with that probability), else transparent; to be blended as Normal at
    full opacity."""
    h, w = source.shape[:2]
    out = source.astype(np.float32, copy=True)
    shown = dissolve_noise(x, y, w, h) < out[..., 3] * np.float32(opacity)
    out[..., 3] = shown
    return out


def blend(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    """The blend function B(cb, cs) of a separable mode, on straight float colours
    (Dissolve's colour is Normal's: its pattern acts on alpha, `dissolve`)."""
    if mode in ("normal", "dissolve"):
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
    if mode in _PSD_TOOLS_MODES:
        from psd_tools.composite import blend as psd_blend

        # (H, W, 3) arrays, as psd-tools' functions take them (hue to luminosity mix channels).
        shape = np.broadcast_shapes(np.shape(cb), np.shape(cs))
        b = np.broadcast_to(cb, shape).astype(np.float32).reshape(-1, 1, shape[-1])
        s = np.broadcast_to(cs, shape).astype(np.float32).reshape(-1, 1, shape[-1])
        return np.asarray(getattr(psd_blend, mode)(b, s), np.float32).reshape(shape)
    raise ValueError(f"unknown blend mode {mode!r}")


def composite_premultiplied(backdrop: np.ndarray, source: np.ndarray, mode: str = "normal",
                            opacity: float = 1.0, fill: float = 1.0) -> np.ndarray:
    """Blends straight float RGBA `source` onto premultiplied float RGBA `backdrop`.

    Returns premultiplied float RGBA. This is the general W3C formula
    co = cs*as*(1-ab) + cb*ab*(1-as) + as*ab*B(cb, cs).
    `fill` (Photoshop's Fill, 0..1) fades the source as `opacity` does, except in the
    modes of `FILL_NEUTRAL`: there B(cb, n + fill (cs - n)) over the backdrop, the source
    at alpha as * fill where there is none: co = cs*as*fill*(1-ab) + cb*ab*(1-as) +
    as*ab*B(cb, n + fill (cs - n)), ao = as*fill + ab*(1 - as*fill).
    """
    ab = backdrop[..., 3:4]
    with np.errstate(divide="ignore", invalid="ignore"):
        cb = np.where(ab > 0, backdrop[..., :3] / np.maximum(ab, 1e-12), 0.0)
    cb = np.clip(cb, 0.0, 1.0)
    cs = source[..., :3]
    a_s = source[..., 3:4] * np.float32(opacity)
    if fill < 1.0 and mode in FILL_NEUTRAL:
        neutral = np.float32(FILL_NEUTRAL[mode])
        mixed = blend(mode, cb, neutral + np.float32(fill) * (cs - neutral))
        co = cs * (a_s * np.float32(fill)) * (1 - ab) + backdrop[..., :3] * (1 - a_s) \
            + a_s * ab * mixed
        ao = a_s * np.float32(fill) + ab * (1 - a_s * np.float32(fill))
        return np.concatenate([co, ao], axis=-1).astype(np.float32)
    a_s = a_s * np.float32(fill)
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


# ---------------------------------------------------------------------------
# Un-blending: a foreground layer from a composite and its known background
# (used by methods that paint into a picture and then lift the change off it).
# ---------------------------------------------------------------------------

def unblend(composite: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The most transparent straight RGBA foreground that explains `composite` over `background`.

    Both inputs are RGB (uint8 or float 0..1) of the same shape. For each pixel
    this returns the smallest alpha a, and the colour F, such that
    composite = a*F + (1-a)*background with F inside [0, 1]. A channel that got
    brighter needs a >= (c-b)/(1-b), one that got darker a >= (b-c)/b; alpha is
    the largest of these needs. So unchanged pixels get alpha 0, a darkened
    pixel (a shadow, c = k*b) gets black with alpha 1-k, and a pixel whose new
    colour the background cannot reach becomes opaque. Returns float32 RGBA.
    """
    alpha = unblend_alpha(composite, background)
    return np.concatenate([unblend_colour(composite, background, alpha), alpha[..., None]], axis=-1)


def unblend_alpha(composite: np.ndarray, background: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Just the alpha of `unblend` (H, W float32); inputs are RGB in 0..1 (or uint8)."""
    c = to_float(composite)[..., :3]
    b = to_float(background)[..., :3]
    # For each channel one of the two needs is <= 0 (the direction it did not move in),
    # so the larger of the two is the need of the direction it did move in. The work
    # reuses its buffers: at a megapixel, fresh arrays cost more than the arithmetic.
    d = np.subtract(c, b)
    up = np.subtract(np.float32(1.0), b)
    np.maximum(up, np.float32(eps), out=up)
    np.divide(d, up, out=up)
    down = np.maximum(b, np.float32(eps))
    np.negative(d, out=d)
    np.divide(d, down, out=down)
    np.maximum(up, down, out=up)
    alpha = np.maximum(up[..., 0], up[..., 1])
    np.maximum(alpha, up[..., 2], out=alpha)
    return np.clip(alpha, 0.0, 1.0, out=alpha)


def unblend_colour(composite: np.ndarray, background: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The colour F with composite = alpha*F + (1-alpha)*background, for a given alpha.

    Any alpha at least the one `unblend` finds keeps F inside [0, 1]; a
    smaller one (a speck that was cleared) is clipped. Colour is 0 where
    alpha is 0. Inputs as for `unblend`; alpha is (H, W) float.
    """
    c = to_float(composite)[..., :3]
    b = to_float(background)[..., :3]
    a = np.asarray(alpha, np.float32)
    inverse = np.zeros_like(a)
    np.divide(np.float32(1.0), a, out=inverse, where=a > 0)
    f = np.subtract(c, b)
    f *= per_channel(inverse, 3)
    f += b
    f *= per_channel((a > 0).astype(np.float32), 3)
    return np.clip(f, 0.0, 1.0, out=f)


def per_channel(plane: np.ndarray, channels: int) -> np.ndarray:
    """An (H, W) float plane repeated into (H, W, channels), to multiply colour by.

    Same-shape arithmetic is several times faster in numpy than broadcasting `plane[..., None]`
    over the channels, and OpenCV's merge makes the copy quickly."""
    import cv2

    plane = np.ascontiguousarray(plane)
    return cv2.merge([plane] * channels) if plane.size else np.repeat(plane[..., None], channels, 2)


def clean_alpha(alpha: np.ndarray, *, low: float = 4 / 255, high: float = 24 / 255,
                min_area: int = 16, edge: int = 2) -> np.ndarray:
    """Removes faint noise and small specks from an alpha map while keeping soft edges.

    Hysteresis, as in edge detection: a region of alpha >= `low` survives only
    if it reaches `high` somewhere and covers at least `min_area` pixels, so
    faint noise and isolated dots go while a soft shadow attached to its
    strong core stays whole. The survivors' fringe (`edge` pixels around
    them) is kept as it was, so anti-aliased edges below `low` are not cut.
    Alpha is never raised, only set to 0 outside what survives.
    """
    import cv2

    alpha = np.asarray(alpha, np.float32)
    weak = (alpha >= low).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(weak, connectivity=8)
    strong = np.bincount(labels[alpha >= high], minlength=count) > 0
    keep = strong & (stats[:, cv2.CC_STAT_AREA] >= min_area)
    keep[0] = False  # label 0 is everything below `low`
    support = keep[labels].astype(np.uint8)
    if edge > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * edge + 1, 2 * edge + 1))
        support = cv2.dilate(support, kernel)
    return np.where(support > 0, alpha, np.float32(0.0))


def mean_abs_error_255(a: np.ndarray, b: np.ndarray, where: np.ndarray | None = None) -> float:
    """Mean absolute difference of two images in 0..255 units (optionally inside a mask)."""
    diff = np.abs(to_float(a) - to_float(b))
    if where is not None:
        diff = diff[np.asarray(where, bool)]
    return float(diff.mean(dtype=np.float64)) * 255.0 if diff.size else 0.0
