"""Healing Brush (J; Shift+J after the Spot Healing Brush): Alt+click a source point, then
paint over a blemish; on release the stroke is healed: the source's texture is laid on the
destination's own colour and light (`editor.model.healing`, the healing blend).

It is the Clone Stamp (`CloneStampTool`: the source point, Aligned, Sample, the crosshair,
`BrushStroke` for the stroke's cover and the selection) whose stroke shows a plain copy
while the button is held and is laid again, healed, when it is released, as Photoshop's
heals on release. Each stroke is one undo step.

The heal runs on the window's job worker (`HealJob`: progress, Esc cancels and the plain
copy stays), the stroke's edit kept open and its plain copy shown until the healed result
lands in it. The next stroke, Undo and another tool settle a waiting heal first.
"""
from __future__ import annotations

from editor.model.healing import StrokeHeal

from .clone import CloneStampTool
from .heal_job import HealJob


class HealingBrushTool(CloneStampTool):
    id = "heal_brush"
    label = "Healing Brush Tool"
    letter = "J"
    icon = "tool-heal-brush"
    tip = ("Alt+click where to take texture from, then paint over a blemish: on release the "
           "texture is blended into the colour and light around it ([ and ] change the size)")
    history_name = "Healing Brush"
    verb = "heal"
    sliders = ("size", "hardness")  # Photoshop's Healing Brush has no Opacity or Flow
    no_source = ("Alt+click where to heal from first: the Healing Brush takes its texture "
                 "from the point you Alt+click.")
    source_set = "Healing source set at {x}, {y}: paint over what to heal."

    def __init__(self, window):
        super().__init__(window)
        self.heals = HealJob(window)

    def load_options(self) -> None:
        super().load_options()
        # Always full: a hidden setting left from elsewhere must not thin the heal.
        self.opacity = self.flow = 1.0

    @property
    def busy(self) -> bool:
        """Whether a stroke waits for its heal."""
        return self.heals.busy

    def press(self, canvas, ev) -> None:
        self.heals.settle()   # the new stroke samples (and comes after) the last, healed
        super().press(canvas, ev)

    def deactivate(self, canvas) -> None:
        super().deactivate(canvas)
        self.heals.settle()

    def settle(self) -> None:
        """Lands a stroke still healing on the worker now (every window action calls it first: actions._run)."""
        self.heals.settle()

    def step_back(self) -> bool:
        """Undo while a heal is waiting: it lands first, so Undo takes the healed stroke
        back as one step (never the step before it)."""
        self.heals.settle()
        return False

    def _end_stroke(self) -> None:
        stroke, source, edit, canvas = self._stroke, self._snapshot, self._edit, self._canvas
        if edit is None or stroke is None or source is None:
            super()._end_stroke()
            return
        try:
            heal = StrokeHeal(stroke, source, self._offset, self.opacity,
                              self._layer.transparency_locked())
        except Exception as exc:  # the plain copy stays; the step can be undone
            self.window.report(exc, "Could not heal")
            heal = None
        if heal is None or heal.empty:
            super()._end_stroke()
            return
        # The edit stays open (the plain copy shows) until the heal lands: take it from
        # BrushTool, which would end it now.
        self._edit = None
        self._stroke_end = self._path.last
        super()._end_stroke()
        doc = canvas.doc

        def lay(healed) -> None:
            try:
                heal.land(healed)   # None (failed, cancelled): the plain copy stays
            finally:
                doc.end_pixel_edit(edit)
                canvas.update()
        self.heals.start(self.history_name, heal, lay, canvas, "Could not heal")
