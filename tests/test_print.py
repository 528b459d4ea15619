"""File > Print… and Print One Copy (print_commands.py) driven through the real window:
a PDF written via the dialog, placement by scale, the last settings reused, Print
Selected Area, a bad path reported in one line, and a print of a large document that runs
as a job while the window answers, cancelled with the status bar's Cancel."""
import os
import re
import threading

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from editor.jobs import CANCELLED
from editor.model.print_layout import PDF
from editor.ui import print_commands
from editor.ui.qimage import qimage_to_rgba
from engine.box import Box
from ui_helpers import in_modal_dialog, open_photo

MM_PER_PT = 25.4 / 72


def pdf_pages(path):
    """(page count, [(width, height) in mm of each MediaBox]) read from the PDF's text."""
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", data)
    boxes = [tuple(float(v) for v in m.groups()) for m in
             re.finditer(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", data)]
    return len(pages), [((x1 - x0) * MM_PER_PT, (y1 - y0) * MM_PER_PT) for x0, y0, x1, y1 in boxes]


def ink_box(image):
    """(left, top, width, height) of what is not white on a page preview."""
    rgba = qimage_to_rgba(image)
    ys, xs = np.nonzero((rgba[..., :3] < 245).any(axis=2))
    return xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1


def print_via_dialog(qtbot, w, drive):
    """File > Print… (Ctrl+P's action) with `drive` setting the dialog; what it returned."""
    in_modal_dialog(qtbot, w.actions["print"].trigger, drive, "PrintDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy)  # (the print's job)
    return w.print_commands.last_result


def test_print_to_pdf_landscape_one_page(opened, qtbot, tmp_path):
    w = opened
    target = str(tmp_path / "out.pdf")

    def drive(dialog, seen):
        dialog.printer.setCurrentText(PDF)
        dialog.pdf_path.setText(target)
        dialog.layout_box.setCurrentText("Landscape")
        dialog.paper.setCurrentText("A4")

    assert print_via_dialog(qtbot, w, drive) == target
    count, boxes = pdf_pages(target)
    assert count == 1
    width, height = boxes[0]
    assert width == pytest.approx(297, abs=1) and height == pytest.approx(210, abs=1)
    data = open(target, "rb").read()  # the photo itself, at the document's pixels
    assert re.search(rb"/Subtype\s*/Image", data) and re.search(rb"/Width\s+96\b", data)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".print-")]
    assert "Printed to" in w.statusBar().currentMessage()


def test_scale_to_fit_differs_from_100_percent(opened, qtbot):
    w = opened
    sizes = {}

    def drive(dialog, seen):
        dialog.printer.setCurrentText(PDF)
        dialog.layout_box.setCurrentText("Portrait")
        dialog.center.setChecked(True)
        dialog.fit.setChecked(False)
        dialog.scale.setValue(100)
        sizes["100"] = ink_box(dialog.preview_image())
        page_w = dialog.preview_image().width()
        sizes["page"] = page_w
        dialog.fit.setChecked(True)
        assert dialog.fit.isChecked()
        sizes["fit"] = ink_box(dialog.preview_image())
        seen["cancel"] = True

    print_via_dialog(qtbot, w, drive)
    # 96 px at 72 ppi is 33.9 mm of A4's 210: about 16 % of the page's width
    assert sizes["100"][2] / sizes["page"] == pytest.approx(96 / 72 * 25.4 / 210, abs=0.02)
    # fitted: the image's width fills the page's width (its 3:2 shape is wider than A4's)
    assert sizes["fit"][2] >= sizes["page"] - 2
    assert sizes["fit"][2] > 4 * sizes["100"][2]
    # both centred
    for left, top, bw, bh in (sizes["100"], sizes["fit"]):
        assert abs(left + bw / 2 - sizes["page"] / 2) <= 2


def test_print_one_copy_uses_last_settings(opened, qtbot, tmp_path):
    w = opened
    first = str(tmp_path / "first.pdf")

    def drive(dialog, seen):
        dialog.printer.setCurrentText(PDF)
        dialog.pdf_path.setText(first)
        dialog.paper.setCurrentText("A5")
        dialog.layout_box.setCurrentText("Landscape")
        dialog.center.setChecked(False)
        dialog.top.setValue(1.0)  # cm

    print_via_dialog(qtbot, w, drive)
    os.remove(first)
    modal = []
    w.actions["print_one_copy"].trigger()  # no dialog: it would block here
    modal.append(QApplication.activeModalWidget())
    assert modal == [None]
    qtbot.waitUntil(lambda: not w.jobs.busy)
    count, boxes = pdf_pages(first)
    assert count == 1
    assert boxes[0][0] == pytest.approx(210, abs=1) and boxes[0][1] == pytest.approx(148, abs=1)
    s = w.print_commands.last_settings()
    assert (s.paper, s.landscape, s.center, s.top_mm) == ("A5", True, False, pytest.approx(10))


def test_print_selected_area_prints_only_the_selection(opened, qtbot):
    w = opened
    doc = w.session.doc
    doc.set_selection(Box(10, 8, 48, 16))  # a 3:1 strip of the 96x64 photo
    boxes = {}

    def drive(dialog, seen):
        dialog.center.setChecked(True)
        dialog.fit.setChecked(False)
        dialog.scale.setValue(100)
        assert dialog.selected_area.isEnabled()
        boxes["whole"] = ink_box(dialog.preview_image())
        dialog.selected_area.setChecked(True)
        boxes["area"] = ink_box(dialog.preview_image())
        img = dialog.image()
        boxes["pixels"] = (img.width(), img.height())
        seen["cancel"] = True

    print_via_dialog(qtbot, w, drive)
    assert boxes["pixels"] == (48, 16)
    _, _, aw, ah = boxes["area"]
    _, _, ww, wh = boxes["whole"]
    assert aw == pytest.approx(ww / 2, abs=2) and ah == pytest.approx(wh / 4, abs=2)


def test_unwritable_pdf_path_is_one_status_line(opened, qtbot, tmp_path):
    w = opened
    bad = str(tmp_path / "no" / "such" / "folder" / "x.pdf")

    def drive(dialog, seen):
        dialog.printer.setCurrentText(PDF)
        dialog.pdf_path.setText(bad)

    assert print_via_dialog(qtbot, w, drive) is None
    message = w.statusBar().currentMessage()
    assert message.startswith("Could not print:") and "\n" not in message
    assert not os.path.exists(bad)
    assert w.test_errors == []


def test_a_large_print_is_a_job_the_window_answers_during_and_cancel_stops(
        qtbot, tmp_path, monkeypatch):
    from ui_helpers import make_window

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 1800, 1200)  # 5 bands of 256 rows
    target = str(tmp_path / "big.pdf")
    w.settings.set_value("print/printer", PDF)
    w.settings.set_value("print/pdf_path", target)
    # The worker waits after its first band until the test has used the window: a print on
    # the GUI thread would never let the test's clicks through (and fail on `answered`).
    first_band, go_on = threading.Event(), threading.Event()
    painted = []
    real = print_commands.paint_page

    def paint_page(painter, image, s, dots, band_done=lambda i: None):
        def done(i):
            painted.append(i)
            if i == 0:
                first_band.set()
                go_on.wait(20)
            band_done(i)
        real(painter, image, s, dots, done)

    monkeypatch.setattr(print_commands, "paint_page", paint_page)
    job = w.print_commands.print_one_copy()
    assert job is not None and job.name == "Print"
    qtbot.waitUntil(first_band.is_set, timeout=20000)
    # The window answers: a menu command runs, the status bar shows the job and its Cancel.
    answered = []
    w.actions["panel_histogram"].trigger()
    answered.append(w.docks["histogram"].isVisible())
    assert answered == [True]
    status = w.jobs.status
    qtbot.waitUntil(lambda: status.isVisible() and status.label.text().startswith("Print"))
    qtbot.mouseClick(status.cancel_button, print_commands.Qt.MouseButton.LeftButton)
    go_on.set()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert job.state == CANCELLED
    assert painted == [0]  # cancelled between bands: the rest was never drawn
    assert not os.path.exists(target)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".print-")]
    assert w.print_commands.last_result is None
    assert w.statusBar().currentMessage() == "Print cancelled."
    # The same print, not cancelled, completes: every band, a one-page PDF.
    monkeypatch.setattr(print_commands, "paint_page", real)
    w.print_commands.print_one_copy()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=20000)
    assert w.print_commands.last_result == target and pdf_pages(target)[0] == 1
    assert w.test_errors == []


def test_bands_composited_one_at_a_time_make_the_whole_composite(opened, monkeypatch):
    from editor.ui.autosave import snapshot

    doc = opened.session.doc
    monkeypatch.setattr(print_commands, "BAND_ROWS", 10)  # 64 rows: 7 bands
    source = print_commands.Rows.of_document(snapshot(doc), doc.canvas)
    whole = qimage_to_rgba(print_commands.print_image(doc, doc.canvas))
    bands = [qimage_to_rgba(source.rows(y0, min(64, y0 + 10))) for y0 in range(0, 64, 10)]
    assert print_commands.bands(64) == 7 and source.size == (96, 64)
    assert np.array_equal(np.concatenate(bands), whole)
