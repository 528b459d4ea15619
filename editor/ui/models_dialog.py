"""The Models dialog: what the catalogue offers, what is on this computer, downloads, own models.

Each row is a catalogue model (size of the download, GPU memory it needs
without offload, licence, and whether it is in the Hugging Face cache) or a
model the user added from a folder or a .safetensors file. Download fetches
a catalogue model with `engine.models.download` on the dialog's own worker
thread, with a progress bar and Cancel; nothing is downloaded unless the
user presses it. Without a network the message says so and explains how to
place the files by hand.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel,
                               QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from editor.jobs import CANCELLED, FAILED, FINISHED, Job, JobRunner
from editor.model.errors import describe
from engine.methods import registry

from . import dialogs
from .icons import icon
from .model_list import add_local_model, all_choices

if TYPE_CHECKING:
    from .model_list import ModelChoice

COLUMNS = ("Model", "Method", "Download", "GPU memory", "Licence", "On this computer")
METHOD_NAMES = {m.id: m.label for m in registry.METHODS}  # from the table of methods
MiB = 2 ** 20


def download(model_id: str, progress, token):
    """Downloads a catalogue model (engine.models.download); progress in MiB."""
    from engine.models.download import download_model

    def report(done: int, total: int, preview=None) -> None:
        progress(done // MiB, max(1, total // MiB))

    return download_model(model_id, report, token=token)


class ModelsDialog(QDialog):
    models_changed = Signal()  # a download finished or the user's own list changed

    def __init__(self, parent: QWidget, settings):
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.setObjectName("ModelsDialog")
        self.settings = settings
        self.choices: list["ModelChoice"] = []
        self.runner = JobRunner(self)
        self.runner.progress.connect(self._progress)
        self.runner.ended.connect(self._ended)
        self.job: Optional[Job] = None
        self.resize(900, 460)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        intro = QLabel("Models for the Generate panel. Nothing is downloaded unless you press "
                       "Download; models you already have can be added from their folder or "
                       "file.")
        intro.setObjectName("Dim")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("ModelsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.details = QLabel()
        self.details.setObjectName("Dim")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        progress_row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setObjectName("DownloadProgress")
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.bar_label = QLabel()
        self.bar_label.setObjectName("Dim")
        progress_row.addWidget(self.bar, 1)
        progress_row.addWidget(self.bar_label)
        layout.addLayout(progress_row)
        self.message = QLabel()
        self.message.setObjectName("Note")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.download_button = QPushButton("Download")
        self.download_button.setObjectName("Primary")
        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button = QPushButton("Cancel Download")
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.clicked.connect(self.cancel_download)
        self.cancel_button.hide()
        self.add_button = QPushButton("Add Model from Folder or File…")
        self.add_button.clicked.connect(self.add_model)
        self.remove_button = QPushButton("Remove from List")
        self.remove_button.setToolTip("Forget this model (its files stay where they are)")
        self.remove_button.clicked.connect(self.remove_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        for button in (self.download_button, self.cancel_button, self.add_button,
                       self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.refresh()

    # -- the list -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected()
        try:
            self.choices = all_choices(self.settings)
        except Exception as exc:
            self.choices = []
            self._say(f"The model catalogue cannot be read: {exc}")
        self.table.setRowCount(len(self.choices))
        dim = QColor("#8d929b")
        for row, choice in enumerate(self.choices):
            info = choice.info
            if choice.local:
                cells = (f"{choice.name} (your own)", METHOD_NAMES.get(choice.method, "—"), "—",
                         f"{info.min_vram_gb:g} GB+" if info is not None and info.min_vram_gb
                         else "—",
                         "see the model's own licence", "Yes" if choice.installed else "Missing")
            elif choice.built_in:
                cells = (choice.name, METHOD_NAMES.get(choice.method, choice.method),
                         f"built in, {info.download_gb * 1024:.0f} MB", "none (CPU)", info.licence,
                         "Yes, built in" if choice.installed else "Missing")
            else:
                cells = (choice.name, METHOD_NAMES.get(choice.method, choice.method),
                         f"{info.download_gb:g} GB", f"{info.min_vram_gb:g} GB+", info.licence,
                         "Yes" if choice.installed else "Not downloaded")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(choice.tooltip() if column == 0 else text)
                if column == 5 and not choice.installed:
                    item.setForeground(dim)
                self.table.setItem(row, column, item)
        if selected is not None:
            row = next((i for i, c in enumerate(self.choices) if c.ref == selected.ref), -1)
            if row >= 0:
                self.table.selectRow(row)
        elif self.choices:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> Optional["ModelChoice"]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.choices):
            return None
        return self.choices[rows[0].row()]

    def select(self, ref: str) -> None:
        row = next((i for i, c in enumerate(self.choices) if c.ref == ref), -1)
        if row >= 0:
            self.table.selectRow(row)

    def _selection_changed(self) -> None:
        choice = self.selected()
        downloading = self.job is not None
        self.download_button.setEnabled(bool(choice and not choice.local and not choice.installed
                                             and not downloading))
        self.remove_button.setEnabled(bool(choice and choice.local))
        if choice is None:
            self.details.clear()
            return
        lines = [choice.ref]
        if choice.info is not None and not choice.local:
            lines.append(f"Licence: {choice.info.licence}")
        if choice.installed:
            lines.append(f"On this computer: {choice.where}")
        elif not choice.local:
            from engine.models.locate import hub_cache_dir

            gated = " It is gated: accept its licence on the model page first." \
                if getattr(choice.info, "gated", False) else ""
            lines.append(f"Download goes to the Hugging Face cache {hub_cache_dir()}.{gated}")
        else:
            lines.append(choice.problem)
        self.details.setText("\n".join(lines))

    # -- downloads ---------------------------------------------------------------------------------
    def download_selected(self) -> Optional[Job]:
        choice = self.selected()
        if choice is None or choice.local or choice.installed:
            return None
        return self.download_models([choice.ref], choice.name)

    def download_models(self, model_ids: list[str], name: str) -> Optional[Job]:
        """Downloads catalogue models one after the other as one job (progress, Cancel); `name`
        says what in the messages. Other dialogs (Decompose Options) offer downloads this way."""
        if self.job is not None or not model_ids:
            return None

        def run(progress):
            return ", ".join(str(download(model_id, progress, job.token))
                             for model_id in model_ids)

        job = self.job = Job(f"Downloading {name}", run)
        self.message.hide()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.bar_label.setText(f"Downloading {name}…")
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._selection_changed()
        return self.runner.submit(self.job)

    def cancel_download(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.bar_label.setText("Cancelling…")

    def _progress(self, done: int, total: int) -> None:
        if self.job is None or self.job.token.cancelled:
            return
        self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))
        self.bar_label.setText(f"{done / 1024:.2f} of {total / 1024:.2f} GB")

    def _ended(self, job: Job) -> None:
        if job is not self.job:
            return
        self.job = None
        self.bar.hide()
        self.bar_label.clear()
        self.cancel_button.hide()
        name = job.name.removeprefix("Downloading ")
        if job.state == FINISHED:
            self._say(f"{name} is downloaded ({job.result}).")
            self.refresh()
            self.models_changed.emit()
        elif job.state == FAILED:
            self._say(job.error or "The download failed.")
        elif job.state == CANCELLED:
            self._say(f"The download of {name} was cancelled.")
        self._selection_changed()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # -- the user's own models ---------------------------------------------------------------------
    def add_model(self) -> None:
        start = self.settings.value("models/last_dir", os.path.expanduser("~"))
        path = dialogs.ask_model_path(self, start)
        if not path:
            return
        self.settings.set_value("models/last_dir", os.path.dirname(os.path.abspath(path)))
        try:
            choice = add_local_model(self.settings, path)
        except Exception as exc:
            self._say(f"Could not add {path}: {describe(exc)}")
            return
        self.refresh()
        self.select(choice.ref)
        self._say(f"Added {choice.name}: it is in the Generate panel's model list "
                  f"({METHOD_NAMES.get(choice.method, choice.method)}).")
        self.models_changed.emit()

    def remove_selected(self) -> None:
        choice = self.selected()
        if choice is None or not choice.local:
            return
        self.settings.remove_local_model(choice.ref)
        self.refresh()
        self.models_changed.emit()

    # -- closing -------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        self.cancel_download()
        self.runner.shutdown(5000)
        super().done(result)

