"""History snapshots in the model (editor/model/snapshots.py): what a snapshot keeps never
changes, whatever edits the document in place afterwards (pixels, a layer mask, the Quick
Mask), and restoring one brings back the canvas size, the selection and the layers."""
from __future__ import annotations

import numpy as np

from editor.model import Document, Layer, LayerMask
from editor.model import image_ops, mask_ops
from editor.model.commands import SetMask
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

    kept = snap.state.nodes[0]
    assert np.array_equal(kept.pixels, pixels) and np.array_equal(kept.mask.pixels, mask)
    assert np.array_equal(second.state.selection_mask, quick)

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
