"""Commands on the layers chosen in the Layers panel, driven in the real window (rows
clicked, Ctrl+clicked): Copy / Paste Layer Style onto two layers (effects and blending
options, one undo step, from the panel's context menu too), Ctrl+E on three chosen layers
(Merge Layers: the composite of just them, where the topmost was; undo), Arrange > Reverse,
Select > All Layers / Deselect Layers, Find Layers' filter row, and Link Layers: a Move tool
drag moves both, kept through a PSD save and reopen."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from editor.model import Document, Layer
from editor.model.files import open_document, save_document
from editor.model.layer_effects import DropShadow, LayerEffects, Stroke
from editor.model.render import composite_document
from ui_helpers import image_drag, make_window, on_canvas

W, H = 40, 30
CTRL = Qt.KeyboardModifier.ControlModifier


def _square(color, x, y, size=12, alpha=255) -> Layer:
    pixels = np.zeros((size, size, 4), np.uint8)
    pixels[...] = (*color, alpha)
    return Layer("", pixels, x, y)


def scene() -> Document:
    """Background, A, B, C, D, E (bottom to top): overlapping squares, B multiplied, C at
    half opacity, D partly transparent."""
    doc = Document(W, H)
    layers = [Layer("Background", np.full((H, W, 4), 230, np.uint8))]
    for name, color, x, y in (("A", (200, 30, 30), 2, 2), ("B", (30, 200, 30), 8, 6),
                              ("C", (30, 30, 200), 14, 10), ("D", (220, 220, 20), 18, 4),
                              ("E", (20, 200, 220), 26, 16)):
        layer = _square(color, x, y, alpha=160 if name == "D" else 255)
        layer.name = name
        layers.append(layer)
    layers[2].blend_mode = "multiply"
    layers[3].opacity = 128
    for layer in layers:
        layer.parent = doc.root
        doc.root.children.append(layer)
    doc.set_active(layers[-1])
    return doc


def window(qtbot, tmp_path, monkeypatch, doc=None):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.add_session(doc if doc is not None else scene(), "t")
    qtbot.waitUntil(lambda: len(w.layers_panel.list.rows) == len(w.doc.root.children))
    return w


def node(w, name):
    return w.doc.find_by_name(name)


def click_row(w, qtbot, name, modifier=Qt.KeyboardModifier.NoModifier):
    lst = w.layers_panel.list
    lst.rebuild()
    n = node(w, name)
    i = lst.row_of(n)
    assert i >= 0, name
    qtbot.mouseClick(lst, Qt.MouseButton.LeftButton, modifier,
                     lst.name_rect(n, lst.rows[i][1], i).center())
    w.update_actions()


def choose(w, qtbot, *names):
    click_row(w, qtbot, names[0])
    for name in names[1:]:
        click_row(w, qtbot, name, CTRL)
    assert {n.name for n in w.layers_panel.selected_nodes()} == set(names)


def grouped(w, name, names, **settings):
    """The top-level layers `names` (next to each other) moved into a new group `name` where
    the lowest was, made active; the Layers panel rebuilt."""
    from editor.model import Group

    layers = [node(w, n) for n in names]
    group = Group(name, [], **settings)
    w.doc.root.children.insert(layers[0].index(), group)
    group.parent = w.doc.root
    for layer in layers:
        w.doc.root.children.remove(layer)
        layer.parent = group
        group.children.append(layer)
    w.doc.set_active(group)
    w.layers_panel.list.rebuild()
    return group


def shortcut(w, name, keys):
    """The action `name` holds the shortcut `keys`, and is run as the key would."""
    assert QKeySequence(keys) in w.actions[name].shortcuts()
    assert w.actions[name].isEnabled()
    w.actions[name].trigger()


def names(w):
    return [n.name for n in w.doc.root.children]


def test_copy_and_paste_layer_style_onto_two_chosen_layers_in_one_step(qtbot, tmp_path,
                                                                         monkeypatch):
    w = window(qtbot, tmp_path, monkeypatch)
    source = node(w, "A")
    style = LayerEffects(drop_shadows=(DropShadow(True, (0, 0, 90), 70.0, 30.0, 3.0, 0.0, 2.0,
                                                  "multiply", False),),
                         strokes=(Stroke(True, "outside", 2.0, (250, 250, 0), 100.0, "normal"),))
    w.doc.set_effects(source, style)
    w.doc.set_fill_opacity(source, 100)
    w.doc.set_knockout(source, "shallow")
    click_row(w, qtbot, "A")
    assert not w.actions["style_paste"].isEnabled()  # nothing copied yet
    w.actions["style_copy"].trigger()
    choose(w, qtbot, "C", "E")
    before = w.doc.history.count
    # From the Layers panel's context menu, as a right-click on a chosen row opens it.
    menus = []

    def grab():
        popup = QApplication.activePopupWidget()
        menus.append(popup)
        if popup is not None:
            popup.close()

    QTimer.singleShot(100, grab)
    lst = w.layers_panel.list
    i = lst.row_of(node(w, "C"))
    qtbot.mouseClick(lst, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     lst.name_rect(node(w, "C"), 0, i).center())
    paste = next(a for a in menus[0].actions() if a is w.actions["style_paste"])
    assert w.actions["style_copy"] in menus[0].actions() and paste.isEnabled()
    assert {n.name for n in w.layers_panel.selected_nodes()} == {"C", "E"}  # (kept)
    paste.trigger()
    for name in ("C", "E"):
        target = node(w, name)
        assert target.effects == source.effects
        assert (target.fill_opacity, target.knockout) == (100, "shallow")
        assert (target.opacity, target.blend_mode) == (source.opacity, source.blend_mode)
    assert node(w, "D").effects is None
    assert w.doc.history.count == before + 1
    w.actions["undo"].trigger()
    assert node(w, "C").effects is None and node(w, "E").effects is None
    assert node(w, "C").opacity == 128 and node(w, "E").fill_opacity == 255


def test_ctrl_e_with_three_chosen_layers_merges_them_where_the_topmost_was(qtbot, tmp_path,
                                                                            monkeypatch):
    w = window(qtbot, tmp_path, monkeypatch)
    chosen = [node(w, n) for n in ("A", "B", "D")]
    # The reference: a document holding just them, composited by the renderer's reference.
    alone = Document(W, H)
    for n in chosen:
        copy = n.copy()
        copy.parent = alone.root
        alone.root.children.append(copy)
    expected = composite_document(alone)
    choose(w, qtbot, "A", "B", "D")
    assert w.actions["merge_down"].text().replace("&", "") == "Merge Layers"
    before = w.doc.history.count
    shortcut(w, "merge_down", "Ctrl+E")
    assert names(w) == ["Background", "C", "D", "E"]  # where D (the topmost) was
    merged = w.doc.active
    assert merged.name == "D" and merged is not chosen[-1]
    canvas = np.zeros((H, W, 4), np.uint8)
    h, wd = merged.pixels.shape[:2]
    canvas[merged.y:merged.y + h, merged.x:merged.x + wd] = merged.pixels
    assert np.abs(canvas.astype(int) - expected.astype(int)).max() <= 1
    assert (merged.opacity, merged.blend_mode) == (255, "normal")
    assert w.doc.history.count == before + 1
    w.actions["undo"].trigger()
    assert names(w) == ["Background", "A", "B", "C", "D", "E"]
    assert node(w, "B").blend_mode == "multiply"
    # One layer chosen: Ctrl+E stays Merge Down.
    click_row(w, qtbot, "C")
    assert w.actions["merge_down"].text().replace("&", "") == "Merge Down"
    shortcut(w, "merge_down", "Ctrl+E")
    assert names(w) == ["Background", "A", "B", "D", "E"]


def test_reverse_swaps_the_chosen_layers(qtbot, tmp_path, monkeypatch):
    w = window(qtbot, tmp_path, monkeypatch)
    assert not w.actions["reverse_layers"].isEnabled()  # one layer
    choose(w, qtbot, "A", "C", "E")
    assert w.actions["reverse_layers"] in w.menus["arrange"].actions()
    assert w.actions["style_paste"] in w.menus["layer_style"].actions()
    assert w.actions["link_layers"] in w.menus["layer"].actions()
    assert w.actions["reverse_layers"].isEnabled()
    w.actions["reverse_layers"].trigger()
    assert names(w) == ["Background", "E", "B", "C", "D", "A"]
    w.actions["undo"].trigger()
    assert names(w) == ["Background", "A", "B", "C", "D", "E"]


def test_select_all_layers_deselect_layers_and_find_layers(qtbot, tmp_path, monkeypatch):
    w = window(qtbot, tmp_path, monkeypatch)
    assert w.actions["select_all_layers"] in w.menus["select"].actions()
    shortcut(w, "select_all_layers", "Alt+Ctrl+A")
    assert {n.name for n in w.layers_panel.selected_nodes()} == set(names(w))
    assert w.actions["merge_down"].text().replace("&", "") == "Merge Layers"
    w.actions["deselect_layers"].trigger()
    assert w.doc.active is None and w.layers_panel.selected_nodes() == []
    # Find Layers: the filter row focused; typing shows only the names holding the text.
    for n in ("B", "D"):
        w.doc.rename(node(w, n), f"Sky {n}")
    shortcut(w, "find_layers", "Alt+Shift+Ctrl+F")
    field = w.layers_panel.filter_field
    assert w.focusWidget() is field  # (the window's focus; offscreen it is never active)
    qtbot.keyClicks(field, "sky")
    assert [n.name for n, _ in w.layers_panel.list.rows] == ["Sky D", "Sky B"]
    field.clear()
    assert len(w.layers_panel.list.rows) == 6


def test_linked_layers_move_together_and_stay_linked_in_the_psd(qtbot, tmp_path, monkeypatch):
    w = window(qtbot, tmp_path, monkeypatch)
    assert not w.actions["link_layers"].isEnabled()
    choose(w, qtbot, "A", "C")
    w.actions["link_layers"].trigger()
    a, c, e = node(w, "A"), node(w, "C"), node(w, "E")
    assert a.link_group and a.link_group == c.link_group and not e.link_group
    click_row(w, qtbot, "A")  # one layer active: its linked partner moves along
    w.tool_actions["move"].trigger()
    before = w.doc.history.count
    image_drag(qtbot, w.canvas, [(5, 5), (8, 6), (11, 9)])
    assert (a.x, a.y, c.x, c.y, e.x) == (8, 6, 20, 14, 26)
    assert w.doc.history.count == before + 1  # one step
    w.actions["undo"].trigger()
    assert (a.x, a.y, c.x, c.y) == (2, 2, 14, 10)
    path = str(tmp_path / "linked.psd")
    save_document(w.doc, path)
    doc = open_document(path)
    got = {n.name: n.link_group for n in doc.root.children}
    assert got["A"] and got["A"] == got["C"] and not got["E"] and not got["B"]
    # Unlink: both free again (the one left alone too).
    click_row(w, qtbot, "A")
    w.actions["unlink_layers"].trigger()
    assert not a.link_group and not c.link_group


def _opaque_box(layer):
    ys, xs = np.nonzero(layer.pixels[..., 3] > 128)
    return (layer.x + xs.min(), layer.y + ys.min(), xs.max() - xs.min() + 1,
            ys.max() - ys.min() + 1)


def test_free_transform_carries_the_linked_layers(qtbot, tmp_path, monkeypatch):
    """A linked to C: Ctrl+T on A frames both (A at (2, 2), C at (14, 10), 12 px each: the
    frame (2, 2)-(26, 22), centre (14, 12)); W 200 % scales both about that centre while
    the preview shows C where it goes; Enter is one step; E stays; undo puts both back."""
    w = window(qtbot, tmp_path, monkeypatch)
    w.canvas.set_zoom(1.0)
    choose(w, qtbot, "A", "C")
    w.actions["link_layers"].trigger()
    a, c, e = node(w, "A"), node(w, "C"), node(w, "E")
    click_row(w, qtbot, "A")
    e_before = (e.x, e.y, e.pixels.copy())
    steps = w.doc.history.count
    w.actions["free_transform"].trigger()
    tool = w.tools.current
    assert tool.id == "transform" and (tool.w, tool.h) == (24, 20)
    tool._fields["w"].setValue(200.0)
    qtbot.wait(50)
    shown = on_canvas(w.canvas)
    # (32, 29) is inside where C goes, (14..38) x (8..32), outside every layer before: C's
    # blue at its half opacity over the grey background.
    assert np.abs(shown[29, 32] - (130, 130, 215)).max() <= 3, shown[29, 32]
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None
    assert w.doc.history.count == steps + 1 and w.doc.history.undo_name() == "Free Transform"
    assert np.allclose(_opaque_box(a), (-10, -8, 24, 24), atol=1), _opaque_box(a)
    assert np.allclose(_opaque_box(c), (14, 8, 24, 24), atol=1), _opaque_box(c)
    assert (e.x, e.y) == e_before[:2] and np.array_equal(e.pixels, e_before[2])
    w.actions["undo"].trigger()
    assert _opaque_box(a) == (2, 2, 12, 12) and _opaque_box(c) == (14, 10, 12, 12)


def test_free_transform_refuses_a_locked_linked_layer_in_one_line(qtbot, tmp_path,
                                                                  monkeypatch):
    w = window(qtbot, tmp_path, monkeypatch)
    choose(w, qtbot, "A", "C")
    w.actions["link_layers"].trigger()
    node(w, "C").locked = True
    click_row(w, qtbot, "A")
    w.actions["free_transform"].trigger()
    assert w.tools.mode is None
    assert len(w.test_errors) == 1 and "'C', linked to 'A', is locked" in w.test_errors[0][1]


def test_convert_to_smart_object_takes_the_chosen_layers_into_one(qtbot, tmp_path,
                                                                   monkeypatch):
    """D and E chosen (both normal, next to each other): one smart object named E where E
    was, showing the same picture, its contents a PSD of copies of D and E cropped to them
    (Edit Contents opens those two layers); one undo step; a group converts the same way."""
    from editor.model import smart_object
    from editor.model.smart_object import SmartObjectLayer

    w = window(qtbot, tmp_path, monkeypatch)
    before = composite_document(w.doc)
    choose(w, qtbot, "D", "E")
    steps = w.doc.history.count
    w.actions["convert_to_smart_object"].trigger()
    assert not w.test_errors
    names = [n.name for n in w.doc.root.children]
    assert names == ["Background", "A", "B", "C", "E"]
    smart = node(w, "E")
    assert isinstance(smart, SmartObjectLayer) and w.doc.active is smart
    assert (smart.x, smart.y, smart.pixels.shape[:2]) == (18, 4, (24, 20))  # D's and E's box
    assert w.doc.history.count == steps + 1
    assert w.doc.history.undo_name() == "Convert to Smart Object"
    assert np.abs(composite_document(w.doc).astype(int) - before.astype(int)).max() <= 1
    inside = smart_object.contents_document(w.doc, smart)
    assert [n.name for n in inside.root.children] == ["D", "E"]
    assert inside.size == (20, 24) and (inside.root.children[1].x, inside.root.children[1].y) \
        == (8, 12)
    w.actions["undo"].trigger()
    assert [n.name for n in w.doc.root.children] == ["Background", "A", "B", "C", "D", "E"]
    # A group alone.
    grouped(w, "G", ["B", "C"])
    click_row(w, qtbot, "G")
    w.actions["convert_to_smart_object"].trigger()
    assert not w.test_errors
    smart = node(w, "G")
    assert isinstance(smart, SmartObjectLayer)
    inside = smart_object.contents_document(w.doc, smart)
    assert [n.name for n in inside.root.children] == ["G"]
    assert [n.name for n in inside.root.children[0].children] == ["B", "C"]


def test_ctrl_e_on_a_group_merges_it_keeping_its_mode(qtbot, tmp_path, monkeypatch):
    """Merge Group: D and E in group G (Multiply, opacity 200): Ctrl+E makes one layer "G",
    Multiply, where the group was, the picture the same; one undo step puts the group back."""
    from editor.model import Group

    w = window(qtbot, tmp_path, monkeypatch)
    grouped(w, "G", ["D", "E"], blend_mode="multiply", opacity=200)
    before = composite_document(w.doc).astype(int)
    click_row(w, qtbot, "G")
    w.update_actions()
    assert w.actions["merge_down"].isEnabled()
    assert w.actions["merge_down"].text().replace("&", "") == "Merge Group"
    w.actions["merge_down"].trigger()
    assert not w.test_errors
    merged = node(w, "G")
    assert isinstance(merged, Layer) and merged.blend_mode == "multiply"
    assert [n.name for n in w.doc.root.children] == ["Background", "A", "B", "C", "G"]
    assert w.doc.history.undo_name() == "Merge Group"
    assert np.abs(composite_document(w.doc).astype(int) - before).max() <= 1
    w.actions["undo"].trigger()
    assert isinstance(node(w, "G"), Group) and [n.name for n in node(w, "G").children] == \
        ["D", "E"]


def test_delete_hidden_layers_and_rasterize_layer_style(qtbot, tmp_path, monkeypatch):
    """Layer > Delete Hidden Layers takes every hidden layer in one step; Layer > Rasterize >
    Layer Style draws A's Stroke into its pixels: the same picture, no style left."""
    w = window(qtbot, tmp_path, monkeypatch)
    node(w, "B").visible = node(w, "D").visible = False
    w.actions["delete_hidden"].trigger()
    assert [n.name for n in w.doc.root.children] == ["Background", "A", "C", "E"]
    assert w.doc.history.undo_name() == "Delete Hidden Layers"
    assert "Deleted 2 hidden layers" in w.statusBar().currentMessage()
    w.actions["undo"].trigger()
    assert [n.name for n in w.doc.root.children] == ["Background", "A", "B", "C", "D", "E"]
    a = node(w, "A")
    a.effects = LayerEffects(strokes=(Stroke(size=3, color=(10, 10, 10)),))
    click_row(w, qtbot, "A")
    w.update_actions()
    assert w.actions["rasterize_style"].isEnabled()
    assert w.actions["rasterize_style"] in w.menus["rasterize"].actions()
    before = composite_document(w.doc).astype(int)
    w.actions["rasterize_style"].trigger()
    assert not w.test_errors
    plain = node(w, "A")
    assert plain.effects is None and plain.pixels.shape[:2] == (18, 18)  # grown by the stroke
    assert w.doc.history.undo_name() == "Rasterize Layer Style"
    assert np.abs(composite_document(w.doc).astype(int) - before).max() <= 1
    w.update_actions()
    assert not w.actions["rasterize_style"].isEnabled()
