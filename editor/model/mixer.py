"""Mixer Brush: a brush that carries paint of its own (the reservoir, loaded with the
foreground colour at each press) and paint it picks up from the layer, and lays their mix.

This project's model of Photoshop's four settings, built on Smudge's carried buffer
(`focus.SmudgeStroke`: premultiplied planes the size of the dab, laid down by the dab's
coverage, dabs 5 % of the diameter apart):

- Wet: how long the picked-up paint stays in the brush. The pick-up buffer starts as what
  lies under the first dab and at every dab becomes Wet parts of itself and (1 - Wet)
  parts of what lies under it (Smudge's Strength), so a wetter brush drags colours
  further (Photoshop: "higher settings produce longer paint streaks").
- Mix: the share of picked-up paint in what the brush lays; the rest is the reservoir's.
  The picked-up paint is laid as Smudge lays its buffer, at Mix times the dab's coverage;
  the reservoir's as a brush of Flow (1 - Mix) x charge would lay it with the brush's
  spacing (each dab's share scaled down to the closer spacing), so that overlapping dabs
  do not make every setting come out as the plain foreground colour.
- Load: how much paint the reservoir holds. Its charge starts full and loses
  DRAIN x (1 - Load) of itself at every dab, so at 100 % it never runs dry and at low
  Load the stroke fades out into a smudge (Photoshop: "with low load rates, the strokes
  dry out more quickly").
- Flow: the dab's coverage is multiplied by it.

So Wet 0 % and Mix 0 % paint the foreground colour as the Brush does, Wet 100 % and Mix
100 % smudge as Smudge does at 100 %. As Smudge, colours only: alpha stays (an empty
layer takes no paint; Photoshop's Mixer Brush can paint there). No Qt here.
"""
from __future__ import annotations

import numpy as np

from .commands import PixelEdit
from .document import Document
from .dabs import SPACING
from .focus import SMUDGE_SPACING, SmudgeStroke
from .layers import Layer

# The reservoir's loss per dab at Load 0: half gone after 17 dabs (0.85 diameter).
DRAIN = 0.04


class MixerStroke(SmudgeStroke):
    """One Mixer Brush stroke with reservoir colour `colour` (8-bit RGB) and `wet`, `load`,
    `mix`, `flow` in 0..1."""

    def __init__(self, doc: Document, layer: Layer, edit: PixelEdit, size: float,
                 hardness: float, colour: tuple[int, int, int], wet: float, load: float,
                 mix: float, flow: float) -> None:
        super().__init__(doc, layer, edit, size, hardness, wet)
        self.mix = np.float32(np.clip(mix, 0.0, 1.0))
        self.flow = np.float32(np.clip(flow, 0.0, 1.0))
        self.drain = DRAIN * (1.0 - float(np.clip(load, 0.0, 1.0)))
        self.charge = 1.0
        # The reservoir's paint as `_under`'s planes: opaque, premultiplied.
        self.reservoir = np.array([*colour, 1.0], np.float32).reshape(4, 1, 1)
        self.pickup = None

    def dab(self, x: float, y: float) -> None:
        box = self.dab_box(x, y)
        under = self._under(box)
        first = self.pickup is None
        if first:
            self.pickup = under
        else:
            wet = np.float32(self.strength)
            self.pickup *= wet
            self.pickup += (1.0 - wet) * under
        self._box = box
        # The picked-up paint as Smudge lays its buffer (not at the first dab: it lies there).
        if not first and self.mix > 0:
            self.carried = self.pickup
            self.apply_dab(self._mask * (self.flow * self.mix), box)
        # The reservoir's, as a brush of that flow with the brush's spacing would lay it: so
        # much per dab that the dabs a pixel gets from a stroke (a quarter diameter apart)
        # add up to as much, and a drying brush shows.
        amount = self.flow * (1.0 - self.mix) * self.charge * (SMUDGE_SPACING / SPACING)
        if amount > 0:
            self.carried = np.broadcast_to(self.reservoir, under.shape)
            self.apply_dab(self._mask * np.float32(amount), box)
        self.charge *= 1.0 - self.drain
