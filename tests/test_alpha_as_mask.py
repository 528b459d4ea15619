"""Layers whose alpha is a layer mask: Layer Mask > From Transparency, and the layers that
Generate, Decompose (into Layers), New Layered Image and New Layer from Difference make
when asked (`alpha_as_mask`). The picture must be the same as without the option (within
1/255), the colour layer opaque, the matte a mask that a brush stroke changes and undo
takes back; the `--alpha-as-mask` verbs save the mask into the PSD."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from _decompose_scenes import scene
from editor.model import Document, DocumentError, Layer
from editor.model import mask_ops
from editor.model.decompose_apply import StepChoices, decompose_layer
from editor.model.files import open_document, save_document
from editor.model.generate_apply import GeneratedCandidate, apply_candidate, placement_for
from editor.model.render import composite_document
from engine.box import Box
from test_masks import photo_rgba

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def same_picture(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape
    assert np.abs(a.astype(int) - b.astype(int)).max() <= 1


def soft_object(h: int, w: int) -> np.ndarray:
    """Photo colours with a soft round matte, fully transparent outside."""
    out = photo_rgba(w, h, 2)
    yy, xx = np.mgrid[:h, :w]
    d = np.hypot(yy - h / 2, xx - w / 2)
    out[..., 3] = np.clip((min(h, w) / 2 - d) * 40, 0, 255).astype(np.uint8)
    return out


def photo_doc(w: int = 80, h: int = 60) -> Document:
    doc = Document(w, h)
    bg = Layer("bg", photo_rgba(w, h, 1))
    bg.pixels[..., 3] = 255
    doc.add_layer(bg)
    doc.history.clear()
    return doc


def check_masked(layer: Layer, original: np.ndarray, place: tuple[int, int]) -> None:
    """Opaque colours, the old alpha as the mask, the old colours kept wherever they showed."""
    assert layer.mask is not None and layer.mask.bounds() == layer.bounds()
    assert (layer.pixels[..., 3] == 255).all()
    inner = Box(*place, original.shape[1], original.shape[0]).translate(-layer.x, -layer.y)
    assert np.array_equal(layer.mask.pixels[inner.slices()], original[..., 3])
    shown = original[..., 3] > 0
    assert np.array_equal(layer.pixels[inner.slices()][shown][:, :3], original[shown][:, :3])


# -- the shared function --------------------------------------------------------------------------
def test_alpha_as_mask_keeps_the_picture_and_grows_within_the_canvas():
    pixels = soft_object(30, 40)
    rgba, x, y, mask = mask_ops.alpha_as_mask(pixels, 5, -4, Box(0, 0, 100, 80))
    # Grown by EDGE_ROOM inside the canvas, never cut: the part above the canvas stays.
    assert Box(x, y, rgba.shape[1], rgba.shape[0]) == Box.from_corners(0, -4, 5 + 40 + 32,
                                                                        26 + 32)
    assert mask.bounds() == Box(x, y, rgba.shape[1], rgba.shape[0]) and mask.default == 0
    layer = Layer("o", rgba, x, y)
    layer.mask = mask
    check_masked(layer, pixels, (5, -4))
    # The transparent part takes the object's own colours (not black): a red object's
    # surroundings become red.
    red = soft_object(30, 40)
    red[..., :3] = (200, 30, 20)
    rgba, *_ = mask_ops.alpha_as_mask(red, 5, -4, Box(0, 0, 100, 80))
    assert np.abs(rgba[..., :3].astype(int) - (200, 30, 20)).max() <= 1


def test_from_transparency_is_one_undo_step_with_the_same_picture():
    doc = photo_doc()
    original = soft_object(30, 40)
    layer = doc.add_layer(Layer("top", original, 10, 12, opacity=200, blend_mode="multiply"))
    doc.history.clear()
    before = composite_document(doc)
    mask_ops.mask_from_transparency(doc, layer)
    assert doc.history.count == 1 and doc.history.undo_name() == "Layer Mask from Transparency"
    check_masked(layer, original, (10, 12))
    same_picture(composite_document(doc), before)
    assert doc.mask_targeted
    with pytest.raises(DocumentError, match="already has a layer mask"):
        mask_ops.mask_from_transparency(doc, layer)
    doc.history.undo()
    assert layer.mask is None and np.array_equal(layer.pixels, original)
    assert np.array_equal(composite_document(doc), before)


def test_the_edge_can_be_refined_with_a_stroke_and_undone():
    doc = photo_doc()
    layer = doc.add_layer(Layer("top", soft_object(30, 40), 10, 12))
    mask_ops.mask_from_transparency(doc, layer)
    masked = composite_document(doc)
    # Paint the mask white just outside the old edge: the object's colour shows there.
    cover = Box(8, 24, 6, 6)
    edit = mask_ops.begin_mask_stroke(doc, layer, "Brush", cover)
    local = cover.translate(-layer.mask.x, -layer.mask.y)
    edit.apply(doc, local, lambda view: mask_ops.paint_mask_dab(
        view, np.ones(view.shape, np.float32), 255, 1.0))
    mask_ops.end_mask_stroke(doc, edit)
    painted = composite_document(doc)
    assert not np.array_equal(painted[cover.slices()], masked[cover.slices()])
    assert (layer.mask.pixels[local.slices()] == 255).all()
    doc.history.undo()
    assert np.array_equal(composite_document(doc), masked)


# -- the operations --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ball():
    return scene(112, shadow=0.5)


def ball_doc(image):
    h, w = image.shape[:2]
    doc = Document(w, h)
    layer = doc.add_image(np.dstack([image, np.full((h, w), 255, np.uint8)]), "Photo", 0, 0)
    doc.history.clear()
    return doc, layer


@pytest.mark.parametrize("several", [False, True])
def test_decompose_with_alpha_as_mask_gives_the_same_picture(ball, several):
    image, box, _ = ball
    boxes = None
    if several:  # Decompose into Layers: two balls, one layer each
        from test_decompose_strokes import two_balls

        image, box, boxes = two_balls()[0], Box(15, 26, 62, 62), [Box(80, 66, 64, 64)]
    plain_doc, plain = ball_doc(image)
    _, plain_objects, _ = decompose_layer(plain_doc, plain, box, boxes=boxes, all_objects=True)
    doc, layer = ball_doc(image)
    choices = StepChoices.classical()
    choices.alpha_as_mask = True
    background, objects, _ = decompose_layer(doc, layer, box, choices=choices, boxes=boxes,
                                             all_objects=True)
    assert len(objects) == len(plain_objects) == (2 if several else 1)
    assert background.mask is None
    for obj, ref in zip(objects, plain_objects):
        check_masked(obj, ref.pixels, (ref.x, ref.y))
    same_picture(composite_document(doc), composite_document(plain_doc))
    assert doc.history.count == 1
    doc.history.undo()
    assert doc.root.children == [layer]


def test_generated_layer_with_alpha_as_mask(tmp_path):
    doc = photo_doc()
    pixels = soft_object(24, 30)
    candidate = GeneratedCandidate(3, pixels, 20, 10, {"method": "add_foreground", "prompt": "x"},
                                   np.zeros((4, 4, 3), np.uint8))
    plain = photo_doc()
    apply_candidate(plain, placement_for(plain), candidate)
    layer = apply_candidate(doc, placement_for(doc), candidate, alpha_as_mask=True)
    assert doc.history.count == 1 and doc.history.undo_name() == "Generate Layer"
    check_masked(layer, pixels, (20, 10))
    same_picture(composite_document(doc), composite_document(plain))
    assert layer.recipe["prompt"] == "x"
    # Saved and opened again, the layer keeps its mask.
    save_document(doc, tmp_path / "g.psd")
    reopened = list(open_document(str(tmp_path / "g.psd")).layers())[-1]
    assert np.array_equal(reopened.mask.pixels, layer.mask.pixels)
    assert np.array_equal(reopened.pixels, layer.pixels)


def test_extracted_layer_with_alpha_as_mask():
    from editor.model.extract_apply import document_from_difference
    from test_extract import scene as edit_scene

    original, edited, box, *_ = edit_scene()
    def rgba(rgb):
        return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])

    plain, plain_layer, _ = document_from_difference(rgba(original), rgba(edited), box)
    doc, layer, _ = document_from_difference(rgba(original), rgba(edited), box,
                                             alpha_as_mask=True)
    check_masked(layer, plain_layer.pixels, (plain_layer.x, plain_layer.y))
    same_picture(composite_document(doc), composite_document(plain))


def test_layered_image_with_alpha_as_mask():
    from editor.model.layered_apply import apply as layered_document
    from engine.methods.layered import generate_layered
    from test_layered import classical, scripted

    result = generate_layered(classical(prompt="ball", size=(96, 96)), model=scripted())
    plain = layered_document(result)
    doc = layered_document(result, alpha_as_mask=True)
    background, foreground = doc.layers()
    assert background.mask is None
    ref = list(plain.layers())[1]
    check_masked(foreground, ref.pixels, (ref.x, ref.y))
    same_picture(composite_document(doc), composite_document(plain))
    doc.history.undo()
    assert len(list(doc.layers())) == 1


# -- the command line --------------------------------------------------------------------------------
def run(*args):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_decompose_and_extract_verbs_save_the_mask(ball, tmp_path):
    from psd_tools import PSDImage

    image, box, _ = ball
    src = tmp_path / "ball.png"
    Image.fromarray(image).save(src)
    plain, masked = tmp_path / "plain.psd", tmp_path / "masked.psd"
    for out, extra in ((plain, []), (masked, ["--alpha-as-mask"])):
        proc = run("decompose", src, "--box", ",".join(map(str, box.as_tuple())), "-o", out,
                   *extra)
        assert proc.returncode == 0, proc.stderr
    doc, ref = open_document(str(masked)), open_document(str(plain))
    obj, ref_obj = list(doc.layers())[-1], list(ref.layers())[-1]
    check_masked(obj, ref_obj.pixels, (ref_obj.x, ref_obj.y))
    same_picture(composite_document(doc), composite_document(ref))
    psd_layer = list(PSDImage.open(masked))[-1]
    assert psd_layer.has_mask() and psd_layer.mask.background_color == 0
    assert (psd_layer.mask.left, psd_layer.mask.top) == (obj.mask.x, obj.mask.y)

    from test_extract import scene as edit_scene

    original, edited, ebox, *_ = edit_scene()
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    Image.fromarray(original).save(a)
    Image.fromarray(edited).save(b)
    out = tmp_path / "x.psd"
    proc = run("extract", a, b, "--box", ",".join(map(str, ebox.as_tuple())), "--alpha-as-mask",
               "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert list(open_document(str(out)).layers())[-1].mask is not None


def test_every_layer_making_verb_offers_the_option():
    for verb in ("generate", "decompose", "layered", "extract"):
        proc = run(verb, "--help")
        assert proc.returncode == 0 and "--alpha-as-mask" in proc.stdout, verb


def test_generate_verb_saves_the_mask(tmp_path):
    from psd_tools import PSDImage

    from engine.testing import tiny
    from test_cli_generate import layered

    home = tmp_path / "hf"
    tiny.install_in_hub_cache(tiny.cached_tiny("sd-inpaint"), "tiny-org/tiny-sd", home / "hub")
    picture, out = tmp_path / "in.png", tmp_path / "out.psd"
    Image.fromarray(np.ascontiguousarray(photo_rgba(96, 80, 1)[..., :3])).save(picture)
    run = layered("generate", str(picture), "--box", "30,20,30,40", "--prompt", "a ball",
                  "--model", "tiny-org/tiny-sd", "--steps", "2", "--seed", "5",
                  "--resolution", "64", "--alpha-as-mask", "-o", str(out),
                  env={"HF_HOME": str(home), "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    layer = list(open_document(str(out)).layers())[-1]
    assert layer.mask is not None and layer.mask.default == 0
    assert (layer.pixels[..., 3] == 255).all() and (layer.mask.pixels < 255).any()
    assert list(PSDImage.open(out))[-1].has_mask()
