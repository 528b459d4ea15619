"""An independent straight-alpha reference of layer compositing, for the tests.

Written from the W3C "Compositing and Blending Level 1" / PDF 1.7 formulas in
float64, one node at a time, sharing no code with `engine.compose` or
`editor.model.render`:

    co = cs*as*(1-ab) + cb*ab*(1-as) + as*ab*B(cb, cs)     (premultiplied result)
    ao = as + ab*(1-as)

with as = layer alpha * layer opacity. Groups: pass-through groups composite
their children onto the backdrop and then fade the result towards the backdrop
by the group's opacity (as Photoshop and psd-tools do); other groups are
isolated: their children composite onto transparency and the result is
blended onto the backdrop with the group's mode and opacity.
"""
from __future__ import annotations

import numpy as np

from editor.model.layers import Group, Layer


def blend_reference(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    def screen(b, s):
        return b + s - b * s

    def hard_light(b, s):
        return np.where(s <= 0.5, b * 2 * s, screen(b, 2 * s - 1))

    if mode == "normal":
        return cs
    if mode == "multiply":
        return cb * cs
    if mode == "screen":
        return screen(cb, cs)
    if mode == "overlay":
        return hard_light(cs, cb)
    if mode == "darken":
        return np.minimum(cb, cs)
    if mode == "lighten":
        return np.maximum(cb, cs)
    if mode == "color_dodge":
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.minimum(1.0, cb / (1.0 - cs))
        out = np.where(cs >= 1.0, 1.0, out)
        return np.where(cb <= 0.0, 0.0, out)
    if mode == "color_burn":
        with np.errstate(divide="ignore", invalid="ignore"):
            out = 1.0 - np.minimum(1.0, (1.0 - cb) / cs)
        out = np.where(cs <= 0.0, 0.0, out)
        return np.where(cb >= 1.0, 1.0, out)
    if mode == "hard_light":
        return hard_light(cb, cs)
    if mode == "soft_light":
        d = np.where(cb <= 0.25, ((16 * cb - 12) * cb + 4) * cb, np.sqrt(cb))
        return np.where(cs <= 0.5, cb - (1 - 2 * cs) * cb * (1 - cb), cb + (2 * cs - 1) * (d - cb))
    if mode == "difference":
        return np.abs(cb - cs)
    if mode == "exclusion":
        return cb + cs - 2 * cb * cs
    # Photoshop's further modes, from Adobe's descriptions of them; at the source's extremes
    # Vivid Light burns to 0 and dodges to 1 whatever the backdrop, and Hard Mix's tie
    # (cb + cs == 1) answers 1 only where the backdrop is above half.
    if mode == "linear_dodge":
        return np.minimum(1.0, cb + cs)
    if mode == "linear_burn":
        return np.maximum(0.0, cb + cs - 1.0)
    if mode == "vivid_light":
        with np.errstate(divide="ignore", invalid="ignore"):
            burn = 1.0 - np.minimum(1.0, (1.0 - cb) / (2.0 * cs))
            dodge = np.minimum(1.0, cb / (2.0 * (1.0 - cs)))
        out = np.where(cs <= 0.5, burn, dodge)
        return np.where(cs <= 0.0, 0.0, np.where(cs >= 1.0, 1.0, out))
    if mode == "linear_light":
        return np.clip(cb + 2.0 * cs - 1.0, 0.0, 1.0)
    if mode == "pin_light":
        return np.where(cs <= 0.5, np.minimum(cb, 2.0 * cs), np.maximum(cb, 2.0 * cs - 1.0))
    if mode == "hard_mix":
        total = cb + cs
        return np.where((total > 1.0) | ((total == 1.0) & (cb > 0.5)), 1.0, 0.0)
    if mode == "subtract":
        return np.maximum(0.0, cb - cs)
    if mode == "divide":
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(cs > 0, cb / cs, np.where(cb > 0, 1.0, 0.0))
        return np.minimum(1.0, out)
    if mode in ("hue", "saturation", "color", "luminosity"):
        return _non_separable(mode, cb, cs)
    # Darker / Lighter Color: the whole colour whose luminosity is lower / higher (ties keep
    # the backdrop).
    if mode == "darker_color":
        return np.where(_lum(cs) < _lum(cb), cs, cb)
    if mode == "lighter_color":
        return np.where(_lum(cs) > _lum(cb), cs, cb)
    raise ValueError(mode)


def _lum(c):
    return 0.3 * c[..., 0:1] + 0.59 * c[..., 1:2] + 0.11 * c[..., 2:3]


def _set_lum(c, lum):
    """PDF 1.7 SetLum with ClipColor: the colour moved to luminance `lum`, kept in gamut."""
    c = c + (lum - _lum(c))
    low, high = c.min(axis=-1, keepdims=True), c.max(axis=-1, keepdims=True)
    lum = _lum(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(low < 0, lum + (c - lum) * lum / (lum - low), c)
        c = np.where(high > 1, lum + (c - lum) * (1 - lum) / (high - lum), c)
    return np.clip(np.nan_to_num(c), 0.0, 1.0)


def _set_sat(c, sat):
    """PDF 1.7 SetSat: the colour's channel spread set to `sat`, its order kept."""
    low, high = c.min(axis=-1, keepdims=True), c.max(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(high > low, (c - low) * sat / (high - low), 0.0)
    return out


def _non_separable(mode, cb, cs):
    def sat(c):
        return c.max(axis=-1, keepdims=True) - c.min(axis=-1, keepdims=True)

    if mode == "hue":
        return _set_lum(_set_sat(cs, sat(cb)), _lum(cb))
    if mode == "saturation":
        return _set_lum(_set_sat(cb, sat(cs)), _lum(cb))
    if mode == "color":
        return _set_lum(cs, _lum(cb))
    return _set_lum(cb, _lum(cs))


def blend_onto(backdrop: np.ndarray, straight: np.ndarray, mode: str, opacity: float) -> np.ndarray:
    """backdrop: premultiplied float64 (H, W, 4); straight: straight float64 (H, W, 4)."""
    ab = backdrop[..., 3:4]
    with np.errstate(divide="ignore", invalid="ignore"):
        cb = np.where(ab > 0, backdrop[..., :3] / ab, 0.0)
    cb = np.clip(cb, 0.0, 1.0)
    cs = straight[..., :3]
    a_s = straight[..., 3:4] * opacity
    co = cs * a_s * (1 - ab) + cb * ab * (1 - a_s) + a_s * ab * blend_reference(mode, cb, cs)
    ao = a_s + ab * (1 - a_s)
    return np.concatenate([co, ao], axis=-1)


def layer_on_canvas(layer: Layer, x0: int, y0: int, w: int, h: int) -> np.ndarray:
    """The layer's straight float64 pixels placed on a (h, w) canvas at offset (x0, y0)."""
    out = np.zeros((h, w, 4))
    lx, ly = layer.x - x0, layer.y - y0
    sx0, sy0 = max(0, -lx), max(0, -ly)
    dx0, dy0 = max(0, lx), max(0, ly)
    cw = min(layer.width - sx0, w - dx0)
    ch = min(layer.height - sy0, h - dy0)
    if cw > 0 and ch > 0:
        out[dy0:dy0 + ch, dx0:dx0 + cw] = layer.pixels[sy0:sy0 + ch, sx0:sx0 + cw] / 255.0
    return out


def composite_reference(nodes, x0: int, y0: int, w: int, h: int,
                        backdrop: np.ndarray | None = None) -> np.ndarray:
    """Premultiplied float64 RGBA of `nodes` (bottom to top) over `backdrop` (default transparent)."""
    composite = np.zeros((h, w, 4)) if backdrop is None else backdrop.copy()
    for node in nodes:
        if not node.visible:
            continue
        opacity = node.opacity / 255.0
        if isinstance(node, Layer):
            composite = blend_onto(composite, layer_on_canvas(node, x0, y0, w, h), node.blend_mode, opacity)
        elif isinstance(node, Group) and node.blend_mode == "pass_through":
            after = composite_reference(node.children, x0, y0, w, h, composite)
            composite = composite + (after - composite) * opacity
        else:
            inner = composite_reference(node.children, x0, y0, w, h)
            a = inner[..., 3:4]
            with np.errstate(divide="ignore", invalid="ignore"):
                straight = np.concatenate([np.where(a > 0, inner[..., :3] / a, 0.0), a], axis=-1)
            composite = blend_onto(composite, straight, node.blend_mode, opacity)
    return composite


def premultiplied(rgba8: np.ndarray) -> np.ndarray:
    """Straight uint8 RGBA -> premultiplied float64."""
    f = rgba8.astype(np.float64) / 255.0
    f[..., :3] *= f[..., 3:4]
    return f
