"""Un-blending maths in engine.compose: exact recomposition, shadows, clean alpha."""
import numpy as np
import pytest

from engine.compose import clean_alpha, mean_abs_error_255, over, unblend, unblend_colour


def recompose(rgba, background):
    return over(rgba, background.astype(np.float32))


def test_random_cases_recompose_exactly_with_colour_in_range():
    rng = np.random.default_rng(1)
    b = rng.random((64, 64, 3), dtype=np.float32)
    f = rng.random((64, 64, 3), dtype=np.float32)
    a = rng.random((64, 64, 1), dtype=np.float32)
    c = a * f + (1 - a) * b
    rgba = unblend(c, b)
    assert rgba.dtype == np.float32 and rgba.shape == (64, 64, 4)
    assert rgba.min() >= 0 and rgba.max() <= 1
    np.testing.assert_allclose(recompose(rgba, b), c, atol=1e-5)
    # The smallest alpha: never more than the alpha that made the picture.
    assert (rgba[..., 3] <= a[..., 0] + 1e-5).all()


def test_alpha_is_minimal_a_smaller_alpha_would_need_colour_out_of_range():
    rng = np.random.default_rng(2)
    b = rng.random((500, 3), dtype=np.float32) * 0.8 + 0.1
    c = rng.random((500, 3), dtype=np.float32)
    rgba = unblend(c, b)
    smaller = np.clip(rgba[..., 3] - 0.01, 0, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = b + (c - b) / smaller[:, None]
    changed = rgba[..., 3] > 0.02
    out_of_range = ((needed < -1e-6) | (needed > 1 + 1e-6)).any(axis=1)
    assert out_of_range[changed].all()


def test_unchanged_pixels_get_no_alpha():
    b = np.random.default_rng(3).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    rgba = unblend(b, b)
    assert (rgba[..., 3] == 0).all()
    assert (rgba[..., :3] == 0).all()


def test_shadow_becomes_black_with_alpha_one_minus_darkening():
    b = np.full((8, 8, 3), 0.6, np.float32)
    b[..., 1] = 0.3
    c = b * 0.7  # 30% darker
    rgba = unblend(c, b)
    np.testing.assert_allclose(rgba[..., 3], 0.3, atol=1e-5)
    np.testing.assert_allclose(rgba[..., :3], 0.0, atol=1e-5)


def test_new_colour_the_background_cannot_reach_is_opaque():
    b = np.zeros((4, 4, 3), np.float32)
    b[..., 0] = 1.0  # pure red background
    c = np.zeros((4, 4, 3), np.float32)
    c[..., 1] = 1.0  # pure green
    rgba = unblend(c, b)
    np.testing.assert_allclose(rgba[..., 3], 1.0)
    np.testing.assert_allclose(rgba[..., :3], c)


def test_uint8_inputs_and_black_and_white_backgrounds():
    b = np.array([[[0, 0, 0], [255, 255, 255], [0, 255, 128]]], np.uint8)
    c = np.array([[[128, 0, 0], [100, 100, 100], [10, 240, 128]]], np.uint8)
    rgba = unblend(c, b)
    assert np.isfinite(rgba).all()
    np.testing.assert_allclose(recompose(rgba, b / 255.0), c / 255.0, atol=1e-5)


def test_colour_for_a_larger_alpha_still_recomposes():
    rng = np.random.default_rng(4)
    b = rng.random((16, 16, 3), dtype=np.float32)
    c = rng.random((16, 16, 3), dtype=np.float32)
    alpha = np.clip(unblend(c, b)[..., 3] + 0.2, 0, 1)
    f = unblend_colour(c, b, alpha)
    assert f.min() >= 0 and f.max() <= 1
    rgba = np.concatenate([f, alpha[..., None]], axis=-1)
    np.testing.assert_allclose(recompose(rgba, b), c, atol=1e-5)


def disc(shape, cx, cy, r):
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    return ((xx - cx) ** 2 + (yy - cy) ** 2 <= r * r).astype(np.float32)


def test_clean_alpha_drops_noise_and_specks_and_keeps_soft_edges():
    rng = np.random.default_rng(5)
    alpha = rng.random((100, 100)).astype(np.float32) * (3 / 255)   # faint noise everywhere
    obj = disc(alpha.shape, 40, 40, 15)
    soft = np.clip(15.5 - np.hypot(*np.mgrid[-40:60, -40:60]), 0, 1).astype(np.float32)
    alpha = np.maximum(alpha, np.maximum(obj, soft))
    shadow = np.zeros_like(alpha)
    shadow[55:70, 30:70] = 0.05            # a faint shadow touching the object's bottom (y=55)
    alpha = np.maximum(alpha, shadow)
    alpha[90, 90] = 0.9                    # an isolated speck
    alpha[5:7, 80:82] = 0.5                # a small blob
    cleaned = clean_alpha(alpha, min_area=16)
    assert cleaned[90, 90] == 0 and (cleaned[5:7, 80:82] == 0).all()
    assert (cleaned[:20, :20] == 0).all()                          # noise far away is gone
    np.testing.assert_array_equal(cleaned[obj > 0], alpha[obj > 0])  # object untouched
    ring = (soft > 0) & (soft < 1)
    np.testing.assert_array_equal(cleaned[ring], alpha[ring])      # soft edge kept
    np.testing.assert_array_equal(cleaned[60:70, 35:65], alpha[60:70, 35:65])  # shadow kept
    assert (cleaned <= alpha).all()


def test_clean_alpha_keeps_a_large_faint_region_only_if_it_has_a_strong_core():
    alpha = np.zeros((60, 60), np.float32)
    alpha[10:50, 10:50] = 0.05
    assert (clean_alpha(alpha) == 0).all()
    alpha[28:32, 28:32] = 0.5
    np.testing.assert_array_equal(clean_alpha(alpha), alpha)


def test_mean_abs_error_255():
    a = np.zeros((2, 2, 3), np.uint8)
    b = np.full((2, 2, 3), 3, np.uint8)
    assert mean_abs_error_255(a, b) == pytest.approx(3.0)
    where = np.array([[True, False], [False, False]])
    assert mean_abs_error_255(a, a, where) == 0.0
