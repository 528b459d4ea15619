"""Slices (Slice tool, Slice Select tool, C / Shift+C from the Crop tool) through the window:
a dragged slice, the auto slices round it (as Photoshop computes them: checked against the
auto slices Photoshop stored in its own files), choosing, moving, resizing and deleting
with Slice Select, Slice Options, Slices From Guides, Divide Slice, each one undo step;
View > Show > Slices and Extras; the PSD's slices resource (1050) read from Photoshop's
files, written, read back by psd-tools and by us; File > Export > Save for Web (Legacy)'s
Images Only."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QRadioButton

from editor.model import slices as model
from editor.model.files import open_document, save_document
from editor.model.render import composite_document
from editor.ui.slice_overlay import SELECTED_COLOR, USER_COLOR
from engine.box import Box

from ui_helpers import (image_drag, image_pos, in_modal_dialog, on_canvas,
                        photo_window_at_100, saved_and_reopened)

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTOSHOP_FILES = [os.path.join(HERE, "psd_tools_files", "slices.psd"),
                   os.path.join(HERE, "ag_psd_files", "slices.psd")]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return photo_window_at_100(qtbot, tmp_path, monkeypatch)


def take(w, qtbot, tool_id: str) -> None:
    """The tool taken as a user takes it: C (the Crop tool's place), then Shift+C."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_C)
    for _ in range(4):
        if w.tools.current.id == tool_id:
            return
        qtbot.keyClick(w.canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ShiftModifier)
    assert w.tools.current.id == tool_id


def button(w, name: str) -> QPushButton:
    found = [b for b in w.findChildren(QPushButton, name) if b.isVisible()]
    assert found, name
    return found[0]


def is_color(pixels, colour) -> np.ndarray:
    return (np.abs(pixels - np.array(colour.getRgb()[:3])) <= 2).all(axis=-1)


def is_user_blue(pixels) -> np.ndarray:
    return is_color(pixels, USER_COLOR)


def covers_once(width: int, height: int, boxes) -> bool:
    count = np.zeros((height, width), int)
    for b in boxes:
        count[b.slices()] += 1
    return bool((count == 1).all())


def test_slice_tool_draws_a_slice_shown_with_its_auto_slices_one_undo_step(window, qtbot):
    w = window
    doc = w.doc
    take(w, qtbot, "slice")
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [(40, 30), (90, 70), (120, 90)])
    assert [s.box for s in doc.slices] == [Box(40, 30, 80, 60)]
    assert doc.history.count == steps + 1
    every = model.numbered(doc.width, doc.height, doc.slices)
    # Photoshop's numbering: top to bottom, then left to right; the canvas covered once.
    assert [(n, b.y, b.x) for n, b, _ in every] == sorted(
        [(n, b.y, b.x) for n, b, _ in every], key=lambda t: (t[1], t[2]))
    assert covers_once(doc.width, doc.height, [b for _, b, _ in every])
    assert [n for n, _, s in every if s is not None] == [3]  # 01 the band above, 02 the column left of it
    # Drawn on the canvas: the new slice is the chosen one (gold); not chosen, its edges
    # are Photoshop's user-slice blue.
    seen = on_canvas(w.canvas)
    assert is_color(seen[30, 60:110], SELECTED_COLOR).mean() > 0.9  # its top edge
    w.tools.tools["slice_select"].choose(doc, None)
    seen = on_canvas(w.canvas)
    assert is_user_blue(seen[30, 60:110]).mean() > 0.9  # (its badge is left of 60)
    assert is_user_blue(seen[40:85, 119]).mean() > 0.9  # its right edge
    w.actions["undo"].trigger()
    assert doc.slices == ()
    w.actions["redo"].trigger()
    assert [s.box for s in doc.slices] == [Box(40, 30, 80, 60)]


def test_view_show_slices_and_extras_hide_them(window, qtbot):
    w = window
    doc = w.doc
    model.add_slice(doc, Box(40, 30, 80, 60))
    edge = lambda: is_user_blue(on_canvas(w.canvas)[30, 60:110]).mean()  # noqa: E731
    assert edge() > 0.9  # user slices show with any tool
    w.actions["show_slices"].trigger()
    assert not w.actions["show_slices"].isChecked() and edge() == 0
    w.actions["show_slices"].trigger()
    assert edge() > 0.9
    w.actions["extras"].trigger()
    assert edge() == 0
    w.actions["extras"].trigger()
    assert edge() > 0.9


def test_slice_select_moves_resizes_and_deletes_each_one_step(window, qtbot):
    w = window
    doc = w.doc
    take(w, qtbot, "slice")
    image_drag(qtbot, w.canvas, [(40, 30), (80, 60), (120, 90)])
    take(w, qtbot, "slice_select")
    chooser = w.tools.current
    chooser.choose(doc, None)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 60, 50))
    assert chooser.chosen_index(doc) == 0
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [(60, 50), (70, 55), (80, 60)])  # move by (20, 10)
    assert doc.slices[0].box == Box(60, 40, 80, 60)
    assert doc.history.undo_name() == "Move Slice"
    image_drag(qtbot, w.canvas, [(140, 100), (150, 110), (160, 120)])  # bottom-right handle
    assert doc.slices[0].box == Box(60, 40, 100, 80)
    assert doc.history.undo_name() == "Resize Slice" and doc.history.count == steps + 2
    qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)
    assert doc.slices == () and doc.history.undo_name() == "Delete Slice"
    w.actions["undo"].trigger()
    assert doc.slices[0].box == Box(60, 40, 100, 80)
    # An auto slice dragged becomes a user slice (Photoshop's promotion), one step.
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 5, 5))
    auto = chooser.chosen_box(doc)
    assert auto is not None and chooser.chosen_index(doc) is None
    image_drag(qtbot, w.canvas, [(auto.x1, auto.y1), (auto.x1 - 5, auto.y1 - 5),
                                 (auto.x1 - 10, auto.y1 - 10)])
    assert len(doc.slices) == 2
    assert doc.slices[1].box == Box(auto.x, auto.y, auto.w - 10, auto.h - 10)


def test_slice_options_by_double_click_set_the_fields_one_step(window, qtbot):
    w = window
    doc = w.doc
    model.add_slice(doc, Box(40, 30, 80, 60))
    take(w, qtbot, "slice_select")
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 60, 50))
    steps = doc.history.count

    def drive(dialog, seen):
        # Photoshop's default name: the document's name and the slice's number.
        seen["name"] = dialog.fields["name"].text()
        dialog.fields["name"].setText("hero")
        dialog.fields["url"].setText("https://example.com")
        dialog.fields["target"].setText("_blank")
        dialog.fields["alt"].setText("A cat")
        dialog.w.setValue(100)

    seen = in_modal_dialog(qtbot, lambda: qtbot.mouseDClick(
        w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 60, 50)), drive,
        "SliceOptionsDialog")
    assert seen["name"] == "cat_03"
    s = doc.slices[0]
    assert (s.name, s.url, s.target, s.alt, s.box) == (
        "hero", "https://example.com", "_blank", "A cat", Box(40, 30, 100, 60))
    assert doc.history.count == steps + 1
    w.actions["undo"].trigger()
    assert doc.slices[0].name == "" and doc.slices[0].box == Box(40, 30, 80, 60)


def test_slices_from_guides_then_divide(window, qtbot):
    w = window
    doc = w.doc
    model.add_slice(doc, Box(5, 5, 10, 10))  # replaced by the guides' cells
    doc.set_guides([(False, 100.0), (False, 160.0), (True, 60.0)], "New Guide")
    take(w, qtbot, "slice")
    steps = doc.history.count
    qtbot.mouseClick(button(w, "SlicesFromGuides"), Qt.MouseButton.LeftButton)
    assert [s.box for s in doc.slices] == [
        Box(0, 0, 100, 60), Box(100, 0, 60, 60), Box(160, 0, 80, 60),
        Box(0, 60, 100, 120), Box(100, 60, 60, 120), Box(160, 60, 80, 120)]
    assert doc.history.count == steps + 1
    assert model.auto_boxes(doc.width, doc.height, [s.box for s in doc.slices]) == []
    # Divide the first cell into 3 rows and columns of 30 px (the last what is left).
    take(w, qtbot, "slice_select")
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 50, 30))

    def drive(dialog, seen):
        dialog.rows[0].setChecked(True)   # Divide Horizontally Into 3 slices down
        dialog.rows[2].setValue(3)
        dialog.columns[0].setChecked(True)  # Divide Vertically Into 30 pixels per slice
        dialog.findChild(QRadioButton, "DivideColumnsByPixels").setChecked(True)
        dialog.columns[3].setValue(30)

    in_modal_dialog(qtbot, lambda: qtbot.mouseClick(button(w, "DivideSliceButton"),
                                                    Qt.MouseButton.LeftButton),
                    drive, "DivideSliceDialog")
    parts = [s.box for s in doc.slices[:12]]
    assert parts == [Box(x, y, wd, 20) for y in (0, 20, 40)
                     for x, wd in ((0, 30), (30, 30), (60, 30), (90, 10))]
    assert len(doc.slices) == 6 - 1 + 12 and doc.history.undo_name() == "Divide Slice"
    w.actions["undo"].trigger()
    assert len(doc.slices) == 6


@pytest.mark.parametrize("path", PHOTOSHOP_FILES)
def test_photoshop_files_slices_and_their_auto_slices(path, tmp_path):
    """Photoshop's own auto slices (origin 0, stored in its file) are the ones we make from
    its user slices; saved back, the file reads the same in psd-tools and here."""
    from psd_tools import PSDImage

    stored = PSDImage.open(path).image_resources.get_data(1050).data
    theirs = sorted(tuple(i.bbox) for i in stored.items if i.origin == 0 and i.slice_id != 0)
    doc = open_document(path)
    assert [s.uid for s in doc.slices] == [i.slice_id for i in stored.items if i.origin == 2]
    ours = sorted((b.x, b.y, b.x1, b.y1) for b in
                  model.auto_boxes(doc.width, doc.height, [s.box for s in doc.slices]))
    assert ours == theirs
    out = str(tmp_path / "back.psd")
    save_document(doc, out)
    again = PSDImage.open(out).image_resources.get_data(1050)
    assert again.version == 6
    assert [(i.slice_id, i.origin, i.name, i.url, i.target, i.alt_tag, tuple(i.bbox))
            for i in again.data.items if i.origin == 2] == \
        [(i.slice_id, i.origin, i.name, i.url, i.target, i.alt_tag, tuple(i.bbox))
         for i in stored.items if i.origin == 2]
    assert sorted(tuple(i.bbox) for i in again.data.items
                  if i.origin == 0 and i.slice_id != 0) == theirs
    described = again.data.items[-1].data[b"slices"]
    assert len(described) == len(again.data.items)
    assert open_document(out).slices == doc.slices


def test_saved_psd_keeps_the_slices_psd_tools_reads_them(window, qtbot, monkeypatch, tmp_path):
    from psd_tools import PSDImage

    w = window
    take(w, qtbot, "slice")
    image_drag(qtbot, w.canvas, [(40, 30), (80, 60), (120, 90)])
    image_drag(qtbot, w.canvas, [(150, 100), (200, 150), (230, 170)])
    model.replace_slice(w.doc, 1, model.Slice(Box(150, 100, 80, 70), "footer", "https://x.org",
                                              "_self", "Footer", uid=w.doc.slices[1].uid),
                        "Slice Options")
    path = str(tmp_path / "sliced.psd")
    doc = saved_and_reopened(w, qtbot, monkeypatch, path)
    assert [(s.box, s.name, s.url, s.target, s.alt) for s in doc.slices] == [
        (Box(40, 30, 80, 60), "", "", "", ""),
        (Box(150, 100, 80, 70), "footer", "https://x.org", "_self", "Footer")]
    items = PSDImage.open(path).image_resources.get_data(1050).data.items
    users = [i for i in items if i.origin == 2]
    assert [(tuple(i.bbox), i.name, i.url, i.alt_tag) for i in users] == [
        ((40, 30, 120, 90), "", "", ""), ((150, 100, 230, 170), "footer", "https://x.org",
                                          "Footer")]
    autos = [i for i in items if i.origin == 0 and i.slice_id != 0]
    assert covers_once(240, 180, [Box.from_corners(*i.bbox) for i in users + autos])
    assert items[-1].slice_id == 0 and tuple(items[-1].bbox) == (0, 0, 240, 180)


def test_save_slices_writes_each_user_slice_named_as_photoshop(window, qtbot, tmp_path):
    w = window
    doc = w.doc
    model.add_slice(doc, Box(40, 30, 80, 60))
    model.add_slice(doc, Box(150, 100, 80, 70))
    model.replace_slice(doc, 1, model.Slice(Box(150, 100, 80, 70), "footer",
                                            uid=doc.slices[1].uid), "Slice Options")
    out = tmp_path / "web"
    out.mkdir()

    def drive(dialog, seen):
        dialog.folder.setText(str(out))
        dialog.format.setCurrentIndex(dialog.format.findData("PNG"))

    in_modal_dialog(qtbot, w.actions["save_slices"].trigger, drive, "SaveSlicesDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy and len(os.listdir(out)) == 2, timeout=20000)
    # The unnamed slice is number 03 on the canvas (01 above it, 02 left of it).
    assert sorted(os.listdir(out)) == ["cat_03.png", "footer.png"]
    picture = composite_document(doc)
    for name, box in (("cat_03.png", Box(40, 30, 80, 60)), ("footer.png", Box(150, 100, 80, 70))):
        got = np.asarray(Image.open(out / name).convert("RGBA"))
        assert got.shape == (box.h, box.w, 4)
        assert np.array_equal(got, picture[box.slices()])
    # JPEG, and the folder and type remembered for next time.
    jpegs = tmp_path / "jpeg"
    jpegs.mkdir()

    def as_jpeg(dialog, seen):
        seen["start"] = (dialog.folder.text(), dialog.format.currentData())
        dialog.folder.setText(str(jpegs))
        dialog.format.setCurrentIndex(dialog.format.findData("JPEG"))

    seen = in_modal_dialog(qtbot, w.actions["save_slices"].trigger, as_jpeg, "SaveSlicesDialog")
    assert seen["start"] == (str(out), "PNG")
    qtbot.waitUntil(lambda: not w.jobs.busy and len(os.listdir(jpegs)) == 2, timeout=20000)
    assert sorted(os.listdir(jpegs)) == ["cat_03.jpg", "footer.jpg"]
    with Image.open(jpegs / "footer.jpg") as im:
        assert (im.format, im.size) == ("JPEG", (80, 70))


def test_divide_and_auto_slices_model():
    assert model.cuts(100, count=3) == [0, 33, 67, 100]
    assert model.cuts(100, every=30) == [0, 30, 60, 90, 100]
    with pytest.raises(Exception):
        model.cuts(10, count=11)
    # No user slice: one auto slice, the canvas.
    assert model.auto_boxes(50, 40, []) == [Box(0, 0, 50, 40)]


def test_version_7_resource_reads_the_same_slices(tmp_path):
    """Photoshop's newer form, resource 1050 version 7 (a descriptor only, with 'baseName'):
    the descriptor Photoshop wrote after its version-6 records, as version 7, reads as the
    same slices."""
    from psd_tools import PSDImage
    from psd_tools.psd.descriptor import String
    from psd_tools.psd.image_resources import Slices

    path = PHOTOSHOP_FILES[0]
    psd = PSDImage.open(path)
    resource = psd.image_resources[1050]
    block = resource.data.data.items[-1].data
    block[b"baseName"] = String("slices\x00")
    resource.data = Slices(version=7, data=block)
    out = str(tmp_path / "v7.psd")
    psd.save(out)
    assert PSDImage.open(out).image_resources.get_data(1050).version == 7
    assert open_document(out).slices == open_document(path).slices


def test_options_and_divide_with_no_slice_chosen_say_so_and_open_nothing(window):
    """View > Slices > Slice Options… and Divide Slice… with nothing chosen: one line in the
    status bar, no dialog, no step."""
    w = window
    for name in ("slice_options", "divide_slice"):
        w.statusBar().clearMessage()
        w.actions[name].trigger()  # (a dialog would block here: none may open)
        assert w.statusBar().currentMessage().startswith("Choose a slice first")
        assert w.doc.history.count == 0
