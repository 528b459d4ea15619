"""Move (V): drag the active layer or group; arrow keys nudge it by 1 px (Shift: 10 px).
A drag starting on a guide moves the guide instead (onto a ruler: removes it). Its options
bar also holds Layer > Align's six buttons and Layer > Distribute's eight.

Auto-Select (the options bar, remembered; Ctrl held at the press turns it on or off for
that press, as in Photoshop) first makes the layer under the cursor active, or with
"Group" the outermost group holding it (`pick.layer_at`); where no layer has pixels the
active layer stays and moves. While it is on, the idle caches are made for the layer
under the resting cursor, so the first move of a drag on it is not held up.

Each mouse move is a `Document.translate` with the drag's merge key, so a
drag is one undo step. The renderer draws each move from the caches around the
layer (made while the editor was idle, `Renderer.prepare`), at the view's draft
level when zoomed out and only the rows in view at 100 %; the exact composite of
the rest follows when the drag settles. (Big layers used to be shown by a
`LayerPreview`, as Free Transform still is; making it cost 120-350 ms at the press
on a 4000x3000 layer, where the renderer's first move now costs about 10 ms.)
"""
from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCursor, QKeyEvent
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QSizePolicy,
                               QToolButton, QWidget)

from editor.model import Layer, align_ops, layer_set_ops, pick
from editor.model.document import LockedError, raise_if_locked

from .base import Tool

_drags = itertools.count(1)
_ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
           Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


class MoveTool(Tool):
    id = "move"
    label = "Move Tool"
    letter = "V"
    icon = "tool-move"
    tip = "Drag the active layer; arrow keys nudge it (Shift: 10 px)"

    def __init__(self, window):
        super().__init__(window)
        self._node = None
        self._moved = []  # the node and those linked to it, during a drag
        self._start = None
        self._applied = (0, 0)
        self._key = None
        self._macro = None
        self._hovered = None  # the layer under the resting cursor (Auto-Select on)

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.auto_select = settings.value("tools/move/auto_select", False, bool)
        self.auto_select_groups = settings.value("tools/move/auto_select_groups", False, bool)

    def _auto_selecting(self, ev) -> bool:
        ctrl = bool(ev.modifiers & Qt.KeyboardModifier.ControlModifier)
        return self.auto_select != ctrl

    def _picked(self, canvas, ev):
        """What Auto-Select takes at the event's point (None: no layer has pixels there)."""
        x, y = math.floor(ev.image.x()), math.floor(ev.image.y())  # the pixel under it
        if self.auto_select_groups:
            return pick.group_at(canvas.doc, x, y)
        return pick.layer_at(canvas.doc, x, y)

    def _target(self, canvas, report: bool = True):
        doc = canvas.doc
        node = doc.active
        if node is None:
            if report:
                self.window.status("Select a layer to move.")
            return None
        if node.is_locked():
            if report:  # a note in the status bar, not a dialog to dismiss
                locked = node if node.locked else next(g for g in node.ancestors() if g.locked)
                self.window.status(f"Layer '{locked.name}' is locked: unlock it (Ctrl+/) "
                                     "to move it.")
            return None
        try:
            raise_if_locked(node, "position")
        except LockedError as exc:
            if report:
                self.window.status(str(exc))
            return None
        return node

    def press(self, canvas, ev) -> None:
        chrome = canvas.chrome
        guide = chrome.guide_at(ev.pos) if chrome is not None else None
        if guide is not None:
            chrome.drag_guide(guide, canvas.doc.guides[guide][0], ev.pos)
            return
        if self._auto_selecting(ev):
            picked = self._picked(canvas, ev)
            if picked is not None:
                canvas.doc.set_active(picked)
        node = self._target(canvas)
        if node is None:
            return
        self._node = node
        self._start = ev.image
        self._applied = (0, 0)
        self._key = ("move", next(_drags))
        # Layers linked to it move along (Layer > Link Layers), as in Photoshop.
        self._moved = layer_set_ops.linked(canvas.doc, node)
        if isinstance(node, Layer) and len(self._moved) == 1:
            canvas.session.renderer.set_focus(node)
        else:
            # A group moves all its layers, a link all its nodes: one macro for the drag.
            self._macro = canvas.doc.history.macro("Move")
            self._macro.__enter__()

    def move(self, canvas, ev) -> None:
        if canvas.chrome is not None and canvas.chrome.dragging_guide():
            canvas.chrome.drag_guide_to(ev.pos)
            return
        if self._node is None:
            return
        dx = round(ev.image.x() - self._start.x())
        dy = round(ev.image.y() - self._start.y())
        if ev.shift:  # constrain to the main direction
            if abs(dx) >= abs(dy):
                dy = 0
            else:
                dx = 0
        if canvas.chrome is not None:  # an edge lands on a guide, the canvas or a layer
            box = self._node.bounds().translate(-self._applied[0], -self._applied[1])
            dx, dy = canvas.chrome.snap_offset(box, dx, dy, skip=self._node)
        step = (dx - self._applied[0], dy - self._applied[1])
        if step == (0, 0):
            return
        try:
            for node in self._moved:
                canvas.doc.translate(node, step[0], step[1], merge_key=self._key)
        except Exception as exc:  # the model refused: stop the drag, say why
            self._finish()
            self.window.report(exc, "Could not move the layer")
            return
        self._applied = (dx, dy)

    def hover(self, canvas, ev) -> None:
        picked = None
        if self._auto_selecting(ev):
            picked = self._picked(canvas, ev)
            picked = picked if isinstance(picked, Layer) else None
        if picked is not self._hovered:
            self._hovered = picked
            canvas.wait_to_prepare()  # made for it once the cursor rests

    def leave(self, canvas) -> None:
        self._hovered = None

    def prepare_target(self, canvas):
        if self._hovered is not None and canvas.doc.contains(self._hovered):
            return self._hovered
        return canvas.doc.active_layer

    def release(self, canvas, ev) -> None:
        if canvas.chrome is not None and canvas.chrome.dragging_guide():
            canvas.chrome.end_guide_drag(ev.pos)
            return
        self._finish()

    def _finish(self) -> None:
        if self._macro is not None:
            macro, self._macro = self._macro, None
            macro.__exit__(None, None, None)
        self._node = None

    def deactivate(self, canvas) -> None:
        self._finish()

    def key_press(self, canvas, e: QKeyEvent) -> bool:
        direction = _ARROWS.get(e.key())
        if direction is None:
            return False
        node = self._target(canvas)
        if node is None:
            return True
        step = 10 if e.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
        if isinstance(node, Layer):
            canvas.session.renderer.set_focus(node)
        try:
            moved = layer_set_ops.linked(canvas.doc, node)
            with canvas.doc.history.macro("Move"):  # (with the layers linked to it)
                for each in moved:
                    canvas.doc.translate(each, direction[0] * step, direction[1] * step)
        except Exception as exc:
            self.window.report(exc, "Could not move the layer")
        return True

    def cursor_at(self, canvas, ev) -> QCursor:
        guide = canvas.chrome.guide_at(ev.pos) if canvas.chrome is not None else None
        if guide is not None:
            horizontal = canvas.doc.guides[guide][0]
            return QCursor(Qt.CursorShape.SplitVCursor if horizontal else Qt.CursorShape.SplitHCursor)
        return QCursor(Qt.CursorShape.SizeAllCursor)

    def _set(self, key: str, value) -> None:
        setattr(self, key, value)
        self.window.settings.set_value(f"tools/move/{key}", value)

    def _action_buttons(self, row, prefix: str, ids, name: str, gaps: tuple) -> None:
        """Buttons for the window's `prefix_<id>` actions, a small gap after each of `gaps`
        (Photoshop's groups: the vertical edges, then the horizontal ones)."""
        for key in ids:
            action = self.window.actions.get(f"{prefix}_{key}")
            if action is None:
                continue
            button = QToolButton()
            button.setObjectName(f"{name}_{key}")
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            button.setIconSize(QSize(18, 18))
            row.addWidget(button)
            if key in gaps:
                row.addSpacing(4)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        auto = QCheckBox("Auto-Select:")
        auto.setObjectName("MoveAutoSelect")
        auto.setToolTip("A drag first selects what lies under the cursor "
                        "(Ctrl at the press: the other way for that drag)")
        auto.setChecked(self.auto_select)
        auto.toggled.connect(lambda on: self._set("auto_select", on))
        row.addWidget(auto)
        kind = QComboBox()
        kind.setObjectName("MoveAutoSelectKind")
        kind.addItems(["Layer", "Group"])
        kind.setCurrentIndex(1 if self.auto_select_groups else 0)
        kind.currentIndexChanged.connect(lambda i: self._set("auto_select_groups", i == 1))
        row.addWidget(kind)
        # Align (Layer > Align's actions: the Layers panel's chosen rows, or one layer to
        # the selection), as Photoshop's Move options bar has it.
        row.addSpacing(8)
        self._action_buttons(row, "align", align_ops.EDGES, "MoveAlign", ("bottom",))
        # Distribute (Layer > Distribute's: three or more of the Layers panel's rows), after
        # Align as in Photoshop's bar.
        row.addSpacing(8)
        self._action_buttons(row, "distribute", align_ops.DISTRIBUTE, "MoveDistribute",
                            ("bottom", "right"))
        row.addSpacing(8)
        hint = QLabel("Drag to move the active layer · arrow keys nudge 1 px (Shift: 10 px) · "
                      "Ctrl+T transforms")
        hint.setObjectName("Dim")
        # The hint yields its room (cut at the right) so that the buttons always show.
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(hint, 1)  # (the rest of the bar: cut where it ends)
        return w
