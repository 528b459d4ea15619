"""What command modules, panels and tools may use of the main window (a Protocol, for type
checking only).

Command modules (`file_commands`, `decompose_commands`, `edit_commands`, ...),
the panels and the canvas tools are given the window — always as a parameter
named `window` — and call back into it. They name this protocol instead of
`MainWindow`, so the window imports them and they do not import the window:
the list below is the whole of what they may rely on, and a new command
module should need nothing else (see docs/adding_a_command.md). A command
module or tool keeps it as `self.window`; a panel or dialog, being a QWidget
whose `window()` is Qt's (its top-level widget), keeps it as
`self.main_window`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QColor
    from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QStatusBar, QToolButton

    from editor.model import Document

    from .adjustment_commands import AdjustmentCommands
    from .canvas import CanvasView
    from .decompose_commands import DecomposeCommands
    from .edit_commands import EditCommands
    from .file_commands import FileCommands
    from .generate_panel import GeneratePanel
    from .info_panel import InfoPanel
    from .job_ui import JobUI
    from .background_commands import BackgroundCommands
    from .layer_commands import LayerCommands
    from .layer_comp_commands import LayerCompCommands
    from .layer_comps_panel import LayerCompsPanel
    from .layers_panel import LayersPanel
    from .path_commands import PathCommands
    from .select_commands import SelectCommands
    from .session import DocumentSession
    from .settings import Settings
    from .smart_object_commands import SmartObjectCommands
    from .tool_presets_panel import ToolPresets
    from .tools import ToolManager


class EditorWindow(Protocol):
    settings: "Settings"
    sessions: list["DocumentSession"]
    tools: "ToolManager"
    jobs: "JobUI"
    actions: dict[str, "QAction"]
    tool_actions: dict[str, "QAction"]
    tool_group_buttons: dict[tuple[str, ...], "QToolButton"]   # a palette group's place
    menus: dict[str, "QMenu"]
    foreground: "QColor"
    background: "QColor"
    zoom_label: "QLabel"
    docks: dict[str, "QDockWidget"]
    # Other pieces a module calls on (named here on purpose, see the docstring).
    files: "FileCommands"
    edit_commands: "EditCommands"
    select_commands: "SelectCommands"
    decompose_commands: "DecomposeCommands"   # the Object Selection tool finds objects by it
    layer_commands: "LayerCommands"
    background_commands: "BackgroundCommands"
    adjustment_commands: "AdjustmentCommands"
    path_commands: "PathCommands"
    smart_object_commands: "SmartObjectCommands"   # File > Save of a smart object's contents
    layer_comp_commands: "LayerCompCommands"   # the Layer Comps panel applies through it
    layers_panel: "LayersPanel"
    layer_comps_panel: "LayerCompsPanel"       # whose chosen row the comp commands act on
    generate_panel: "GeneratePanel"
    info_panel: "InfoPanel"                    # the colour samplers' read-outs (Sample Size)
    tool_presets: "ToolPresets"                # the Tool Preset picker's and panel's presets

    @property
    def session(self) -> Optional["DocumentSession"]: ...

    @property
    def doc(self) -> Optional["Document"]: ...

    @property
    def canvas(self) -> Optional["CanvasView"]: ...

    def status(self, message: str) -> None: ...

    def report(self, exc: BaseException, title: str = "") -> None: ...

    def busy(self, label: str, on: bool) -> None: ...

    def add_session(self, doc: "Document", title: Optional[str] = None, *,
                    restored: bool = False) -> "DocumentSession": ...

    def show_session(self, session: "DocumentSession") -> None: ...

    def next_untitled(self, peek: bool = False) -> str: ...

    def refresh_recent(self) -> None: ...

    def document_saved(self, session: "DocumentSession") -> None: ...

    def show_models(self) -> None: ...

    def statusBar(self) -> "QStatusBar": ...

    def set_foreground(self, color: "QColor") -> None: ...

    def set_background(self, color: "QColor") -> None: ...

    def trigger(self, name: str) -> None: ...

    def action(self, name: str) -> "QAction": ...

    def update_actions(self) -> None: ...
