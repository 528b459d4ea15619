"""Image > Adjustments > Match Color…'s dialog (`editor.model.match_color`), previewed live on
the canvas as the other adjustments' dialogs (`filter_dialog.PixelDialog`).

Photoshop's layout: Destination Image (the target layer, Ignore Selection aside), Image
Options (Luminance, Color Intensity, Fade, Neutralize: `FilterForm` rows), Image
Statistics (Use Selection in Source / in Target, Source: None or any open document, Layer:
Merged or one of the source's pixel layers). Choosing a source, layer or a Use Selection
box measures the statistics again (`match_color.measure`) and the preview follows.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout

from editor.model import filter_ops, match_color as mc
from editor.model.layers import Layer

from .filter_dialog import FILTER_ROWS, FilterForm, PixelDialog

if TYPE_CHECKING:
    from .window_api import EditorWindow

FILTER_ROWS[mc.MatchColor] = [("luminance", "Luminance", 1, 200, 0, ""),
                              ("intensity", "Color Intensity", 1, 200, 0, ""),
                              ("fade", "Fade", 0, 100, 0, ""),
                              ("check", "neutralize", "Neutralize")]


class MatchColorDialog(PixelDialog):
    def __init__(self, window: "EditorWindow", target: filter_ops.Target):
        super().__init__(window, mc.MatchColor.label, target)
        self.target, self.doc = target, window.doc
        self.setMinimumWidth(460)
        self.sessions = list(window.sessions)
        destination = QLabel(f"Target: {target.layer.name}")
        destination.setObjectName("MatchColorTarget")
        self.body.addWidget(destination)

        options = QGroupBox("Image Options")
        box = QVBoxLayout(options)
        self.form = FilterForm(mc.MatchColor(), self.changed)
        box.addWidget(self.form)
        self.body.addWidget(options)

        statistics = QGroupBox("Image Statistics")
        rows = QFormLayout(statistics)
        self.in_source = QCheckBox("Use Selection in Source to Calculate Colors")
        self.in_source.setObjectName("MatchColorSourceSelection")
        self.in_target = QCheckBox("Use Selection in Target to Calculate Adjustment")
        self.in_target.setObjectName("MatchColorTargetSelection")
        self.in_target.setEnabled(target.selection is not None)
        rows.addRow(self.in_source)
        rows.addRow(self.in_target)
        self.source = QComboBox()
        self.source.setObjectName("MatchColorSource")
        self.source.addItem("None", None)
        for session in self.sessions:
            self.source.addItem(session.title, session)
        rows.addRow("Source:", self.source)
        self.layer = QComboBox()
        self.layer.setObjectName("MatchColorLayer")
        rows.addRow("Layer:", self.layer)
        self.body.addWidget(statistics)

        # Its own document's merged picture as it is now: the preview will change it.
        whole = mc.measure(self.doc, None)
        self._own_merged = {False: whole, True: whole if target.selection is None
                            else mc.measure(self.doc, None, True)}
        self.source.currentIndexChanged.connect(lambda _i: self._source_chosen())
        self.layer.currentIndexChanged.connect(lambda _i: self._measure())
        self.in_source.toggled.connect(lambda _on: self._measure())
        self.in_target.toggled.connect(lambda _on: self._measure())
        self._source_chosen()

    def _source_doc(self):
        session = self.source.currentData()
        return None if session is None else session.doc

    def _source_chosen(self) -> None:
        """The Layer list follows the Source: Merged, then its pixel layers, top first."""
        doc = self._source_doc()
        self.layer.blockSignals(True)
        self.layer.clear()
        if doc is not None:
            self.layer.addItem("Merged", None)
            for node in reversed(list(doc.layers())):
                if type(node) is Layer:
                    self.layer.addItem(node.name, node)
        self.layer.setEnabled(doc is not None)
        self.layer.blockSignals(False)
        self.in_source.setEnabled(doc is not None and doc.selection is not None
                                  or doc is not None and doc.selection_mask is not None)
        self._measure()

    def _measure(self) -> None:
        doc = self._source_doc()
        source: Optional[mc.Stats] = None
        if doc is not None:
            # (the target's own document shows the preview: its layer and merged picture
            # as the dialog opened)
            use = self.in_source.isChecked() and self.in_source.isEnabled()
            if doc is self.doc and self.layer.currentData() is self.target.layer:
                source = mc.target_stats(doc, self.target, use)
            elif doc is self.doc and self.layer.currentData() is None:
                source = self._own_merged[use]
            else:
                source = mc.measure(doc, self.layer.currentData(), use)
        own = mc.target_stats(self.doc, self.target, self.in_target.isChecked()
                              and self.in_target.isEnabled())
        self.form.op = replace(self.form.op, source_stats=source, target_stats=own)
        self.changed()

    def operation(self) -> mc.MatchColor:
        return self.form.op
