"""Image > Auto Tone, Auto Contrast and Auto Color: the Levels they compute against a plain
numpy reference of 0.1 % clipping on real photos, applied exactly as Levels, inside the
selection, one undo step, and through the window's Image menu."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QKeySequence

from editor.model import Document, auto_tone, filter_ops
from editor.model.adjustments import Levels
from editor.model.pixel_filters import Adjust
from engine.box import Box

from ui_helpers import photo


def reference_clip(values: np.ndarray, clip: float = 0.001) -> tuple[int, int]:
    """Black: the smallest level with more than clip * n values at or below it; white: the
    largest with more than clip * n at or above it (by sorting, not histograms)."""
    s = np.sort(values.ravel())
    k = int(np.floor(clip * s.size))
    return int(s[k]), int(s[s.size - 1 - k])


def doc_of(pixels: np.ndarray) -> Document:
    doc = Document(pixels.shape[1], pixels.shape[0])
    doc.add_image(pixels.copy(), "Photo", 0, 0)  # (the layer takes the array itself)
    return doc


def levels_applied(pixels: np.ndarray, levels: Levels, box=None) -> np.ndarray:
    """What Image > Adjustments > Levels with `levels` makes of `pixels` (its own path)."""
    doc = doc_of(pixels)
    if box is not None:
        doc.set_selection(box)
    filter_ops.apply(doc, Adjust(levels), doc.active, what="adjust")
    return doc.active.pixels.copy()


def test_auto_tone_clips_each_channel_as_the_reference_and_is_levels():
    pixels = photo(160, 120, "coffee")
    rgb = pixels[..., :3].reshape(-1, 3)
    expected = [reference_clip(rgb[:, c]) for c in range(3)]
    doc = doc_of(pixels)
    levels = auto_tone.apply(doc, "tone")
    got = [(r[0], r[1]) for r in (levels.red, levels.green, levels.blue)]
    assert got == expected and levels.rgb == (0, 255, 1.0, 0, 255)
    assert all(black > 0 or white < 255 for black, white in expected)  # the photo stretches
    assert np.array_equal(doc.active.pixels, levels_applied(pixels, levels))
    # Now each channel reaches (nearly) black and white: 0.1 % clipped at each end.
    out = doc.active.pixels[..., :3].reshape(-1, 3)
    for c in range(3):
        assert (out[:, c] == 0).mean() >= 0.0005 and (out[:, c] == 255).mean() >= 0.0005
    assert doc.history.undo_name() == "Auto Tone"
    doc.history.undo()
    assert np.array_equal(doc.active.pixels, pixels)


def test_auto_contrast_is_one_stretch_for_all_channels():
    pixels = photo(160, 120, "chelsea")
    black, white = reference_clip(pixels[..., :3])
    doc = doc_of(pixels)
    levels = auto_tone.apply(doc, "contrast")
    assert levels == Levels(rgb=(black, white, 1.0, 0, 255))
    assert np.array_equal(doc.active.pixels, levels_applied(pixels, levels))
    # One transfer for the three: the order of the channels in each pixel stays (the hue).
    old, new = pixels[..., :3].astype(int), doc.active.pixels[..., :3].astype(int)
    inside = (old.min(axis=-1) > black) & (old.max(axis=-1) < white)
    for a, b in ((0, 1), (1, 2), (0, 2)):
        order_old = np.sign(old[..., a] - old[..., b])[inside]
        assert np.all(np.sign(new[..., a] - new[..., b])[inside] * order_old >= 0)


def test_auto_color_takes_a_colour_cast_away():
    clean = photo(160, 120, "astronaut")
    cast = clean.copy()
    # A warm cast: blue and green pulled down and lifted, so the stretch alone cannot undo it.
    cast[..., 1] = (clean[..., 1] * 0.85 + 10).astype(np.uint8)
    cast[..., 2] = (clean[..., 2] * 0.55 + 30).astype(np.uint8)
    cast[..., 2] = (255 * (cast[..., 2] / 255.0) ** 1.4).astype(np.uint8)  # and a gamma cast
    rgb = clean[..., :3].astype(int)
    grey = ((rgb.max(-1) - rgb.min(-1)) < 20) & (rgb.mean(-1) > 60) & (rgb.mean(-1) < 200)
    assert grey.sum() > 200  # the astronaut's white suit and the grey shuttle

    def spread(pixels):
        """How far the originally grey pixels are from grey on average (levels)."""
        p = pixels[..., :3].astype(int)[grey]
        return float(np.abs(p - p.mean(axis=1, keepdims=True)).mean())

    tone, color = doc_of(cast), doc_of(cast)
    auto_tone.apply(tone, "tone")
    levels = auto_tone.apply(color, "color")
    assert spread(cast) > 15
    assert spread(color.active.pixels) < 0.5 * spread(cast)
    assert spread(color.active.pixels) < 0.5 * spread(tone.active.pixels)  # the gammas help
    assert levels.blue[2] != 1.0
    assert np.array_equal(color.active.pixels, levels_applied(cast, levels))


def test_auto_tone_inside_the_selection_only_and_from_its_pixels():
    pixels = photo(160, 120, "chelsea")
    box = Box(20, 30, 70, 50)
    inside = pixels[box.slices()][..., :3].reshape(-1, 3)
    doc = doc_of(pixels)
    doc.set_selection(box)
    levels = auto_tone.apply(doc, "tone")
    assert [(r[0], r[1]) for r in (levels.red, levels.green, levels.blue)] == \
        [reference_clip(inside[:, c]) for c in range(3)]
    out = doc.active.pixels
    outside = np.ones(pixels.shape[:2], bool)
    outside[box.slices()] = False
    assert np.array_equal(out[outside], pixels[outside])
    assert not np.array_equal(out[box.slices()], pixels[box.slices()])
    assert np.array_equal(out, levels_applied(pixels, levels, box))
    assert doc.history.undo_name() == "Auto Tone"


def test_image_menu_auto_color_on_the_open_photo(opened, qtbot):
    w = opened
    image_menu = w.menus["image"].actions()
    names = [a.objectName() for a in image_menu]
    assert names.index("auto_tone") < names.index("auto_contrast") < names.index("auto_color")
    for name, keys in (("auto_tone", "Shift+Ctrl+L"), ("auto_contrast", "Alt+Shift+Ctrl+L"),
                       ("auto_color", "Shift+Ctrl+B")):
        assert w.actions[name].shortcut() == QKeySequence(keys)
    doc = w.doc
    before = doc.active.pixels.copy()
    steps = doc.history.count
    w.actions["auto_color"].trigger()
    qtbot.waitUntil(lambda: doc.history.count == steps + 1, timeout=5000)
    assert doc.history.undo_name() == "Auto Color" and not w.test_errors
    expected = auto_tone.auto_levels(before[..., :3].reshape(-1, 3), "color")
    assert np.array_equal(doc.active.pixels, levels_applied(before, expected))
    assert w.actions["undo"].isEnabled()
    w.actions["undo"].trigger()
    assert np.array_equal(doc.active.pixels, before)
