"""Bugs a new user met in a real window (issue 16), driven as that user would."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from editor.model import Document, Group, Layer
from engine.box import Box

from ui_helpers import drag, image_drag, make_window, open_photo, photo

W, H = 96, 64


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


@pytest.fixture
def opened(window, qtbot, tmp_path, monkeypatch):
    open_photo(window, qtbot, tmp_path, monkeypatch, W, H)
    return window


def test_reordering_keeps_the_layer_active(opened, qtbot):
    doc = opened.doc
    a = doc.add_image(photo(8, 8), "A", 0, 0)
    b = doc.add_image(photo(8, 8, "astronaut"), "B", 4, 4)
    bottom = doc.root.children[0]
    panel = opened.layers_panel
    rows = panel.list
    qtbot.waitUntil(lambda: rows.row_of(b) == 0)
    doc.set_blend_mode(b, "multiply")
    opened.canvas.setFocus()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert doc.root.children == [bottom, b, a] and doc.active is b
    qtbot.keyClick(opened.canvas, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert doc.root.children == [b, bottom, a] and doc.active is b  # a second Ctrl+[ works
    qtbot.waitUntil(lambda: rows.row_of(b) == 2)
    assert panel.blend.isEnabled() and panel.blend.currentData() == "multiply"
    opened.actions["undo"].trigger()
    assert doc.root.children == [bottom, b, a] and doc.active is b
    # A drag in the panel too.
    start = rows.row_rect(a).center()
    drag(qtbot, rows, [start, start + QPoint(0, 8), rows.row_rect(bottom).bottomLeft() + QPoint(120, -3)])
    assert doc.root.children == [a, bottom, b] and doc.active is a
    assert panel.blend.isEnabled() and panel.blend.currentData() == "normal"


def test_new_names_count_from_the_highest_number():
    doc = Document(10, 10)
    doc.add_layer(Layer("Background"))
    assert doc.new_layer().name == "Layer 1"
    assert doc.new_layer().name == "Layer 2"
    assert doc.next_layer_name("Group") == "Group 1"
    doc.add_layer(Group("Group 4"))
    assert doc.next_layer_name("Group") == "Group 5"
    assert doc.next_layer_name() == "Layer 3"


def test_marquee_readout_follows_deselect_and_documents(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    readout = opened.tools.current._readout
    image_drag(qtbot, canvas, [(10, 10), (25, 20), (40, 30)])
    assert readout.text() == "X 10  Y 10   W 30  H 20 px"
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection is None and readout.text() == "No selection"
    opened.actions["undo"].trigger()
    assert readout.text() == "X 10  Y 10   W 30  H 20 px"
    opened.add_session(Document(50, 40), "Other")
    assert readout.text() == "No selection"
    opened.show_session(opened.sessions[0])
    assert readout.text() == "X 10  Y 10   W 30  H 20 px"


def test_marquee_readout_names_a_selection_painted_in_quick_mask(opened, qtbot):
    """Marching ants round a Quick Mask selection; the readout must not say "No selection"."""
    doc, canvas = opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    readout = opened.tools.current._readout
    qtbot.keyClick(canvas, Qt.Key.Key_Q)
    image_drag(qtbot, canvas, [(20, 20), (30, 25), (40, 30)])
    qtbot.keyClick(canvas, Qt.Key.Key_Q)
    assert doc.selection is None and doc.selection_mask is not None
    assert readout.text() == "Painted selection (Quick Mask)"
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection_mask is None and readout.text() == "No selection"


def _wheel(widget, delta=-120):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, delta),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_panels_keep_their_rows_when_generate_comes_to_the_front(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch, size=(1600, 1000))
    doc = Document(200, 150)
    doc.add_layer(Layer("Background", photo(200, 150)))
    doc.new_layer()
    window.add_session(doc, "two layers")
    docks, panel = window.docks, window.generate_panel
    qtbot.wait(600)  # the user opens the tab a while after the window appeared
    assert panel.choices is None and panel.model.currentText() == "Looking for models…"
    layers_h, history_h = docks["layers"].height(), docks["history"].height()
    assert layers_h >= 300 and history_h >= 150
    docks["generate"].raise_()
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=3000)
    assert panel.model.count() > 1 and panel.model.isEnabled()  # filled without pressing Generate
    qtbot.wait(50)
    assert abs(docks["layers"].height() - layers_h) <= 2 and abs(docks["history"].height() - history_h) <= 2
    # Both layers' rows show, and the Generate button is on screen inside its dock.
    rows = window.layers_panel.list
    scroll = window.layers_panel.scroll.viewport()
    assert scroll.height() >= 2 * 44 and rows.row_of(doc.root.children[0]) == 1
    button = panel.generate_button
    top_left = button.mapTo(docks["generate"], QPoint(0, 0))
    assert button.isVisible() and 0 <= top_left.y() and \
        top_left.y() + button.height() <= docks["generate"].height()
    # The wheel over the Seed box scrolls the panel, not the seed.
    seed = panel.seed.value()
    bar = panel.scroll.verticalScrollBar()
    before = bar.value()
    _wheel(panel.seed)
    assert panel.seed.value() == seed
    assert bar.maximum() == 0 or bar.value() > before
    docks["properties"].raise_()
    qtbot.wait(50)
    assert docks["layers"].height() >= 300
    # A slightly wrong splitter drag, then Reset Panels gives the default heights back.
    window.resizeDocks([docks["history"], docks["layers"]], [500, 60], Qt.Orientation.Vertical)
    qtbot.wait(50)
    assert docks["layers"].height() < 290  # (squeezed to its least: the list and its controls)
    window.actions["reset_panels"].trigger()
    qtbot.wait(50)
    assert docks["layers"].height() >= 300 and docks["history"].height() >= 150


def test_recipe_reads_as_fields_not_json(opened, qtbot):
    from PySide6.QtWidgets import QLabel

    from editor.ui.properties_panel import recipe_rows

    recipe = {"method": "add_foreground", "model": "runwayml/sd-inpaint", "prompt": "a red ball",
              "negative_prompt": "", "seed": 7, "steps": 20, "guidance": 7.5,
              "box": [10, 12, 30, 20], "timings": {"paint_s": 3.2},
              "models": {"mask": "sam", "matting": "vitmatte"}}
    rows = recipe_rows(recipe)
    assert rows[:3] == [("Method", "add_foreground"), ("Model", "runwayml/sd-inpaint"),
                        ("Prompt", "a red ball")]
    assert ("Box", "30 × 20 px at 10, 12") in rows and ("Guidance", "7.5") in rows
    assert ("Models", "mask: sam, matting: vitmatte") in rows
    assert not any(label in ("Negative", "Timings") for label, _ in rows)
    # A decomposition's steps read as words, not component ids.
    steps = {"mask": "grabcut", "matting": "closed_form", "edges": "colour_line",
             "background": "patchmatch", "hfa": "none"}
    assert ("Steps", "object: GrabCut, edges: closed-form, edge colours: cleaned, "
                     "background: content-aware fill, fine detail: off") in recipe_rows(
        {"method": "decompose", "steps": steps})
    doc = opened.doc
    doc.add_image(photo(8, 8), "Made", 0, 0, recipe=recipe)
    panel = opened.properties_panel
    qtbot.waitUntil(lambda: panel.recipe.isVisibleTo(panel))
    texts = [w.text() for w in panel.recipe.findChildren(QLabel)]
    assert "30 × 20 px at 10, 12" in texts and "a red ball" in texts
    assert not any("{" in t for t in texts)


def test_moving_a_locked_layer_says_so_in_the_status_bar(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = next(doc.layers())
    doc.set_locked(layer, True)
    canvas.set_zoom(2.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(20, 20), (30, 25), (40, 30)])
    assert (layer.x, layer.y) == (0, 0) and opened.test_errors == []
    assert "locked" in opened.statusBar().currentMessage()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert (layer.x, layer.y) == (0, 0) and opened.test_errors == []


def test_a_missing_model_offers_the_models_dialog(opened, qtbot, monkeypatch, tmp_path):
    from editor.jobs import Job

    from engine.errors import MissingModel

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_open_models",
                        lambda parent, title, message: asked.append((title, message)) or True)

    def run(progress):
        from engine.models.locate import find_model

        find_model("runwayml/stable-diffusion-inpainting")

    job = Job("Generate layer", run)
    opened.jobs.submit(job, failure_title="Could not generate the layer")
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert isinstance(job.exception, MissingModel)
    title, message = asked[0]
    assert title == "Could not generate the layer"
    assert "Models dialog" in message and "main.py" not in message  # said for the GUI
    qtbot.waitUntil(lambda: opened.models_dialog is not None and opened.models_dialog.isVisible())
    opened.models_dialog.close()


def test_new_layered_image_lists_the_models_as_the_generate_panel_does(opened, qtbot, monkeypatch):
    from PySide6.QtWidgets import QComboBox

    from editor.ui.decompose_commands import NewLayeredDialog
    from editor.ui.model_list import ADD_MODEL

    dialog = NewLayeredDialog(opened)
    panel = opened.generate_panel
    panel.refresh_models()
    assert isinstance(dialog.model, QComboBox) and not dialog.model.isEditable()
    listed = [dialog.model.itemText(i) for i in range(dialog.model.count())]
    # The Generate panel's inpainting models, labelled the same way (text-to-image models
    # that only paint whole pictures come in addition).
    # BFS models (the built-in one too) need a background, so they cannot paint a whole
    # picture and are not offered there.
    bfs_refs = {c.ref for c in panel.choices if c.method == "bfs"}
    generate = [panel.model.itemText(i) for i in range(panel.model.count())
                if panel.model.itemData(i) not in bfs_refs]
    assert len(generate) < panel.model.count()  # the built-in BFS model was listed there
    assert set(generate) <= set(listed)
    assert dialog.model.itemData(dialog.model.count() - 1) == ADD_MODEL
    assert "Stable Diffusion 1.5 Inpainting (not downloaded)" in listed
    dialog.close()


def test_decompose_on_a_group_says_why(opened, qtbot):
    doc = opened.doc
    opened.actions["new_group"].trigger()
    assert isinstance(doc.active, Group)
    qtbot.wait(10)
    assert opened.actions["decompose"].isEnabled()
    opened.actions["decompose"].trigger()
    assert opened.test_errors and "is a group" in opened.test_errors[-1][1]
    assert opened.jobs.runner.current is None


def test_combo_boxes_show_their_arrow_and_radio_buttons_show_on_the_dark_theme(window, qtbot):
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QComboBox, QRadioButton

    combo = QComboBox()
    combo.addItems(["Normal", "Multiply"])
    combo.resize(160, 26)
    qtbot.addWidget(combo)
    combo.show()
    image = combo.grab().toImage()
    arrow = [QColor(image.pixel(x, y)).lightness() for x in range(image.width() - 18, image.width())
             for y in range(image.height())]
    assert max(arrow) > 150  # a light chevron on the dark box
    radio = QRadioButton("Transparent")
    radio.setChecked(False)
    qtbot.addWidget(radio)
    radio.show()
    image = radio.grab().toImage()
    ring = [QColor(image.pixel(x, y)).lightness() for x in range(0, 16) for y in range(image.height())]
    assert max(ring) > 110  # the empty circle shows against the window colour (lightness ~32)


def test_free_transform_takes_numbers_and_the_canvas_stays_put(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(20, 10, "astronaut"), "Astronaut", 30, 20)
    qtbot.wait(20)
    place = (canvas.mapTo(opened, QPoint(0, 0)), canvas.size(), opened.options_bar.height())
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    tool = opened.tools.current
    assert tool.id == "transform"
    qtbot.wait(20)
    assert (canvas.mapTo(opened, QPoint(0, 0)), canvas.size(), opened.options_bar.height()) == place
    fields = tool._fields
    assert all(f.lineEdit().width() >= 40 for f in fields.values())  # the numbers show
    assert (fields["x"].value(), fields["y"].value(), fields["w"].value(), fields["h"].value()) == \
        (30, 20, 100, 100)
    # W 50 %: H follows (linked), the centre stays.
    fields["w"].setFocus()
    fields["w"].lineEdit().selectAll()
    qtbot.keyClicks(fields["w"].lineEdit(), "50")
    qtbot.keyClick(fields["w"].lineEdit(), Qt.Key.Key_Return)
    p = tool.placement
    assert (p.sx, p.sy, p.cx, p.cy) == (0.5, 0.5, 40, 25) and fields["h"].value() == 50
    # Unlinked, H alone; then X places the left edge; the angle rotates.
    tool._link.setChecked(False)
    fields["h"].setValue(200)
    assert (tool.placement.sx, tool.placement.sy) == (0.5, 2.0)
    fields["x"].setValue(0)
    assert tool.placement.cx == 5
    fields["angle"].setValue(90)
    assert abs(tool.placement.angle - np.pi / 2) < 1e-9
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the angle back
    assert tool.placement.angle == 0 and fields["angle"].value() == 0
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert (layer.x, layer.y, layer.width, layer.height) == (0, 15, 10, 20)
    assert doc.history.undo_name() == "Free Transform"


def test_free_transform_distort_with_ctrl_drag_on_a_corner(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(20, 10, "astronaut"), "Astronaut", 30, 20)
    before = layer.pixels.copy()
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    tool = opened.tools.current
    # Ctrl+drag the top-right corner (50, 20) up and out to (60, 12): only it moves.
    image_drag(qtbot, canvas, [(50, 20), (55, 16), (60, 12)],
               modifier=Qt.KeyboardModifier.ControlModifier)
    assert tool.quad == ((30, 20), (60, 12), (50, 30), (30, 30))
    assert not tool._fields["w"].isEnabled()  # numbers describe affine placements only
    # A plain drag on another corner now distorts too; Ctrl+Z takes it back.
    image_drag(qtbot, canvas, [(50, 30), (52, 31), (54, 32)])
    assert tool.quad[2] == (54, 32)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tool.quad[2] == (50, 30)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None and doc.history.undo_name() == "Free Transform"
    assert layer.bounds() == Box(30, 12, 30, 18)
    # The untouched bottom-left corner keeps its pixel; the moved corner's pixel went along.
    out = layer.canvas_crop(doc.canvas)
    assert np.abs(out[29, 30, :3].astype(int) - before[9, 0, :3]).max() <= 40
    assert out[12, 59, 3] > 0 and out[19, 59, 3] == 0  # the new corner, and outside the edge
    opened.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before) and layer.bounds() == Box(30, 20, 20, 10)


def test_free_transform_perspective_mirrors_the_neighbouring_corner(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(20, 10, "astronaut"), "Astronaut", 30, 20)
    before = layer.pixels.copy()
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    tool = opened.tools.current
    undo_before = doc.history.undo_name()
    # Ctrl+Alt+Shift drag the top-right corner (50, 20) right by 4 (and 1 down, ignored):
    # the top-left corner moves left by 4; the bottom edge stays.
    mods = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.ShiftModifier)
    image_drag(qtbot, canvas, [(50, 20), (52, 20), (54, 21)], modifier=mods)
    assert tool.quad == ((26, 20), (54, 20), (50, 30), (30, 30))
    # Down the right edge: the bottom-right corner moves up as much.
    image_drag(qtbot, canvas, [(54, 20), (54, 21), (54, 22)], modifier=mods)
    assert tool.quad == ((26, 20), (54, 22), (50, 28), (30, 30))
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one drag back
    assert tool.quad == ((26, 20), (54, 20), (50, 30), (30, 30))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None and doc.history.undo_name() == "Free Transform"
    assert layer.bounds() == Box(26, 20, 28, 10)  # a trapezoid, wider on top
    out = layer.canvas_crop(doc.canvas)
    assert out[20, 27, 3] > 0 and out[20, 52, 3] > 0  # the widened top edge is painted
    assert out[29, 28, 3] == 0 and out[29, 51, 3] == 0  # the bottom corners did not move
    opened.actions["undo"].trigger()  # the whole transform is one step
    assert np.array_equal(layer.pixels, before) and layer.bounds() == Box(30, 20, 20, 10)
    assert doc.history.undo_name() == undo_before


def test_edit_transform_perspective_menu_makes_plain_corner_drags_mirror(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    doc.add_image(photo(20, 10, "astronaut"), "Astronaut", 30, 20)
    canvas.set_zoom(4.0)
    opened.actions["perspective"].trigger()
    tool = opened.tools.current
    assert tool.corners == "perspective"
    image_drag(qtbot, canvas, [(30, 30), (28, 30), (26, 30)])  # bottom-left, plain drag
    assert tool.quad == ((30, 20), (50, 20), (54, 30), (26, 30))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    opened.actions["distort"].trigger()
    tool = opened.tools.current
    image_drag(qtbot, canvas, [(30, 30), (28, 30), (26, 31)])
    assert tool.quad == ((30, 20), (50, 20), (50, 30), (26, 31))


_TAB_BARS = r"""
import json, os, sys, time
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QTabBar
app = QApplication(sys.argv)
from editor.app import apply_theme
from editor.ui.main_window import MainWindow
from editor.ui.settings import Settings
apply_theme(app)
settings = Settings(QSettings(sys.argv[1], QSettings.Format.IniFormat))
settings.recovery_dir = sys.argv[2]
settings.warm_up = False
window = MainWindow(settings)
window.resize(1600, 1000)
window.show()
end = time.time() + 1.0
while time.time() < end:
    app.processEvents()
    time.sleep(0.005)
bars = [b for b in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if b.isVisible()]
docks = [d.geometry().getRect() for d in window.docks.values() if d.isVisible()]
print(json.dumps({"bars": [b.geometry().getRect() for b in bars], "docks": docks}))
window.save_layout()
"""


def test_no_stray_dock_tab_bar_shows_over_the_panels(tmp_path):
    """Qt leaves spare tab bars behind when a second group of tabbed docks (Layers | Paths)
    is laid out before the window shows, or a saved layout is restored; one stayed visible
    where it was first put and drew its edge across the History panel. The window as `python
    main.py` starts it, twice (the second start restores the saved layout): the three dock tab
    bars that show (Properties | Generate | Color, History | Navigator | Info, Layers |
    Channels | Paths) each sit right above one of their docks, and no other shows."""
    import json
    import os
    import subprocess
    import sys

    script = tmp_path / "bars.py"
    script.write_text(_TAB_BARS)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=root)
    for start in range(2):
        out = subprocess.run([sys.executable, str(script), str(tmp_path / "settings.ini"),
                              str(tmp_path / "recovery")], env=env, capture_output=True,
                             text=True, timeout=120, cwd=root)
        assert out.returncode == 0, out.stderr
        shown = json.loads(out.stdout.strip().splitlines()[-1])
        assert len(shown["bars"]) == 3, (start, shown)
        for x, y, w, h in shown["bars"]:
            assert any(abs(dy - (y + h)) <= 3 and abs(dx - x) <= 3
                       for dx, dy, _, _ in shown["docks"]), (start, shown)
