"""The Color panel: the foreground and background colours as large swatches (click one to
choose it), their hex values to type, swap (X) and default black/white (D)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from . import dialogs

if TYPE_CHECKING:
    from .window_api import EditorWindow

FG_RECT, BG_RECT = QRect(4, 4, 44, 44), QRect(28, 28, 44, 44)


class Swatches(QWidget):
    def __init__(self, panel: "ColorPanel"):
        super().__init__()
        self.panel = panel
        self.setFixedSize(78, 78)
        self.setObjectName("ColorSwatches")
        self.setToolTip("Foreground over background: click one to choose it")

    def paintEvent(self, event) -> None:
        w = self.panel.main_window
        p = QPainter(self)
        p.setPen(QPen(QColor("#0f1012"), 1))
        p.setBrush(w.background)
        p.drawRect(BG_RECT)
        p.setPen(QPen(QColor("#e6e8ec"), 1))
        p.setBrush(w.foreground)
        p.drawRect(FG_RECT)

    def mousePressEvent(self, e) -> None:
        self.panel.choose(foreground=FG_RECT.contains(e.position().toPoint()))


class ColorPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        row = QHBoxLayout()
        self.swatches = Swatches(self)
        row.addWidget(self.swatches)
        form = QFormLayout()
        self.hex = {}
        for key, label in (("foreground", "Foreground"), ("background", "Background")):
            edit = QLineEdit()
            edit.setObjectName(f"ColorHex_{key}")
            edit.setMaxLength(7)
            edit.setFixedWidth(84)
            edit.editingFinished.connect(lambda k=key: self._typed(k))
            self.hex[key] = edit
            form.addRow(label, edit)
        buttons = QHBoxLayout()
        for text, tip, action in (("Swap", "Swap the colours (X)", "swap_colors"),
                                  ("Default", "Black and white (D)", "default_colors")):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, a=action: window.trigger(a))
            buttons.addWidget(button)
        form.addRow(buttons)
        row.addLayout(form, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        w = self.main_window
        for key, color in (("foreground", w.foreground), ("background", w.background)):
            if not self.hex[key].hasFocus():
                self.hex[key].setText(color.name())
        self.swatches.update()

    def choose(self, foreground: bool) -> None:
        w = self.main_window
        current = w.foreground if foreground else w.background
        color = dialogs.ask_color(self, current, "Foreground colour" if foreground
                                  else "Background colour")
        if color is not None:
            (w.set_foreground if foreground else w.set_background)(color)

    def _typed(self, key: str) -> None:
        text = self.hex[key].text().strip()
        color = QColor(text if text.startswith("#") else f"#{text}")
        w = self.main_window
        if color.isValid():
            (w.set_foreground if key == "foreground" else w.set_background)(color)
        else:
            w.status(f"“{text}” is not a colour: type it as #rrggbb.")
        self.refresh()
