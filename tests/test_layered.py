"""Generate a layered image from a prompt: the method, the new document and the `layered` verb.

The method's logic is checked with a scripted text-to-image pipeline that
paints a known scene (a ball and its shadow on a floor); the real diffusers
path with the tiny random-weight pipelines, loaded from disk; the command
line as a subprocess whose PSD is opened again.
"""
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

from _decompose_scenes import scene
from engine.box import Box
from engine.compose import over, to_float
from engine.errors import Cancelled, InvalidInput
from engine.methods.decompose_steps.salient import find_main_object
from engine.methods.layered import LayeredRequest, generate_layered
from engine.models.catalogue import info_for_unlisted
from engine.models.devices import DevicePlan
from engine.models.loading import LoadedModel, load_pipeline
from engine.models.locate import ModelSource
from engine.testing import tiny

torch.set_num_threads(1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ScriptedTextToImage:
    """Paints the ball scene (or a flat grey) whatever the input picture, if the mask is full."""

    vae_scale_factor = 8

    def __init__(self, flat: bool = False):
        self.flat, self.calls, self.freed = flat, [], 0

    def maybe_free_model_hooks(self):
        self.freed += 1

    def __call__(self, *, prompt, image, mask_image, width, height, num_inference_steps,
                 callback_on_step_end, strength, **kwargs):
        self.calls.append(dict(prompt=prompt, width=width, height=height, strength=strength,
                               steps=num_inference_steps, **kwargs))
        assert np.all(np.asarray(mask_image) == 255)  # the whole picture is painted
        for i in range(num_inference_steps):
            callback_on_step_end(self, i, 1000 - i, {"latents": torch.zeros(1, 4, 1, 1)})
        if self.flat:
            out = np.full((height, width, 3), 0.5, np.float32)
        else:
            picture, _, _ = scene(max(width, height), shadow=0.5)
            out = picture[:height, :width].astype(np.float32) / 255
        return SimpleNamespace(images=[out])


def scripted(flat: bool = False) -> LoadedModel:
    info = info_for_unlisted("scripted", "sd-inpaint")
    source = ModelSource("scripted", "folder", Path("."), "sd-inpaint", info)
    return LoadedModel(ScriptedTextToImage(flat), source, DevicePlan())


def classical(**kw) -> LayeredRequest:
    kw = {"mask_model": "grabcut", "matting_model": "closed_form", "background_model": "pyramid",
          **kw}
    return LayeredRequest(**kw)


# -- the method -----------------------------------------------------------------------------------
def test_prompt_becomes_a_picture_split_around_its_main_object():
    model = scripted()
    reports = []
    result = generate_layered(classical(prompt="  a blue ball  ", size=(128, 128), steps=4, seed=7),
                              lambda s, t, p=None: reports.append((s, t, p)), model=model)
    picture, _, truth = scene(128, shadow=0.5)
    assert np.array_equal(result.picture, picture)
    call = model.pipeline.calls[0]
    assert (call["prompt"], call["width"], call["height"], call["strength"], call["steps"]) == \
        ("a blue ball", 128, 128, 1.0, 4)
    # The main object was found and split off; foreground over background is the picture.
    assert result.found and result.box.intersect(Box(40, 40, 30, 30)) == Box(40, 40, 30, 30)
    d = result.decomposition
    out = over(to_float(d.foreground_full()), to_float(d.background))[..., :3] * 255
    assert np.abs(out - picture).mean() < 1
    assert np.abs(d.alpha - truth["alpha"]).mean() * 255 < 4
    assert result.recipe == {"method": "layered", "model": "scripted", "family": "sd-inpaint",
                             "prompt": "a blue ball", "negative_prompt": "", "seed": 7, "steps": 4,
                             "guidance": 7.5, "size": [128, 128],
                             "object_box": list(result.box.as_tuple()), "object_box_found": True}
    # One monotonic bar; once painted, the picture comes as the preview.
    steps = [r[0] for r in reports]
    assert steps == sorted(steps) and reports[-1][0] == reports[-1][1]
    shown = [r[2] for r in reports if r[2] is not None]
    assert shown and np.array_equal(shown[0], picture)


def test_a_given_box_is_used_and_sizes_are_rounded_to_the_latent_multiple():
    result = generate_layered(classical(prompt="ball", size=(131, 125), box=Box(20, 20, 70, 70)),
                              model=scripted())
    assert result.picture.shape == (128, 128, 3) and result.recipe["size"] == [128, 128]
    assert not result.found and result.box == Box(20, 20, 70, 70)
    assert result.decomposition.recipe["box"] == [20, 20, 70, 70]


def test_a_picture_without_an_object_comes_back_unsplit_with_the_reason():
    model = scripted(flat=True)
    result = generate_layered(classical(prompt="fog", size=(64, 64)), model=model)
    assert result.decomposition is None and result.picture.shape == (64, 64, 3)
    assert "No single main object" in result.note and "--box" in result.note


@pytest.mark.parametrize("changes, message", [
    (dict(prompt="  "), "prompt is empty"),
    (dict(size=(16, 64)), "out of range"),
    (dict(steps=0), "Steps must be"),
    (dict(box=Box(100, 100, 50, 50)), "outside"),
    (dict(mask_model="grabcut-2000"), "object mask model"),
])
def test_bad_requests_are_explained(changes, message):
    request = classical(**{"prompt": "ball", "size": (64, 64), **changes})
    with pytest.raises(Exception, match=message):
        generate_layered(request, model=scripted())


def test_cancel_while_painting_stops_and_frees():
    model = scripted()

    def progress(step, total, preview=None):
        if step >= 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        generate_layered(classical(prompt="ball", size=(64, 64), steps=10), progress, model=model)
    assert len(model.pipeline.calls) == 1 and model.pipeline.freed == 1


def test_main_object_is_found_in_real_photos_and_refused_in_flat_ones():
    import skimage.data

    picture, box, truth = scene(160, shadow=0.5)
    found = find_main_object(picture)
    ys, xs = np.nonzero(truth["alpha"] > 0.02)
    ball = Box.from_corners(xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert found.intersect(ball) == ball and found.area < 1.6 * ball.area
    shadow = (truth["shadow"] > 0.1) & (truth["alpha"] < 0.02)
    inside = np.zeros_like(shadow)
    inside[found.slices()] = True
    assert (shadow & inside).sum() < 0.5 * shadow.sum()  # the box is the ball's, not its shadow's
    cat = skimage.data.chelsea()
    found = find_main_object(cat)
    assert 0.2 < found.area / (cat.shape[0] * cat.shape[1]) < 0.9
    with pytest.raises(InvalidInput, match="No single main object"):
        find_main_object(np.full((100, 100, 3), 90, np.uint8))


@pytest.mark.parametrize("family", tiny.FAMILIES)
def test_tiny_pipelines_paint_repeatable_pictures(family):
    model = load_pipeline(str(tiny.cached_tiny(family)), device="cpu")
    request = classical(prompt="a ball", size=(64, 64), steps=2, seed=5, box=Box(8, 8, 48, 48),
                        mask_model=str(tiny.cached_tiny("sam")))
    first = generate_layered(request, model=model)
    again = generate_layered(request, model=model)
    assert first.picture.shape == (64, 64, 3) and first.picture.std() > 1
    assert np.array_equal(first.picture, again.picture)
    d = first.decomposition
    out = over(to_float(d.foreground_full()), to_float(d.background))[..., :3] * 255
    assert np.abs(out - first.picture).mean() < 1


# -- the new document -------------------------------------------------------------------------------
def test_the_document_holds_the_layers_and_undo_gives_back_the_picture():
    from editor.model.layered_apply import apply as layered_document
    from editor.model.render import composite_document

    result = generate_layered(classical(prompt="ball", size=(96, 96)), model=scripted())
    doc = layered_document(result)
    background, foreground = doc.layers()
    assert (background.name, foreground.name) == ("Background", "Object")
    assert background.recipe["source_recipe"]["prompt"] == "ball"
    assert foreground.recipe["method"] == "decompose" and foreground.recipe["role"] == "foreground"
    assert np.abs(composite_document(doc)[..., :3].astype(int) - result.picture).mean() < 1
    doc.history.undo()
    (only,) = doc.layers()
    assert np.array_equal(only.pixels[..., :3], result.picture) and only.recipe["method"] == "layered"


# -- the command line --------------------------------------------------------------------------------
def run(*args):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    return {family: tiny.save_tiny(family, folder / family) for family in ("sd-inpaint", "sam")}


def test_layered_verb_writes_a_psd_whose_layers_give_back_the_picture(saved, tmp_path):
    from editor.model.files import open_document
    from editor.model.render import composite_document

    out, picture = tmp_path / "ball.psd", tmp_path / "picture.png"
    proc = run("layered", "--prompt", "a red ball on a table", "--model", saved["sd-inpaint"],
               "--size", "96x80", "--steps", "3", "--seed", "4", "--box", "16,12,60,56",
               "--mask-model", saved["sam"], "--save-picture", picture, "-o", out, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["recipe"]["size"] == [96, 80] and report["recipe"]["seed"] == 4
    assert report["decomposition"]["mask"] == "sam" and report["object_box_found"] is False
    doc = open_document(out)
    layers = list(doc.layers())
    assert len(layers) >= 2 and (doc.width, doc.height) == (96, 80)
    assert layers[-1].recipe["method"] == "decompose"
    assert layers[0].recipe["source_recipe"]["prompt"] == "a red ball on a table"
    generated = np.asarray(Image.open(picture).convert("RGB")).astype(int)
    err = np.abs(composite_document(doc)[..., :3].astype(int) - generated)
    assert err.mean() < 1 and np.percentile(err, 99) < 3


def test_layered_verb_keeps_the_picture_when_no_object_is_found(saved, tmp_path):
    from editor.model.files import open_document

    out = tmp_path / "noise.psd"
    proc = run("layered", "--prompt", "noise", "--model", saved["sd-inpaint"], "--size", "64x64",
               "--steps", "2", "-o", out)
    assert proc.returncode == 2
    assert "No single main object" in proc.stderr and "saved unsplit" in proc.stderr
    assert "Traceback" not in proc.stderr
    (layer,) = open_document(out).layers()
    assert layer.recipe["method"] == "layered"


def test_layered_verb_explains_bad_input(tmp_path):
    proc = run("layered", "--prompt", "x", "--size", "big", "-o", tmp_path / "x.psd")
    assert proc.returncode == 2 and "is not a size like" in proc.stderr
    proc = run("layered", "--prompt", "x", "--model", tmp_path / "nowhere", "-o", tmp_path / "x.psd")
    assert proc.returncode == 2 and "no such model" in proc.stderr.lower()
    assert "Traceback" not in proc.stderr
