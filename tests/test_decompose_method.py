"""The decomposition method end to end: results, figures, bad input, progress and cancellation."""
import numpy as np
import pytest

from _decompose_scenes import scene
from engine.box import Box
from engine.compose import over, to_float
from engine.errors import Cancelled, InvalidInput
from engine.methods.decompose import DecomposePipeline, DecomposeRequest, decompose
from engine.methods.decompose_steps.fill import PyramidInpainter
from engine.methods.decompose_steps.matting import ClosedFormMatter
from engine.methods.decompose_steps.segment import GrabCutSegmenter
from engine.progress import CancelToken, cancellable


@pytest.fixture(scope="module")
def ball():
    image, box, truth = scene(160, shadow=0.5)
    return image, box, truth, decompose(DecomposeRequest(image, box=box))


def test_foreground_over_background_gives_back_the_picture(ball):
    image, box, truth, result = ball
    out = over(to_float(result.foreground_full()), to_float(result.background))
    err = np.abs(out[..., :3] * 255 - image)
    assert err.mean() < 1 and np.percentile(err, 99) < 3
    assert result.figures["recomposition_error_mean"] < 1
    assert result.figures["recomposition_error_p99"] < 3
    assert np.all(out[..., 3] > 0.999)


def test_layers_look_right(ball):
    image, box, truth, result = ball
    assert np.abs(result.alpha - truth["alpha"]).mean() * 255 < 1.5
    fg = result.foreground_full()
    solid = truth["alpha"] > 0.95
    assert np.abs(fg[solid][:, :3] / 255 - truth["colour"][solid]).mean() * 255 < 2
    # The ball and its shadow are gone from the background.
    bg = result.background[..., :3].astype(np.float32) / 255
    under_ball = truth["alpha"] > 0.5
    assert np.abs(bg - truth["background"])[under_ball].mean() * 255 < 8
    in_shadow = (truth["shadow"] > 0.3) & (truth["alpha"] < 0.01)
    assert np.abs(bg - truth["background"])[in_shadow].mean() * 255 < 12
    # The shadow went to the foreground as translucent dark pixels.
    assert abs(fg[in_shadow][:, 3].mean() - truth["shadow"][in_shadow].mean() * 255) < 15
    assert fg[in_shadow][:, :3].max() < 60


def test_result_carries_what_the_editor_needs(ball):
    image, box, truth, result = ball
    x, y = result.offset
    h, w = result.foreground.shape[:2]
    assert result.background.shape == (160, 160, 4)
    assert result.foreground_full()[y:y + h, x:x + w].shape == result.foreground.shape
    assert result.mask.dtype == bool and result.trimap.dtype == np.uint8
    assert result.recipe["method"] == "decompose" and result.recipe["box"] == list(box.as_tuple())
    assert result.recipe["steps"] == {"mask": "grabcut", "matting": "closed_form", "shadow": "relight",
                                      "background": "patchmatch", "foreground": "closed_form",
                                      "hfa": "residual_split", "edges": "colour_line"}
    steps = set(result.figures["timings"])
    assert {"mask", "matting", "shadow", "background", "foreground", "hfa", "total"} <= steps


def test_background_is_opaque_under_the_object(ball):
    # Moving the object must show the filled background, not a hole.
    image, box, truth, result = ball
    assert np.all(result.background[..., 3] == 255)
    rgba = decompose(DecomposeRequest(np.dstack([image, np.full(image.shape[:2], 255, np.uint8)]),
                                      box=box))
    assert np.all(rgba.background[..., 3] == 255)


def test_outside_the_object_nothing_changes(ball):
    image, box, truth, result = ball
    far = np.ones((160, 160), bool)
    far[box.expand(60).clip(160, 160).slices()] = False
    assert np.array_equal(result.background[far][:, :3], image[far])
    assert not result.foreground_full()[far][:, 3].any()


def test_same_input_same_output(ball):
    image, box, truth, result = ball
    again = decompose(DecomposeRequest(image, box=box))
    assert np.array_equal(again.foreground, result.foreground)
    assert np.array_equal(again.background, result.background)


def test_brush_mask_alone_marks_the_object(ball):
    image, box, truth, _ = ball
    painted = truth["alpha"] > 0.2
    result = decompose(DecomposeRequest(image, mask=painted.astype(np.uint8) * 255))
    assert np.abs(result.alpha - truth["alpha"]).mean() * 255 < 2
    assert result.recipe["brush_mask"] and result.recipe["box"] is None


def test_without_shadow_step_the_shadow_stays_in_the_background(ball):
    image, box, truth, _ = ball
    result = decompose(DecomposeRequest(image, box=box, shadow=False))
    in_shadow = (truth["shadow"] > 0.3) & (truth["alpha"] < 0.01)
    diff = np.abs(result.background[in_shadow][:, :3].astype(int) - image[in_shadow])
    assert diff.mean() < 0.5
    assert result.foreground_full()[in_shadow][:, 3].mean() < 3
    assert result.figures["recomposition_error_mean"] < 1


def test_translucent_layer_keeps_its_alpha():
    image, box, truth = scene(128, shadow=0.0)
    rgba = np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    rgba[:, :12, 3] = 0           # a transparent margin
    rgba[:, 12:24, 3] = 140       # and a translucent one
    result = decompose(DecomposeRequest(rgba, box=box))
    out = over(to_float(result.foreground_full()), to_float(result.background))
    assert np.abs(out[..., 3] * 255 - rgba[..., 3]).max() <= 1.0
    assert result.figures["recomposition_error_mean"] < 1


# -- bad input ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def picture():
    return scene(96, shadow=0.0)[0]


@pytest.mark.parametrize("box, words", [
    (Box(10, 10, 0, 20), "empty"),
    (Box(500, 500, 20, 20), "outside"),
    (Box(0, 0, 96, 96), "whole picture"),
    (Box(-5, -5, 110, 110), "whole picture"),
    (Box(40, 40, 1, 1), "too small"),
])
def test_bad_boxes_are_refused_clearly(picture, box, words):
    with pytest.raises(InvalidInput, match=words):
        decompose(DecomposeRequest(picture, box=box))


def test_one_pixel_brush_mask_is_refused(picture):
    mask = np.zeros(picture.shape[:2], bool)
    mask[40, 40] = True
    with pytest.raises(InvalidInput, match="too small"):
        decompose(DecomposeRequest(picture, mask=mask))


def test_fully_transparent_layer_is_refused(picture):
    rgba = np.dstack([picture, np.zeros(picture.shape[:2], np.uint8)])
    with pytest.raises(InvalidInput, match="fully transparent"):
        decompose(DecomposeRequest(rgba, box=Box(20, 20, 40, 40)))


def test_other_bad_requests_are_refused(picture):
    with pytest.raises(InvalidInput, match="Mark the object"):
        decompose(DecomposeRequest(picture))
    with pytest.raises(InvalidInput, match="mask is"):
        decompose(DecomposeRequest(picture, mask=np.ones((10, 10), bool)))
    with pytest.raises(InvalidInput, match="8-bit"):
        decompose(DecomposeRequest(picture.astype(np.float32), box=Box(20, 20, 40, 40)))
    with pytest.raises(InvalidInput, match="transparent pixels only"):
        rgba = np.dstack([picture, np.full(picture.shape[:2], 255, np.uint8)])
        rgba[10:50, 10:50, 3] = 0
        decompose(DecomposeRequest(rgba, box=Box(15, 15, 30, 30)))


def test_an_empty_region_finds_no_object():
    flat = np.full((96, 96, 3), 120, np.uint8)
    with pytest.raises(InvalidInput, match="No object"):
        decompose(DecomposeRequest(flat, box=Box(30, 30, 30, 30)))


# -- progress, cancellation and pluggable steps -----------------------------------------------
class Spy:
    """Wraps a component and records that it ran."""

    def __init__(self, inner, log, key):
        self.inner, self.log, self.key = inner, log, key
        self.name, self.weight = f"spy_{inner.name}", inner.weight

    def __call__(self, *args, **kwargs):
        self.log.append(self.key)
        return self.inner(*args, **kwargs)


def spied(log):
    return DecomposePipeline(segmenter=Spy(GrabCutSegmenter(), log, "mask"),
                             matter=Spy(ClosedFormMatter(), log, "matting"),
                             inpainter=Spy(PyramidInpainter(), log, "background"))


def test_progress_is_monotonic_and_ends_at_total(picture):
    seen = []
    spied([])(DecomposeRequest(picture, box=Box(20, 20, 45, 45)), lambda s, t, p=None: seen.append((s, t)))
    steps = [s for s, _ in seen]
    assert steps == sorted(steps) and seen[-1][0] == seen[-1][1] == 5
    assert len({t for _, t in seen}) == 1


@pytest.mark.parametrize("stop_after, ran", [
    (1, ["mask"]),
    (2, ["mask", "matting"]),
    (3, ["mask", "matting", "background"]),
])
def test_cancel_stops_between_steps(picture, stop_after, ran):
    log, token = [], CancelToken()

    def report(step, total, preview=None):
        if step >= stop_after:
            token.cancel()

    with pytest.raises(Cancelled):
        spied(log)(DecomposeRequest(picture, box=Box(20, 20, 45, 45)), cancellable(token, report))
    assert log == ran


def test_learned_components_plug_in(picture):
    calls = []

    class BoxSegmenter:
        name, weight = "box_segmenter", 1

        def __call__(self, image, box, hint, valid, progress):
            calls.append("segment")
            mask = np.zeros(image.shape[:2], bool)
            mask[box.slices()] = True
            progress(1, 1)
            return mask

    class FlatInpainter:
        name, weight = "flat", 3   # e.g. a diffusion model reporting 3 denoising steps

        def __call__(self, image, hole, known, progress):
            for i in range(3):
                progress(i + 1, 3)
            out = image.copy()
            out[hole] = image[known].mean(axis=0)
            return out

    seen = []
    pipe = DecomposePipeline(segmenter=BoxSegmenter(), inpainter=FlatInpainter())
    result = pipe(DecomposeRequest(picture, box=Box(30, 30, 30, 30)),
                  lambda s, t, p=None: seen.append((s, t)))
    assert calls == ["segment"]
    assert result.recipe["steps"]["mask"] == "box_segmenter"
    assert result.recipe["steps"]["background"] == "flat"
    assert seen[-1] == (7, 7)
    assert result.figures["recomposition_error_mean"] < 1
