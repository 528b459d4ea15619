"""Match Color's maths (`editor.model.match_color`): a layer matched to a source gets the
source's Lab means and spreads; Fade 100 changes nothing; Neutralize takes a cast out;
the selection's coverage mixes the change in."""
from __future__ import annotations

import numpy as np

from editor.model.match_color import MatchColor, stats
from engine.box import Box

from ui_helpers import photo

W, H = 120, 90


def run(op: MatchColor, pixels: np.ndarray, coverage=None) -> np.ndarray:
    box = Box(0, 0, pixels.shape[1], pixels.shape[0])
    return op.process(pixels, box, box, coverage)


def test_matching_gives_the_sources_means_and_spreads():
    target, source = photo(W, H, "chelsea"), photo(W, H, "coffee")
    assert np.abs(np.subtract(stats(target)[0], stats(source)[0])).max() > 5  # far apart
    out = run(MatchColor(stats(target), stats(source)), target)
    (mean, std), (s_mean, s_std) = stats(out), stats(source)
    # Lab units (L 0..100); what lies beyond the sRGB gamut is clipped, a little off
    np.testing.assert_allclose(mean, s_mean, atol=3.0)
    np.testing.assert_allclose(std, s_std, rtol=0.1, atol=1.0)
    np.testing.assert_array_equal(out[..., 3], target[..., 3])
    # Deterministic: the same settings, the same pixels.
    np.testing.assert_array_equal(run(MatchColor(stats(target), stats(source)), target), out)


def test_fade_100_changes_nothing_and_50_lies_halfway():
    target, source = photo(W, H, "chelsea"), photo(W, H, "coffee")
    op = MatchColor(stats(target), stats(source), fade=100)
    assert op.is_identity()
    np.testing.assert_array_equal(run(op, target), target)
    full = run(MatchColor(stats(target), stats(source)), target).astype(int)
    half = run(MatchColor(stats(target), stats(source), fade=50), target).astype(int)
    assert np.abs(half - (full + target) / 2)[..., :3].max() <= 1


def test_neutralize_pulls_a_tinted_grey_toward_neutral():
    rng = np.random.default_rng(3)
    grey = rng.integers(60, 200, (H, W, 1))
    tinted = np.concatenate([grey + 30, grey, grey - 35, np.full((H, W, 1), 255)], -1)
    tinted = np.clip(tinted, 0, 255).astype(np.uint8)
    before = stats(tinted)[0]
    assert np.hypot(before[1], before[2]) > 15  # a warm cast
    op = MatchColor(stats(tinted), None, neutralize=True)
    assert not op.is_identity()
    out = run(op, tinted)
    after = stats(out)[0]
    assert np.hypot(after[1], after[2]) < 1.5
    rgb = out[..., :3].astype(int)
    assert np.abs(rgb[..., 0] - rgb[..., 2]).mean() < 8  # from about 65: red and blue alike
    # Without Neutralize and without a source: nothing to do.
    assert MatchColor(stats(tinted), None).is_identity()


def test_luminance_and_intensity_scale_lightness_and_chroma():
    target, source = photo(W, H, "chelsea"), photo(W, H, "coffee")
    base = stats(run(MatchColor(stats(target), stats(source)), target))[0]
    dark = stats(run(MatchColor(stats(target), stats(source), luminance=50), target))[0]
    grey = stats(run(MatchColor(stats(target), stats(source), intensity=1), target))
    assert abs(dark[0] - base[0] / 2) < 2
    assert max(abs(grey[0][1]), abs(grey[0][2]), grey[1][1], grey[1][2]) < 1.5


def test_the_selections_coverage_mixes_the_change_in():
    target, source = photo(W, H, "chelsea"), photo(W, H, "coffee")
    coverage = np.zeros((H, W), np.uint8)
    coverage[:, : W // 2] = 255
    out = run(MatchColor(stats(target), stats(source)), target, coverage)
    np.testing.assert_array_equal(out[:, W // 2:], target[:, W // 2:])
    assert (out[:, : W // 2] != target[:, : W // 2]).any(-1).mean() > 0.5


def test_use_selection_measures_only_the_selected_pixels():
    left, right = photo(W, H, "chelsea"), photo(W, H, "coffee")
    both = np.concatenate([left, right], 1)
    weights = np.zeros(both.shape[:2], np.uint8)
    weights[:, W:] = 255
    np.testing.assert_allclose(stats(both, weights)[0], stats(right)[0], atol=1e-6)
    np.testing.assert_allclose(stats(both, weights)[1], stats(right)[1], atol=1e-6)
    assert np.abs(np.subtract(stats(both)[0], stats(right)[0])).max() > 2
    transparent = both.copy()
    transparent[:, :W, 3] = 0  # what cannot be seen does not count either
    np.testing.assert_allclose(stats(transparent)[0], stats(right)[0], atol=1e-6)
