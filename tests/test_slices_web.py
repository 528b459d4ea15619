"""Slices, the second round, through the window: View > Lock Slices (the slice tools and
commands leave the slices alone; the setting kept for the next window), History snapshots
and File > Revert keeping the slices, Slice Options' Message Text and Slice Background Type (kept in the
PSD as Photoshop keeps them: checked against Photoshop's own file), and File > Export >
Save for Web (Legacy)… writing HTML and Images (the page parsed, every image it names
opened) or Images Only (All Slices, All User Slices)."""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from editor.model import slices as model
from editor.model.files import open_document
from editor.model.render import composite_document
from engine.box import Box

from test_slices import PHOTOSHOP_FILES, covers_once, take
from ui_helpers import (image_drag, in_modal_dialog, make_window, photo_window_at_100,
                        saved_and_reopened)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A 240 x 180 photo at 100 % (as test_slices' window)."""
    return photo_window_at_100(qtbot, tmp_path, monkeypatch)


def status(w) -> str:
    return w.statusBar().currentMessage()


# -- View > Lock Slices ------------------------------------------------------------------------
def test_lock_slices_keeps_the_tools_and_commands_off_the_slices(window, qtbot, tmp_path,
                                                                 monkeypatch):
    w = window
    doc = w.doc
    take(w, qtbot, "slice")
    image_drag(qtbot, w.canvas, [(40, 30), (80, 60), (120, 90)])
    assert [s.box for s in doc.slices] == [Box(40, 30, 80, 60)]
    lock = w.actions["lock_slices"]
    assert lock.isCheckable() and not lock.isChecked()
    lock.trigger()
    assert lock.isChecked()
    steps = doc.history.count

    # The Slice tool draws nothing, and says why.
    w.statusBar().clearMessage()
    image_drag(qtbot, w.canvas, [(150, 100), (200, 140), (220, 160)])
    assert [s.box for s in doc.slices] == [Box(40, 30, 80, 60)]
    assert status(w).startswith("The slices are locked")
    # Slice Select still chooses the slice, but neither moves nor resizes it, nor deletes it.
    take(w, qtbot, "slice_select")
    chooser = w.tools.current
    image_drag(qtbot, w.canvas, [(60, 50), (90, 70), (110, 80)])
    assert chooser.chosen_index(doc) == 0
    assert doc.slices[0].box == Box(40, 30, 80, 60)
    image_drag(qtbot, w.canvas, [(120, 90), (150, 120), (160, 130)])  # (its corner handle)
    assert doc.slices[0].box == Box(40, 30, 80, 60)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)
    assert len(doc.slices) == 1
    for name in ("delete_slice", "clear_slices", "divide_slice", "slices_from_guides"):
        w.statusBar().clearMessage()
        w.actions[name].trigger()  # (Divide Slice's dialog would block here: none opens)
        assert status(w).startswith("The slices are locked"), name
    assert doc.history.count == steps and len(doc.slices) == 1

    # Slice Options still sets the options, not the box (its Dimensions are off).
    def drive(dialog, seen):
        seen["dims"] = dialog.x.isEnabled()
        dialog.fields["url"].setText("https://example.org")
    seen = in_modal_dialog(qtbot, w.actions["slice_options"].trigger, drive,
                           "SliceOptionsDialog")
    assert seen["dims"] is False
    assert doc.slices[0].url == "https://example.org" and doc.slices[0].box == Box(40, 30, 80, 60)
    # An auto slice's options would make it a user slice: refused while locked.
    image_drag(qtbot, w.canvas, [(200, 10), (201, 10), (202, 10)])
    assert chooser.chosen_index(doc) is None and chooser.chosen_box(doc) is not None
    w.statusBar().clearMessage()
    w.actions["slice_options"].trigger()  # (its dialog would block here: none opens)
    assert status(w).startswith("The slices are locked") and len(doc.slices) == 1
    chooser.choose(doc, doc.slices[0].uid)

    # The setting is the application's, as Photoshop keeps it: the next window has it on.
    w2 = make_window(qtbot, tmp_path, monkeypatch)
    assert w2.actions["lock_slices"].isChecked()
    w2.close()
    # Unlocked, the drag moves the slice again.
    lock.trigger()
    assert not lock.isChecked()
    image_drag(qtbot, w.canvas, [(60, 50), (70, 60), (80, 70)])
    assert doc.slices[0].box == Box(60, 50, 80, 60)


def test_view_show_slices_hides_them_and_shows_them_again(window, qtbot):
    w = window
    model.add_slice(w.doc, Box(40, 30, 80, 60))
    show = w.actions["show_slices"]
    assert show.isChecked() and w.canvas.view_shows("slices")
    show.trigger()
    assert not show.isChecked() and not w.canvas.view_shows("slices")
    show.trigger()
    assert show.isChecked() and w.canvas.view_shows("slices")


# -- History snapshots -------------------------------------------------------------------------
def test_a_snapshot_brings_its_slices_back_and_undo_takes_them_away(window, qtbot):
    from test_ui_history_snapshots import click_snapshot, snapshot_names

    w = window
    doc = w.doc
    take(w, qtbot, "slice")
    image_drag(qtbot, w.canvas, [(40, 30), (80, 60), (120, 90)])
    model.replace_slice(doc, 0, model.Slice(Box(40, 30, 80, 60), "logo", "https://x.org",
                                            uid=doc.slices[0].uid), "Slice Options")
    taken = doc.slices
    qtbot.mouseClick(w.history_panel.new_button, Qt.MouseButton.LeftButton)
    assert snapshot_names(w) == ["cat.png", "Snapshot 1"]
    # The slices changed after it: one more drawn, then the first deleted.
    image_drag(qtbot, w.canvas, [(150, 100), (200, 140), (220, 160)])
    model.delete_slice(doc, 0)
    changed = doc.slices
    assert [s.box for s in changed] == [Box(150, 100, 70, 60)]

    click_snapshot(qtbot, w, 1)
    assert doc.history.undo_name() == "Restore Snapshot 1"
    assert doc.slices == taken
    w.actions["undo"].trigger()
    assert doc.slices == changed
    w.actions["redo"].trigger()
    assert doc.slices == taken
    # The opening snapshot has none.
    click_snapshot(qtbot, w, 0)
    assert doc.slices == ()


def test_revert_brings_back_the_files_slices(window, qtbot, monkeypatch, tmp_path):
    w = window
    model.add_slice(w.doc, Box(40, 30, 80, 60))
    doc = saved_and_reopened(w, qtbot, monkeypatch, str(tmp_path / "sliced.psd"))
    saved = doc.slices
    assert [s.box for s in saved] == [Box(40, 30, 80, 60)]
    model.delete_slice(doc, 0)
    model.add_slice(doc, Box(0, 0, 20, 20))
    w.actions["revert"].trigger()
    qtbot.waitUntil(lambda: doc.history.undo_name() == "Revert", timeout=10000)
    assert doc.slices == saved
    w.actions["undo"].trigger()
    assert [s.box for s in doc.slices] == [Box(0, 0, 20, 20)]


# -- Slice Options: Message Text, Slice Background Type ---------------------------------------
def test_slice_options_background_type_and_message_saved_as_photoshop_saves_them(
        window, qtbot, monkeypatch, tmp_path):
    from psd_tools import PSDImage

    w = window
    doc = w.doc
    take(w, qtbot, "slice")
    image_drag(qtbot, w.canvas, [(40, 30), (80, 60), (120, 90)])
    image_drag(qtbot, w.canvas, [(150, 100), (200, 140), (220, 160)])
    image_drag(qtbot, w.canvas, [(0, 0), (10, 10), (20, 20)])

    def options(index: int, background: str, other=None, message: str = "") -> dict:
        take(w, qtbot, "slice_select")
        w.tools.current.choose(doc, doc.slices[index].uid)

        def drive(dialog, seen):
            combo = dialog.background
            seen["start"] = combo.currentText()
            i = combo.findText(background)
            combo.setCurrentIndex(i)
            combo.activated.emit(i)  # (as a user's choice in the list)
            seen["swatch"] = dialog.swatch.isVisibleTo(dialog)
            dialog.fields["message"].setText(message)
        if other is not None:
            monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: QColor(*other))
        return in_modal_dialog(qtbot, w.actions["slice_options"].trigger, drive,
                               "SliceOptionsDialog")

    seen = options(0, "Other…", (182, 51, 51), "Read more")
    assert seen["start"] == "None" and seen["swatch"]
    seen = options(1, "Black")
    assert seen["swatch"]
    seen = options(2, "Matte")
    assert not seen["swatch"]
    assert [(s.background, s.background_color, s.message) for s in doc.slices] == [
        ("color", (182, 51, 51), "Read more"), ("color", (0, 0, 0), ""),
        ("matte", (255, 255, 255), "")]
    # The dialog opens showing what the slice has.
    seen = options(1, "Black")
    assert seen["start"] == "Black"

    path = str(tmp_path / "web.psd")
    again = saved_and_reopened(w, qtbot, monkeypatch, path)
    assert again.slices == doc.slices
    # Photoshop's form: the record's a, r, g, b and the descriptor's bgColorType / bgColor.
    data = PSDImage.open(path).image_resources.get_data(1050).data
    users = [i for i in data.items if i.origin == 2]
    assert [(i.alpha, i.red, i.green, i.blue) for i in users] == [
        (255, 182, 51, 51), (255, 0, 0, 0), (0, 255, 255, 255)]
    described = [d for d in data.items[-1].data[b"slices"]
                 if d[b"origin"].enum == b"userGenerated"]
    assert [d[b"bgColorType"].enum for d in described] == [b"Clr ", b"Clr ", b"matte"]
    assert [int(described[0][b"bgColor"][k]) for k in (b"Rd  ", b"Grn ", b"Bl  ")] == \
        [182, 51, 51]


def test_photoshops_slice_backgrounds_read_as_it_set_them():
    """ag-psd's slices.psd, saved by Photoshop: its three user slices have the Matte, a
    colour and White as their backgrounds (Photoshop's records and descriptor agree)."""
    got = [(s.background, s.background_color) for s in open_document(PHOTOSHOP_FILES[1]).slices]
    assert got == [("matte", (255, 255, 255)), ("color", (182, 51, 51)),
                   ("color", (255, 255, 255))]


# -- Save for Web (Legacy) ---------------------------------------------------------------------
class Page(HTMLParser):
    """The slices of a Save for Web page: each positioned <div> with the <a> and <img> in it."""

    def __init__(self):
        super().__init__()
        self.cells, self.title, self._in_title = [], "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "div" and a.get("id") != "Table_01":
            style = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+)", a["style"]))
            box = Box(*(int(style[k].rstrip("px")) for k in ("left", "top", "width", "height")))
            self.cells.append({"id": a["id"], "box": box,
                               "background": style.get("background-color")})
        elif tag in ("a", "img"):
            self.cells[-1][tag] = a

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def test_save_for_web_html_and_images_writes_a_page_of_every_slice(window, qtbot, tmp_path):
    w = window
    doc = w.doc
    model.add_slice(doc, Box(40, 30, 80, 60))
    model.add_slice(doc, Box(150, 100, 80, 70))
    model.add_slice(doc, Box(0, 150, 30, 30))
    uids = [s.uid for s in doc.slices]
    model.replace_slice(doc, 0, model.Slice(
        Box(40, 30, 80, 60), "logo", "https://example.org/a?b=1&c=2", "_blank", 'The "logo"',
        "Go home", uid=uids[0], background="color", background_color=(182, 51, 51)),
        "Slice Options")
    model.replace_slice(doc, 1, model.Slice(Box(150, 100, 80, 70), image=False, uid=uids[1],
                                            background="color", background_color=(0, 0, 0)),
                        "Slice Options")
    model.replace_slice(doc, 2, model.Slice(Box(0, 150, 30, 30), uid=uids[2],
                                            background="matte"), "Slice Options")
    out = tmp_path / "site"
    out.mkdir()
    assert w.actions["save_slices"].text().replace("&", "") == "Save for Web (Legacy)…"

    def drive(dialog, seen):
        dialog.output.setCurrentIndex(dialog.output.findData("html"))
        seen["which"] = (dialog.which.isEnabled(), dialog.which.currentText())
        dialog.folder.setText(str(out))
        dialog.format.setCurrentIndex(dialog.format.findData("PNG"))

    seen = in_modal_dialog(qtbot, w.actions["save_slices"].trigger, drive, "SaveSlicesDialog")
    assert seen["which"] == (False, "All Slices")  # (the page needs every slice)
    qtbot.waitUntil(lambda: not w.jobs.busy and os.path.exists(out / "cat.html"), timeout=20000)
    assert sorted(p for p in os.listdir(out)) == ["cat.html", "images"]

    page = Page()
    page.feed((out / "cat.html").read_text(encoding="utf-8"))
    assert page.title == "cat"
    every = model.numbered(doc.width, doc.height, doc.slices)
    assert [c["box"] for c in page.cells] == [box for _, box, _ in every]
    assert covers_once(doc.width, doc.height, [c["box"] for c in page.cells])
    picture = composite_document(doc)
    images = set()
    for (number, box, s), cell in zip(every, page.cells):
        if s is not None and not s.image:
            assert "img" not in cell  # a No Image slice: its cell, no image
            continue
        img = cell["img"]
        src = out / img["src"]
        images.add(img["src"])
        assert (int(img["width"]), int(img["height"])) == (box.w, box.h)
        got = np.asarray(Image.open(src).convert("RGBA"))
        assert np.array_equal(got, picture[box.slices()]), img["src"]
    assert sorted(os.listdir(out / "images")) == sorted(os.path.basename(i) for i in images)
    by_box = {c["box"]: c for c in page.cells}
    logo = by_box[Box(40, 30, 80, 60)]
    assert logo["id"] == "logo" and logo["img"]["src"] == "images/logo.png"
    assert logo["a"] == {"href": "https://example.org/a?b=1&c=2", "target": "_blank",
                         "title": "Go home", "style": logo["a"]["style"]}
    assert logo["img"]["alt"] == 'The "logo"'
    assert logo["background"] == "#B63333"
    no_image = by_box[Box(150, 100, 80, 70)]
    assert no_image["background"] == "#000000" and "a" not in no_image
    assert by_box[Box(0, 150, 30, 30)]["background"] == "#FFFFFF"  # the Matte: white
    # Auto slices: named by their number, no link, alt="" (Always Add Alt Attribute).
    auto = by_box[next(box for n, box, s in every if s is None)]
    number = next(n for n, box, s in every if s is None)
    assert auto["img"]["src"] == f"images/cat_{number:02d}.png" and auto["img"]["alt"] == ""
    assert auto["background"] is None and "a" not in auto


def test_save_for_web_images_only_all_slices_or_user_slices(window, qtbot, tmp_path):
    w = window
    doc = w.doc
    model.add_slice(doc, Box(40, 30, 80, 60))
    every = model.numbered(doc.width, doc.height, doc.slices)
    out = tmp_path / "all"
    out.mkdir()

    def all_slices(dialog, seen):
        dialog.output.setCurrentIndex(dialog.output.findData("images"))
        dialog.which.setCurrentIndex(dialog.which.findData("all"))
        seen["which"] = dialog.which.isEnabled()
        dialog.folder.setText(str(out))

    seen = in_modal_dialog(qtbot, w.actions["save_slices"].trigger, all_slices,
                           "SaveSlicesDialog")
    assert seen["which"]
    qtbot.waitUntil(lambda: not w.jobs.busy and len(os.listdir(out)) == len(every),
                    timeout=20000)
    assert sorted(os.listdir(out)) == [f"cat_{n:02d}.png" for n, _, _ in every]
    for n, box, _ in every:
        with Image.open(out / f"cat_{n:02d}.png") as im:
            assert im.size == (box.w, box.h)
    # All User Slices: the one user slice; the choices remembered for next time.
    users = tmp_path / "user"
    users.mkdir()

    def user_slices(dialog, seen):
        seen["start"] = (dialog.output.currentData(), dialog.which.currentData())
        dialog.which.setCurrentIndex(dialog.which.findData("user"))
        # HTML and Images shows All Slices, fixed; back to Images Only, the choice is back.
        dialog.output.setCurrentIndex(dialog.output.findData("html"))
        seen["html"] = dialog.which.currentData()
        dialog.output.setCurrentIndex(dialog.output.findData("images"))
        dialog.folder.setText(str(users))

    seen = in_modal_dialog(qtbot, w.actions["save_slices"].trigger, user_slices,
                           "SaveSlicesDialog")
    assert seen["start"] == ("images", "all") and seen["html"] == "all"
    qtbot.waitUntil(lambda: not w.jobs.busy and len(os.listdir(users)) == 1, timeout=20000)
    user_number = next(n for n, _, s in every if s is not None)
    assert os.listdir(users) == [f"cat_{user_number:02d}.png"]


def test_save_for_web_without_user_slices_writes_the_canvas_as_one_slice(window, qtbot,
                                                                         tmp_path):
    w = window
    out = tmp_path / "one"
    out.mkdir()
    assert w.actions["save_slices"].isEnabled()  # (no user slice: the one auto slice)

    def drive(dialog, seen):
        dialog.output.setCurrentIndex(dialog.output.findData("html"))
        dialog.folder.setText(str(out))

    in_modal_dialog(qtbot, w.actions["save_slices"].trigger, drive, "SaveSlicesDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy and os.path.exists(out / "cat.html"), timeout=20000)
    page = Page()
    page.feed((out / "cat.html").read_text(encoding="utf-8"))
    assert [c["box"] for c in page.cells] == [Box(0, 0, 240, 180)]
    assert os.listdir(out / "images") == ["cat_01.png"]
