"""Edit with Text on documents (editor.model.text_edit_apply) and the `edit` verb run as a user
runs it (a subprocess, then the saved PSD reopened), on the tiny random Stable Diffusion."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from editor.model import Document
from editor.model.errors import DocumentError
from editor.model.files import open_document
from editor.model import text_edit_apply as text_edit
from editor.model.text_edit_apply import TextEditSpec, edit_document
from engine.box import Box
from engine.testing import tiny

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = dict(embedding_steps=2, finetune_steps=2, guidance_steps=2, resolution=64,
             device="cpu", dtype="float32")


@pytest.fixture(scope="module")
def model():
    from engine.models.loading import load_pipeline

    torch.set_num_threads(1)
    return load_pipeline(str(tiny.cached_tiny("sd")), device="cpu", dtype="float32")


@pytest.fixture(scope="module")
def photo():
    import cv2
    from skimage import data

    return cv2.resize(data.chelsea(), (80, 64), interpolation=cv2.INTER_AREA)


def photo_doc(photo):
    doc = Document(96, 72)
    rgba = np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)])
    doc.add_image(rgba, "Photo", 8, 4)
    return doc


def test_the_edit_is_one_undo_step_above_the_active_layer_with_its_recipe(model, photo):
    doc = photo_doc(photo)
    source = doc.active
    before = source.pixels.copy()
    mask = np.zeros((72, 96), bool)
    mask[12:60, 24:64] = True
    steps = doc.history.count
    spec = TextEditSpec("a cat jumping in a snowy forest", seed=5, alpha=0.6, **SMALL)
    layers, result = edit_document(doc, spec, mask=mask, model=model)
    (layer,) = layers
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Edit with Text"
    assert doc.active is layer and layer.parent is source.parent
    assert layer.index() == source.index() + 1
    # The whole canvas was edited: the layer covers it, opaque; the source is untouched.
    assert (layer.x, layer.y, layer.width, layer.height) == (0, 0, 96, 72)
    assert (layer.pixels[..., 3] == 255).all()
    assert np.array_equal(source.pixels, before)
    r = layer.recipe
    assert (r["method"], r["subject"], r["background"]) == ("edit", "a cat jumping",
                                                            "in a snowy forest")
    assert (r["alpha"], r["seed"], r["embedding_steps"], r["finetune_steps"],
            r["guidance_steps"], r["source"]) == (0.6, 5, 2, 2, 2, "document")
    doc.history.undo()
    assert not doc.contains(layer) and np.array_equal(source.pixels, before)


def test_a_layer_is_edited_in_its_own_coordinates_and_keeps_its_shape(model, photo):
    doc = photo_doc(photo)
    layer = doc.active
    layer.pixels[:, :10, 3] = 0  # a transparent strip on the layer's left
    prepared = text_edit.prepare(doc, TextEditSpec("a cat", "on the moon", **SMALL),
                            box=Box(30, 14, 40, 44), layer=layer)
    assert prepared.box == Box(8, 4, 80, 64)
    assert prepared.request.box == Box(22, 10, 40, 44)  # canvas -> layer coordinates
    result = text_edit.run(prepared, model=model)
    added = text_edit.apply(doc, prepared, result)
    assert (added.x, added.y, added.width, added.height) == (8, 4, 80, 64)
    assert np.array_equal(added.pixels[..., 3], layer.pixels[..., 3])
    assert added.recipe["box"] == [30, 14, 40, 44] and added.recipe["source"] == "Photo"


def test_several_results_are_layers_with_the_first_shown_on_top(model, photo):
    doc = photo_doc(photo)
    mask = np.zeros((72, 96), bool)
    mask[12:60, 24:64] = True
    layers, result = edit_document(doc, TextEditSpec("a cat", "in the snow", results=2, **SMALL),
                                   mask=mask, model=model, all_results=True)
    assert [n.recipe["seed"] for n in layers] == [0, 1]
    assert layers[0].visible and not layers[1].visible
    assert layers[0].index() == layers[1].index() + 1 and doc.active is layers[0]


def test_bad_input_changes_nothing(photo):
    doc = photo_doc(photo)
    steps = doc.history.count
    with pytest.raises(DocumentError, match="Mark the subject"):
        text_edit.prepare(doc, TextEditSpec("a cat", "in the snow"))
    from engine.errors import InvalidInput

    with pytest.raises(InvalidInput, match="cannot be split"):
        text_edit.prepare(doc, TextEditSpec("a cat"), box=Box(20, 10, 30, 30))
    assert doc.history.count == steps


# -- the verb -------------------------------------------------------------------------------------
def run(*args):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_edit_verb_writes_a_psd_with_the_edit_on_top(photo, tmp_path):
    src = tmp_path / "cat.png"
    Image.fromarray(photo).save(src)
    mask = np.zeros(photo.shape[:2], np.uint8)
    mask[8:60, 16:56] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    out, weights = tmp_path / "cat.psd", tmp_path / "lora.safetensors"
    proc = run("edit", src, "--mask", tmp_path / "mask.png", "--subject", "a cat jumping",
               "--background", "in a snowy forest", "--alpha", "0.8", "--seed", "3",
               "--embedding-steps", "2", "--finetune-steps", "2", "--steps", "2",
               "--resolution", "64", "--model", tiny.cached_tiny("sd"), "--device", "cpu",
               "--keep-weights", weights, "-o", out, "--json")
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)
    assert set(figures["timings"]) == {"embeddings_s", "finetune_s", "sample_s"}
    doc = open_document(out)
    layers = list(doc.layers())
    assert len(layers) == 2 and layers[1].name == figures["layers"][0]
    recipe = layers[1].recipe
    assert (recipe["subject"], recipe["background"], recipe["alpha"], recipe["seed"],
            recipe["finetune"]) == ("a cat jumping", "in a snowy forest", 0.8, 3, "lora")
    assert np.array_equal(layers[0].pixels[..., :3], photo)  # the picture itself is kept
    from safetensors import safe_open

    with safe_open(str(weights), "pt") as f:
        assert f.keys() and all("lora" in k for k in f.keys())
        assert f.metadata()["subject"] == "a cat jumping"


def test_edit_verb_refuses_bad_input_in_one_line_and_writes_nothing(photo, tmp_path):
    src = tmp_path / "cat.png"
    Image.fromarray(photo).save(src)
    out = tmp_path / "cat.psd"
    proc = run("edit", src, "--subject", "a cat", "--background", "in snow", "-o", out)
    assert proc.returncode == 2 and "Mark the subject" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()
    proc = run("edit", src, "--box", "10,10,30,30", "--prompt", "a cat", "-o", out)
    assert proc.returncode == 2 and "cannot be split" in proc.stderr and not out.exists()


# -- the split into subject and background layers ------------------------------------------------
def test_the_split_edit_is_one_undo_step_whose_two_layers_give_back_the_edit(model, photo):
    from editor.model.render import composite_document

    doc = photo_doc(photo)
    source = doc.active
    mask = np.zeros((72, 96), bool)
    mask[12:60, 24:64] = True
    steps = doc.history.count
    spec = TextEditSpec("a cat jumping", "in a snowy forest", seed=4, alpha=0.6, split=True,
                        **SMALL)
    (subject,), result = edit_document(doc, spec, mask=mask, model=model)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Edit with Text"
    layers = list(doc.layers())
    assert len(layers) == 3 and layers[0] is source and layers[2] is subject
    background = layers[1]
    assert background.name.startswith("Text Edit") and background.name.endswith(" background")
    assert subject.name == background.name[:-len("background")] + "subject"
    assert doc.active is subject
    for layer, role in ((subject, "foreground"), (background, "background")):
        r = layer.recipe
        assert (r["method"], r["subject"], r["background"], r["alpha"], r["seed"],
                r["embedding_steps"], r["guidance_steps"], r["role"]) == (
            "edit", "a cat jumping", "in a snowy forest", 0.6, 4, 2, 2, role)
        assert r["decomposition"]["method"] == "decompose"
    # The subject layer holds the edit's subject; the stack gives back the edited picture.
    assert subject.pixels[..., 3].any() and not (subject.pixels[..., 3] == 255).all()
    edited = result.images[0].astype(int)
    source.visible = False
    stack = composite_document(doc)
    assert (stack[..., 3] == 255).all()
    assert np.abs(stack[..., :3].astype(int) - edited).max() <= 2
    source.visible = True
    doc.history.undo()
    assert list(doc.layers()) == [source]
    doc.history.redo()
    assert list(doc.layers()) == layers


def test_edit_verb_split_writes_the_subject_and_background_layers(model, photo, tmp_path):
    from editor.model.render import composite_document

    src = tmp_path / "cat.png"
    Image.fromarray(photo).save(src)
    mask = np.zeros(photo.shape[:2], np.uint8)
    mask[8:60, 16:56] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    out = tmp_path / "cat.psd"
    proc = run("edit", src, "--mask", tmp_path / "mask.png", "--subject", "a cat jumping",
               "--background", "in a snowy forest", "--seed", "3", "--embedding-steps", "2",
               "--finetune-steps", "2", "--steps", "2", "--resolution", "64",
               "--model", tiny.cached_tiny("sd"), "--device", "cpu", "--split", "-o", out)
    assert proc.returncode == 0, proc.stderr
    doc = open_document(out)
    photo_layer, background, subject = doc.layers()
    assert background.name.startswith("Text Edit") and background.name.endswith(" background")
    assert subject.name == background.name[:-len("background")] + "subject"
    for layer in (background, subject):
        assert (layer.recipe["subject"], layer.recipe["seed"]) == ("a cat jumping", 3)
    # The same edit in this process (same seed): the two layers stack up to it.
    expected = Document(80, 64)
    expected.add_image(np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)]), "Photo", 0, 0)
    spec = TextEditSpec("a cat jumping", "in a snowy forest", seed=3, **SMALL)
    _, result = edit_document(expected, spec, mask=mask > 0, model=model)
    photo_layer.visible = False
    stack = composite_document(doc)
    assert np.abs(stack[..., :3].astype(int) - result.images[0].astype(int)).max() <= 3
