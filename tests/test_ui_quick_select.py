"""Photoshop's W group driven as a user would in the window: the Object Selection Tool (a box
around an object selects the object, as Select > Object finds it), the Quick Selection Tool
(brush strokes grow the selection to the edges of what they cover; Alt takes away; one undo
step per stroke; New turns into Add; [ and ]; Sample All Layers) and the Magic Wand, W and
Shift+W cycling them."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QSpinBox, QToolButton

from editor.model import quick_select, selection_ops
from job_gate import Gate, press_esc
from ui_helpers import image_drag, pasted_window

SHIFT, ALT = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


def opaque(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]).astype(np.uint8)


def selected(doc) -> np.ndarray:
    mask = selection_ops.current_mask(doc)
    return np.zeros((doc.height, doc.width), bool) if mask is None else mask >= 128


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def brush_stroke(qtbot, w, points, **kw) -> None:
    """A Quick Selection stroke through `points` (image), until its solve (a job) ended."""
    image_drag(qtbot, w.canvas, points, **kw)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)


def take(w, qtbot, tool_id: str):
    """W, then Shift+W until `tool_id` (Photoshop's order), as a user takes it."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_W)
    for _ in range(3):
        if w.tools.current.id == tool_id:
            break
        qtbot.keyClick(w.canvas, Qt.Key.Key_W, SHIFT)
    assert w.tools.current.id == tool_id
    return w.tools.current


# -- the coffee cup (skimage.data.coffee, 600 x 400) ------------------------------------------
# The cup's opening, its white rim with the coffee in it: an ellipse fitted by eye.
CUP = (290.0, 112.0, 118.0, 94.0)   # centre x, y, half-axes
ACROSS_COFFEE = [(200, 110), (245, 122), (290, 130), (335, 122), (380, 110)]
ALONG_RIM = [(215, 60), (250, 46), (290, 40), (330, 46), (370, 60)]
RIM_TOP = (slice(22, 58), slice(230, 350))   # the white inside of the cup above the coffee


def cup_opening(h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    cx, cy, ax, ay = CUP
    return ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 <= 1


@pytest.fixture
def coffee(qtbot, tmp_path, monkeypatch):
    import skimage.data

    w = pasted_window(qtbot, tmp_path, monkeypatch, opaque(skimage.data.coffee()), 1.0)
    return w


def test_quick_selection_strokes_select_the_cup_and_alt_takes_away(coffee, qtbot):
    w, doc = coffee, coffee.doc
    truth = cup_opening(doc.height, doc.width)
    tool = take(w, qtbot, "quick_select")
    bar = tool.options()
    # The options bar: New / Add / Subtract, the brush's size ([ and ] too), Sample All Layers.
    bar.findChild(QToolButton, "QuickSelect_new").click()
    size = bar.findChild(QSpinBox, "QuickSelect_size")
    size.setValue(10)
    qtbot.keyClick(w.canvas, Qt.Key.Key_BracketRight)
    assert tool.size == 20 and size.value() == 20
    qtbot.keyClick(w.canvas, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(w.canvas, Qt.Key.Key_BracketLeft)
    assert tool.size == 9 and size.value() == 9
    size.setValue(16)

    steps = doc.history.count
    brush_stroke(qtbot, w, ACROSS_COFFEE)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Quick Selection"
    first = selected(doc)
    # The coffee comes along beyond the brush, the table does not.
    brush = np.zeros_like(first)
    brush[104:137, 195:386] = True
    assert first.sum() > 2 * brush.sum() and (first & ~truth).sum() < 0.05 * truth.sum()
    # After the first stroke in New, the tool adds (Photoshop's).
    assert tool.mode == "add" and bar.findChild(QToolButton, "QuickSelect_add").isChecked()
    brush_stroke(qtbot, w, ALONG_RIM)
    assert doc.history.count == steps + 2
    both = selected(doc)
    assert (both & first).sum() == first.sum()   # a stroke in Add only adds
    assert iou(both, truth) > 0.85, iou(both, truth)
    assert (both & ~truth).sum() < 0.05 * truth.sum()   # little of the table, saucer, spoon
    # Alt paints to take away: the white above the coffee goes, the coffee stays.
    before_alt = selection_ops.current_mask(doc).copy()
    assert both[RIM_TOP].mean() > 0.9
    brush_stroke(qtbot, w, [(240, 40), (290, 34), (340, 40)], modifier=ALT)
    after = selected(doc)
    assert doc.history.count == steps + 3 and doc.history.undo_name() == "Quick Selection"
    assert after[RIM_TOP].mean() < 0.4 and after[125:145, 260:320].all()
    assert (after & ~both).sum() == 0   # Alt only takes away
    assert tool.mode == "add"           # Alt is for the stroke only
    # Each stroke is one undo step of the selection.
    w.actions["undo"].trigger()
    assert np.array_equal(selection_ops.current_mask(doc), before_alt)
    w.actions["undo"].trigger()
    assert np.array_equal(selected(doc), first)
    w.actions["redo"].trigger()
    assert np.array_equal(selected(doc), both)


def test_quick_selection_subtract_option_and_a_new_selection(coffee, qtbot):
    w, doc = coffee, coffee.doc
    tool = take(w, qtbot, "quick_select")
    tool.set_size(16)
    bar = tool.options()
    bar.findChild(QToolButton, "QuickSelect_new").click()
    brush_stroke(qtbot, w, ALONG_RIM)
    rim = selected(doc)
    assert rim[RIM_TOP].mean() > 0.9
    bar.findChild(QToolButton, "QuickSelect_subtract").click()
    brush_stroke(qtbot, w, [(240, 40), (290, 34), (340, 40)])
    assert selected(doc)[RIM_TOP].mean() < 0.4 and tool.mode == "subtract"
    # New again: the stroke starts afresh, the old selection goes (wood only here).
    bar.findChild(QToolButton, "QuickSelect_new").click()
    brush_stroke(qtbot, w, [(40, 300), (60, 330)])
    now = selected(doc)
    assert now[300:330, 40:60].all() and not (now & cup_opening(doc.height, doc.width)).any()


def test_quick_selection_sample_all_layers(qtbot, tmp_path, monkeypatch):
    """On an empty layer above the picture a stroke finds nothing to grow on; with Sample
    All Layers it selects the square the canvas shows."""
    rgb = np.full((120, 160, 3), 140, np.uint8)
    rng = np.random.default_rng(0)
    rgb = np.clip(rgb + rng.normal(0, 6, rgb.shape), 0, 255).astype(np.uint8)
    rgb[30:90, 40:110] = (200, 40, 40)
    w = pasted_window(qtbot, tmp_path, monkeypatch, opaque(rgb), 3.0)
    doc = w.doc
    top = doc.add_image(np.zeros((120, 160, 4), np.uint8), "Empty", 0, 0)
    doc.set_active(top)
    tool = take(w, qtbot, "quick_select")
    tool.set_size(8)
    tool.options().findChild(QToolButton, "QuickSelect_new").click()
    stroke = [(60, 55), (80, 62)]
    brush_stroke(qtbot, w, stroke)
    assert not selected(doc).any()
    box = tool.options().findChild(QCheckBox, "QuickSelect_sample_all")
    box.click()
    assert tool.sample_all
    tool.options().findChild(QToolButton, "QuickSelect_new").click()
    brush_stroke(qtbot, w, stroke)
    truth = np.zeros((120, 160), bool)
    truth[30:90, 40:110] = True
    assert iou(selected(doc), truth) > 0.95


# -- Object Selection ---------------------------------------------------------------------------
def textured_scene() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A shaded orange blob and a blue square on a noisy, striped green-grey ground (240 x
    180); (pixels, blob truth, square truth)."""
    rng = np.random.default_rng(1)
    h, w = 180, 240
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ground = np.stack([90 + 20 * np.sin(xx / 5), 110 + 15 * np.sin((xx + yy) / 7),
                       80 + 10 * np.cos(yy / 4)], -1) + rng.normal(0, 12, (h, w, 3))
    blob = ((xx - 80) / 45) ** 2 + ((yy - 90) / 35) ** 2 + 0.25 * np.sin(xx / 6) <= 1
    shade = (1.0 - 0.35 * (xx - 35) / 90)[..., None]
    colour = np.array([230, 140, 40], np.float32) * shade + rng.normal(0, 6, (h, w, 3))
    rgb = np.where(blob[..., None], colour, ground)
    square = (xx >= 170) & (xx < 215) & (yy >= 40) & (yy < 85)
    rgb[square] = (40, 60, 200)
    return opaque(np.clip(rgb, 0, 255).astype(np.uint8)), blob, square


def test_object_selection_selects_the_object_in_the_box(qtbot, tmp_path, monkeypatch):
    pixels, blob, square = textured_scene()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    doc = w.doc
    tool = take(w, qtbot, "object_select")
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [(25, 45), (80, 90), (135, 135)])   # a loose box round the blob
    qtbot.waitUntil(lambda: doc.history.count > steps, timeout=30000)
    assert doc.history.undo_name() == "Object Selection" and doc.history.count == steps + 1
    assert iou(selected(doc), blob) > 0.9, iou(selected(doc), blob)
    # Shift adds the square, Alt takes the blob away again.
    image_drag(qtbot, w.canvas, [(160, 30), (228, 96)], modifier=SHIFT)
    qtbot.waitUntil(lambda: doc.history.count > steps + 1, timeout=30000)
    assert iou(selected(doc), blob | square) > 0.9
    image_drag(qtbot, w.canvas, [(25, 45), (135, 135)], modifier=ALT)
    qtbot.waitUntil(lambda: doc.history.count > steps + 2, timeout=30000)
    assert iou(selected(doc), square) > 0.9
    assert tool.job is not None
    w.actions["undo"].trigger()
    assert iou(selected(doc), blob | square) > 0.9
    assert w.test_errors == []


def test_w_and_shift_w_cycle_object_quick_selection_and_magic_wand(coffee, qtbot):
    w, canvas = coffee, coffee.canvas
    group = ("object_select", "quick_select", "wand")
    button = w.tool_group_buttons[group]
    assert [a for a in button.menu().actions()] == [w.tool_actions[t] for t in group]
    assert w.actions["cycle_select_tools"].shortcut().toString() == "Shift+W"
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    assert w.tools.current.id == "object_select"
    for tool_id in ("quick_select", "wand", "object_select", "quick_select"):
        qtbot.keyClick(canvas, Qt.Key.Key_W, SHIFT)
        assert w.tools.current.id == tool_id and w.tool_actions[tool_id].isChecked()
        assert button.defaultAction() is w.tool_actions[tool_id]
    # The letter takes the tool the group's place shows.
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    assert w.tools.current.id == "quick_select"
    for tool_id in group:
        assert w.tool_actions[tool_id].text().endswith("(W)")


def test_a_stroke_is_solved_as_a_job_and_lands_in_one_step(coffee, qtbot, monkeypatch):
    """The solve (0.35-0.55 s a stroke on a 12 Mpx photo) runs off the GUI thread as a job;
    the selection changes when it ends, in one undo step."""
    w, doc = coffee, coffee.doc
    tool = take(w, qtbot, "quick_select")
    tool.set_size(16)
    tool.options().findChild(QToolButton, "QuickSelect_new").click()
    gate = Gate(monkeypatch, quick_select, "quick_select")
    steps = doc.history.count
    image_drag(qtbot, w.canvas, ACROSS_COFFEE)
    job = gate.running_job(qtbot, w)
    assert job is not None and job.name == "Quick Selection" and w.jobs.busy
    assert w.jobs.status.isVisible() and w.jobs.cancel_action.isEnabled()
    assert selection_ops.current_mask(doc) is None and doc.history.count == steps
    gate.open()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    truth = cup_opening(doc.height, doc.width)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Quick Selection"
    assert (selected(doc) & truth).sum() > 0.3 * truth.sum() and w.test_errors == []
    w.actions["undo"].trigger()
    assert selection_ops.current_mask(doc) is None


def test_esc_drops_the_solving_stroke_and_those_waiting(coffee, qtbot, monkeypatch):
    w, doc = coffee, coffee.doc
    tool = take(w, qtbot, "quick_select")
    tool.set_size(16)
    tool.options().findChild(QToolButton, "QuickSelect_new").click()
    brush_stroke(qtbot, w, ACROSS_COFFEE)
    before = selection_ops.current_mask(doc).copy()
    box, count, index = doc.selection, doc.history.count, doc.history.index
    gate = Gate(monkeypatch, quick_select, "quick_select")
    image_drag(qtbot, w.canvas, ALONG_RIM)
    job = gate.running_job(qtbot, w)
    image_drag(qtbot, w.canvas, [(120, 250), (250, 240)])  # a second stroke, waiting
    press_esc(qtbot, w)
    assert job.token.cancelled
    gate.open()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    qtbot.wait(50)  # (nothing else comes)
    assert not w.jobs.busy and gate.calls == 1
    assert np.array_equal(selection_ops.current_mask(doc), before) and doc.selection == box
    assert (doc.history.count, doc.history.index) == (count, index)
    assert w.statusBar().currentMessage() == "Quick Selection cancelled."
    assert w.test_errors == []


def test_a_result_the_selection_overtook_is_solved_again(coffee, qtbot, monkeypatch):
    """Deselecting while a stroke solves: its result (grown from the old selection) is
    dropped and the stroke solved again from nothing selected."""
    w, doc = coffee, coffee.doc
    tool = take(w, qtbot, "quick_select")
    tool.set_size(16)
    tool.options().findChild(QToolButton, "QuickSelect_new").click()
    brush_stroke(qtbot, w, [(40, 300), (60, 330)])   # the wood
    wood = selected(doc)
    gate = Gate(monkeypatch, quick_select, "quick_select")
    image_drag(qtbot, w.canvas, ACROSS_COFFEE)
    gate.running_job(qtbot, w)
    w.actions["deselect"].trigger()
    count = doc.history.count
    gate.open()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.history.count == count + 1,
                    timeout=10000)
    now = selected(doc)
    assert gate.calls == 2 and now[115:130, 220:360].all()
    assert not (now & wood)[300:330, 40:60].any()   # not grown from the old selection


def test_a_failed_solve_says_one_line_and_changes_nothing(coffee, qtbot, monkeypatch):
    w, doc = coffee, coffee.doc
    tool = take(w, qtbot, "quick_select")
    tool.set_size(16)

    def fails(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(quick_select, "quick_select", fails)
    ended = []
    w.jobs.job_ended.connect(lambda job: ended.append((job.name, job.state)))
    count = doc.history.count
    image_drag(qtbot, w.canvas, ACROSS_COFFEE)
    qtbot.waitUntil(lambda: not w.jobs.busy and bool(w.test_errors), timeout=10000)
    assert ended == [("Quick Selection", "failed")]  # the job failed, not the window
    assert selection_ops.current_mask(doc) is None and doc.history.count == count
    (title, message), = w.test_errors
    assert title == "Could not select" and message and "\n" not in message
