"""The Content-Aware Move tool and the Red Eye tool as a user drives them in the window (J,
then Shift+J after the Patch tool): an object lassoed and dragged elsewhere on a real photo,
its old place filled; a red pupil darkened inside a dragged box."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from test_ui_healing import border_step, brightened, disk, error, healed, lasso, slow_heals, take
from ui_helpers import image_drag, pasted_window

W, H = 160, 110
OBJECT = (40.0, 40.0, 8.0)     # centre x, y and radius of a dark disc on the fur
INK = (30, 28, 34)
LASSO = 13                     # the lasso's radius round the disc
DROP = (75, 30)                # where it is dragged to, from its centre


@pytest.fixture
def scene():
    """A real photo (a 160 x 110 crop of skimage's cat, fur at its own resolution) and the
    same photo with a dark disc on it."""
    import skimage.data

    rgb = skimage.data.chelsea()[170:170 + H, :W]
    clean = np.dstack([rgb, np.full((H, W), 255, np.uint8)])
    photo = clean.copy()
    photo[disk(*OBJECT, shape=(H, W)), :3] = INK
    return clean, photo


def shifted(mask: np.ndarray, offset=DROP) -> np.ndarray:
    return np.roll(mask, (offset[1], offset[0]), axis=(0, 1))


def start_move(qtbot, tmp_path, monkeypatch, photo, mode=None):
    """The window with the photo, the Content-Aware Move tool taken (J, Shift+J...), the disc
    lassoed with it."""
    w = pasted_window(qtbot, tmp_path, monkeypatch, photo, 3.0)
    tool = take(w, qtbot, "content_move")
    combo = tool.options().findChild(QComboBox, "content_move_mode")
    assert [combo.itemText(i) for i in range(combo.count())] == ["Move", "Extend"]
    if mode is not None:
        combo.setCurrentIndex(combo.findData(mode))
        w.canvas.setFocus()
    lasso(w, qtbot, *OBJECT[:2], LASSO)
    return w, tool


def drag_object(w, qtbot):
    cx, cy, _r = OBJECT
    image_drag(qtbot, w.canvas, [(cx + 0.5, cy + 0.5), (cx + 30.5, cy + 15.5),
                                 (cx + DROP[0] + 0.5, cy + DROP[1] + 0.5)])


def test_content_aware_move_moves_the_object_fills_its_place_in_one_step(
        qtbot, tmp_path, monkeypatch, scene):
    clean, photo = scene
    w, tool = start_move(qtbot, tmp_path, monkeypatch, photo)
    doc = w.doc
    (layer,) = doc.layers()
    assert tool.mode == "move" and tool.structure == 4
    mask = doc.selection_mask.copy()
    assert (mask[disk(*OBJECT, shape=(H, W))] >= 128).all()
    steps = doc.history.count
    drag_object(w, qtbot)
    healed(w, qtbot)
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Content-Aware Move"
    after = layer.pixels.copy()
    old = disk(*OBJECT, shape=(H, W))
    new = shifted(old)
    # The disc is at the drop point ...
    ink = np.broadcast_to(np.array(INK + (255,), np.uint8), photo.shape)
    here, was_there = error(after, ink, new), error(photo, ink, new)
    # ... and its old place holds fur again, close to the photo without the disc.
    left, before = error(after, clean, old), error(photo, clean, old)
    print(f"disc at the drop point: {here:.1f} levels from its ink (the fur there "
          f"{was_there:.1f}); its old place: {left:.1f} from the clean photo (the disc "
          f"{before:.1f})")
    assert here < 0.2 * was_there, (here, was_there)
    assert left < 0.5 * before, (left, before)
    assert (after[old][:, :3].astype(float).mean(-1) > 60).mean() > 0.9   # no dark left
    # Nothing changes outside the selection's old and new places; the selection moved.
    moved = shifted(mask)
    assert np.array_equal(doc.selection_mask, moved)
    outside = (mask == 0) & (moved == 0)
    assert np.array_equal(after[outside], photo[outside])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, photo) and np.array_equal(doc.selection_mask, mask)
    w.actions["redo"].trigger()
    assert np.array_equal(layer.pixels, after)


def test_content_aware_move_extend_copies_the_object_and_keeps_the_original(
        qtbot, tmp_path, monkeypatch, scene):
    clean, photo = scene
    w, tool = start_move(qtbot, tmp_path, monkeypatch, photo, mode="extend")
    assert tool.mode == "extend"
    doc = w.doc
    (layer,) = doc.layers()
    mask = doc.selection_mask.copy()
    drag_object(w, qtbot)
    healed(w, qtbot)
    assert w.test_errors == []
    assert doc.history.undo_name() == "Content-Aware Move"
    after = layer.pixels
    moved = shifted(mask)
    assert np.array_equal(after[moved == 0], photo[moved == 0])   # the original stays
    new = shifted(disk(*OBJECT, shape=(H, W)))
    ink = np.broadcast_to(np.array(INK + (255,), np.uint8), photo.shape)
    assert error(after, ink, new) < 0.2 * error(photo, ink, new)
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, photo)


def test_the_moved_object_is_blended_into_a_brighter_place_without_a_seam(
        qtbot, tmp_path, monkeypatch, scene):
    """Dropped where the photo is 60 levels brighter: a plain copy of the lassoed fur round
    the disc steps up at the selection's edge; the move's edge steps no more than the
    photo's own texture does across that outline, and the disc's middle stays as it was."""
    from engine.box import Box

    clean, photo = scene
    cx, cy = OBJECT[0] + DROP[0], OBJECT[1] + DROP[1]
    photo = brightened(photo, Box(int(cx) - 25, int(cy) - 25, 50, 50), 60)
    w, tool = start_move(qtbot, tmp_path, monkeypatch, photo)
    (layer,) = w.doc.layers()
    mask = w.doc.selection_mask.copy()
    drag_object(w, qtbot)
    healed(w, qtbot)
    assert w.test_errors == []
    region = shifted(mask) >= 128
    plain = photo.copy()
    plain[region] = shifted(photo)[region]
    moved, copied = border_step(layer.pixels, region), border_step(plain, region)
    own = border_step(photo, region)
    print(f"border step: moved {moved:.2f}, plain copy {copied:.2f}, the photo's own {own:.2f}")
    assert moved < 0.4 * copied and moved < 1.3 * own
    middle = shifted(disk(*OBJECT[:2], 3.0, shape=(H, W)))
    assert (layer.pixels[middle][:, :3] == INK).all()


def test_structure_keeps_the_objects_middle_and_esc_cancels_the_move(
        qtbot, tmp_path, monkeypatch, scene):
    clean, photo = scene
    w, tool = start_move(qtbot, tmp_path, monkeypatch, photo)
    doc = w.doc
    (layer,) = doc.layers()
    spin = tool.options().findChild(QSpinBox, "content_move_structure")
    assert (spin.minimum(), spin.maximum(), spin.value()) == (1, 7, 4)
    spin.setValue(7)
    assert tool.structure == 7
    assert tool.options().findChild(QCheckBox, "content_move_sample_all") is not None
    w.canvas.setFocus()
    drag_object(w, qtbot)
    healed(w, qtbot)
    # Structure 7: the disc's middle lands as it was, pixel for pixel.
    middle = shifted(disk(*OBJECT[:2], 5.0, shape=(H, W)))
    assert (layer.pixels[middle][:, :3] == INK).all()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, photo)
    # Esc while the move runs: nothing changes, no step.
    steps = doc.history.index
    mask = doc.selection_mask.copy()
    slow_heals(monkeypatch)
    drag_object(w, qtbot)
    assert tool.busy
    qtbot.waitUntil(lambda: w.jobs.current is not None, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    healed(w, qtbot)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert w.test_errors == []
    assert doc.history.index == steps and np.array_equal(layer.pixels, photo)
    assert np.array_equal(doc.selection_mask, mask)


# -- Red Eye -----------------------------------------------------------------------------
EYE = (45.0, 45.0)      # centre of the eye
PUPIL = 6.0
RED = (205, 38, 46)     # a flash's red pupil
RED_THING = (95, 30, 115, 60)   # x0, y0, x1, y1 of a red label outside the box


@pytest.fixture
def face():
    """A real photo of skin (a 140 x 90 crop of skimage's astronaut, her cheek and
    forehead) with a synthetic eye on it: white, a brown iris, a red pupil with a soft
    rim and a white catchlight; and a red label beside it."""
    import skimage.data

    rgb = skimage.data.astronaut()[90:180, 170:310].copy()
    out = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    shape = out.shape[:2]
    yy, xx = np.mgrid[:shape[0], :shape[1]] + 0.5
    white = ((xx - EYE[0]) / 16) ** 2 + ((yy - EYE[1]) / 9) ** 2 < 1
    out[white, :3] = (232, 226, 222)
    out[disk(*EYE, 8.5, shape=shape), :3] = (120, 82, 50)
    d = np.hypot(xx - EYE[0], yy - EYE[1])
    t = np.clip(PUPIL + 0.5 - d, 0, 1)[..., None]      # a one-pixel soft rim
    out[..., :3] = np.rint(out[..., :3] * (1 - t) + np.array(RED) * t).astype(np.uint8)
    out[disk(EYE[0] - 2, EYE[1] - 2, 1.5, shape=shape), :3] = 250
    x0, y0, x1, y1 = RED_THING
    out[y0:y1, x0:x1, :3] = (210, 30, 35)
    return out


def test_red_eye_darkens_the_red_pupil_to_neutral_and_nothing_else(qtbot, tmp_path,
                                                                   monkeypatch, face):
    w = pasted_window(qtbot, tmp_path, monkeypatch, face, 3.0)
    doc = w.doc
    (layer,) = doc.layers()
    tool = take(w, qtbot, "red_eye")
    assert (tool.pupil_size, tool.darken) == (0.5, 0.5)   # Photoshop's defaults
    for name in ("red_eye_pupil_size", "red_eye_darken"):
        assert tool.options().findChild(QSpinBox, name).value() == 50
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [(EYE[0] - 22, EYE[1] - 14), (EYE[0], EYE[1]),
                                 (EYE[0] + 22, EYE[1] + 14)])
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Red Eye"
    after = layer.pixels.copy()
    shape = face.shape[:2]
    pupil = disk(*EYE, PUPIL - 0.5, shape=shape) & ~disk(EYE[0] - 2, EYE[1] - 2, 2.5, shape=shape)
    rgb = after[pupil][:, :3].astype(int)
    spread = (rgb.max(-1) - rgb.min(-1)).max()
    print(f"pupil: mean {rgb.mean(0).round(1)}, largest channel spread {spread}")
    assert spread <= 6 and rgb.max() <= 40            # dark and neutral
    # The iris, the eye's white, the skin round it and the red label outside the box stay.
    kept = ~disk(*EYE, PUPIL + 1.5, shape=shape)
    assert np.array_equal(after[kept], face[kept])
    catchlight = disk(EYE[0] - 2, EYE[1] - 2, 1.0, shape=shape)
    assert (after[catchlight][:, :3] >= 240).all()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, face)
    # A box with no red pupil in it (the skin alone): no step, a line that says so.
    image_drag(qtbot, w.canvas, [(5, 70), (30, 85)])
    assert doc.history.count == steps + 1 and doc.history.index == steps
    assert "No red pupil" in w.statusBar().currentMessage()
    assert np.array_equal(layer.pixels, face)


def test_red_eye_works_only_inside_the_selection(qtbot, tmp_path, monkeypatch, face):
    from engine.box import Box

    w = pasted_window(qtbot, tmp_path, monkeypatch, face, 3.0)
    doc = w.doc
    (layer,) = doc.layers()
    take(w, qtbot, "red_eye")
    doc.set_selection(Box(0, 0, int(EYE[0]), face.shape[0]))   # the eye's left half
    image_drag(qtbot, w.canvas, [(EYE[0] - 22, EYE[1] - 14), (EYE[0] + 22, EYE[1] + 14)])
    after = layer.pixels
    right = np.zeros(face.shape[:2], bool)
    right[:, int(EYE[0]):] = True
    assert np.array_equal(after[right], face[right])
    shape = face.shape[:2]
    left_pupil = disk(*EYE, PUPIL - 0.5, shape=shape) & ~right \
        & ~disk(EYE[0] - 2, EYE[1] - 2, 2.5, shape=shape)
    assert after[left_pupil][:, :3].max() <= 40


def test_content_aware_move_with_sample_all_layers_works_on_an_empty_layer_above(
        qtbot, tmp_path, monkeypatch, scene):
    """Sample All Layers: the object and the fill come from what the canvas shows and land
    on the empty layer above; the photo below is left as it was."""
    from editor.model.render import composite_document

    clean, photo = scene
    w, tool = start_move(qtbot, tmp_path, monkeypatch, photo)
    doc = w.doc
    (bottom,) = doc.layers()
    w.actions["new_layer"].trigger()
    qtbot.waitUntil(lambda: len(list(doc.layers())) == 2)
    top = doc.active
    assert top.is_empty()
    box = tool.options().findChild(QCheckBox, "content_move_sample_all")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert tool.sample_all
    w.canvas.setFocus()
    drag_object(w, qtbot)
    healed(w, qtbot)
    assert w.test_errors == []
    assert doc.history.undo_name() == "Content-Aware Move"
    assert np.array_equal(bottom.pixels, photo)
    shown = composite_document(doc, doc.canvas)
    old = disk(*OBJECT, shape=(H, W))
    ink = np.broadcast_to(np.array(INK + (255,), np.uint8), photo.shape)
    assert error(shown, ink, shifted(old)) < 0.2 * error(photo, ink, shifted(old))
    assert error(shown, clean, old) < 0.5 * error(photo, clean, old)


def test_a_click_on_a_red_eye_darkens_its_pupil(qtbot, tmp_path, monkeypatch, face):
    from ui_helpers import image_pos

    w = pasted_window(qtbot, tmp_path, monkeypatch, face, 3.0)
    (layer,) = w.doc.layers()
    take(w, qtbot, "red_eye")
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, *EYE))
    assert w.doc.history.undo_name() == "Red Eye"
    shape = face.shape[:2]
    pupil = disk(*EYE, PUPIL - 0.5, shape=shape) & ~disk(EYE[0] - 2, EYE[1] - 2, 2.5, shape=shape)
    assert layer.pixels[pupil][:, :3].max() <= 40
    x0, y0, x1, y1 = RED_THING
    assert np.array_equal(layer.pixels[y0:y1, x0:x1], face[y0:y1, x0:x1])
