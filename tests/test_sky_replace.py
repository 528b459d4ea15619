"""Sky Replacement's Sky Adjustments and edge settings on the group it builds (no window):
Flip mirrors the sky, Scale enlarges it about its horizon, Temperature warms or cools it,
Brightness darkens or brightens it (each an adjustment layer only when moved off 0), Shift Edge moves the mask's edge and Fade Edge softens it."""
from __future__ import annotations

import numpy as np

from editor.model import sky_replace as sr
from editor.model.adjustments import ColorBalance
from test_ui_sky import sky_scene


def group_for(**settings):
    pixels, truth = sky_scene()
    alpha = truth.astype(np.float32)
    sky = sr.builtin_skies()["Sunset (Layered)"]
    return pixels, truth, sr.build_group(alpha, sky, sr.SkySettings(**settings))


def test_flip_mirrors_and_scale_enlarges_the_sky_about_the_horizon():
    _, truth, plain = group_for()
    _, _, flipped = group_for(flip=True)
    _, _, doubled = group_for(scale=200)
    sky, mirror, big = (g.children[0].pixels[..., :3].astype(np.int16)
                        for g in (plain, flipped, doubled))
    assert np.abs(mirror - sky[:, ::-1]).max() <= 1 and np.abs(mirror - sky).max() > 20
    horizon = sr.horizon_row(truth.astype(np.float32))
    # The horizon row keeps about its colour; higher up the enlarged sky is the lower,
    # warmer part of the sunset stretched up.
    assert np.abs(big[horizon - 1].mean(0) - sky[horizon - 1].mean(0)).max() < 25
    assert big[0, :, 0].mean() > sky[0, :, 0].mean() + 20


def test_temperature_brightness_and_the_edge_settings():
    pixels, truth, warm = group_for(temperature=60, brightness=-40, lighting=0, color=0)
    _, _, cool = group_for(temperature=-60)
    named = lambda group: {n.name: n for n in group.children}  # noqa: E731
    assert [n.name for n in warm.children] == list(sr.LAYER_NAMES)
    assert [n.name for n in cool.children] == ["Sky", "Sky Temperature", "Foreground Color",
                                               "Foreground Lighting"]
    assert named(warm)["Sky Temperature"].settings == ColorBalance(midtones=(60, 0, -60))
    assert named(cool)["Sky Temperature"].settings == ColorBalance(midtones=(-60, 0, 60))
    assert named(warm)["Sky Temperature"].clipping and named(warm)["Sky Brightness"].clipping
    plain_pic = sr.composite(pixels, group_for(lighting=0, color=0)[2])
    warm_pic = sr.composite(pixels, warm)
    sky_now, sky_before = (p[truth][:, :3].astype(np.float32).mean(0)
                           for p in (warm_pic, plain_pic))
    assert sky_now.sum() < sky_before.sum() - 30   # darker (Brightness -40)
    assert np.array_equal(warm_pic[~truth], plain_pic[~truth])  # the ground alone
    hard = group_for(fade_edge=0)[2].children[0].mask.pixels
    soft = group_for(fade_edge=100)[2].children[0].mask.pixels
    grown = group_for(fade_edge=0, shift_edge=100)[2].children[0].mask.pixels
    partial = lambda m: int(((m > 10) & (m < 245)).sum())  # noqa: E731
    assert partial(soft) > 5 * max(1, partial(hard))
    assert (grown >= 128).sum() > (hard >= 128).sum() + 300  # 3 px down along the horizon
