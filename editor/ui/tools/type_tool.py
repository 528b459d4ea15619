"""The Horizontal Type tool (T), Photoshop's point text.

A click on the canvas starts a new text layer anchored there; a click on a text layer
edits it (the text cursor where the click was). While text is being edited a tool mode
(`TypeEdit`) has the keyboard: typed characters go in, Backspace and Delete take them
out, Enter (Return) starts a new line, the arrows, Home and End move the text cursor.
The canvas shows the text as it will be, on its layer (`text_layer.preview_text`: no
undo step yet). Enter on the keypad, Ctrl+Enter, the options bar's check button, a
click outside the text, choosing another tool or any menu command commits: one undo
step ("Type Tool" for a new layer, "Edit Type Layer" for an edit). Esc or the cancel
button cancels: a new layer goes, an edited one is as it was. A double-click on a type layer's thumbnail in
the Layers panel edits its text too. Ctrl+Z while typing takes back the last change
of the text (and, with none left, cancels), as any menu command commits first.

The options bar holds the font family, size (pt: a pixel at 72 ppi, text_layer.py),
colour, bold, italic and alignment: what the next text gets, and, changed while a text
layer is being edited, part of that edit; changed with a text layer active (not being
edited), one undo step of its own, as in Photoshop. New text takes the foreground
colour, as Photoshop's does.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QKeyEvent, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (QButtonGroup, QDoubleSpinBox, QFontComboBox, QHBoxLayout,
                               QToolButton, QWidget)

from editor.model.text_layer import (ALIGNMENTS, DEFAULT_FONT, MAX_SIZE, MIN_SIZE, TextLayer,
                                     TextSettings, caret, check_editable, layer_name, layout,
                                     preview_text, set_text)

from ..icons import icon
from .base import Tool

GRAB = 4  # image pixels around a text layer's box that a click still edits it from
_EDIT_KEYS = {Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace,
              Qt.Key.Key_Delete, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up,
              Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Tab,
              Qt.Key.Key_Backtab}


def text_layer_at(doc, point: QPointF) -> Optional[TextLayer]:
    """The top-most shown text layer whose box (grown by GRAB) holds image point `point`."""
    for layer in reversed(list(doc.layers())):
        if isinstance(layer, TextLayer) and layer.is_shown():
            box = layer.bounds().expand(GRAB)
            if box.x <= point.x() < box.x1 and box.y <= point.y() < box.y1:
                return layer
    return None


class TypeTool(Tool):
    id = "type"
    label = "Horizontal Type Tool"
    letter = "T"
    icon = "tool-type"
    tip = ("Click to type a new text layer, or click a text layer to edit it; "
           "Ctrl+Enter (or Enter on the keypad) commits, Esc cancels")

    def __init__(self, window):
        super().__init__(window)
        s = window.settings
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
        self._widgets: dict[str, QWidget] = {}

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        self._start(canvas, text_layer_at(canvas.doc, ev.image), ev.image)

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

    def _start(self, canvas, layer: Optional[TextLayer], point: Optional[QPointF]) -> None:
        """Starts typing: into `layer` (None: a new text layer at `point`)."""
        try:
            edit = TypeEdit(self, canvas, layer, point)
        except Exception as exc:
            self.window.report(exc, "Could not edit the text" if layer is not None
                               else "Could not make a text layer")
            return
        self.window.tools.start_mode(edit)
        canvas.setFocus()

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.IBeamCursor)

    def activate(self, canvas) -> None:
        """Chosen with a text layer active: the bar shows that layer's settings."""
        layer = canvas.doc.active if canvas is not None and canvas.doc is not None else None
        self.show(layer.type_settings if isinstance(layer, TextLayer) else self.style)

    # -- options ----------------------------------------------------------------------
    def editing(self) -> Optional["TypeEdit"]:
        mode = self.window.tools.mode
        return mode if isinstance(mode, TypeEdit) and mode.tool is self else None

    def set_option(self, **change) -> None:
        """Font, size, colour, bold, italic or alignment chosen on the options bar: kept for
        the next text; part of the edit while text is edited, else one undo step for the
        active text layer."""
        if "color" not in change:
            self.style = self.style.replace(**change)
            for key, value in change.items():
                self.window.settings.set_value(f"tools/type/{key}", value)
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
                self.show(self.style)
        if canvas is not None and "font" not in change:
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
        size.setRange(MIN_SIZE, MAX_SIZE)
        size.setDecimals(1)
        size.setSuffix(" pt")
        size.setToolTip("Font size in points (a point is a pixel: 72 ppi)")
        size.setKeyboardTracking(False)  # typed: one change when the value is entered
        size.valueChanged.connect(lambda v: self.set_option(size=float(v)))
        color = QToolButton()
        color.setObjectName("TypeTool_color")
        color.setToolTip("Text colour")
        color.clicked.connect(self.choose_color)
        bold = QToolButton()
        bold.setObjectName("TypeTool_bold")
        bold.setText("B")
        bold.setToolTip("Bold")
        bold.setCheckable(True)
        f = bold.font()
        f.setBold(True)
        bold.setFont(f)
        bold.toggled.connect(lambda on: self.set_option(bold=bool(on)))
        italic = QToolButton()
        italic.setObjectName("TypeTool_italic")
        italic.setText("I")
        italic.setToolTip("Italic")
        italic.setCheckable(True)
        f = italic.font()
        f.setItalic(True)
        italic.setFont(f)
        italic.toggled.connect(lambda on: self.set_option(italic=bool(on)))
        for widget in (font, size, color, bold, italic):
            row.addWidget(widget)
        aligns = QButtonGroup(w)
        for i, (align, icon_name, tip) in enumerate((
                ("left", "align-left", "Left align text"),
                ("center", "align-hcenter", "Center text"),
                ("right", "align-right", "Right align text"))):
            button = QToolButton()
            button.setObjectName(f"TypeTool_align_{align}")
            button.setIcon(icon(icon_name))
            button.setToolTip(tip)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, a=align: self.set_option(align=a))
            aligns.addButton(button, i)
            row.addWidget(button)
            self._widgets[f"align_{align}"] = button
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
                             cancel=cancel, commit=commit)
        self.show(self.style)
        return w

    def show(self, settings: TextSettings) -> None:
        """The options bar shows `settings` (no signal sent back)."""
        widgets = self._widgets
        if not widgets:
            return
        for widget in widgets.values():
            widget.blockSignals(True)
        widgets["font"].setCurrentFont(QFont(settings.font))
        widgets["size"].setValue(settings.size)
        name = QColor(*self.shown_color()).name()
        widgets["color"].setText(name)
        widgets["color"].setStyleSheet(f"border-left: 14px solid {name};")
        widgets["bold"].setChecked(settings.bold)
        widgets["italic"].setChecked(settings.italic)
        for align in ALIGNMENTS:
            widgets[f"align_{align}"].setChecked(align == settings.align)
        editing = self.editing() is not None
        widgets["cancel"].setEnabled(editing)
        widgets["commit"].setEnabled(editing)
        for widget in widgets.values():
            widget.blockSignals(False)


class TypeEdit(Tool):
    """Editing one text layer's text (a tool mode: ToolManager.start_mode). A new layer is
    in the document while it is typed (no undo step) and is added as one step on commit."""

    id = TypeTool.id
    label = TypeTool.label
    icon = TypeTool.icon

    def __init__(self, tool: TypeTool, canvas, layer: Optional[TextLayer],
                 point: Optional[QPointF]):
        super().__init__(tool.window)
        self.tool, self.doc = tool, canvas.doc
        doc = self.doc
        self.before = doc.active  # chosen again when a new layer is cancelled
        if layer is None:
            fg = tool.window.foreground
            settings = tool.style.replace(text="", color=(fg.red(), fg.green(), fg.blue()))
            layer = TextLayer.drawn(layer_name(""), settings,
                                    (round(point.x()), round(point.y())))
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
        self.steps: list[tuple[TextSettings, int]] = []  # earlier states, for Ctrl+Z

    @property
    def new(self) -> bool:
        return self.original is None

    # -- the text -----------------------------------------------------------------------
    def change(self, position: Optional[int] = None, **change) -> None:
        """Shows the layer with its settings changed (and the text cursor at `position`)."""
        layer = self.layer
        if not self.doc.contains(layer):
            return
        settings = layer.type_settings.replace(**change)
        if settings != layer.type_settings:
            self.steps.append((layer.type_settings, self.position))
            try:
                preview_text(self.doc, layer, settings)
            except Exception as exc:
                self.steps.pop()
                self.window.report(exc, "Could not change the text")
                return
        if position is not None:
            self.position = max(0, min(position, len(settings.text)))
        self.tool.show(layer.type_settings)
        canvas = self.window.canvas
        if canvas is not None:
            canvas.update()

    def insert(self, text: str) -> None:
        old, at = self.layer.type_settings.text, self.position
        self.change(at + len(text), text=old[:at] + text + old[at:])

    def line_col(self) -> tuple[int, int]:
        before = self.layer.type_settings.text[:self.position]
        line = before.count("\n")
        return line, len(before) - (before.rfind("\n") + 1)

    def index_of(self, line: int, col: int) -> int:
        lines = self.layer.type_settings.lines()
        line = max(0, min(line, len(lines) - 1))
        return sum(len(t) + 1 for t in lines[:line]) + max(0, min(col, len(lines[line])))

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
        col = min(range(len(text) + 1), key=lambda c: abs(caret(settings, line, c)[0] - x))
        return sum(len(t.text) + 1 for t in lines[:line]) + col

    # -- mode life cycle (ToolManager.start_mode / end_mode) -----------------------------
    def activate(self, canvas) -> None:
        self.tool.show(self.layer.type_settings)
        self.doc.history.changed.connect(self._document_changed)

    def deactivate(self, canvas) -> None:
        self._disconnect()
        self.tool.show(self.tool.style)
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
        final = layer.type_settings
        preview_text(doc, layer, self.original)
        try:
            set_text(doc, layer, final)
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
            preview_text(doc, layer, self.original)

    def _choose_before(self) -> None:
        before = self.before
        self.doc.set_active(before if before is not None and self.doc.contains(before)
                            else None)

    def step_back(self) -> bool:
        """Ctrl+Z while typing: the text as it was before the last change; False (cancel)
        when nothing was changed."""
        if not self.steps:
            return False
        settings, position = self.steps.pop()
        preview_text(self.doc, self.layer, settings)
        self.position = position
        self.tool.show(settings)
        canvas = self.window.canvas
        if canvas is not None:
            canvas.update()
        return True

    # -- input --------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        if self._area().adjusted(-GRAB, -GRAB, GRAB, GRAB).contains(ev.image):
            self.change(self.hit(self.layer, ev.image))
            return
        # Outside the text: commit it (Photoshop's; a further click starts new text, so a
        # tool's letter typed next is not taken for text).
        self.window.tools.end_mode(commit=True)

    def claims_key(self, canvas, e: QKeyEvent) -> bool:
        # (Ctrl+Z too: the text's own undo, even when the document has no step to undo and
        # Edit > Undo is off)
        if e.key() in _EDIT_KEYS or e.matches(QKeySequence.StandardKey.Undo):
            return True
        return _typed(e) is not None

    def key_press(self, canvas, e: QKeyEvent) -> bool:
        key, mods = e.key(), e.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        tools = self.window.tools
        if e.matches(QKeySequence.StandardKey.Undo):
            if not self.step_back():
                tools.end_mode(commit=False)
        elif key == Qt.Key.Key_Escape:
            tools.end_mode(commit=False)
        elif key == Qt.Key.Key_Enter or (key == Qt.Key.Key_Return and ctrl):
            tools.end_mode(commit=True)  # Enter on the keypad, or Ctrl+Enter (Photoshop's)
        elif key == Qt.Key.Key_Return:
            self.insert("\n")
        elif key == Qt.Key.Key_Backspace:
            at, text = self.position, self.layer.type_settings.text
            if at > 0:
                self.change(at - 1, text=text[:at - 1] + text[at:])
        elif key == Qt.Key.Key_Delete:
            at, text = self.position, self.layer.type_settings.text
            if at < len(text):
                self.change(at, text=text[:at] + text[at + 1:])
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.change(self.position + (1 if key == Qt.Key.Key_Right else -1))
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            line, col = self.line_col()
            self.change(self.index_of(line + (1 if key == Qt.Key.Key_Down else -1), col))
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            pass  # no tab stops: taken, so that the keyboard stays with the text
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            line, _ = self.line_col()
            self.change(self.index_of(line, 0 if key == Qt.Key.Key_Home else 1 << 30))
        else:
            typed = _typed(e)
            if typed is None:
                return False
            self.insert(typed)
        return True

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.IBeamCursor)

    # -- drawing ------------------------------------------------------------------------
    def _area(self) -> QRectF:
        """The text's lines' box in image coordinates (the caret's line when empty)."""
        ax, ay = self.layer.anchor()
        area = QRectF()
        for placed in layout(self.layer.type_settings):
            line = QRectF(ax + placed.x, ay + placed.baseline - placed.ascent,
                          max(placed.width, 1.0), placed.ascent + placed.descent)
            area = line if area.isNull() else area.united(line)
        return area

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if not self.doc.contains(self.layer):
            return
        to_widget = canvas.image_transform()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # The text's box, dotted, as Photoshop frames the text being edited.
        frame = to_widget.mapRect(self._area()).adjusted(-2, -2, 2, 2)
        pen = QPen(QColor(0, 0, 0, 150), 1, Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(frame)
        # The text cursor: black with a white edge, seen on any colour.
        ax, ay = self.layer.anchor()
        line, col = self.line_col()
        x, top, bottom = caret(self.layer.type_settings, line, col)
        a = to_widget.map(QPointF(ax + x, ay + top))
        b = to_widget.map(QPointF(ax + x, ay + bottom))
        painter.setPen(QPen(QColor(255, 255, 255), 3))
        painter.drawLine(QLineF(a, b))
        painter.setPen(QPen(QColor(0, 0, 0), 1))
        painter.drawLine(QLineF(a, b))
        painter.restore()

    def options(self) -> Optional[QWidget]:
        return self.tool.options()  # the Type tool's bar stays, and acts on this text


def _typed(e: QKeyEvent) -> Optional[str]:
    """The printable text a key press types (AltGr's characters too), else None: keys with
    Ctrl (and not Alt: AltGr is Ctrl+Alt on Windows) stay the window's shortcuts."""
    mods = e.modifiers()
    if mods & Qt.KeyboardModifier.ControlModifier and not mods & Qt.KeyboardModifier.AltModifier:
        return None
    text = e.text()
    return text if text and text.isprintable() else None
