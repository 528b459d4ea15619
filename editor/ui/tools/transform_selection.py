"""Select > Transform Selection: Free Transform's handles on the selection's outline.

It is `TransformTool` with the selection in place of a layer: the same handles (corners
scale keeping the ratio, sides one axis, a drag outside turns, Ctrl+drag on a corner
distorts, Ctrl+Alt+Shift+drag is Perspective), the same X/Y/W/H/angle fields, flips and
Ctrl+Z steps; the frame is the selection's bounds (`selection_ops.selection_bounds`).
Nothing changes until Enter (or the check button, or a double-click inside): then the
selection is sent through the transform (`selection_ops.transform_selection`: a marquee
box as the polygon of its moved corners, a mask resampled as Free Transform resamples a
layer's pixels) in one undo step, "Transform Selection"; the layers' pixels stay as they
are. Esc leaves the selection as it was. An action records it as the "transform_selection"
command with Free Transform's numbers about the selection's frame (`play_transform_selection`). While it runs the canvas shows the picture as
it is, with the marching ants along the transformed outline instead of the selection's.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPainterPath, QTransform

from engine.box import Box, mask_bounds

from editor.model import DocumentError, replay, selection_ops
from editor.model.resample import perspective_pixels, transform_pixels
from editor.model.smart_object import tidy

from ..canvas import paint_ants_path
from .marquee import HANDLE, paint_handles
from .transform import TransformTool, set_numbers


class SelectionTransformTool(TransformTool):
    id = "transform_selection"
    label = "Transform Selection"
    step = "Transform Selection"
    verb = "transform the selection"

    def __init__(self, window, manager, doc):
        self.doc = doc  # (read by `_frame_of` while TransformTool sets up)
        super().__init__(window, manager, None)
        self._outline: Optional[QPainterPath] = None

    def _frame_of(self, node) -> Box:
        return selection_ops.selection_bounds(self.doc)

    @staticmethod
    def check(doc) -> None:
        """Raises a one-line DocumentError when nothing is selected."""
        selection_ops.selection_bounds(doc)

    # -- life cycle -----------------------------------------------------------------------
    def activate(self, canvas) -> None:
        if canvas is None or self._canvas is canvas:
            return
        self._canvas = canvas
        self._watch(canvas)
        # The selection's edge in image coordinates, drawn transformed while the mode runs
        # (the canvas's own ants would show where it was).
        doc = self.doc
        self._outline = QPainterPath() if doc.selection_mask is None else \
            QPainterPath(canvas.mask_outline())
        box = doc.selection
        if box is not None and (doc.selection_mask is None
                                or mask_bounds(doc.selection_mask) != box):
            # (a marquee box, or one drawn over a painted mask: the canvas outlines both)
            self._outline.addRect(QRectF(box.x, box.y, box.w, box.h))
        canvas.selection_outline_shown = False
        self._show()
        canvas.setFocus()
        canvas.update()

    def deactivate(self, canvas) -> None:
        if self._canvas is not None:
            self._canvas.selection_outline_shown = True
        super().deactivate(canvas)

    def commit(self, canvas) -> None:
        if canvas is None or self._unchanged():
            return
        doc = canvas.doc
        doc.history.changed.disconnect(self._document_changed)  # our own step
        try:
            numbers = self.numbers()
            self._apply(doc)
            replay.performed(doc, "transform_selection", **numbers)  # (an action records it)
        except Exception as exc:
            self.window.report(exc, "Could not transform the selection")
        finally:
            doc.history.changed.connect(self._document_changed)

    def _apply(self, doc) -> None:
        """The selection through the frame's transform, as one undo step: resampled by the
        resamplers Free Transform's commit uses (`_commit_pixels`, `_commit_quad`)."""
        corners = [(tidy(x), tidy(y)) for x, y in self._image_corners()]
        if self.quad is not None:
            t = self._quad_transform()
            matrix = [[t.m11(), t.m21(), t.m31()], [t.m12(), t.m22(), t.m32()],
                      [t.m13(), t.m23(), t.m33()]]

            def warp(pixels):
                return perspective_pixels(pixels, matrix, doc.canvas)
        else:
            affine = self.placement.affine(self.w, self.h)

            def warp(pixels):
                return transform_pixels(pixels, affine, doc.canvas)
        try:
            selection_ops.transform_selection(doc, corners, warp, self.step)
        except ValueError:  # (a corner past the horizon: the map sends it through infinity)
            raise DocumentError("These corners make no picture of the selection: bring "
                                "them back within the frame's horizon.") from None

    # -- drawing ------------------------------------------------------------------------
    def paints_content(self, canvas) -> bool:
        return False  # the picture as it is: only the outline moves

    def frame_to_canvas(self) -> QTransform:
        """Canvas point of the selection as it is -> where the transform sends it."""
        local = self._quad_transform() if self.quad is not None else \
            self.placement.qtransform(self.w, self.h)
        return QTransform.fromTranslate(-self.frame.x, -self.frame.y) * local

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        """Free Transform's frame, the ants along the transformed outline over it (a box's
        outline is the frame itself), and the handles over them."""
        super().paint_overlay(canvas, painter)
        if self._outline is not None and canvas is self._canvas:
            try:
                to_widget = self.frame_to_canvas() * canvas.image_transform()
            except ValueError:  # (corners that make no picture: no outline to show)
                to_widget = None
            if to_widget is not None:
                paint_ants_path(painter, to_widget.map(self._outline), canvas._ant_phase)
        paint_handles(painter, self._handles(canvas).values(), HANDLE)


@replay.register("transform_selection", "Transform Selection")
def play_transform_selection(doc, dx: float = 0.0, dy: float = 0.0, sx: float = 1.0,
                             sy: float = 1.0, angle: float = 0.0, corners=None,
                             size=None) -> None:
    """A recorded Transform Selection: the selection's frame moved, scaled, turned (or
    distorted) as the recorded numbers say, about this selection's frame's centre, as Free
    Transform's are played (`transform.play_free_transform`); one undo step."""
    SelectionTransformTool.check(doc)
    tool = SelectionTransformTool(None, None, doc)  # (no window: its commit only)
    set_numbers(tool, dx, dy, sx, sy, angle, corners, size)
    if not tool._unchanged():
        tool._apply(doc)
