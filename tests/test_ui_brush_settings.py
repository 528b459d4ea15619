"""Brush Settings (F5 / the options bar's Brush Settings…): Roundness and Angle flatten and
turn the dab, Spacing separates or joins the dabs, Size Jitter varies them (the same seed
repeats the stroke), Scatter moves them off the path, Edit > Define Brush Preset makes a
sampled tip of a star-shaped selection that paints stars, the presets persist across
windows, and a stroke stays one undo step."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton

from editor.model.commands import SetSelectionMask
from ui_helpers import image_drag, image_pos, make_window, pasted_window

W, H = 200, 140


@pytest.fixture
def white(qtbot, tmp_path, monkeypatch):
    pixels = np.full((H, W, 4), 255, np.uint8)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    w.answers = []
    monkeypatch.setattr("editor.ui.dialogs.ask_text",
                        lambda parent, title, label, text="": w.answers.pop(0)
                        if w.answers else None)
    w.set_foreground(QColor(0, 0, 0))
    return w


def panel_for(w, qtbot, tool="brush"):
    """The tool chosen in the toolbox, then its options bar's Brush Settings… button."""
    w.tool_actions[tool].trigger()
    button = next(b for b in w.findChildren(QPushButton, "brush_settings") if b.isVisible())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = w.brush_settings
    assert panel.isVisible() and panel.tool is w.tools.current
    return panel


def settings(panel, **values) -> None:
    for key, v in values.items():
        panel.spins[key].setValue(v)


def ink(w) -> np.ndarray:
    (layer,) = w.doc.layers()
    return layer.pixels[..., 0] < 128


def click(w, qtbot, x, y) -> None:
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, x, y))


def line(w, qtbot, y=70.5) -> None:
    image_drag(qtbot, w.canvas, [(20.5, y)] + [(20.5 + 8 * k, y) for k in range(1, 21)])


def blobs(mask: np.ndarray):
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return stats[1:]


def bbox(mask: np.ndarray) -> tuple[int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


@pytest.mark.parametrize("tool", ["brush", "pencil"])
def test_roundness_flattens_the_dab_and_angle_turns_it(white, qtbot, tool):
    w = white
    panel = panel_for(w, qtbot, tool)
    settings(panel, size=40, hardness=100, roundness=30, angle=0)
    assert w.tools.current.tip.roundness == pytest.approx(0.3)
    click(w, qtbot, 100, 70)
    width, height = bbox(ink(w))
    assert 37 <= width <= 42 and 10 <= height <= 14, (width, height)
    w.doc.history.undo()
    assert not ink(w).any()
    settings(panel, angle=90)
    click(w, qtbot, 100, 70)
    width, height = bbox(ink(w))
    assert 37 <= height <= 42 and 10 <= width <= 14, (width, height)
    settings(panel, angle=45)
    w.doc.history.undo()
    click(w, qtbot, 100, 70)
    width, height = bbox(ink(w))
    assert abs(width - height) <= 2 and width < 34  # a diagonal ellipse
    # Photoshop's angle turns counter-clockwise: at 45° the long axis rises to the right.
    painted = ink(w)
    assert painted[70 - 12, 100 + 12] and painted[70 + 12, 100 - 12]
    assert not painted[70 + 12, 100 + 12] and not painted[70 - 12, 100 - 12]


def test_spacing_separates_or_joins_the_dabs(white, qtbot):
    w = white
    panel = panel_for(w, qtbot)
    settings(panel, size=10, hardness=100, spacing=200)
    line(w, qtbot)
    # 160 px of path, a dab every 20 px: nine dabs, each its own blob, 10 px wide.
    found = blobs(ink(w))
    assert len(found) == 9
    assert all(9 <= s[2] <= 11 for s in found)
    w.doc.history.undo()
    settings(panel, spacing=25)
    line(w, qtbot)
    assert len(blobs(ink(w))) == 1
    assert bbox(ink(w))[0] >= 165


def test_size_jitter_varies_the_dabs_and_a_seed_repeats_the_stroke(white, qtbot):
    w = white
    (layer,) = w.doc.layers()
    panel = panel_for(w, qtbot)
    tool = w.tools.current
    settings(panel, size=16, hardness=100, spacing=150, size_jitter=80)
    tool.stroke_seed = 7
    line(w, qtbot)
    widths = [s[2] for s in blobs(ink(w))]
    assert len(widths) >= 6 and max(widths) - min(widths) >= 5, widths
    first = layer.pixels.copy()
    w.doc.history.undo()
    line(w, qtbot)
    assert np.array_equal(layer.pixels, first)  # the same seed, the same stroke
    w.doc.history.undo()
    tool.stroke_seed = 8
    line(w, qtbot)
    assert not np.array_equal(layer.pixels, first)
    w.doc.history.undo()
    settings(panel, size_jitter=0)
    line(w, qtbot)
    widths = [s[2] for s in blobs(ink(w))]
    assert max(widths) - min(widths) <= 1


def test_scatter_moves_the_dabs_off_the_path(white, qtbot):
    w = white
    panel = panel_for(w, qtbot)
    w.tools.current.stroke_seed = 1
    settings(panel, size=8, hardness=100, spacing=100)
    line(w, qtbot)
    rows = np.nonzero(ink(w).any(axis=1))[0]
    assert rows.min() >= 65 and rows.max() <= 75
    w.doc.history.undo()
    settings(panel, scatter=400, count=2)
    line(w, qtbot)
    rows = np.nonzero(ink(w).any(axis=1))[0]
    assert rows.min() < 55 and rows.max() > 85
    cols = np.nonzero(ink(w).any(axis=0))[0]
    assert cols.min() >= 14 and cols.max() <= 186  # across the path only, not along it


def star_mask(cx, cy, outer, inner) -> np.ndarray:
    mask = np.zeros((H, W), np.uint8)
    ang = np.arange(10) * np.pi / 5 - np.pi / 2
    rad = np.where(np.arange(10) % 2 == 0, outer, inner)
    poly = np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)])
    cv2.fillPoly(mask, [np.rint(poly).astype(np.int32)], 255)
    return mask


def test_a_brush_defined_from_a_star_selection_paints_stars(white, qtbot):
    w = white
    doc = w.doc
    (layer,) = doc.layers()
    layer.pixels[..., :3] = 0  # a black picture, then a star-shaped selection of it
    layer.changed()
    star = star_mask(60, 70, 40, 16)
    doc.history.push(SetSelectionMask(star, "Load Selection"))
    steps = doc.history.count
    w.actions["define_brush"].trigger()   # the name asked, then Cancel: no brush
    from editor.ui.brush_settings import presets_of
    assert [p.name for p in presets_of(w).presets if p.tip.sample is not None] == \
        ["Star", "Grass Blade", "Chalk"]
    w.answers.append("My Star")
    w.actions["define_brush"].trigger()
    assert doc.history.count == steps  # (the document does not change)
    w.actions["deselect"].trigger()
    layer.pixels[..., :3] = 255
    layer.changed()
    panel = panel_for(w, qtbot)
    tool = w.tools.current
    assert tool.preset_name == "My Star" and tool.tip.sample is not None
    assert "My Star" in [panel.list.item(i).text() for i in range(panel.list.count())]
    settings(panel, spacing=1000)
    click(w, qtbot, 150, 70)
    painted = ink(w)
    assert bbox(painted) == pytest.approx(bbox(star > 0), abs=2)  # its own size
    ys, xs = np.nonzero(painted)
    cy, cx = round(ys.mean()), round(xs.mean())
    got = painted[cy - 45:cy + 45, cx - 45:cx + 45].astype(np.float32)
    ys, xs = np.nonzero(star)
    sy, sx = round(ys.mean()), round(xs.mean())
    want = (star[sy - 45:sy + 45, sx - 45:sx + 45] > 0).astype(np.float32)
    disc = (np.hypot(*np.mgrid[-45:45, -45:45]) < 28).astype(np.float32)  # same ink area
    corr = np.corrcoef(got.ravel(), want.ravel())[0, 1]
    assert corr > 0.9 and corr > np.corrcoef(got.ravel(), disc.ravel())[0, 1] + 0.1, corr


def test_presets_new_rename_delete_persist_across_windows(white, qtbot, tmp_path, monkeypatch):
    w = white
    panel = panel_for(w, qtbot)
    names = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert names[:2] == ["Hard Round", "Soft Round"] and {"Star", "Grass Blade",
                                                           "Chalk"} <= set(names)
    settings(panel, size=44, roundness=20, angle=30, spacing=60)
    w.answers.append("Flat Wide")
    qtbot.mouseClick(panel.findChild(QPushButton, "brush_preset_new"), Qt.MouseButton.LeftButton)
    panel.list.setCurrentRow(names.index("Chalk"))
    w.answers.append("Chalky")
    qtbot.mouseClick(panel.findChild(QPushButton, "brush_preset_rename"),
                     Qt.MouseButton.LeftButton)
    panel.list.setCurrentRow(names.index("Star"))
    qtbot.mouseClick(panel.findChild(QPushButton, "brush_preset_delete"),
                     Qt.MouseButton.LeftButton)
    # Soft Round picked: its size, hardness and round tip become the brush's.
    soft = panel.list.item(1)
    panel.list.setCurrentItem(soft)
    panel._picked(soft)
    tool = w.tools.current
    assert (tool.size, tool.hardness, tool.tip.roundness) == (60, 0.0, 1.0)
    w.close()

    w2 = make_window(qtbot, tmp_path, monkeypatch, settings=w.settings)
    w2.set_foreground(QColor(0, 0, 0))
    from editor.ui.brush_settings import show_brush_settings
    panel2 = show_brush_settings(w2, w2.tools.tools["brush"])
    names = [panel2.list.item(i).text() for i in range(panel2.list.count())]
    assert "Flat Wide" in names and "Chalky" in names
    assert "Star" not in names and "Chalk" not in names
    item = panel2.list.item(names.index("Flat Wide"))
    panel2._picked(item)
    tip = w2.tools.tools["brush"].tip
    assert (w2.tools.tools["brush"].size, tip.roundness, tip.angle, tip.spacing) == \
        (44, pytest.approx(0.2), 30.0, pytest.approx(0.6))
    assert panel2.spins["roundness"].value() == 20


def test_one_undo_step_per_stroke_with_dynamics(white, qtbot):
    w = white
    (layer,) = w.doc.layers()
    panel = panel_for(w, qtbot)
    settings(panel, size=12, spacing=50, size_jitter=50, angle_jitter=100, roundness=50,
             scatter=100, count=3, flow_jitter=50)
    before = layer.pixels.copy()
    steps = w.doc.history.count
    line(w, qtbot, 40.5)
    middle = layer.pixels.copy()
    line(w, qtbot, 100.5)
    assert w.doc.history.count == steps + 2
    assert not np.array_equal(middle, before) and not np.array_equal(layer.pixels, middle)
    w.doc.history.undo()
    assert np.array_equal(layer.pixels, middle)
    w.doc.history.undo()
    assert np.array_equal(layer.pixels, before)


def test_a_damaged_presets_file_is_kept_aside_and_the_defaults_used(white, qtbot, tmp_path):
    w = white
    (tmp_path / "brushes.json").write_text("{not json")
    qtbot.keyClick(w.canvas, Qt.Key.Key_F5)   # (no tip tool in front: the Brush's settings)
    panel = w.brush_settings
    assert panel.isVisible() and panel.tool is w.tools.tools["brush"]
    assert panel.list.count() == 5 and panel.list.item(0).text() == "Hard Round"
    assert (tmp_path / "brushes.json.damaged").read_text() == "{not json"
