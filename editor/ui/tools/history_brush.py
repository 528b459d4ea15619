"""History Brush (Y): paint the active layer back as it was in a snapshot.

The dabs are the brush's (size, hardness, opacity, flow: `BrushTool`'s stroke path and
options bar); each lays the pixels the layer had in the History Brush's source
(`editor.model.history_brush`), chosen in the History panel's brush column (the
document as it was opened unless the user chose another snapshot). A layer the source
does not have is refused in one line in the status bar, as Photoshop refuses. Each stroke
is one undo step; the layer's locks hold (`Document.begin_pixel_edit`, `PixelEdit`) and
only the selection changes.
"""
from __future__ import annotations

from editor.model import history_brush
from editor.model.brush_stroke import BrushStroke
from editor.model.errors import DocumentError

from .brush import BrushTool


class HistoryBrushTool(BrushTool):
    id = "history_brush"
    label = "History Brush Tool"
    letter = "Y"
    icon = "tool-history-brush"
    tip = ("Paint the active layer back as it was in the History Brush's source (the brush "
           "column of the History panel; [ and ] change the size)")
    history_name = "History Brush"
    verb = "paint"

    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        layer = self.pixel_target(doc)
        if layer is None:
            return
        try:
            source = history_brush.source_layer(doc, layer)
        except DocumentError as exc:
            self.window.status(str(exc))  # one line, nothing painted
            return
        try:
            # Room for the source's pixels (a layer shrunk since grows back), no more.
            edit = doc.begin_pixel_edit(layer, self.history_name,
                                        cover=source.bounds().intersect(doc.canvas))
        except DocumentError as exc:
            self.window.report(exc, "Could not use the History Brush")
            return
        canvas.session.renderer.set_focus(layer)
        self._edit, self._layer, self._canvas = edit, layer, canvas
        locked = layer.transparency_locked()
        self._stroke = BrushStroke(doc, edit, (layer.x, layer.y), self.size, self.hardness,
                                   self.flow, history_brush.history_layer(source, self.opacity,
                                                                          locked))
        self._first_dabs(canvas, ev)
