"""Healing Brush (J; Shift+J after the Spot Healing Brush): Alt+click a source point, then
paint over a blemish; on release the stroke is healed: the source's texture is laid on the
destination's own colour and light (`editor.model.healing`, the healing blend).

It is the Clone Stamp (`CloneStampTool`: the source point, Aligned, Sample, the crosshair,
`BrushStroke` for the stroke's cover and the selection) whose stroke shows a plain copy
while the button is held and is laid again, healed, when it is released, as Photoshop's
heals on release. Each stroke is one undo step.
"""
from __future__ import annotations

from editor.model.healing import MARGIN, healing_layer

from .clone import CloneStampTool


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
        # Always full: a hidden setting left from elsewhere must not thin the heal.
        self.opacity = self.flow = 1.0

    def _end_stroke(self) -> None:
        stroke, source = self._stroke, self._snapshot
        if self._edit is not None and stroke is not None and source is not None:
            layer = self._layer
            try:
                stroke.relay(healing_layer(source, self._offset, self.opacity,
                                           layer.transparency_locked()), MARGIN)
            except Exception as exc:  # the plain copy stays; the step can be undone
                self.window.report(exc, "Could not heal")
        super()._end_stroke()
