"""Per-pixel kernels of the adjustment layers (numba; compiled on first use, cached on disk).

Hue/Saturation and Color Balance mix the channels through HSL, which numpy did
in ~30 passes over the image (5-7 s of CPU for 4000x3000 on the 2-core
machine); their formulas (see `adjustments.py` for where they come from) are
written here once, per pixel, and serve the float path (`apply_mixed`), the
8-bit screen kernel (`mix_screen`, through an exact 3D lookup it fills as it
goes) and the 16-bit one of files and merges (`adjust_precise`, per pixel); the kernels also apply the lookup tables of the separable
kinds, each in one pass over the premultiplied buffer. Threshold and Gradient Map, which map a
pixel's luminance to a colour, go the mixing kinds' way (`_by_luminance`), and so does Color
Lookup's 3D LUT (`lut3d`, at the end). Imported lazily: numba costs ~0.5 s to import.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

LOOKUP, HUE_SATURATION, COLOR_BALANCE = -1, 0, 1
# Vibrance, Black & White, Photo Filter and Channel Mixer (their formulas: `more_mixed`,
# at the end of this file); numbered apart from the kinds above, so that kinds added
# beside them do not collide.
VIBRANCE, BLACK_WHITE, PHOTO_FILTER, CHANNEL_MIXER = 10, 11, 12, 13
SELECTIVE_COLOR = 14  # (`selective_color`, after `more_mixed`)

# The 8 bits of a channel spread 3 apart: the 3D lookup's index interleaves the bits of
# R, G and B (Morton order), so that colours close to each other (neighbouring pixels)
# share its cache lines and pages (filling it: ~70 ms against ~125 ms for r<<16|g<<8|b
# on a 12 MP photo, noisy figures of the shared machine; reading it: alike).
_SPREAD = np.array([sum(1 << (3 * bit) for bit in range(8) if v >> bit & 1)
                    for v in range(256)], np.int64)


# Exact 8-bit (un)premultiplication as lookups indexed [alpha, value]: the integer
# divisions by a pixel's alpha cost more than the adjustment itself on a translucent
# composite (Levels over a 12 MP buffer: ~78 ms with them, ~37 ms with the tables).
_ALPHA = np.arange(256, dtype=np.int64)[:, None]
_VALUE = np.arange(256, dtype=np.int64)[None, :]
_UNPREMULTIPLY = np.zeros((256, 256), np.uint8)  # min(255, round(v * 255 / a)); a = 0: 0
_UNPREMULTIPLY[1:] = np.minimum(255, (_VALUE * 255 + _ALPHA[1:] // 2) // _ALPHA[1:])
_PREMULTIPLY = ((_VALUE * _ALPHA + 127) // 255).astype(np.uint8)  # round(v * a / 255)
del _ALPHA, _VALUE
# The two fused for the 3D lookup's index, [alpha, premultiplied value]: the straight value
# with its bits spread (`_SPREAD[_UNPREMULTIPLY]`; alpha 255 leaves values as they are). One
# lookup per channel instead of two dependent ones, and none of the straight colour
# needed once its entry is filled: Hue/Saturation over the photo document's composite
# ~37 against ~45 ms of CPU (A/B, same buffer and lookup).
_UNPREMULTIPLIED_SPREAD = _SPREAD[_UNPREMULTIPLY].astype(np.uint32)


@njit(cache=True, nogil=True, fastmath=True)
def to_hsl(r, g, b):
    mx, mn = max(r, g, b), min(r, g, b)
    light = (mx + mn) / 2
    d = mx - mn
    if d == 0:
        return 0.0, 0.0, light
    sat = d / (mx + mn) if light <= 0.5 else d / (2.0 - mx - mn)
    if mx == r:
        hue = (g - b) / d
    elif mx == g:
        hue = 2.0 + (b - r) / d
    else:
        hue = 4.0 + (r - g) / d
    hue /= 6.0
    return (hue + 1.0 if hue < 0 else hue), sat, light


@njit(cache=True, nogil=True, fastmath=True)
def _channel(p, q, t):
    if t < 0:  # t lies in -1/3..4/3: no float modulo (slow) needed
        t += 1.0
    elif t >= 1:
        t -= 1.0
    if t < 1 / 6:
        return p + (q - p) * 6 * t
    if t < 0.5:
        return q
    if t < 2 / 3:
        return p + (q - p) * (2 / 3 - t) * 6
    return p


@njit(cache=True, nogil=True, fastmath=True)
def from_hsl(hue, sat, light):
    q = light * (1 + sat) if light < 0.5 else light + sat - light * sat
    p = 2 * light - q
    return _channel(p, q, hue + 1 / 3), _channel(p, q, hue), _channel(p, q, hue - 1 / 3)


@njit(cache=True, nogil=True, fastmath=True)
def _clip(v):
    return min(1.0, max(0.0, v))


@njit(cache=True, nogil=True, fastmath=True)
def _lighten(v, amount):
    if amount > 0:
        return v * (1 - amount) + amount
    if amount < 0:
        return v * (1 + amount)
    return v


@njit(cache=True, nogil=True, fastmath=True)
def range_weight(hue, bl, tl, tr, br):
    """A Hue/Saturation range's trapezoid at `hue` (all in turns, wrapping): 0 outside
    [bl, br], 1 on [tl, tr], linear between (as psd-tools reads Photoshop's ranges)."""
    h = (hue - bl) % 1.0
    left, top, right = (tl - bl) % 1.0, (tr - bl) % 1.0, (br - bl) % 1.0
    if left <= h <= top:
        return 1.0
    if h < left:
        return h / left if left > 1e-6 else 0.0
    if h <= right:
        return (right - h) / (right - top) if right - top > 1e-6 else 0.0
    return 0.0


# A saturation setting k (-1..1) scales a pixel's HSL saturation by 1 + gain(k): 1 + k below
# 0, 1 / (1 + EPS - k) above (Photoshop's +100 saturates all but greys; the EPS that fits its
# pixels best, 0.0075, about 133x at +100). Ranges add their gains, each weighed by the
# pixel's trapezoid and clipped at -1 as it is added: psd-tools' table of overlapping
# range saturations, measured on Photoshop on a 0.1 grid, is this sum within 1.5 % at every
# point (f(x, y) = gain^-1(gain(x) + gain(y)); f(0.5, -0.5) = 0.33, f(1, y) = 1).
SATURATION_EPS = 0.0075


@njit(cache=True, nogil=True, fastmath=True)
def saturation_gain(k):
    """What a saturation setting k (-1..1) adds to the multiplier of the HSL saturation."""
    return k / (1 + SATURATION_EPS - k) if k > 0 else k


@njit(cache=True, nogil=True, fastmath=True)
def _ranged(params, r, g, b):
    """Hue/Saturation with edits in its six ranges: (hue shift, saturation gain) for the
    HSL step, after the ranges' lightness moved the pixel in HSV."""
    hue, _, _ = to_hsl(r, g, b)
    shift, gain, light = 0.0, 0.0, 0.0
    for i in range(6):
        p = 8 + 7 * i
        w = range_weight(hue, params[p], params[p + 1], params[p + 2], params[p + 3])
        if w <= 0:
            continue
        shift += params[p + 4] * w
        light = min(1.0, max(-1.0, light + params[p + 6] * w))
        gain = max(-1.0, gain + saturation_gain(params[p + 5]) * w)
    if light != 0:  # in HSV: darker scales the value by the saturation, lighter desaturates
        mx, mn = max(r, g, b), min(r, g, b)
        sv = (mx - mn) / mx if mx > 0 else 0.0
        v = mx if light >= 0 else _clip(mx * (1 + light * sv))
        if light >= 0:
            sv2 = sv * (1 - light)
        else:
            div = 1 / (sv + 1e-3)
            sv2 = 1 + (div - 1) / (-light - div + 1e-3)
        sv2 = _clip(sv2)
        r, g, b = _from_hsv(hue, sv2, v)
    return r, g, b, shift, gain


@njit(cache=True, nogil=True, fastmath=True)
def _from_hsv(hue, sat, value):
    h6 = (hue % 1.0) * 6.0
    i = min(5, int(h6))
    f = h6 - i
    p, q, t = value * (1 - sat), value * (1 - sat * f), value * (1 - sat * (1 - f))
    if i == 0:
        return value, t, p
    if i == 1:
        return q, value, p
    if i == 2:
        return p, value, t
    if i == 3:
        return p, q, value
    if i == 4:
        return t, p, value
    return value, p, q


@njit(cache=True, nogil=True, fastmath=True)
def balance_gamma(amount):
    """Color Balance's midtones `amount` (-1..1) as the gamma of Levels (output = input **
    (1 / gamma)): 2 ** amount, rounded to 0.01 as Levels' gamma is. Photoshop's midtones
    move each channel alone (its merged pixels are a function of the channel's own value)
    along exactly such a curve: -33, -23 and +38 gave gammas 0.80, 0.85 and 1.30 to the
    level over the whole 0..255 range, ends fixed (AllAdjustments.psd of Aspose's examples,
    saved by Photoshop CC: tests/aspose_psd_files/), and +13 and +70 gave 1.09 and 1.62
    (Aspose's MaskExample.psd, Photoshop 24.5). The rounding is what lands all five on
    hundredths; 2 ** amount (amount and -amount inverse curves) rounds to each of them."""
    return np.floor(2.0 ** amount * 100.0 + 0.5) / 100.0


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _gamma(v, amount):
    if amount == 0.0 or v <= 0.0:
        return v
    return v ** (1.0 / balance_gamma(amount))


@njit(cache=True, nogil=True, fastmath=True)
def mixed_pixel(code, params, r, g, b):
    """One pixel (straight RGB 0..1) through Hue/Saturation or Color Balance; `params` as
    `adjustments.HueSaturation.params()` / `ColorBalance.params()` make them."""
    if code == THRESHOLD or code == GRADIENT_MAP:
        return _by_luminance(code, params, r, g, b)
    if code == COLOR_LOOKUP:
        return lut3d(params, r, g, b)
    if code == HUE_SATURATION:
        if params[3] > 0.5:  # Colorize: its hue and saturation, the pixel's lightness
            _, _, light = to_hsl(r, g, b)
            return from_hsl(params[4] % 1.0, params[5], _clip(_lighten(light, params[6])))
        k = params[2]  # master lightness first, on RGB
        r, g, b = _clip(_lighten(r, k)), _clip(_lighten(g, k)), _clip(_lighten(b, k))
        shift, ranged = 0.0, 0.0
        if params[7] > 0.5:  # some range edited
            r, g, b, shift, ranged = _ranged(params, r, g, b)
        hue, sat, light = to_hsl(r, g, b)
        sat = _clip(sat * (1 + saturation_gain(params[1])))  # the master's, then the ranges'
        if ranged != 0:
            sat = _clip(sat * (1 + ranged))
        hue += params[0] + shift
        if hue < 0 or hue >= 1:  # a float modulo only when needed (it is slow)
            hue %= 1.0
        return from_hsl(hue, sat, light)
    if code == SELECTIVE_COLOR:
        return selective_color(params, r, g, b)
    if code >= VIBRANCE:  # Vibrance, Black & White, Photo Filter, Channel Mixer
        return more_mixed(code, params, r, g, b)
    # Color Balance. Midtones: each channel through a Levels gamma (`balance_gamma`), as
    # measured on Photoshop's pixels; shadows and highlights: GIMP's model, ramps of the
    # HSL lightness weighting amounts added to each channel. Unverified: the one file of
    # Photoshop's with highlights set (Aspose's ColorBalance.psd) has a single mixed
    # colour, too little to fit a model to, and none of the forms tried reaches it
    # (bench/color_balance_hypotheses.py); its pure colours stay whole here as there.
    _, _, light = to_hsl(r, g, b)
    w_shadows = _clip((light - 0.333) / -0.25 + 0.5) * 0.7
    w_high = _clip((light + 0.333 - 1) / 0.25 + 0.5) * 0.7
    r2 = _clip(_gamma(r, params[3]) + w_shadows * params[0] + w_high * params[6])
    g2 = _clip(_gamma(g, params[4]) + w_shadows * params[1] + w_high * params[7])
    b2 = _clip(_gamma(b, params[5]) + w_shadows * params[2] + w_high * params[8])
    if params[9] > 0.5:  # Preserve Luminosity: the original HSL lightness back
        hue, sat, _ = to_hsl(r2, g2, b2)
        return from_hsl(hue, sat, light)
    return r2, g2, b2


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def _apply_rows(code, params, rgb, out):  # pragma: no cover (compiled)
    for i in prange(rgb.shape[0]):
        r, g, b = mixed_pixel(code, params, np.float64(rgb[i, 0]), np.float64(rgb[i, 1]),
                              np.float64(rgb[i, 2]))
        out[i, 0], out[i, 1], out[i, 2] = r, g, b


def apply_mixed(code: int, params: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """Float RGB (..., 3) through a mixing kind, as float32."""
    flat = np.ascontiguousarray(rgb, np.float32).reshape(-1, 3)
    out = np.empty_like(flat)
    _apply_rows(code, params, flat, out)
    return out.reshape(np.shape(rgb))


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _straight8(buf, y, x, a):
    """The straight RGB (0..255) of premultiplied BGRA pixel (y, x) of alpha `a`."""
    if a == 255:
        return np.int64(buf[y, x, 2]), np.int64(buf[y, x, 1]), np.int64(buf[y, x, 0])
    return (np.int64(_UNPREMULTIPLY[a, buf[y, x, 2]]), np.int64(_UNPREMULTIPLY[a, buf[y, x, 1]]),
            np.int64(_UNPREMULTIPLY[a, buf[y, x, 0]]))


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _store8(buf, y, x, a, k, n0, n1, n2):
    """Straight adjusted RGB (n0, n1, n2) premultiplied by `a` back into pixel (y, x), mixed
    with what it was by k / 65025 (opacity x mask coverage)."""
    if a != 255:
        n0, n1, n2 = (np.int64(_PREMULTIPLY[a, n0]), np.int64(_PREMULTIPLY[a, n1]),
                      np.int64(_PREMULTIPLY[a, n2]))
    if k == 65025:
        buf[y, x, 2], buf[y, x, 1], buf[y, x, 0] = n0, n1, n2
        return
    for c in range(3):
        p = np.int64(buf[y, x, 2 - c])
        n = n0 if c == 0 else (n1 if c == 1 else n2)
        d = (n - p) * k
        d = (d + 32512) // 65025 if d >= 0 else -((-d + 32512) // 65025)
        buf[y, x, 2 - c] = p + d


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _from_cube(cube, code, params, buf, y, x, a):
    """A mixing kind's adjusted colour (straight 8-bit) of premultiplied BGRA pixel (y, x)
    of alpha `a`, from `cube` or, the first time, from `mixed_pixel` (then stored)."""
    key = ((np.int64(_UNPREMULTIPLIED_SPREAD[a, buf[y, x, 2]]) << 2)
           | (np.int64(_UNPREMULTIPLIED_SPREAD[a, buf[y, x, 1]]) << 1)
           | np.int64(_UNPREMULTIPLIED_SPREAD[a, buf[y, x, 0]]))
    entry = np.int64(cube[key])
    if entry != 0:
        return entry & 255, (entry >> 8) & 255, (entry >> 16) & 255
    s0, s1, s2 = _straight8(buf, y, x, a)
    r, g, b = mixed_pixel(code, params, s0 / 255.0, s1 / 255.0, s2 / 255.0)
    n0 = min(255, max(0, np.int64(r * 255 + 0.5)))
    n1 = min(255, max(0, np.int64(g * 255 + 0.5)))
    n2 = min(255, max(0, np.int64(b * 255 + 0.5)))
    cube[key] = np.uint32(n0 | (n1 << 8) | (n2 << 16) | (1 << 24))
    return n0, n1, n2


def premultiplied_table(table: np.ndarray) -> np.ndarray:
    """A separable kind's (3, 256) table for premultiplied input, as (3, 256, 256) indexed
    [channel, alpha, value]: un-premultiplied, looked up and premultiplied again with the
    exact tables above, so a pixel costs one lookup per channel instead of three
    dependent ones (Levels over a translucent 12 MP composite: ~42 against ~60 ms under
    load, the same bytes)."""
    alpha = np.arange(256)[:, None]
    return np.stack([_PREMULTIPLY[alpha, table[c][_UNPREMULTIPLY]] for c in range(3)])


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def adjust_screen(buf, table, coverage, masked, opacity):  # pragma: no cover (compiled)
    """The 8-bit screen buffer (premultiplied BGRA) adjusted in place by a separable kind:
    each pixel's colour is looked up in `table` (`premultiplied_table`: (3, 256, 256)
    [channel, alpha, premultiplied value]) and mixed with what it was by opacity x mask
    coverage."""
    h, w = buf.shape[0], buf.shape[1]
    for y in prange(h):
        for x in range(w):
            a = np.int64(buf[y, x, 3])
            if a == 0:
                continue
            k = np.int64(opacity) * (np.int64(coverage[y, x]) if masked else 255)
            if k == 0:
                continue
            n0 = np.int64(table[0, a, buf[y, x, 2]])
            n1 = np.int64(table[1, a, buf[y, x, 1]])
            n2 = np.int64(table[2, a, buf[y, x, 0]])
            _store8(buf, y, x, 255, k, n0, n1, n2)  # (already premultiplied: alpha 255)


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def mix_screen(buf, code, cube, params, coverage, masked, opacity):  # pragma: no cover
    """`adjust_screen` for a kind that mixes channels, through its exact 8-bit 3D lookup
    `cube` (2**24 uint32, zeros at first: `adjustments.cube8`), filled as colours are met:
    the entry of (r, g, b) (bits interleaved) holds the adjusted colour, with bit 24 set
    once computed, so each
    distinct colour costs `mixed_pixel` once per settings and then what a lookup table
    costs. One 32-bit store per entry: threads that meet the same colour write the same
    word, and a reader sees either 0 or the whole entry. (Two kernels, not one with a
    branch per pixel: the lookup kind's loop ran ~1.7x slower beside the mixing code.)"""
    h, w = buf.shape[0], buf.shape[1]
    for y in prange(h):
        for x in range(w):
            a = np.int64(buf[y, x, 3])
            if a == 0:
                continue
            k = np.int64(opacity) * (np.int64(coverage[y, x]) if masked else 255)
            if k == 0:
                continue
            n0, n1, n2 = _from_cube(cube, code, params, buf, y, x, a)
            _store8(buf, y, x, a, k, n0, n1, n2)


# The same two for an adjustment at full strength (no mask, 100 % opacity), the usual
# case: no mixing with what the pixel was, so no coverage to read and no branch for it.
# Over the photo document's composites (A/B, CPU ms): Levels ~16 against ~19,
# Hue/Saturation ~37 against ~46; the same pixels.

@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def adjust_screen_whole(buf, table):  # pragma: no cover (compiled)
    """`adjust_screen` without a mask, at full opacity."""
    h, w = buf.shape[0], buf.shape[1]
    for y in prange(h):
        for x in range(w):
            a = buf[y, x, 3]
            if a == 0:
                continue
            n0 = table[0, a, buf[y, x, 2]]
            n1 = table[1, a, buf[y, x, 1]]
            n2 = table[2, a, buf[y, x, 0]]
            buf[y, x, 2], buf[y, x, 1], buf[y, x, 0] = n0, n1, n2


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def mix_screen_whole(buf, code, cube, params):  # pragma: no cover (compiled)
    """`mix_screen` without a mask, at full opacity."""
    h, w = buf.shape[0], buf.shape[1]
    for y in prange(h):
        for x in range(w):
            a = np.int64(buf[y, x, 3])
            if a == 0:
                continue
            n0, n1, n2 = _from_cube(cube, code, params, buf, y, x, a)
            if a != 255:
                n0, n1, n2 = _PREMULTIPLY[a, n0], _PREMULTIPLY[a, n1], _PREMULTIPLY[a, n2]
            buf[y, x, 2], buf[y, x, 1], buf[y, x, 0] = n0, n1, n2


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def adjust_precise(buf, code, table, params, coverage, masked, opacity):  # pragma: no cover
    """`adjust_screen` for the 16-bit premultiplied RGBA buffer of files and merges
    (`table`: (3, 65536) uint16)."""
    h, w = buf.shape[0], buf.shape[1]
    for y in prange(h):
        for x in range(w):
            a = np.int64(buf[y, x, 3])
            if a == 0:
                continue
            k = np.int64(opacity) * (np.int64(coverage[y, x]) if masked else 255)
            if k == 0:
                continue
            s0, s1, s2 = np.int64(buf[y, x, 0]), np.int64(buf[y, x, 1]), np.int64(buf[y, x, 2])
            if a != 65535:
                s0 = min(65535, (s0 * 65535 + a // 2) // a)
                s1 = min(65535, (s1 * 65535 + a // 2) // a)
                s2 = min(65535, (s2 * 65535 + a // 2) // a)
            if code == LOOKUP:
                n0, n1, n2 = np.int64(table[0, s0]), np.int64(table[1, s1]), np.int64(table[2, s2])
            else:
                r, g, b = mixed_pixel(code, params, s0 / 65535.0, s1 / 65535.0, s2 / 65535.0)
                n0 = np.int64(r * 65535 + 0.5)
                n1 = np.int64(g * 65535 + 0.5)
                n2 = np.int64(b * 65535 + 0.5)
            if a != 65535:
                n0 = (n0 * a + 32767) // 65535
                n1 = (n1 * a + 32767) // 65535
                n2 = (n2 * a + 32767) // 65535
            if k == 65025:
                buf[y, x, 0], buf[y, x, 1], buf[y, x, 2] = n0, n1, n2
                continue
            for c in range(3):
                p = np.int64(buf[y, x, c])
                n = n0 if c == 0 else (n1 if c == 1 else n2)
                d = (n - p) * k
                d = (d + 32512) // 65025 if d >= 0 else -((-d + 32512) // 65025)
                buf[y, x, c] = p + d


# -- Vibrance, Black & White, Photo Filter, Channel Mixer ----------------------------------
# (`adjustments.py` says where each formula comes from; `params` as their `params()` make them.)

LUMA = (0.3, 0.59, 0.11)  # the weights of the W3C / PDF non-separable blend modes


@njit(cache=True, nogil=True, fastmath=True)
def set_lum(r, g, b, light):
    """(r, g, b) moved to luminosity `light` (weights LUMA) and pulled back into 0..1 about
    it: SetLum and ClipColor of the W3C compositing spec (Photoshop's Color blend mode)."""
    d = light - (LUMA[0] * r + LUMA[1] * g + LUMA[2] * b)
    r, g, b = r + d, g + d, b + d
    lum = LUMA[0] * r + LUMA[1] * g + LUMA[2] * b
    mn, mx = min(r, g, b), max(r, g, b)
    if mn < 0:
        s = lum / max(lum - mn, 1e-9)
        r, g, b = lum + (r - lum) * s, lum + (g - lum) * s, lum + (b - lum) * s
    if mx > 1:
        s = (1 - lum) / max(mx - lum, 1e-9)
        r, g, b = lum + (r - lum) * s, lum + (g - lum) * s, lum + (b - lum) * s
    return _clip(r), _clip(g), _clip(b)


@njit(cache=True, nogil=True, fastmath=True)
def black_white_grey(params, r, g, b):
    """Black & White's grey: the smallest channel, plus the step to the middle one weighed
    by the secondary colour both top channels make (yellow, cyan, magenta) and the step
    to the largest weighed by that channel's primary (params: red, yellow, green, cyan,
    blue, magenta weights)."""
    red, yellow, green, cyan, blue, magenta = (params[0], params[1], params[2], params[3],
                                               params[4], params[5])
    if r >= g and g >= b:
        grey = b + (g - b) * yellow + (r - g) * red
    elif r >= b and b > g:
        grey = g + (b - g) * magenta + (r - b) * red
    elif g > r and r >= b:
        grey = b + (r - b) * yellow + (g - r) * green
    elif g >= b and b > r:
        grey = r + (b - r) * cyan + (g - b) * green
    elif b > r and r >= g:
        grey = g + (r - g) * magenta + (b - r) * blue
    else:
        grey = r + (g - r) * cyan + (b - g) * blue
    return _clip(grey)


@njit(cache=True, nogil=True, fastmath=True)
def more_mixed(code, params, r, g, b):
    """One pixel (straight RGB 0..1) through Vibrance, Black & White, Photo Filter or
    Channel Mixer."""
    if code == VIBRANCE:
        mx, mn = max(r, g, b), min(r, g, b)
        v = params[0]
        if v != 0:  # muted colours move most, saturated ones least, either way
            k = 1 + v * (1 - (mx - mn))
            luma = 0.299 * r + 0.587 * g + 0.114 * b
            r, g, b = (_clip(luma + (r - luma) * k), _clip(luma + (g - luma) * k),
                       _clip(luma + (b - luma) * k))
        if params[1] != 0:  # Saturation: Hue/Saturation's master saturation
            hue, sat, light = to_hsl(r, g, b)
            return from_hsl(hue, _clip(sat * (1 + saturation_gain(params[1]))), light)
        return r, g, b
    if code == BLACK_WHITE:
        grey = black_white_grey(params, r, g, b)
        if params[6] > 0.5:  # Tint: its colour at the grey's luminosity
            return set_lum(params[7], params[8], params[9], grey)
        return grey, grey, grey
    if code == PHOTO_FILTER:
        # The filter's colour multiplied at its density, in linear light (gamma 2.2).
        d = params[3]
        r2 = (r ** 2.2 * (1 - d + d * params[0] ** 2.2)) ** (1 / 2.2)
        g2 = (g ** 2.2 * (1 - d + d * params[1] ** 2.2)) ** (1 / 2.2)
        b2 = (b ** 2.2 * (1 - d + d * params[2] ** 2.2)) ** (1 / 2.2)
        if params[4] > 0.5:  # Preserve Luminosity: the pixel's own luminosity back
            return set_lum(r2, g2, b2, LUMA[0] * r + LUMA[1] * g + LUMA[2] * b)
        return r2, g2, b2
    # Channel Mixer: each output the sum of the inputs by its percentages, plus its constant
    # (Monochrome: the first row for all three).
    p0, p1, p2 = (0, 0, 0) if params[12] > 0.5 else (0, 4, 8)
    return (_clip(r * params[p0] + g * params[p0 + 1] + b * params[p0 + 2] + params[p0 + 3]),
            _clip(r * params[p1] + g * params[p1 + 1] + b * params[p1 + 2] + params[p1 + 3]),
            _clip(r * params[p2] + g * params[p2 + 1] + b * params[p2 + 2] + params[p2 + 3]))


# -- Selective Color (FFmpeg's reconstruction: `adjustments.SelectiveColor` says what it is) --

@njit(cache=True, nogil=True, fastmath=True)
def _ink_move(v, a, k, relative):
    """How far one slider of one colour range moves channel value `v` (before the range's
    membership): a, k the slider's and Black's setting (-1..1)."""
    move = (-1.0 - a) * k - a
    if relative:  # a share of the ink already there
        move *= 1.0 - v
    return min(1.0 - v, max(-v, move))


@njit(cache=True, nogil=True, fastmath=True)
def selective_color(params, r, g, b):
    """One pixel (straight RGB 0..1) through Selective Color; params: relative (1/0), then
    per colour Reds .. Blacks its cyan, magenta, yellow, black (-1..1)."""
    mx, mn = max(r, g, b), min(r, g, b)
    mid = r + g + b - mx - mn
    relative = params[0] > 0.5
    dr, dg, db = 0.0, 0.0, 0.0
    for i in range(9):
        p = 1 + 4 * i
        c, m, y, k = params[p], params[p + 1], params[p + 2], params[p + 3]
        if c == 0 and m == 0 and y == 0 and k == 0:
            continue
        # The pixel's membership of the range (0: not in it).
        if i == 0:
            w = mx - mid if r == mx else 0.0
        elif i == 1:
            w = mid - mn if b == mn else 0.0
        elif i == 2:
            w = mx - mid if g == mx else 0.0
        elif i == 3:
            w = mid - mn if r == mn else 0.0
        elif i == 4:
            w = mx - mid if b == mx else 0.0
        elif i == 5:
            w = mid - mn if g == mn else 0.0
        elif i == 6:
            w = 2.0 * mn - 1.0 if mn > 0.5 else 0.0
        elif i == 7:
            w = 1.0 - (abs(mx - 0.5) + abs(mn - 0.5)) if 0 < mx and mn < 1 else 0.0
        else:
            w = 1.0 - 2.0 * mx if mx < 0.5 else 0.0
        if w <= 0:
            continue
        dr += w * _ink_move(r, c, k, relative)
        dg += w * _ink_move(g, m, k, relative)
        db += w * _ink_move(b, y, k, relative)
    return _clip(r + dr), _clip(g + dg), _clip(b + db)


# -- Threshold and Gradient Map: a pixel's luminance decides its colour -----------------------
THRESHOLD, GRADIENT_MAP = 20, 21  # (apart from the codes above: room for more kinds there)


@njit(cache=True, nogil=True, fastmath=True)
def luminance(r, g, b):
    """Photoshop's luminance of a pixel (0..1) for Threshold and Gradient Map: LUMA's 0.30,
    0.59, 0.11 (measured: threshold_rgb.psd's pixels all match it, `adjustments.Threshold`)."""
    return LUMA[0] * r + LUMA[1] * g + LUMA[2] * b


@njit(cache=True, nogil=True, fastmath=True)
def _by_luminance(code, params, r, g, b):
    """Threshold (params: the level, 1..255): white where the luminance in levels, rounded
    half down, reaches the level; Gradient Map (params: reverse, then 4096 RGB colours):
    the colour at the luminance."""
    light = luminance(r, g, b)
    if code == THRESHOLD:
        # Half down: 114.5 stays under 115 (a pixel of threshold_rgb.psd); 1e-6 keeps the
        # exact halves of 8-bit input (multiples of 0.01 level) out of float noise.
        v = 1.0 if light * 255.0 > params[0] - 0.5 + 1e-6 else 0.0
        return v, v, v
    if params[0] > 0.5:  # Reverse
        light = 1.0 - light
    size = (params.shape[0] - 1) // 3
    i = 1 + 3 * min(size - 1, max(0, np.int64(light * (size - 1) + 0.5)))
    return params[i], params[i + 1], params[i + 2]


# -- Color Lookup: a 3D LUT (`color_lookup.py` reads the files) --------------------------------
COLOR_LOOKUP = 30
LUT_HEADER = 8  # params: tetrahedral?, n, domain min (r, g, b), domain max (r, g, b), table


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _lut_at(params, n, ir, ig, ib, c):
    """Table entry [ib][ig][ir], channel c (the .cube order: red fastest)."""
    return params[LUT_HEADER + ((ib * n + ig) * n + ir) * 3 + c]


@njit(cache=True, nogil=True, fastmath=True)
def _lut_cell(params, n, lo, hi, v):
    """The cell (index of its lower corner) and the fraction inside it of value `v`
    (clipped to the domain lo..hi)."""
    t = (v - lo) / (hi - lo)
    t = 0.0 if t < 0.0 else (1.0 if t > 1.0 else t)
    x = t * (n - 1)
    i = min(np.int64(x), n - 2)
    return i, x - i


@njit(cache=True, nogil=True, fastmath=True)
def lut3d(params, r, g, b):
    """One pixel (straight RGB 0..1) through a 3D LUT; `params` as
    `adjustments.ColorLookup.params()` makes them: trilinear (params[0] 0) or tetrahedral
    (1) interpolation between the table's points (the cell's 8 corners, or the 4 of the
    tetrahedron of the cube split along its grey diagonal that holds the colour; a
    colour on the table's grid comes out exactly)."""
    n = np.int64(params[1])
    ir, fr = _lut_cell(params, n, params[2], params[5], r)
    ig, fg = _lut_cell(params, n, params[3], params[6], g)
    ib, fb = _lut_cell(params, n, params[4], params[7], b)
    return (_lut_channel(params, n, ir, ig, ib, fr, fg, fb, 0),
            _lut_channel(params, n, ir, ig, ib, fr, fg, fb, 1),
            _lut_channel(params, n, ir, ig, ib, fr, fg, fb, 2))


@njit(cache=True, nogil=True, fastmath=True)
def _lut_channel(params, n, ir, ig, ib, fr, fg, fb, c):
    """Channel c of `lut3d` in the cell (ir, ig, ib) at fractions (fr, fg, fb)."""
    c000 = _lut_at(params, n, ir, ig, ib, c)
    c111 = _lut_at(params, n, ir + 1, ig + 1, ib + 1, c)
    if params[0] > 0.5:  # tetrahedral
        if fr > fg:
            if fg > fb:
                v = (c000 * (1 - fr) + _lut_at(params, n, ir + 1, ig, ib, c) * (fr - fg)
                     + _lut_at(params, n, ir + 1, ig + 1, ib, c) * (fg - fb) + c111 * fb)
            elif fr > fb:
                v = (c000 * (1 - fr) + _lut_at(params, n, ir + 1, ig, ib, c) * (fr - fb)
                     + _lut_at(params, n, ir + 1, ig, ib + 1, c) * (fb - fg) + c111 * fg)
            else:
                v = (c000 * (1 - fb) + _lut_at(params, n, ir, ig, ib + 1, c) * (fb - fr)
                     + _lut_at(params, n, ir + 1, ig, ib + 1, c) * (fr - fg) + c111 * fg)
        else:
            if fb > fg:
                v = (c000 * (1 - fb) + _lut_at(params, n, ir, ig, ib + 1, c) * (fb - fg)
                     + _lut_at(params, n, ir, ig + 1, ib + 1, c) * (fg - fr) + c111 * fr)
            elif fb > fr:
                v = (c000 * (1 - fg) + _lut_at(params, n, ir, ig + 1, ib, c) * (fg - fb)
                     + _lut_at(params, n, ir, ig + 1, ib + 1, c) * (fb - fr) + c111 * fr)
            else:
                v = (c000 * (1 - fg) + _lut_at(params, n, ir, ig + 1, ib, c) * (fg - fr)
                     + _lut_at(params, n, ir + 1, ig + 1, ib, c) * (fr - fb) + c111 * fb)
    else:  # trilinear
        c100 = _lut_at(params, n, ir + 1, ig, ib, c)
        c010 = _lut_at(params, n, ir, ig + 1, ib, c)
        c110 = _lut_at(params, n, ir + 1, ig + 1, ib, c)
        c001 = _lut_at(params, n, ir, ig, ib + 1, c)
        c101 = _lut_at(params, n, ir + 1, ig, ib + 1, c)
        c011 = _lut_at(params, n, ir, ig + 1, ib + 1, c)
        low = (c000 * (1 - fr) + c100 * fr) * (1 - fg) + (c010 * (1 - fr) + c110 * fr) * fg
        high = (c001 * (1 - fr) + c101 * fr) * (1 - fg) + (c011 * (1 - fr) + c111 * fr) * fg
        v = low * (1 - fb) + high * fb
    return _clip(v)
