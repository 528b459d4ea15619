"""Keeps the mouse wheel for scrolling a panel: a spin box, combo box or slider under the
pointer takes the wheel only once it has the keyboard focus (clicked or tabbed into), so
scrolling a long panel never changes a Seed or a Steps box by accident."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox, QApplication,
                               QComboBox, QWidget)

_KINDS = (QAbstractSpinBox, QComboBox, QAbstractSlider)


class WheelGuard(QObject):
    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(obj, QWidget) or obj.hasFocus():
            return False
        area = obj.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:  # the panel's scroll area scrolls instead
            QApplication.sendEvent(area.viewport(), event)
        else:
            event.ignore()  # let the parent have it
        return True


def guard_wheel(root: QWidget) -> WheelGuard:
    """Installs the guard on every spin box, combo box and slider inside `root` (kept
    alive as `root`'s child)."""
    guard = WheelGuard(root)
    for widget in root.findChildren(QWidget):
        if isinstance(widget, _KINDS):
            if not isinstance(widget, QAbstractSlider):  # sliders are not typed into
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not focused by the wheel
            widget.installEventFilter(guard)
    return guard
