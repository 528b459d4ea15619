"""Vector masks (a PSD layer's path) in the editor's interface: their thumbnail in the
Layers panel (grey, the path's area white; a red cross when disabled), Shift+click on it,
Layer > Vector Mask (Delete, Disable/Enable, Rasterize), density and feather in
Properties, each one undo step, and the disabled flag through a save and reopen."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from editor.model import Layer, mask_ops
from editor.model.document import Document
from editor.model.errors import DocumentError
from editor.model.files import open_document
from editor.model.layers import LayerMask
from editor.model.render import composite_document
from editor.model.vector_mask import Subpath, VectorMask
from engine.box import Box

from test_psd_vector_masks import vector_mask_psd
from ui_helpers import make_window

W, H = 64, 48  # vector_mask_psd's canvas


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    """The window with vector_mask_psd opened through File > Open: Paper (no mask), Disc
    (a disc path with a hole), Both (layer mask and a rectangular path), Off (a disabled
    path)."""
    window = make_window(qtbot, tmp_path, monkeypatch)
    source = str(tmp_path / "vector.psd")
    vector_mask_psd(source)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [source])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    window.layers_panel.list.rebuild()
    return window


def layer(window, name: str) -> Layer:
    return next(n for n in window.doc.layers() if n.name == name)


def shown(window) -> np.ndarray:
    return composite_document(window.doc).astype(np.int32)


def click_vector_thumb(qtbot, window, node, modifiers=Qt.KeyboardModifier.NoModifier):
    rect = window.layers_panel.list.mask_thumb_rect(node, "vector")
    assert not rect.isEmpty()
    qtbot.mouseClick(window.layers_panel.list, Qt.MouseButton.LeftButton, modifiers, rect.center())


def test_the_vector_mask_thumbnail_is_shown_iff_there_is_a_path(opened, qtbot):
    w = opened
    panel = w.layers_panel.list
    paper, disc, both, off = (layer(w, n) for n in ("Paper", "Disc", "Both", "Off"))
    assert panel.mask_thumb_rect(paper, "vector").isEmpty()
    assert panel.mask_thumb_rect(paper, "mask").isEmpty()
    assert not panel.mask_thumb_rect(disc, "vector").isEmpty()
    assert panel.mask_thumb_rect(disc, "mask").isEmpty()
    # Beside a layer mask: to its right; alone: where the layer mask's would be.
    mask_rect, vector_rect = panel.mask_thumb_rect(both, "mask"), panel.mask_thumb_rect(both, "vector")
    assert vector_rect.left() > mask_rect.right()
    assert panel.mask_thumb_rect(disc, "vector").left() == mask_rect.left()
    # The name moves right of the last thumbnail.
    i = panel.row_of(both)
    assert panel.name_rect(both, 0, i).left() > vector_rect.right()
    # The thumbnail: grey outside the path, white inside it (the disc, not its hole), the
    # canvas's shape; made once.
    thumb = panel.vector_thumbnail(disc)
    assert panel.vector_thumbnail(disc) is thumb
    image = thumb.toImage()
    s = image.width() / W
    assert image.height() == round(H * s)
    grey = lambda x, y: QColorValue(image.pixel(int(x * s), int(y * s)))  # noqa: E731
    assert grey(2, 2) == 128 and grey(60, 45) == 128       # outside the disc
    assert grey(30.3, 12) == 255 and grey(20, 22.6) == 255  # in the disc
    assert grey(30.5, 23) == 128                            # its rectangular hole
    # Moved with its layer, the path's thumbnail follows (filled again at its new place).
    w.doc.translate(disc, 16, 0)
    moved = panel.vector_thumbnail(disc).toImage()
    assert grey(24, 23) == 255 and grey(55, 23) == 128   # before: in the disc; outside
    moved_grey = lambda x, y: QColorValue(moved.pixel(int(x * s), int(y * s)))  # noqa: E731
    assert moved_grey(24, 23) == 128 and moved_grey(55, 23) == 255
    assert moved_grey(46.5, 23) == 128  # the hole, moved
    w.actions["undo"].trigger()
    assert panel.vector_thumbnail(disc).toImage() == image
    # Painted: the disabled path (Off) has the red cross, the enabled (Disc) none.
    picture = panel.grab().toImage()
    dpr = picture.devicePixelRatio()

    def reddish(node) -> bool:
        r = panel.mask_thumb_rect(node, "vector")
        colours = [picture.pixelColor(int((r.left() + k) * dpr), int((r.top() + k) * dpr))
                   for k in range(4, r.width() - 4)]
        return any(c.red() > 180 and c.green() < 100 for c in colours)

    assert reddish(off) and not reddish(disc)
    # Deleted: no thumbnail (and the name takes its place back).
    w.doc.set_active(disc)
    w.actions["vector_mask_delete"].trigger()
    assert disc.vector_mask is None and panel.mask_thumb_rect(disc, "vector").isEmpty()


def QColorValue(rgb: int) -> int:
    """The grey level of a QImage.pixel value (its red)."""
    return (rgb >> 16) & 0xFF


def test_shift_click_on_the_thumbnail_disables_and_enables_the_path(opened, qtbot):
    w = opened
    disc, off = layer(w, "Disc"), layer(w, "Off")
    before = shown(w)
    steps = w.doc.history.count
    thumb = w.layers_panel.list.vector_thumbnail(disc)
    click_vector_thumb(qtbot, w, disc, Qt.KeyboardModifier.ShiftModifier)
    assert not disc.vector_mask.enabled and w.doc.history.count == steps + 1
    assert w.layers_panel.list.vector_thumbnail(disc) is thumb  # the same picture, kept
    after = shown(w)
    # Outside the disc the blue layer now shows; inside it nothing changed.
    assert (after[2, 2] != before[2, 2]).any() and after[2, 2, 2] > 200
    np.testing.assert_array_equal(after[12, 30], before[12, 30])
    w.actions["undo"].trigger()
    assert disc.vector_mask.enabled
    np.testing.assert_array_equal(shown(w), before)
    # The disabled one is enabled the same way: its small square path now hides the rest
    # of the red layer.
    assert (before[45, 58, :3] == (250, 0, 0)).all()
    click_vector_thumb(qtbot, w, off, Qt.KeyboardModifier.ShiftModifier)
    assert off.vector_mask.enabled
    assert not (shown(w)[45, 58, :3] == (250, 0, 0)).all()
    # A plain click makes its layer active, on its pixels.
    w.doc.set_mask_targeted(True)
    click_vector_thumb(qtbot, w, disc)
    assert w.doc.active is disc and not w.doc.mask_targeted
    # Ctrl+click: the path's area becomes the selection.
    click_vector_thumb(qtbot, w, layer(w, "Both"), Qt.KeyboardModifier.ControlModifier)
    assert w.doc.selection == Box(8, 8, 32, 16)


def test_vector_mask_menu_delete_disable_and_undo(opened, qtbot):
    w = opened
    doc = w.doc
    paper, disc = layer(w, "Paper"), layer(w, "Disc")
    names = [a.objectName() for a in w.menus["vector_mask"].actions()]
    assert names == ["vector_mask_reveal_all", "vector_mask_hide_all",
                     "vector_mask_current_path", "", "vector_mask_delete", "vector_mask_disable", "", "vector_mask_rasterize",
                     "", "vector_mask_selection_add", "vector_mask_selection_subtract",
                     "vector_mask_selection_intersect"]
    assert w.menus["vector_mask"].menuAction() in w.menus["layer"].actions()
    doc.set_active(paper)
    w._refresh_state()
    assert not any(w.actions[n].isEnabled() for n in
                   ("vector_mask_delete", "vector_mask_disable", "vector_mask_rasterize"))
    doc.set_active(disc)
    w._refresh_state()
    assert all(w.actions[n].isEnabled() for n in
               ("vector_mask_delete", "vector_mask_disable", "vector_mask_rasterize"))
    before = shown(w)
    # Disable / Enable: the item's text follows.
    assert w.actions["vector_mask_disable"].text().replace("&", "") == "Disable Vector Mask"
    w.actions["vector_mask_disable"].trigger()
    assert not disc.vector_mask.enabled and (shown(w) != before).any()
    assert w.actions["vector_mask_disable"].text().replace("&", "") == "Enable Vector Mask"
    assert not w.actions["vector_mask_rasterize"].isEnabled()  # a hidden path: not baked
    w.actions["vector_mask_disable"].trigger()
    assert disc.vector_mask.enabled
    np.testing.assert_array_equal(shown(w), before)
    # Delete, one undo step; undo brings back the same picture.
    steps = doc.history.count
    w.actions["vector_mask_delete"].trigger()
    assert disc.vector_mask is None and doc.history.count == steps + 1
    assert (shown(w) != before).any()
    assert not w.actions["vector_mask_delete"].isEnabled()
    w.actions["undo"].trigger()
    assert disc.vector_mask is not None
    np.testing.assert_array_equal(shown(w), before)


@pytest.mark.parametrize("name", ["Disc", "Both"])
def test_rasterize_keeps_the_picture_and_removes_the_path(opened, qtbot, name):
    w = opened
    doc = w.doc
    node = layer(w, name)
    had_mask = node.mask is not None
    box = node.bounds()
    old = node.mask.coverage(box) if had_mask else np.full((box.h, box.w), 255, np.uint8)
    doc.set_active(node)
    w._refresh_state()
    before = shown(w)
    steps = doc.history.count
    w.actions["vector_mask_rasterize"].trigger()
    assert not w.test_errors
    assert node.vector_mask is None and node.mask is not None and node.mask.enabled
    assert doc.history.count == steps + 1
    after = shown(w)
    assert np.abs(after - before).max() <= 1
    # The path is in the new mask (it hides more than the old mask did).
    assert (node.mask.coverage(box) < old.astype(np.int32) - 100).any()
    w.actions["undo"].trigger()
    assert node.vector_mask is not None and (node.mask is not None) == had_mask
    np.testing.assert_array_equal(shown(w), before)


def test_properties_show_and_change_the_paths_density_and_feather(opened, qtbot):
    w = opened
    disc = layer(w, "Disc")
    w.doc.set_active(disc)
    density = w.findChild(QSpinBox, "PropVectorDensity")
    feather = w.findChild(QDoubleSpinBox, "PropVectorFeather")
    qtbot.waitUntil(lambda: density.isVisibleTo(density.window()), timeout=3000)
    assert not w.findChild(QSpinBox, "PropMaskDensity").isVisibleTo(density.window())
    assert density.value() == 100 and feather.value() == 0.0
    before = shown(w)
    steps = w.doc.history.count
    density.setValue(50)
    assert disc.vector_mask.density == 128 and w.doc.history.count == steps + 1
    # Half hidden outside the disc: the paper and the blue mixed.
    assert 60 < shown(w)[2, 2, 2] < 240
    feather.setValue(2.0)
    assert disc.vector_mask.feather == 2.0
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert disc.vector_mask.density == 255 and disc.vector_mask.feather == 0.0
    np.testing.assert_array_equal(shown(w), before)
    # A node with no path: the section is hidden.
    w.doc.set_active(layer(w, "Paper"))
    qtbot.waitUntil(lambda: not density.isVisibleTo(density.window()), timeout=3000)


def test_a_disabled_path_stays_disabled_through_save_and_reopen(opened, qtbot, monkeypatch,
                                                                tmp_path):
    w = opened
    disc = layer(w, "Disc")
    click_vector_thumb(qtbot, w, disc, Qt.KeyboardModifier.ShiftModifier)
    assert not disc.vector_mask.enabled
    before = shown(w)
    target = str(tmp_path / "saved.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: target)
    w.actions["save_as"].trigger()
    assert not w.test_errors
    again = open_document(target)
    paths = {n.name: n.vector_mask for n in again.layers()}
    assert not paths["Disc"].enabled and not paths["Off"].enabled and paths["Both"].enabled
    np.testing.assert_array_equal(composite_document(again).astype(np.int32), before)
    # Psd-tools reads the flag too (bit 2 of the path's flags: disabled).
    from psd_tools import PSDImage

    flags = {layer.name: layer.vector_mask.disabled for layer in PSDImage.open(target)
             if layer.has_vector_mask()}
    assert flags == {"Disc": True, "Both": False, "Off": True}


# -- the operations, without the window ------------------------------------------------------
def square_path(box: Box, canvas: Box) -> VectorMask:
    corners = [(box.x, box.y), (box.x + box.w, box.y), (box.x + box.w, box.y + box.h),
               (box.x, box.y + box.h)]
    knots = np.array([[c, c, c] for c in corners], np.float64)
    return VectorMask([Subpath(knots, True, 1)], canvas)


def test_rasterize_multiplies_feathered_and_dense_masks_exactly():
    doc = Document(40, 30)
    rng = np.random.default_rng(3)
    top = doc.add_layer(Layer("top", rng.integers(0, 256, (30, 40, 4), dtype=np.uint8)))
    values = np.full((30, 40), 255, np.uint8)
    values[:, 25:] = 40
    top.mask = LayerMask(values, 0, 0, density=200, feather=1.5)
    path = square_path(Box(5, 4, 22, 19), doc.canvas).with_flags(density=180, feather=1.0)
    top.vector_mask = path
    before = composite_document(doc).astype(np.int32)
    mask_ops.rasterize_vector_mask(doc, top)
    assert top.vector_mask is None and top.mask.density == 255 and top.mask.feather == 0
    assert np.abs(composite_document(doc).astype(np.int32) - before).max() <= 1
    doc.history.undo()
    assert top.vector_mask is path and top.mask.feather == 1.5
    # A disabled layer mask or path is not baked in: a readable refusal, nothing changed.
    mask_ops.set_mask_enabled(doc, top, False)
    with pytest.raises(DocumentError, match="layer mask .* is disabled"):
        mask_ops.rasterize_vector_mask(doc, top)
    assert top.vector_mask is path
    with pytest.raises(DocumentError, match="no vector mask"):
        mask_ops.delete_vector_mask(doc, doc.add_layer(Layer("plain")))

