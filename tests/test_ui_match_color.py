"""Image > Adjustments > Match Color… through the real window: with two documents open, the
dialog takes the other document's layer as its source, previews on the canvas, OK is one
undo step that gives the layer the source's colour statistics, and undo takes it back."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox

from editor.model.match_color import stats
from ui_helpers import in_modal_dialog, make_window, open_photo, photo, write_png

W, H = 96, 64


def test_match_color_takes_another_documents_layer_as_source(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)  # the source: a grey-brown cat
    source_doc = w.doc
    source_layer = source_doc.active
    png = write_png(tmp_path / "coffee.png", photo(W, H, "coffee"))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [png])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)
    doc = w.doc
    assert doc is not source_doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.count

    def drive(dialog, seen):
        source = dialog.findChild(QComboBox, "MatchColorSource")
        seen["sources"] = [source.itemText(i) for i in range(source.count())]
        source.setCurrentIndex(1)  # the first document (the cat)
        chooser = dialog.findChild(QComboBox, "MatchColorLayer")
        seen["layers"] = [chooser.itemText(i) for i in range(chooser.count())]
        chooser.setCurrentIndex(chooser.findData(source_layer))
        qtbot.waitUntil(lambda: not dialog.preview.busy() and dialog.preview.shown is not None
                        and dialog.preview.shown.source_stats is not None, timeout=10000)
        seen["previewed"] = not np.array_equal(layer.pixels, before)
        seen["steps"] = doc.history.count

    seen = in_modal_dialog(qtbot, w.actions["adjust_match_color"].trigger, drive,
                           "PixelDialog_MatchColor")
    assert seen["sources"][0] == "None" and len(seen["sources"]) == 3
    assert seen["layers"][0] == "Merged" and source_layer.name in seen["layers"]
    assert seen["previewed"] and seen["steps"] == steps
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Match Color"
    (mean, std), (s_mean, s_std) = stats(layer.pixels), stats(source_layer.pixels)
    assert np.abs(np.subtract(stats(before)[0], s_mean)).max() > 5
    np.testing.assert_allclose(mean, s_mean, atol=3.0)
    np.testing.assert_allclose(std, s_std, rtol=0.15, atol=1.0)
    np.testing.assert_array_equal(source_layer.pixels, photo(W, H))  # the source untouched
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    assert w.actions["fade"].text().replace("&", "") == "Fade Match Color…"
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, before)
    assert not w.test_errors
