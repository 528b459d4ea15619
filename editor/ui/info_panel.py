"""The Info panel (Window > Info, F8, as in Photoshop): what is under the pointer
and the size of what is being selected.

- the composite's colour under the pointer in two read-outs, the first and second of Panel
  Options… (the panel menu; `info_readouts`): by default Actual Color (R G B, or L a b in a
  Lab Color document, Photoshop's D50 Lab) and HSB (degrees, %); also RGB, Web Color,
  Grayscale, CMYK, Lab, Total Ink and the active layer's Opacity;
- the pointer's X and Y, and W and H of the selection, or of the marquee or crop box while
  it is dragged (`Tool.info_box`), in the rulers' unit (Preferences > Units & Rulers: image
  pixels by default; inches, centimetres ... by the document's resolution, percent of its
  width or height), as Photoshop's; right-click on the panel offers the units (the rulers'
  own menu: one preference);
- Status Information as Panel Options chooses: Document Sizes (flattened/with layers),
  Document Dimensions (in the rulers' unit, with the resolution), Current Tool;
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

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QFrame,
                               QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout,
                               QWidget)

from editor.model.resolution import RULER_UNITS, length_text

from .canvas_chrome import units_menu
from .dialogs import ok_cancel
from .info_readouts import (BLANK, READOUT_MODES, STATUS, doc_sizes, layer_opacity, readout,
                            size_text)
from .preset_panel import popup_menu_button
from .tools.eyedropper import composite_rgba

if TYPE_CHECKING:
    from .session import DocumentSession
    from .window_api import EditorWindow

# The read-outs' slots, four a column (CMYK's four): the first read-out's down the left,
# the second's down the right; named after the default read-outs' channels ("Bv": HSB's
# brightness) so that text("R") is the first read-out's first value.
SLOTS = (("R", "G", "B", "C1"), ("H", "S", "Bv", "C2"))
# (key, caption, row, column) of each field; the geometry below a rule.
FIELDS = tuple((key, key[0], row, column) for column, keys in enumerate(SLOTS)
               for row, key in enumerate(keys)) + (
    ("X", "X", 5, 0), ("Y", "Y", 6, 0), ("W", "W", 5, 1), ("Hb", "H", 6, 1))
DEFAULT_READOUTS = ("actual", "hsb")


class InfoOptionsDialog(QDialog):
    """The Info panel menu's Panel Options…: First and Second Color Readout, Mouse
    Coordinates' unit (the rulers' own: one preference, as in Photoshop) and the Status
    Information lines shown."""

    def __init__(self, parent, settings, readouts: tuple[str, str], status: dict):
        super().__init__(parent)
        self.setObjectName("InfoPanelOptions")
        self.setWindowTitle("Info Panel Options")
        layout = QVBoxLayout(self)
        self.modes: list[QComboBox] = []
        for i, (title, chosen) in enumerate(zip(("First Color Readout", "Second Color Readout"),
                                                readouts)):
            box = QGroupBox(title)
            form = QFormLayout(box)
            combo = QComboBox()
            combo.setObjectName(f"InfoReadout{i + 1}")
            for key, label in READOUT_MODES:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            form.addRow("Mode:", combo)
            self.modes.append(combo)
            layout.addWidget(box)
        box = QGroupBox("Mouse Coordinates")
        form = QFormLayout(box)
        self.units = QComboBox()
        self.units.setObjectName("InfoRulerUnits")
        for key, label in RULER_UNITS:
            self.units.addItem(label, key)
        self.units.setCurrentIndex(max(0, self.units.findData(settings.ruler_units)))
        form.addRow("Ruler Units:", self.units)
        layout.addWidget(box)
        box = QGroupBox("Status Information")
        column = QVBoxLayout(box)
        self.status: dict[str, QCheckBox] = {}
        for key, label, _default in STATUS:
            check = QCheckBox(label)
            check.setObjectName(f"InfoStatus_{key}")
            check.setChecked(status[key])
            column.addWidget(check)
            self.status[key] = check
        layout.addWidget(box)
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)


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
        outer.setContentsMargins(10, 4, 6, 8)
        top = QHBoxLayout()
        top.addStretch(1)
        self.menu_button, self.menu = popup_menu_button("InfoButton_menu", "Info panel menu")
        self.menu.setObjectName("InfoMenu")
        self.menu.addAction("Panel Options…", self.panel_options)
        top.addWidget(self.menu_button)
        outer.addLayout(top)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.fields: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for key, caption, row, column in FIELDS:
            if row == 5 and column == 0:  # a rule between the colour and the geometry
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setObjectName("InfoRule")
                grid.addWidget(line, 4, 0, 1, 4)
            name = QLabel(caption + ":")
            name.setObjectName("Dim")
            value = QLabel(BLANK)
            value.setObjectName(f"Info_{key}")
            self.captions[key] = name
            value.setMinimumWidth(64)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)
        outer.addSpacing(4)
        self.status_lines: dict[str, QLabel] = {}
        for key, _label, _default in STATUS:
            line = QLabel()
            line.setObjectName(f"Info_{key}")
            outer.addWidget(line)
            self.status_lines[key] = line
        # The samplers' rows ("#n  R G B"), made as samplers are added.
        self._sampler_box = QWidget()
        self._sampler_grid = QGridLayout(self._sampler_box)
        self._sampler_grid.setContentsMargins(0, 4, 0, 0)
        self._sampler_grid.setHorizontalSpacing(6)
        self._sampler_grid.setVerticalSpacing(2)
        self._sampler_rows: list[dict[str, QLabel]] = []
        outer.addWidget(self._sampler_box)
        outer.addStretch(1)
        window.tools.changed.connect(self._tool_changed)  # (the Current Tool line)
        self.refresh()

    def text(self, key: str) -> str:
        """What a read-out shows: a slot of SLOTS ("R": the first read-out's first value, "H"
        the second's), X, Y, W, Hb; "#2G": sampler 2's green; a status line by its key
        ("sizes", "dimensions", "tool"; "" when hidden)."""
        if key in self.status_lines:
            line = self.status_lines[key]
            return "" if line.isHidden() else line.text()
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

    def _tool_changed(self, *_) -> None:
        self._later()

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
        doc = session.doc if session is not None else None
        rgb = tuple(rgba[:3]) if rgba is not None and rgba[3] > 0 else None
        opacity = layer_opacity(doc, *xy) if xy and doc is not None else None
        values = {}
        for keys, mode in zip(SLOTS, self.readouts()):
            rows = readout(mode, rgb, doc.color_mode if doc is not None else "rgb", opacity)
            for i, key in enumerate(keys):
                shown = i < len(rows)
                self.captions[key].setVisible(shown)
                self.fields[key].setVisible(shown)
                if shown:
                    self.captions[key].setText(rows[i][0] + ":")
                    values[key] = rows[i][1]
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
        self._show_status(doc, unit)
        self._show_samplers(canvas)

    def readouts(self) -> tuple[str, str]:
        """The First and Second Color Readout modes (Panel Options)."""
        settings = self.main_window.settings
        return tuple(settings.value(f"info/readout{i + 1}", DEFAULT_READOUTS[i])
                     for i in range(2))

    def status_shown(self) -> dict[str, bool]:
        settings = self.main_window.settings
        return {key: settings.value(f"info/status_{key}", default, bool)
                for key, _label, default in STATUS}

    def _show_status(self, doc, unit: str) -> None:
        shown = self.status_shown()
        texts = {"tool": self.main_window.tools.current.label}
        if doc is not None:
            flat, layered = doc_sizes(doc)
            texts["sizes"] = f"Doc: {size_text(flat)}/{size_text(layered)}"
            texts["dimensions"] = (f"{length_text(doc.width, unit, doc.resolution, doc.width)}"
                                   f" × {length_text(doc.height, unit, doc.resolution, doc.height)}"
                                   f" ({doc.resolution:g} ppi)")
        for key, line in self.status_lines.items():
            line.setText(texts.get(key, ""))
            line.setVisible(shown[key] and key in texts)

    def panel_options(self) -> bool:
        """The panel menu's Panel Options…: the dialog, then what it chose kept in the
        settings (the unit as the rulers' preference). False when cancelled."""
        w = self.main_window
        dialog = InfoOptionsDialog(w, w.settings, self.readouts(), self.status_shown())
        if not dialog.exec():
            return False
        for i, combo in enumerate(dialog.modes):
            w.settings.set_value(f"info/readout{i + 1}", combo.currentData())
        for key, check in dialog.status.items():
            w.settings.set_value(f"info/status_{key}", check.isChecked())
        w.view_commands.options.set_ruler_units(dialog.units.currentData())
        self.refresh()
        return True

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
        """Right-click: the units X, Y, W and H (and the rulers) are shown in, and Panel
        Options…"""
        menu = units_menu(self, self.main_window.view_commands.options)
        menu.addSeparator()
        menu.addAction("Panel Options…", self.panel_options)
        menu.exec(e.globalPos())

    def showEvent(self, e) -> None:
        super().showEvent(e)
        self.refresh()
