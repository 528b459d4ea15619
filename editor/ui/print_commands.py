"""File > Print… (Ctrl+P) and File > Print One Copy (Alt+Shift+Ctrl+P), through Qt's
QPrinter: the system's printers, or "Save as PDF" (QPrinter's PDF output to a file).

What prints is the flattened composite (`composite_document`, as the exports use), over
white, sRGB as displayed, placed on the page by `model/print_layout.py`; the dialog's
preview is the same painting (`paint_page`) on a QImage of the page. A PDF is written to a
temporary file beside the chosen one and renamed over it when complete. The settings are
remembered ("print/…"); Print One Copy prints one copy with them and no dialog.

Printing is a job (`window.jobs`, the status bar's progress and Cancel, Esc): the GUI thread
checks the printer and makes the QPrinter (QPrinterInfo asks the print system, which Qt
wants on the GUI thread), the worker paints the page in bands of rows, reporting each band: Print One Copy
composites each band from a snapshot of the document just before painting it (the dialog's
preview already holds the whole composite), so a cancel between bands stops it at once,
aborts the print run and leaves no PDF. (QPainter on a QPrinter works on any thread, as on a
QImage.) Print Marks are not offered.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout)

from editor.jobs import Job
from editor.model.images import flatten_on_white
from editor.model.print_layout import (PAPERS, PDF, UNITS, PrintSettings, effective_scale,
                                       natural_size_mm, placement)
from editor.model.render import composite_document
from engine.box import Box
from engine.errors import Cancelled

from .actions import ActionSpec, has_doc
from .autosave import snapshot
from .file_commands import WaitCursor

if TYPE_CHECKING:
    from .window_api import EditorWindow

PREVIEW_SIDE = 300  # the preview's longer side, screen pixels
BAND_ROWS = 256  # image rows painted between two progress reports (and cancel checks)
JOB_NAME = "Print"


def page_size_mm(s: PrintSettings) -> tuple[float, float]:
    """The paper's width and height in millimetres, turned for Landscape."""
    size = QPageSize(getattr(QPageSize.PageSizeId, s.paper)).size(QPageSize.Unit.Millimeter)
    w, h = size.width(), size.height()
    return (h, w) if s.landscape else (w, h)


def print_box(doc, s: PrintSettings) -> Box:
    """The part of the document that prints: the selection's box with Print Selected Area
    (when there is a selection), else the canvas."""
    return doc.selection.clip(doc.width, doc.height) if s.selected_area and doc.selection \
        else doc.canvas


def print_image(doc, box: Box) -> QImage:
    """The pixels that print inside `box`: the composite over white."""
    rgb = flatten_on_white(composite_document(doc, box))
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class Rows:
    """What a page prints, `size` pixels, given a band of rows at a time: `rows(y0, y1)`.
    From a whole image (the dialog's), or composited band by band from a document
    (`Rows.of_document`)."""

    def __init__(self, size: tuple[int, int], rows: Callable[[int, int], QImage]):
        self.size, self.rows = size, rows

    @classmethod
    def of_image(cls, image: QImage) -> "Rows":
        return cls((image.width(), image.height()),
                   lambda y0, y1: image.copy(0, y0, image.width(), y1 - y0))

    @classmethod
    def of_document(cls, doc, box: Box) -> "Rows":
        return cls((box.w, box.h),
                   lambda y0, y1: print_image(doc, Box(box.x, box.y + y0, box.w, y1 - y0)))


def bands(height: int) -> int:
    return max(1, math.ceil(height / BAND_ROWS))


def paint_page(painter: QPainter, source: Rows, s: PrintSettings, dots_per_mm: float,
               band_done: Callable[[int], None] = lambda _i: None) -> None:
    """Draws `source` where the settings place it, the painter's origin at the paper's
    corner and `dots_per_mm` its device's resolution, BAND_ROWS rows at a time;
    `band_done(i)` after band i (it may raise Cancelled: the rest is not drawn)."""
    left, top, w, h = placement(page_size_mm(s), source.size, s)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    rows = source.size[1]
    per_row = h * dots_per_mm / rows
    for i in range(bands(rows)):
        y0 = i * BAND_ROWS
        # One row more than the band, under the next band's first: no seam between bands
        # where the scaled edges fall between device pixels.
        y1 = min(rows, y0 + BAND_ROWS + 1)
        painter.drawImage(QRectF(left * dots_per_mm, top * dots_per_mm + y0 * per_row,
                                 w * dots_per_mm, (y1 - y0) * per_row), source.rows(y0, y1))
        band_done(i)


def page_preview(image: QImage, s: PrintSettings, side: int = PREVIEW_SIDE) -> QImage:
    """The page as it will print, `side` pixels on its longer side, white paper."""
    page = page_size_mm(s)
    dots = side / max(page)
    out = QImage(max(1, round(page[0] * dots)), max(1, round(page[1] * dots)),
                 QImage.Format.Format_RGB32)
    out.fill(QColor("white"))
    painter = QPainter(out)
    paint_page(painter, Rows.of_image(image), s, dots)
    painter.end()
    return out


class PrintError(Exception):
    pass


class PrintRun:
    """One print: the QPrinter made and set on the GUI thread (`open_printer`), then
    `run(source, progress)` on the job's worker: the page in bands, the PDF renamed into
    place. Returns where it went (the PDF's path or the printer's
    name); PrintError with one line when it fails, Cancelled when cancelled (nothing
    printed, no PDF left)."""

    def __init__(self, s: PrintSettings, copies: Optional[int] = None):
        self.s = s
        self.copies = copies or s.copies
        self.temp: Optional[str] = None
        self.printer: Optional[QPrinter] = None

    def open_printer(self) -> None:
        """The QPrinter for the settings (GUI thread); PrintError for a printer that is not
        there or a folder that cannot be written."""
        s = self.s
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)  # the painter's origin is the paper's corner
        printer.setPageLayout(QPageLayout(
            QPageSize(getattr(QPageSize.PageSizeId, s.paper)),
            QPageLayout.Orientation.Landscape if s.landscape
            else QPageLayout.Orientation.Portrait, QMarginsF()))
        printer.setCopyCount(self.copies)
        if s.printer == PDF:
            if not s.pdf_path:
                raise PrintError("no PDF file chosen")
            folder = os.path.dirname(os.path.abspath(s.pdf_path))
            try:
                fd, self.temp = tempfile.mkstemp(suffix=".pdf", prefix=".print-", dir=folder)
                os.close(fd)
            except OSError as exc:
                raise PrintError(f"cannot write in {folder}: {exc.strerror}") from None
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(self.temp)
        else:
            if s.printer not in QPrinterInfo.availablePrinterNames():
                raise PrintError(f"no printer named '{s.printer}'")
            printer.setPrinterName(s.printer)
        self.printer = printer

    def run(self, source: Rows, progress) -> str:
        s, printer = self.s, self.printer
        try:
            total = bands(source.size[1])
            progress(0, total)
            painter = QPainter()
            if not painter.begin(printer):
                raise PrintError(f"the printer '{s.printer}' could not start")
            try:
                # one page: a printer repeats it `copies` times; Qt's PDF output holds it once
                paint_page(painter, source, s, printer.resolution() / 25.4,
                           lambda i: progress(1 + i, total))
            except Cancelled:
                printer.abort()  # (a printer's spool dropped; the PDF's temp file goes below)
                painter.end()
                raise
            if not painter.end():
                raise PrintError("the printer did not finish")
            if self.temp is not None:
                os.replace(self.temp, s.pdf_path)
                self.temp = None
        finally:
            self.discard()
        return s.pdf_path if s.printer == PDF else s.printer

    def discard(self) -> None:
        """Removes the temporary PDF of a print that did not complete."""
        if self.temp is not None and os.path.exists(self.temp):
            os.remove(self.temp)
        self.temp = None


def _row(*items) -> QHBoxLayout:
    """One line of the dialog: each text a label, each widget itself, left to right."""
    row = QHBoxLayout()
    for item in items:
        row.addWidget(QLabel(item) if isinstance(item, str) else item)
    return row


def _spin(lo: float, hi: float, decimals: int = 2, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)
    return box


class PrintDialog(QDialog):
    """Photoshop's Print Settings, simplified: a preview of the page on the left; Printer,
    Copies, Layout and Paper; Position (Center, Top, Left) and Scaled Print Size (Scale,
    Height, Width, Scale to Fit Media, Print Selected Area) on the right."""

    def __init__(self, window, doc, start: PrintSettings):
        super().__init__(window)
        self.setWindowTitle("Print Settings")
        self.setObjectName("PrintDialog")
        self.doc = doc
        self._images: dict[bool, QImage] = {}
        outer = QHBoxLayout(self)
        self.preview = QLabel()
        self.preview.setObjectName("PrintPreview")
        self.preview.setFixedSize(PREVIEW_SIDE + 8, PREVIEW_SIDE + 8)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #808080;")
        outer.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        outer.addLayout(right)

        setup = QGroupBox("Printer Setup")
        form = QFormLayout(setup)
        self.printer = QComboBox()
        self.printer.setObjectName("PrintPrinter")
        self.printer.addItems(QPrinterInfo.availablePrinterNames() + [PDF])
        self.printer.setCurrentIndex(max(0, self.printer.findText(start.printer)))
        form.addRow("Printer:", self.printer)
        self.pdf_path = QLineEdit(start.pdf_path)
        self.pdf_path.setObjectName("PrintPdfPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.pdf_path, 1)
        row.addWidget(browse)
        self.pdf_label = QLabel("PDF file:")
        form.addRow(self.pdf_label, row)
        self._pdf_row = (self.pdf_path, browse, self.pdf_label)
        self.copies = QSpinBox()
        self.copies.setObjectName("PrintCopies")
        self.copies.setRange(1, 999)
        self.copies.setValue(start.copies)
        form.addRow("Copies:", self.copies)
        self.layout_box = QComboBox()
        self.layout_box.setObjectName("PrintLayout")
        self.layout_box.addItems(["Portrait", "Landscape"])
        self.layout_box.setCurrentIndex(int(start.landscape))
        form.addRow("Layout:", self.layout_box)
        self.paper = QComboBox()
        self.paper.setObjectName("PrintPaper")
        self.paper.addItems(list(PAPERS))
        self.paper.setCurrentText(start.paper)
        form.addRow("Paper Size:", self.paper)
        right.addWidget(setup)

        position = QGroupBox("Position and Size")
        grid = QFormLayout(position)
        self.center = QCheckBox("Center")
        self.center.setObjectName("PrintCenter")
        self.center.setChecked(start.center)
        grid.addRow("", self.center)
        self.units = QComboBox()
        self.units.setObjectName("PrintUnits")
        self.units.addItems(list(UNITS))
        self.units.setCurrentText(start.units)
        self.top, self.left = _spin(-1000, 10000), _spin(-1000, 10000)
        self.top.setObjectName("PrintTop")
        self.left.setObjectName("PrintLeft")
        grid.addRow(_row("Top:", self.top, "Left:", self.left))
        self.scale = _spin(0.1, 10000, 2, " %")
        self.scale.setObjectName("PrintScale")
        self.scale.setValue(start.scale)
        grid.addRow("Scale:", self.scale)
        self.height_box, self.width_box = _spin(0.01, 100000, 2), _spin(0.01, 100000, 2)
        self.height_box.setObjectName("PrintHeight")
        self.width_box.setObjectName("PrintWidth")
        grid.addRow(_row("Height:", self.height_box, "Width:", self.width_box, self.units))
        self.fit = QCheckBox("Scale to Fit Media")
        self.fit.setObjectName("PrintFit")
        self.fit.setChecked(start.fit)
        grid.addRow("", self.fit)
        self.selected_area = QCheckBox("Print Selected Area")
        self.selected_area.setObjectName("PrintSelectedArea")
        self.selected_area.setEnabled(doc.selection is not None)
        self.selected_area.setChecked(start.selected_area and doc.selection is not None)
        grid.addRow("", self.selected_area)
        self.resolution_note = QLabel()
        grid.addRow(self.resolution_note)
        right.addWidget(position)
        right.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Print")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        right.addWidget(self.buttons)

        self._ppi = start.ppi
        self._top_mm, self._left_mm = start.top_mm, start.left_mm
        self._busy = False
        self._show_position()
        for signal in (self.printer.currentIndexChanged, self.layout_box.currentIndexChanged,
                       self.paper.currentIndexChanged, self.center.toggled, self.fit.toggled,
                       self.selected_area.toggled, self.units.currentIndexChanged,
                       self.scale.valueChanged, self.copies.valueChanged):
            signal.connect(self._changed)
        self.top.valueChanged.connect(lambda v: self._moved("_top_mm", v))
        self.left.valueChanged.connect(lambda v: self._moved("_left_mm", v))
        self.width_box.valueChanged.connect(lambda v: self._sized(v, 0))
        self.height_box.valueChanged.connect(lambda v: self._sized(v, 1))

    # -- what the widgets say ---------------------------------------------------------------
    def settings(self) -> PrintSettings:
        return PrintSettings(
            printer=self.printer.currentText(), pdf_path=self.pdf_path.text().strip(),
            copies=self.copies.value(), landscape=self.layout_box.currentIndex() == 1,
            paper=self.paper.currentText(), center=self.center.isChecked(),
            top_mm=self._top_mm, left_mm=self._left_mm, scale=self.scale.value(),
            fit=self.fit.isChecked(),
            selected_area=self.selected_area.isChecked() and self.selected_area.isEnabled(),
            units=self.units.currentText(), ppi=self._ppi)

    def image(self) -> QImage:
        """The pixels that print (cached per Print Selected Area)."""
        key = self.selected_area.isChecked() and self.selected_area.isEnabled()
        if key not in self._images:
            with WaitCursor():
                self._images[key] = print_image(self.doc, print_box(self.doc, self.settings()))
        return self._images[key]

    def preview_image(self) -> QImage:
        return page_preview(self.image(), self.settings())

    # -- keeping the widgets in step --------------------------------------------------------
    def _changed(self, *args) -> None:
        if not self._busy:
            self._show_position()

    def _moved(self, attr: str, value: float) -> None:
        if not self._busy:
            setattr(self, attr, value * UNITS[self.units.currentText()])
            self._show_position()

    def _sized(self, value: float, axis: int) -> None:
        if self._busy:
            return
        image = self.image()
        natural = natural_size_mm(image.width(), image.height(), self._ppi)[axis]
        self._busy = True
        self.fit.setChecked(False)
        self.scale.setValue(100.0 * value * UNITS[self.units.currentText()] / natural)
        self._busy = False
        self._show_position()

    def _show_position(self) -> None:
        s = self.settings()
        for widget in self._pdf_row:
            widget.setVisible(s.printer == PDF)
        # a PDF holds the page once (Qt's PDF output ignores the copy count)
        self.copies.setEnabled(s.printer != PDF)
        image = self.image()
        page = page_size_mm(s)
        left, top, w, h = placement(page, (image.width(), image.height()), s)
        unit = UNITS[s.units]
        self._busy = True
        for box, value in ((self.top, top), (self.left, left), (self.width_box, w),
                           (self.height_box, h)):
            box.setSuffix(f" {s.units}")
            box.setValue(value / unit)
        self.scale.setValue(effective_scale(page, (image.width(), image.height()), s))
        self._busy = False
        fixed = s.center or s.fit
        self.top.setEnabled(not fixed)
        self.left.setEnabled(not fixed)
        self.scale.setEnabled(not s.fit)
        self.width_box.setEnabled(not s.fit)
        self.height_box.setEnabled(not s.fit)
        self.resolution_note.setText(f"{image.width()} × {image.height()} px at "
                                     f"{s.ppi:g} ppi")
        self.preview.setPixmap(QPixmap.fromImage(self.preview_image()))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save as PDF", self.pdf_path.text(),
                                              "PDF (*.pdf)")
        if path:
            self.pdf_path.setText(path if path.lower().endswith(".pdf") else path + ".pdf")


class PrintCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[PrintDialog] = None  # the last one shown (tests, screenshots)
        self.last_result: Optional[str] = None  # where the last print went (None: it did not)

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("print", "&Print…", self.print_dialog, "Ctrl+P", enabled=has_doc,
                       menu="file", after="file_info", separator=True,
                       tip="The picture on paper, or as a PDF, placed and scaled on the page"),
            ActionSpec("print_one_copy", "Print One Cop&y", self.print_one_copy,
                       "Alt+Shift+Ctrl+P", enabled=has_doc, menu="file", after="print",
                       tip="One copy with the last print settings, no dialog"),
        ]

    def last_settings(self) -> PrintSettings:
        settings = self.window.settings
        return PrintSettings.from_values(
            lambda name, default, kind: settings.value(f"print/{name}", default, kind))

    def _remember(self, s: PrintSettings) -> None:
        for name, value in asdict(s).items():
            self.window.settings.set_value(f"print/{name}", value)

    def _front_doc(self):
        session = self.window.session
        if session is None:
            return None
        self.window.tools.end_mode(commit=True)
        return session.doc

    def print_dialog(self) -> Optional[Job]:
        """File > Print…: the print's job (None when cancelled or refused)."""
        self.last_result = None
        doc = self._front_doc()
        if doc is None:
            return None
        start = replace(self.last_settings(), ppi=doc.resolution)  # (the document's)
        if not start.pdf_path:
            session = self.window.session
            stem = os.path.splitext(session.title)[0]
            folder = os.path.dirname(session.file) if session.file \
                else self.window.settings.last_dir()
            start = replace(start, pdf_path=os.path.join(folder, stem + ".pdf"))
        self.dialog = dialog = PrintDialog(self.window, doc, start)
        if not dialog.exec():
            return None
        chosen = dialog.settings()
        self._remember(chosen)
        return self._print(Rows.of_image(dialog.image()), chosen)  # (made for the preview)

    def print_one_copy(self) -> Optional[Job]:
        """File > Print One Copy: the last settings, one copy, no dialog; the composite is
        made band by band on the job's worker from a snapshot of the document."""
        self.last_result = None
        doc = self._front_doc()
        if doc is None:
            return None
        s = replace(self.last_settings(), ppi=doc.resolution)
        if s.selected_area and doc.selection is None:
            s = replace(s, selected_area=False)
        return self._print(Rows.of_document(snapshot(doc), print_box(doc, s)), s, copies=1)

    def _print(self, source: Rows, s: PrintSettings,
               copies: Optional[int] = None) -> Optional[Job]:
        """The print as a job; a printer that is not there, or a PDF folder that cannot be
        written, is one status line and no job."""
        run = PrintRun(s, copies)
        try:
            run.open_printer()
        except PrintError as exc:
            self.window.status(f"Could not print: {exc}.")
            return None

        def done(where: str) -> None:
            self.last_result = where
            self.window.status(f"Printed to {where}.")

        return self.window.jobs.submit(
            Job(JOB_NAME, lambda progress: run.run(source, progress), on_finished=done,
                on_cancelled=run.discard), failure_title="Could not print")
