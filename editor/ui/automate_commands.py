"""File > Automate (Batch…, Photomerge…) and File > Scripts (Image Processor…, Load Files
into Stack…, Statistics…): the commands of `editor/model/batch.py`, `image_processor.py`,
`photomerge.py` and `stack_modes.py`.

Each asks its settings in a dialog, then runs as a job (progress and Cancel in the status
bar). Batch processes documents of the model only (no tab opens; with Destination None the
processed documents open as tabs when it finishes, as Photoshop leaves them open);
Photomerge, Load Files into Stack and Statistics open their new document as a tab when done. A cancelled
job opens nothing; a cancelled Batch or Image Processor keeps the files it finished and
leaves no partial one.
"""
from __future__ import annotations

import dataclasses
import json
import os
from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QPushButton, QSpinBox, QVBoxLayout,
                               QWidget)

from editor.jobs import Job, operation_job
from editor.model import batch, image_processor, photomerge, stack_modes
from editor.model.batch import BatchSettings
from editor.model.errors import DocumentError

from . import dialogs
from .automate_rows import fill_actions, folder_button
from .actions import ActionSpec, SubmenuSpec
from .dialogs import keyed_combo, ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

BATCH_FAILURE = "Batch stopped"
PROCESSOR_FAILURE = "Image Processor stopped"
MERGE_FAILURE = "Could not merge the photos"
STACK_FAILURE = "Could not load the files into a stack"
STATISTICS_FAILURE = "Could not make the image statistics"


def _path_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


class BatchDialog(QDialog):
    """Play (set, action), Source folder, Destination, File Naming, Errors."""

    def __init__(self, window: "EditorWindow", start: BatchSettings, chosen: tuple[str, str]):
        super().__init__(window)
        self.setObjectName("BatchDialog")
        self.setWindowTitle("Batch")
        self.sets = window.actions_panel.sets
        form = QFormLayout(self)
        self.set_box = QComboBox()
        self.set_box.setObjectName("batch_set")
        self.action_box = QComboBox()
        self.action_box.setObjectName("batch_action")
        self.set_box.addItems([s.name for s in self.sets])
        self.set_box.currentIndexChanged.connect(self._fill_actions)
        self.set_box.setCurrentIndex(max(0, self.set_box.findText(chosen[0])))
        self._fill_actions()
        self.action_box.setCurrentIndex(max(0, self.action_box.findText(chosen[1])))
        form.addRow("Set:", self.set_box)
        form.addRow("Action:", self.action_box)
        self.source = QLineEdit(start.source)
        self.source.setObjectName("batch_source")
        form.addRow("Source folder:", _path_row(self.source, self._browse(self.source)))
        self.subfolders = QCheckBox("Include All Subfolders")
        self.subfolders.setObjectName("batch_subfolders")
        self.subfolders.setChecked(start.subfolders)
        form.addRow("", self.subfolders)
        self.destination = keyed_combo("batch_destination", batch.DESTINATIONS, start.destination)
        form.addRow("Destination:", self.destination)
        self.folder = QLineEdit(start.folder)
        self.folder.setObjectName("batch_folder")
        form.addRow("Destination folder:", _path_row(self.folder, self._browse(self.folder)))
        self.naming = keyed_combo("batch_naming", batch.NAMINGS, start.naming)
        form.addRow("File naming:", self.naming)
        self.start = QSpinBox()
        self.start.setObjectName("batch_start")
        self.start.setRange(0, 999999)
        self.start.setValue(start.start)
        form.addRow("Starting serial #:", self.start)
        self.format = keyed_combo("batch_format", batch.FORMATS, start.format)
        form.addRow("Save as:", self.format)
        self.errors = keyed_combo("batch_errors", batch.ERRORS, start.errors)
        form.addRow("Errors:", self.errors)
        self.log_path = QLineEdit(start.log_path)
        self.log_path.setObjectName("batch_log")
        save_as = QPushButton("Save As…")
        save_as.clicked.connect(self._choose_log)
        form.addRow("Error log:", _path_row(self.log_path, save_as))
        form.addRow(ok_cancel(self))
        self.destination.currentIndexChanged.connect(self._follow)
        self.errors.currentIndexChanged.connect(self._follow)
        self._follow()

    def _follow(self) -> None:
        """Only the rows the chosen Destination and Errors use are editable."""
        to_folder = self.destination.currentData() == "folder"
        for widget in (self.folder, self.naming, self.start):
            widget.setEnabled(to_folder)
        self.format.setEnabled(to_folder)  # (Save and Close keeps each file's own format)
        self.log_path.setEnabled(self.errors.currentData() == "log")

    def _fill_actions(self) -> None:
        fill_actions(self.action_box, self.sets, self.set_box.currentIndex())

    def _browse(self, edit: QLineEdit) -> QPushButton:
        return folder_button(self, edit)

    def _choose_log(self) -> None:
        path = dialogs.ask_save_path(self, self.log_path.text() or "Batch errors.txt",
                                     "Error log", "Text file (*.txt)")
        if path:
            self.log_path.setText(path)

    def action(self):
        i, j = self.set_box.currentIndex(), self.action_box.currentIndex()
        if 0 <= i < len(self.sets) and 0 <= j < len(self.sets[i].actions):
            return self.sets[i].actions[j]
        return None

    def settings(self) -> BatchSettings:
        return BatchSettings(self.source.text().strip(), self.subfolders.isChecked(),
                             self.destination.currentData(), self.folder.text().strip(),
                             self.naming.currentData(), self.start.value(),
                             self.format.currentData(), self.errors.currentData(),
                             self.log_path.text().strip())


class FilesDialog(QDialog):
    """A list of source files (Browse…, Remove) and the command's own options below."""

    def __init__(self, window: "EditorWindow", name: str, title: str, start_dir: str):
        super().__init__(window)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.start_dir = start_dir
        self.layout_ = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName(f"{name}_files")
        browse, remove = QPushButton("Browse…"), QPushButton("Remove")
        browse.clicked.connect(self.browse)
        remove.clicked.connect(lambda: [self.list.takeItem(self.list.row(i))
                                        for i in self.list.selectedItems()])
        self.layout_.addWidget(self.list)
        self.layout_.addWidget(_path_row(browse, remove))

    def browse(self) -> None:
        for path in dialogs.ask_open_paths(self, self.start_dir, self.windowTitle(),
                                           dialogs.IMAGE_FILTER):
            self.list.addItem(path)

    def paths(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def finish(self) -> None:
        self.layout_.addWidget(ok_cancel(self))


class AutomateCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[QDialog] = None  # the last one shown (tests, screenshots)

    def action_specs(self) -> list:
        return [
            SubmenuSpec("automate_menu", "Au&tomate", menu="file", after="export_menu"),
            SubmenuSpec("scripts_menu", "Scri&pts", menu="file", after="automate_menu"),
            ActionSpec("batch", "&Batch…", self.batch, menu="automate_menu",
                       tip="Play an action on every image of a folder, saving each"),
            ActionSpec("photomerge", "&Photomerge…", self.photomerge, menu="automate_menu",
                       after="batch", separator=True,
                       tip="Overlapping photos aligned and blended into one panorama"),
            ActionSpec("image_processor", "&Image Processor…", self.image_processor,
                       menu="scripts_menu",
                       tip="Every image of a folder (or the open ones) saved as JPEG, PSD "
                           "and/or TIFF copies, resized to fit, after an action"),
            ActionSpec("load_stack", "Load Files into &Stack…", self.load_stack,
                       menu="scripts_menu", after="image_processor", separator=True,
                       tip="Image files as the layers of one new document"),
            ActionSpec("statistics", "S&tatistics…", self.statistics, menu="scripts_menu",
                       after="load_stack",
                       tip="Image files stacked in one smart object showing a statistic "
                           "of them per pixel (Median: what moves between shots vanishes)"),
        ]

    # -- Batch ------------------------------------------------------------------------------
    def batch(self) -> Optional[Job]:
        w = self.window
        s = w.settings
        start = BatchSettings(
            s.value("batch/source", s.last_dir()), s.value("batch/subfolders", False, bool),
            s.value("batch/destination", "folder"), s.value("batch/folder", ""),
            s.value("batch/naming", "document"), s.value("batch/start", 1, int),
            s.value("batch/format", "original"), s.value("batch/errors", "stop"),
            s.value("batch/log_path", ""))
        chosen = (s.value("batch/set", ""), s.value("batch/action", ""))
        self.dialog = dialog = BatchDialog(w, start, chosen)
        if not dialog.exec():
            return None
        settings, action = dialog.settings(), dialog.action()
        for key, value in dataclasses.asdict(settings).items():
            s.set_value(f"batch/{key}", value)
        s.set_value("batch/set", dialog.set_box.currentText())
        s.set_value("batch/action", action.name if action else "")
        return self.run_batch(settings, action)

    def run_batch(self, settings: BatchSettings, action) -> Optional[Job]:
        """The batch job: `action` played on each file of the source folder."""
        w = self.window
        try:
            prepared = batch.prepare(settings, action)
        except Exception as exc:
            w.report(exc, BATCH_FAILURE)
            return None

        def finished(done: batch.Done) -> None:
            for path, doc in done.documents:  # Destination None: left open, as Photoshop
                w.add_session(doc, os.path.basename(path))
            count = len(done.written) or len(done.documents)
            text = f"Batch: {count} file{'s' if count != 1 else ''} processed"
            if done.failed:
                text += f", {len(done.failed)} failed (see {settings.log_path})"
            w.status(text + ".")

        job = operation_job(batch.NAME, batch.run, prepared, on_finished=finished)
        return w.jobs.submit(job, failure_title=BATCH_FAILURE)

    # -- Image Processor --------------------------------------------------------------------
    def image_processor(self) -> Optional[Job]:
        """File > Scripts > Image Processor…: its dialog (the last run's settings), then
        the job."""
        from .image_processor_dialog import ImageProcessorDialog

        w = self.window
        s = w.settings
        start = image_processor.ProcessorSettings(source=s.last_dir())
        try:  # (settings of an older version, or damaged: the defaults)
            saved = json.loads(s.value("image_processor/settings", "") or "{}")
            outputs = {k: image_processor.Output(**saved.pop(k)) for k in image_processor.FORMATS
                       if k in saved}
            start = dataclasses.replace(start, **saved, **outputs)
        except (TypeError, ValueError, AttributeError):
            pass
        chosen = (s.value("image_processor/set", ""), s.value("image_processor/action", ""))
        self.dialog = dialog = ImageProcessorDialog(
            w, start, chosen, s.value("image_processor/run_action", False, bool))
        if not dialog.exec():
            return None
        settings, action = dialog.settings(), dialog.action()
        s.set_value("image_processor/settings", json.dumps(dataclasses.asdict(settings)))
        s.set_value("image_processor/run_action", dialog.run_action.isChecked())
        s.set_value("image_processor/set", dialog.set_box.currentText())
        s.set_value("image_processor/action", action.name if action else "")
        if dialog.run_action.isChecked() and action is None:
            w.report(DocumentError("Choose the action to run (record one in the Actions "
                                   "panel), or turn Run Action off."), PROCESSOR_FAILURE)
            return None
        return self.run_image_processor(settings, action)

    def run_image_processor(self, settings, action=None) -> Optional[Job]:
        """The Image Processor job on the settings' folder or the open documents."""
        w = self.window
        try:
            documents = [(x.title, x.doc) for x in w.sessions] if settings.open_documents \
                else None
            prepared = image_processor.prepare(settings, action, documents)
        except Exception as exc:
            w.report(exc, PROCESSOR_FAILURE)
            return None

        def finished(done: batch.Done) -> None:
            count = len(prepared.items) - len(done.failed)
            text = f"Image Processor: {count} image{'s' if count != 1 else ''} processed"
            if done.failed:
                text += f", {len(done.failed)} failed (see {prepared.log_path})"
            w.status(text + ".")

        job = operation_job(image_processor.NAME, image_processor.run, prepared,
                            on_finished=finished)
        return w.jobs.submit(job, failure_title=PROCESSOR_FAILURE)

    # -- Photomerge and Load Files into Stack -----------------------------------------------
    def photomerge(self) -> Optional[Job]:
        w = self.window
        s = w.settings
        self.dialog = dialog = FilesDialog(w, "PhotomergeDialog", "Photomerge", s.last_dir())
        layout = keyed_combo("photomerge_layout", photomerge.LAYOUTS, s.value("photomerge/layout",
                                                                         "auto"))
        blend = QCheckBox("Blend Images Together")
        blend.setObjectName("photomerge_blend")
        blend.setChecked(s.value("photomerge/blend", True, bool))
        dialog.layout_.addWidget(QLabel("Layout:"))
        dialog.layout_.addWidget(layout)
        dialog.layout_.addWidget(blend)
        dialog.layout = layout
        dialog.blend = blend
        dialog.finish()
        if not dialog.exec():
            return None
        s.set_value("photomerge/layout", layout.currentData())
        s.set_value("photomerge/blend", blend.isChecked())
        return self.run_photomerge(dialog.paths(), layout.currentData(), blend.isChecked())

    def run_photomerge(self, paths: list[str], layout: str = "auto",
                       blend: bool = True) -> Optional[Job]:
        return self._new_document_job(
            photomerge.NAME, lambda progress: photomerge.photomerge(paths, layout, blend,
                                                                    progress),
            "Untitled_Panorama", MERGE_FAILURE, len(paths) >= 2,
            "Photomerge needs two or more files.")

    def load_stack(self) -> Optional[Job]:
        w = self.window
        s = w.settings
        self.dialog = dialog = FilesDialog(w, "LoadStackDialog", "Load Layers", s.last_dir())
        align = QCheckBox("Attempt to Automatically Align Source Images")
        align.setObjectName("load_stack_align")
        align.setChecked(s.value("load_stack/align", False, bool))
        dialog.layout_.addWidget(align)
        dialog.align = align
        dialog.finish()
        if not dialog.exec():
            return None
        s.set_value("load_stack/align", align.isChecked())
        return self.run_load_stack(dialog.paths(), align.isChecked())

    def run_load_stack(self, paths: list[str], align: bool = False) -> Optional[Job]:
        return self._new_document_job(
            photomerge.STACK_NAME, lambda progress: photomerge.load_stack(paths, align,
                                                                          progress),
            None, STACK_FAILURE, bool(paths) and (len(paths) >= 2 or not align),
            "Choose the files to load (Browse…)" if not paths else
            "Aligning needs two or more files.")

    def statistics(self) -> Optional[Job]:
        """File > Scripts > Statistics… (Photoshop's Image Statistics dialog): a Stack Mode,
        the files, and whether to align them."""
        w = self.window
        s = w.settings
        self.dialog = dialog = FilesDialog(w, "StatisticsDialog", "Image Statistics",
                                           s.last_dir())
        modes = {k: v for k, v in stack_modes.MODES.items() if k != "none"}
        mode = keyed_combo("statistics_mode", modes, s.value("statistics/mode", "median"))
        align = QCheckBox("Attempt to Automatically Align Source Images")
        align.setObjectName("statistics_align")
        align.setChecked(s.value("statistics/align", False, bool))
        dialog.layout_.insertWidget(0, QLabel("Choose Stack Mode:"))
        dialog.layout_.insertWidget(1, mode)
        dialog.layout_.addWidget(align)
        dialog.mode, dialog.align = mode, align
        dialog.finish()
        if not dialog.exec():
            return None
        s.set_value("statistics/mode", mode.currentData())
        s.set_value("statistics/align", align.isChecked())
        return self.run_statistics(dialog.paths(), mode.currentData(), align.isChecked())

    def run_statistics(self, paths: list[str], mode: str = "median",
                       align: bool = False) -> Optional[Job]:
        return self._new_document_job(
            stack_modes.STATISTICS_NAME,
            lambda progress: stack_modes.statistics(paths, mode, align, progress),
            None, STATISTICS_FAILURE, bool(paths) and (len(paths) >= 2 or not align),
            "Choose the files to load (Browse…)" if not paths else
            "Aligning needs two or more files.")

    def _new_document_job(self, name: str, run, title: Optional[str], failure: str,
                          ok: bool, refusal: str) -> Optional[Job]:
        w = self.window
        if not ok:
            w.report(DocumentError(refusal), failure)
            return None

        def finished(doc) -> None:
            w.add_session(doc, title or w.next_untitled())
            count = len(list(doc.layers()))
            w.status(f"{name}: {count} layer{'s' if count != 1 else ''}.")

        return w.jobs.submit(Job(name, run, on_finished=finished), failure_title=failure)
