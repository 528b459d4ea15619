"""patterns.tile()'s numba kernels (issue 15) give the same pixels, to the bit, as the
numpy code they replaced, kept here as the reference: random tiles (opaque and not),
scales with and without a short repeat, angles, phases and boxes."""

import numpy as np
import pytest

from editor.model.patterns import Pattern, _mip, _taps, tile
from engine.box import Box


def _reference(pattern, box, scale=100.0, angle=0.0, phase=(0.0, 0.0)):
    """The numpy tile() of before issue 15 (scaled or turned cases only), unturned and
    shrunk sampled at the canvas pixels' centres as tile() has since 2026-12-02."""
    h, w = max(0, box.h), max(0, box.w)
    pixels = pattern.pixels
    k = float(scale) / 100.0
    dx = (np.arange(box.x, box.x + w, dtype=np.float64) + 0.5 - float(phase[0])) / k
    dy = (np.arange(box.y, box.y + h, dtype=np.float64) + 0.5 - float(phase[1])) / k
    turned = float(angle) % 360 != 0
    src = pixels.astype(np.float32)
    opaque = bool((pixels[..., 3] == 255).all())
    if not opaque:
        src[..., :3] *= src[..., 3:] * np.float32(1 / 255)
    # (Shrunk, the samples come from a mipmap level since 2026-12-02: the same for both.)
    src, k, dx, dy = _mip(src, k, dx, dy, turned)
    height, width = src.shape[:2]
    if not turned:
        shift = 0.5 / k if k >= 1.0 else 0.5
        ux, inv_x = np.unique(np.round((dx - shift) % width, 6), return_inverse=True)
        uy, inv_y = np.unique(np.round((dy - shift) % height, 6), return_inverse=True)
        taps_x, weights_x = _taps(ux, width)
        columns = (src[:, taps_x[:, 0]] * weights_x[:, 0, None]
                   + src[:, taps_x[:, 1]] * weights_x[:, 1, None])
        taps_y, weights_y = _taps(uy, height)
        band = columns[taps_y[:, 0]] * weights_y[:, 0, None, None]
        band += columns[taps_y[:, 1]] * weights_y[:, 1, None, None]
        block = _to_uint8(band, opaque)
        return np.take(block[:, inv_x.ravel()], inv_y.ravel(), axis=0)
    a = np.deg2rad(float(angle))
    c, s = np.cos(a), np.sin(a)
    rows = dy[:, None]
    u = c * dx[None, :] - s * rows
    v = s * dx[None, :] + c * rows
    taps_x, weights_x = _taps(u - 0.5 / k, pattern.width)
    taps_y, weights_y = _taps(v - 0.5 / k, pattern.height)
    band = np.zeros(u.shape + (4,), np.float32)
    for j in range(2):
        for i in range(2):
            weight = (weights_y[..., j] * weights_x[..., i])[..., None]
            band += src[taps_y[..., j], taps_x[..., i]] * weight
    return _to_uint8(band, opaque)


def _to_uint8(rgba, opaque):
    np.clip(rgba, 0, 255, out=rgba)
    if not opaque:
        alpha = rgba[..., 3:]
        np.minimum(rgba[..., :3], alpha, out=rgba[..., :3])
        np.divide(rgba[..., :3] * 255, alpha, out=rgba[..., :3], where=alpha > 0)
        np.clip(rgba, 0, 255, out=rgba)
    return np.rint(rgba).astype(np.uint8)


def _random_pattern(rng, opaque):
    h, w = rng.integers(1, 40, 2)
    pixels = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    if opaque:
        pixels[..., 3] = 255
    else:  # fully clear, partly and fully opaque pixels
        pixels[..., 3] = rng.choice([0, 1, 77, 200, 255], (h, w))
    return Pattern("random", pixels)


@pytest.mark.parametrize("seed", range(12))
def test_kernels_equal_the_numpy_reference_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    for opaque in (False, True):
        pattern = _random_pattern(rng, opaque)
        box = Box(int(rng.integers(-300, 300)), int(rng.integers(-300, 300)),
                  int(rng.integers(1, 90)), int(rng.integers(1, 90)))
        phase = (float(rng.uniform(-50, 50)), float(rng.uniform(-50, 50)))
        for scale in (33.33, 200.0, float(rng.uniform(1, 1000))):
            for angle in (0.0, 30.0, 90.0, -45.0, float(rng.uniform(-360, 360))):
                got = tile(pattern, box, scale, angle, phase)
                want = _reference(pattern, box, scale, angle, phase)
                assert got.shape == want.shape == (box.h, box.w, 4)
                assert np.array_equal(got, want), (seed, opaque, scale, angle, phase, box)


def test_a_canvas_wide_turned_pattern_equals_the_reference():
    """Many rows, as the parallel kernel splits them, on a tile with clear pixels."""
    rng = np.random.default_rng(99)
    pattern = _random_pattern(rng, opaque=False)
    box = Box(-7, 3, 700, 500)
    for scale, angle in ((150.0, 30.0), (33.33, 0.0), (71.5, 200.0)):
        assert np.array_equal(tile(pattern, box, scale, angle),
                              _reference(pattern, box, scale, angle))
