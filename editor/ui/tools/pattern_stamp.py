"""Pattern Stamp (S, with the Clone Stamp; Shift+S): paint with a pattern of the document.

The dabs are the brush's (size, hardness, opacity, flow: `BrushTool`'s stroke path and
options bar); each lays the pattern chosen in the options bar (the document's patterns:
Edit > Define Pattern), tiled as a Pattern fill tiles it (`editor.model.pattern_stamp`).
Aligned (the default) anchors the tiles to the canvas, so strokes line up with each
other; off, each stroke starts the pattern at its first dab. Each stroke is one undo
step; the layer's locks hold (`Document.begin_pixel_edit`, `PixelEdit`) and only the
selection changes.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from editor.model.brush_stroke import BrushStroke
from editor.model.pattern_stamp import NO_PATTERN, pattern_layer, stroke_phase
from editor.model.patterns import Pattern, display_name

from .clone import AlignedStamp


class PatternCombo(QComboBox):
    """The options bar's pattern menu: the active document's patterns, listed afresh
    each time it opens (patterns come and go with Define Pattern and undo)."""

    def __init__(self, tool: "PatternStampTool"):
        super().__init__()
        self.tool = tool
        self.currentIndexChanged.connect(self._picked)
        self.refresh()

    def refresh(self) -> None:
        doc = self.tool.window.doc
        chosen = self.tool.chosen_pattern(doc) if doc is not None else None
        self.blockSignals(True)
        self.clear()
        for pattern in (doc.patterns if doc is not None else ()):
            self.addItem(display_name(pattern.name), pattern.id)
        if chosen is not None:
            self.setCurrentIndex(self.findData(chosen.id))
        self.blockSignals(False)

    def showPopup(self) -> None:
        self.refresh()
        super().showPopup()

    def _picked(self, _index: int) -> None:
        if self.currentData() is not None:
            self.tool.set_pattern(self.currentData())


class PatternStampTool(AlignedStamp):
    id = "pattern_stamp"
    label = "Pattern Stamp Tool"
    letter = "S"
    icon = "tool-pattern-stamp"
    tip = "Paint with the pattern chosen in the options bar ([ and ] change the size)"
    history_name = "Pattern Stamp"
    verb = "paint"
    alt_picks = False
    sliders = ("size", "hardness", "opacity", "flow")  # Photoshop's options bar

    def __init__(self, window):
        super().__init__(window)
        self.pattern_id: Optional[str] = None

    def set_pattern(self, pattern_id: str) -> None:
        """The pattern the next strokes paint (by its id, among the document's)."""
        self.pattern_id = pattern_id
        combo = self._option_widgets.get("pattern")
        if combo is not None and combo.currentData() != pattern_id:
            combo.refresh()

    def chosen_pattern(self, doc) -> Optional[Pattern]:
        """The pattern chosen in the options bar, or the document's first (None: the
        document has none)."""
        for pattern in doc.patterns:
            if pattern.id == self.pattern_id:
                return pattern
        return doc.patterns[0] if doc.patterns else None

    def activate(self, canvas) -> None:
        super().activate(canvas)
        combo = self._option_widgets.get("pattern")
        if combo is not None:  # (another document may be in front now)
            combo.refresh()

    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        layer = self.pixel_target(doc)
        if layer is None:
            return
        pattern = self.chosen_pattern(doc)
        if pattern is None:
            self.window.status(NO_PATTERN)
            return
        edit = self._begin_edit(doc, layer, doc.canvas)
        if edit is None:
            return
        canvas.session.renderer.set_focus(layer)
        phase = stroke_phase(self.aligned, ev.image.x(), ev.image.y())
        lay = pattern_layer(pattern, phase, self.opacity, layer.transparency_locked())
        self._stroke = BrushStroke(doc, edit, (layer.x, layer.y), self.size, self.hardness,
                                   self.flow, lay)
        self._edit, self._layer, self._canvas = edit, layer, canvas
        self._path.start(ev.image)
        self._apply(canvas, [ev.image])

    def add_options(self, row: QHBoxLayout) -> None:
        row.addWidget(QLabel("Pattern"))
        combo = PatternCombo(self)
        combo.setObjectName("pattern_stamp_pattern")
        combo.setMinimumWidth(110)
        combo.setToolTip("The pattern the strokes paint (Edit > Define Pattern adds one)")
        row.addWidget(combo)
        row.addSpacing(10)
        aligned = self._aligned_box(
            row, "pattern_stamp_aligned", "Tiles anchored to the canvas, so strokes line up "
                                          "(off: each stroke starts the pattern where it begins)")
        self._option_widgets = {"aligned": aligned, "pattern": combo}
