"""Correcting the object mask with strokes, and several objects split at once."""
import numpy as np

from _decompose_scenes import disc_alpha, ground
from engine.box import Box
from engine.methods.decompose import DecomposePipeline, DecomposeRequest
from engine.methods.decompose_steps.layers import recomposition_error
from engine.methods.decompose_steps.strokes import correct_mask, simulate_strokes


def two_balls(size=160):
    """A red ball (left, higher) and a blue ball (right, lower) on a grainy floor."""
    bg = ground(size, size, 3, grain=0.04)
    a1 = disc_alpha(size, size, 0.35 * size, 0.28 * size, 0.16 * size)
    a2 = disc_alpha(size, size, 0.62 * size, 0.7 * size, 0.17 * size)
    img = bg
    for a, c in ((a1, (0.85, 0.15, 0.1)), (a2, (0.1, 0.25, 0.85))):
        img = a[..., None] * np.array(c, np.float32) + (1 - a[..., None]) * img
    return np.clip(np.rint(img * 255), 0, 255).astype(np.uint8), a1, a2


def test_an_add_stroke_brings_back_the_missed_part_and_changes_nothing_else():
    img, a1, a2 = two_balls()
    truth = a1 > 0.5
    mask = truth.copy()
    mask[:, 52:] = False                     # the ball's right part was missed
    far = np.zeros_like(truth)
    far[:, :40] = True
    add = np.zeros_like(truth)
    add[42:70, 57:60] = True                 # one stroke down the missed part
    out = correct_mask(img, mask, add=add)
    missed = truth & ~mask
    assert (out & missed).sum() > 0.85 * missed.sum()
    assert np.array_equal(out[far], mask[far])           # away from the stroke: untouched
    assert not out[:, 90:].any()                          # the other ball is not taken


def test_a_remove_stroke_takes_out_a_wrongly_taken_part_only():
    img, a1, a2 = two_balls()
    truth = a1 > 0.5
    mask = truth | (a2 > 0.5)                # the other ball was taken as well
    remove = np.zeros_like(truth)
    remove[96:102, 108:114] = True
    out = correct_mask(img, mask, remove=remove)
    assert (out & (a2 > 0.5)).sum() < 0.1 * (a2 > 0.5).sum()
    assert np.array_equal(out[truth], mask[truth])
    assert not out[remove].any()


def test_no_strokes_no_change_and_simulated_strokes_hit_the_errors():
    img, a1, _ = two_balls()
    truth = a1 > 0.5
    assert np.array_equal(correct_mask(img, truth), truth)
    mask = truth.copy()
    mask[:, 52:] = False
    add, remove = simulate_strokes(mask, truth)
    assert add.any() and not remove.any() and not (add & mask).any() and (add <= truth).all()


def test_several_boxes_give_one_layer_each_front_to_back_recompositing_exactly():
    img, a1, a2 = two_balls()
    request = DecomposeRequest(img, box=Box(15, 26, 62, 62), boxes=[Box(80, 66, 64, 64)])
    result = DecomposePipeline()(request)
    assert len(result.parts) == 2
    # The lower ball (blue, its base nearer the bottom) stands in front.
    (front, (fx, fy)), (back, (bx, by)) = result.parts
    assert front[..., 2][front[..., 3] > 250].mean() > 150 and fx > 60
    assert back[..., 0][back[..., 3] > 250].mean() > 150 and bx < 60
    h, w = img.shape[:2]
    layers = np.zeros((h, w, 4), np.uint8)
    for rgba, (x, y) in reversed(result.parts):      # back first
        placed = np.zeros((h, w, 4), np.uint8)
        placed[y:y + rgba.shape[0], x:x + rgba.shape[1]] = rgba
        assert not ((placed[..., 3] > 0) & (layers[..., 3] > 0)).any()  # never overlap
        layers = np.where(placed[..., 3:] > 0, placed, layers)
    source = np.dstack([img, np.full((h, w), 255, np.uint8)])
    assert recomposition_error(source, layers, result.background).max() <= 1.0
    # Both balls are gone from the one background.
    assert result.filled[a1 > 0.5].all() and result.filled[a2 > 0.5].all()
    assert result.recipe["objects"] == 2


def test_corrected_masks_are_used_as_given():
    img, a1, a2 = two_balls()
    pipeline = DecomposePipeline()
    proposed = pipeline.propose_masks(DecomposeRequest(img, box=Box(15, 26, 62, 62)))
    assert len(proposed) == 1 and (proposed[0] & (a1 > 0.5)).sum() > 0.9 * (a1 > 0.5).sum()
    result = pipeline(DecomposeRequest(img, object_masks=[a2 > 0.5]))
    assert np.array_equal(result.mask, a2 > 0.5)


def test_status_says_in_plain_words_what_happened():
    from types import SimpleNamespace

    from editor.model.decompose_apply import split_status

    exact = SimpleNamespace(figures={"recomposition_error_max": 0.5})
    assert split_status("Photo", ["Object"], exact) == \
        "Split 'Object' from 'Photo'; the two layers give back the picture exactly."
    off = SimpleNamespace(figures={"recomposition_error_max": 3.2})
    text = split_status("Photo", ["Object", "Object 2"], off)
    assert text.startswith("Split 'Object', 'Object 2' from 'Photo'; the three layers")
    assert "within 3 levels" in text and "recomposition" not in text


def test_with_no_marks_the_objects_are_found():
    from engine.methods.decompose_steps.salient import find_objects

    img, a1, a2 = two_balls(200)
    boxes = find_objects(img, 3)
    assert len(boxes) == 2
    for a in (a1, a2):
        ys, xs = np.nonzero(a > 0.5)
        assert any(b.x <= xs.min() and b.y <= ys.min() and b.x1 >= xs.max() and b.y1 >= ys.max()
                   for b in boxes)
    assert len(find_objects(img, 1)) == 1
