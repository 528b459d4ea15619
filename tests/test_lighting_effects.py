"""Filter > Render > Lighting Effects (`editor.model.lighting_effects`): a point light
brightens most where it stands, less with distance, and a negative one darkens; a spot
lights where it is put; an infinite light over a texture channel lights the sides of a bump
that face it; Ambience lifts the unlit areas; bands, a selection and recorded settings give
the same pixels."""
from __future__ import annotations

import json

import numpy as np
import pytest

from editor.model import Document, filter_ops, replay
from editor.model import lighting_effects as le
from editor.model.layers import Layer
from engine.box import Box

from test_filters import assert_bands_do_not_show

W, H = 96, 64


def applied(op, pixels: np.ndarray, select: Box | None = None) -> np.ndarray:
    doc = Document(W, H)
    layer = Layer("photo", pixels.copy())
    doc.add_layer(layer)
    if select is not None:
        doc.set_selection(select)
    filter_ops.apply(doc, op, layer)
    return layer.canvas_crop(doc.canvas)


def grey(level: int = 128) -> np.ndarray:
    pixels = np.full((H, W, 4), level, np.uint8)
    pixels[..., 3] = 255
    return pixels


def brightness(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., :3].astype(float).mean(axis=2)


def test_a_point_light_brightens_its_place_most_and_less_with_distance():
    point = le.Light("point", 48, 32, radius=50, intensity=60)
    out = brightness(applied(le.LightingEffects((point,), ambience=-100), grey()))
    row = out[32, 48:]  # from the light to the right edge
    assert row[0] > 150 and (np.diff(row) <= 0).all() and row[0] - row[-1] > 100
    corners = [out[0, 0], out[0, -1], out[-1, 0], out[-1, -1]]
    assert out[32, 48] > max(corners) + 100
    # Negative intensity: darker than the same light's absence (ambience alone).
    lit = brightness(applied(le.LightingEffects((point,), ambience=50), grey()))
    alone = brightness(applied(le.LightingEffects((), ambience=50), grey()))
    dark = brightness(applied(le.LightingEffects((point._replace(intensity=-60),),
                                                 ambience=50), grey()))
    assert lit[32, 48] > alone[32, 48] > dark[32, 48] + 30
    assert abs(dark[0, 0] - alone[0, 0]) < 2  # beyond its radius: untouched


@pytest.mark.parametrize("x, y", [(25, 20), (70, 45)])
def test_a_spot_lights_where_it_is_put(x, y):
    spot = le.Light("spot", x, y, angle=60, radius=20, minor=14, intensity=60, hotspot=40)
    out = brightness(applied(le.LightingEffects((spot,), ambience=-40), grey()))
    ys, xs = np.nonzero(out >= out.max() - 3)  # the brightest region (the hotspot)
    assert abs(xs.mean() + 0.5 - x) <= 2 and abs(ys.mean() + 0.5 - y) <= 2
    assert out[y, x] > out[int(H - 1 - y * 0.9), int(W - 1 - x * 0.9)] + 60


def bump() -> np.ndarray:
    """A grey layer whose red channel is a round hill in the middle (the texture)."""
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    hill = np.clip(1 - np.hypot(xx - 48, yy - 32) / 20, 0, 1) * 255
    pixels = grey()
    pixels[..., 0] = hill.astype(np.uint8)
    return pixels


def test_an_infinite_light_over_a_texture_lights_the_bumps_side_facing_it():
    """From the left (180 degrees), low: the hill's left flank bright, its right flank
    dark; without the texture the layer is lit evenly."""
    light = le.Light("infinite", 10, 10, angle=180, elevation=30, intensity=50)
    op = le.LightingEffects((light,), texture="red", height=60, ambience=-100)
    out = applied(op, bump())[..., 1].astype(float)  # (green: the flat grey's colour)
    left, right = out[32, 48 - 10], out[32, 48 + 10]
    assert left > right + 60
    flat = applied(le.LightingEffects((light,), ambience=-100), bump())[..., 1]
    assert flat[32, 38] == flat[32, 58]
    # Dark is high: the hill becomes a pit, its sides the other way round.
    pit = applied(le.LightingEffects((light,), texture="red", height=60, ambience=-100,
                                     white_high=False), bump())[..., 1].astype(float)
    assert pit[32, 58] > pit[32, 38] + 60


def test_ambience_raises_the_dark_areas():
    spot = le.Light("spot", 20, 20, radius=15, minor=15, intensity=50)
    low = brightness(applied(le.LightingEffects((spot,), ambience=-50), grey()))
    high = brightness(applied(le.LightingEffects((spot,), ambience=60), grey()))
    assert high[-5, -5] > low[-5, -5] + 35
    tinted = applied(le.LightingEffects((spot,), ambience=60, ambient_colour=(255, 0, 0)),
                     grey())
    assert tinted[-5, -5, 0] > 50 and tinted[-5, -5, 1] < 10  # red ambient light only


def test_gloss_and_metallic_shape_the_highlight():
    """A shiny plastic surface gets a white highlight on red; metallic tints it red."""
    red = grey()
    red[..., 1:3] = 40
    red[..., 0] = 200
    light = le.Light("point", 48, 32, radius=60, intensity=60)
    plastic = applied(le.LightingEffects((light,), gloss=80, metallic=-100, ambience=0), red)
    metal = applied(le.LightingEffects((light,), gloss=80, metallic=100, ambience=0), red)
    matte = applied(le.LightingEffects((light,), gloss=-100, metallic=-100, ambience=0), red)
    assert plastic[32, 48, 1] > metal[32, 48, 1] + 30  # the light's white vs the surface's red
    assert plastic[32, 48, 1] > matte[32, 48, 1] + 30


def test_bands_selection_and_a_recorded_step_give_the_same(monkeypatch):
    lights = (le.Light("spot", 40, 30, 30, radius=40, minor=25, intensity=45),
              le.Light("point", 80, 10, radius=40, intensity=-30, colour=(255, 200, 100)),
              le.Light("infinite", 5, 5, angle=200, elevation=40, intensity=20))
    op = le.LightingEffects(lights, gloss=30, metallic=20, texture="green", height=70)
    assert_bands_do_not_show(monkeypatch, op, 60, 70, 80)
    pixels = bump()
    whole = applied(op, pixels)
    box = Box(30, 10, 40, 40)
    part = applied(op, pixels, select=box)
    np.testing.assert_array_equal(part[box.slices()], whole[box.slices()])
    settings = replay.operation_settings(op)  # (an action records it as JSON)
    assert settings is not None and replay.operation(json.loads(json.dumps(settings))) == op
    with pytest.raises(ValueError):
        le.LightingEffects((le.Light("laser"),))


@pytest.mark.parametrize("name", le.PRESETS)
def test_every_preset_lights_the_canvas(name):
    """Each preset's lights add light to what its ambience alone gives; those with spots
    or bulbs light some places more than others."""
    from dataclasses import replace

    op = le.LightingEffects(**le.preset(name, (0, 0, W, H)))
    out = brightness(applied(op, grey()))
    unlit = brightness(applied(replace(op, lights=()), grey()))
    assert (out - unlit).mean() > 10
    if name != "Parallel":
        assert out.std() > 3


def test_a_soft_selection_fades_the_light_in_at_its_edge():
    """A feathered ellipse selected: inside, the whole filter's pixels; outside, the layer
    as it was; in between, between the two."""
    from editor.model import selection_ops

    pixels = bump()
    op = le.LightingEffects((le.Light("point", 48, 32, radius=60, intensity=80),),
                            texture="red", height=40)
    whole = applied(op, pixels).astype(int)
    doc = Document(W, H)
    layer = Layer("photo", pixels.copy())
    doc.add_layer(layer)
    mask = selection_ops.feathered(selection_ops.ellipse_mask(doc, Box(20, 10, 56, 44)), 4)
    selection_ops.select_mask(doc, mask)
    coverage = selection_ops.current_mask(doc)
    filter_ops.apply(doc, op, layer)
    out = layer.canvas_crop(doc.canvas).astype(int)
    full, empty = coverage == 255, coverage == 0
    assert full.any() and empty.any()
    np.testing.assert_array_equal(out[full], whole[full])
    np.testing.assert_array_equal(out[empty], pixels[empty].astype(int))
    part = (coverage > 50) & (coverage < 200)
    low = np.minimum(whole[part], pixels[part]) - 1
    high = np.maximum(whole[part], pixels[part]) + 1
    assert part.any() and ((out[part] >= low) & (out[part] <= high)).all()
