"""Foreground colours, high-frequency alignment and 8-bit output of the two layers.

The layers obey normal ("over") compositing: composite = A*F + (1-A)*B, with
A the foreground layer's alpha. The foreground layer holds the object
(alpha `a_o`, colour `Fo`) over its shadow (colour `K` at opacity `a_s`), so

    A = 1 - (1 - a_o)(1 - a_s)       A*F = a_o*Fo + (1 - a_o)*a_s*K

`solve_foreground` finds Fo from the composite and the estimated background
(the closed form Fo = (I - (1 - a_o)(a_s K + (1 - a_s) B)) / a_o) where the
object is solid enough for that to be well conditioned, and carries those
colours outward into the thin edge by a pyramid fill, so no trace of the
old background stays in the edge colours.

`align` is the high-frequency alignment (HFA). The estimates are smooth where
they had to be invented (the inpainted background, the extended edge
colours, the blurred shadow), and the composite's fine detail there is the
residual R = I - (A F + (1 - A) B). It is handed to the layers in proportion
to how much of each the eye sees: the smallest change (dF, dB) with
A dF + (1 - A) dB = R, weighted so that the object's share of A takes its
part and a shadow, which is colourless darkening, leaves its part to the
ground below it. Where one layer is already at 0 or 1, the other takes the
rest. `to_uint8_layers` then rounds A, F, B to 8 bits and, per pixel, lets
the layer that dominates the pixel absorb the rounding, so that foreground
over background gives back the composite within about half a level: moving
nothing changes nothing.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ...compose import over, to_float
from .edges import NOISE_FLOOR, ground_covariance
from .fill import pyramid_fill


def layer_alpha(alpha: np.ndarray, shadow: np.ndarray) -> np.ndarray:
    """The foreground layer's alpha: the object over its shadow."""
    return 1.0 - (1.0 - alpha) * (1.0 - shadow)


def solve_foreground(image: np.ndarray, alpha: np.ndarray, shadow: np.ndarray,
                     shadow_colour: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The foreground layer's straight colour F (H, W, 3) float, given I, a_o, a_s, K and B."""
    a = alpha[..., None]
    s = shadow[..., None]
    behind = s * shadow_colour + (1.0 - s) * background
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.clip((image - (1.0 - a) * behind) / np.maximum(a, 1e-6), 0.0, 1.0)
    if (alpha >= 0.6).any():
        # Well-conditioned where the object covers most of the pixel; carried outward
        # from there into the thin edge, where the closed form amplifies every error.
        reliable = np.clip((alpha - 0.6) / 0.3, 0.0, 1.0)
        carried = pyramid_fill(exact, reliable)
        trust = np.clip((alpha - 0.15) / 0.45, 0.0, 1.0)[..., None]
        colour = trust * exact + (1.0 - trust) * carried
    else:
        colour = exact
    total = layer_alpha(alpha, shadow)[..., None]
    premultiplied = a * colour + (1.0 - a) * s * shadow_colour
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, premultiplied / np.maximum(total, 1e-6), 0.0).astype(np.float32)


def align(image: np.ndarray, alpha_total: np.ndarray, object_share: np.ndarray,
          foreground: np.ndarray, background: np.ndarray, rounds: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """High-frequency alignment: puts the residual of A*F + (1-A)*B against I into F and B.

    `object_share` (0..1) is the object's part of the layer alpha (a_o / A); where
    it is small (a shadow) the background takes nearly all of the residual.
    Returns the corrected (F, B), both clipped to 0..1.
    """
    a = alpha_total[..., None]
    cost_f = np.clip(object_share, 0.05, 1.0)[..., None]
    f, b = foreground.copy(), background.copy()
    for _ in range(rounds):
        r = image - (a * f + (1.0 - a) * b)
        # A layer at a bound cannot move further that way: the other takes the rest.
        free_f = ~(((f <= 0.0) & (r < 0)) | ((f >= 1.0) & (r > 0)))
        free_b = ~(((b <= 0.0) & (r < 0)) | ((b >= 1.0) & (r > 0)))
        wf, wb = a * free_f, (1.0 - a) * free_b
        norm = cost_f * wf * wf + wb * wb
        ok = norm > 1e-8
        scale = np.where(ok, r / np.where(ok, norm, 1.0), 0.0)
        f = np.clip(f + cost_f * wf * scale, 0.0, 1.0)
        b = np.clip(b + wb * scale, 0.0, 1.0)
    return f.astype(np.float32), b.astype(np.float32)


# keep_ground: a background pixel of the hole whose change from the fill has this squared
# Mahalanobis distance under the ground's doubled colour covariance (chi-square, 3 degrees of
# freedom: 99.3 % of a ground's own variation lies under 12) starts (FROM) or fully (FULL)
# to be given back to the fill.
GROUND_FROM = 12.0
GROUND_FULL = 30.0
# ... or that lies under the object's soft edge with an object alpha from EDGE_FROM (fully
# from EDGE_FULL).
EDGE_FROM = 0.02
EDGE_FULL = 0.5


def keep_ground(image: np.ndarray, alpha_total: np.ndarray, foreground: np.ndarray,
                background: np.ndarray, fill: np.ndarray, hole: np.ndarray, known: np.ndarray,
                radius: int, object_alpha: Optional[np.ndarray] = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, F, B) with B in the `hole` brought back toward the `fill` where it left the ground.

    Under the object's soft edge the composite is shared by the layers, and the solve
    (`solve_foreground`, `align`) hands the ground what the object's colour does not
    explain: a saucer's bright rim the mask missed, a highlight, the edge of a shadow
    misjudged - amplified by 1 / (1 - A) where the object is nearly opaque. The ground
    layer then shows the object's outline once the object moves. Where B differs from
    the fill by more than the ground's own colour variation (the covariance of the
    `known` ground within `radius` pixels, carried into the hole, doubled: fill and
    ground are two samples of it), B goes back to the fill and the pixel is explained
    by the foreground instead: A rises to the least alpha that keeps
    F = B + (I - B) / A within 0..1, and F is that. The composite A F + (1 - A) B stays
    `image` exactly.

    On a busy ground (fur, a striped coat) the ground's own variation is wide enough to
    hide a leg or a strip of rim whose alpha the matting underrated (measured on the
    bench's horse on the cat's face: its legs' colours lie within the fur's, so no colour
    test tells them apart). With `object_alpha` (the object's a_o), B under the object's
    own soft edge goes back to the fill in proportion to a_o (fully from EDGE_FULL):
    there the user sees B only once the object moves, and the fill is what belongs
    behind an object. The object layer takes the difference; the ground's grain under
    a faint edge (a_o near EDGE_FROM) stays.
    """
    dev = background - fill
    # Nothing closer to the fill than the noise floor allows can pass GROUND_FROM: the
    # covariance is measured only around the pixels that might.
    floor = 2.0 * GROUND_FROM * NOISE_FLOOR ** 2
    maybe = hole & ((dev * dev).sum(axis=2) >= floor)
    if not maybe.any():
        return alpha_total, foreground, background
    h, w = hole.shape
    ys, xs = np.nonzero(maybe)
    m = 2 * radius + 2
    c = (slice(max(0, ys.min() - m), min(h, ys.max() + m + 1)),
         slice(max(0, xs.min() - m), min(w, xs.max() + m + 1)))
    cov = ground_covariance(fill[c], known[c], radius)[maybe[c]]
    d = dev[maybe]
    z = np.einsum("ni,nij,nj->n", d, np.linalg.inv(2.0 * cov), d)
    weight = np.zeros((h, w), np.float32)
    weight[maybe] = np.clip((z - GROUND_FROM) / (GROUND_FULL - GROUND_FROM), 0.0, 1.0)
    if object_alpha is not None:
        # Under the object's own soft edge a B that left the fill is the object's colour
        # more often than the ground's: the matting underrated the alpha of a leg, a rim.
        # There the fill is kept in proportion to the object's alpha.
        edge = np.clip((object_alpha[maybe] - EDGE_FROM) / (EDGE_FULL - EDGE_FROM), 0.0, 1.0)
        weight[maybe] = np.maximum(weight[maybe], edge)
    if not (weight > 0).any():
        return alpha_total, foreground, background
    w3 = weight[..., None]
    b = background + w3 * (fill - background)
    d = image - b
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(d > 0, d / np.maximum(1.0 - b, 1e-6),
                        np.where(d < 0, -d / np.maximum(b, 1e-6), 0.0)).max(axis=2)
    a = np.where(weight > 0, np.maximum(alpha_total, np.clip(need, 0.0, 1.0)), alpha_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(a[..., None] > 0, b + d / np.maximum(a, 1e-6)[..., None], 0.0)
    f = np.where(w3 > 0, np.clip(f, 0.0, 1.0), foreground)
    return a.astype(np.float32), f.astype(np.float32), b.astype(np.float32)


def to_uint8_layers(image8: np.ndarray, alpha_total: np.ndarray, object_share: np.ndarray,
                    foreground: np.ndarray, background: np.ndarray,
                    source_alpha8: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """8-bit straight RGBA foreground and background whose composite is the 8-bit source.

    `image8` is the source RGB uint8, `source_alpha8` its alpha (255 for opaque
    pictures). The foreground's alpha is A * source alpha. For the composite
    to keep the source's alpha S, the background's alpha is S where nothing
    covers it and (S - a_F) / (1 - a_F) under the foreground (a_F its alpha):
    on an opaque picture that is 1 everywhere; on a translucent one the
    background thins where the object was, since "over" only adds opacity.
    """
    src = source_alpha8.astype(np.float32) / 255.0
    fa8 = np.clip(np.rint(alpha_total * source_alpha8), 0, 255).astype(np.uint8)
    fa = fa8.astype(np.float32) / 255.0
    with np.errstate(divide="ignore", invalid="ignore"):
        # Where the foreground is opaque the source is too (fa <= S): the background
        # there is whole, the fill the user sees when the object moves.
        below = np.where(fa < 1.0, (src - fa) / np.maximum(1.0 - fa, 1e-6), src)
    ba8 = np.clip(np.rint(below * 255.0), 0, 255).astype(np.uint8)
    ba = ba8.astype(np.float32) / 255.0
    # The share of the foreground in the composite's colour (alpha A on opaque pictures).
    out = fa + ba * (1.0 - fa)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(out > 0, fa / np.maximum(out, 1e-6), 0.0)[..., None]
    i = image8.astype(np.float32)
    f = np.clip(np.rint(foreground * 255.0), 0, 255)
    b = np.clip(np.rint(background * 255.0), 0, 255)
    # The layer that dominates a pixel absorbs the rounding; an object pixel's
    # foreground, a shadow's or an edge's background.
    into_f = (a >= 0.5) & (object_share[..., None] >= 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        f_exact = (i - (1.0 - a) * b) / np.maximum(a, 1e-6)
        f = np.where(into_f, np.clip(np.rint(f_exact), 0, 255), f)
        # What F could not take (it hit 0 or 255) goes to B where B shows enough.
        stuck = into_f & (np.abs(f - f_exact) > 0.5)
        b_exact = (i - a * f) / np.maximum(1.0 - a, 1e-6)
        b = np.where((~into_f | stuck) & (a < 0.9), np.clip(np.rint(b_exact), 0, 255), b)
    b = np.where(a <= 0, i, b)
    f = np.where(fa8[..., None] == 0, 0.0, f)
    fg = np.dstack([f.astype(np.uint8), fa8])
    bg = np.dstack([b.astype(np.uint8), ba8])
    return fg, bg


def recomposition_error(source: np.ndarray, foreground: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Per-channel |(F over B) - source| in 0..255 for 8-bit straight RGBA arrays of one size.

    Compared premultiplied, so colours under zero alpha do not count.
    """
    out = over(to_float(foreground), to_float(background))
    src = to_float(source)
    got = out[..., :3] * out[..., 3:4]
    want = src[..., :3] * src[..., 3:4]
    return np.abs(got - want) * 255.0
