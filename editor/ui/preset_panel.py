"""What the preset panels (Actions, Swatches, Styles) share on the Qt side; their file is
`editor.model.preset_file`'s.

- `grid_body`: a grid of presets in a scroll area, the button row under it.
- `button_row`: on the left the panel-menu button (Photoshop's flyout menu), then the
  panel's own buttons on the right, as the Layers panel has them.
- `renamed`: Rename's question and the new name taken (a blank one ignored).
- `reset_asked`: Reset's question ("Replace the current … with the default …?").

`button_row` sets `panel.menu` (the QMenu, object name "<prefix>Menu") and
`panel.buttons` (name -> QToolButton, object names "<prefix>Button_<name>"; the menu
button is "<prefix>Button_menu"), which the panels and their tests use.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QHBoxLayout, QMenu, QMessageBox, QScrollArea, QToolButton,
                               QVBoxLayout, QWidget)

from . import dialogs
from .icons import icon

ICON_SIZE = QSize(18, 18)


def popup_menu_button(name: str, tip: str) -> tuple[QToolButton, QMenu]:
    """A panel-menu button (the app's menu icon) whose menu drops down on a click, and that
    menu, to be filled: the presets' menus beside a picker or list (Brush Settings, the
    Custom Shape picker)."""
    button = QToolButton()
    button.setObjectName(name)
    button.setIcon(icon("menu"))
    button.setIconSize(ICON_SIZE)
    button.setToolTip(tip)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    button.setMenu(menu)
    return button, menu


def button_row(panel: QWidget, prefix: str, title: str,
               menu_items: Iterable[tuple[Optional[str], Optional[Callable]]],
               buttons: Iterable[tuple[str, str, str, Callable]],
               make_button: Callable[[str], QToolButton] = lambda name: QToolButton()
               ) -> QHBoxLayout:
    """The row. `menu_items`: (text, slot), (None, None) for a separator. `buttons`: (name,
    icon name or a one-character glyph shown as text, tooltip, slot). `make_button(name)`
    makes a button (a panel's own kind, such as the Swatches' drop-on Delete)."""
    row = QHBoxLayout()
    row.setContentsMargins(6, 4, 6, 4)
    menu_button = QToolButton()
    menu_button.setObjectName(f"{prefix}Button_menu")
    menu_button.setIcon(icon("menu"))
    menu_button.setIconSize(ICON_SIZE)
    menu_button.setToolTip(f"{title} panel menu")
    panel.menu = QMenu(panel)
    panel.menu.setObjectName(f"{prefix}Menu")
    for text, slot in menu_items:
        if text is None:
            panel.menu.addSeparator()
        else:
            panel.menu.addAction(text, slot)
    menu_button.clicked.connect(lambda: panel.menu.exec(
        menu_button.mapToGlobal(menu_button.rect().bottomLeft())))
    row.addWidget(menu_button)
    row.addStretch(1)
    panel.buttons = {}
    for name, picture, tip, slot in buttons:
        button = make_button(name)
        button.setObjectName(f"{prefix}Button_{name}")
        if len(picture) == 1:  # (the Actions transport's glyphs; else the Layers panel's icons)
            button.setText(picture)
        else:
            button.setIcon(icon(picture))
            button.setIconSize(ICON_SIZE)
        button.setToolTip(tip)
        button.clicked.connect(lambda _=False, s=slot: s())
        row.addWidget(button)
        panel.buttons[name] = button
    return row


def grid_body(panel: QWidget, grid: QWidget, scroll_name: str,
              row: Callable[[], QHBoxLayout]) -> None:
    """`panel`'s layout: `grid` (kept as `panel.grid`) in a scroll area that scrolls only
    down (`panel.scroll`, object name `scroll_name`), then the button row `row()`."""
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    panel.grid = grid
    panel.scroll = QScrollArea()
    panel.scroll.setObjectName(scroll_name)
    panel.scroll.setWidgetResizable(True)
    panel.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    panel.scroll.setWidget(grid)
    layout.addWidget(panel.scroll, 1)
    layout.addLayout(row())


def renamed(parent: QWidget, title: str, item) -> bool:
    """Asks for `item`'s new name (its `name` offered); True when one was given and taken
    (stripped). Cancel or a blank name leaves it as it was."""
    name = dialogs.ask_text(parent, title, "Name:", item.name)
    if name is not None and name.strip():
        item.name = name.strip()
        return True
    return False


def reset_asked(parent: QWidget, title: str, what: str) -> bool:
    """Reset's question: whether the user agrees to replace the current `what` (plural:
    "swatches") with the default ones."""
    answer = QMessageBox.question(parent, title, f"Replace the current {what} with "
                                  f"the default {what}?")
    return answer == QMessageBox.StandardButton.Yes
