"""New Layer from Difference and the `extract` verb, used as a user would: the document
operation (one undo step, recipe kept), the verb as a subprocess (then the PSD reopened),
and Layer > New Layer from Difference in the window."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from editor.model import Document
from editor.model.extract_apply import HISTORY_NAME, layer_from_difference
from test_extract import full_alpha, scene

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def edit():
    original, edited, box, region, a_o, a_s = scene()
    return original, edited, box, a_o, a_s


def rgba(rgb):
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def two_layer_document(original, edited):
    h, w = original.shape[:2]
    doc = Document(w, h)
    below = doc.add_image(rgba(original), "Photo", 0, 0)
    above = doc.add_image(rgba(edited), "Generative fill", 0, 0)
    doc.history.mark_clean()
    return doc, below, above


def test_new_layer_from_difference_is_one_undo_step_and_keeps_the_recipe(edit, tmp_path):
    original, edited, box, a_o, a_s = edit
    doc, below, above = two_layer_document(original, edited)
    steps = len(doc.history.names())
    layer, result = layer_from_difference(doc, box=box)
    assert len(doc.history.names()) == steps + 1 and doc.history.undo_name() == HISTORY_NAME
    assert [n.name for n in doc.layers()] == ["Photo", "Generative fill", "Extracted"]
    assert doc.active is layer and not above.visible          # the original shows around it
    assert layer.recipe["method"] == "extract" and layer.recipe["box"] == list(box.as_tuple())
    assert layer.recipe["original"] == "Photo" and layer.recipe["edited"] == "Generative fill"
    alpha = np.zeros(a_o.shape, np.float32)
    alpha[layer.y:layer.y + layer.height, layer.x:layer.x + layer.width] = layer.pixels[..., 3] / 255
    assert np.median(alpha[a_o >= 1]) == 1.0
    # Saved and reopened, the layer keeps its recipe.
    from editor.model.files import open_document, save_document

    save_document(doc, tmp_path / "out.psd")
    reopened = {n.name: n for n in open_document(tmp_path / "out.psd").layers()}
    assert reopened["Extracted"].recipe == layer.recipe
    # One undo gives back the document as it was.
    doc.history.undo()
    assert [n.name for n in doc.layers()] == ["Photo", "Generative fill"] and above.visible


def test_a_chosen_original_and_no_layer_below(edit):
    from editor.model.errors import DocumentError

    original, edited, box, a_o, a_s = edit
    doc, below, above = two_layer_document(original, edited)
    with pytest.raises(DocumentError, match="no layer below"):
        layer_from_difference(doc, edited=below)
    doc.reorder(above, doc.root, 0)                          # the edited picture now lies below
    layer, _ = layer_from_difference(doc, edited=above, original=below, box=box)
    assert layer.recipe["original"] == "Photo" and layer.parent is above.parent


# -- the verb ---------------------------------------------------------------------------------------
def run(*args):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def files(edit, tmp_path_factory):
    original, edited, box, a_o, a_s = edit
    folder = tmp_path_factory.mktemp("extract")
    Image.fromarray(original).save(folder / "photo.png")
    Image.fromarray(edited).save(folder / "edited.png")
    return folder


def test_extract_verb_writes_original_and_object_layers(edit, files, tmp_path):
    original, edited, box, a_o, a_s = edit
    out = tmp_path / "out.psd"
    proc = run("extract", files / "photo.png", files / "edited.png", "--box",
               ",".join(map(str, box.as_tuple())), "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "'Extracted'" in proc.stdout
    from editor.model.files import open_document

    doc = open_document(out)
    layers = list(doc.layers())
    assert [layer.name for layer in layers] == ["photo", "Extracted"]
    assert np.array_equal(layers[0].pixels[..., :3], original)
    assert layers[1].recipe["method"] == "extract" and layers[1].recipe["edited"] == "edited"
    alpha = np.zeros(a_o.shape, np.float32)
    l1 = layers[1]
    alpha[l1.y:l1.y + l1.height, l1.x:l1.x + l1.width] = l1.pixels[..., 3] / 255
    assert np.median(alpha[a_o >= 1]) == 1.0


@pytest.mark.parametrize("case, message", [
    ("same", "same"),
    ("size", "same size"),
    ("box", "outside"),
    ("mask", "the mask is 20x20"),
])
def test_extract_verb_bad_input_exits_2_and_writes_nothing(files, tmp_path, case, message):
    args = [files / "photo.png", files / "edited.png"]
    if case == "same":
        args = [files / "photo.png", files / "photo.png"]
    elif case == "size":
        Image.new("RGB", (50, 40)).save(tmp_path / "small.png")
        args = [files / "photo.png", tmp_path / "small.png"]
    elif case == "box":
        args += ["--box", "500,500,20,20"]
    else:
        Image.new("L", (20, 20), 255).save(tmp_path / "mask.png")
        args += ["--mask", tmp_path / "mask.png"]
    out = tmp_path / "out.psd"
    proc = run("extract", *args, "-o", out)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("layered extract:")
    assert not out.exists()


# -- the editor ---------------------------------------------------------------------------------------
def test_layer_menu_new_layer_from_difference(edit, qtbot, tmp_path, monkeypatch):
    from ui_helpers import make_window

    original, edited, box, a_o, a_s = edit
    window = make_window(qtbot, tmp_path, monkeypatch)
    doc, below, above = two_layer_document(original, edited)
    window.add_session(doc, "difference")
    doc.set_active(above)
    doc.set_selection(box)
    steps = len(doc.history.names())
    action = window.actions["layer_from_difference"]
    assert action in window.menus["layer"].actions() and action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy and len(list(doc.layers())) == 3, timeout=60000)
    assert not window.test_errors
    layer = doc.active
    assert layer.name == "Extracted" and layer.recipe["method"] == "extract"
    assert layer.recipe["box"] == list(box.as_tuple()) and not above.visible
    assert len(doc.history.names()) == steps + 1 and doc.history.undo_name() == HISTORY_NAME
    window.actions["undo"].trigger()
    assert [n.name for n in doc.layers()] == ["Photo", "Generative fill"] and above.visible
