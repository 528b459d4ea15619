"""History snapshots in the model (editor/model/snapshots.py): what a snapshot keeps never
changes, whatever edits the document in place afterwards (pixels, a layer mask, the Quick
Mask), and restoring one brings back the canvas size, the selection and the layers. The
snapshot shares the arrays and keeps only the tiles changed since, as they were."""
from __future__ import annotations

import numpy as np

from editor.model import Document, Layer, LayerMask
from editor.model import image_ops, mask_ops
from editor.model.brush_stroke import BrushStroke, pixel_layer
from editor.model.commands import TILE, SetMask
from engine.box import Box


def _doc() -> Document:
    doc = Document(40, 30)
    pixels = np.zeros((30, 40, 4), np.uint8)
    pixels[..., 0] = np.arange(40, dtype=np.uint8)[None, :] * 5
    pixels[..., 3] = 255
    layer = doc.add_image(pixels, "Photo", 0, 0)
    doc.history.push(SetMask(layer, LayerMask(np.full((30, 40), 255, np.uint8))))
    doc.history.clear()
    return doc


def test_in_place_edits_copy_what_a_snapshot_holds_and_it_comes_back():
    doc = _doc()
    (layer,) = doc.layers()
    pixels, mask = layer.pixels.copy(), layer.mask.pixels.copy()
    snap = doc.snapshots.take()
    # Taking it copies no pixels: the arrays are the document's.
    assert snap.state.nodes[0].pixels is layer.pixels
    assert snap.state.nodes[0].mask.pixels is layer.mask.pixels

    edit = doc.begin_pixel_edit(layer, "Brush")
    edit.apply(doc, Box(0, 0, 10, 10), lambda view: view.__setitem__(Ellipsis, 7))
    doc.end_pixel_edit(edit)
    stroke = mask_ops.begin_mask_stroke(doc, layer, "Brush", Box(0, 0, 40, 30))
    stroke.apply(doc, Box(5, 5, 10, 10), lambda view: view.__setitem__(Ellipsis, 0))
    mask_ops.end_mask_stroke(doc, stroke)
    qm = doc.begin_mask_edit()
    qm.apply(doc, Box(0, 0, 8, 8), lambda view: view.__setitem__(Ellipsis, 255))
    doc.end_mask_edit(qm)
    quick = doc.selection_mask.copy()
    second = doc.snapshots.take()
    qm = doc.begin_mask_edit()
    qm.apply(doc, Box(20, 20, 8, 8), lambda view: view.__setitem__(Ellipsis, 255))
    doc.end_mask_edit(qm)
    image_ops.canvas_size(doc, 60, 50)
    assert doc.size == (60, 50)

    kept, state = snap.state.nodes[0], snap.state
    assert np.array_equal(state.as_taken(kept.pixels), pixels)
    assert np.array_equal(state.as_taken(kept.mask.pixels), mask)
    assert np.array_equal(second.state.as_taken(second.state.selection_mask), quick)

    steps = doc.history.count
    doc.snapshots.restore(snap)
    assert doc.history.count == steps + 1 and doc.size == (40, 30)
    assert doc.selection_mask is None
    (back,) = doc.layers()
    assert np.array_equal(back.pixels, pixels) and np.array_equal(back.mask.pixels, mask)
    # The step keeps alive only what the document no longer holds (not the whole document).
    assert doc.history.current().nbytes() <= layer.pixels.nbytes + layer.mask.pixels.nbytes
    doc.history.undo()
    assert doc.size == (60, 50) and doc.root.children == [layer]
    doc.snapshots.restore(second)
    assert np.array_equal(doc.selection_mask, quick)
    # A second restore of the same snapshot in a row adds nothing.
    doc.snapshots.restore(second)
    assert doc.history.count == steps + 1


def test_deleting_the_source_falls_back_to_the_first_snapshot():
    doc = _doc()
    first = doc.snapshots.take("photo.psd", opening=True)
    later = doc.snapshots.take()
    assert later.name == "Snapshot 1" and doc.snapshots.source is first
    doc.snapshots.set_source(later)
    doc.snapshots.delete(later)
    assert doc.snapshots.source is first and doc.snapshots.items == [first]
    assert not doc.snapshots.shares(np.zeros(1))
    assert isinstance(first.state.nodes[0], Layer)


def _stroke(doc: Document, layer: Layer, x: float, y: float) -> None:
    """A short black brush stroke (size 12) centred at canvas (x, y)."""
    edit = doc.begin_pixel_edit(layer, "Brush")
    stroke = BrushStroke(doc, edit, (layer.x, layer.y), 12, 1.0, 1.0,
                         pixel_layer((0, 0, 0), 1.0, False, False))
    stroke.dabs([(x - 2.0, y), (x + 2.0, y)])
    doc.end_pixel_edit(edit)


def test_a_stroke_after_a_snapshot_saves_only_the_tiles_it_touches():
    doc = Document(4 * TILE, 3 * TILE)
    pixels = np.zeros((3 * TILE, 4 * TILE, 4), np.uint8)
    pixels[..., 0] = np.arange(4 * TILE, dtype=np.uint8)[None, :]
    pixels[..., 1] = np.arange(3 * TILE, dtype=np.uint8)[:, None]
    pixels[..., 3] = 255
    layer = doc.add_image(pixels, "Photo", 0, 0)
    doc.history.clear()
    array, taken = layer.pixels, layer.pixels.copy()
    snap = doc.snapshots.take()
    assert doc.snapshots.nbytes() == 0

    _stroke(doc, layer, 30, 30)  # inside tile (0, 0)
    # Painted in place: the layer keeps its array, the snapshot one tile of it.
    assert layer.pixels is array and not np.array_equal(array, taken)
    saved = snap.state.saved[id(array)]
    assert set(saved) == {(0, 0)}
    assert np.array_equal(saved[(0, 0)], taken[:TILE, :TILE])
    assert doc.snapshots.nbytes() == TILE * TILE * 4

    _stroke(doc, layer, 2 * TILE + 30, TILE + 30)  # inside tile (2, 1)
    assert layer.pixels is array and set(saved) == {(0, 0), (2, 1)}
    # Undo and redo write the same tiles: nothing more to save.
    doc.history.undo()
    doc.history.redo()
    assert set(saved) == {(0, 0), (2, 1)}
    painted = array.copy()

    # The History Brush's reading: the region as it was, across a changed tile's edge.
    node = snap.state.nodes[0]
    box = Box(TILE - 8, 0, 16, 40)
    assert np.array_equal(snap.state.canvas_crop(node, box), taken[box.slices()])

    doc.snapshots.restore(snap)
    (back,) = doc.layers()
    assert np.array_equal(back.pixels, taken)
    assert np.array_equal(array, painted)  # the snapshot's array was not written
    doc.history.undo()
    assert doc.root.children == [layer] and np.array_equal(layer.pixels, painted)


def test_two_snapshots_sharing_an_array_each_keep_their_own_state():
    doc = Document(4 * TILE, 3 * TILE)
    layer = doc.add_image(np.full((3 * TILE, 4 * TILE, 4), 200, np.uint8), "Photo", 0, 0)
    doc.history.clear()
    array, first_pixels = layer.pixels, layer.pixels.copy()
    first = doc.snapshots.take()
    _stroke(doc, layer, 30, 30)                 # tile (0, 0)
    second_pixels = array.copy()
    second = doc.snapshots.take()
    _stroke(doc, layer, 30, 30)                 # again: only the second lacks the tile
    _stroke(doc, layer, TILE + 30, 30)          # tile (1, 0): both lack it, one copy
    assert set(first.state.saved[id(array)]) == {(0, 0), (1, 0)}
    assert set(second.state.saved[id(array)]) == {(0, 0), (1, 0)}
    assert first.state.saved[id(array)][(1, 0)] is second.state.saved[id(array)][(1, 0)]
    assert doc.snapshots.nbytes() == 3 * TILE * TILE * 4
    # Undo of the strokes before the second snapshot writes its tiles too.
    doc.history.undo()
    doc.history.undo()
    doc.history.undo()
    assert np.array_equal(array, first_pixels) and layer.pixels is array
    assert np.array_equal(first.state.as_taken(array), first_pixels)
    assert np.array_equal(second.state.as_taken(array), second_pixels)
    doc.snapshots.restore(second)
    assert np.array_equal(next(doc.layers()).pixels, second_pixels)
    doc.snapshots.restore(first)
    assert np.array_equal(next(doc.layers()).pixels, first_pixels)
