"""engine.methods.extract: an object lifted off an edited photo, the re-rendered background left out.

Scenes are small simulated edits on scikit-image's grass photo: an object
(a shaded ball) with a soft shadow painted in, and the region around it
re-rendered as inpainting models do (moved 2 px, blurred, new grain, colour
drift). bench/bench_extract.py measures the same on more photos and objects.
"""
import cv2
import numpy as np
import pytest

from engine.box import Box
from engine.errors import InvalidInput
from engine.methods.extract import ExtractRequest, extract


def grass(size=160):
    from skimage import data

    grey = data.grass()[100:100 + size, 100:100 + size].astype(np.float32) / 255
    return np.clip(grey[..., None] * np.array([0.6, 0.9, 0.4], np.float32), 0, 1)


def ball(size=160, r=28, colour=(0.9, 0.25, 0.15), near=None):
    """Object alpha (anti-aliased) and straight colour on a size x size canvas, centred."""
    yy, xx = np.mgrid[:size * 4, :size * 4] / 4.0
    inside = (np.hypot(yy - size / 2, xx - size / 2) < r).astype(np.float32)
    alpha = cv2.resize(inside, (size, size), interpolation=cv2.INTER_AREA)
    y, x = np.mgrid[:size, :size].astype(np.float32)
    light = np.clip(1.1 - np.hypot(x - size / 2 + r / 3, y - size / 2 + r / 3) / (1.6 * r), 0.3, 1)
    rgb = light[..., None] * np.array(colour, np.float32)
    if near is not None:   # recoloured to the ground's mean: only its shading tells it apart
        rgb = rgb - rgb[alpha > 0.99].mean(0) + near
    return alpha, np.clip(rgb, 0, 1)


def rerendered(photo, region, seed=0):
    rng = np.random.default_rng(seed)
    out = photo.copy()
    moved = cv2.GaussianBlur(np.roll(photo, (2, -2), axis=(0, 1)), (0, 0), 0.7)
    moved = moved * np.array([1.03, 0.98, 1.02], np.float32) + 0.01
    moved += rng.normal(0, 2.5 / 255, photo.shape).astype(np.float32)
    out[region.slices()] = np.clip(moved, 0, 1)[region.slices()]
    return out


def shadow_of(alpha, opacity=0.5):
    """A soft shadow below and right of the object, hidden where the object is."""
    flat = np.roll(alpha, (int(0.6 * alpha.shape[0] / 5), 6), axis=(0, 1))
    return np.clip(cv2.GaussianBlur(flat, (0, 0), 3.0) * opacity, 0, 1) * (1 - alpha)


def scene(near=False, with_object=True):
    photo = grass()
    size = photo.shape[0]
    box = Box(size // 2 - 34, size // 2 - 34, 68, 68)
    region = box.expand(17).clip(size, size)
    a_o, f = ball(size, near=photo[box.slices()].reshape(-1, 3).mean(0) if near else None)
    if not with_object:
        a_o = np.zeros_like(a_o)
    a_s = shadow_of(ball(size)[0])
    ground = rerendered(photo, region)
    edited = f * a_o[..., None] + (ground * (1 - a_s[..., None])) * (1 - a_o[..., None])
    to8 = lambda x: np.clip(np.rint(x * 255), 0, 255).astype(np.uint8)  # noqa: E731
    return to8(photo), to8(edited), box, region, a_o, a_s


def full_alpha(result, shape):
    out = np.zeros(shape, np.float32)
    h, w = result.layer.shape[:2]
    out[result.y:result.y + h, result.x:result.x + w] = result.layer[..., 3] / 255
    return out


def dilate(mask, r):
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.dilate(mask.astype(np.uint8), k) > 0


def test_rerendered_texture_gives_no_stray_alpha_far_from_the_object():
    original, edited, box, region, a_o, a_s = scene()
    result = extract(ExtractRequest(original, edited, box=box))
    alpha = full_alpha(result, a_o.shape)
    # The per-pixel change is everywhere in the region (what an un-blend would keep) ...
    changed = np.abs(edited.astype(int) - original).max(axis=2) > 10
    inside = np.zeros_like(changed)
    inside[region.slices()] = True
    assert changed[inside].mean() > 0.5
    # ... but the layer holds the object and its shadow only: exactly transparent beyond them.
    far = ~dilate((a_o > 0) | (a_s > 0.02), 4)
    assert (alpha[far] == 0).mean() > 0.99
    assert (alpha[far] > 0.1).mean() < 0.005
    assert np.median(alpha[a_o >= 1]) == 1.0
    # Outside the region nothing changed, and the layer is empty there.
    assert alpha[~inside].max() == 0


def test_near_colour_opaque_object_stays_opaque():
    original, edited, box, region, a_o, a_s = scene(near=True)
    result = extract(ExtractRequest(original, edited, box=box))
    alpha = full_alpha(result, a_o.shape)
    assert np.median(alpha[a_o >= 1]) >= 0.95
    assert (alpha[a_o >= 1] > 0.5).mean() > 0.9                # no holes
    # and the layer's colour there is the object's (what the edit shows)
    layer_rgb = np.zeros_like(edited)
    h, w = result.layer.shape[:2]
    layer_rgb[result.y:result.y + h, result.x:result.x + w] = result.layer[..., :3]
    core = a_o >= 1
    assert np.abs(layer_rgb[core].astype(int) - edited[core]).mean() < 2


def test_shadow_only_change_gives_a_translucent_dark_layer():
    original, edited, box, region, a_o, a_s = scene(with_object=False)
    result = extract(ExtractRequest(original, edited, box=box))
    assert not result.empty
    alpha = full_alpha(result, a_o.shape)
    strong = a_s > 0.3
    assert 0.25 < np.median(alpha[strong]) < 0.75            # translucent, about as dark
    h, w = result.layer.shape[:2]
    visible = result.layer[..., 3] > 64
    assert result.layer[..., :3][visible].mean() < 40          # a dark (black) layer
    assert (alpha[~dilate(a_s > 0.02, 4)] > 0.1).mean() < 0.005
    assert result.figures["object_pixels"] == 0             # no object was made up


def test_same_pictures_are_refused():
    original, _, box, _, _, _ = scene()
    with pytest.raises(InvalidInput, match="same"):
        extract(ExtractRequest(original, original.copy(), box=box))


@pytest.mark.parametrize("change, message", [
    (dict(edited=np.zeros((100, 160, 3), np.uint8)), "same size"),
    (dict(box=Box(500, 500, 20, 20)), "outside"),
    (dict(mask=np.ones((10, 10), np.uint8)), "mask is 10x10"),
    (dict(box=Box(0, 0, 20, 20)), "Nothing changed inside the box"),
])
def test_bad_input_is_one_clear_error(change, message):
    original, edited, box, _, _, _ = scene()
    request = ExtractRequest(original, edited, box=box)
    for key, value in change.items():
        setattr(request, key, value)
    with pytest.raises(InvalidInput, match=message):
        extract(request)


def test_without_a_box_the_changed_area_is_used():
    original, edited, box, region, a_o, a_s = scene()
    result = extract(ExtractRequest(original, edited))
    assert result.box.intersect(region) == result.box and result.box.area >= box.area
    alpha = full_alpha(result, a_o.shape)
    assert np.median(alpha[a_o >= 1]) == 1.0
    assert (alpha[~dilate((a_o > 0) | (a_s > 0.02), 4)] > 0.1).mean() < 0.01
