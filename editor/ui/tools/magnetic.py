"""The Magnetic Lasso, the Lasso tool's third shape (Shift+L from Polygonal): a click sets
the first fastening point, then the outline follows the pointer along the strongest edge
within Width of it (`editor.model.livewire`), fastening itself every so often (Frequency);
a click fastens a point where the outline is, Backspace or Delete takes the last one back,
a double-click, Enter or a click on the first point closes the outline along the edges,
Esc drops it. Alt+click adds a straight segment, Alt+drag a freehand one, as Photoshop's.
Width changes by [ and ]. Contrast: the faintest step that counts as an edge."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from editor.model import Layer
from editor.model.livewire import Livewire, edge_picture
from editor.model.selection_ops import _sampled

from ..canvas import paint_ants_path
from .marquee import paint_handles
from .sample_all import SampleAllLayers

if TYPE_CHECKING:
    from .base import Tool

CLOSE_DISTANCE = 8  # px on screen: a click this near the first point closes the outline

# Photoshop's ranges and defaults: Width 1-256 px (10), Contrast 1-100 % (10),
# Frequency 0-100 (57).
OPTIONS = {"width": (1, 256, 10, " px", "Width: edges are looked for this far from the "
                                        "pointer ([ and ] change it)"),
           "contrast": (1, 100, 10, " %", "Contrast: the faintest step that counts as an edge"),
           "frequency": (0, 100, 57, "", "Frequency: how often points fasten themselves")}


def fastening_spacing(frequency: int) -> float:
    """How far (screen px, along the outline) it runs before it fastens a point: about
    50 px at Photoshop's default Frequency, 12 at 100, 110 at 0."""
    return 12.0 + (100 - frequency) * 0.98


class MagneticTrace(SampleAllLayers):
    """The outline being drawn with the Magnetic Lasso (or the Freeform Pen's Magnetic
    option), and its options, kept as the tool's (tools/<id>/width ...). Points are canvas
    coordinates (x, y); a pixel's centre is at (x + 0.5, y + 0.5)."""

    SAMPLE_ALL_TIP = "Follow the edges of what the canvas shows, not only the active layer"

    def __init__(self, tool: "Tool"):
        self.tool = tool
        self.id = tool.id
        self.window = tool.window
        self.load_options()
        self._spins: dict[str, QSpinBox] = {}
        self.reset()

    def load_options(self) -> None:
        """Its options from the settings (again when a tool preset is chosen)."""
        settings = self.window.settings
        for key, (low, high, default, _suffix, _tip) in OPTIONS.items():
            value = settings.value(f"tools/{self.id}/{key}", default, int)
            setattr(self, key, min(max(value, low), high))
        self.load_sample_all()

    def reset(self) -> None:
        self.wire: Optional[Livewire] = None
        self.segments: list[np.ndarray] = []  # fastening point to fastening point
        self.live: Optional[np.ndarray] = None  # the last fastening point to the pointer
        self._painted: Optional[tuple] = None  # (view and points, the fastened part on screen)
        self._changes = 0  # counts points fastened and taken back (what `_painted` drew)

    @property
    def active(self) -> bool:
        return self.wire is not None

    @property
    def anchors(self) -> list[tuple[float, float]]:
        """The fastening points, the first one first."""
        if self.wire is None:
            return []
        return [tuple(self._start)] + [tuple(s[-1]) for s in self.segments]

    # -- options --------------------------------------------------------------------------
    def set_value(self, key: str, value: int) -> None:
        low, high = OPTIONS[key][:2]
        value = min(max(int(value), low), high)
        setattr(self, key, value)
        self.window.settings.set_value(f"tools/{self.id}/{key}", value)
        spin = self._spins.get(key)
        if spin is not None and spin.value() != value:
            spin.setValue(value)
        if key == "contrast" and self.wire is not None:
            self.wire.contrast = float(value)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        for key, (low, high, _default, suffix, tip) in OPTIONS.items():
            row.addWidget(QLabel(key.capitalize()))
            spin = QSpinBox()
            spin.setObjectName(f"{self.id}_{key}")
            spin.setRange(low, high)
            spin.setSuffix(suffix)
            spin.setToolTip(tip)
            spin.setValue(getattr(self, key))
            spin.valueChanged.connect(lambda v, k=key: self.set_value(k, v))
            self._spins[key] = spin
            row.addWidget(spin)
        self.add_sample_all(row)
        return w

    # -- the outline ----------------------------------------------------------------------
    def start(self, canvas, ev) -> None:
        """The first click: the picture is taken (once per outline) and the first point
        fastened on the edge nearest the click."""
        doc = canvas.doc
        layer = None if self.sample_all else doc.active
        if layer is not None and not isinstance(layer, Layer):
            layer = None  # a group: what the canvas shows
        self.reset()
        self.wire = Livewire(edge_picture(_sampled(doc, layer)), self.contrast)
        self._start = self._centre(self.wire.edge_near(ev.image.x(), ev.image.y(), self.width))

    def press(self, canvas, ev) -> bool:
        """A click while drawing: closes on the first point, adds a straight segment with
        Alt, else fastens a point where the outline is. True when the outline closed."""
        if len(self.anchors) >= 2 and self._near(canvas, ev.pos, self._start):
            return True
        if ev.alt:
            self._fasten(np.array([self.anchors[-1], (ev.image.x(), ev.image.y())]))
        else:
            self.follow(canvas, ev.image, fasten=True, spacing=0.0)
        return False

    def drag(self, canvas, ev) -> None:
        """A move with the button held: Alt draws freehand, else as a move without it."""
        if ev.alt:
            last = canvas.image_to_widget(QPointF(*self.anchors[-1]))
            if (ev.pos - last).manhattanLength() >= 2:
                self._fasten(np.array([self.anchors[-1], (ev.image.x(), ev.image.y())]))
        else:
            self.follow(canvas, ev.image)

    def hover(self, canvas, ev) -> None:
        if ev.alt:  # the straight segment an Alt+click would add
            self.live = np.array([self.anchors[-1], (ev.image.x(), ev.image.y())])
        else:
            self.follow(canvas, ev.image)

    def follow(self, canvas, point: QPointF, fasten: bool = True,
               spacing: Optional[float] = None) -> None:
        """The live segment from the last fastening point to the edge nearest `point`;
        it is fastened once it runs `spacing` image px along the edge (by default
        Frequency's spacing on screen)."""
        wire = self.wire
        source = wire.clamp(*self.anchors[-1])
        target = wire.edge_near(point.x(), point.y(), self.width)
        frequent = fastening_spacing(self.frequency) / max(canvas.scale, 1e-3)
        # The map round the fastening point reaches a little beyond where the next one
        # will fasten, so moves until then only read it.
        reach = int(frequent + 3 * self.width + 16)
        spacing = frequent if spacing is None else spacing
        # Zoomed out, the outline is found at the view's resolution (cheaper maps, as fine
        # as the screen shows); what is fastened is followed at full size.
        coarse = int(1.0 / max(canvas.scale, 1e-3))
        path = wire.path(source, target, reach, exact=False, coarse=coarse)
        length = float(np.hypot(*np.diff(path, axis=0).T).sum()) if len(path) > 1 else 0.0
        if fasten and source != target and length >= spacing:  # along the outline
            self._fasten(self._centres(wire.path(source, target, reach, coarse=coarse)))
        else:
            self.live = self._centres(path)

    def back(self) -> None:
        """Backspace or Delete: the last fastening point goes (the first one: the whole
        outline)."""
        if self.segments:
            self.segments.pop()
            self.live = None
            self._changes += 1
        else:
            self.reset()

    def closed(self, straight: bool = False) -> np.ndarray:
        """The whole outline, closed along the edges from the last point to the first
        (`straight`: by a straight line, as Alt+double-click in Photoshop)."""
        parts = list(self.segments)
        if not straight and self.segments:
            wire = self.wire
            source, first = wire.clamp(*self.anchors[-1]), wire.clamp(*self._start)
            reach = int(math.dist(source, first)) + 3 * self.width + 16
            parts.append(self._centres(wire.path(source, first, reach)))
        return np.concatenate([np.array([self._start])] + [p[1:] for p in parts])

    def _fasten(self, path: np.ndarray) -> None:
        self.segments.append(np.asarray(path, np.float64))
        self.live = None
        self._changes += 1

    @staticmethod
    def _centre(pixel) -> tuple[float, float]:
        return pixel[0] + 0.5, pixel[1] + 0.5

    @staticmethod
    def _centres(pixels: np.ndarray) -> np.ndarray:
        return pixels.astype(np.float64) + 0.5

    @staticmethod
    def _near(canvas, pos: QPointF, point) -> bool:
        return (pos - canvas.image_to_widget(QPointF(*point))).manhattanLength() <= CLOSE_DISTANCE

    # -- drawing ----------------------------------------------------------------------------
    def paint(self, canvas, painter: QPainter) -> None:
        if self.wire is None:
            return
        # The fastened part (thousands of points on a long outline) is mapped to the
        # screen once per view and point fastened, not at every move.
        key = (canvas.scale, canvas.origin.x(), canvas.origin.y(), self._changes)
        if self._painted is None or self._painted[0] != key:
            fastened = QPainterPath(canvas.image_to_widget(QPointF(*self._start)))
            for part in self.segments:
                for x, y in part[1:]:
                    fastened.lineTo(canvas.image_to_widget(QPointF(x, y)))
            self._painted = (key, fastened)
        path = QPainterPath(self._painted[1])
        if self.live is not None:
            for x, y in self.live[1:]:
                path.lineTo(canvas.image_to_widget(QPointF(x, y)))
        paint_ants_path(painter, path)
        paint_handles(painter, [canvas.image_to_widget(QPointF(*p)) for p in self.anchors], 5)


def key_claimed(key: int) -> bool:
    """The keys the outline takes while it is drawn (Delete is not Edit > Clear then)."""
    return key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape,
                   Qt.Key.Key_Backspace, Qt.Key.Key_Delete)
