"""The Healing Brush and the Patch tool as a user drives them in the window (J, Shift+J
after the Spot Healing Brush): texture taken from elsewhere, blended into the colour and
light of where it goes, on a real photo with a synthetic blemish."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox

from engine.box import Box
from ui_helpers import image_drag, image_pos, pasted_window

W, H = 120, 90
BLEMISH = (40.0, 45.0, 5.5)       # centre x, y and radius of a dark spot
BRIGHT = Box(20, 60, 40, 30)      # round the source below the blemish, brightened in some tests


def disk(cx, cy, r, shape=(H, W)) -> np.ndarray:
    yy, xx = np.mgrid[:shape[0], :shape[1]] + 0.5
    return np.hypot(xx - cx, yy - cy) < r


def blemished(clean: np.ndarray) -> np.ndarray:
    out = clean.copy()
    out[disk(*BLEMISH), :3] = (60, 25, 20)
    return out


def brightened(pixels: np.ndarray, box: Box = BRIGHT, by: int = 60) -> np.ndarray:
    out = pixels.copy()
    view = out[box.slices()]
    view[..., :3] = np.clip(view[..., :3].astype(int) + by, 0, 255).astype(np.uint8)
    return out


def laplacian(rgb: np.ndarray) -> np.ndarray:
    f = rgb[..., :3].astype(np.float64)
    return 4 * f[1:-1, 1:-1] - f[:-2, 1:-1] - f[2:, 1:-1] - f[1:-1, :-2] - f[1:-1, 2:]


def error(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    return float(np.abs(a[where][:, :3].astype(float) - b[where][:, :3]).mean())


@pytest.fixture
def clean():
    """A real photo: a 120 x 90 crop of skimage's cat at its own resolution (fur lit from
    one side, whiskers)."""
    import skimage.data

    rgb = skimage.data.chelsea()[180:180 + H, :W]
    return np.dstack([rgb, np.full((H, W), 255, np.uint8)])


def window_with(qtbot, tmp_path, monkeypatch, pixels):
    return pasted_window(qtbot, tmp_path, monkeypatch, pixels, 3.0)


def take(w, qtbot, tool_id):
    """The tool, taken from the keyboard as a user would: J, then Shift+J until it shows."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_J)
    for _ in range(5):
        if w.tools.current.id == tool_id:
            break
        qtbot.keyClick(w.canvas, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    tool = w.tools.current
    assert tool.id == tool_id
    return tool


def alt_click(qtbot, canvas, x, y):
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                     image_pos(canvas, x, y))


def healed(w, qtbot):
    """Waits for the stroke's heal (a job on the worker) to land."""
    # (Generous: a first fill or heal in a process may wait for its compiled kernels.)
    qtbot.waitUntil(lambda: not getattr(w.tools.current, "busy", False), timeout=90000)


def sampling_brush(w, qtbot):
    """The Healing Brush at 11 px, its source Alt+clicked left of the blemish."""
    tool = take(w, qtbot, "heal_brush")
    tool.set_size(11)
    alt_click(qtbot, w.canvas, 20.5, 40.5)
    return tool


def slow_heals(monkeypatch):
    """Every heal as slow as a long stroke's on a large photo, so the test can act while
    one is still on the worker."""
    import time

    import engine.healing

    real_heal = engine.healing.heal
    monkeypatch.setattr(engine.healing, "heal",
                        lambda *a, **k: (time.sleep(0.5), real_heal(*a, **k))[1])


def stroke_over_blemish(w, qtbot):
    cx, cy, _r = BLEMISH
    image_drag(qtbot, w.canvas, [(cx - 4, cy), (cx, cy), (cx + 4, cy)])
    healed(w, qtbot)


def test_j_and_shift_j_cycle_the_healing_tools_in_photoshops_order(qtbot, tmp_path,
                                                                   monkeypatch, clean):
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    qtbot.keyClick(w.canvas, Qt.Key.Key_J)
    seen = [w.tools.current.id]
    for _ in range(5):
        qtbot.keyClick(w.canvas, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
        seen.append(w.tools.current.id)
    assert seen == ["spot_heal", "heal_brush", "patch", "content_move", "red_eye", "spot_heal"]
    assert w.actions["cycle_spot_heal"].shortcut().toString() == "Shift+J"
    # J gives the tool the group's place shows, the one last taken (Photoshop's).
    qtbot.keyClick(w.canvas, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    qtbot.keyClick(w.canvas, Qt.Key.Key_J)
    assert w.tools.current.id == "heal_brush"


def test_healing_brush_removes_a_blemish_with_a_clean_sources_texture_in_one_step(
        qtbot, tmp_path, monkeypatch, clean):
    before = blemished(clean)
    w = window_with(qtbot, tmp_path, monkeypatch, before)
    doc = w.doc
    (layer,) = doc.layers()
    tool = take(w, qtbot, "heal_brush")
    tool.set_size(17)
    steps = doc.history.count
    stroke_over_blemish(w, qtbot)   # no source yet: a line that says so, nothing changes
    assert "Alt+click" in w.statusBar().currentMessage()
    assert doc.history.count == steps and np.array_equal(layer.pixels, before)
    alt_click(qtbot, w.canvas, 40, 70)   # clean fur 25 px below
    assert doc.history.count == steps
    stroke_over_blemish(w, qtbot)
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Healing Brush"
    after = layer.pixels.copy()
    spot = disk(*BLEMISH)
    was, now = error(before, clean, spot), error(after, clean, spot)
    print(f"blemish error: {was:.1f} levels, healed {now:.1f}")
    assert now < 0.15 * was, (now, was)
    # Only under the stroke (size 17: within 9 px of it, and its one-pixel border) changes.
    far = ~disk(BLEMISH[0] - 4, BLEMISH[1], 10.5) & ~disk(BLEMISH[0] + 4, BLEMISH[1], 10.5) \
        & ~disk(BLEMISH[0], BLEMISH[1], 10.5)
    assert np.array_equal(after[far], before[far])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    w.actions["redo"].trigger()
    assert np.array_equal(layer.pixels, after)


def test_healing_matches_the_destinations_light_where_the_clone_stamp_copies_the_sources(
        qtbot, tmp_path, monkeypatch, clean):
    """The source is brighter than the destination (by about 44 levels): the Clone Stamp
    lays it as bright as it is, the Healing Brush at the destination's brightness, with
    its texture."""
    before = brightened(blemished(clean))
    w = window_with(qtbot, tmp_path, monkeypatch, before)
    doc = w.doc
    (layer,) = doc.layers()
    spot = disk(*BLEMISH[:2], 4.0)
    truth = clean[spot][:, :3].astype(float).mean()
    results = {}
    for tool_id, letter in (("clone_stamp", Qt.Key.Key_S), ("heal_brush", Qt.Key.Key_J)):
        if letter == Qt.Key.Key_J:
            tool = take(w, qtbot, tool_id)
        else:
            qtbot.keyClick(w.canvas, letter)
            tool = w.tools.current
        assert tool.id == tool_id
        tool.set_size(17)
        tool.set_hardness(1.0)
        alt_click(qtbot, w.canvas, 40, 72)   # 27 px below: in the brightened part
        stroke_over_blemish(w, qtbot)
        results[tool_id] = layer.pixels.copy()
        w.actions["undo"].trigger()
        assert np.array_equal(layer.pixels, before)
    cloned = results["clone_stamp"][spot][:, :3].astype(float).mean()
    healed = results["heal_brush"][spot][:, :3].astype(float).mean()
    print(f"mean under the stroke: photo {truth:.1f}, cloned {cloned:.1f}, healed {healed:.1f}")
    assert cloned - truth > 30, (cloned, truth)          # the Clone Stamp: the source's light
    assert abs(healed - truth) < 0.2 * (cloned - truth), (healed, cloned, truth)
    # ... and the texture is the source's: the same detail (Laplacian) as 27 px below.
    inner = disk(*BLEMISH[:2], 5.0)[1:-1, 1:-1]
    detail = laplacian(results["heal_brush"])[inner]
    source = laplacian(np.roll(before, -27, axis=0))[inner]
    here = laplacian(before)[inner]
    assert np.abs(detail - source).mean() < 0.25 * np.abs(detail - here).mean()


def test_healing_brush_aligned_keeps_the_offset_and_unaligned_restarts(qtbot, tmp_path,
                                                                       monkeypatch, clean):
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, "heal_brush")
    tool.set_size(11)
    assert tool.aligned

    def texture_from(a, b, offset, before):
        """How far the healed detail along a-b is from `before`'s at `offset`."""
        y = int(a[1])
        inner = np.zeros((H, W), bool)
        inner[y - 2:y + 3, int(a[0]) + 1:int(b[0])] = True
        inner = inner[1:-1, 1:-1]
        shifted = np.roll(before, (-offset[1], -offset[0]), axis=(0, 1))
        return np.abs(laplacian(layer.pixels)[inner] - laplacian(shifted)[inner]).mean()

    alt_click(qtbot, w.canvas, 20.5, 20.5)
    image_drag(qtbot, w.canvas, [(60.5, 20.5), (70.5, 20.5)])
    healed(w, qtbot)
    first = layer.pixels.copy()
    # Aligned: the second stroke takes its texture at the first one's offset (-40, 0).
    image_drag(qtbot, w.canvas, [(60.5, 60.5), (70.5, 60.5)])
    healed(w, qtbot)
    right, wrong = texture_from((60.5, 60.5), (70.5, 60.5), (-40, 0), first), \
        texture_from((60.5, 60.5), (70.5, 60.5), (-40, -40), first)
    assert right < 0.3 * wrong, (right, wrong)
    # Not aligned: each stroke starts again at the source point.
    aligned = tool.options().findChild(QCheckBox, "clone_aligned")
    qtbot.mouseClick(aligned, Qt.MouseButton.LeftButton, pos=aligned.rect().center())
    assert not tool.aligned
    second = layer.pixels.copy()
    image_drag(qtbot, w.canvas, [(80.5, 70.5), (90.5, 70.5)])
    healed(w, qtbot)
    right, wrong = texture_from((80.5, 70.5), (90.5, 70.5), (-60, -50), second), \
        texture_from((80.5, 70.5), (90.5, 70.5), (-40, 0), second)
    assert right < 0.3 * wrong, (right, wrong)


def test_healing_brush_changes_only_the_selection_and_samples_current_and_below(
        qtbot, tmp_path, monkeypatch, clean):
    before = blemished(clean)
    w = window_with(qtbot, tmp_path, monkeypatch, before)
    doc = w.doc
    (bottom,) = doc.layers()
    tool = take(w, qtbot, "heal_brush")
    tool.set_size(17)
    # The selection ends 2 px right of the blemish, where the stroke goes on for 6 px more.
    doc.set_selection(Box(0, 0, 48, H))
    alt_click(qtbot, w.canvas, 40, 70)
    stroke_over_blemish(w, qtbot)
    after = bottom.pixels
    assert np.array_equal(after[:, 48:], before[:, 48:])
    assert not np.array_equal(after[:, 46:48], before[:, 46:48])
    spot = disk(*BLEMISH)
    assert error(after, clean, spot) < 0.15 * error(before, clean, spot)
    w.actions["undo"].trigger()
    doc.set_selection(None)
    # Current & Below: an empty layer above takes the heal, sampled from the photo below.
    w.actions["new_layer"].trigger()
    qtbot.waitUntil(lambda: len(list(doc.layers())) == 2)
    top = doc.active
    assert top.is_empty()
    sample = tool.options().findChild(QComboBox, "clone_sample")
    assert [sample.itemText(i) for i in range(sample.count())] == \
        ["Current Layer", "Current & Below", "All Layers"]
    sample.setCurrentIndex(sample.findData("below"))
    assert tool.sample == "below"
    w.canvas.setFocus()
    alt_click(qtbot, w.canvas, 40, 70)
    stroke_over_blemish(w, qtbot)
    assert np.array_equal(bottom.pixels, before)
    shown = top.pixels[Box(-top.x, -top.y, W, H).slices()]
    spot = disk(*BLEMISH)
    assert (shown[spot][:, 3] == 255).all()
    assert error(shown, clean, spot) < 0.15 * error(before, clean, spot)


def lasso(w, qtbot, cx, cy, r):
    """A freehand lasso round (cx, cy), drawn with the button held."""
    angles = np.linspace(0, 2 * np.pi, 25)
    image_drag(qtbot, w.canvas, [(cx + r * np.cos(t), cy + r * np.sin(t)) for t in angles])


def border_step(pixels, region) -> float:
    """The mean step of brightness across `region`'s edge (inside pixel against its outside
    4-neighbour)."""
    f = pixels[..., :3].astype(float).mean(-1)
    steps = []
    for axis in (0, 1):
        for shift in (1, -1):
            out = region & ~np.roll(region, shift, axis=axis)
            nb = np.roll(f, shift, axis=axis)   # the outside neighbour
            steps.append(np.abs(f[out] - nb[out]))
    return float(np.concatenate(steps).mean())


def test_patch_heals_the_selection_with_the_dragged_to_texture_without_a_seam(
        qtbot, tmp_path, monkeypatch, clean):
    before = brightened(blemished(clean))
    w = window_with(qtbot, tmp_path, monkeypatch, before)
    doc = w.doc
    (layer,) = doc.layers()
    tool = take(w, qtbot, "patch")
    assert tool.mode == "source"
    lasso(w, qtbot, *BLEMISH[:2], 9)
    mask = doc.selection_mask.copy()
    region = mask >= 128
    assert region[disk(*BLEMISH)].all()
    steps = doc.history.count
    # Dragged 27 px down, into the brightened part: the texture comes from there.
    image_drag(qtbot, w.canvas, [(40.5, 45.5), (40.5, 60.5), (40.5, 72.5)])
    healed(w, qtbot)
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Patch"
    after = layer.pixels.copy()
    assert np.array_equal(doc.selection_mask, mask)   # Source mode: the selection stays
    assert np.array_equal(after[mask == 0], before[mask == 0])
    spot = disk(*BLEMISH)
    assert error(after, clean, spot) < 0.2 * error(before, clean, spot)
    # The seam: a plain copy of the brighter area steps up at the selection's edge; the
    # patch steps there no more than the source's own texture does across that outline.
    source = np.roll(before, -27, axis=0)
    plain = before.copy()
    plain[region] = source[region]
    healed_step, plain_step = border_step(after, region), border_step(plain, region)
    print(f"border step: patch {healed_step:.2f}, plain copy {plain_step:.2f}, "
          f"the source's own {border_step(source, region):.2f}")
    assert healed_step < 0.4 * plain_step
    assert healed_step < 1.3 * border_step(source, region)
    inner = (disk(*BLEMISH[:2], 7))[1:-1, 1:-1]
    detail = laplacian(after)[inner]
    assert np.abs(detail - laplacian(plain)[inner]).mean() < \
        0.3 * np.abs(detail - laplacian(clean)[inner]).mean()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before) and np.array_equal(doc.selection_mask, mask)


def test_patch_destination_copies_the_selection_where_it_is_dropped(qtbot, tmp_path,
                                                                    monkeypatch, clean):
    before = blemished(clean)
    w = window_with(qtbot, tmp_path, monkeypatch, before)
    doc = w.doc
    (layer,) = doc.layers()
    tool = take(w, qtbot, "patch")
    mode = tool.options().findChild(QComboBox, "patch_mode")
    mode.setCurrentIndex(mode.findData("destination"))
    assert tool.mode == "destination"
    w.canvas.setFocus()
    lasso(w, qtbot, 40, 70, 9)      # clean fur below the blemish
    mask = doc.selection_mask.copy()
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [(40.5, 70.5), (40.5, 55.5), (40.5, 45.5)])  # onto it
    healed(w, qtbot)
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Patch"
    moved = np.roll(mask, -25, axis=0)
    assert np.array_equal(doc.selection_mask, moved)   # the selection went with the patch
    after = layer.pixels.copy()
    spot = disk(*BLEMISH)
    assert error(after, clean, spot) < 0.2 * error(before, clean, spot)
    assert np.array_equal(after[moved == 0], before[moved == 0])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before) and np.array_equal(doc.selection_mask, mask)


def test_a_stroke_painted_while_the_last_one_heals_is_not_lost(qtbot, tmp_path, monkeypatch,
                                                                clean):
    """The heal runs on the job worker (the window stays live, the plain copy shows until
    the healed stroke lands). A second stroke begun while the first still heals waits for
    it: both are healed, each one undo step, in the order they were painted."""
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    doc = w.doc
    (layer,) = doc.layers()
    tool = sampling_brush(w, qtbot)
    first, second = [(60.5, 20.5), (75.5, 20.5)], [(60.5, 60.5), (75.5, 60.5)]
    # What the first stroke alone gives, healed (Aligned: the next strokes keep its offset).
    image_drag(qtbot, w.canvas, first)
    healed(w, qtbot)
    alone = layer.pixels.copy()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, clean)
    steps = doc.history.index

    slow_heals(monkeypatch)
    image_drag(qtbot, w.canvas, first)
    # Released: the heal is on its way, the plain copy shows, no step yet.
    assert tool.busy and w.jobs.busy
    assert doc.history.index == steps
    plain = layer.pixels.copy()
    assert not np.array_equal(plain, clean) and not np.array_equal(plain, alone)
    image_drag(qtbot, w.canvas, second)   # at once, while the first still heals
    healed(w, qtbot)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert w.test_errors == []
    assert doc.history.index == steps + 2
    assert doc.history.names()[-2:] == ["Healing Brush", "Healing Brush"]
    both = layer.pixels.copy()
    top, bottom = slice(0, 40), slice(40, H)
    assert np.array_equal(both[top], alone[top])            # the first stroke, healed
    assert not np.array_equal(both[bottom], clean[bottom])  # the second one is there
    w.actions["undo"].trigger()           # takes the second stroke back, not the first
    assert np.array_equal(layer.pixels[bottom], clean[bottom])
    assert np.array_equal(layer.pixels[top], alone[top])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, clean)


def test_undo_while_a_stroke_heals_takes_back_the_healed_stroke(qtbot, tmp_path, monkeypatch,
                                                                clean):
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    doc = w.doc
    (layer,) = doc.layers()
    tool = sampling_brush(w, qtbot)
    steps = doc.history.index
    slow_heals(monkeypatch)
    image_drag(qtbot, w.canvas, [(60.5, 20.5), (75.5, 20.5)])
    assert tool.busy
    w.actions["undo"].trigger()   # the stroke is the user's last act: it goes, healed or not
    assert not tool.busy
    assert doc.history.index == steps and doc.history.redo_name() == "Healing Brush"
    assert np.array_equal(layer.pixels, clean)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert np.array_equal(layer.pixels, clean)   # the job's late result changes nothing
    w.actions["redo"].trigger()
    assert doc.history.undo_name() == "Healing Brush"
    assert not np.array_equal(layer.pixels, clean)


def test_patch_heals_on_the_worker_a_second_drag_waits_and_esc_cancels(qtbot, tmp_path,
                                                                      monkeypatch, clean):
    before = blemished(clean)
    w = window_with(qtbot, tmp_path, monkeypatch, before)
    doc = w.doc
    (layer,) = doc.layers()
    tool = take(w, qtbot, "patch")
    lasso(w, qtbot, *BLEMISH[:2], 9)
    steps = doc.history.index
    slow_heals(monkeypatch)
    image_drag(qtbot, w.canvas, [(40.5, 45.5), (40.5, 72.5)])     # texture from below
    assert tool.busy and doc.history.index == steps                # healing, nothing laid yet
    assert np.array_equal(layer.pixels, before)
    image_drag(qtbot, w.canvas, [(40.5, 45.5), (20.5, 45.5)])     # again, from the left
    healed(w, qtbot)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert w.test_errors == []
    assert doc.history.index == steps + 2 and doc.history.names()[-2:] == ["Patch", "Patch"]
    spot = disk(*BLEMISH)
    assert error(layer.pixels, clean, spot) < 0.2 * error(before, clean, spot)
    w.actions["undo"].trigger()
    first = layer.pixels.copy()
    assert error(first, clean, spot) < 0.2 * error(before, clean, spot)   # the first patch
    assert not np.array_equal(first, before)
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    # Esc while a patch heals: nothing changes, no step.
    steps = doc.history.index
    image_drag(qtbot, w.canvas, [(40.5, 45.5), (40.5, 72.5)])
    assert tool.busy
    qtbot.waitUntil(lambda: w.jobs.current is not None, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    healed(w, qtbot)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert doc.history.index == steps and np.array_equal(layer.pixels, before)


def test_redo_while_a_stroke_heals_lands_the_stroke_and_redoes_nothing(qtbot, tmp_path,
                                                                       monkeypatch, clean):
    """A stroke painted after an Undo ends Redo, as soon as it is painted, healed or not."""
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    doc = w.doc
    (layer,) = doc.layers()
    tool = sampling_brush(w, qtbot)
    image_drag(qtbot, w.canvas, [(60.5, 60.5), (75.5, 60.5)])
    healed(w, qtbot)
    w.actions["undo"].trigger()
    assert doc.history.redo_name() == "Healing Brush"
    slow_heals(monkeypatch)
    image_drag(qtbot, w.canvas, [(60.5, 20.5), (75.5, 20.5)])
    assert tool.busy
    steps = doc.history.index
    w.actions["redo"].trigger()
    assert not tool.busy and doc.history.index == steps + 1
    assert doc.history.redo_name() is None
    bottom = slice(50, H)
    assert np.array_equal(layer.pixels[bottom], clean[bottom])   # the undone stroke stays so
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)


def test_esc_while_a_stroke_heals_keeps_the_plain_copy_as_one_step(qtbot, tmp_path,
                                                                   monkeypatch, clean):
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    doc = w.doc
    (layer,) = doc.layers()
    tool = sampling_brush(w, qtbot)
    steps = doc.history.index
    slow_heals(monkeypatch)
    image_drag(qtbot, w.canvas, [(60.5, 20.5), (75.5, 20.5)])
    plain = layer.pixels.copy()
    assert tool.busy and not np.array_equal(plain, clean)
    qtbot.waitUntil(lambda: w.jobs.current is not None, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    healed(w, qtbot)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Healing Brush"
    assert np.array_equal(layer.pixels, plain)
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, clean)


def test_a_menu_command_while_a_stroke_heals_comes_after_the_healed_stroke(
        qtbot, tmp_path, monkeypatch, clean):
    """Image > Adjustments > Invert (any window action) chosen while the stroke heals: the
    healed stroke lands first as its own step, and Invert works on the healed pixels."""
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    doc = w.doc
    (layer,) = doc.layers()
    tool = sampling_brush(w, qtbot)
    stroke = [(60.5, 60.5), (75.5, 60.5)]
    image_drag(qtbot, w.canvas, stroke)
    healed(w, qtbot)
    alone = layer.pixels.copy()   # the stroke healed, with no command after it
    w.actions["undo"].trigger()
    steps = doc.history.index
    slow_heals(monkeypatch)
    image_drag(qtbot, w.canvas, stroke)
    assert tool.busy
    w.actions["adjust_invert"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.history.index == steps + 2, timeout=20000)
    assert w.test_errors == []
    assert doc.history.names()[-2:] == ["Healing Brush", "Invert"]
    np.testing.assert_array_equal(layer.pixels[..., :3], 255 - alone[..., :3])
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, alone)


def test_a_panel_edit_while_a_stroke_heals_comes_after_the_healed_stroke(
        qtbot, tmp_path, monkeypatch, clean):
    """Edits made from a panel's widgets, not from a window action (the Layers panel's
    opacity box, a History panel click), while the stroke heals: the healed stroke lands
    first as its own step, in the order the user made them."""
    w = window_with(qtbot, tmp_path, monkeypatch, clean)
    doc = w.doc
    (layer,) = doc.layers()
    tool = sampling_brush(w, qtbot)
    stroke = [(60.5, 60.5), (75.5, 60.5)]
    image_drag(qtbot, w.canvas, stroke)
    healed(w, qtbot)
    alone = layer.pixels.copy()
    w.actions["undo"].trigger()
    steps = doc.history.index
    slow_heals(monkeypatch)
    image_drag(qtbot, w.canvas, stroke)
    assert tool.busy
    w.layers_panel.opacity_spin.setValue(40)   # typed into the Layers panel
    assert not tool.busy
    assert doc.history.index == steps + 2
    assert doc.history.names()[-2] == "Healing Brush"
    assert layer.opacity == round(40 * 255 / 100)
    np.testing.assert_array_equal(layer.pixels, alone)
    w.actions["undo"].trigger()                 # the opacity goes, the healed stroke stays
    assert layer.opacity == 255
    np.testing.assert_array_equal(layer.pixels, alone)
    # A click on the History panel's row before the stroke, while a stroke heals: the
    # stroke lands and is undone with the rest (it is redoable, healed).
    image_drag(qtbot, w.canvas, [(60.5, 20.5), (75.5, 20.5)])
    assert tool.busy
    before = steps
    w.history_panel._clicked(w.history_panel.list.item(before))
    assert not tool.busy
    assert doc.history.index == before and doc.history.count == before + 2
    np.testing.assert_array_equal(layer.pixels, clean)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert w.test_errors == []
    np.testing.assert_array_equal(layer.pixels, clean)   # the job's late result changes nothing
