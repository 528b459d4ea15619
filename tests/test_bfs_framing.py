"""BFS framing: one window rule for the training loader and inference, and the box mask they share."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.box import Box
from engine.framing import INFERENCE_CONTEXT, TRAIN_CONTEXT_RANGE, box_mask, frame_window, square_around


def test_the_inference_context_lies_in_the_training_range():
    lo, hi = TRAIN_CONTEXT_RANGE
    assert 1.0 < lo <= INFERENCE_CONTEXT <= hi


@pytest.mark.parametrize("context", [1.5, 2.0, 2.7, 3.0])
def test_with_room_the_window_is_a_square_of_context_times_the_box_centred_on_it(context):
    box = Box(400, 300, 60, 40)
    window = frame_window(1000, 800, box, context)
    assert window.w == window.h == round(60 * context)
    assert abs((window.x + window.w / 2) - (box.x + box.w / 2)) <= 1
    assert abs((window.y + window.h / 2) - (box.y + box.h / 2)) <= 1


def test_the_window_stays_in_the_picture_holds_the_box_and_prefers_a_square():
    rng = np.random.default_rng(0)
    for _ in range(300):
        width, height = rng.integers(16, 300, 2)
        w, h = rng.integers(1, min(width, height) + 1), rng.integers(1, min(width, height) + 1)
        box = Box(int(rng.integers(0, width - w + 1)), int(rng.integers(0, height - h + 1)), int(w), int(h))
        context = rng.uniform(*TRAIN_CONTEXT_RANGE)
        window = frame_window(int(width), int(height), box, context)
        assert window.clip(int(width), int(height)) == window
        assert window.intersect(box) == box
        assert window.w == window.h  # the box fits the short side: always square
        assert window.w == min(int(round(max(w, h) * context)), min(width, height))


def test_a_box_longer_than_the_short_side_gets_its_own_extent():
    window = frame_window(200, 50, Box(10, 5, 120, 20), 2.0)
    assert window == Box(0, 0, 200, 50)
    # Training needs squares: the largest square of the picture, centred on the box.
    assert square_around(200, 50, Box(10, 5, 120, 20), 2.0) == Box(45, 0, 50, 50)
    assert square_around(1000, 800, Box(400, 300, 60, 40), 2.0) == frame_window(1000, 800, Box(400, 300, 60, 40))


def test_box_mask_marks_every_model_pixel_the_box_touches():
    window = Box(10, 20, 40, 40)
    mask = box_mask(Box(20, 30, 10, 15), window, 64, 64)
    ys, xs = np.nonzero(mask)
    # Box 10..20 x 10..25 in the window, scaled by 1.6: 16..32 x 16..40.
    assert (xs.min(), xs.max() + 1, ys.min(), ys.max() + 1) == (16, 32, 16, 40)
    assert mask.sum() == 16 * 24 and mask.dtype == np.float32


def _sample_folder(root, width, height, box: Box):
    folder = root / "0000"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for name in ("background", "composite"):
        Image.fromarray(rng.integers(0, 255, (height, width, 3), np.uint8)).save(folder / f"{name}.png")
    Image.fromarray(rng.integers(0, 255, (height, width, 4), np.uint8)).save(folder / "foreground.png")
    mask = np.zeros((height, width), np.uint8)
    mask[box.slices()] = 255
    Image.fromarray(mask).save(folder / "mask.png")
    (folder / "caption.txt").write_text("a thing")
    return root


def test_the_loader_frames_samples_as_inference_frames_a_request(tmp_path):
    """A training sample framed with context c shows its box at the scale and place inference
    would: the loader's mask is the box mask inference draws for the same window."""
    from engine.training.data import STAGE1_FILES, SampleFolders

    box = Box(70, 50, 30, 24)
    source = SampleFolders(_sample_folder(tmp_path, 200, 160, box), STAGE1_FILES, 32)
    for context in (1.5, 2.0, 3.0):
        sample = source.load(0, context)
        window = frame_window(200, 160, box, context)
        expected = box_mask(box, window, 32, 32)
        assert np.array_equal(sample["mask"][0].numpy(), expected)
        longer = max(np.ptp(np.nonzero(expected)[0]), np.ptp(np.nonzero(expected)[1])) + 1
        assert abs(longer / 32 - 1 / context) < 2 / 32  # the box covers 1/context of the window


def test_training_batches_draw_the_context_per_sample_from_the_stated_range(tmp_path):
    from engine.training.data import STAGE1_FILES, Always, SampleFolders, StepBatches

    box = Box(90, 70, 20, 20)
    source = SampleFolders(_sample_folder(tmp_path, 200, 160, box), STAGE1_FILES, 64)
    batches = StepBatches({"layered": source}, Always("layered"), batch_size=4, seed=3)
    ratios = []
    for step in range(10):
        masks = batches[step]["mask"][:, 0].numpy()
        for m in masks:
            cols = np.nonzero(m.any(0))[0]
            ratios.append((cols.max() + 1 - cols.min()) / 64)
    ratios = np.array(ratios)
    lo, hi = TRAIN_CONTEXT_RANGE
    assert ratios.min() >= 1 / hi - 2 / 64 and ratios.max() <= 1 / lo + 2 / 64
    assert ratios.max() - ratios.min() > 0.15  # spread over the range, not one value
    # Resumable: the same step draws the same framing.
    assert np.array_equal(batches[4]["mask"].numpy(), batches[4]["mask"].numpy())
