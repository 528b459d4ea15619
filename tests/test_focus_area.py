"""Select > Focus Area on a real photograph (scikit-image's coffee) with its left half
thrown out of focus (a Gaussian of 4 px, as a shallow depth of field would): Auto selects
the sharp right half (IoU with it), a wider In-Focus Range takes more, Soften Edge makes
a soft outline; each output (selection, layer mask, new layer, new layer with mask) is one
undo step; an empty document is refused in one line."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from editor.model import Document, DocumentError, focus_area
from editor.model.selection_ops import current_mask


def half_blurred() -> np.ndarray:
    rgb = data.coffee()
    rgb[:, :300] = cv2.GaussianBlur(rgb, (0, 0), 4.0)[:, :300]
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def photo_doc() -> Document:
    doc = Document(600, 400)
    layer = doc.add_image(half_blurred(), "Photo", 0, 0)
    doc.set_active(layer)
    doc.history.mark_clean()
    return doc


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    m = mask >= 128
    return float((m & truth).sum() / (m | truth).sum())


def focus(doc, **settings):
    prepared = focus_area.prepare(doc, doc.active, **settings)
    return prepared, focus_area.run(prepared)


def test_auto_selects_the_sharp_half_and_a_wider_range_takes_more():
    doc = photo_doc()
    truth = np.zeros((400, 600), bool)
    truth[:, 300:] = True
    _, auto = focus(doc)
    score = iou(auto.mask, truth)
    print("auto in-focus range", round(auto.in_focus, 1), "IoU", round(score, 3))
    assert score > 0.8
    _, wide = focus(doc, in_focus=min(100.0, auto.in_focus + 30))
    _, narrow = focus(doc, in_focus=max(0.0, auto.in_focus - 20))
    assert (wide.mask >= 128).sum() > (auto.mask >= 128).sum() > (narrow.mask >= 128).sum()
    _, hard = focus(doc, soften=False)
    assert set(np.unique(hard.mask)) <= {0, 255}
    assert len(np.unique(auto.mask)) > 2  # Soften Edge: a soft outline


@pytest.mark.parametrize("output", ["selection", "layer_mask", "new_layer", "new_layer_mask"])
def test_each_output_is_one_undo_step(output):
    doc = photo_doc()
    layer = doc.active
    prepared, result = focus(doc)
    steps = doc.history.index
    focus_area.apply(doc, prepared, result, output)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Focus Area"
    layers = list(doc.layers())
    if output == "selection":
        np.testing.assert_array_equal(current_mask(doc), result.mask)
    elif output == "layer_mask":
        assert layer.mask is not None and len(layers) == 1 and current_mask(doc) is None
    elif output == "new_layer":
        copied = layers[1].canvas_crop(doc.canvas)[..., 3]
        assert len(layers) == 2 and copied[:, :100].max() < 128 and copied[:, 350:].mean() > 200
    else:
        assert len(layers) == 2 and layers[1].mask is not None and layer.mask is None
    doc.history.undo()
    assert len(list(doc.layers())) == 1 and layer.mask is None and current_mask(doc) is None


def test_an_empty_document_is_refused():
    with pytest.raises(DocumentError, match="nothing in focus"):
        focus_area.prepare(Document(40, 30), None)


def test_focus_area_dialog_in_the_window(qtbot, tmp_path, monkeypatch):
    from ui_helpers import in_modal_dialog, make_window

    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = photo_doc()
    w.add_session(doc, "coffee")
    action = w.actions["focus_area"]
    assert action in w.menus["select"].actions()

    def drive(dialog, seen):
        assert dialog.auto.isChecked() and not dialog.in_focus.isEnabled()
        dialog.output.setCurrentIndex(dialog.output.findData("layer_mask"))

    steps = doc.history.index
    in_modal_dialog(qtbot, action.trigger, drive, "FocusAreaDialog")
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=30000)
    layer = doc.active
    assert layer.mask is not None and doc.history.undo_name() == "Focus Area"
    truth = np.zeros((400, 600), bool)
    truth[:, 300:] = True
    assert iou(layer.mask.raw_crop(doc.canvas), truth) > 0.8
    assert w.statusBar().currentMessage().startswith("Selected what is in focus")
    assert w.settings.value("focus_area/output") == "layer_mask"
    w.actions["undo"].trigger()
    assert layer.mask is None and w.test_errors == []
