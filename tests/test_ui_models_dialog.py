"""The Models dialog: catalogue facts, offline download message, cancel, the user's own models."""
from __future__ import annotations

import functools
import threading

import pytest
from PySide6.QtCore import Qt

from engine.testing import tiny
from ui_helpers import make_window

COLUMNS = ("Model", "Method", "Download", "GPU memory", "Licence", "On this computer")


@pytest.fixture
def dialog(qtbot, tmp_path, monkeypatch):
    import huggingface_hub.constants

    # An empty Hugging Face cache of our own: nothing of the user's is looked at or written.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.trigger("models")
    yield w.models_dialog
    w.models_dialog.close()


def row_of(dialog, name):
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == name)


def cells(dialog, row):
    return [dialog.table.item(row, c).text() for c in range(len(COLUMNS))]


def test_catalogue_with_sizes_memory_licence_and_state(dialog):
    assert dialog.isVisible()
    assert [dialog.table.horizontalHeaderItem(c).text() for c in range(6)] == list(COLUMNS)
    row = row_of(dialog, "FLUX.1 Fill [dev]")
    name, method, size, vram, licence, state = cells(dialog, row)
    assert (method, size, vram, state) == ("Inpaint + extract", "34 GB", "32 GB+", "Not downloaded")
    assert "Non-Commercial" in licence
    dialog.table.selectRow(row)
    assert dialog.download_button.isEnabled() and not dialog.remove_button.isEnabled()
    assert "gated" in dialog.details.text() and "Licence: FLUX.1 [dev]" in dialog.details.text()


def test_offline_download_says_how_to_place_the_files_by_hand(qtbot, dialog, monkeypatch, tmp_path):
    import huggingface_hub.constants

    from engine.models import download

    dialog.table.selectRow(row_of(dialog, "Stable Diffusion 1.5 Inpainting"))
    # No network: the hub's address refuses connections, as an offline computer does.
    monkeypatch.setattr(download, "download_model", functools.partial(
        download.download_model, endpoint="http://127.0.0.1:9", cache_dir=tmp_path / "hub"))
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isVisible() and not dialog.download_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60000)
    text = dialog.message.text()
    assert "could not be downloaded" in text and "cannot be reached" in text
    assert "To place the files by hand" in text and "hf download stable-diffusion-v1-5" in text
    assert not dialog.bar.isVisible() and not dialog.cancel_button.isVisible()
    # HF_HUB_OFFLINE: the same advice without trying.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60000)
    assert "Downloads are switched off" in dialog.message.text()
    assert "To place the files by hand" in dialog.message.text()
    assert dialog.download_button.isEnabled()


def test_a_download_shows_progress_and_can_be_cancelled(qtbot, dialog, monkeypatch):
    from engine.models import download

    stopped = []

    def fake_download(model_id, progress, *, token=None):
        """Reports bytes as the real one does until cancelled (progress raises Cancelled)."""
        total = 2 * 2 ** 30
        try:
            for i in range(1, 100000):
                progress(min(total, i * 2 ** 20), total)
                threading.Event().wait(0.002)
        finally:
            stopped.append(model_id)
        return "never"

    monkeypatch.setattr(download, "download_model", fake_download)
    dialog.table.selectRow(row_of(dialog, "Stable Diffusion 2 Inpainting"))
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.bar.value() > 3, timeout=10000)
    assert dialog.bar.maximum() == 2048 and "of 2.00 GB" in dialog.bar_label.text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10000)
    assert stopped == ["stabilityai/stable-diffusion-2-inpainting"]
    assert "cancelled" in dialog.message.text() and not dialog.bar.isVisible()
    assert cells(dialog, row_of(dialog, "Stable Diffusion 2 Inpainting"))[5] == "Not downloaded"


def test_adding_and_removing_a_model_of_your_own(qtbot, dialog, monkeypatch, tmp_path):
    window = dialog.parent()
    path = str(tiny.cached_tiny("sd-inpaint"))
    monkeypatch.setattr("editor.ui.dialogs.ask_model_path", lambda parent, start: path)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    row = row_of(dialog, "sd-inpaint (your own)")
    assert cells(dialog, row)[1] == "Inpaint + extract" and cells(dialog, row)[5] == "Yes"
    assert window.settings.local_models() == [path]
    assert path in [c.ref for c in window.generate_panel.choices]  # the panel's list follows
    # Something that is not a model is explained and not added.
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hello")
    monkeypatch.setattr("editor.ui.dialogs.ask_model_path",
                        lambda parent, start: str(tmp_path / "notes"))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "not a diffusers model folder" in dialog.message.text()
    assert window.settings.local_models() == [path]
    dialog.table.selectRow(row)
    assert dialog.remove_button.isEnabled() and not dialog.download_button.isEnabled()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert window.settings.local_models() == []
    assert all(dialog.table.item(r, 0).text() != "sd-inpaint (your own)"
               for r in range(dialog.table.rowCount()))
