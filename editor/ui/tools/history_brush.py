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
    uses_color = False  # (it does not paint the foreground colour)

    def press(self, canvas, ev) -> None:
        self._press_history(canvas, ev)
