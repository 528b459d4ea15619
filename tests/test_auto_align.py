"""Edit > Auto-Align Layers on a real photograph (scikit-image's coffee): a copy of it moved,
turned and scaled (Collage), put in perspective (Perspective, Auto) or only moved
(Reposition) comes back onto the original within a few levels where both show the scene;
a position-locked layer is the reference; layers with nothing in common are refused in
one line, with nothing changed; the alignment is one undo step."""
from __future__ import annotations

import math

import numpy as np
import pytest
from skimage import data

from editor.model import Document, DocumentError, auto_align
from editor.model.resample import perspective_pixels
from engine.errors import InvalidInput

W, H = 600, 400


def photo() -> np.ndarray:
    rgb = data.coffee()  # 400 x 600
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def similarity(angle_deg: float, scale: float, dx: float, dy: float) -> np.ndarray:
    a = math.radians(angle_deg)
    c, s = scale * math.cos(a), scale * math.sin(a)
    cx, cy = W / 2, H / 2  # about the centre, then moved
    return np.array([[c, -s, cx - c * cx + s * cy + dx], [s, c, cy - s * cx - c * cy + dy],
                     [0, 0, 1]])


def two_layers(matrix: np.ndarray):
    """The photo as 'Photo' and, above it, 'Shot 2': the photo through `matrix`."""
    doc = Document(W, H)
    base = doc.add_image(photo(), "Photo", 0, 0)
    pixels, x, y = perspective_pixels(photo(), matrix)
    shot = doc.add_image(pixels, "Shot 2", x, y)
    doc.history.mark_clean()
    return doc, base, shot


def on_canvas(doc, layer) -> np.ndarray:
    canvas = np.zeros((H, W, 4), np.uint8)
    box = layer.bounds().intersect(doc.canvas)
    canvas[box.slices()] = layer.pixels[box.translate(-layer.x, -layer.y).slices()]
    return canvas


def misfit(doc, base, shot) -> float:
    """Mean difference (0-255) between the two layers where both are opaque, a margin in."""
    a, b = on_canvas(doc, base), on_canvas(doc, shot)
    both = (a[..., 3] == 255) & (b[..., 3] == 255)
    both[:20], both[-20:], both[:, :20], both[:, -20:] = False, False, False, False
    assert both.sum() > 0.3 * W * H
    return float(np.abs(a[..., :3].astype(int) - b[..., :3])[both].mean())


def align(doc, nodes, projection):
    prepared = auto_align.prepare(doc, nodes, projection)
    auto_align.apply(doc, prepared, auto_align.run(prepared))
    return prepared


PERSPECTIVE = np.array([[1.02, 0.04, 14.0], [-0.03, 0.98, -9.0], [4e-5, -3e-5, 1.0]])


@pytest.mark.parametrize("projection, matrix", [
    ("collage", similarity(6.0, 1.08, 18, -11)),
    ("perspective", PERSPECTIVE),
    ("auto", PERSPECTIVE),
    ("reposition", similarity(0.0, 1.0, -23, 15)),
])
def test_a_moved_copy_comes_back_onto_the_photo(projection, matrix):
    doc, base, shot = two_layers(matrix)
    before = misfit(doc, base, shot)
    base_pixels = base.pixels.copy()
    align(doc, [base, shot], projection)
    after = misfit(doc, base, shot)
    print(projection, "misfit", round(before, 2), "->", round(after, 2))
    assert before > 25 and after < 6, (before, after)
    np.testing.assert_array_equal(base.pixels, base_pixels)  # the reference stays
    assert doc.history.undo_name() == "Auto-Align Layers"
    doc.history.undo()
    assert misfit(doc, base, shot) == pytest.approx(before)


def test_a_position_locked_layer_is_the_reference():
    doc, base, shot = two_layers(similarity(4.0, 1.0, 12, 8))
    shot.locks = type(shot.locks)(position=True)
    shot_pixels, shot_at = shot.pixels.copy(), (shot.x, shot.y)
    prepared = align(doc, [shot, base], "collage")
    assert prepared.reference is shot
    np.testing.assert_array_equal(shot.pixels, shot_pixels)
    assert (shot.x, shot.y) == shot_at
    assert misfit(doc, base, shot) < 6


def test_layers_with_nothing_in_common_are_refused_and_nothing_changes():
    doc = Document(W, H)
    base = doc.add_image(photo(), "Photo", 0, 0)
    noise = np.random.default_rng(1).integers(0, 256, (H, W, 4), dtype=np.uint8)
    noise[..., 3] = 255
    other = doc.add_image(noise, "Noise", 0, 0)
    steps = doc.history.index
    prepared = auto_align.prepare(doc, [base, other], "auto")
    with pytest.raises(InvalidInput, match="Could not find enough content in common between "
                                           "'Noise' and 'Photo'"):
        auto_align.run(prepared)
    assert doc.history.index == steps
    with pytest.raises(DocumentError, match="two or more layers"):
        auto_align.prepare(doc, [base], "auto")


def test_a_layer_painted_while_the_worker_ran_is_resampled_as_it_is_now():
    doc, base, shot = two_layers(similarity(3.0, 1.0, 10, 6))
    prepared = auto_align.prepare(doc, [base, shot], "collage")
    aligned = auto_align.run(prepared)
    painted = shot.pixels.copy()
    painted[..., :3] = 0  # painted black meanwhile (the worker resampled the photo)
    doc.set_pixels(shot, painted, shot.x, shot.y, "Brush")
    auto_align.apply(doc, prepared, aligned)
    opaque = shot.pixels[..., 3] == 255
    assert opaque.sum() > 0.5 * W * H and shot.pixels[opaque][:, :3].max() == 0
