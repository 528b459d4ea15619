"""Applying a decomposition to a document: two layers in one undo step, recipes, peel again."""
import numpy as np
import pytest

from _decompose_scenes import scene
from editor.model import Document, LockedError
from editor.model.decompose_apply import apply_decomposition, decompose_layer, request_for_layer
from editor.model.render import composite_document
from engine.box import Box
from engine.methods.decompose import decompose


def one_layer_doc(image, x=0, y=0, size=None):
    h, w = image.shape[:2]
    doc = Document(*(size or (w, h)))
    rgba = np.dstack([image, np.full((h, w), 255, np.uint8)])
    layer = doc.add_image(rgba, "Photo", x, y)
    doc.history.clear()
    return doc, layer


@pytest.fixture(scope="module")
def ball():
    return scene(144, shadow=0.5)


def test_layer_becomes_background_and_object_in_one_undo_step(ball):
    image, box, truth = ball
    doc, layer = one_layer_doc(image)
    before = composite_document(doc)
    background, foreground, result = decompose_layer(doc, layer, box)

    assert [n.name for n in doc.root.children] == ["Photo", "Object"]
    assert doc.root.children == [background, foreground]
    assert doc.active is foreground and doc.history.count == 1
    assert doc.history.undo_name() == "Decompose"
    after = composite_document(doc)
    err = np.abs(after[..., :3].astype(int) - before[..., :3])
    assert err.mean() < 1 and np.percentile(err, 99) < 3

    doc.history.undo()
    assert doc.root.children == [layer]
    assert np.array_equal(composite_document(doc), before)
    assert np.array_equal(layer.pixels[..., :3], image)
    doc.history.redo()
    assert doc.root.children == [background, foreground]


def test_layers_carry_recipes(ball):
    image, box, truth = ball
    doc, layer = one_layer_doc(image)
    background, foreground, result = decompose_layer(doc, layer, box)
    for made, role in ((background, "background"), (foreground, "foreground")):
        recipe = made.recipe
        assert recipe["method"] == "decompose" and recipe["role"] == role
        assert recipe["box"] == list(box.as_tuple())
        assert recipe["steps"]["mask"] == "grabcut" and recipe["steps"]["hfa"] == "residual_split"
        assert recipe["timings"]["total"] > 0 and recipe["source"] == "Photo"
    assert foreground.recipe["figures"]["recomposition_error_mean"] < 1


def test_offset_layer_and_canvas_box(ball):
    image, box, truth = ball
    doc, layer = one_layer_doc(image, x=30, y=-10, size=(200, 160))
    before = composite_document(doc)
    background, foreground, _ = decompose_layer(doc, layer, box.translate(30, -10))
    assert (background.x, background.y) == (30, -10)
    ys, xs = np.nonzero(truth["alpha"] > 0.5)
    # The object sits where it was on the canvas.
    assert foreground.x <= xs.min() + 30 and foreground.x + foreground.width >= xs.max() + 30
    assert foreground.recipe["box"] == list(box.translate(30, -10).as_tuple())
    err = np.abs(composite_document(doc)[..., :3].astype(int) - before[..., :3])
    assert err.mean() < 1


def test_peel_again_gives_a_third_layer(ball):
    image, box, truth = ball
    image = image.copy()
    image[100:130, 10:40] = (200, 40, 40)     # a second object: a red block
    doc, layer = one_layer_doc(image)
    before = composite_document(doc)
    background, first, _ = decompose_layer(doc, layer, box)
    background2, second, _ = decompose_layer(doc, background, Box(4, 94, 42, 42))
    assert [n.name for n in doc.root.children] == ["Photo", "Object 2", "Object"]
    assert doc.root.children == [background2, second, first]
    assert background2.recipe["source_recipe"]["role"] == "background"
    assert second.recipe["box"] == [4, 94, 42, 42]
    assert np.abs(second.pixels[..., 3].astype(int)).sum() > 0.8 * 30 * 30 * 255
    err = np.abs(composite_document(doc)[..., :3].astype(int) - before[..., :3])
    assert err.mean() < 1 and np.percentile(err, 99) < 3
    doc.history.undo()
    assert doc.root.children == [background, first]


def test_translucent_or_blended_layer_becomes_a_group_that_looks_the_same(ball):
    image, box, truth = ball
    doc = Document(144, 144)
    doc.add_image(np.full((144, 144, 4), (30, 90, 160, 255), np.uint8), "Paper", 0, 0)
    layer = doc.add_image(np.dstack([image, np.full((144, 144), 255, np.uint8)]), "Photo", 0, 0)
    doc.set_opacity(layer, 150)
    doc.set_blend_mode(layer, "multiply")
    before = composite_document(doc)
    background, foreground, _ = decompose_layer(doc, layer, box)
    group = background.parent
    assert group is foreground.parent and group.name == "Photo"
    assert (group.opacity, group.blend_mode) == (150, "multiply")
    err = np.abs(composite_document(doc)[..., :3].astype(int) - before[..., :3])
    assert err.mean() < 1 and err.max() <= 4


def test_locked_layer_is_left_alone(ball):
    image, box, truth = ball
    doc, layer = one_layer_doc(image)
    doc.set_locked(layer, True)
    result = decompose(request_for_layer(layer, box))
    count = doc.history.count
    with pytest.raises(LockedError):
        apply_decomposition(doc, layer, result)
    assert doc.root.children == [layer] and doc.history.count == count


def test_brush_mask_in_canvas_coordinates(ball):
    image, box, truth = ball
    doc, layer = one_layer_doc(image, x=20, y=0, size=(180, 144))
    mask = np.zeros((144, 180), bool)
    mask[:, 20:164] = truth["alpha"] > 0.3
    request = request_for_layer(layer, None, mask)
    assert request.mask.shape == (144, 144) and np.array_equal(request.mask, truth["alpha"] > 0.3)
    background, foreground, _ = decompose_layer(doc, layer, None, mask)
    assert foreground.recipe["brush_mask"] is True


def test_the_parts_of_a_shown_object_keep_every_pixel_the_user_saw():
    """Decompose into Layers splits a corrected proposal by its separate parts: a speck
    too small to be an object joins the nearest part instead of being dropped."""
    from editor.model.decompose_apply import parts_of_mask

    mask = np.zeros((64, 96), bool)
    mask[8:40, 6:30] = True          # a large part
    mask[20:44, 60:80] = True        # a second one
    mask[10:12, 34:36] = True        # a speck nearer the first
    parts = parts_of_mask(mask)
    assert len(parts) == 2 and np.array_equal(parts[0] | parts[1], mask)
    assert not (parts[0] & parts[1]).any() and parts[0][10, 34] and parts[0].sum() > parts[1].sum()
    assert parts_of_mask(np.zeros((8, 8), bool)) == []


def test_a_background_split_keeps_its_filled_background_as_the_background(ball):
    from editor.model import commands as cmds
    from editor.model.background_layer import background_of, make_background

    image, box, truth = ball
    h, w = image.shape[:2]
    doc = Document(w, h)
    photo = make_background(np.dstack([image, np.full((h, w), 255, np.uint8)]))
    doc.history.push(cmds.InsertNode(photo, doc.root, 0))
    doc.history.clear()
    assert background_of(doc) is photo
    background, foreground, result = decompose_layer(doc, photo, box)
    assert doc.root.children == [background, foreground]
    assert background_of(doc) is background and background.name == "Background"
    assert not foreground.is_background
    doc.history.undo()
    assert background_of(doc) is photo
