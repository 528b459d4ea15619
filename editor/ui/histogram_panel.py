"""The Histogram panel (Window > Histogram, as in Photoshop): the
levels of the document or of the selected layer, and their statistics.

- Channel: RGB (the three channels summed), Red, Green, Blue, Luminosity, or Colors (the
  three drawn over each other in their colours, with RGB's statistics), as Photoshop's.
- Source: Entire Image (what the document shows) or Selected Layer (the active layer's
  own pixels; a group's composite); inside the selection when there is one.
- Mean, Std Dev, Median, Pixels; with the pointer over the graph, the Level under it, its
  Count and Percentile (the share at or below it). "Sampled" says when a large document
  was counted on a reduced image (`editor.model.histogram`).

The counts are made off the GUI thread by `HistogramFollower` (`BelowHistogram`'s
machinery: made again once the document has been still for DELAY_MS after a change that
can alter them, one at a time, an overtaken result dropped), only while the panel shows:
a hidden panel counts nothing, and counts when it is shown again. It starts hidden, a tab
beside Info (Photoshop's default workspace has no Histogram either).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QLabel, QSizePolicy,
                               QVBoxLayout, QWidget)

from editor.model import histogram
from editor.model.document import Document
from editor.model.layers import Group, Node

from .below_histogram import BelowHistogram

if TYPE_CHECKING:
    from .session import DocumentSession
    from .window_api import EditorWindow

BLANK = "–"
CHANNEL_LABELS = {"rgb": "RGB", "red": "Red", "green": "Green", "blue": "Blue",
                  "luminosity": "Luminosity", "colors": "Colors"}
SOURCES = {"image": "Entire Image", "layer": "Selected Layer"}
GRAPH_COLORS = {"rgb": QColor("#d6d9de"), "luminosity": QColor("#d6d9de"),
                "red": QColor("#e0483c"), "green": QColor("#4cc35a"), "blue": QColor("#4a7fe8")}
BACKDROP = QColor("#202225")
# (key, caption, row, column) of each read-out
FIELDS = (("mean", "Mean", 0, 0), ("std_dev", "Std Dev", 1, 0), ("median", "Median", 2, 0),
          ("pixels", "Pixels", 3, 0), ("level", "Level", 0, 1), ("count", "Count", 1, 1),
          ("percentile", "Percentile", 2, 1), ("sampled", "Sampled", 3, 1))


class HistogramFollower(BelowHistogram):
    """Counts the whole document (node: the root) or one node, again after changes."""

    def follow(self, doc: Optional[Document], node: Optional[Node]) -> None:
        if doc is not self.doc:
            for d, how in ((self.doc, "disconnect"), (doc, "connect")):
                if d is not None:
                    for signal in (d.selection_changed, d.selection_mask_changed,
                                   d.size_changed):
                        getattr(signal, how)(self._selection_changed)
        super().follow(doc, node)

    def _selection_changed(self, *_) -> None:
        self._stack_changed()  # counted inside the selection

    def _affects(self, node: Node) -> bool:
        if self.node is self.doc.root:
            return True  # anything may show
        if isinstance(self.node, Group):  # its composite: any of its nodes
            return any(node is n for n in self.node.walk())
        return node is self.node

    def _work(self):
        doc, node = self.doc, self.node
        if node is None or doc is None or not doc.contains(node):
            return None
        return lambda: histogram.counts(doc, None if node is doc.root else node)


class HistogramGraph(QWidget):
    """The levels as bars, 0 at the left; reports the level under the pointer."""

    hovered = Signal(object)  # level (int) or None

    def __init__(self):
        super().__init__()
        self.setObjectName("HistogramGraph")
        self.setMinimumSize(200, 100)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.table: Optional[np.ndarray] = None
        self.channel = "rgb"

    def show_counts(self, table: Optional[np.ndarray], channel: str) -> None:
        self.table, self.channel = table, channel
        self.update()

    def level_at(self, x: float) -> int:
        return int(np.clip(x * 256 / max(1, self.width()), 0, 255))

    def mouseMoveEvent(self, e) -> None:
        self.hovered.emit(self.level_at(e.position().x()))

    def leaveEvent(self, e) -> None:
        self.hovered.emit(None)

    def paintEvent(self, e) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), BACKDROP)
        if self.table is None:
            return
        rows = ("red", "green", "blue") if self.channel == "colors" else (self.channel,)
        shown = [self.table[histogram.CHANNELS[r]] for r in rows]
        # Scaled to the highest bar, as Photoshop's; the RGB row counts three values a pixel.
        top = max(float(r.max()) for r in shown)
        if top <= 0:
            return
        w, h = self.width(), self.height() - 2
        if self.channel == "colors":  # overlaps add up to white, as Photoshop's Colors
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Plus)
        for name, row in zip(rows, shown):
            path = QPainterPath()
            path.moveTo(0, h + 2)
            for level in range(256):
                y = h + 2 - h * float(row[level]) / top
                path.lineTo(level * w / 256, y)
                path.lineTo((level + 1) * w / 256, y)
            path.lineTo(w, h + 2)
            path.closeSubpath()
            p.fillPath(path, GRAPH_COLORS["rgb" if name == "rgb" else name])
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        p.setPen(QColor("#3a3d42"))
        p.drawRect(QRectF(0.5, 0.5, w - 1, self.height() - 1))


class HistogramPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        self.session: Optional["DocumentSession"] = None
        self.follower = HistogramFollower(self, self.isVisible)
        self.follower.changed.connect(self.refresh)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.channel = QComboBox()
        self.channel.setObjectName("HistogramChannel")
        for key, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, key)
        self.channel.currentIndexChanged.connect(lambda _: self.refresh())
        form.addRow("Channel:", self.channel)
        self.source = QComboBox()
        self.source.setObjectName("HistogramSource")
        for key, label in SOURCES.items():
            self.source.addItem(label, key)
        self.source.currentIndexChanged.connect(lambda _: self._follow())
        form.addRow("Source:", self.source)
        outer.addLayout(form)
        self.graph = HistogramGraph()
        self.graph.hovered.connect(self._hovered)
        outer.addWidget(self.graph)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.fields: dict[str, QLabel] = {}
        for key, caption, row, column in FIELDS:
            name = QLabel(caption + ":")
            name.setObjectName("Dim")
            value = QLabel(BLANK)
            value.setObjectName(f"Histogram_{key}")
            value.setMinimumWidth(56)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)
        outer.addStretch(1)
        self._level: Optional[int] = None

    def text(self, key: str) -> str:
        return self.fields[key].text()

    def channel_id(self) -> str:
        return self.channel.currentData()

    def set_channel(self, key: str) -> None:
        self.channel.setCurrentIndex(self.channel.findData(key))

    def set_source(self, key: str) -> None:
        self.source.setCurrentIndex(self.source.findData(key))

    def set_session(self, session: Optional["DocumentSession"]) -> None:
        if self.session is not None:
            self.session.doc.active_changed.disconnect(self._active_changed)
        self.session = session
        if session is not None:
            session.doc.active_changed.connect(self._active_changed)
        self._follow()

    def _active_changed(self, *_) -> None:
        if self.source.currentData() == "layer":
            self._follow()

    def _follow(self) -> None:
        doc = self.session.doc if self.session is not None else None
        node = None
        if doc is not None:
            node = doc.root if self.source.currentData() == "image" else doc.active
        self.follower.follow(doc, node)
        self.refresh()

    def _hovered(self, level: Optional[int]) -> None:
        self._level = level
        self.refresh()

    def refresh(self) -> None:
        table = self.follower.counts() if self.follower.node is not None else None
        channel = self.channel_id()
        self.graph.show_counts(table, channel)
        values = {key: BLANK for key, *_ in FIELDS}
        s = histogram.stats(table, channel) if table is not None else None
        if s is not None:
            values.update(mean=f"{s.mean:.2f}", std_dev=f"{s.std_dev:.2f}",
                          median=str(s.median), pixels=f"{s.pixels:,}")
            doc = self.session.doc
            step = histogram.row_step(doc.width, doc.height)
            values["sampled"] = "all pixels" if step == 1 else f"1 in {step} rows"
            if self._level is not None:
                count, percentile = histogram.at_level(table, channel, self._level)
                values.update(level=str(self._level), count=f"{count:,}",
                              percentile=f"{percentile:.2f}")
        for key, value in values.items():
            self.fields[key].setText(value)

    def showEvent(self, e) -> None:
        super().showEvent(e)
        self.follower.refresh_if_stale()
