"""The Info panel (Window > Info, F8, as in Photoshop): what is under the pointer
and the size of what is being selected.

- the composite's colour under the pointer, as R G B (0-255) and as H (degrees) S B (%)
  (in a Lab Color document as L a b instead, Photoshop's D50 Lab: `color_modes.lab_of_rgb`);
- the pointer's X and Y, and W and H of the selection, or of the marquee or crop box while
  it is dragged (`Tool.info_box`), in the rulers' unit (Preferences > Units & Rulers: image
  pixels by default; inches, centimetres ... by the document's resolution, percent of its
  width or height), as Photoshop's; right-click on the panel offers the units (the rulers'
  own menu: one preference);
- the document's size;
- the colour samplers' colours (Color Sampler tool), #1..#10 as R G B, read with the
  Eyedropper's Sample Size and kept current while the image changes (`region_changed`,
  taken once per turn of the event loop).

It reads one pixel of the screen composite the canvas already keeps
(`eyedropper.composite_rgba` without syncing): a mouse move never composites anything.
Moves are taken once per turn of the event loop (a zero timer), after the tool has
handled the same move, so a dragged box is read as the tool has just made it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from editor.model import color_modes as cm
from editor.model.resolution import length_text

from .canvas_chrome import units_menu
from .tools.eyedropper import composite_rgba

if TYPE_CHECKING:
    from .session import DocumentSession
    from .window_api import EditorWindow

BLANK = "–"
# (key, caption, row, column) of each read-out; "Bv" is HSB's brightness.
FIELDS = (("R", "R", 0, 0), ("G", "G", 1, 0), ("B", "B", 2, 0),
          ("H", "H", 0, 1), ("S", "S", 1, 1), ("Bv", "B", 2, 1),
          ("X", "X", 3, 0), ("Y", "Y", 4, 0), ("W", "W", 3, 1), ("Hb", "H", 4, 1))


def hsb(r: int, g: int, b: int) -> tuple[int, int, int]:
    """Hue in degrees, saturation and brightness in percent (Photoshop's HSB)."""
    color = QColor(r, g, b)
    hue = color.hsvHueF()
    return (round(max(0.0, hue) * 360) % 360, round(color.hsvSaturationF() * 100),
            round(color.valueF() * 100))


class InfoPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        self.session: Optional["DocumentSession"] = None
        self._point: Optional[QPointF] = None
        self._timer = QTimer(self)  # one read per turn of the event loop
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.fields: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for key, caption, row, column in FIELDS:
            if row == 3 and column == 0:  # a rule between the colour and the geometry
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setObjectName("InfoRule")
                grid.addWidget(line, 3, 0, 1, 4)
            name = QLabel(caption + ":")
            name.setObjectName("Dim")
            value = QLabel(BLANK)
            value.setObjectName(f"Info_{key}")
            self.captions[key] = name
            value.setMinimumWidth(64)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row + (row >= 3), column * 2)
            grid.addWidget(value, row + (row >= 3), column * 2 + 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)
        self.doc_size = QLabel()
        self.doc_size.setObjectName("Info_doc")
        outer.addSpacing(4)
        outer.addWidget(self.doc_size)
        # The samplers' rows ("#n  R G B"), made as samplers are added.
        self._sampler_box = QWidget()
        self._sampler_grid = QGridLayout(self._sampler_box)
        self._sampler_grid.setContentsMargins(0, 4, 0, 0)
        self._sampler_grid.setHorizontalSpacing(6)
        self._sampler_grid.setVerticalSpacing(2)
        self._sampler_rows: list[dict[str, QLabel]] = []
        outer.addWidget(self._sampler_box)
        outer.addStretch(1)
        self.refresh()

    def text(self, key: str) -> str:
        """What a read-out shows ("doc": the document's size; "#2G": sampler 2's green;
        "H", "S", "Bv" are L, a, b in a Lab document)."""
        if key == "doc":
            return self.doc_size.text()
        if key.startswith("#"):
            return self._sampler_rows[int(key[1:-1]) - 1][key[-1]].text()
        return self.fields[key].text()

    def sampler_count(self) -> int:
        """How many samplers the panel lists."""
        return sum(not row["#"].isHidden() for row in self._sampler_rows)

    def set_session(self, session: Optional["DocumentSession"]) -> None:
        if self.session is not None:
            self.session.samplers.changed.disconnect(self._later)
            self.session.doc.region_changed.disconnect(self._image_changed)
            self.session.canvas.settled.disconnect(self._later)
        self.session = session
        self._point = None
        if session is not None:
            session.samplers.changed.connect(self._later)
            session.doc.region_changed.connect(self._image_changed)
            session.canvas.settled.connect(self._later)  # a drag's draft made exact
        self.refresh()

    def _image_changed(self, *_) -> None:
        self._later()

    def _later(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def cursor_moved(self, point: Optional[QPointF]) -> None:
        """The pointer moved over the canvas (image px), or left it (None)."""
        self._point = point
        self._later()

    def refresh(self) -> None:
        if not self.isVisible() and self.session is not None:
            return  # a hidden panel reads nothing; showing it refreshes
        session = self.session
        canvas = session.canvas if session is not None else None
        rgba = xy = None
        if canvas is not None and self._point is not None:
            rgba = composite_rgba(canvas, self._point, sync=False)
            xy = (int(self._point.x() // 1), int(self._point.y() // 1))
        lab = session is not None and session.doc.color_mode == "lab"
        for key, caption in zip(("H", "S", "Bv"), "Lab" if lab else "HSB"):
            self.captions[key].setText(caption + ":")
        if rgba is not None and rgba[3] > 0:
            r, g, b, _ = rgba
            if lab:  # Photoshop's Lab read-out, whole numbers
                h, s, v = (round(float(c)) for c in cm.lab_of_rgb(np.array([r, g, b], np.uint8)))
            else:
                h, s, v = hsb(r, g, b)
            units = ("", "", "") if lab else ("°", "%", "%")
            values = {"R": r, "G": g, "B": b, "H": f"{h}{units[0]}", "S": f"{s}{units[1]}",
                      "Bv": f"{v}{units[2]}"}
        else:  # outside the canvas, or nothing drawn there
            values = {k: BLANK for k in ("R", "G", "B", "H", "S", "Bv")}
        doc = session.doc if session is not None else None
        unit = self.main_window.settings.ruler_units
        if xy:
            # (whole pixels as Photoshop counts them; the other units from the pointer itself)
            x, y = xy if unit == "pixels" else (self._point.x(), self._point.y())
            values["X"] = length_text(x, unit, doc.resolution, doc.width)
            values["Y"] = length_text(y, unit, doc.resolution, doc.height)
        else:
            values["X"] = values["Y"] = BLANK
        box = self.main_window.tools.current.info_box(canvas) if canvas is not None else None
        if box is not None:
            values["W"] = length_text(box.w, unit, doc.resolution, doc.width)
            values["Hb"] = length_text(box.h, unit, doc.resolution, doc.height)
        else:
            values["W"] = values["Hb"] = BLANK
        for key, value in values.items():
            self.fields[key].setText(str(value))
        self.doc_size.setText(f"Doc: {doc.width} × {doc.height} px" if doc is not None else "")
        self._show_samplers(canvas)

    def _show_samplers(self, canvas) -> None:
        """The samplers' colours, read from the composite brought up to date (after an edit
        the canvas may not have drawn yet)."""
        points = canvas.session.samplers.points if canvas is not None else []
        size = self.main_window.tools.tools["eyedropper"].sample_size
        while len(self._sampler_rows) < len(points):
            self._add_sampler_row()
        for i, row in enumerate(self._sampler_rows):
            shown = i < len(points)
            for label in row.values():
                label.setVisible(shown)
            if not shown:
                continue
            x, y = points[i]
            rgba = composite_rgba(canvas, QPointF(x + 0.5, y + 0.5), sync=True, size=size)
            for channel, value in zip("RGB", rgba[:3] if rgba and rgba[3] else (BLANK,) * 3):
                row[channel].setText(str(value))
        self._sampler_box.setVisible(bool(points))

    def _add_sampler_row(self) -> None:
        n = len(self._sampler_rows) + 1
        row = {"#": QLabel(f"#{n}")}
        row["#"].setObjectName("Dim")
        self._sampler_grid.addWidget(row["#"], n - 1, 0)
        for column, channel in enumerate("RGB"):
            name = QLabel(f"{channel}:")
            name.setObjectName("Dim")
            value = QLabel(BLANK)
            value.setObjectName(f"Info_sampler{n}_{channel}")
            value.setMinimumWidth(28)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._sampler_grid.addWidget(name, n - 1, 1 + 2 * column)
            self._sampler_grid.addWidget(value, n - 1, 2 + 2 * column)
            row[channel.lower()] = name
            row[channel] = value
        self._sampler_rows.append(row)

    def contextMenuEvent(self, e) -> None:
        """Right-click: the units X, Y, W and H (and the rulers) are shown in."""
        units_menu(self, self.main_window.view_commands.options).exec(e.globalPos())

    def showEvent(self, e) -> None:
        super().showEvent(e)
        self.refresh()
