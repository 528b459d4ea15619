"""The Horizontal Type tool (T), Photoshop's point and paragraph text.

A click on the canvas starts a new text layer anchored there (point text); a click on a
shown path (`path_at`: the chosen path, the Work Path, the active shape's path; the
cursor is then `path_type_cursor`) starts type on that path from the click
(text_path.py); a drag draws
a box and starts paragraph text in it (its lines wrap to the box: text_layer.py); a
click on a text layer (or in a paragraph layer's box) edits it (the text cursor where
the click was). While paragraph text is edited its box shows Photoshop's eight handles,
which resize it (the text wraps anew as it goes; the left and top ones move the box's
corner, the anchor), and a plus in the bottom-right one when text overflows the box. While text is being edited a tool mode
(`TypeEdit`) has the keyboard: typed characters go in, Backspace and Delete take them
out, Enter (Return) starts a new line, the arrows, Home and End move the text cursor
(with Shift they select; Ctrl+A selects all, a double-click a word, a drag in the text
what it crosses; what is typed replaces the selection, shown inverted). Ctrl+C, Ctrl+X
and Ctrl+V copy, cut and paste plain text then, not the document's pixels. The caret
blinks at the platform's cursor flash time, shown at once by every key.
The canvas shows the text as it will be, on its layer (`text_layer.preview_text`: no
undo step yet). Enter on the keypad, Ctrl+Enter, the options bar's check button, a
click outside the text, choosing another tool or any menu command commits: one undo
step ("Type Tool" for a new layer, "Edit Type Layer" for an edit). Esc or the cancel
button cancels: a new layer goes, an edited one is as it was. A double-click on a type
layer's thumbnail in the Layers panel edits its text too. Ctrl+Z while typing takes back the last change
of the text (and, with none left, cancels), as any menu command commits first.

The options bar holds the font family, size (in Preferences' type unit, points by
default, converted by the document's resolution: 12 pt is 50 px at 300 ppi), colour, bold, italic and alignment: what the next text gets, and, changed while a text
layer is being edited, part of that edit; changed with a text layer active (not being
edited), one undo step of its own, as in Photoshop. New text takes the foreground
colour, as Photoshop's does, and the bar's swatch follows it while no text layer is
active. The next text's settings (`style`) keep their lengths in points, as at 72 ppi
(Photoshop's tool makes 12 pt type in any document); a text layer's are pixels
(`next_style`). Its warp button opens Type > Warp Text… for the text (committing an edit in
progress first, as any menu command does).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (QColor, QCursor, QFont, QKeyEvent, QKeySequence, QPainter,
                           QPainterPath, QPen, QPixmap, QPolygonF)
from PySide6.QtWidgets import (QApplication, QButtonGroup, QDoubleSpinBox, QFontComboBox,
                               QHBoxLayout, QToolButton, QWidget)

from editor.model.resolution import DEFAULT as DEFAULT_PPI
from editor.model.resolution import TYPE_LENGTHS, type_change
from editor.model.text_layer import (ALIGNMENTS, DEFAULT_FONT, TextLayer, TextSettings, box_frame, caret, check_editable,
                                     layer_name, layout, line_of, overflows, position_of,
                                     preview_text, set_text, warp_points)
from editor.model.text_path import TypePath, distance_to
from editor.model.text_warp import is_warped

from ..icons import icon
from ..type_panels import length_of, show_length, size_range
from .base import Tool
from .path_type import paint_type_path

GRAB = 4  # image pixels around a text layer's box that a click still edits it from
DRAG = 4  # screen pixels a press must move to draw a paragraph box rather than click
HANDLE = 6  # screen pixels: a paragraph box's handle's half width, and its grab
_EDIT_KEYS = {Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace,
              Qt.Key.Key_Delete, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up,
              Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Tab,
              Qt.Key.Key_Backtab}


# The settings kept for the next start (the others last while the editor runs).
_REMEMBERED = ("font", "size", "bold", "italic", "align")


PATH_GRAB = 4  # screen pixels from a path that a click starts type on it


def _bent(settings: TextSettings) -> bool:
    """Whether the text is not drawn as laid out: warped, or on a path (`warp_points`
    carries the caret and selection either way)."""
    return is_warped(settings) or settings.path is not None


def path_at(canvas, point: QPointF):
    """The shown path whose line passes within PATH_GRAB screen pixels of image point
    `point`, where type on a path starts: (its subpath's canvas knots, closed, distance
    along it of the nearest point), else None. The paths shown are Photoshop's: the path
    chosen in the Paths panel, the Work Path, and the active shape layer's path."""
    from editor.model import paths

    doc = canvas.doc
    shown = [paths.target_vector(doc)]
    work = paths.work_path(doc)
    shown.append(work.vector if work is not None else None)
    shown.append(getattr(doc.active, "vector_mask", None))
    reach = PATH_GRAB / max(canvas.scale, 1e-6)
    best = None
    for vector in shown:
        if vector is None:
            continue
        for sub, knots in zip(vector.subpaths, vector.moved_knots()):
            if len(knots) < 2:
                continue
            far, along = distance_to(knots, sub.closed, (point.x(), point.y()))
            if far <= reach and (best is None or far < best[0]):
                best = (far, knots, sub.closed, along)
    return None if best is None else best[1:]


_path_cursor: Optional[QCursor] = None


def path_type_cursor() -> QCursor:
    """Photoshop's path type cursor: the I-beam crossed by a dotted curve."""
    global _path_cursor
    if _path_cursor is None:
        pix = QPixmap(24, 24)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        curve = QPainterPath(QPointF(2, 18))
        curve.cubicTo(QPointF(8, 8), QPointF(16, 22), QPointF(22, 12))
        for color, width in ((QColor(255, 255, 255), 3), (QColor(0, 0, 0), 1)):
            p.setPen(QPen(color, width))
            p.drawLine(QLineF(12, 3, 12, 21))
            p.drawLine(QLineF(9, 3, 15, 3))
            p.drawLine(QLineF(9, 21, 15, 21))
        p.setPen(QPen(QColor(0, 0, 0), 1, Qt.PenStyle.DotLine))
        p.drawPath(curve)
        p.end()
        _path_cursor = QCursor(pix, 12, 12)
    return _path_cursor


def _near_ink(layer: TextLayer, point: QPointF) -> bool:
    """Whether image point `point` lies within GRAB pixels and half the type's size of the
    layer's ink."""
    reach = GRAB + round(layer.type_settings.size / 2)
    x, y = round(point.x()) - layer.x, round(point.y()) - layer.y
    try:
        alpha = np.asarray(layer.pixels[max(0, y - reach):max(0, y + reach + 1),
                                        max(0, x - reach):max(0, x + reach + 1), 3])
    except Exception:  # (pixels not at hand: the layer's box decides)
        return True
    return bool(alpha.size and alpha.max() > 0)


def text_layer_at(doc, point: QPointF) -> Optional[TextLayer]:
    """The top-most shown text layer whose box (grown by GRAB) holds image point `point`."""
    for layer in reversed(list(doc.layers())):
        if isinstance(layer, TextLayer) and layer.is_shown():
            box = layer.bounds().expand(GRAB)
            if box.x <= point.x() < box.x1 and box.y <= point.y() < box.y1:
                if layer.type_settings.path is not None and not _near_ink(layer, point):
                    # (type on a circle: its box holds the whole circle, where a click on
                    # the path starts more type; its glyphs are what a click edits)
                    continue
                return layer
            frame = box_frame(layer)  # (paragraph text: anywhere in its box)
            if frame is not None and QRectF(*frame).adjusted(-GRAB, -GRAB, GRAB,
                                                             GRAB).contains(point):
                return layer
    return None


class TypeTool(Tool):
    id = "type"
    label = "Horizontal Type Tool"
    letter = "T"
    icon = "tool-type"
    tip = ("Click to type a new text layer, drag a box for paragraph text, or click a "
           "text layer to edit it; Ctrl+Enter (or Enter on the keypad) commits, Esc cancels")
    uses_color = True  # (its tool presets may keep the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self._widgets: dict[str, QWidget] = {}
        # A press away from text: where it was and where the drag is (widget and image
        # points), a box drawn when it moves far enough, else point text on release.
        self._drag: Optional[tuple[QPointF, QPointF, QPointF]] = None

    def load_options(self) -> None:
        super().load_options()
        s = self.window.settings
        align = s.value("tools/type/align", "left")
        try:
            self.style = TextSettings(
                font=s.value("tools/type/font", DEFAULT_FONT),
                size=s.value("tools/type/size", 24.0, float),
                bold=s.value("tools/type/bold", False, bool),
                italic=s.value("tools/type/italic", False, bool),
                align=align if align in ALIGNMENTS else "left")
        except Exception:  # a damaged settings file: Photoshop's defaults
            self.style = TextSettings()

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        layer = text_layer_at(canvas.doc, ev.image)
        if layer is not None:
            self._start(canvas, layer, ev.image)
            return
        on_path = path_at(canvas, ev.image)
        if on_path is not None:
            # A click on a path: type on it from there (Photoshop's path type).
            self._start(canvas, None, ev.image, path=on_path)
        else:
            self._drag = (QPointF(ev.pos), QPointF(ev.image), QPointF(ev.image))

    def move(self, canvas, ev) -> None:
        if self._drag is not None:
            self._drag = (self._drag[0], self._drag[1], QPointF(ev.image))
            canvas.update()

    def release(self, canvas, ev) -> None:
        if self._drag is None:
            return
        pos, start, end = self._drag
        self._drag = None
        canvas.update()
        if (QPointF(ev.pos) - pos).manhattanLength() < DRAG:
            self._start(canvas, None, start)  # a click: point text
            return
        x0, x1 = sorted((round(start.x()), round(end.x())))
        y0, y1 = sorted((round(start.y()), round(end.y())))
        self._start(canvas, None, QPointF(x0, y0), (max(1, x1 - x0), max(1, y1 - y0)))

    def _drag_box(self) -> Optional[QRectF]:
        if self._drag is None:
            return None
        return QRectF(self._drag[1], self._drag[2]).normalized()

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        box = self._drag_box()
        if box is None:
            return
        painter.save()
        painter.setPen(QPen(QColor(0, 0, 0, 180), 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(canvas.image_transform().mapRect(box))
        painter.restore()

    def info_box(self, canvas):
        box = self._drag_box()
        if box is None:
            return canvas.doc.selection
        from engine.box import Box

        return Box(round(box.x()), round(box.y()), max(1, round(box.width())),
                   max(1, round(box.height())))

    def edit_layer(self, layer: TextLayer) -> None:
        """Edits `layer`'s text, the text cursor at its end: the Layers panel's double-click
        on a type layer's thumbnail (the Type tool is chosen)."""
        window = self.window
        canvas = window.canvas
        if canvas is None or not canvas.doc.contains(layer):
            return
        window.tools.select(self.id)
        window.tools.end_mode(commit=True)
        self._start(canvas, layer, None)

    def _start(self, canvas, layer: Optional[TextLayer], point: Optional[QPointF],
               box: Optional[tuple[int, int]] = None, path=None) -> None:
        """Starts typing: into `layer` (None: a new text layer at `point`: paragraph text
        in a box `box` wide and high with its top-left corner there, when given; type on
        a path `path` (`path_at`'s) from there, when given)."""
        try:
            edit = TypeEdit(self, canvas, layer, point, box, path)
        except Exception as exc:
            self.window.report(exc, "Could not edit the text" if layer is not None
                               else "Could not make a text layer")
            return
        self.window.tools.start_mode(edit)
        # A press on a text layer's text: dragging on selects, as in the text being edited.
        edit.dragging = layer is not None and point is not None
        canvas.setFocus()

    def cursor_at(self, canvas, ev) -> QCursor:
        if text_layer_at(canvas.doc, ev.image) is None and path_at(canvas, ev.image):
            return path_type_cursor()  # (over a path a click types on it)
        return QCursor(Qt.CursorShape.IBeamCursor)

    def activate(self, canvas) -> None:
        """Chosen with a text layer active: the bar shows that layer's settings."""
        layer = canvas.doc.active if canvas is not None and canvas.doc is not None else None
        self.show(layer.type_settings if isinstance(layer, TextLayer) else self.next_style())

    def colors_changed(self) -> None:
        """The foreground colour changed: the bar's swatch shows the colour new text gets
        (an active text layer's own, or text being edited, keep theirs)."""
        if self.editing() is None:
            doc = self.window.doc
            layer = doc.active if doc is not None else None
            self.show(layer.type_settings if isinstance(layer, TextLayer) else self.next_style())

    # -- options ----------------------------------------------------------------------
    def editing(self) -> Optional["TypeEdit"]:
        mode = self.window.tools.mode
        return mode if isinstance(mode, TypeEdit) and mode.tool is self else None

    def ppi(self) -> float:
        """The active document's resolution (72 without one): type units convert by it."""
        doc = self.window.doc
        return doc.resolution if doc is not None else DEFAULT_PPI

    def next_style(self) -> TextSettings:
        """The next text's settings in the active document's pixels (`style`'s points
        times its resolution over 72); `style` itself when they do not fit its range."""
        factor = self.ppi() / 72.0
        if factor == 1.0:
            return self.style
        try:
            return self.style.replace(**type_change(
                {k: getattr(self.style, k) for k in TYPE_LENGTHS}, factor))
        except Exception:  # (a size beyond the pixels' range at this resolution)
            return self.style

    def shown_settings(self) -> TextSettings:
        """What the bar and the panels show: the text being edited, else the active type
        layer's, else the next text's."""
        edit = self.editing()
        if edit is not None:
            return edit.layer.type_settings
        doc = self.window.doc
        layer = doc.active if doc is not None else None
        return layer.type_settings if isinstance(layer, TextLayer) else self.next_style()

    def set_option(self, focus: bool = True, **change) -> None:
        """Font, size, colour, bold, italic or alignment chosen on the options bar (or any
        setting on the Character and Paragraph panels, which call this: `focus` False
        leaves the keyboard with them): kept for the next text; part of the edit while
        text is edited, else one undo step for the active text layer. Lengths are in the
        document's pixels (the next text's `style` keeps them as points)."""
        if "color" not in change:
            try:
                self.style = self.style.replace(**type_change(change, 72.0 / self.ppi()))
            except Exception as exc:
                self.window.report(exc, "Could not change the text")
                return
            for key in change:
                if key in _REMEMBERED:
                    self.window.settings.set_value(f"tools/type/{key}", getattr(self.style, key))
        edit = self.editing()
        canvas = self.window.canvas
        if edit is not None:
            edit.change(**change)
        else:
            doc = self.window.doc
            layer = doc.active if doc is not None else None
            if isinstance(layer, TextLayer):
                try:
                    set_text(doc, layer, layer.type_settings.replace(**change))
                except Exception as exc:
                    self.window.report(exc, "Could not change the text")
                self.show(layer.type_settings)
            elif "color" in change:
                self.window.set_foreground(QColor(*change["color"]))
                self.show(self.next_style())
        if canvas is not None and "font" not in change and focus:
            canvas.setFocus()  # typing goes on into the text

    def choose_color(self) -> None:
        from editor.ui import dialogs

        color = dialogs.ask_color(self.window, QColor(*self.shown_color()),
                                  "Color Picker (Text Color)")
        if color is not None:
            self.set_option(color=(color.red(), color.green(), color.blue()))

    def shown_color(self) -> tuple:
        edit = self.editing()
        if edit is not None:
            return edit.layer.type_settings.color
        doc = self.window.doc
        layer = doc.active if doc is not None else None
        if isinstance(layer, TextLayer):
            return layer.type_settings.color
        fg = self.window.foreground
        return fg.red(), fg.green(), fg.blue()

    def _style_button(self, option: str, text: str, tip: str) -> QToolButton:
        """A checkable options-bar button for `option` ("bold", "italic"), its letter drawn
        in that style."""
        button = QToolButton()
        button.setObjectName(f"TypeTool_{option}")
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        font = button.font()
        font.setBold(option == "bold")
        font.setItalic(option == "italic")
        button.setFont(font)
        button.toggled.connect(lambda on: self.set_option(**{option: bool(on)}))
        return button

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        font = QFontComboBox()
        font.setObjectName("TypeTool_font")
        font.setToolTip("Font family")
        font.setMaximumWidth(220)
        font.currentFontChanged.connect(lambda f: self.set_option(font=f.family()))
        size = QDoubleSpinBox()
        size.setObjectName("TypeTool_size")
        size.setDecimals(2)
        size.setToolTip("Font size (Preferences > Units & Rulers' Type unit; points are "
                        "converted by the document's resolution)")
        size.setKeyboardTracking(False)  # typed: one change when the value is entered
        size.valueChanged.connect(
            lambda v: self.set_option(size=length_of(size, *self._units())))
        color = QToolButton()
        color.setObjectName("TypeTool_color")
        color.setToolTip("Text colour")
        color.clicked.connect(self.choose_color)
        bold = self._style_button("bold", "B", "Bold")
        italic = self._style_button("italic", "I", "Italic")
        for widget in (font, size, color, bold, italic):
            row.addWidget(widget)
        aligns = QButtonGroup(w)
        for i, (align, icon_name, tip) in enumerate((
                ("left", "align-left", "Left align text"),
                ("center", "align-hcenter", "Center text"),
                ("right", "align-right", "Right align text"),
                ("justify", "text-justify", "Justify last left (paragraph text)"))):
            button = QToolButton()
            button.setObjectName(f"TypeTool_align_{align}")
            button.setIcon(icon(icon_name))
            button.setToolTip(tip)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, a=align: self.set_option(align=a))
            aligns.addButton(button, i)
            row.addWidget(button)
            self._widgets[f"align_{align}"] = button
        warp = QToolButton()  # Photoshop's Create Warped Text button: Type > Warp Text…
        warp.setObjectName("TypeTool_warp")
        warp.setIcon(icon("text-warp"))
        warp.setToolTip("Create warped text (Warp Text…)")
        warp.clicked.connect(lambda: self.window.type_commands.warp_text())
        row.addWidget(warp)
        cancel = QToolButton()
        cancel.setObjectName("TypeTool_cancel")
        cancel.setIcon(icon("cancel"))
        cancel.setToolTip("Cancel the current edits (Esc)")
        cancel.clicked.connect(lambda: self.window.tools.end_mode(commit=False))
        commit = QToolButton()
        commit.setObjectName("TypeTool_commit")
        commit.setIcon(icon("check"))
        commit.setToolTip("Commit the current edits (Ctrl+Enter)")
        commit.clicked.connect(lambda: self.window.tools.end_mode(commit=True))
        row.addWidget(cancel)
        row.addWidget(commit)
        row.addStretch(1)
        self._widgets.update(font=font, size=size, color=color, bold=bold, italic=italic,
                             warp=warp, cancel=cancel, commit=commit)
        self.show(self.next_style())
        return w

    def _units(self) -> tuple[str, float]:
        return self.window.settings.type_units, self.ppi()

    def show(self, settings: TextSettings) -> None:
        """The options bar and the Character and Paragraph panels show `settings`."""
        self._show_bar(settings)
        refresh = getattr(self.window, "refresh_type_panels", None)
        if refresh is not None:  # the Character and Paragraph panels show the same
            refresh()

    def show_bar(self) -> None:
        """The options bar shows what it should now (`shown_settings`), in the type
        unit at the document's resolution (after Preferences, Image Size, another tab)."""
        self._show_bar(self.shown_settings())

    def _show_bar(self, settings: TextSettings) -> None:
        """The options bar shows `settings` (no signal sent back)."""
        widgets = self._widgets
        if not widgets:
            return
        for widget in widgets.values():
            widget.blockSignals(True)
        widgets["font"].setCurrentFont(QFont(settings.font))
        show_length(widgets["size"], settings.size, *self._units(), *size_range(self.ppi()))
        name = QColor(*self.shown_color()).name()
        widgets["color"].setText(name)
        widgets["color"].setStyleSheet(f"border-left: 14px solid {name};")
        widgets["bold"].setChecked(settings.bold)
        widgets["italic"].setChecked(settings.italic)
        for align in ALIGNMENTS:  # (the other justify modes: the Paragraph panel's)
            if f"align_{align}" in widgets:
                widgets[f"align_{align}"].setChecked(align == settings.align)
        editing = self.editing() is not None
        widgets["cancel"].setEnabled(editing)
        widgets["commit"].setEnabled(editing)
        for widget in widgets.values():
            widget.blockSignals(False)


class TypeEdit(Tool):
    """Editing one text layer's text (a tool mode: ToolManager.start_mode). A new layer is
    in the document while it is typed (no undo step) and is added as one step on commit.

    The text cursor is `position` (a character index); `mark`, when not None, is the
    selection's other end, as in any text box: Shift with the arrows, Home and End, a drag
    or Shift+click in the text extend it, Ctrl+A selects all, a double-click a word. What
    is typed, pasted, or Backspace and Delete replace the selection."""

    id = TypeTool.id
    label = TypeTool.label
    icon = TypeTool.icon

    def __init__(self, tool: TypeTool, canvas, layer: Optional[TextLayer],
                 point: Optional[QPointF], box: Optional[tuple[int, int]] = None,
                 path=None):
        super().__init__(tool.window)
        self.tool, self.doc = tool, canvas.doc
        doc = self.doc
        self.before = doc.active  # chosen again when a new layer is cancelled
        if layer is None:
            fg = tool.window.foreground
            anchor = (round(point.x()), round(point.y()))
            on_path = {}
            if path is not None:
                # Type on a path: the layer's own copy of the subpath, about the anchor,
                # the text starting where the click met it.
                knots, closed, along = path
                on_path = dict(path=TypePath.from_knots(knots, closed, anchor),
                               path_start=along)
            settings = tool.next_style().replace(
                text="", color=(fg.red(), fg.green(), fg.blue()), box=box, **on_path)
            layer = TextLayer.drawn(layer_name(""), settings, anchor)
            parent, index = doc._insertion_point(None)
            doc._insert(layer, parent, index)
            doc.set_active(layer)
            self.original: Optional[TextSettings] = None
            self.position = 0
        else:
            check_editable(doc, layer)
            doc.set_active(layer)
            self.original = layer.type_settings
            self.position = len(layer.type_settings.text) if point is None else \
                self.hit(layer, point)
        self.layer = layer
        self.original_anchor = layer.anchor()
        # A paragraph box's handle being dragged: (its place on the box: x and y, each 0,
        # 0.5 or 1) and the box as it was when pressed (left, top, right, bottom).
        self.resizing: Optional[tuple[tuple[float, float], tuple[float, ...]]] = None
        self.mark: Optional[int] = None  # the selection's other end; None: none selected
        # earlier states (settings, text cursor, anchor), for Ctrl+Z
        self.steps: list[tuple[TextSettings, int, tuple[int, int]]] = []
        self.dragging = False  # a press in the text, its drag selecting
        # The blinking caret: shown for half of Qt's cursor flash time, hidden for the
        # other half, shown again at once by every key (as a text box does). The timer is
        # the window's child so that it can never fire into a closed window.
        self.caret_shown = True
        self._blink = QTimer(tool.window)
        self._blink.timeout.connect(self._toggle_caret)

    @property
    def new(self) -> bool:
        return self.original is None

    # -- the text -----------------------------------------------------------------------
    def change(self, position: Optional[int] = None, extend: bool = False,
               anchor: Optional[tuple[int, int]] = None, **change) -> None:
        """Shows the layer with its settings changed (and the text cursor at `position`;
        with `extend` the selection stretched to it from where the cursor was; the anchor
        moved to `anchor` when given)."""
        layer = self.layer
        if not self.doc.contains(layer):
            return
        settings = layer.type_settings.replace(**change)
        if settings != layer.type_settings or (anchor is not None
                                               and anchor != layer.anchor()):
            self.steps.append((layer.type_settings, self.position, layer.anchor()))
            try:
                preview_text(self.doc, layer, settings, anchor)
            except Exception as exc:
                self.steps.pop()
                self.window.report(exc, "Could not change the text")
                return
        size = len(settings.text)
        if position is not None:
            if not extend:
                self.mark = None
            elif self.mark is None:
                self.mark = self.position
            self.position = max(0, min(position, size))
        if self.mark is not None:
            self.mark = min(self.mark, size)
            if self.mark == self.position:
                self.mark = None
        self.show_caret()
        self.tool.show(layer.type_settings)
        canvas = self.window.canvas
        if canvas is not None:
            canvas.update()

    def selection(self) -> tuple[int, int]:
        """The selected characters, [start, end) (start == end == position: none)."""
        mark = self.position if self.mark is None else self.mark
        return min(mark, self.position), max(mark, self.position)

    def selected_text(self) -> str:
        start, end = self.selection()
        return self.layer.type_settings.text[start:end]

    def select(self, start: int, end: int) -> None:
        """Selects characters [start, end), the text cursor at `end`."""
        self.change(start)
        self.change(end, extend=True)

    def insert(self, text: str) -> None:
        """Types `text` at the text cursor, in place of the selection."""
        old = self.layer.type_settings.text
        start, end = self.selection()
        self.change(start + len(text), text=old[:start] + text + old[end:])

    def line_col(self, position: Optional[int] = None) -> tuple[int, int]:
        """The laid-out line and column of a text position (the text cursor's)."""
        at = self.position if position is None else position
        return line_of(self.layer.type_settings, at)

    def index_of(self, line: int, col: int) -> int:
        return position_of(self.layer.type_settings, line, col)

    def hit(self, layer: TextLayer, point: QPointF) -> int:
        """The text position nearest image point `point` (a click in the text)."""
        settings = layer.type_settings
        ax, ay = layer.anchor()
        lines = layout(settings)
        y = point.y() - ay
        line = 0
        for i, placed in enumerate(lines):
            if y >= placed.baseline - placed.ascent:
                line = i
        text = lines[line].text
        x = point.x() - ax
        if _bent(settings):
            # Warped: the caret place, on any line, whose warped middle is nearest the click.
            places = [(i, c, *caret(settings, i, c)) for i, placed in enumerate(lines)
                      for c in range(len(placed.text) + 1)]
            middles = warp_points(settings, [(cx, (top + bottom) / 2)
                                             for _, _, cx, top, bottom in places])
            near = int(((middles - (x, y)) ** 2).sum(axis=1).argmin())
            return position_of(settings, places[near][0], places[near][1])
        col = min(range(len(text) + 1), key=lambda c: abs(caret(settings, line, c)[0] - x))
        return position_of(settings, line, col)

    # -- mode life cycle (ToolManager.start_mode / end_mode) -----------------------------
    def activate(self, canvas) -> None:
        self.tool.show(self.layer.type_settings)
        self.doc.history.changed.connect(self._document_changed)
        self.show_caret()

    def deactivate(self, canvas) -> None:
        self._disconnect()
        self._blink.stop()
        self._blink.deleteLater()  # (a new edit makes its own)
        self.tool.show(self.tool.next_style())
        if canvas is not None:
            canvas.update()

    def _disconnect(self) -> None:
        self.doc.history.changed.disconnect(self._document_changed)  # (none: nothing)

    def _document_changed(self) -> None:
        # A step recorded meanwhile (the Layers panel, the History panel): the text is
        # committed as it stands, after it, rather than edited across it.
        self.window.tools.end_mode(commit=True)

    def commit(self, canvas) -> None:
        self._disconnect()  # (its own step is not a change underneath)
        doc, layer = self.doc, self.layer
        if not doc.contains(layer):
            return  # taken away meanwhile (a closed document, a deleted layer)
        if self.new:
            final = layer.type_settings
            parent, index = layer.parent, layer.index()
            doc._remove(layer)
            self._choose_before()
            if final.text.strip():
                try:
                    doc.add_layer(layer, parent, index, name="Type Tool")
                except Exception as exc:
                    self.window.report(exc, "Could not make the text layer")
            return
        final, anchor = layer.type_settings, layer.anchor()
        preview_text(doc, layer, self.original, self.original_anchor)
        try:
            set_text(doc, layer, final, anchor)
        except Exception as exc:
            self.window.report(exc, "Could not change the text")

    def cancel(self, canvas) -> None:
        doc, layer = self.doc, self.layer
        if not doc.contains(layer):
            return
        if self.new:
            doc._remove(layer)
            self._choose_before()
        else:
            preview_text(doc, layer, self.original, self.original_anchor)

    def _choose_before(self) -> None:
        before = self.before
        self.doc.set_active(before if before is not None and self.doc.contains(before)
                            else None)

    def step_back(self) -> bool:
        """Ctrl+Z while typing: the text as it was before the last change; False (cancel)
        when nothing was changed."""
        if not self.steps:
            return False
        settings, position, anchor = self.steps.pop()
        preview_text(self.doc, self.layer, settings, anchor)
        self.position, self.mark = position, None
        self.show_caret()
        self.tool.show(settings)
        canvas = self.window.canvas
        if canvas is not None:
            canvas.update()
        return True

    # -- the caret's blink ----------------------------------------------------------------
    def show_caret(self) -> None:
        """The caret shown now, its blink started again (after a key, a click)."""
        if not self.caret_shown:
            self.caret_shown = True
            self._update_caret()
        flash = QApplication.cursorFlashTime()
        if flash > 0:  # (0 or less: the platform's setting for a caret that never blinks)
            self._blink.start(max(1, flash // 2))
        else:
            self._blink.stop()

    def _toggle_caret(self) -> None:
        self.caret_shown = not self.caret_shown
        self._update_caret()

    def _update_caret(self) -> None:
        """Repaints the caret's few pixels only (not the whole canvas twice a second)."""
        canvas = self.window.canvas
        if canvas is None or not self.doc.contains(self.layer):
            return
        a, b = self._caret_line(canvas)
        canvas.update(QRectF(a, b).normalized().adjusted(-3, -3, 3, 3).toAlignedRect())

    def _caret_line(self, canvas) -> tuple[QPointF, QPointF]:
        """The caret's top and bottom in widget coordinates."""
        ax, ay = self.layer.anchor()
        line, col = self.line_col()
        x, top, bottom = caret(self.layer.type_settings, line, col)
        # (on warped text, where the warp puts the caret's ends)
        (x0, y0), (x1, y1) = warp_points(self.layer.type_settings, [(x, top), (x, bottom)])
        to_widget = canvas.image_transform()
        return (to_widget.map(QPointF(ax + x0, ay + y0)),
                to_widget.map(QPointF(ax + x1, ay + y1)))

    def _caret_on_path(self) -> bool:
        """Whether the caret lies between type on a path's start and end markers (in the
        overflow it is not shown, as no glyph there is); True for other text."""
        settings = self.layer.type_settings
        if settings.path is None:
            return True
        origin, first, last = settings.path_span()
        x = caret(settings, *self.line_col())[0]
        return first - 1e-3 <= origin + x <= last + 1e-3

    def _warped(self, rect: QRectF) -> QPolygonF:
        """An image rectangle about the text as Warp Text bends it: its outline, each edge
        in eight steps, through the layer's warp (the rectangle itself for flat text)."""
        settings = self.layer.type_settings
        if not _bent(settings):
            return QPolygonF(rect)
        ax, ay = self.layer.anchor()
        steps = [i / 8 for i in range(8)]
        l, t, r, b = rect.left() - ax, rect.top() - ay, rect.right() - ax, rect.bottom() - ay
        outline = ([(l + (r - l) * u, t) for u in steps] + [(r, t + (b - t) * u) for u in steps]
                   + [(r - (r - l) * u, b) for u in steps] + [(l, b - (b - t) * u) for u in steps])
        return QPolygonF([QPointF(ax + x, ay + y) for x, y in warp_points(settings, outline)])

    # -- input --------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        handle = self.handle_at(canvas, ev.pos)
        if handle is not None:
            x, y, w, h = box_frame(self.layer)
            self.resizing = (handle, (x, y, x + w, y + h))
            return
        if self._area().adjusted(-GRAB, -GRAB, GRAB, GRAB).contains(ev.image):
            # In the text: the cursor there (Shift: the selection stretched to it), and a
            # drag from there selects.
            self.change(self.hit(self.layer, ev.image), extend=ev.shift)
            self.dragging = True
            return
        # Outside the text: commit it (Photoshop's; a further click starts new text, so a
        # tool's letter typed next is not taken for text).
        self.window.tools.end_mode(commit=True)

    def move(self, canvas, ev) -> None:
        if self.resizing is not None and self.doc.contains(self.layer):
            (hx, hy), (left, top, right, bottom) = self.resizing
            x, y = round(ev.image.x()), round(ev.image.y())
            # (a side dragged past the other stops a pixel short of it)
            if hx == 0:
                left = min(x, right - 1)
            elif hx == 1:
                right = max(x, left + 1)
            if hy == 0:
                top = min(y, bottom - 1)
            elif hy == 1:
                bottom = max(y, top + 1)
            self.change(box=(right - left, bottom - top), anchor=(left, top))
        elif self.dragging and self.doc.contains(self.layer):
            self.change(self.hit(self.layer, ev.image), extend=True)

    def release(self, canvas, ev) -> None:
        self.dragging = False
        self.resizing = None

    def _handles(self, canvas) -> list[tuple[tuple[float, float], QPointF]]:
        """A paragraph box's eight handles: (place on the box, widget point); none for
        point text."""
        frame = box_frame(self.layer)
        if frame is None:
            return []
        x, y, w, h = frame
        to_widget = canvas.image_transform()
        return [((hx, hy), to_widget.map(QPointF(x + hx * w, y + hy * h)))
                for hy in (0, 0.5, 1) for hx in (0, 0.5, 1) if (hx, hy) != (0.5, 0.5)]

    def handle_at(self, canvas, pos: QPointF) -> Optional[tuple[float, float]]:
        """The handle of the paragraph box under widget point `pos`, if any."""
        for place, point in self._handles(canvas):
            if abs(point.x() - pos.x()) <= HANDLE and abs(point.y() - pos.y()) <= HANDLE:
                return place
        return None

    def double_click(self, canvas, ev) -> bool:
        """A double-click in the text selects the word there (Photoshop's)."""
        if ev.button != Qt.MouseButton.LeftButton or not self.doc.contains(self.layer) or \
                not self._area().adjusted(-GRAB, -GRAB, GRAB, GRAB).contains(ev.image):
            return False
        self.select(*word_at(self.layer.type_settings.text, self.hit(self.layer, ev.image)))
        return True

    def claims_key(self, canvas, e: QKeyEvent) -> bool:
        # (Ctrl+Z too: the text's own undo, even when the document has no step to undo and
        # Edit > Undo is off; Ctrl+A, C, X and V act on the text, not on the document)
        if e.key() in _EDIT_KEYS or any(e.matches(k) for k in _TEXT_SHORTCUTS):
            return True
        return _typed(e) is not None

    def key_press(self, canvas, e: QKeyEvent) -> bool:
        key, mods = e.key(), e.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        tools = self.window.tools
        text = self.layer.type_settings.text
        start, end = self.selection()
        # (the clipboard's keys first: Shift+Delete is Cut, Shift+Insert Paste)
        if e.matches(QKeySequence.StandardKey.Undo):
            if not self.step_back():
                tools.end_mode(commit=False)
            return True
        if e.matches(QKeySequence.StandardKey.SelectAll):
            self.select(0, len(text))
        elif e.matches(QKeySequence.StandardKey.Copy) or e.matches(QKeySequence.StandardKey.Cut):
            if end > start:  # (nothing selected: the clipboard is left as it is)
                QApplication.clipboard().setText(text[start:end])
                if e.matches(QKeySequence.StandardKey.Cut):
                    self.insert("")
        elif e.matches(QKeySequence.StandardKey.Paste):
            pasted = plain_text(QApplication.clipboard().text())
            if pasted:  # (an image on the clipboard: nothing to type)
                self.insert(pasted)
        elif key == Qt.Key.Key_Escape:
            tools.end_mode(commit=False)
            return True
        elif key == Qt.Key.Key_Enter or (key == Qt.Key.Key_Return and ctrl):
            tools.end_mode(commit=True)  # Enter on the keypad, or Ctrl+Enter (Photoshop's)
            return True
        elif key == Qt.Key.Key_Return:
            self.insert("\n")
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            if end > start:
                self.insert("")
            elif key == Qt.Key.Key_Backspace and start > 0:
                self.change(start - 1, text=text[:start - 1] + text[start:])
            elif key == Qt.Key.Key_Delete and start < len(text):
                self.change(start, text=text[:start] + text[start + 1:])
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            right = key == Qt.Key.Key_Right
            if end > start and not shift:  # a selection collapses to the side gone to
                self.change(end if right else start)
            else:
                self.change(self.position + (1 if right else -1), extend=shift)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            line, col = self.line_col()
            self.change(self.index_of(line + (1 if key == Qt.Key.Key_Down else -1), col),
                        extend=shift)
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            pass  # no tab stops: taken, so that the keyboard stays with the text
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            line, _ = self.line_col()
            self.change(self.index_of(line, 0 if key == Qt.Key.Key_Home else 1 << 30),
                        extend=shift)
        else:
            typed = _typed(e)
            if typed is None:
                return False
            self.insert(typed)
        self.show_caret()  # (a key that changed nothing shows the caret too)
        return True

    def cursor_at(self, canvas, ev) -> QCursor:
        handle = self.handle_at(canvas, ev.pos) if self.doc.contains(self.layer) else None
        if handle is not None:
            shape = {(0, 0): Qt.CursorShape.SizeFDiagCursor, (1, 1): Qt.CursorShape.SizeFDiagCursor,
                     (1, 0): Qt.CursorShape.SizeBDiagCursor, (0, 1): Qt.CursorShape.SizeBDiagCursor}
            return QCursor(shape.get(handle, Qt.CursorShape.SizeHorCursor if handle[1] == 0.5
                                     else Qt.CursorShape.SizeVerCursor))
        return QCursor(Qt.CursorShape.IBeamCursor)

    # -- drawing ------------------------------------------------------------------------
    def _area(self) -> QRectF:
        """The text's lines' box in image coordinates (the caret's line when empty); a
        paragraph layer's own box."""
        frame = box_frame(self.layer)
        if frame is not None:
            return QRectF(*frame)
        ax, ay = self.layer.anchor()
        area = QRectF()
        for placed in layout(self.layer.type_settings):
            line = QRectF(ax + placed.x, ay + placed.baseline - placed.ascent,
                          max(placed.width, 1.0), placed.ascent + placed.descent)
            area = line if area.isNull() else area.united(line)
        if self.layer.type_settings.path is not None:
            return self._warped(area).boundingRect()  # (around the text on its path)
        return area

    def _selection_rects(self) -> list[QRectF]:
        """The selected characters' boxes in image coordinates, one per line touched."""
        start, end = self.selection()
        if end <= start:
            return []
        settings = self.layer.type_settings
        ax, ay = self.layer.anchor()
        first, _ = self.line_col(start)
        last, _ = self.line_col(end)
        rects = []
        lines = layout(settings)
        for line in range(first, last + 1):
            line_start = lines[line].start
            line_end = line_start + len(lines[line].text)
            c0 = max(start, line_start) - line_start
            c1 = min(end, line_end) - line_start
            x0, top, bottom = caret(settings, line, c0)
            x1 = caret(settings, line, c1)[0]
            if end > line_end and settings.text[line_end:line_end + 1] == "\n":
                # the line break selected too: a space's width for it
                x1 += settings.size * 0.3
            if x1 > x0:
                rects.append(QRectF(ax + x0, ay + top, x1 - x0, bottom - top))
        return rects

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if not self.doc.contains(self.layer):
            return
        to_widget = canvas.image_transform()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        handles = self._handles(canvas)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if handles:
            # A paragraph box: its edge, its handles, and a plus in the bottom-right one
            # when text overflows it (Photoshop's).
            painter.setPen(QPen(QColor(0, 0, 0, 180), 1))
            painter.drawRect(to_widget.mapRect(self._area()))
            painter.setBrush(QColor(255, 255, 255))
            half = HANDLE - 2
            for place, point in handles:
                painter.drawRect(QRectF(point.x() - half, point.y() - half, 2 * half, 2 * half))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if overflows(self.layer.type_settings):
                corner = dict(handles)[(1, 1)]
                painter.drawLine(QLineF(corner.x() - half + 2, corner.y(),
                                        corner.x() + half - 2, corner.y()))
                painter.drawLine(QLineF(corner.x(), corner.y() - half + 2,
                                        corner.x(), corner.y() + half - 2))
        elif self.layer.type_settings.path is not None:
            paint_type_path(painter, to_widget, self.layer)
        else:
            # The text's box, dotted, as Photoshop frames the text being edited.
            # (bent with warped text)
            frame = to_widget.map(self._warped(self._area().adjusted(-2, -2, 2, 2)))
            pen = QPen(QColor(0, 0, 0, 150), 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.drawPolygon(frame)
        rects = self._selection_rects()
        if rects:
            # The selection inverted, glyphs and all, as Photoshop shows selected type; no
            # caret meanwhile (Photoshop's).
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Difference)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255))
            for rect in rects:  # (bent with warped text)
                painter.drawPolygon(to_widget.map(self._warped(rect)))
        elif self.caret_shown and layout(self.layer.type_settings)[self.line_col()[0]].shown \
                and self._caret_on_path():
            # The text cursor: black with a white edge, seen on any colour (none in text
            # beyond a paragraph box, which is not drawn: Photoshop's).
            a, b = self._caret_line(canvas)
            painter.setPen(QPen(QColor(255, 255, 255), 3))
            painter.drawLine(QLineF(a, b))
            painter.setPen(QPen(QColor(0, 0, 0), 1))
            painter.drawLine(QLineF(a, b))
        painter.restore()

    def options(self) -> Optional[QWidget]:
        return self.tool.options()  # the Type tool's bar stays, and acts on this text


# The standard keys that act on the text being typed rather than on the document.
_TEXT_SHORTCUTS = (QKeySequence.StandardKey.SelectAll, QKeySequence.StandardKey.Copy,
                   QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste,
                   QKeySequence.StandardKey.Undo)


def _typed(e: QKeyEvent) -> Optional[str]:
    """The printable text a key press types (AltGr's characters too), else None: keys with
    Ctrl (and not Alt: AltGr is Ctrl+Alt on Windows) stay the window's shortcuts."""
    mods = e.modifiers()
    if mods & Qt.KeyboardModifier.ControlModifier and not mods & Qt.KeyboardModifier.AltModifier:
        return None
    text = e.text()
    return text if text and text.isprintable() else None


def plain_text(text: str) -> str:
    """Text from the clipboard as it can be typed: line breaks kept (any platform's), a
    tab as a space, other control characters left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(c for c in text if c == "\n" or c.isprintable())


def word_at(text: str, at: int) -> tuple[int, int]:
    """The word that position `at` touches, [start, end) (letters, digits, _ and '); else
    the one character after it (a space, a mark); an empty range at a line's end."""
    def is_word(c: str) -> bool:
        return c.isalnum() or c in "_'"

    start = end = at
    if (at < len(text) and is_word(text[at])) or (at > 0 and is_word(text[at - 1])):
        while start > 0 and is_word(text[start - 1]):
            start -= 1
        while end < len(text) and is_word(text[end]):
            end += 1
    elif at < len(text) and text[at] != "\n":
        end = at + 1
    return start, end
