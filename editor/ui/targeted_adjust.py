"""The on-image adjustment of Curves and Hue/Saturation (Photoshop's Targeted Adjustment
Tool, the hand button in their Properties): a canvas mode while the button is on.

A press samples what lies below the adjustment layer at the pointer
(`adjustment_ops.color_below`, the input the adjustment sees there) and:
- Curves: adds a point on the shown channel's curve at that pixel's level (its
  luminosity for RGB, `adjustments.level_of`) where the curve already is, and a drag
  up/down moves that point's output, one level per screen pixel;
- Hue/Saturation: shows the colour range of the pixel's hue (`adjustments.hue_range_of`)
  and a drag left/right changes that range's saturation (Ctrl: its hue).
Each press-drag-release is one undo step: its changes share a merge key, as a slider
drag's in the editor (`AdjustmentEditor.begin_drag`), and the canvas follows each as
any settings change does. Esc, another tool or the button again ends the mode.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor

from editor.model import adjustment_ops, adjustments as adj

from .tools.base import Tool

if TYPE_CHECKING:
    from .adjustment_editor import AdjustmentEditor


class TargetedAdjustMode(Tool):
    id = "targeted_adjust"
    label = "On-image adjustment"
    icon = "tool-hand"
    tip = "Drag on the image to adjust the colours under the pointer; Esc to leave"

    def __init__(self, window, editor: "AdjustmentEditor"):
        super().__init__(window)
        self.editor = editor
        self._start = None  # (widget x, widget y, what the drag starts from)

    # -- mode life cycle (ToolManager.start_mode / end_mode) -------------------------------
    def activate(self, canvas) -> None:
        self.window.status("On-image adjustment: drag on the image (Curves: up/down; "
                           "Hue/Saturation: left/right, Ctrl for hue); Esc to leave.")

    def deactivate(self, canvas) -> None:
        self._end_drag()
        self.editor.targeting_ended(self)

    def commit(self, canvas) -> None:
        self._end_drag()

    def cancel(self, canvas) -> None:
        self._end_drag()  # each drag is already its own undo step

    def step_back(self) -> bool:
        """Ctrl+Z in the mode: undo the last step of the document, stay in the mode (as
        Quick Mask; each drag is a step of its own)."""
        if self._start is None and self.window.doc is not None:
            self.window.doc.history.undo()
        return True

    def step_forward(self) -> None:
        if self._start is None and self.window.doc is not None:
            self.window.doc.history.redo()

    def key_press(self, canvas, e) -> bool:
        if e.key() == Qt.Key.Key_Escape:
            self.window.tools.end_mode(commit=True)
            return True
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.PointingHandCursor)

    # -- drags -------------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        node, doc = self.editor.node, canvas.doc
        if node is None or not doc.contains(node) or not isinstance(
                node.settings, (adj.Curves, adj.HueSaturation)):
            self.window.tools.end_mode(commit=True)
            return
        rgb = adjustment_ops.color_below(doc, node, int(ev.image.x()), int(ev.image.y()))
        if rgb is None:
            return
        settings = node.settings
        self.editor.begin_drag()  # one undo step for the whole drag
        if isinstance(settings, adj.Curves):
            name = self.editor.curve_field()
            try:
                points, index = adj.point_on_curve(getattr(settings, name),
                                                   adj.level_of(rgb, self.editor.channel))
            except ValueError as exc:  # 19 points already
                self.editor.end_drag()
                self.window.report(exc, "Could not add a curve point")
                return
            self._start = (ev.pos.x(), ev.pos.y(), (name, index, points[index][1]))
            self.editor.commit_settings(replace(settings, **{name: points}),
                                       self.editor._drag_key)
        elif settings.colorize:  # one colour for all: no range to pick
            self.editor.end_drag()
        else:
            index = adj.hue_range_of(rgb, settings.ranges)
            self.editor.show_range(index + 1)
            self._start = (ev.pos.x(), ev.pos.y(), (index, settings.ranges[index][1]))

    def move(self, canvas, ev) -> None:
        node = self.editor.node
        if self._start is None or node is None:
            return
        x0, y0, what = self._start
        settings = node.settings
        if isinstance(settings, adj.Curves):
            name, index, output = what
            points = getattr(settings, name)
            if index < len(points):  # (an undo in the drag could have taken it)
                moved = adj.point_placed(points, index, points[index][0],
                                         output + round(y0 - ev.pos.y()))
                self.editor.commit_settings(replace(settings, **{name: moved}),
                                           self.editor._drag_key)
        elif isinstance(settings, adj.HueSaturation):
            index, (hue, saturation, lightness) = what
            delta = round(ev.pos.x() - x0)
            if ev.modifiers & Qt.KeyboardModifier.ControlModifier:
                hue = max(-180, min(180, hue + delta))
            else:
                saturation = max(-100, min(100, saturation + delta))
            self.editor.commit_settings(settings.with_range(
                index, edit=(hue, saturation, lightness)), self.editor._drag_key)

    def release(self, canvas, ev) -> None:
        self.move(canvas, ev)
        self._end_drag()

    def _end_drag(self) -> None:
        if self._start is not None:
            self._start = None
            self.editor.end_drag()
