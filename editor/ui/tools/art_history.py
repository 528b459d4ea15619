"""Art History Brush (Y, with the History Brush; Shift+Y): stylised strokes in the
History Brush's source.

The brush's size and hardness draw each small stroke, Opacity lays them; Style, Area
and Tolerance (Photoshop's options bar) say how the strokes go, how far around the
pointer they start and where they may go (`editor.model.art_history`). The source is the
History Brush's (the History panel's brush column); a layer the source does not have is
refused in one line, as the History Brush refuses. Each stroke is one undo step; the
layer's locks hold (`Document.begin_pixel_edit`, `PixelEdit`) and only the selection
changes. `stroke_seed` (tests) makes the strokes' random draws reproducible.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox

from editor.model.art_history import STYLES, ArtHistoryStroke
from editor.model.dabs import SPACING

from .brush import BrushTool

MAX_AREA = 500


class ArtHistoryBrushTool(BrushTool):
    id = "art_history_brush"
    label = "Art History Brush Tool"
    letter = "Y"
    icon = "tool-art-history-brush"
    tip = ("Paint stylised strokes from the History Brush's source (the brush column of "
           "the History panel; [ and ] change the size)")
    history_name = "Art History Brush"
    verb = "paint"
    alt_picks = False
    sliders = ("size", "hardness", "opacity")  # Photoshop's has no Flow
    default_hardness = 1.0
    uses_color = False  # (it does not paint the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self._option_widgets: dict = {}

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.style = settings.value(f"tools/{self.id}/style", "Tight Short", str)
        if self.style not in STYLES:
            self.style = "Tight Short"
        self.area = settings.value(f"tools/{self.id}/area", 50, int)
        self.tolerance = settings.value(f"tools/{self.id}/tolerance", 0, int)

    def set_style(self, style: str) -> None:
        self.style = style if style in STYLES else "Tight Short"
        self.window.settings.set_value(f"tools/{self.id}/style", self.style)
        combo = self._option_widgets.get("style")
        if combo is not None and combo.currentText() != self.style:
            combo.setCurrentText(self.style)

    def set_area(self, area: int) -> None:
        self._set_number("area", area, MAX_AREA)

    def set_tolerance(self, tolerance: int) -> None:
        self._set_number("tolerance", tolerance, 100)

    def _set_number(self, key: str, value: int, top: int) -> None:
        """Option `key` set to `value` (within 0..top), kept, and shown in its spin box."""
        value = int(max(0, min(top, value)))
        setattr(self, key, value)
        self.window.settings.set_value(f"tools/{self.id}/{key}", value)
        spin = self._option_widgets.get(key)
        if spin is not None and spin.value() != value:
            spin.setValue(value)

    def press(self, canvas, ev) -> None:
        begun = self._begin_history_edit(canvas)
        if begun is None:
            return
        edit, source = begun
        doc, layer = canvas.doc, self._layer
        self._stroke = ArtHistoryStroke(doc, edit, (layer.x, layer.y),
                                        doc.snapshots.source.state, source, self.size,
                                        self.hardness, self.opacity,
                                        layer.transparency_locked(), self.style, self.area,
                                        self.tolerance, self.stroke_seed)
        self._path.start(ev.image)
        self._apply(canvas, [ev.image])

    def _segment_to(self, canvas, point: QPointF) -> None:
        """A dab (a spray of strokes) every quarter of the Area along the path, not every
        quarter of the brush: the strokes spread over the Area anyway."""
        spacing = max(SPACING, self.area / 4 / max(1, self.size))
        centres = self._path.to(point, self.size, spacing)
        if centres:
            self._apply(canvas, centres)

    def add_options(self, row: QHBoxLayout) -> None:
        row.addWidget(QLabel("Style"))
        style = QComboBox()
        style.setObjectName("art_history_style")
        style.addItems(list(STYLES))
        style.setCurrentText(self.style)
        style.currentTextChanged.connect(self.set_style)
        row.addWidget(style)
        row.addSpacing(10)
        row.addWidget(QLabel("Area"))
        area = QSpinBox()
        area.setObjectName("art_history_area")
        area.setRange(0, MAX_AREA)
        area.setSuffix(" px")
        area.setValue(self.area)
        area.setToolTip("How far around the pointer the strokes start (a disc this wide)")
        area.valueChanged.connect(self.set_area)
        row.addWidget(area)
        row.addSpacing(10)
        row.addWidget(QLabel("Tolerance"))
        tolerance = QSpinBox()
        tolerance.setObjectName("art_history_tolerance")
        tolerance.setRange(0, 100)
        tolerance.setSuffix(" %")
        tolerance.setValue(self.tolerance)
        tolerance.setToolTip("Paint only where the layer differs from the source by more "
                             "than this (0: anywhere)")
        tolerance.valueChanged.connect(self.set_tolerance)
        row.addWidget(tolerance)
        self._option_widgets = {"style": style, "area": area, "tolerance": tolerance}
