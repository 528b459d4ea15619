"""What the Paths, Channels and Layer Comps panels share: bound to one document session at a time
(its signals connected while it is shown), a list rebuilt once on the event loop's next
turn however many changes arrive together, and a panel menu of the window's actions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QListWidget, QMenu, QToolButton,
                               QWidget)

from .icons import icon
from .layers_panel import THUMB

if TYPE_CHECKING:
    from .session import DocumentSession


class PathList(QListWidget):
    """The rows; a press on the empty space below them says so (`empty_clicked`), and the
    keys held at the last press are kept (`modifiers`: Ctrl+click loads a selection)."""

    empty_clicked = Signal()

    def __init__(self):
        super().__init__()
        self.modifiers = Qt.KeyboardModifier.NoModifier

    def mousePressEvent(self, e) -> None:
        self.modifiers = e.modifiers()
        if self.itemAt(e.position().toPoint()) is None and \
                e.button() == Qt.MouseButton.LeftButton:
            self.empty_clicked.emit()
            return
        super().mousePressEvent(e)


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

    def _make_list(self, name: str, cls: type = PathList) -> PathList:
        """The panel's rows (`self.list`, a `cls`: PathList or a subclass): one chosen at a
        time, the panel menu on a right click; a click, a double-click and a click below
        the rows go to the subclass's `_clicked`, `_double_clicked` and `_choose_none`."""
        self.list = cls()
        self.list.setObjectName(name)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(
            lambda pos: self.menu().exec(self.list.viewport().mapToGlobal(pos)))
        self.list.itemClicked.connect(self._clicked)
        self.list.itemDoubleClicked.connect(self._double_clicked)
        self.list.empty_clicked.connect(self._choose_none)
        return self.list

    def _button_row(self, prefix: str, title: str, names, own=()) -> QHBoxLayout:
        """The row under the list: the panel menu's button, then a button per action in
        `names`, whose icon, tip and enabled state (its rule) follow the action; kept in
        `self.buttons`, named `{prefix}_{name}`. A button in `own` takes the action's icon,
        tip and enabled state but not its click, which the panel connects itself."""
        row = QHBoxLayout()
        row.setContentsMargins(6, 4, 6, 4)
        menu_button = QToolButton()
        menu_button.setIcon(icon("menu"))
        menu_button.setIconSize(QSize(18, 18))
        menu_button.setToolTip(f"{title} panel menu")
        menu_button.setObjectName(f"{prefix}_menu")
        menu_button.clicked.connect(lambda: self.menu().exec(
            menu_button.mapToGlobal(menu_button.rect().bottomLeft())))
        row.addWidget(menu_button)
        row.addStretch(1)
        self.buttons: dict[str, QToolButton] = {}
        for name in names:
            button = QToolButton()
            button.setIconSize(QSize(18, 18))
            button.setObjectName(f"{prefix}_{name}")
            action = self.main_window.action(name)
            if name in own:
                button.setIcon(action.icon())
                button.setToolTip(action.toolTip())
                action.changed.connect(lambda b=button, a=action: b.setEnabled(a.isEnabled()))
                button.setEnabled(action.isEnabled())
            else:
                button.setDefaultAction(action)
            row.addWidget(button)
            self.buttons[name] = button
        return row

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
