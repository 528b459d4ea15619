"""The shape tools, Photoshop's: Rectangle, Rounded Rectangle, Ellipse, Polygon and Line
(U; Shift+U or the options bar switches). A drag draws the shape and makes a new Solid
Color fill layer in the foreground colour whose vector mask is the shape (Photoshop's
shape layer), one undo step (`adjustment_ops.add_shape`). For the boxed shapes Shift
makes a square or a circle and Alt draws from the centre; a polygon is drawn from its
centre to a corner (Shift: upright); a line from end to end (Shift: at 45 degrees). The
modifiers may be pressed or let go during the drag, as in Photoshop. The options bar
holds the corner radius, the number of sides and the line's weight, and, as Photoshop's,
the shape's Fill (on or off) and its Stroke: on or off, colour (the colour picker), width,
alignment (inside, center, outside), and in a Stroke Options panel its opacity, cap (butt,
round, square), join (miter, round, bevel) and dashes (Photoshop's Stroke Options
presets: solid, dashed, dotted with round caps) (all kept in the settings). Fill and Stroke apply
to the next shape and, each change one undo step, to the active shape layer
(`adjustment_ops.set_stroke`). The outline follows the drag; a click without a drag makes
nothing. The path is kept in fractions of a pixel, as the pointer gives it.

The Custom Shape (the sixth shape, Photoshop's Custom Shape tool) draws the shape chosen in
the options bar's Shape picker (`custom_shapes`: the built-in ones and those Edit > Define
Custom Shape made or the picker's menu (☰) Import Shapes… read from Photoshop's .csh, kept in
custom_shapes.json beside the settings) stretched to the dragged box; Shift keeps the
shape's own proportions, Alt draws from the centre.

The Mode (Photoshop's "pick tool mode", every shape): Shape makes the shape layer; Path
puts the outline into the chosen path or a new Work Path (`paths.add_subpath`); Pixels
paints it in the foreground colour on the active layer (`paths.fill_path`). One undo step
each."""
from __future__ import annotations

import math
from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout,
                               QFrame, QHBoxLayout, QLabel, QSpinBox, QToolButton,
                               QWidget)

from editor.model import FillLayer, adjustment_ops, custom_shapes, path_edit, paths
from editor.model.errors import DocumentError
from editor.model.shape_stroke import (ALIGNMENTS, CAPS, DASH_PRESETS, JOINS, MAX_WIDTH,
                                       ShapeStroke)

from ..preset_panel import popup_menu_button
from .base import Tool
from .path_tools import image_outline
from .pen import outline, paint_outline

PICKER_ICON = 20   # px: the Shape picker's drawings of its shapes
DRAG_DISTANCE = 3  # px on screen: a press moved less than this is a click (no shape)
# The options bar's Mode: (key, label, tip).
MODES = (("shape", "Shape", "A new shape layer (a fill with a vector mask)"),
         ("path", "Path", "Into the chosen path, or a new Work Path"),
         ("pixels", "Pixels", "Painted in the foreground colour on the active layer"))


class ShapeTool(Tool):
    id = "shape"
    label = "Shape Tools"
    letter = "U"
    icon = "tool-shape"
    tip = ("Drag a shape layer in the foreground colour: rectangle, rounded rectangle, "
           "ellipse (Shift: square or circle, Alt: from the centre), polygon (from its "
           "centre; Shift: upright), line (Shift: 45°)")
    SHAPES = tuple(adjustment_ops.SHAPES)
    # The options bar: (option, label, range, which shape it belongs to).
    OPTIONS = (("radius", "Radius", (0, 1000), "rounded_rectangle"),
               ("sides", "Sides", (3, 100), "polygon"),
               ("weight", "Weight", (1, 1000), "line"))
    uses_color = True  # (its tool presets may keep the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        # The Shape picker: the built-in shapes, then the user's (Define Custom Shape).
        self.library_path = window.settings.custom_shapes_path
        self.user_shapes = custom_shapes.load_library(self.library_path)
        self._picker: Optional[QComboBox] = None
        self._mode_box: Optional[QComboBox] = None
        self._stroke_widgets: dict[str, QWidget] = {}
        self._press: Optional[tuple[QPointF, QPointF]] = None  # (widget, image) points
        # What the drag defines so far (`path_edit.shape_drag`), None before it moves.
        self._points: Optional[tuple[float, float, float, float]] = None
        self._buttons: Optional[QButtonGroup] = None
        self._readout: Optional[QLabel] = None
        self._spins: dict[str, QSpinBox] = {}
        self._option_widgets: list[tuple[str, QWidget]] = []

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.shape = settings.value("tools/shape/shape", "rectangle")
        if self.shape not in self.SHAPES:
            self.shape = "rectangle"
        self.radius = settings.value("tools/shape/radius", adjustment_ops.RADIUS, int)
        self.sides = settings.value("tools/shape/sides", adjustment_ops.SIDES, int)
        self.weight = settings.value("tools/shape/weight", adjustment_ops.WEIGHT, int)
        self.mode = settings.value("tools/shape/mode", "shape")
        if self.mode not in [m[0] for m in MODES]:
            self.mode = "shape"
        self.custom_name = settings.value("tools/shape/custom", custom_shapes.BUILTIN[0].name)
        # Fill and Stroke (the options bar's): what the next shape gets.
        color = QColor(settings.value("tools/shape/stroke_color", "#000000"))
        alignment = settings.value("tools/shape/stroke_alignment", "inside")
        cap = settings.value("tools/shape/stroke_cap", "butt")
        join = settings.value("tools/shape/stroke_join", "miter")
        try:
            dashes = tuple(float(v) for v in
                           str(settings.value("tools/shape/stroke_dashes", "")).split(",") if v)
            self.stroke = ShapeStroke(
                enabled=settings.value("tools/shape/stroke", False, bool),
                fill=settings.value("tools/shape/fill", True, bool),
                width=settings.value("tools/shape/stroke_width", 3.0, float),
                alignment=alignment if alignment in ALIGNMENTS else "inside",
                color=(color.red(), color.green(), color.blue()) if color.isValid()
                else (0, 0, 0),
                opacity=settings.value("tools/shape/stroke_opacity", 100.0, float),
                cap=cap if cap in CAPS else "butt", join=join if join in JOINS else "miter",
                dashes=dashes)
        except ValueError:
            self.stroke = ShapeStroke(enabled=False)

    def set_shape(self, shape: str) -> None:
        self.shape = shape
        self.window.settings.set_value("tools/shape/shape", shape)
        if self._buttons is not None:
            self._buttons.button(self.SHAPES.index(shape)).setChecked(True)
        for owner, widget in self._option_widgets:
            widget.setVisible(owner == shape)

    def reload_library(self) -> None:
        """Reads the user's shapes again (the Preset Manager changed them)."""
        self.user_shapes = custom_shapes.load_library(self.library_path)
        self._fill_picker()

    def import_shapes(self, path: Optional[str] = None) -> int:
        """Import Shapes…: Photoshop's .csh (or our custom shapes .json) appended to the
        user's shapes (`preset_manager.import_file`: names already there skipped, a
        built-in shape's name numbered; the file written, the picker refilled)."""
        from editor.model.preset_kinds import CUSTOM_SHAPES

        from ..preset_manager import import_file
        return import_file(self.window, CUSTOM_SHAPES, path)

    def library(self) -> list:
        """The Shape picker's shapes: the built-in ones, then the user's."""
        return [*custom_shapes.BUILTIN, *self.user_shapes]

    def custom(self) -> custom_shapes.CustomShape:
        """The shape chosen in the Shape picker (the first one when it is gone)."""
        shapes = self.library()
        return next((c for c in shapes if c.name == self.custom_name), shapes[0])

    def set_custom(self, name: str) -> None:
        """Chooses the custom shape `name` in the picker."""
        if not any(c.name == name for c in self.library()):
            raise ValueError(f"no custom shape {name!r}")
        self.custom_name = name
        self.window.settings.set_value("tools/shape/custom", name)
        if self._picker is not None:
            index = self._picker.findText(name)
            if index != self._picker.currentIndex():
                self._picker.setCurrentIndex(index)

    def define_custom(self, shape: custom_shapes.CustomShape) -> None:
        """Edit > Define Custom Shape: `shape` joins the library (replacing one of its name
        among the user's), written to the JSON file, and is chosen."""
        if any(c.name == shape.name for c in custom_shapes.BUILTIN):
            raise DocumentError(f"'{shape.name}' is a built-in shape's name: choose another.")
        self.user_shapes = [c for c in self.user_shapes if c.name != shape.name] + [shape]
        custom_shapes.save_library(self.library_path, self.user_shapes)
        self._fill_picker()
        self.set_custom(shape.name)
        self.set_shape("custom")

    def set_mode(self, mode: str) -> None:
        """Shape, Path or Pixels (the options bar's Mode)."""
        if mode not in [m[0] for m in MODES]:
            raise ValueError(f"unknown shape mode {mode!r}")
        self.mode = mode
        self.window.settings.set_value("tools/shape/mode", mode)
        if self._mode_box is not None:
            self._mode_box.setCurrentIndex([m[0] for m in MODES].index(mode))

    def set_option(self, key: str, value: int) -> None:
        """The corner radius, the polygon's sides or the line's weight (options bar)."""
        setattr(self, key, int(value))
        self.window.settings.set_value(f"tools/shape/{key}", int(value))
        spin = self._spins.get(key)
        if spin is not None and spin.value() != int(value):
            spin.setValue(int(value))

    def set_stroke_option(self, **change) -> None:
        """Fill, Stroke, its colour, width, alignment, opacity, cap, join or dashes changed
        on the options bar (fields of `ShapeStroke`; a dash preset changes dashes and cap
        together): kept for the next shape and given to the active shape layer as one undo
        step. A colour chosen turns the stroke on, as picking a stroke colour in Photoshop
        does."""
        if "color" in change:
            change["enabled"] = True
        self.stroke = self.stroke.replace(**change)
        settings = self.window.settings
        for key, name in (("fill", "fill"), ("enabled", "stroke"), ("width", "stroke_width"),
                          ("alignment", "stroke_alignment"), ("opacity", "stroke_opacity"),
                          ("cap", "stroke_cap"), ("join", "stroke_join")):
            settings.set_value(f"tools/shape/{name}", getattr(self.stroke, key))
        settings.set_value("tools/shape/stroke_dashes",
                           ",".join(f"{v:g}" for v in self.stroke.dashes))
        settings.set_value("tools/shape/stroke_color", QColor(*self.stroke.color).name())
        self._show_stroke()
        doc = self.window.doc
        layer = doc.active if doc is not None else None
        if isinstance(layer, FillLayer) and layer.vector_mask is not None:
            # Only what changed: the layer keeps the rest of its own stroke.
            own = layer.stroke or self.stroke.replace(enabled=False, fill=True,
                                                      descriptor=None, content_block=False)
            try:
                adjustment_ops.set_stroke(doc, layer, own.replace(**change))
            except Exception as exc:
                self.window.report(exc, "Could not change the shape's stroke")

    def set_dash_preset(self, name: str) -> None:
        """A Stroke Options preset (`DASH_PRESETS`: solid, dashed, dotted): its dashes and
        cap, one change."""
        dashes, cap = DASH_PRESETS[name]
        self.set_stroke_option(dashes=dashes, dash_offset=0.0, cap=cap)

    def new_stroke(self) -> Optional[ShapeStroke]:
        """The stroke a new shape gets: None for a filled shape without one (Photoshop's
        plain shape layer)."""
        return None if self.stroke.fill and not self.stroke.enabled else self.stroke

    def choose_stroke_color(self) -> None:
        from editor.ui import dialogs

        color = dialogs.ask_color(self.window, QColor(*self.stroke.color), "Color Picker "
                                  "(Stroke Color)")
        if color is not None:
            self.set_stroke_option(color=(color.red(), color.green(), color.blue()))

    def shape_options(self) -> dict:
        if self.shape == "custom":
            return {"custom": self.custom()}
        return {"radius": self.radius, "sides": self.sides, "weight": self.weight}

    def cycle(self) -> None:
        """Shift+U: the next shape, in Photoshop's order."""
        self.set_shape(self.SHAPES[(self.SHAPES.index(self.shape) + 1) % len(self.SHAPES)])

    def activate(self, canvas) -> None:
        """Chosen with a stroked shape layer active: the bar shows (and the next shape
        takes) that layer's Fill and Stroke, as Photoshop's options bar does."""
        layer = canvas.doc.active if canvas is not None and canvas.doc is not None else None
        if isinstance(layer, FillLayer) and layer.vector_mask is not None \
                and layer.stroke is not None:
            self.stroke = layer.stroke.replace(descriptor=None, content_block=False)
            self._show_stroke()

    def deactivate(self, canvas) -> None:
        self._press, self._points = None, None

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        self._press, self._points = (ev.pos, ev.image), None

    def move(self, canvas, ev) -> None:
        if self._press is None:
            return
        widget, image = self._press
        if (ev.pos - widget).manhattanLength() < DRAG_DISTANCE:
            self._points = None
        else:
            aspect = self.custom().aspect if self.shape == "custom" else 1.0
            self._points = path_edit.shape_drag(self.shape, image.x(), image.y(),
                                                ev.image.x(), ev.image.y(),
                                                shift=ev.shift, alt=ev.alt, aspect=aspect)
        self._show()
        canvas.update()

    def release(self, canvas, ev) -> None:
        if self._press is None:
            return
        self.move(canvas, ev)
        points, self._press, self._points = self._points, None, None
        canvas.update()
        self._show()
        if points is None:
            return
        color = self.window.foreground
        rgb = (color.red(), color.green(), color.blue())
        doc = canvas.doc
        try:
            if self.mode == "shape":
                adjustment_ops.add_shape(doc, self.shape, points, rgb,
                                         stroke=self.new_stroke(), **self.shape_options())
                return
            vector = adjustment_ops.shape_vector(doc, self.shape, points,
                                                 **self.shape_options())
            # One step however many subpaths go into the path (a paw has five).
            with doc.history.macro(f"{adjustment_ops.SHAPES[self.shape]} Tool"):
                if self.mode == "pixels":
                    paths.fill_path(doc, doc.active, (*rgb, 255), vector=vector)
                else:
                    for sub in vector.subpaths:
                        paths.add_subpath(doc, sub.knots, sub.closed)
        except Exception as exc:
            self.window.report(exc, "Could not make the shape")

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._points is None:
            return
        if self.shape == "custom":
            subpaths = [(s.knots, s.closed) for s in self.custom().fitted(*self._points)]
        else:
            subpaths = [(adjustment_ops.shape_knots(self.shape, self._points,
                                                    **self.shape_options()), True)]
        for knots, closed in subpaths:
            if len(knots):
                paint_outline(painter, outline(canvas, knots, closed))

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._buttons = QButtonGroup(w)
        mode = QComboBox()
        mode.setObjectName("ShapeTool_mode")
        mode.setToolTip("Pick tool mode: " + "; ".join(f"{m[1]}: {m[2]}" for m in MODES))
        mode.addItems([m[1] for m in MODES])
        mode.setCurrentIndex([m[0] for m in MODES].index(self.mode))
        mode.currentIndexChanged.connect(lambda i: self.set_mode(MODES[i][0]))
        self._mode_box = mode
        row.addWidget(mode)
        marks = {"rectangle": "▭", "rounded_rectangle": "▢", "ellipse": "◯", "polygon": "⬠",
                 "line": "╱", "custom": "♥"}
        for i, shape in enumerate(self.SHAPES):
            button = QToolButton()
            button.setObjectName(f"ShapeTool_{shape}")
            button.setText(marks[shape])
            button.setCheckable(True)
            button.setToolTip(f"{adjustment_ops.SHAPES[shape]} (Shift+U switches)")
            button.setChecked(shape == self.shape)
            button.clicked.connect(lambda _=False, s=shape: self.set_shape(s))
            self._buttons.addButton(button, i)
            row.addWidget(button)
        self._option_widgets = []
        for key, text, (lo, hi), owner in self.OPTIONS:
            label = QLabel(text)
            spin = QSpinBox()
            spin.setObjectName(f"ShapeTool_{key}")
            spin.setRange(lo, hi)
            if key != "sides":
                spin.setSuffix(" px")
            spin.setValue(getattr(self, key))
            spin.valueChanged.connect(lambda v, k=key: self.set_option(k, v))
            self._spins[key] = spin
            for widget in (label, spin):
                widget.setVisible(owner == self.shape)
                self._option_widgets.append((owner, widget))
                row.addWidget(widget)
        picker = QComboBox()
        picker.setObjectName("ShapeTool_custom_shape")
        picker.setToolTip("Shape: the custom shape to draw (Edit > Define Custom Shape adds "
                          "one from a path)")
        # Narrow, as Photoshop's picker (mostly the shape's drawing), so that the options
        # bar, full at 1200 px, keeps room for the picker's menu; the list shows whole names.
        picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        picker.setMinimumContentsLength(7)
        picker.view().setMinimumWidth(190)
        self._picker = picker
        self._fill_picker()
        picker.currentTextChanged.connect(lambda name: name and self.set_custom(name))
        picker.setVisible(self.shape == "custom")
        self._option_widgets.append(("custom", picker))
        row.addWidget(picker)
        # The picker's menu (Photoshop's gear): Import Shapes… reads a .csh.
        menu_button, menu = popup_menu_button("ShapeTool_custom_menu",
                                              "Custom shapes menu: Import Shapes…")
        action = menu.addAction("Import Shapes…", lambda: self.import_shapes())
        action.setObjectName("ShapeTool_import_shapes")
        menu_button.setVisible(self.shape == "custom")
        self._option_widgets.append(("custom", menu_button))
        row.addWidget(menu_button)
        self._build_stroke_options(row)
        self._readout = QLabel("Fill: the foreground colour")
        self._readout.setObjectName("Dim")
        row.addWidget(self._readout)
        row.addStretch(1)
        return w

    def _fill_picker(self) -> None:
        """The Shape picker lists the library, its chosen shape current (no signal)."""
        picker = self._picker
        if picker is None:
            return
        picker.blockSignals(True)
        picker.clear()
        for shape in self.library():
            picker.addItem(shape_icon(shape, self.window.palette().text().color()), shape.name)
        picker.setCurrentIndex(max(0, picker.findText(self.custom().name)))
        picker.blockSignals(False)

    def _build_stroke_options(self, row: QHBoxLayout) -> None:
        """Fill on/off; Stroke on/off, its colour (a swatch opening the colour picker),
        width, alignment, opacity, cap, join and dash preset."""
        fill = QCheckBox("Fill")
        fill.setObjectName("ShapeTool_fill")
        fill.setToolTip("Fill the shape with the foreground colour")
        fill.toggled.connect(lambda on: self.set_stroke_option(fill=bool(on)))
        stroke = QCheckBox("Stroke")
        stroke.setObjectName("ShapeTool_stroke")
        stroke.setToolTip("Stroke the shape's path")
        stroke.toggled.connect(lambda on: self.set_stroke_option(enabled=bool(on)))
        color = QToolButton()
        color.setObjectName("ShapeTool_stroke_color")
        color.setToolTip("Stroke colour")
        color.clicked.connect(self.choose_stroke_color)
        width = QDoubleSpinBox()
        width.setObjectName("ShapeTool_stroke_width")
        width.setRange(0.0, MAX_WIDTH)
        width.setDecimals(2)
        width.setSuffix(" px")
        width.setToolTip("Stroke width")
        width.setKeyboardTracking(False)  # typed: one change when the value is entered
        width.valueChanged.connect(lambda v: self.set_stroke_option(width=float(v)))
        alignment = QComboBox()
        alignment.setObjectName("ShapeTool_stroke_alignment")
        alignment.setToolTip("Align the stroke inside, on or outside the path")
        alignment.addItems([a.capitalize() for a in ALIGNMENTS])
        alignment.currentIndexChanged.connect(
            lambda i: self.set_stroke_option(alignment=ALIGNMENTS[i]))
        opacity = QSpinBox()
        opacity.setObjectName("ShapeTool_stroke_opacity")
        opacity.setRange(0, 100)
        opacity.setSuffix(" %")
        opacity.setToolTip("Stroke opacity")
        opacity.setKeyboardTracking(False)
        opacity.valueChanged.connect(lambda v: self.set_stroke_option(opacity=float(v)))
        cap = QComboBox()
        cap.setObjectName("ShapeTool_stroke_cap")
        cap.setToolTip("Caps: the ends of an open path's stroke and of its dashes")
        cap.addItems([c.capitalize() for c in CAPS])
        cap.currentIndexChanged.connect(lambda i: self.set_stroke_option(cap=CAPS[i]))
        join = QComboBox()
        join.setObjectName("ShapeTool_stroke_join")
        join.setToolTip("Corners: how the stroke turns at the path's corners")
        join.addItems([j.capitalize() for j in JOINS])
        join.currentIndexChanged.connect(lambda i: self.set_stroke_option(join=JOINS[i]))
        dashes = QComboBox()
        dashes.setObjectName("ShapeTool_stroke_dashes")
        dashes.setToolTip("Stroke type: solid, dashed or dotted (Photoshop's presets)")
        dashes.addItems([p.capitalize() for p in DASH_PRESETS] + ["Custom"])
        # "Custom" only shows a layer's own dashes (read from a file); choosing it keeps them.
        dashes.model().item(len(DASH_PRESETS)).setEnabled(False)
        dashes.currentIndexChanged.connect(
            lambda i: i < len(DASH_PRESETS) and self.set_dash_preset(list(DASH_PRESETS)[i]))
        self._stroke_widgets = {"fill": fill, "enabled": stroke, "color": color,
                                "width": width, "alignment": alignment, "opacity": opacity,
                                "cap": cap, "join": join, "dashes": dashes}
        self._show_stroke()
        for widget in (fill, stroke, color, width, alignment):
            row.addWidget(widget)
        # The rest in a Stroke Options panel under a button, as Photoshop's (the bar has
        # no room for them all beside the shapes' own options).
        more = QToolButton()
        more.setObjectName("ShapeTool_stroke_options")
        more.setText("Stroke Options ▾")
        more.setToolTip("Stroke opacity, caps, corners and dashes")
        panel = QFrame(more, Qt.WindowType.Popup)
        panel.setObjectName("ShapeTool_stroke_panel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(panel)
        for text, widget in (("Opacity", opacity), ("Caps", cap), ("Corners", join),
                             ("Dashes", dashes)):
            form.addRow(text, widget)
        more.clicked.connect(
            lambda: (panel.move(more.mapToGlobal(more.rect().bottomLeft())), panel.show()))
        row.addWidget(more)

    def _show_stroke(self) -> None:
        """The options bar shows the tool's Fill and Stroke (no signal sent back)."""
        widgets, stroke = self._stroke_widgets, self.stroke
        if not widgets:
            return
        for widget in widgets.values():
            widget.blockSignals(True)
        widgets["fill"].setChecked(stroke.fill)
        widgets["enabled"].setChecked(stroke.enabled)
        name = QColor(*stroke.color).name()
        widgets["color"].setText(name)
        widgets["color"].setStyleSheet(f"border-left: 14px solid {name};")
        widgets["width"].setValue(stroke.width)
        widgets["alignment"].setCurrentIndex(ALIGNMENTS.index(stroke.alignment))
        widgets["opacity"].setValue(round(stroke.opacity))
        widgets["cap"].setCurrentIndex(CAPS.index(stroke.cap))
        widgets["join"].setCurrentIndex(JOINS.index(stroke.join))
        preset = stroke.preset()
        widgets["dashes"].setCurrentIndex(list(DASH_PRESETS).index(preset) if preset
                                          else len(DASH_PRESETS))
        for widget in widgets.values():
            widget.blockSignals(False)

    def _show(self) -> None:
        if self._readout is None:
            return
        points = self._points
        if points is None:
            text = "Fill: the foreground colour"
        elif self.shape in ("polygon", "line"):
            a, b, c, d = points
            angle = -math.degrees(math.atan2(d - b, c - a))  # counter-clockwise, as shown
            length = "R" if self.shape == "polygon" else "L"
            text = f"{length} {math.hypot(c - a, d - b):.0f} px  {angle:.0f}°"
        else:
            text = f"W {points[2] - points[0]:.0f}  H {points[3] - points[1]:.0f} px"
        self._readout.setText(text)


def shape_icon(shape: custom_shapes.CustomShape, color: QColor) -> QIcon:
    """The shape drawn filled in `color` in a square, its proportions kept (the picker's)."""
    pixmap = QPixmap(PICKER_ICON, PICKER_ICON)
    pixmap.fill(Qt.GlobalColor.transparent)
    side = PICKER_ICON - 2
    w, h = (side, side / shape.aspect) if shape.aspect >= 1 else (side * shape.aspect, side)
    x0, y0 = (PICKER_ICON - w) / 2, (PICKER_ICON - h) / 2
    path = QPainterPath()
    for sub in shape.fitted(x0, y0, x0 + w, y0 + h):
        image_outline(sub.knots, True, path)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.fillPath(path, color)
    painter.end()
    return QIcon(pixmap)
