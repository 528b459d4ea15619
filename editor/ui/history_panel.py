"""The History panel: every undo step by name; click a step to go back (or forward) to it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from .icons import icon

if TYPE_CHECKING:
    from .window_api import EditorWindow


class HistoryPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        self.session = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName("HistoryList")
        self.list.itemClicked.connect(self._clicked)
        layout.addWidget(self.list)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._rebuild)
        self._shown = None  # (session, names, index) last drawn

    def set_session(self, session) -> None:
        if self.session is not None:
            self.session.doc.history.changed.disconnect(self._schedule)
        self.session = session
        if session is not None:
            session.doc.history.changed.connect(self._schedule)
        self._rebuild()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _rebuild(self) -> None:
        history = self.session.doc.history if self.session is not None else None
        state = (self.session, history.names(), history.index) if history else None
        if state == self._shown:
            return  # e.g. a drag merging into its step: nothing new to list
        self._shown = state
        self.list.clear()
        if self.session is None:
            return
        doc = self.session.doc
        first = QListWidgetItem(icon("image"), "Open" if (doc.path or doc.source_path) else "New")
        self.list.addItem(first)
        for name in history.names():
            self.list.addItem(QListWidgetItem(name))
        for row in range(self.list.count()):
            item = self.list.item(row)
            if row > history.index:  # undone steps, still redoable
                item.setForeground(QColor("#6a6f78"))
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
        current = self.list.item(history.index)
        self.list.setCurrentItem(current)
        self.list.scrollToItem(current)

    def _clicked(self, item: QListWidgetItem) -> None:
        if self.session is None:
            return
        row = self.list.row(item)
        try:
            self.session.doc.history.goto(row)
        except Exception as exc:
            self.main_window.report(exc, "Could not go to that step")

    def row_rect(self, row: int):
        """Where step `row` is drawn (for tests)."""
        return self.list.visualItemRect(self.list.item(row))

    def current_row(self) -> Optional[int]:
        return self.list.currentRow()
