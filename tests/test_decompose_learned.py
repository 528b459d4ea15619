"""The decomposition's learned components: SAM masks, ViTMatte alpha, diffusers background fill.

Tiny random-weight models (engine.testing.tiny) are saved as their libraries
save them (safetensors) and loaded through engine.models, as a user's models
are: folders, or repo ids in a Hugging Face cache laid out in a tmp folder.
Their outputs are random, so the tests check what the pipeline does with
them - placement, what changes where, recipes, exact recomposition,
choices and fallbacks - not how good the layers look.
"""
import numpy as np
import pytest
import torch

from _decompose_scenes import scene
from engine.box import Box
from engine.errors import Cancelled, InvalidInput, UnsafeWeights
from engine.methods.decompose import DecomposePipeline, DecomposeRequest
from engine.methods.decompose_steps import choose
from engine.methods.decompose_steps.diffusion_fill import DiffusionInpainter, match_rim
from engine.methods.decompose_steps.patchmatch_fill import PatchMatchInpainter
from engine.methods.decompose_steps.matting import ClosedFormMatter, make_trimap
from engine.methods.decompose_steps.sam_segment import SamSegmenter, interior_points
from engine.methods.decompose_steps.segment import GrabCutSegmenter
from engine.methods.decompose_steps.vitmatte import VitMatteMatter
from engine.models.catalogue import load_catalogue
from engine.models.locate import find_model
from engine.testing import tiny

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def models():
    return {family: str(tiny.cached_tiny(family)) for family in ("sam", "vitmatte", "sd-inpaint")}


@pytest.fixture(scope="module")
def ball():
    return scene(112, shadow=0.5)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, models):
    """A Hugging Face cache holding tiny models under the catalogue's SAM, ViTMatte and SD ids."""
    cache = tmp_path_factory.mktemp("hub")
    tiny.install_in_hub_cache(models["sam"], "facebook/sam-vit-base", cache)
    tiny.install_in_hub_cache(models["vitmatte"], "hustvl/vitmatte-small-composition-1k", cache)
    tiny.install_in_hub_cache(models["sd-inpaint"], "stabilityai/stable-diffusion-2-inpainting",
                              cache)
    return cache


# -- the catalogue ---------------------------------------------------------------------------
def test_catalogue_lists_the_learned_components_with_their_facts():
    catalogue = load_catalogue()
    for method, family in (("decompose_mask", "sam"), ("decompose_matting", "vitmatte")):
        listed = catalogue.for_method(method)
        assert listed and all(m.family == family for m in listed)
        for m in listed:
            assert 0 < m.download_gb < 1 and m.licence.startswith("Apache-2.0")
            assert "model.safetensors" in m.files and not any(f.endswith(".bin") for f in m.files)
    assert catalogue.get("facebook/sam-vit-base").download_gb == pytest.approx(0.38)
    assert catalogue.get("hustvl/vitmatte-small-composition-1k").download_gb == pytest.approx(0.1)
    fillers = catalogue.for_method("decompose_background")
    assert fillers == catalogue.for_method("add_foreground") == catalogue.for_method("layered")


def test_transformers_folders_are_found_and_pickles_refused(models, tmp_path):
    source = find_model(models["sam"])
    assert source.family == "sam" and source.info.serves("decompose_mask")
    assert find_model(models["vitmatte"]).family == "vitmatte"
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "vitmatte"}')
    (folder / "pytorch_model.bin").write_bytes(b"not opened")
    with pytest.raises(UnsafeWeights, match="only loads .safetensors"):
        find_model(str(folder))
    (folder / "config.json").write_text('{"model_type": "bert"}')
    with pytest.raises(Exception, match="does not use"):
        find_model(str(folder))


# -- choosing the components -----------------------------------------------------------------
def test_auto_falls_back_to_the_classical_steps_when_nothing_is_installed(tmp_path, ball):
    image, box, _ = ball
    pipeline = DecomposePipeline.choose(device="cpu", cache_dir=tmp_path)
    assert isinstance(pipeline.segmenter, GrabCutSegmenter)
    assert isinstance(pipeline.matter, ClosedFormMatter)
    assert isinstance(pipeline.inpainter, PatchMatchInpainter)
    result = pipeline(DecomposeRequest(image, box=box))
    assert result.recipe["steps"]["mask"] == "grabcut" and "models" not in result.recipe


def test_auto_takes_installed_models_and_the_filler_only_with_a_gpu(hub):
    chosen = choose.choose_components(device="cpu", cache_dir=hub)
    assert isinstance(chosen["mask"], SamSegmenter)
    assert chosen["mask"].model == "facebook/sam-vit-base"
    assert isinstance(chosen["matting"], VitMatteMatter)
    # On a CPU a diffusion fill costs minutes: auto keeps the content-aware fill...
    assert isinstance(chosen["background"], PatchMatchInpainter)
    # ...and a named model is used anyway.
    named = choose.choose_components("grabcut", "closed_form",
                                     "stabilityai/stable-diffusion-2-inpainting", device="cpu",
                                     cache_dir=hub)
    assert isinstance(named["mask"], GrabCutSegmenter)
    assert isinstance(named["background"], DiffusionInpainter)
    assert [m.id for m in choose.installed_models("background", cache_dir=hub)] == \
        ["stabilityai/stable-diffusion-2-inpainting"]


def test_a_model_of_the_wrong_kind_or_missing_is_explained(models, tmp_path):
    with pytest.raises(InvalidInput, match="object mask needs sam"):
        choose.choose_components(mask=models["vitmatte"], cache_dir=tmp_path)
    with pytest.raises(InvalidInput, match="background fill needs"):
        choose.choose_components(background=models["sam"], cache_dir=tmp_path)
    with pytest.raises(Exception, match="alpha matte model: .*not on this computer"):
        choose.choose_components(matting="hustvl/vitmatte-small-composition-1k", cache_dir=tmp_path)


# -- each component ----------------------------------------------------------------------------
def test_sam_mask_stays_in_the_box_and_on_visible_pixels(models, ball):
    image, box, truth = ball
    valid = np.ones(image.shape[:2], bool)
    valid[:, :40] = False
    mask = SamSegmenter(models["sam"], device="cpu")(image, box, None, valid)
    assert mask.shape == image.shape[:2] and mask.dtype == bool and mask.any()
    outside = np.ones_like(mask)
    outside[box.slices()] = False
    assert not (mask & outside).any() and not (mask & ~valid).any()


def test_brush_points_lie_deep_inside_the_paint():
    paint = np.zeros((60, 80), bool)
    paint[10:50, 5:30] = True
    paint[20:40, 50:75] = True
    points = interior_points(paint, 3)
    assert 2 <= len(points) <= 3
    for x, y in points:
        assert paint[int(y), int(x)]
    x, y = points[0]  # the widest part first, as far from its edges as it can be
    assert abs(x - 17) <= 1 and 10 + 12 <= y <= 50 - 12


def test_sam_with_a_brush_mask_and_no_box(models, ball):
    image, box, truth = ball
    hint = truth["alpha"] > 0.5
    mask = SamSegmenter(models["sam"], device="cpu")(image, None, hint,
                                                     np.ones(hint.shape, bool))
    ys, xs = np.nonzero(hint)
    region = Box.from_corners(xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    outside = np.ones_like(mask)
    outside[region.slices()] = False
    assert not (mask & outside).any()


@pytest.mark.parametrize("max_side", [None, 24])
def test_vitmatte_keeps_the_trimaps_sure_regions(models, ball, max_side):
    image, box, truth = ball
    trimap = make_trimap(truth["alpha"] > 0.5, 5)
    alpha = VitMatteMatter(models["vitmatte"], device="cpu", max_side=max_side)(image, trimap)
    assert alpha.shape == trimap.shape and alpha.dtype == np.float32
    assert np.all(alpha[trimap == 255] == 1.0) and np.all(alpha[trimap == 0] == 0.0)
    band = alpha[trimap == 128]
    assert band.min() >= 0 and band.max() <= 1 and band.std() > 0  # the model's answer


def test_rim_matching_removes_a_colour_shift_and_keeps_the_paintings_detail():
    yy, xx = np.mgrid[:64, :64].astype(np.float32) / 64
    picture = np.dstack([0.3 + 0.4 * xx, 0.5 + 0.2 * yy, 0.4 + 0 * xx]).astype(np.float32)
    hole = np.zeros((64, 64), bool)
    hole[20:44, 16:48] = True
    grain = 0.03 * np.sin(xx * 90)[..., None]
    painted = picture + 0.12 + grain  # the model's idea of the light is brighter
    fixed = match_rim(picture, painted, hole, ~hole)
    assert np.abs((painted - picture)[hole]).mean() > 0.1
    assert np.abs((fixed - picture - grain)[hole]).mean() < 0.015
    assert np.abs(fixed - painted).std() < 0.02  # a smooth offset: the grain stays


def test_diffusion_fill_changes_only_the_hole(models):
    image = np.random.default_rng(0).random((80, 96, 3)).astype(np.float32)
    hole = np.zeros((80, 96), bool)
    hole[30:50, 40:60] = True
    fill = DiffusionInpainter(models["sd-inpaint"], steps=2, resolution=64, device="cpu")
    steps = []
    out = fill(image, hole, ~hole, lambda s, t, p=None: steps.append((s, t)))
    assert out.shape == image.shape
    assert np.array_equal(out[~hole], image[~hole])
    assert np.abs(out[hole] - image[hole]).mean() > 0.01
    assert steps[-1] == (fill.weight, fill.weight) and fill.weight == 3
    assert fill.settings == {"seed": 0, "steps": 2, "guidance": 7.5, "resolution": 64}


def test_diffusion_fill_stops_within_one_step_when_cancelled(models):
    image = np.full((64, 64, 3), 0.5, np.float32)
    hole = np.zeros((64, 64), bool)
    hole[20:40, 20:40] = True
    seen = []

    def progress(step, total, preview=None):
        seen.append(step)
        if step >= 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        DiffusionInpainter(models["sd-inpaint"], steps=6, resolution=64, device="cpu")(
            image, hole, ~hole, progress)
    assert seen == [1, 2]


def test_closed_form_matting_leaves_torchs_thread_count_alone(ball):
    # pymatting's numba code must not take over torch's OpenMP threads (see matting.py).
    import subprocess
    import sys

    # torch runs first (as when a model ran before), then closed-form matting.
    code = ("import numpy as np, torch; torch.set_num_threads(1); torch.get_num_threads()\n"
            "from engine.methods.decompose_steps.matting import ClosedFormMatter\n"
            "t = np.full((40, 40), 128, np.uint8); t[:10] = 0; t[-10:] = 255\n"
            "ClosedFormMatter()(np.random.default_rng(0).integers(0, 255, (40, 40, 3), np.uint8), t)\n"
            "print(torch.get_num_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=str(__import__("pathlib").Path(__file__).parents[1]), timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


# -- through the method -----------------------------------------------------------------------------
def test_learned_components_go_through_the_method(models, ball):
    image, box, truth = ball
    pipeline = DecomposePipeline.choose(models["sam"], models["vitmatte"], models["sd-inpaint"],
                                        device="cpu", seed=3)
    pipeline.inpainter.resolution, pipeline.inpainter.steps = 64, 2
    pipeline.inpainter.weight = 3
    reports = []
    result = pipeline(DecomposeRequest(image, box=box),
                      lambda s, t, p=None: reports.append((s, t)))
    # Placement: the layers cover the picture; the object sits in the box's neighbourhood.
    assert result.background.shape == (112, 112, 4)
    x, y = result.offset
    fh, fw = result.foreground.shape[:2]
    assert box.expand(40).clip(112, 112).intersect(Box(x, y, fw, fh)) == Box(x, y, fw, fh)
    assert result.mask[box.slices()].sum() == result.mask.sum() > 0
    # Foreground over background is the picture, whatever the random models said.
    assert result.figures["recomposition_error_mean"] < 1
    assert result.figures["recomposition_error_p99"] < 3
    # Only the filled region and the shadow's relit ground differ in the background.
    changed = (result.background[..., :3] != image).any(axis=2)
    assert not (changed & ~result.filled & (result.shadow <= 0)).any()
    # The recipe says what did each step.
    steps = result.recipe["steps"]
    assert (steps["mask"], steps["matting"], steps["background"]) == ("sam", "vitmatte", "diffusion")
    assert result.recipe["models"] == {
        "mask": {"model": models["sam"]}, "matting": {"model": models["vitmatte"]},
        "background": {"model": models["sd-inpaint"], "seed": 3, "steps": 2, "guidance": 7.5,
                       "resolution": 64}}
    assert reports[-1][0] == reports[-1][1] and [r[0] for r in reports] == sorted(r[0] for r in reports)


def test_learned_mask_with_classical_matting_from_the_hub_cache(hub, ball):
    image, box, truth = ball
    pipeline = DecomposePipeline.choose("auto", "closed_form", "pyramid", device="cpu",
                                        cache_dir=hub)
    result = pipeline(DecomposeRequest(image, box=box))
    assert result.recipe["steps"]["mask"] == "sam"
    assert result.recipe["models"] == {"mask": {"model": "facebook/sam-vit-base"}}
    assert result.figures["recomposition_error_mean"] < 1


def test_sam_turns_correction_strokes_into_point_prompts(models, ball, monkeypatch):
    image, box, truth = ball
    h, w = image.shape[:2]
    mask = truth["alpha"] > 0.5
    add = np.zeros((h, w), bool)
    add[78:84, 60:66] = True            # "this is object", below the ball
    remove = np.zeros((h, w), bool)
    remove[40:44, 44:48] = True         # "this is not", inside it
    sam = SamSegmenter(models["sam"], device="cpu")
    seen = []
    predict = SamSegmenter._predict

    def spy(self, image, crop, prompt_box, points, labels):
        seen.append((crop, points, labels))
        return predict(self, image, crop, prompt_box, points, labels)

    monkeypatch.setattr(SamSegmenter, "_predict", spy)
    out = DecomposePipeline(segmenter=sam).correct_mask(image, mask, add, remove)
    ((crop, points, labels),) = seen
    placed = [(int(y) + crop.y, int(x) + crop.x, label) for (x, y), label in zip(points, labels)]
    assert any(add[y, x] and label == 1 for y, x, label in placed)
    assert any(remove[y, x] and label == 0 for y, x, label in placed)
    assert all(mask[y, x] for y, x, label in placed if label == 1 and not add[y, x])
    # The strokes are obeyed; nothing far from them changes (the random model's answer
    # elsewhere is not taken).
    assert out[add].all() and not out[remove].any()
    far = np.ones((h, w), bool)
    far[max(0, 40 - 30):84 + 30, max(0, 44 - 30):66 + 30] = False
    assert np.array_equal(out[far], mask[far])


def test_without_sam_the_strokes_correct_the_mask_by_grabcut(ball, monkeypatch):
    from engine.methods.decompose_steps import strokes

    image, box, truth = ball
    mask = truth["alpha"] > 0.5
    add = np.zeros(mask.shape, bool)
    add[78:84, 60:66] = True
    calls = []
    monkeypatch.setattr(strokes, "correct_mask",
                        lambda *a, **k: calls.append(a) or np.asarray(a[1], bool) | a[2])
    out = DecomposePipeline(segmenter=GrabCutSegmenter()).correct_mask(image, mask, add)
    assert len(calls) == 1 and out[add].all()
