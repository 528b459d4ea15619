"""Smart Filters in the editor: a filter from the Filter menu on a smart object becomes a
smart filter (its rows in the Layers panel) instead of being refused; its eye hides its
effect, a double-click edits its settings, its menu deletes it, Clear Smart Filters takes
them all off (each one undo step); a transform runs it again on the contents (10 % then
100 % gives the very pixels of the blur on the original); Rasterize bakes it; a PSD saved
and opened again keeps the list."""
from __future__ import annotations

import shutil

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu, QSpinBox

from editor.model import filter_ops
from editor.model.document import Document
from engine.box import Box
from editor.model.layers import Layer
from editor.model.more_filters import FILTERS
from editor.model.smart_object import SmartObjectLayer
from editor.ui.layers_panel import EYE_W, ROW_H
from editor.ui.smart_filter_rows import FilterRow
from test_ui_filters import run_dialog, set_number
from test_ui_smart_objects import convert, transform_by_width
from ui_helpers import in_modal_dialog


def blurred(pixels: np.ndarray, x: int, y: int, size, radius: float) -> Layer:
    """`pixels` blurred on a plain layer of a document of `size` (the Filter menu's path
    for pixel layers): what a Gaussian Blur smart filter must show."""
    doc = Document(*size)
    layer = doc.add_image(pixels.copy(), "plain", x, y)
    filter_ops.apply(doc, FILTERS["gaussian_blur"](radius=radius), layer)
    layer.document = doc  # (for a further filter on it)
    return layer


def same(layer, expected) -> bool:
    return layer.bounds() == expected.bounds() and np.array_equal(layer.pixels, expected.pixels)


def blur_smart_object(w, qtbot, radius: float) -> SmartObjectLayer:
    """Convert to Smart Object, then Filter > Blur > Gaussian Blur at `radius`, OK."""
    smart = convert(w)
    run_dialog(qtbot, w, "filter_gaussian_blur",
               lambda dialog, seen: set_number(dialog, "radius", radius))
    assert w.test_errors == []
    return smart


def find_edges(w, qtbot, smart) -> None:
    """Filter > Stylize > Find Edges (no dialog: it runs as a job)."""
    count = len(smart.filters)
    w.actions["filter_find_edges"].trigger()
    qtbot.waitUntil(lambda: len(smart.filters) == count + 1, timeout=10000)
    assert w.test_errors == []


def panel_rows(w) -> list:
    return [(r.label if isinstance(r, FilterRow) else r.name) for r, _ in w.layers_panel.list.rows]


def row_point(w, row: int, x: int) -> QPoint:
    return QPoint(x, row * ROW_H + ROW_H // 2)


def filter_row(w, label: str) -> int:
    rows = w.layers_panel.list.rows
    return next(i for i, (r, _) in enumerate(rows)
                if isinstance(r, FilterRow) and r.index is not None and r.label == label)



def save_and_open_a_copy(w, qtbot, monkeypatch, doc, out: str, copy: str) -> None:
    """File > Save of `doc` to `out`, then File > Open of a copy of that file (a second tab)."""
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: out)
    w.actions["save"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    shutil.copyfile(out, copy)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [copy])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)

def test_a_filter_on_a_smart_object_becomes_a_smart_filter(opened, qtbot):
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original, x, y = layer.pixels.copy(), layer.x, layer.y
    smart = blur_smart_object(w, qtbot, 2.0)
    # Not refused, not rasterized: the same smart object, its filter kept as settings.
    assert doc.active is smart and isinstance(smart, SmartObjectLayer)
    assert [f.label for f in smart.filters] == ["Gaussian Blur"]
    assert smart.filters[0].op == FILTERS["gaussian_blur"](radius=2.0)
    assert doc.history.undo_name() == "Gaussian Blur"
    assert same(smart, blurred(original, x, y, doc.size, 2.0))
    qtbot.waitUntil(lambda: panel_rows(w) == [smart.name, "Smart Filters", "Gaussian Blur"])
    # Undo takes the smart filter off, redo puts it back.
    w.actions["undo"].trigger()
    assert smart.filters == () and np.array_equal(smart.pixels, original)
    qtbot.waitUntil(lambda: panel_rows(w) == [smart.name])
    w.actions["redo"].trigger()
    assert len(smart.filters) == 1 and same(smart, blurred(original, x, y, doc.size, 2.0))
    # A second filter goes on top (listed first), run on what the first made.
    find_edges(w, qtbot, smart)
    assert [f.label for f in smart.filters] == ["Gaussian Blur", "Find Edges"]
    qtbot.waitUntil(lambda: panel_rows(w) == [smart.name, "Smart Filters", "Find Edges",
                                              "Gaussian Blur"])
    expected = blurred(original, x, y, doc.size, 2.0)
    filter_ops.apply(expected.document, FILTERS["find_edges"](), expected)
    assert same(smart, expected)
    # Adjustments other than Shadows/Highlights are refused on it, as Photoshop's are.
    w.actions["adjust_invert"].trigger()
    assert len(w.test_errors) == 1 and "smart object" in w.test_errors[0][1]
    assert len(smart.filters) == 2


def test_eye_delete_and_clear_are_undo_steps(opened, qtbot):
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    smart = blur_smart_object(w, qtbot, 2.0)
    shown = smart.pixels.copy()
    panel = w.layers_panel.list
    qtbot.waitUntil(lambda: len(panel.rows) == 3)
    # The eye of the filter's row hides its effect: the contents as they are (one step).
    steps = doc.history.index
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=row_point(w, filter_row(w, "Gaussian Blur"), EYE_W // 2))
    assert not smart.filters[0].visible and np.array_equal(smart.pixels, original)
    assert doc.history.index == steps + 1
    w.actions["undo"].trigger()
    assert smart.filters[0].visible and np.array_equal(smart.pixels, shown)
    # Its context menu: Delete Smart Filter.
    def choose():
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        (action,) = [a for a in menu.actions() if a.text() == "Delete Smart Filter"]
        menu.close()
        action.trigger()

    QTimer.singleShot(50, choose)
    qtbot.mouseClick(panel, Qt.MouseButton.RightButton, pos=row_point(w, filter_row(w, "Gaussian Blur"), 100))
    assert smart.filters == () and np.array_equal(smart.pixels, original)
    assert doc.history.undo_name() == "Delete Smart Filter" and w.test_errors == []
    qtbot.waitUntil(lambda: len(panel.rows) == 1)
    w.actions["undo"].trigger()
    assert len(smart.filters) == 1 and np.array_equal(smart.pixels, shown)
    # Layer > Smart Filter > Clear Smart Filters.
    w.update_actions()
    assert w.actions["clear_smart_filters"].isEnabled()
    w.actions["clear_smart_filters"].trigger()
    assert smart.filters == () and np.array_equal(smart.pixels, original)
    assert doc.history.undo_name() == "Clear Smart Filters"
    w.actions["undo"].trigger()
    assert len(smart.filters) == 1


def test_double_click_on_a_smart_filter_edits_its_settings(opened, qtbot):
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original, x, y = layer.pixels.copy(), layer.x, layer.y
    smart = blur_smart_object(w, qtbot, 2.0)
    panel = w.layers_panel.list
    qtbot.waitUntil(lambda: len(panel.rows) == 3)
    seen_radius = []

    def drive(dialog, seen):
        seen_radius.append(dialog.findChild(object, "Filter_radius").value())
        set_number(dialog, "radius", 4.0)

    def inside(dialog, seen):
        drive(dialog, seen)

    steps = doc.history.index
    in_modal_dialog(qtbot, lambda: qtbot.mouseDClick(
        panel, Qt.MouseButton.LeftButton, pos=row_point(w, filter_row(w, "Gaussian Blur"), 100)),
        inside, "PixelDialog_GaussianBlur")
    assert seen_radius == [2.0]  # the dialog opened with its settings
    assert smart.filters[0].op == FILTERS["gaussian_blur"](radius=4.0)
    assert doc.history.index == steps + 1 and w.test_errors == []
    assert same(smart, blurred(original, x, y, doc.size, 4.0))
    w.actions["undo"].trigger()
    assert smart.filters[0].op == FILTERS["gaussian_blur"](radius=2.0)
    assert same(smart, blurred(original, x, y, doc.size, 2.0))


def test_scaled_down_and_up_a_smart_filter_is_run_again_on_the_contents(opened, qtbot):
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original, x, y = layer.pixels.copy(), layer.x, layer.y
    smart = blur_smart_object(w, qtbot, 2.0)
    expected = blurred(original, x, y, doc.size, 2.0)
    w.activateWindow()  # (the dialog had the keyboard: Ctrl+T goes to the window again)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    transform_by_width(w, qtbot, 10)
    assert smart.bounds().w < 30 and len(smart.filters) == 1
    transform_by_width(w, qtbot, 100)
    assert same(smart, expected)  # the blur of the original, exactly
    # Rasterize bakes the filter: a plain layer with those pixels.
    w.update_actions()
    w.actions["rasterize_smart_object"].trigger()
    (plain,) = doc.layers()
    assert type(plain) is Layer and same(plain, expected)


def test_a_saved_psd_keeps_the_smart_filters(opened, qtbot, tmp_path, monkeypatch):
    w, doc = opened, opened.doc
    smart = blur_smart_object(w, qtbot, 2.0)
    find_edges(w, qtbot, smart)
    qtbot.mouseClick(w.layers_panel.list, Qt.MouseButton.LeftButton,
                     pos=row_point(w, filter_row(w, "Find Edges"), EYE_W // 2))
    shown, filters = smart.pixels.copy(), smart.filters
    assert [f.visible for f in filters] == [True, False]
    out = str(tmp_path / "filtered.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: out)
    w.actions["save"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    copy = str(tmp_path / "copy.psd")  # (a file already open is only brought to the front)
    shutil.copyfile(out, copy)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [copy])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)
    (again,) = w.doc.layers()
    assert isinstance(again, SmartObjectLayer) and again.filters == filters
    assert np.array_equal(again.pixels, shown)
    qtbot.waitUntil(lambda: panel_rows(w) == [again.name, "Smart Filters", "Find Edges",
                                              "Gaussian Blur"])
    # Its filters still act: showing Find Edges again runs it on the reopened contents.
    qtbot.mouseClick(w.layers_panel.list, Qt.MouseButton.LeftButton,
                     pos=row_point(w, filter_row(w, "Find Edges"), EYE_W // 2))
    assert again.filters[1].visible and not np.array_equal(again.pixels, shown)


def test_blending_options_and_shadows_highlights(opened, qtbot):
    """A smart filter's Blending Options (its context menu) mix it over what it filtered;
    Shadows/Highlights, the adjustment Photoshop allows as a smart filter, becomes one."""
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original, x, y = layer.pixels.copy(), layer.x, layer.y
    smart = blur_smart_object(w, qtbot, 2.0)
    full = blurred(original, x, y, doc.size, 2.0)
    panel = w.layers_panel.list
    qtbot.waitUntil(lambda: len(panel.rows) == 3)

    seen = {}

    def set_half():  # in the Blending Options dialog: Opacity 50 %, OK
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = dialog.objectName()
        dialog.findChild(QSpinBox, "SmartBlendingOpacity").setValue(50)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    def choose():  # in the row's context menu
        menu = QApplication.activePopupWidget()
        (action,) = [a for a in menu.actions() if a.text() == "Edit Smart Filter Blending Options…"]
        menu.close()
        QTimer.singleShot(0, set_half)
        action.trigger()

    QTimer.singleShot(50, choose)
    qtbot.mouseClick(panel, Qt.MouseButton.RightButton,
                     pos=row_point(w, filter_row(w, "Gaussian Blur"), 100))
    assert seen["dialog"] == "SmartBlendingDialog"
    assert (smart.filters[0].mode, smart.filters[0].opacity) == ("normal", 0.5)
    assert doc.history.undo_name() == "Smart Filter Blending Options"
    # Half the blur over the unblurred pixels (opaque inside the photo: a plain mix).
    inside = original.astype(float)
    blur = full.canvas_crop(smart.bounds().intersect(layer.bounds())).astype(float)
    box = smart.bounds().intersect(layer.bounds())
    got = smart.canvas_crop(box).astype(float)
    want = (inside[box.translate(-x, -y).slices()] + blur) / 2
    assert np.abs(got[..., :3] - want[..., :3]).max() <= 1
    assert not np.array_equal(smart.pixels, full.pixels)
    w.actions["undo"].trigger()
    assert smart.filters[0].opacity == 1.0 and same(smart, full)

    in_modal_dialog(qtbot, w.actions["adjust_shadows_highlights"].trigger, lambda d, s: None,
                    "PixelDialog_ShadowsHighlights")
    assert w.test_errors == []
    assert [f.label for f in smart.filters] == ["Gaussian Blur", "Shadows/Highlights"]


def test_the_smart_filters_mask_hides_and_reveals_their_effect(opened, qtbot, tmp_path,
                                                                monkeypatch):
    """The Smart Filters row's menu: Hide All (the contents as they are), Reveal All; a
    new filter under Hide All is hidden too; the mask is kept in a PSD."""
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    smart = blur_smart_object(w, qtbot, 2.0)
    shown = smart.pixels.copy()
    assert smart.filter_mask is not None and smart.filter_mask.default == 255
    panel = w.layers_panel.list
    qtbot.waitUntil(lambda: len(panel.rows) == 3)

    def menu_item(text):
        def choose():
            menu = QApplication.activePopupWidget()
            (action,) = [a for a in menu.actions() if a.text() == text]
            menu.close()
            action.trigger()

        QTimer.singleShot(50, choose)
        qtbot.mouseClick(panel, Qt.MouseButton.RightButton, pos=row_point(w, 1, 100))
        assert w.test_errors == []

    menu_item("Hide All")
    assert smart.filter_mask.default == 0 and np.array_equal(smart.pixels, original)
    assert doc.history.undo_name() == "Filter Mask: Hide All"
    find_edges(w, qtbot, smart)  # under Hide All: no effect either
    assert np.array_equal(smart.pixels, original)
    out = str(tmp_path / "hidden.psd")
    save_and_open_a_copy(w, qtbot, monkeypatch, doc, out, str(tmp_path / "copy.psd"))
    (again,) = w.doc.layers()
    assert again.filter_mask.default == 0 and len(again.filters) == 2
    w.show_session(w.sessions[0])
    assert w.doc is doc
    qtbot.waitUntil(lambda: len(panel.rows) == 4)
    menu_item("Reveal All")
    assert smart.filter_mask.default == 255 and not np.array_equal(smart.pixels, original)
    expected = blurred(original, layer.x, layer.y, doc.size, 2.0)
    filter_ops.apply(expected.document, FILTERS["find_edges"](), expected)
    assert same(smart, expected)
    w.actions["undo"].trigger()
    assert smart.filter_mask.default == 0 and np.array_equal(smart.pixels, original)
    w.actions["undo"].trigger()  # the Find Edges
    w.actions["undo"].trigger()  # the Hide All
    assert smart.filter_mask.default == 255 and np.array_equal(smart.pixels, shown)


def filter_mask_thumb(w) -> QPoint:
    """The middle of the Smart Filters row's mask thumbnail in the Layers panel."""
    from editor.ui.layers_panel import INDENT, THUMB
    from editor.ui.smart_filter_rows import mask_thumb_rect

    panel = w.layers_panel.list
    i, depth = next((i, d) for i, (r, d) in enumerate(panel.rows)
                    if isinstance(r, FilterRow) and r.index is None)
    return mask_thumb_rect(QRect(0, i * ROW_H, panel.width(), ROW_H), depth, EYE_W, INDENT,
                           THUMB).center()


def mixed(base: np.ndarray, blur: np.ndarray, grey: int) -> np.ndarray:
    """Opaque `blur` over opaque `base` where a mask of `grey` reveals it."""
    return base.astype(float) + (blur.astype(float) - base.astype(float)) * grey / 255


def test_the_smart_filters_mask_is_painted_as_a_layer_mask(opened, qtbot, tmp_path,
                                                           monkeypatch):
    """Clicking the Smart Filters mask's thumbnail targets it (as a layer mask's); the Brush
    paints black on it over the left half: there the unblurred contents show, the right
    half stays blurred; one undo step per stroke, and the layer's pixels are not painted.
    Edit > Fill with 50 % Gray mixes the two; Shift+click disables the mask; Alt+click
    shows it alone; the Move tool moves it with the layer; a saved PSD keeps the painted
    mask and the same pixels, and it is painted on again after the reopen."""
    from PySide6.QtGui import QColor

    from editor.model.render_nodes import composite_document
    from editor.ui.edit_commands import FillDialog
    from ui_helpers import image_drag

    w, doc, canvas = opened, opened.doc, opened.canvas
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    box = layer.bounds()  # (the photo: opaque everywhere on the canvas)
    smart = blur_smart_object(w, qtbot, 3.0)
    blur = smart.canvas_crop(box).copy()
    assert not np.array_equal(blur, original)
    panel = w.layers_panel.list
    qtbot.waitUntil(lambda: len(panel.rows) == 3)
    # Click the mask's thumbnail: the filter mask is targeted, not the layer's pixels.
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=filter_mask_thumb(w))
    assert doc.active is smart and doc.mask_targeted and doc.targeted_mask() is smart.filter_mask
    assert smart.mask is None  # (no layer mask was made)
    contents = smart.contents
    # The Brush, black, over the left half (the selection keeps it there).
    doc.set_selection(Box(0, 0, 48, 64))
    canvas.set_zoom(4.0)
    canvas.setFocus()
    w.tool_actions["brush"].trigger()
    brush = w.tools.current
    brush.set_size(40)
    brush.set_hardness(1.0)
    w.set_foreground(QColor(0, 0, 0))
    steps = doc.history.index
    image_drag(qtbot, canvas, [(10, 5), (10, 35), (10, 60), (35, 60), (35, 30), (35, 5)])
    assert w.test_errors == []
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Brush Tool"
    assert smart.contents is contents and smart.filters[0].op.radius == 3.0
    mask = smart.filter_mask
    assert mask.raw_crop(Box(0, 0, 48, 64)).max() == 0 and mask.raw_crop(Box(48, 0, 48, 64)).min() == 255
    painted = smart.canvas_crop(box)
    np.testing.assert_array_equal(painted[:, :48], original[:, :48])  # unblurred
    np.testing.assert_array_equal(painted[:, 50:], blur[:, 50:])      # blurred
    # The canvas shows it too.
    w.session.renderer.update()
    assert np.array_equal(composite_document(doc)[:, :48, :3], original[:, :48, :3])
    # Undo: the blur everywhere again; redo: painted again.
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(smart.canvas_crop(box), blur)
    w.actions["redo"].trigger()
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)

    # Edit > Fill, 50 % Gray, over the whole mask: half the blur everywhere.
    doc.set_selection(None)

    def accept():
        dialog = next(d for d in w.findChildren(FillDialog) if d.isVisible())
        dialog.contents.setCurrentIndex(dialog.contents.findData("gray"))
        dialog.opacity.setValue(100)
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, accept)
    w.update_actions()
    w.actions["fill"].trigger()  # (Edit > Fill…)
    assert w.test_errors == [] and doc.history.undo_name() == "Fill"
    assert (mask.raw_crop(doc.canvas) == 128).all()
    half = smart.canvas_crop(box)
    assert np.abs(half[..., :3] - mixed(original, blur, 128)[..., :3]).max() <= 1
    assert not np.array_equal(half, blur) and not np.array_equal(half, original)
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)

    # Shift+click: the mask disabled (the blur everywhere), again: enabled.
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=filter_mask_thumb(w))
    assert not mask.enabled and doc.history.undo_name() == "Disable Filter Mask"
    np.testing.assert_array_equal(smart.canvas_crop(box), blur)
    w.actions["undo"].trigger()
    assert mask.enabled
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)
    # Properties: the FILTER MASK's Density at 50 %: the left half half blurred (one step).
    from PySide6.QtWidgets import QSpinBox as SpinBox

    density = w.findChild(SpinBox, "PropFilterMaskDensity")
    qtbot.waitUntil(lambda: density.isVisibleTo(density.window()), timeout=3000)
    density.setValue(50)
    assert mask.density == 128 and doc.history.undo_name() == "Change Mask Density"
    left = smart.canvas_crop(box)[:, :44, :3].astype(float)
    want = mixed(blur, original, 128)[:, :44, :3]  # (hides at half strength)
    assert np.abs(left - want).max() <= 1
    w.actions["undo"].trigger()
    assert mask.density == 255
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)
    # Alt+click: the mask alone on the canvas (black left, white right), again: the image.
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                     pos=filter_mask_thumb(w))
    renderer = w.session.renderer
    assert renderer.mask_view is smart
    renderer.update()
    view = renderer.composite.array
    assert view[10, 10, :3].max() == 0 and view[10, 80, :3].min() == 255
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                     pos=filter_mask_thumb(w))
    assert renderer.mask_view is None
    # The Move tool moves the mask with the smart object (linked, as a layer mask).
    w.tool_actions["move"].trigger()
    x0 = mask.x
    image_drag(qtbot, canvas, [(60, 30), (65, 30), (70, 30)])
    assert w.test_errors == [] and doc.history.undo_name() == "Move"
    assert smart.filter_mask.x == x0 + 10
    np.testing.assert_array_equal(smart.canvas_crop(box.translate(10, 0)), painted)
    w.actions["undo"].trigger()
    assert smart.filter_mask.x == x0
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)
    # Edit > Transform > Flip Horizontal: the mask flips with it (the blur now on the left).
    w.actions["flip_h"].trigger()
    assert w.test_errors == []
    flipped = smart.filter_mask
    assert flipped.raw_crop(Box(52, 0, 44, 64)).max() == 0 and flipped.raw_crop(Box(0, 0, 44, 64)).min() == 255
    mirror = smart.canvas_crop(box)
    np.testing.assert_array_equal(mirror[:, 52:], original[:, ::-1][:, 52:])  # unblurred
    w.actions["undo"].trigger()
    assert smart.filter_mask is mask
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)
    # Free Transform to 50 % (about its centre): the mask is scaled along, its black half
    # still over the smart object's left half (now x 24..48, y 16..48).
    from test_ui_smart_objects import width_field

    w.update_actions()
    w.actions["free_transform"].trigger()  # (Edit > Free Transform; W typed, Enter)
    spin = width_field(w)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "50")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and w.test_errors == []
    scaled = smart.filter_mask
    assert smart.bounds().w < 80 and scaled is not mask  # (48 wide, the blur beyond)
    assert scaled.raw_crop(Box(26, 20, 20, 24)).max() <= 10
    assert scaled.raw_crop(Box(50, 20, 20, 24)).min() >= 245
    w.actions["undo"].trigger()
    assert smart.filter_mask is mask
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)
    # A filter with the mask targeted filters the mask (no second smart filter): its edge
    # softened, the pixels there a mix.
    run_dialog(qtbot, w, "filter_gaussian_blur",
               lambda dialog, seen: set_number(dialog, "radius", 3.0))
    assert w.test_errors == [] and len(smart.filters) == 1
    edge = smart.filter_mask.raw_crop(Box(44, 30, 8, 1))[0]
    assert 0 < edge[3] < 255 and 0 < edge[4] < 255
    assert not np.array_equal(smart.canvas_crop(box), painted)
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(smart.canvas_crop(box), painted)

    # Saved and opened again: the painted mask and the same pixels.
    out = str(tmp_path / "painted.psd")
    save_and_open_a_copy(w, qtbot, monkeypatch, doc, out, str(tmp_path / "copy.psd"))
    (again,) = w.doc.layers()
    assert isinstance(again, SmartObjectLayer) and again.filters == smart.filters
    np.testing.assert_array_equal(again.filter_mask.raw_crop(w.doc.canvas),
                                  mask.raw_crop(doc.canvas))
    np.testing.assert_array_equal(again.canvas_crop(box), painted)
    # Its mask is still painted on: white over the left half brings the blur back there.
    qtbot.waitUntil(lambda: len(w.layers_panel.list.rows) == 3)
    qtbot.mouseClick(w.layers_panel.list, Qt.MouseButton.LeftButton, pos=filter_mask_thumb(w))
    assert w.doc.targeted_mask() is again.filter_mask
    w.doc.set_selection(Box(0, 0, 48, 64))
    w.set_foreground(QColor(255, 255, 255))
    w.canvas.set_zoom(4.0)
    w.tool_actions["brush"].trigger()
    w.tools.current.set_size(40)
    image_drag(qtbot, w.canvas, [(10, 5), (10, 35), (10, 60), (35, 60), (35, 30), (35, 5)])
    assert w.test_errors == []
    np.testing.assert_array_equal(again.canvas_crop(box), blur)
    # Clear Smart Filters takes the mask off too: the tools target the pixels again.
    assert w.doc.mask_targeted
    w.update_actions()
    w.actions["clear_smart_filters"].trigger()
    assert again.filter_mask is None and not w.doc.mask_targeted
    w.actions["undo"].trigger()
    assert again.filter_mask is not None and again.filters == smart.filters


def test_the_filter_mask_is_unlinked_and_linked_again(opened, qtbot, tmp_path, monkeypatch):
    """The chain left of the Smart Filters mask's thumbnail unlinks the mask (one undo step):
    the Move tool then moves the smart object without it; the row's menu Link Filter Mask
    and Layer > Smart Filter > Link / Unlink Filter Mask toggle it too; linked again, it
    moves along; a saved PSD keeps it unlinked."""
    from editor.ui.layers_panel import INDENT, THUMB
    from editor.ui.smart_filter_rows import link_rect
    from ui_helpers import image_drag

    w, doc, canvas = opened, opened.doc, opened.canvas
    smart = blur_smart_object(w, qtbot, 2.0)
    mask = smart.filter_mask
    panel = w.layers_panel.list
    qtbot.waitUntil(lambda: len(panel.rows) == 3)
    assert mask.linked
    i, depth = next((i, d) for i, (r, d) in enumerate(panel.rows)
                    if isinstance(r, FilterRow) and r.index is None)
    chain = link_rect(QRect(0, i * ROW_H, panel.width(), ROW_H), depth, EYE_W, INDENT, THUMB)
    steps = doc.history.index
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=chain.center())
    assert w.test_errors == []
    assert not smart.filter_mask.linked and doc.history.index == steps + 1
    assert doc.history.undo_name() == "Change Mask Linked"
    # Unlinked: the Move tool moves the smart object, the mask stays where it is.
    w.tool_actions["move"].trigger()
    canvas.set_zoom(4.0)
    x0, mask_x = smart.x, mask.x
    image_drag(qtbot, canvas, [(60, 30), (65, 30), (70, 30)])
    assert w.test_errors == [] and doc.history.undo_name() == "Move"
    assert smart.x == x0 + 10 and smart.filter_mask.x == mask_x
    w.actions["undo"].trigger()
    assert smart.x == x0 and not smart.filter_mask.linked

    # The Smart Filters row's menu says Link Filter Mask now.
    def choose(text):
        def pick():
            menu = QApplication.activePopupWidget()
            (action,) = [a for a in menu.actions() if a.text() == text]
            menu.close()
            action.trigger()

        QTimer.singleShot(50, pick)
        qtbot.mouseClick(panel, Qt.MouseButton.RightButton, pos=row_point(w, i, 120))
        assert w.test_errors == []

    choose("Link Filter Mask")
    assert smart.filter_mask.linked
    # Layer > Smart Filter: its words follow the mask; it unlinks, undo links again.
    w.update_actions()
    action = w.actions["filter_mask_unlink"]
    assert action.isEnabled() and action.text() == "&Unlink Filter Mask"
    action.trigger()
    assert not smart.filter_mask.linked
    w.update_actions()
    assert action.text() == "&Link Filter Mask"
    w.actions["undo"].trigger()
    assert smart.filter_mask.linked
    # Linked: it moves along.
    image_drag(qtbot, canvas, [(60, 30), (65, 30), (70, 30)])
    assert smart.x == x0 + 10 and smart.filter_mask.x == mask_x + 10
    w.actions["undo"].trigger()
    # Saved unlinked, opened again: unlinked ('filterMaskLinked' false).
    w.actions["filter_mask_unlink"].trigger()
    assert not smart.filter_mask.linked
    save_and_open_a_copy(w, qtbot, monkeypatch, doc, str(tmp_path / "unlinked.psd"),
                         str(tmp_path / "copy.psd"))
    (again,) = w.doc.layers()
    assert again.filter_mask is not None and not again.filter_mask.linked
