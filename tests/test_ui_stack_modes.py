"""Layer > Smart Objects > Stack Mode and File > Scripts > Statistics… driven through the
window: three shots of a scene, each with a "tourist" somewhere else, loaded into a stack,
converted into one smart object and set to Median: the tourists vanish; Mean, Maximum,
Minimum, Range and the others on tiny stacks exactly as Photoshop defines them; one undo
step; Edit Contents' save keeps the mode; a PSD keeps it; Statistics… end to end."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from editor.model.smart_object import SmartObjectLayer
from editor.ui.automate_commands import FilesDialog
from ui_helpers import make_window, photo, write_png


def with_tourist(clean: np.ndarray, i: int) -> np.ndarray:
    """`clean` with a red 'tourist' blob at the `i`th of three places."""
    h, w = clean.shape[:2]
    cx, cy = [(w // 5, h // 3), (w // 2, 2 * h // 3), (4 * w // 5, h // 3)][i]
    yy, xx = np.mgrid[:h, :w]
    shot = clean.copy()
    shot[(xx - cx) ** 2 + (yy - cy) ** 2 <= (h // 6) ** 2, :3] = (220, 30, 30)
    return shot


def shots(tmp_path, clean: np.ndarray) -> list[str]:
    """Three PNGs of `clean`, each with its tourist at a different place."""
    return [write_png(tmp_path / f"shot{i}.png", with_tourist(clean, i)) for i in range(3)]


def choose_files(monkeypatch, paths, **options) -> None:
    """The files dialog (Load Layers, Image Statistics) answered: Browse… picks `paths`,
    then each option widget (a combo by its data, a check box) is set."""
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: list(paths))

    def fill(dialog: FilesDialog) -> int:
        dialog.browse()
        for name, value in options.items():
            box = getattr(dialog, name)
            if hasattr(box, "findData"):
                assert box.findData(value) >= 0
                box.setCurrentIndex(box.findData(value))
            else:
                box.setChecked(value)
        return 1

    monkeypatch.setattr(FilesDialog, "exec", fill)


def stacked(qtbot, tmp_path, monkeypatch, paths):
    """File > Scripts > Load Files into Stack, Select > All Layers, Convert to Smart Object."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose_files(monkeypatch, paths)
    w.actions["load_stack"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=30000)
    w.actions["select_all_layers"].trigger()
    w.update_actions()
    w.actions["convert_to_smart_object"].trigger()
    assert w.test_errors == []
    (smart,) = w.doc.layers()
    assert isinstance(smart, SmartObjectLayer) and smart.contents.filetype == "8bps"
    return w, smart


def stack_mode(w, mode: str) -> None:
    w.update_actions()
    action = w.actions[f"stack_mode_{mode}"]
    assert action.isEnabled()
    action.trigger()
    assert w.test_errors == []
    w.update_actions()
    assert w.actions[f"stack_mode_{mode}"].isChecked()


def error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a[..., :3].astype(int) - b[..., :3].astype(int)).mean())


def test_median_makes_the_tourists_vanish_in_one_undo_step(qtbot, tmp_path, monkeypatch):
    clean = photo(90, 60)
    w, smart = stacked(qtbot, tmp_path, monkeypatch, shots(tmp_path, clean))
    doc = w.doc
    assert error(smart.pixels, clean) > 2  # the top shot shows its tourist
    steps = doc.history.index
    menu = [a.text().replace("&", "") for a in w.menus["stack_mode"].actions()
            if not a.isSeparator()]
    assert menu == ["None", "Entropy", "Kurtosis", "Maximum", "Mean", "Median", "Minimum",
                    "Range", "Skewness", "Standard Deviation", "Summation", "Variance"]
    assert w.actions["stack_mode_none"].isChecked()

    stack_mode(w, "median")
    assert error(smart.pixels, clean) < 0.01  # every tourist gone
    qtbot.waitUntil(lambda: "Stack Mode Median" in w.properties_panel.kind.text())
    assert np.array_equal(smart.pixels, clean)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Stack Mode Median"
    # Modes do not pile up: Maximum is of the shots, not of the median.
    stack_mode(w, "maximum")
    assert (smart.pixels[..., 0] >= clean[..., 0]).all() and error(smart.pixels, clean) > 1
    w.actions["undo"].trigger()
    assert np.array_equal(smart.pixels, clean) and smart.contents.stack_mode == "median"
    w.actions["undo"].trigger()
    assert smart.contents.stack_mode == "none" and error(smart.pixels, clean) > 2
    w.actions["redo"].trigger()
    assert np.array_equal(smart.pixels, clean)


def tiny_stack(tmp_path, values, covered=None) -> list[str]:
    """PNGs of 4x2 pixels, each one grey value (`covered[i]`: its opaque columns)."""
    paths = []
    for i, v in enumerate(values):
        pixels = np.zeros((2, 4, 4), np.uint8)
        pixels[..., :3] = v
        pixels[..., 3] = 255
        if covered is not None:
            pixels[:, covered[i] :, :] = 0  # transparent past its columns
        paths.append(write_png(tmp_path / f"tiny{i}.png", pixels))
    return paths


# Photoshop's definitions over 10, 50, 30 (mean 30, deviations -20, 20, 0; n - 1 = 2).
EXPECTED = {"none": 30, "mean": 30, "median": 30, "maximum": 50, "minimum": 10, "range": 40,
            "summation": 90, "variance": 255, "std": 20, "skewness": 0, "kurtosis": 1,
            "entropy": 2}


@pytest.mark.parametrize("mode", ["mean", "maximum", "minimum", "range", "summation", "std",
                                  "variance", "kurtosis", "entropy"])
def test_each_statistic_on_a_tiny_stack_is_photoshops(qtbot, tmp_path, monkeypatch, mode):
    w, smart = stacked(qtbot, tmp_path, monkeypatch, tiny_stack(tmp_path, [10, 50, 30]))
    stack_mode(w, mode)
    assert (smart.pixels[..., :3] == EXPECTED[mode]).all(), smart.pixels[0, 0]
    assert (smart.pixels[..., 3] == 255).all()


def test_only_the_layers_covering_a_pixel_count_there(qtbot, tmp_path, monkeypatch):
    # The top (30) covers 2 columns, the middle (50) 3, the bottom (10) all 4.
    paths = tiny_stack(tmp_path, [10, 50, 30], covered=[4, 3, 2])
    w, smart = stacked(qtbot, tmp_path, monkeypatch, paths)
    stack_mode(w, "mean")
    assert smart.pixels[0, :, 0].tolist() == [30, 30, 30, 10]  # 90/3, 90/3, 60/2, 10/1
    stack_mode(w, "median")
    assert smart.pixels[0, :, 0].tolist() == [30, 30, 30, 10]
    stack_mode(w, "minimum")
    assert smart.pixels[0, :, 0].tolist() == [10, 10, 10, 10]
    stack_mode(w, "range")
    assert smart.pixels[0, :, 0].tolist() == [40, 40, 40, 0]


def test_edit_contents_save_and_a_psd_keep_the_stack_mode(qtbot, tmp_path, monkeypatch):
    w, smart = stacked(qtbot, tmp_path, monkeypatch, tiny_stack(tmp_path, [10, 50, 30]))
    doc = w.doc
    stack_mode(w, "maximum")
    assert (smart.pixels[..., 0] == 50).all()
    # Edit Contents: the bottom layer made 90; saving renders Maximum again.
    w.actions["edit_contents"].trigger()
    child = w.doc
    assert child is not doc and len(list(child.layers())) == 3
    bottom = list(child.layers())[0]
    bottom.pixels[..., :3] = 90  # (as if painted; the save reads the layers)
    w.actions["save"].trigger()
    assert w.test_errors == []
    assert smart.contents.stack_mode == "maximum" and (smart.pixels[..., 0] == 90).all()

    out, copy = str(tmp_path / "stack.psd"), str(tmp_path / "copy.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: out)
    session = next(s for s in w.sessions if s.doc is doc)
    assert w.files.save_as(session)
    shutil.copyfile(out, copy)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [copy])
    opened = len(w.sessions)
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == opened + 1, timeout=10000)
    (again,) = w.doc.layers()
    assert isinstance(again, SmartObjectLayer) and again.contents.stack_mode == "maximum"
    assert (again.contents.pixels[..., 0] == 90).all()  # the statistic, not the composite
    w.update_actions()
    assert w.actions["stack_mode_maximum"].isChecked()
    stack_mode(w, "minimum")  # its layers came back with it
    assert (again.pixels[..., 0] == 30).all()


def test_a_one_picture_smart_object_gets_its_picture_back_after_a_mode(opened, qtbot):
    """A smart object of one pixel layer: Standard Deviation of one picture is black, and
    None afterwards shows the picture again (the statistic never replaces the source)."""
    w = opened
    (layer,) = w.doc.layers()
    original = layer.pixels.copy()
    w.update_actions()
    w.actions["convert_to_smart_object"].trigger()
    smart = w.doc.active
    assert isinstance(smart, SmartObjectLayer) and smart.contents.filetype == "png"
    stack_mode(w, "std")
    assert (smart.pixels[..., :3] == 0).all() and (smart.pixels[..., 3] == 255).all()
    stack_mode(w, "none")
    assert np.array_equal(smart.pixels, original)
    assert w.doc.history.undo_name() == "Stack Mode None"


def test_statistics_script_end_to_end(qtbot, tmp_path, monkeypatch):
    clean = photo(90, 60)
    paths = shots(tmp_path, clean)
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose_files(monkeypatch, paths, mode="median", align=False)
    w.actions["statistics"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=30000)
    assert w.test_errors == []
    (smart,) = w.doc.layers()
    assert isinstance(smart, SmartObjectLayer) and smart.contents.stack_mode == "median"
    assert np.array_equal(smart.pixels, clean)
    assert w.doc.history.undo_name() == "Stack Mode Median"
    # Its contents are the three shots, as layers.
    w.actions["edit_contents"].trigger()
    assert [n.name for n in w.doc.layers()] == ["shot0", "shot1", "shot2"]


def test_statistics_aligns_shots_taken_a_little_apart(qtbot, tmp_path, monkeypatch):
    big = photo(240, 180)
    clean = big[20:160, 20:220]
    # Each shot framed a few pixels off, with its tourist: aligned, Median shows the scene.
    framed = [big[20 + dy:160 + dy, 20 + dx:220 + dx].copy() for dx, dy in
              [(0, 0), (6, -4), (-5, 5)]]
    paths = [write_png(tmp_path / f"shot{i}.png", with_tourist(shot, i))
             for i, shot in enumerate(framed)]
    w = make_window(qtbot, tmp_path, monkeypatch)
    choose_files(monkeypatch, paths, mode="median", align=True)
    w.actions["statistics"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.sessions), timeout=60000)
    assert w.test_errors == []
    (smart,) = w.doc.layers()
    inside = (slice(10, 130), slice(10, 190))  # (the edges: a shot does not reach there)
    shown = smart.canvas_crop(w.doc.canvas)
    assert error(shown[inside], clean[inside]) < 2
    assert w.doc.history.names()[-3:] == ["Auto-Align Layers", "Convert to Smart Object",
                                          "Stack Mode Median"]


def test_statistics_cancelled_opens_nothing_and_no_files_is_refused_in_one_line(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    monkeypatch.setattr(FilesDialog, "exec", lambda dialog: 0)  # Cancel (Esc)
    w.actions["statistics"].trigger()
    assert not w.sessions and not w.jobs.busy and w.test_errors == []
    choose_files(monkeypatch, [])
    w.actions["statistics"].trigger()
    assert not w.sessions
    (title, message), = w.test_errors
    assert "\n" not in message and "Choose the files" in message
