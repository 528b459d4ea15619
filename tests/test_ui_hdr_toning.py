"""Image > Adjustments > HDR Toning… driven through the window: the reduced preview follows
the presets and rows, OK gives the previewed pixels in one undo step, Cancel and Esc leave
nothing; a document of several layers is flattened first when the user agrees (flatten
and toning one step; Cancel after it leaves both layers)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox

from editor.model import adjustments as adj, commands as cmds, hdr_toning as hdr
from engine.box import Box

from test_ui_camera_raw import shown  # (the dialog's preview: the same widget)
from ui_helpers import in_modal_dialog

NAME = "PixelDialog_HDRToning"


def row_visible(dialog, key: str) -> bool:
    return dialog.findChild(QSpinBox, f"Filter_{key}") is not None and \
        dialog.form.findChild(QSpinBox, f"Filter_{key}").isVisibleTo(dialog)


def test_preview_then_ok_equals_the_preview_in_one_step(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        # It opens on the Default preset, previewed (a small layer is not reduced).
        np.testing.assert_array_equal(shown(dialog),
                                      hdr.preview(hdr.HDRToning(), before, 1.0)[..., :3])
        dialog.findChild(QComboBox, "HDRPreset").setCurrentText("Surrealistic")
        assert dialog.operation() == hdr.PRESETS["Surrealistic"]
        dialog.form.findChild(QSpinBox, "Filter_detail").setValue(150)
        assert dialog.findChild(QComboBox, "HDRPreset").currentText() == "Custom"
        seen["op"] = dialog.operation()
        seen["preview"] = shown(dialog)
        assert np.abs(seen["preview"] - before[..., :3]).mean() > 5  # it did something
        assert np.array_equal(layer.pixels, before)  # the canvas waits for OK

    seen = in_modal_dialog(qtbot, w.actions["adjust_hdr_toning"].trigger, drive, NAME)
    assert seen["op"].detail == 150 and seen["op"].radius == 150
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "HDR Toning"
    np.testing.assert_array_equal(layer.pixels[..., :3], seen["preview"])
    box = Box(0, 0, *layer.pixels.shape[1::-1])
    np.testing.assert_array_equal(layer.pixels, seen["op"].process(before, box, box, None))
    w.update_actions()  # Edit > Fade can fade it, as the other adjustments
    assert w.actions["fade"].isEnabled()
    assert w.actions["fade"].text().replace("&", "") == "Fade HDR Toning…"
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_methods_show_their_rows_and_the_curve_tones(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        method = dialog.form.findChild(QComboBox, "Filter_method")
        assert row_visible(dialog, "detail") and dialog.curve.isVisibleTo(dialog)
        method.setCurrentIndex(hdr.METHODS.index("equalize"))
        assert not row_visible(dialog, "detail") and not row_visible(dialog, "radius")
        assert not dialog.curve.isVisibleTo(dialog)
        equalized = shown(dialog)
        assert equalized.max() == 255 or equalized.min() == 0
        method.setCurrentIndex(hdr.METHODS.index("exposure_gamma"))
        assert not row_visible(dialog, "detail")
        exposure = dialog.form.findChild(QDoubleSpinBox, "Filter_exposure")
        assert exposure.isVisibleTo(dialog)
        exposure.setValue(1.0)  # one stop: the Exposure adjustment's formula
        rgb = before[..., :3].astype(np.float32) / 255
        expected = np.clip(adj.Exposure(exposure=1.0).apply(rgb) * 255 + 0.5, 0, 255)
        np.testing.assert_array_equal(shown(dialog), expected.astype(np.uint8))
        method.setCurrentIndex(hdr.METHODS.index("local"))
        dialog.curve.points_changed.emit(((0, 0), (128, 200), (255, 255)))  # a drag's end
        assert dialog.operation().curve == ((0, 0), (128, 200), (255, 255))
        brighter = shown(dialog)
        dialog.curve.points_changed.emit(((0, 0), (255, 255)))
        assert brighter.mean() > shown(dialog).mean() + 10
        seen["cancel"] = True

    steps = doc.history.index
    in_modal_dialog(qtbot, w.actions["adjust_hdr_toning"].trigger, drive, NAME)
    assert doc.history.index == steps
    np.testing.assert_array_equal(layer.pixels, before)


def test_esc_leaves_the_document_unchanged(opened, qtbot):
    w, doc = opened, opened.doc
    before, steps = doc.active.pixels.copy(), doc.history.index

    def drive(dialog, seen):
        dialog.findChild(QComboBox, "HDRPreset").setCurrentText("Monochromatic")
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()

    in_modal_dialog(qtbot, w.actions["adjust_hdr_toning"].trigger, drive, NAME)
    assert doc.history.index == steps
    np.testing.assert_array_equal(doc.active.pixels, before)


@pytest.mark.parametrize("answer", ["flatten_ok", "flatten_cancel", "no_flatten"])
def test_several_layers_are_flattened_first(opened, qtbot, monkeypatch, answer):
    w, doc = opened, opened.doc
    photo = doc.active.pixels.copy()
    w.actions["new_layer"].trigger()
    red = np.zeros((10, 10, 4), np.uint8)
    red[...] = (255, 0, 0, 255)
    doc.history.push(cmds.SetPixels(doc.active, red, 0, 0))  # a red corner on the new layer
    layers_before = [n.name for n in doc.root.children]
    steps = doc.history.index
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_flatten",
                        lambda parent, what: asked.append(what) or answer != "no_flatten")

    def drive(dialog, seen):
        assert [n.name for n in doc.root.children] == ["Background"]  # flat now
        seen["cancel"] = answer == "flatten_cancel"

    if answer == "no_flatten":
        w.actions["adjust_hdr_toning"].trigger()
    else:
        in_modal_dialog(qtbot, w.actions["adjust_hdr_toning"].trigger, drive, NAME)
    assert asked == ["HDR Toning"]
    if answer != "flatten_ok":  # the document as it was: both layers, no step
        assert [n.name for n in doc.root.children] == layers_before
        assert doc.history.index == steps
        return
    assert len(doc.root.children) == 1 and doc.history.index == steps + 1
    assert doc.history.undo_name() == "HDR Toning"
    toned = doc.active.pixels
    assert not np.array_equal(toned[20:, 20:], photo[20:, 20:])
    assert toned[:10, :10, 0].mean() > 3 * toned[:10, :10, 1].mean()  # the red corner kept
    doc.history.undo()
    assert [n.name for n in doc.root.children] == layers_before


def test_local_adaptation_base_keeps_edges_and_detail_scales():
    """The method itself: a step edge between a dark and a bright half; the flattened base
    brings the halves closer, Detail 0 smooths the texture, more detail raises it."""
    rng = np.random.default_rng(3)
    src = np.zeros((40, 80, 4), np.uint8)
    src[..., 3] = 255
    src[:, :40, :3] = 30
    src[:, 40:, :3] = 220
    src[..., :3] = np.clip(src[..., :3].astype(int) + rng.integers(-8, 9, (40, 80, 1)), 0, 255)
    box = Box(0, 0, 80, 40)

    def run(**kw):
        return hdr.HDRToning(saturation=0, **kw).process(src, box, box, None)[..., 0].astype(float)

    plain, strong = run(strength=0.1, detail=0), run(strength=4.0, detail=0)
    gap = lambda out: out[:, 50:70].mean() - out[:, 10:30].mean()
    assert gap(strong) < gap(plain) < 190
    texture = lambda out: out[:, 50:70].std()
    assert texture(run(detail=200)) > 1.5 * texture(run(detail=0))
    with pytest.raises(ValueError):
        hdr.HDRToning(radius=0)
    # Transparent pixels keep their alpha, and the colour hidden under alpha 0 does not
    # reach the visible pixels' base: white or black under it, the same result.
    holes = [src.copy(), src.copy()]
    for hole, hidden in zip(holes, (0, 255)):
        hole[:, 60:] = (hidden, hidden, hidden, 0)
    out = [hdr.HDRToning().process(h, box, box, None) for h in holes]
    np.testing.assert_array_equal(out[0][..., 3], holes[0][..., 3])
    np.testing.assert_array_equal(out[0][:, :60], out[1][:, :60])
