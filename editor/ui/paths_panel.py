"""The Paths panel (Window > Paths; a tab beside Layers, as Photoshop groups them):
the active layer's vector mask (in italics, as Photoshop lists it), the document's saved
paths and the Work Path (in italics: unsaved), each with a thumbnail. A click chooses the
path the Pen, Direct Selection and anchor point tools edit, and the canvas outlines it;
a click on the empty space below the rows chooses none (the outline goes). Ctrl+click on
a row loads that path as the selection (with Shift, Alt: add, subtract, intersect);
Ctrl+Enter loads the chosen one; a double-click renames a saved path or saves the Work
Path. The buttons below and the panel's menu are `path_commands`' actions.

The panel binds to the document in front (`Document.paths`, `path_target`); it changes
it only through its operations.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QListWidgetItem, QVBoxLayout

from editor.model import paths

from .document_panel import DocumentPanel
from .layers_panel import THUMB, path_thumbnail, selection_op

if TYPE_CHECKING:
    from .window_api import EditorWindow

KEY = Qt.ItemDataRole.UserRole  # a row's path: a DocPath's uid or paths.VECTOR_MASK
# The panel's menu, Photoshop's order (None: a separator).
MENU = ("path_new", "path_save", "path_duplicate", "path_delete", None,
        "path_from_selection", "path_to_selection", None, "path_fill", "path_stroke")
BUTTONS = ("path_fill", "path_stroke", "path_to_selection", "path_from_selection",
           "path_new", "path_delete")


class PathsPanel(DocumentPanel):
    MENU = MENU
    MENU_NAME = "PathsMenu"

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setObjectName("DockBody")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._make_list("PathsList"), 1)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # Load Path as Selection, in the panel
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: self.main_window.trigger("path_to_selection"))

        # Photoshop's Make Work Path button: the remembered tolerance at once; Alt+click asks.
        layout.addLayout(self._button_row("PathButton", "Paths", BUTTONS,
                                          own=("path_from_selection",)))
        self.buttons["path_from_selection"].clicked.connect(self._make_work_path_clicked)

        self.set_session(None)

    # -- binding to a document ------------------------------------------------------------
    def _signals(self, doc):
        return ((doc.paths_changed, self._schedule), (doc.path_target_changed, self._schedule),
                (doc.active_changed, self._schedule), (doc.node_changed, self._node_changed))

    def _node_changed(self, node, attr: str) -> None:
        doc = self.session.doc if self.session is not None else None
        if doc is not None and node is doc.active and attr in ("vector_mask", "name"):
            self._schedule()

    # -- rows -----------------------------------------------------------------------------
    def rows(self) -> list[tuple[object, str, object, bool]]:
        """(key, name, path geometry, italic) of each row, top first."""
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return []
        out = []
        node = doc.active
        vector = getattr(node, "vector_mask", None)
        if vector is not None:
            out.append((paths.VECTOR_MASK, f"{node.name} Vector Mask", vector, True))
        out.extend((p.uid, p.name, p.vector, p.work) for p in doc.paths)
        return out

    def _rebuild(self) -> None:
        self.list.clear()
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        current = None
        live = set()
        for key, name, vector, italic in self.rows():
            item = QListWidgetItem(self._thumbnail(key, vector, doc), name)
            item.setData(KEY, key)
            item.setToolTip(name)
            if italic:
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
            if key == paths.VECTOR_MASK:
                item.setForeground(QColor("#b8bcc4"))
            self.list.addItem(item)
            live.add(key)
            if key == doc.path_target:
                current = item
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in live}
        if current is not None:
            self.list.setCurrentItem(current)
            self.list.scrollToItem(current)
        else:
            self.list.setCurrentItem(None)
            self.list.clearSelection()

    def _thumbnail(self, key, vector, doc) -> QIcon:
        """The row's thumbnail, kept until its path (or the canvas) changes."""
        dpr = self.devicePixelRatioF()
        state = (vector.offset, vector.inverted, vector.initial_fill, doc.width, doc.height, dpr)
        cached = self._thumbs.get(key)
        if cached is not None and cached[0][0] is vector.shape and cached[0][1] == state:
            return cached[1]
        result = QIcon(path_thumbnail(vector, doc.width, doc.height, THUMB, dpr))
        self._thumbs[key] = ((vector.shape, state), result)
        return result

    def row_rect(self, key):
        """Where the row of `key` (a DocPath's uid or paths.VECTOR_MASK) is drawn, in the
        list's viewport (for tests)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(KEY) == key:
                return self.list.visualItemRect(item)
        return None

    # -- clicks ---------------------------------------------------------------------------
    def _make_work_path_clicked(self) -> None:
        alt = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
        self.main_window.path_commands.make_work_path(ask=alt)

    def _clicked(self, item: QListWidgetItem) -> None:
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        key = item.data(KEY)
        modifiers = self.list.modifiers
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            # Ctrl+click: the row's path as the selection; which path is chosen stays (the
            # list's own Ctrl+click toggled the row: it is shown as chosen again).
            self._schedule()
            self.main_window.path_commands.load_selection(selection_op(modifiers), key)
            return
        doc.set_path_target(key)

    def _choose_none(self) -> None:
        if self.session is not None:
            self.session.doc.set_path_target(None)
        self.list.clearSelection()

    def _double_clicked(self, item: QListWidgetItem) -> None:
        key = item.data(KEY)
        if key != paths.VECTOR_MASK:
            self.main_window.path_commands.rename_path(key)
