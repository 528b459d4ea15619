"""Filter > Filter Gallery… through the window: its place in the Filter menu, a filter chosen
in the folders, a setting changed, a second effect layer added, OK as one undo step inside a
soft selection, the large preview, Ctrl+F repeating the whole stack, Fade, Cancel leaving
nothing, the layers' order and eyes, and the gallery as one smart filter."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QListWidget, QPushButton

from editor.model import gallery_filters as gf

from test_ui_extra_filters import assert_cancel_leaves_nothing, reference, texts
from test_ui_filters import set_number, soft_selection
from ui_helpers import ctrl_f, in_modal_dialog

NAME = "PixelDialog_FilterGallery"


def choose(qtbot, dialog, kind: str) -> None:
    """A click on the filter's name in its folder."""
    tree = dialog.tree
    item = dialog.items[kind]
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def chosen(qtbot, dialog, kind: str, numbers=(), combos=()):
    """The gallery's operation after choosing `kind` and setting its rows: `numbers` as
    (field, value) in their boxes, `combos` as (field, data) in their combo boxes."""
    choose(qtbot, dialog, kind)
    for field, value in numbers:
        set_number(dialog, field, value)
    for field, data in combos:
        combo = dialog.findChild(QComboBox, f"Filter_{field}")
        combo.setCurrentIndex(combo.findData(data))
    return dialog.operation()


def click(dialog, name: str) -> None:
    dialog.findChild(QPushButton, name).click()


def layer_names(dialog) -> list[str]:
    layers = dialog.findChild(QListWidget, "GalleryLayers")
    return [layers.item(i).text() for i in range(layers.count())]


def test_filter_gallery_follows_last_filter_in_the_menu(opened):
    items = texts(opened.menus["filter"])
    i = items.index("Filter Gallery…")
    assert items[i - 1] == "Last Filter" and items[i + 1] == "Camera Raw Filter…"


def test_a_stack_of_two_is_one_undo_step_and_ctrl_f_repeats_it(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    coverage = soft_selection(doc)
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        choose(qtbot, dialog, "photocopy")
        assert dialog.findChild(QLabel, "GalleryHeading").text() == "<b>Photocopy</b>"
        set_number(dialog, "darkness", 20)
        click(dialog, "GalleryNew")  # a copy of Photocopy above it...
        choose(qtbot, dialog, "glowing_edges")  # ...made Glowing Edges
        set_number(dialog, "brightness", 10)
        assert layer_names(dialog) == ["Glowing Edges", "Photocopy"]  # the top one first
        op = dialog.operation()
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=20000)
        seen["op"], seen["steps"] = op, doc.history.index
        seen["previewed"] = layer.pixels.copy()
        seen["picture"] = not dialog.findChild(QLabel, "GalleryPreview").pixmap().isNull()

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    op = seen["op"]
    assert [type(o) for o in op.operations()] == [gf.Photocopy, gf.GlowingEdges]
    assert op.operations()[0].darkness == 20 and op.operations()[1].brightness == 10
    expected = reference(before, op, coverage)
    assert seen["steps"] == steps and seen["picture"]
    np.testing.assert_array_equal(seen["previewed"], expected)
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Filter Gallery"
    np.testing.assert_array_equal(layer.pixels[coverage == 0], before[coverage == 0])
    # Photocopy then Glowing Edges is not Glowing Edges alone nor the other order.
    assert not np.array_equal(expected, reference(before, gf.FilterGallery.of(
        op.operations()[::-1]), coverage))
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.undo_name() == "Filter Gallery"
    w.update_actions()
    assert w.actions["fade"].isEnabled()
    assert w.actions["filter_last"].text().replace("&", "") == "Last Filter (Filter Gallery)"
    # Ctrl+F draws the Photocopy layer in the colours of the moment, as the menu would.
    doc.history.undo()
    w.set_foreground(QColor(200, 0, 0))
    ctrl_f(qtbot, w)
    red = op.again((200, 0, 0), (255, 255, 255), 0)
    assert red.operations()[0].foreground == (200, 0, 0)
    np.testing.assert_array_equal(layer.pixels, reference(before, red, coverage))
    assert not np.array_equal(layer.pixels, expected)


def test_cancel_leaves_nothing(opened, qtbot):
    def set_up(dialog):
        choose(qtbot, dialog, "halftone_pattern")
        qtbot.waitUntil(lambda: isinstance(dialog.preview.shown, gf.FilterGallery)
                        and not dialog.preview.busy(), timeout=20000)

    assert_cancel_leaves_nothing(qtbot, opened, opened.actions["filter_gallery"].trigger,
                                 set_up, NAME)


def test_layers_move_hide_and_delete(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        choose(qtbot, dialog, "texturizer")
        for key, value in (("texture", "brick"), ("light", "bottom_right")):  # drop-downs
            combo = dialog.findChild(QComboBox, f"Filter_{key}")
            combo.setCurrentIndex(combo.findData(value))
        click(dialog, "GalleryNew")
        choose(qtbot, dialog, "cutout")
        click(dialog, "GalleryNew")
        choose(qtbot, dialog, "glowing_edges")
        assert layer_names(dialog) == ["Glowing Edges", "Cutout", "Texturizer"]
        click(dialog, "GalleryDown")  # Glowing Edges below Cutout: applied before it
        assert layer_names(dialog) == ["Cutout", "Glowing Edges", "Texturizer"]
        layers = dialog.findChild(QListWidget, "GalleryLayers")
        layers.setCurrentRow(2)  # Texturizer: its eye off
        layers.item(2).setCheckState(Qt.CheckState.Unchecked)
        layers.setCurrentRow(0)
        assert dialog.findChild(QLabel, "GalleryHeading").text() == "<b>Cutout</b>"
        click(dialog, "GalleryNew")
        click(dialog, "GalleryDelete")  # the copy goes again
        # Dragged to the top of the list (the model's move, as a drop makes it) and back.
        layers.model().moveRow(QModelIndex(), 2, QModelIndex(), 0)
        qtbot.waitUntil(lambda: isinstance(dialog.operation().operations()[2], gf.Texturizer))
        assert layer_names(dialog) == ["Texturizer", "Cutout", "Glowing Edges"]
        assert dialog.operation().hidden == (2,)  # its eye went with it
        layers.model().moveRow(QModelIndex(), 0, QModelIndex(), 3)
        qtbot.waitUntil(lambda: isinstance(dialog.operation().operations()[0], gf.Texturizer))
        assert layer_names(dialog) == ["Cutout", "Glowing Edges", "Texturizer"]
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    op = seen["op"]
    assert [type(o) for o in op.operations()] == [gf.Texturizer, gf.GlowingEdges, gf.Cutout]
    assert op.operations()[0] == gf.Texturizer("brick", light="bottom_right")
    assert op.hidden == (0,)
    np.testing.assert_array_equal(
        layer.pixels, reference(before, gf.FilterGallery.of([gf.GlowingEdges(), gf.Cutout()])))
    # The dialog opens again on the stack OK applied (as Photoshop's).
    again = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger,
                            lambda dialog, s: s.update(names=layer_names(dialog), cancel=True),
                            NAME)
    assert again["names"] == ["Cutout", "Glowing Edges", "Texturizer"]


def test_on_a_smart_object_the_stack_is_one_smart_filter(opened, qtbot):
    from test_ui_smart_objects import convert

    w = opened
    smart = convert(w)

    def drive(dialog, seen):
        choose(qtbot, dialog, "poster_edges")
        click(dialog, "GalleryNew")
        choose(qtbot, dialog, "angled_strokes")
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    assert w.test_errors == []
    assert [f.label for f in smart.filters] == ["Filter Gallery"]
    assert smart.filters[0].op == seen["op"]
    # Double-click on its row (Filter Commands' edit): the gallery again, on its stack.
    again = in_modal_dialog(qtbot, lambda: w.filter_commands.edit_smart_filter(smart, 0),
                            lambda dialog, s: s.update(names=layer_names(dialog), cancel=True),
                            NAME)
    assert again["names"] == ["Angled Strokes", "Poster Edges"]
    assert QApplication.activeModalWidget() is None


def test_an_action_records_the_stack_and_plays_it_in_the_gallery(opened, qtbot):
    from test_ui_actions_panel import play, record, step_item

    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    w.actions["panel_actions"].trigger()

    def gallery():
        def drive(dialog, seen):
            choose(qtbot, dialog, "photocopy")
            click(dialog, "GalleryNew")
            choose(qtbot, dialog, "texturizer")
        in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)

    action = record(w, qtbot, "Sketch", gallery)
    assert [s.label for s in action.steps] == ["Filter Gallery"]
    done = layer.pixels.copy()
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    play(w, action)
    qtbot.waitUntil(lambda: doc.history.undo_name() == "Filter Gallery", timeout=20000)
    np.testing.assert_array_equal(layer.pixels, done)
    doc.history.undo()
    step_item(w, action, 0).setCheckState(1, Qt.CheckState.Checked)  # its dialog, on
    seen = in_modal_dialog(qtbot, lambda: play(w, action),
                           lambda dialog, s: s.update(names=layer_names(dialog)), NAME)
    assert seen["names"] == ["Texturizer", "Photocopy"]
    np.testing.assert_array_equal(layer.pixels, done)
