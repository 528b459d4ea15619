"""Image > Apply Image… and Image > Calculations… (the maths: `model.apply_image`).

Both dialogs offer as sources the open documents (the window's tabs) of the active
document's pixel size only, as Photoshop does; each source row is a document, its Merged
image or one of its layers, a channel and Invert. Apply Image previews its result on the
canvas as it changes (the filters' path: `filter_ops.show` / `take_back`, computed at
once: it is a blend of two images), OK keeps it as one undo step, Cancel puts the layer
back. Calculations has no preview: OK makes a new channel, a new document (a new tab)
or the selection, one undo step.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget)

from editor.model import apply_image as ai, filter_ops, replay
from editor.model.errors import describe
from editor.model.layers import BLEND_MODE_LABELS, Layer

from .actions import ActionSpec, Spec, has_doc
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

LABELS = {**BLEND_MODE_LABELS, "add": "Add", "subtract": "Subtract"}
RESULT_LABELS = {"channel": "New Channel", "document": "New Document", "selection": "Selection"}


def same_size_sessions(window: "EditorWindow") -> list:
    """The open documents Photoshop offers as sources: those of the active one's size."""
    doc = window.doc
    return [s for s in window.sessions if (s.doc.width, s.doc.height) == (doc.width, doc.height)]


class SourceRow(QWidget):
    """Document, Layer (Merged or one), Channel and Invert: a `Source`."""

    def __init__(self, window: "EditorWindow", name: str, channels, changed, parent=None):
        super().__init__(parent)
        self.sessions = same_size_sessions(window)
        self.changed = changed
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.document = QComboBox()
        self.document.setObjectName(f"{name}Document")
        for s in self.sessions:
            self.document.addItem(s.title)
        self.document.setCurrentIndex(self.sessions.index(window.session))
        self.layer = QComboBox()
        self.layer.setObjectName(f"{name}Layer")
        self.channel = QComboBox()
        self.channel.setObjectName(f"{name}Channel")
        self.channel.addItems(list(channels))
        self.invert = QCheckBox("Invert")
        self.invert.setObjectName(f"{name}Invert")
        channel_row = QHBoxLayout()
        channel_row.addWidget(self.channel, 1)
        channel_row.addWidget(self.invert)
        form.addRow("Document:", self.document)
        form.addRow("Layer:", self.layer)
        form.addRow("Channel:", channel_row)
        self._fill_layers()
        self.document.currentIndexChanged.connect(self._document_changed)
        self.layer.currentIndexChanged.connect(lambda _i: self.changed())
        self.channel.currentIndexChanged.connect(lambda _i: self.changed())
        self.invert.toggled.connect(lambda _on: self.changed())

    def _doc(self):
        return self.sessions[self.document.currentIndex()].doc

    def _fill_layers(self) -> None:
        self.layer.blockSignals(True)
        self.layer.clear()
        self.layer.addItem("Merged", None)
        self.layers = [n for n in self._doc().layers() if isinstance(n, Layer)]
        for layer in reversed(self.layers):  # (top first, as the Layers panel lists them)
            self.layer.addItem(layer.name)
        self.layer.blockSignals(False)

    def _document_changed(self, _i) -> None:
        self._fill_layers()
        self.changed()

    def source(self) -> ai.Source:
        i = self.layer.currentIndex()
        layer = None if i <= 0 else self.layers[len(self.layers) - i]
        return ai.Source(self._doc(), layer, self.channel.currentText(), self.invert.isChecked())


class BlendRows(QWidget):
    """Blending, Opacity, Scale and Offset (Add and Subtract) and the optional Mask."""

    def __init__(self, window: "EditorWindow", changed, mode: str):
        super().__init__()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.mode = QComboBox()
        self.mode.setObjectName("Blending")
        for m in ai.BLENDINGS:
            self.mode.addItem(LABELS[m], m)
        self.mode.setCurrentIndex(ai.BLENDINGS.index(mode))
        self.opacity = QSpinBox()
        self.opacity.setObjectName("Opacity")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(100)
        self.opacity.setSuffix(" %")
        self.scale = QDoubleSpinBox()
        self.scale.setObjectName("Scale")
        self.scale.setRange(1.0, 2.0)
        self.scale.setDecimals(3)
        self.scale.setSingleStep(0.1)
        self.offset = QSpinBox()
        self.offset.setObjectName("Offset")
        self.offset.setRange(-255, 255)
        form.addRow("Blending:", self.mode)
        form.addRow("Opacity:", self.opacity)
        scale_row = QHBoxLayout()
        scale_row.addWidget(QLabel("Scale:"))
        scale_row.addWidget(self.scale)
        scale_row.addWidget(QLabel("Offset:"))
        scale_row.addWidget(self.offset)
        form.addRow(scale_row)
        self.mask_box = QGroupBox("Mask")
        self.mask_box.setObjectName("MaskBox")
        self.mask_box.setCheckable(True)
        self.mask_box.setChecked(False)
        mask_layout = QVBoxLayout(self.mask_box)
        self.mask = SourceRow(window, "Mask", ai.GREY_CHANNELS, changed)
        mask_layout.addWidget(self.mask)
        form.addRow(self.mask_box)
        self._scaled()
        self.mode.currentIndexChanged.connect(lambda _i: (self._scaled(), changed()))
        for box in (self.opacity, self.offset):
            box.valueChanged.connect(lambda _v: changed())
        self.scale.valueChanged.connect(lambda _v: changed())
        self.mask_box.toggled.connect(lambda _on: changed())

    def _scaled(self) -> None:
        on = self.mode.currentData() in ("add", "subtract")
        self.scale.setEnabled(on)
        self.offset.setEnabled(on)

    def values(self) -> dict:
        return dict(mode=self.mode.currentData(), opacity=self.opacity.value() / 100,
                    mask=self.mask.source() if self.mask_box.isChecked() else None,
                    scale=self.scale.value(), offset=self.offset.value())


class ApplyImageDialog(QDialog):
    """Image > Apply Image…: previewed on the canvas; OK one undo step, Cancel nothing."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target):
        super().__init__(window)
        self.setWindowTitle("Apply Image")
        self.setObjectName("ApplyImageDialog")
        self.doc, self.target = window.doc, target
        self.edit = None       # the shown preview (not recorded)
        self.error: Optional[BaseException] = None
        layout = QVBoxLayout(self)
        source_box = QGroupBox("Source")
        self.source_row = SourceRow(window, "Source", ai.CHANNELS, self.changed)
        QVBoxLayout(source_box).addWidget(self.source_row)
        layout.addWidget(source_box)
        what = "Layer Mask" if target.on_mask else "Layer"
        layout.addWidget(QLabel(f"Target: {window.session.title} ({target.layer.name}, {what})"))
        self.blend = BlendRows(window, self.changed, "multiply")
        layout.addWidget(self.blend)
        self.preserve = QCheckBox("Preserve Transparency")
        self.preserve.setObjectName("PreserveTransparency")
        self.preserve.setEnabled(not target.on_mask)
        self.preserve.toggled.connect(lambda _on: self.changed())
        layout.addWidget(self.preserve)
        self.preview_check = QCheckBox("Preview")
        self.preview_check.setObjectName("ApplyImagePreview")
        self.preview_check.setChecked(True)
        self.preview_check.toggled.connect(lambda _on: self.changed())
        layout.addWidget(self.preview_check)
        self.problem = QLabel()  # why it cannot be applied, in one line
        self.problem.setObjectName("ApplyImageProblem")
        self.problem.setVisible(False)
        layout.addWidget(self.problem)
        layout.addWidget(ok_cancel(self))
        self.changed()

    def settings(self) -> ai.Settings:
        return ai.Settings(self.source_row.source(), preserve_transparency=self.preserve.isChecked(),
                           **self.blend.values())

    def _take_back(self) -> None:
        if self.edit is not None:
            filter_ops.take_back(self.doc, self.edit)
            self.edit = None

    def _show(self) -> None:
        """The current settings' result on the layer (or one line why not)."""
        self._take_back()
        self.error = None
        try:
            self.edit = filter_ops.show(self.doc, self.target,
                                        ai.run(self.doc, self.target, self.settings()))
        except Exception as exc:  # shown in the dialog: the user changes a setting
            self.error = exc
        self._problem(self.error)

    def changed(self) -> None:
        if self.preview_check.isChecked():
            self._show()
        else:
            self._take_back()

    def _problem(self, exc: Optional[BaseException]) -> None:
        self.error = exc
        self.problem.setVisible(exc is not None)
        self.problem.setText(describe(exc) if exc is not None else "")

    def accept(self) -> None:
        plain = ai.plain_settings(self.doc, self.settings())
        if plain is not None:  # done again through `replay` so that an action records it
            self._take_back()
            try:
                replay.perform(self.doc, "apply_image", **plain)
            except Exception as exc:
                self._problem(exc)  # (the dialog stays open; nothing changed)
                return
        else:  # another document's image: the shown preview kept (not recordable)
            if self.edit is None or not self.preview_check.isChecked():
                self._show()
            if self.edit is None:
                return  # (the line says why; the dialog stays open)
            filter_ops.keep(self.doc, self.edit)
            self.edit = None
        super().accept()

    def reject(self) -> None:
        self._take_back()
        super().reject()


class CalculationsDialog(QDialog):
    """Image > Calculations…: two sources blended into a channel, document or selection."""

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setWindowTitle("Calculations")
        self.setObjectName("CalculationsDialog")
        layout = QVBoxLayout(self)
        rows = []
        for i in (1, 2):
            box = QGroupBox(f"Source {i}")
            row = SourceRow(window, f"Source{i}", ai.GREY_CHANNELS, lambda: None)
            QVBoxLayout(box).addWidget(row)
            layout.addWidget(box)
            rows.append(row)
        self.source1, self.source2 = rows
        self.blend = BlendRows(window, lambda: None, "multiply")
        layout.addWidget(self.blend)
        self.result = QComboBox()
        self.result.setObjectName("CalculationsResult")
        for key in ai.RESULTS:
            self.result.addItem(RESULT_LABELS[key], key)
        form = QFormLayout()
        form.addRow("Result:", self.result)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))

    def calculation(self) -> ai.Calculation:
        return ai.Calculation(self.source1.source(), self.source2.source(), **self.blend.values())


class ApplyImageCommands:
    """Image > Apply Image… and Calculations…, after Adjustments and the Auto items."""

    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        return [
            ActionSpec("apply_image", "Apply Ima&ge…", self.apply_image, enabled=has_doc,
                       tip="Blends a channel of an open document onto the active layer "
                           "(or its mask)", menu="image", after="auto_color", separator=True),
            ActionSpec("calculations", "Ca&lculations…", self.calculations, enabled=has_doc,
                       tip="Blends two channels into a new channel, document or selection",
                       menu="image", after="apply_image")]

    def apply_image(self) -> None:
        w = self.window
        if w.doc is None:
            return
        try:
            target = ai.prepare(w.doc)
        except Exception as exc:
            w.report(exc, "Could not apply the image")
            return
        ApplyImageDialog(w, target).exec()

    def calculations(self) -> None:
        w = self.window
        if w.doc is None:
            return
        dialog = CalculationsDialog(w)
        if not dialog.exec():
            return
        doc, result = w.doc, dialog.result.currentData()
        try:
            calc = dialog.calculation()
            plain = ai.plain_settings(doc, calc)
            if plain is not None and result != "document":  # (recorded by an action)
                new = replay.perform(doc, "calculations", result=result, **plain)
            else:
                new = ai.calculations(doc, calc, result)
        except Exception as exc:
            w.report(exc, "Could not calculate")
            return
        if new is not None:
            w.add_session(new, w.next_untitled())
