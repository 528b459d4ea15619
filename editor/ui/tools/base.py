"""The base of the canvas tools (`Tool`) and the `ToolManager` that holds the selected tool
and the mode (Free Transform) that may override it. The tools themselves are the other
modules of this package; `toolbox.all_tools` makes one of each."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QKeyEvent, QPainter
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QWidget

if TYPE_CHECKING:
    from ..canvas import CanvasEvent, CanvasView
    from ..window_api import EditorWindow


def check_option(row: QHBoxLayout, tool: "Tool", key: str, text: str, name: str) -> QCheckBox:
    """A check box for the boolean option `key` of `tool` (`set_option` keeps it)."""
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setChecked(getattr(tool, key))
    box.toggled.connect(lambda on: tool.set_option(key, on))
    row.addWidget(box)
    return box


def tolerance_spin(row: QHBoxLayout, tool: "Tool", name: str) -> QSpinBox:
    """The 0-255 Tolerance of a colour-picking tool (Magic Wand, Magic Eraser), labelled."""
    row.addWidget(QLabel("Tolerance"))
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, 255)
    spin.setValue(tool.tolerance)
    spin.valueChanged.connect(lambda v: tool.set_option("tolerance", v))
    row.addWidget(spin)
    return spin


# The selection tools' right-click menu, a short form of Photoshop's.
SELECTION_CONTEXT = ("deselect", "inverse", "feather", "select_and_mask", "save_selection",
                     "transform_selection")


class Tool:
    id = ""
    label = ""
    letter = ""
    icon = ""
    tip = ""
    pans = False  # a left drag pans the view (Hand)
    shows_paths = False  # it outlines the chosen path itself (else the canvas does)
    # The window actions (by name) of its right-click menu on the canvas; none: no menu.
    context_actions: tuple[str, ...] = ()
    # It paints or types with the foreground colour: its tool presets may keep that colour
    # (New Tool Preset's "Include Color", as Photoshop offers it).
    uses_color = False

    def __init__(self, window: "EditorWindow"):
        self.window = window
        self._options: Optional[QWidget] = None
        self.load_options()

    # -- options -------------------------------------------------------------------
    # A tool's options live in the settings under tools/<id>/ (`set_option` and the tools'
    # own setters write them there); `load_options` reads them into the tool. A tool preset
    # is that group of settings, so saving one and choosing it later take no code per tool.
    def load_options(self) -> None:
        """Reads the tool's options from the settings (tools/<id>/...): when it is made,
        and again when a tool preset or Reset Tool has changed them. Each tool with options
        overrides it (calling super first) and sets only its options here: it may run
        before the rest of its `__init__`."""

    def preset_state(self) -> dict:
        """The tool's options as a tool preset keeps them (its settings, by key)."""
        return self.window.settings.group_values(f"tools/{self.id}")

    def apply_preset_state(self, state: dict) -> None:
        """Makes `state` (a `preset_state`; empty: the defaults, Reset Tool) the tool's
        options: written to the settings in place of its own, read back into the tool and
        shown on a new options bar."""
        self.window.settings.set_group(f"tools/{self.id}", state)
        self.load_options()
        old, self._options = self._options, None
        if old is not None:
            # Built again now, so that what the tool keeps of its bar (a spin box it syncs)
            # is never the deleted one; the window shows it when the tool is current.
            self.options()
            old.deleteLater()

    def set_option(self, key: str, value) -> None:
        """An options-bar setting: kept on the tool and in the settings (tools/<id>/<key>)."""
        setattr(self, key, value)
        self.window.settings.set_value(f"tools/{self.id}/{key}", value)

    def activate(self, canvas: Optional["CanvasView"]) -> None:
        pass

    def deactivate(self, canvas: Optional["CanvasView"]) -> None:
        pass

    def colors_changed(self) -> None:
        """The foreground or background colour changed (a bar showing one follows it)."""

    # -- input -------------------------------------------------------------------
    def press(self, canvas: "CanvasView", ev: "CanvasEvent") -> None:
        pass

    def move(self, canvas: "CanvasView", ev: "CanvasEvent") -> None:
        pass

    def release(self, canvas: "CanvasView", ev: "CanvasEvent") -> None:
        pass

    def hover(self, canvas: "CanvasView", ev: "CanvasEvent") -> None:
        pass

    def leave(self, canvas: "CanvasView") -> None:
        pass

    def double_click(self, canvas: "CanvasView", ev: "CanvasEvent") -> bool:
        return False

    def key_press(self, canvas: "CanvasView", e: QKeyEvent) -> bool:
        return False

    def claims_key(self, canvas: "CanvasView", e: QKeyEvent) -> bool:
        """True for a key the tool takes now before the window's shortcuts (Backspace or
        Delete while drawing a path are not Edit > Clear); `key_press` then gets it."""
        return False

    def cursor_at(self, canvas: "CanvasView", ev: "CanvasEvent") -> QCursor:
        return QCursor(Qt.CursorShape.ArrowCursor)

    def prepare_target(self, canvas: "CanvasView"):
        """The layer whose caches the canvas makes while idle: the one a drag or stroke of
        this tool would change next."""
        return canvas.doc.active_layer

    # -- drawing -----------------------------------------------------------------
    def paints_content(self, canvas: "CanvasView") -> bool:
        """True while the tool draws the document itself (a live preview): the canvas then
        leaves the renderer's composite alone until the gesture ends."""
        return False

    def paint_content(self, canvas: "CanvasView", painter: QPainter, area: QRectF) -> None:
        """Draws the document inside `area` (only called when `paints_content`)."""

    def shown_selection(self, canvas: "CanvasView"):
        """The selection box to outline (a tool may show the one being drawn)."""
        return canvas.doc.selection

    def info_box(self, canvas: "CanvasView"):
        """The box whose W and H the Info panel shows: the selection's, unless the tool
        has a box of its own (a marquee or crop box being dragged)."""
        return canvas.doc.selection

    def paint_overlay(self, canvas: "CanvasView", painter: QPainter) -> None:
        pass

    # -- options bar -------------------------------------------------------------
    def options(self) -> Optional[QWidget]:
        if self._options is None:
            self._options = self.build_options()
        return self._options

    def build_options(self) -> Optional[QWidget]:
        return None


class ToolManager(QObject):
    """The selected tool, and the mode (Free Transform) that may override it."""

    changed = Signal(object)  # the tool now in charge

    def __init__(self, window: "EditorWindow", tools: list[Tool]):
        super().__init__()
        self.window = window
        self.tools = {tool.id: tool for tool in tools}
        self.selected: Tool = tools[0]
        self.mode: Optional[Tool] = None
        self.canvas: Optional["CanvasView"] = None

    @property
    def current(self) -> Tool:
        return self.mode or self.selected

    def set_canvas(self, canvas: Optional["CanvasView"]) -> None:
        """The canvas now in front (a mode belongs to one canvas: it ends first)."""
        if canvas is self.canvas:
            return
        if self.mode is not None:
            self.end_mode(commit=True)
        self.current.deactivate(self.canvas)
        self.canvas = canvas
        self.current.activate(canvas)
        self._refresh()

    def select(self, tool_id: str) -> None:
        tool = self.tools[tool_id]
        if self.mode is not None:
            self.end_mode(commit=True)
        if tool is self.selected:
            return
        self.selected.deactivate(self.canvas)
        self.selected = tool
        tool.activate(self.canvas)
        self.changed.emit(tool)
        self._refresh()

    def apply_preset_state(self, tool: Tool, state: dict) -> None:
        """`tool.apply_preset_state(state)` (a tool preset chosen, Reset Tool); the tool in
        charge is let go and taken again around it, so that what it shows follows."""
        current = tool is self.current
        if current:
            tool.deactivate(self.canvas)
        tool.apply_preset_state(state)
        if current:
            tool.activate(self.canvas)
            self.changed.emit(tool)
            self._refresh()

    def start_mode(self, mode: Tool) -> None:
        if self.mode is not None:
            self.end_mode(commit=True)
        self.selected.deactivate(self.canvas)
        self.mode = mode
        mode.activate(self.canvas)
        self.changed.emit(mode)
        self._refresh()

    def end_mode(self, commit: bool) -> None:
        """Ends the mode (committing or cancelling it) and gives control back to the tool."""
        mode = self.mode
        if mode is None:
            return
        self.mode = None
        finish = getattr(mode, "commit" if commit else "cancel")
        finish(self.canvas)
        mode.deactivate(self.canvas)
        self.selected.activate(self.canvas)
        self.changed.emit(self.selected)
        self._refresh()

    def _refresh(self) -> None:
        if self.canvas is not None:
            self.canvas.update()
            self.canvas.refresh_cursor()
