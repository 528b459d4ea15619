"""What the Paths and Channels panels share: bound to one document session at a time
(its signals connected while it is shown), a list rebuilt once on the event loop's next
turn however many changes arrive together, and a panel menu of the window's actions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from .session import DocumentSession


class DocumentPanel(QWidget):
    """A subclass sets MENU (the window's action names, None for a separator) and
    MENU_NAME, and defines `_signals(doc)` ((signal, slot) pairs) and `_rebuild()`."""

    MENU: tuple = ()
    MENU_NAME = ""

    def __init__(self, main_window):
        super().__init__()
        self.main_window = main_window
        self.session: Optional["DocumentSession"] = None
        self._menu: Optional[QMenu] = None
        self._thumbs: dict = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._rebuild)

    def menu(self) -> QMenu:
        """The panel's menu: its commands, the window's actions."""
        if self._menu is None:
            self._menu = QMenu(self)
            self._menu.setObjectName(self.MENU_NAME)
            for name in self.MENU:
                if name is None:
                    self._menu.addSeparator()
                else:
                    self._menu.addAction(self.main_window.action(name))
        self.main_window.update_actions()
        return self._menu

    def _signals(self, doc):
        raise NotImplementedError

    def _rebuild(self) -> None:
        raise NotImplementedError

    def set_session(self, session: Optional["DocumentSession"]) -> None:
        if self.session is not None:
            for signal, slot in self._signals(self.session.doc):
                signal.disconnect(slot)
        self.session = session
        self._thumbs = {}
        if session is not None:
            for signal, slot in self._signals(session.doc):
                signal.connect(slot)
        self._rebuild()

    def _schedule(self, *_) -> None:
        if not self._timer.isActive():
            self._timer.start()
