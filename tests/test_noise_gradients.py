"""Noise gradients (Photoshop's Gradient Type "Noise", 'GrdF' 'ClNs'): the table
(`gradients.noise_table`) is the same for a seed, stays within each channel's minimum and
maximum, is smooth at Roughness 0 and rough at 100, restricts its colours and adds
transparency when told; HSB and Lab pin the colour they are told to. Photoshop's files:
gradient-styles.psd's five noise shape layers open as our gradient fills (their settings
read, red held at 0 where its range is 0..0) and effect-stroke-gradient.psd's noise stroke
is drawn; saved, a noise gradient's descriptor is written back as read, or with what
changed."""
from __future__ import annotations

import dataclasses
import os

import numpy as np
import pytest

from editor.model import FillLayer, gradients
from editor.model.files import open_document, save_document
from editor.model.gradients import Noise, noise_table
from editor.model.render import composite_document

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")


def roughness_of(table: np.ndarray) -> float:
    """Mean change of the colour between neighbouring entries of 256 across the table."""
    rows = table[np.linspace(0, len(table) - 1, 256).astype(int), :3]
    return float(np.abs(np.diff(rows, axis=0)).mean())


def test_a_seed_gives_the_same_gradient_and_another_seed_another():
    assert np.array_equal(noise_table(Noise(seed=7)), noise_table(Noise(seed=7)))
    assert not np.array_equal(noise_table(Noise(seed=7)), noise_table(Noise(seed=8)))


@pytest.mark.parametrize("seed", range(5))
def test_each_channel_stays_within_its_minimum_and_maximum(seed):
    low, high = (20, 30, 40, 10), (60, 50, 80, 70)
    table = noise_table(Noise(seed=seed, roughness=100, minimum=low, maximum=high,
                              transparency=True))
    for channel in range(4):
        assert table[:, channel].min() >= low[channel] * 2.55 - 1e-6
        assert table[:, channel].max() <= high[channel] * 2.55 + 1e-6
    assert np.ptp(table[:, 0]) > 0.5 * (high[0] - low[0]) * 2.55  # it does move within them
    # Without Add Transparency it is opaque whatever the alpha's range.
    opaque = noise_table(Noise(seed=seed, minimum=low, maximum=high))
    assert (opaque[:, 3] == 255).all()


def test_roughness_zero_is_smooth_and_a_hundred_rough():
    smooth = [roughness_of(noise_table(Noise(seed=s, roughness=0))) for s in range(8)]
    middle = [roughness_of(noise_table(Noise(seed=s, roughness=50))) for s in range(8)]
    rough = [roughness_of(noise_table(Noise(seed=s, roughness=100))) for s in range(8)]
    assert max(smooth) < 2 < min(middle) and np.mean(middle) * 3 < np.mean(rough)


def test_restrict_colors_keeps_colours_from_full_saturation():
    free = noise_table(Noise(seed=3, roughness=100))
    restricted = noise_table(Noise(seed=3, roughness=100, restrict=True))
    assert np.ptp(free[:, :3], axis=1).max() > 200
    assert np.ptp(restricted[:, :3], axis=1).max() <= 150 + 1e-6


def test_hsb_and_lab_pin_the_colour_they_are_told():
    red = noise_table(Noise(model="hsb", minimum=(0, 100, 100, 0), maximum=(0, 100, 100, 100)))
    assert np.allclose(red[:, :3], (255, 0, 0))
    grey = noise_table(Noise(model="lab", minimum=(50, 50, 50, 0), maximum=(50, 50, 50, 100)))
    assert np.allclose(grey[:, :3], grey[0, :3]) and np.ptp(grey[0, :3]) < 3  # (a, b -0.5)
    assert 110 < grey[0, 0] < 125  # L* 50 is sRGB 119


def noise_shapes(doc) -> dict:
    artboard = next(n for n in doc.root.children if n.name == "Noise gradients")
    return {n.name: n for n in artboard.children}


def test_photoshops_noise_gradient_shapes_open_as_our_gradient_fills():
    doc = open_document(os.path.join(FILES, "gradient-styles.psd"))
    shapes = noise_shapes(doc)
    assert len(shapes) == 5 and all(isinstance(n, FillLayer) for n in shapes.values())
    noise = {name: node.settings.noise for name, node in shapes.items()}
    assert noise["Roughness 100"] == Noise(seed=9052369, roughness=100)
    assert noise["Roughness 100 + Restrict Colors"].restrict
    assert noise["Roughness 50 + Transparency"].transparency
    assert noise["Roughness 50 + Transparency"].roughness == 50
    assert noise["Roughness 0 + R 0-0"] == Noise(seed=9052369, roughness=0,
                                                  maximum=(0, 100, 100, 100))
    # Drawn: red is 0 where its range is 0..0, as in Photoshop's render; the others vary.
    ours = composite_document(doc)
    for name in ("Roughness 50 + R 0-0", "Roughness 0 + R 0-0"):
        box = shapes[name].frame()
        x, y, w, h = (int(v) for v in box)
        region = ours[max(y, 150) + 2:y + h - 2, max(x, 0) + 2:min(x + w, 160) - 2]
        assert (region[..., 0] == 0).all() and np.ptp(region[..., 1:3]) > 30


def test_photoshops_noise_gradient_stroke_is_drawn():
    doc = open_document(os.path.join(FILES, "effect-stroke-gradient.psd"))
    text2 = next(n for n in doc.root.children if n.name == "Text 2")
    stroke = text2.effects.strokes[0]
    assert stroke.fill_type == "gradient" and stroke.gradient.noise is not None
    assert stroke.gradient.noise.seed == 2126732 and stroke.gradient.noise.restrict
    # Its ring: colours that change from top to bottom (the stroke's angle is 90 degrees).
    ours = composite_document(doc)
    ring = ours[71:107, 5:122]
    assert len(np.unique(ring.reshape(-1, 4), axis=0)) > 50


def written_grads(path) -> dict:
    """Each noise shape's 'GdFl' 'Grad' descriptor in a file, as psd-tools reads it."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    found = {}
    for layer in PSDImage.open(path).descendants():
        data = layer._record.tagged_blocks.get_data(Tag.GRADIENT_FILL_SETTING)
        grad = data.get(b"Grad") if data is not None else None
        if grad is not None and getattr(grad.get(b"GrdF"), "enum", None) == b"ClNs":
            found[layer.name] = grad
    return found


def plain(grad) -> dict:
    return {key: (getattr(v, "enum", None) or [getattr(x, "value", x) for x in v]
                  if isinstance(v, list) or type(v).__name__ == "List"
                  else getattr(v, "enum", None) or getattr(v, "value", v))
            for key, v in grad.items()}


def test_a_noise_gradient_is_saved_as_read_or_with_what_changed(tmp_path):
    source = os.path.join(FILES, "gradient-styles.psd")
    doc = open_document(source)
    shape = noise_shapes(doc)["Roughness 50 + R 0-0"]
    shape.settings = dataclasses.replace(
        shape.settings, noise=dataclasses.replace(shape.settings.noise, seed=42, roughness=25))
    path = tmp_path / "noise.psd"
    save_document(doc, path)
    before, after = written_grads(source), written_grads(path)
    assert set(before) == set(after) and len(after) == 5
    for name in before:
        if name != "Roughness 50 + R 0-0":
            assert plain(after[name]) == plain(before[name])
    changed = plain(after["Roughness 50 + R 0-0"])
    assert changed[b"RndS"] == 42 and changed[b"Smth"] == 1024
    assert {k: v for k, v in changed.items() if k not in (b"RndS", b"Smth")} == \
        {k: v for k, v in plain(before["Roughness 50 + R 0-0"]).items()
         if k not in (b"RndS", b"Smth")}
    reopened = noise_shapes(open_document(path))
    assert reopened["Roughness 50 + R 0-0"].settings.noise == shape.settings.noise
    assert np.array_equal(composite_document(open_document(path))[150:],
                          composite_document(doc)[150:])


def test_gradients_module_names_the_models():
    assert gradients.NOISE_MODELS == ("rgb", "hsb", "lab")
    with pytest.raises(ValueError):
        Noise(model="cmyk")
