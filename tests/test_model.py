"""The document model: every operation, its undo and redo, and the history's rules."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from editor.model import Document, DocumentError, Layer, LockedError
from editor.model.render import composite_document
from engine.box import Box

from reference_compositing import composite_reference, premultiplied


def pixels(rng, h, w):
    return rng.integers(0, 256, (h, w, 4), dtype=np.uint8)


def snapshot(doc: Document):
    """Everything a user could see or save: the tree with properties and pixel bytes."""
    def node_state(node):
        state = (type(node).__name__, node.id, node.name, node.visible, node.opacity,
                 node.blend_mode, node.locked)
        if isinstance(node, Layer):
            return state + (node.x, node.y, node.pixels.shape, node.pixels.tobytes(),
                            copy.deepcopy(node.recipe))
        return state + (node.expanded, tuple(node_state(c) for c in node.children))
    return (doc.size, tuple(node_state(n) for n in doc.root.children), doc.selection)


@pytest.fixture
def doc():
    rng = np.random.default_rng(0)
    d = Document(40, 30)
    d.add_image(pixels(rng, 30, 40), "Background", 0, 0)
    d.add_image(pixels(rng, 10, 12), "A", 5, 6)
    d.add_image(pixels(rng, 8, 8), "B", -3, 25)
    d.history.mark_clean()
    return d


def check_undo_redo(doc: Document, operation):
    """Runs `operation` as one step; undo restores the exact state, redo the changed one."""
    before = snapshot(doc)
    index = doc.history.index
    was_modified = doc.modified
    result = operation()
    after = snapshot(doc)
    assert after != before, "the operation changed nothing"
    assert doc.history.index == doc.history.count == index + 1 and doc.modified
    assert doc.history.undo()
    assert snapshot(doc) == before and doc.modified == was_modified
    assert doc.history.redo()
    assert snapshot(doc) == after
    return result


def test_every_operation_undoes_and_redoes_exactly(doc):
    rng = np.random.default_rng(1)
    a = doc.find_by_name("A")
    b = doc.find_by_name("B")
    background = doc.find_by_name("Background")
    check_undo_redo(doc, lambda: doc.new_layer("Empty"))
    check_undo_redo(doc, lambda: doc.add_image(pixels(rng, 4, 5), "img", recipe={"seed": 1}))
    check_undo_redo(doc, lambda: doc.duplicate(a))
    check_undo_redo(doc, lambda: doc.rename(a, "Renamed"))
    check_undo_redo(doc, lambda: doc.set_visible(b, False))
    check_undo_redo(doc, lambda: doc.set_opacity(a, 77))
    check_undo_redo(doc, lambda: doc.set_blend_mode(a, "soft_light"))
    check_undo_redo(doc, lambda: doc.set_recipe(a, {"method": "bfs", "prompt": "cat"}))
    check_undo_redo(doc, lambda: doc.translate(a, -50, 7))
    check_undo_redo(doc, lambda: doc.set_pixels(a, pixels(rng, 3, 3), 1, 1))
    check_undo_redo(doc, lambda: doc.reorder(a, doc.root, 0))
    check_undo_redo(doc, lambda: doc.raise_node(background, 1))
    check_undo_redo(doc, lambda: doc.merge_down(b))
    check_undo_redo(doc, lambda: doc.flatten())
    doc.history.undo()  # back to the layers
    with pytest.raises(DocumentError):
        doc.group([Layer("not in the document")])
    img = doc.find_by_name("img")
    group = check_undo_redo(doc, lambda: doc.group([a, img], "G"))
    check_undo_redo(doc, lambda: doc.set_blend_mode(group, "multiply"))
    check_undo_redo(doc, lambda: doc.translate(group, 2, 3))
    check_undo_redo(doc, lambda: doc.ungroup(group))
    check_undo_redo(doc, lambda: doc.set_selection(Box(1, 2, 10, 10)))
    check_undo_redo(doc, lambda: doc.set_locked(a, True))
    check_undo_redo(doc, lambda: doc.delete(img))
    transparent = np.zeros((20, 20, 4), np.uint8)
    transparent[5:8, 6:9] = 200
    layer = doc.add_image(transparent, "trim", 0, 0)
    check_undo_redo(doc, lambda: doc.crop_layer_to_content(layer))
    assert (layer.x, layer.y, layer.width, layer.height) == (6, 5, 3, 3)



def test_duplicates_are_named_as_photoshop_names_them():
    doc = Document(20, 20)
    cat = doc.new_layer("cat")
    names = []
    for source in (cat, cat, None, None):
        # a copy of the original, another, then copies of the newest copy
        node = doc.duplicate(source if source is not None else doc.find_by_name(names[-1]))
        names.append(node.name)
    assert names == ["cat copy", "cat copy 2", "cat copy 3", "cat copy 4"]
    doc.history.undo()
    assert doc.duplicate(doc.find_by_name("cat copy 2")).name == "cat copy 4"


def test_brush_strokes_are_tile_based_and_undo_exactly(doc):
    a = doc.find_by_name("A")
    original = a.pixels.copy()

    def stroke():
        edit = doc.begin_pixel_edit(a, "Brush", cover=Box(4, 5, 20, 4))  # reaches outside A
        for x in range(0, 18, 3):
            edit.apply(doc, Box(x, 0, 4, 3), lambda view: view.__setitem__(..., 255))
        doc.end_pixel_edit(edit)

    check_undo_redo(doc, stroke)
    assert a.bounds() == Box(4, 5, 20, 11) and doc.history.undo_name() == "Brush"
    doc.history.undo()
    np.testing.assert_array_equal(a.pixels, original)
    assert a.bounds() == Box(5, 6, 12, 10)
    # A stroke that paints nothing records nothing (and the growth is taken back).
    count = doc.history.count
    edit = doc.begin_pixel_edit(a, cover=Box(-10, -10, 5, 5))
    doc.end_pixel_edit(edit)
    assert a.bounds() == Box(5, 6, 12, 10) and doc.history.count == count
    # Stored undo data is the touched tiles only, not the layer.
    big = doc.add_image(np.zeros((512, 512, 4), np.uint8), "big", 0, 0)
    edit = doc.begin_pixel_edit(big, cover=big.bounds())
    edit.apply(doc, Box(10, 10, 5, 5), lambda view: view.__setitem__(..., 9))
    doc.end_pixel_edit(edit)
    assert edit.nbytes() == 64 * 64 * 4


def test_merge_keys_fold_drags_and_slider_moves_into_one_step(doc):
    a = doc.find_by_name("A")
    start = (a.x, a.y)
    count = doc.history.count
    for _ in range(10):
        doc.translate(a, 1, 2, merge_key="drag-1")
    assert doc.history.count == count + 1 and (a.x, a.y) == (start[0] + 10, start[1] + 20)
    for value in range(200, 100, -10):
        doc.set_opacity(a, value, merge_key="slider")
    assert doc.history.count == count + 2 and a.opacity == 110
    doc.history.undo()
    assert a.opacity == 255
    doc.history.undo()
    assert (a.x, a.y) == start
    # A new drag after undo starts a new step even with the same key.
    doc.history.redo()
    doc.translate(a, 1, 0, merge_key="drag-1")
    assert doc.history.count == count + 2  # redo tail (the opacity) was replaced
    doc.translate(a, 1, 0, merge_key="drag-1")
    assert doc.history.count == count + 2
    # Never merged across a save point.
    doc.history.mark_clean()
    doc.translate(a, 1, 0, merge_key="drag-1")
    assert doc.history.count == count + 3 and doc.modified
    doc.history.undo()
    assert not doc.modified


def test_macro_is_one_step_and_a_failing_macro_changes_nothing(doc):
    a, b = doc.find_by_name("A"), doc.find_by_name("B")
    before = snapshot(doc)
    with doc.history.macro("Arrange"):
        doc.translate(a, 3, 3)
        doc.set_opacity(b, 10)
        doc.rename(a, "moved")
    assert doc.history.undo_name() == "Arrange"
    doc.history.undo()
    assert snapshot(doc) == before
    count = doc.history.count
    with pytest.raises(DocumentError):
        with doc.history.macro("Broken"):
            doc.translate(a, 5, 5)
            doc.rename(a, "   ")  # refused: empty name
    assert snapshot(doc) == before and doc.history.count == count


def test_history_is_bounded_by_steps_and_bytes():
    doc = Document(10, 10, max_history_steps=5, max_history_bytes=10_000)
    layer = doc.new_layer("x")
    for i in range(12):
        doc.rename(layer, f"name {i}")
    assert doc.history.count == 5
    assert doc.history.names()[-1] == "Rename Layer"
    while doc.history.undo():
        pass
    assert layer.name == "name 6"  # only the last five renames can be undone
    # Bytes: each SetPixels keeps the previous 40x40 RGBA array (6400 bytes).
    doc2 = Document(10, 10, max_history_steps=100, max_history_bytes=10_000)
    target = doc2.new_layer("p")
    for i in range(6):
        doc2.set_pixels(target, np.full((40, 40, 4), i, np.uint8))
    # Two such steps would exceed the bound: only the newest is kept.
    assert doc2.history.count == 1 and doc2.history.nbytes() == 6400
    assert doc2.history.undo() and not doc2.history.undo()
    assert (target.pixels == 4).all()  # the oldest pixel steps were dropped


def test_clean_flag_follows_save_points_and_signals(doc):
    flips = []
    doc.history.clean_changed.connect(flips.append)
    a = doc.find_by_name("A")
    doc.rename(a, "x")
    doc.rename(a, "y")
    assert flips == [False]
    doc.history.undo()
    doc.history.undo()
    assert flips == [False, True] and not doc.modified
    doc.history.redo()
    doc.history.mark_clean()
    doc.history.undo()
    assert doc.modified
    doc.rename(a, "z")  # the save point is now unreachable
    assert doc.modified
    while doc.history.undo():
        pass
    assert doc.modified


def test_locked_layers_refuse_pixel_changes_and_moves(doc):
    a = doc.find_by_name("A")
    doc.set_locked(a, True)
    count = doc.history.count
    before = snapshot(doc)
    for change in (lambda: doc.translate(a, 1, 1), lambda: doc.set_pixels(a, np.zeros((1, 1, 4), np.uint8)),
                   lambda: doc.begin_pixel_edit(a)):
        with pytest.raises(LockedError, match="'A' is locked"):
            change()
    group = doc.group([a], "G")
    doc.set_locked(a, False)
    doc.set_locked(group, True)  # a locked group locks what is inside it
    with pytest.raises(LockedError):
        doc.translate(a, 1, 0)
    with pytest.raises(LockedError):
        doc.translate(group, 1, 0)
    assert doc.history.count == count + 3
    doc.history.undo()
    doc.history.undo()
    doc.history.undo()
    assert snapshot(doc) == before


def test_merge_down_bakes_blend_mode_and_opacity(doc):
    a, b = doc.find_by_name("A"), doc.find_by_name("B")
    doc.set_blend_mode(b, "multiply")
    doc.set_opacity(b, 128)
    doc.reorder(b, doc.root, 2)  # B directly above A
    expected = composite_reference([Layer("a", a.pixels, a.x, a.y), b], -3, 6, 20, 27)
    merged = doc.merge_down(b)
    assert merged is a and doc.find_by_name("B") is None and doc.active is a
    assert a.bounds() == Box(-3, 6, 20, 27)
    assert np.abs(premultiplied(a.pixels) - expected).max() <= 2 / 255
    with pytest.raises(DocumentError):
        doc.merge_down(doc.find_by_name("Background"))  # nothing below


def test_flatten_keeps_what_the_canvas_shows(doc):
    """Flatten Image gives Photoshop's Background: what the canvas shows, over white where
    it is transparent (a Background has no transparency)."""
    from editor.model.images import flatten_on_white

    shown = composite_document(doc)
    assert shown[..., 3].min() < 255  # (the case: some of the picture is see-through)
    layer = doc.flatten()
    assert list(doc.layers()) == [layer] and layer.bounds() == doc.canvas
    assert layer.is_background and layer.name == "Background"
    np.testing.assert_array_equal(layer.pixels[..., :3], flatten_on_white(shown))
    assert (layer.pixels[..., 3] == 255).all()


def test_group_and_ungroup_keep_order_and_pixels(doc):
    a, b = doc.find_by_name("A"), doc.find_by_name("B")
    shown = composite_document(doc)
    group = doc.group([b, a])
    assert group.children == [a, b] and group.parent is doc.root and doc.active is group
    np.testing.assert_array_equal(composite_document(doc), shown)
    nested = doc.group([group], "Outer")
    assert group.parent is nested and group.group_path() == ["Outer"]
    with pytest.raises(DocumentError):
        doc.reorder(nested, group, 0)  # into itself
    doc.ungroup(nested)
    doc.ungroup(group)
    assert [n.name for n in doc.root.children] == ["Background", "A", "B"]
    np.testing.assert_array_equal(composite_document(doc), shown)


def test_reorder_within_and_between_groups(doc):
    a, b = doc.find_by_name("A"), doc.find_by_name("B")
    background = doc.find_by_name("Background")
    group = doc.group([a, b], "G")
    doc.reorder(b, group, 0)
    assert group.children == [b, a]
    doc.raise_node(b)
    assert group.children == [a, b]
    doc.reorder(a, doc.root, 0)
    assert doc.root.children == [a, background, group] and group.children == [b]
    doc.reorder(background, group, 99)  # clamped to the end
    assert group.children == [b, background]


def test_selection_is_clipped_to_the_canvas_and_undoable(doc):
    seen = []
    doc.selection_changed.connect(seen.append)
    doc.set_selection(Box(-5, -5, 20, 20))
    assert doc.selection == Box(0, 0, 15, 15)
    doc.set_selection(Box(100, 100, 5, 5))  # entirely outside: deselect
    assert doc.selection is None
    doc.history.undo()
    assert doc.selection == Box(0, 0, 15, 15) and seen[-1] == Box(0, 0, 15, 15)


def test_signals_report_changed_regions(doc):
    regions = []
    doc.region_changed.connect(lambda box, layer: regions.append((box, layer)))
    a = doc.find_by_name("A")
    doc.translate(a, 3, 0)
    assert regions[-1] == (Box(5, 6, 15, 10), a)
    doc.set_visible(a, False)
    assert regions[-1] == (Box(8, 6, 12, 10), a)
    structure = []
    doc.structure_changed.connect(lambda: structure.append(1))
    doc.delete(a)
    assert structure and doc.active is not a


def test_bad_arguments_are_refused_with_messages(doc):
    a = doc.find_by_name("A")
    with pytest.raises(DocumentError, match="blend mode"):
        doc.set_blend_mode(a, "pass_through")  # only groups pass through
    with pytest.raises(DocumentError):
        Document(0, 10)
    with pytest.raises(ValueError):
        doc.add_image(np.zeros((4, 4, 3), np.uint8), "rgb")
    other = Layer("stranger")
    with pytest.raises(DocumentError):
        doc.delete(other)
    doc.set_opacity(a, 999)
    assert a.opacity == 255 and doc.history.count == 3  # clamped: no change, no step
